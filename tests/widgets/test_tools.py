"""Calculator form and simulation app, driven headless."""

import pytest

from abitare.calc import CALCULATORS
from abitare.simulation_start import dataset_counts, starting_point
from abitare_widgets.calculator import CalculatorForm
from abitare_widgets.simulation import SimulationApp, prevention_budget


def test_the_canone_form_computes_with_sources_and_indicative_marks():
    form = CalculatorForm(CALCULATORS["canone-sap"])
    form.fields["superficie_alloggio"].value = "80"
    form.fields["balconi"].value = "8"
    form.fields["cantine"].value = "4"
    form.fields["anno_costruzione"].value = "1970"
    form.fields["isee_erp"].value = "8.000,00"
    form.compute_button.click()
    html = form.result.value
    assert "1.037,50 €" in html and "Fonte: L.R. Lombardia 27/2009" in html and "(valore indicativo)" in html


def test_the_form_reports_bad_input_in_italian_and_clears_the_old_result():
    form = CalculatorForm(CALCULATORS["sostenibilita"])
    form.fields["reddito_mensile"].value = "1500"
    form.fields["affitto_mensile"].value = "500"
    form.compute()
    assert "Risultato" in form.result.value
    form.fields["reddito_mensile"].value = "tanti"
    form.compute()
    assert "deve essere un numero" in form.message.value and form.result.value == ""


def test_the_requisiti_form_takes_an_optional_pse_and_shows_the_checklist():
    form = CalculatorForm(CALCULATORS["requisiti-sap"])
    assert form.fields["pse"].description.endswith("(facoltativo)") and form.fields["pse"].value == ""
    form.fields["isee"].value = "12.000"
    form.fields["patrimonio"].value = "24.000"
    form.fields["componenti"].value = "2"
    form.compute()
    assert "23.850,00 €" in form.result.value and "PSE 1,57" in form.result.value
    assert "Da verificare con il nucleo" in form.result.value and "abitare-checklist" in form.result.value
    form.fields["pse"].value = "1,8"
    form.compute()
    assert "25.000,00 €" in form.result.value


def test_the_schedule_is_a_table_and_a_csv():
    form = CalculatorForm(CALCULATORS["piano-rientro"])
    form.fields["arretrato"].value = "600"
    form.fields["capacita_mensile"].value = "200"
    form.compute()
    assert "Mese per mese" in form.result.value and "piano-rientro.csv" in form.result.value
    assert 'alt="Grafico del debito residuo mese per mese: si azzera al mese 3."' in form.result.value


def test_moving_a_slider_reruns_and_redraws_both_scenarios():
    app = SimulationApp()
    first_chart, first_table = bytes(app.chart.value), app.summary.value
    assert app.runs == 1 and first_chart.startswith(b"\x89PNG")
    app.panel_b.sliders["agency_contracts"].value = 30
    assert app.runs == 2 and bytes(app.chart.value) != first_chart and app.summary.value != first_table
    assert "simulazione-scenari.csv" in app.export.value


def test_choosing_a_comune_in_the_simulation_reseeds_its_levers_and_reruns_once():
    app = SimulationApp()
    ambito, melegnano = (starting_point(c, app.params) for c in ("Ambito", "Melegnano"))
    assert [label for label, _ in app.panel_b.comune.options][:2] == ["Tutto l'Ambito", "Carpiano"]
    assert app.panel_a.sliders["sap_units"].value == ambito.sap_capacity
    before = app.summary.value
    app.panel_b.comune.value = "Melegnano"
    assert app.runs == 2, "one run for the new comune, not one per re-seeded slider"
    sliders = app.panel_b.sliders
    assert sliders["sap_units"].value == melegnano.sap_capacity
    assert sliders["temporary_places"].value == melegnano.temporary_places
    assert sliders["agency_contracts"].value == pytest.approx(melegnano.agency_contracts)
    assert "Scenario B – Melegnano" in app.summary.value and app.summary.value != before
    origin = app.panel_b.origin.value
    assert "Dati di partenza: dataset sintetico dell&#x27;Ambito (dati inventati, non reali) – Melegnano" in origin
    assert "Tutto l&#x27;Ambito" in app.panel_a.origin.value
    sliders["sap_units"].value = melegnano.sap_capacity + 10
    scenario = app.panel_b.scenario(1)
    assert app.runs == 3 and scenario.comune == "Melegnano" and scenario.from_data and scenario.sap_units_change == 10


def test_slider_values_are_shown_the_italian_way_and_follow_the_slider():
    app = SimulationApp()
    panel = app.panel_a
    assert panel.readouts["sap_turnover"].value == "4,00" and panel.readouts["rent_growth"].value == "2,00"
    assert all(not slider.readout and slider.description for slider in panel.sliders.values()), (
        "the d3 readout is off; the description still names the slider"
    )
    panel.sliders["sap_units"].value = 1234
    panel.sliders["rent_growth"].value = -1.5
    panel.sliders["agency_contracts"].value = 0.07
    panel.sliders["prevention_budget"].value = 12_300
    shown = {name: readout.value for name, readout in panel.readouts.items()}
    assert (shown["sap_units"], shown["rent_growth"]) == ("1.234", "-1,50")
    assert (shown["agency_contracts"], shown["prevention_budget"]) == ("0,07", "12.300")
    app.panel_b.comune.value = "Melegnano"
    melegnano = starting_point("Melegnano", app.params)
    assert app.panel_b.readouts["sap_units"].value == str(melegnano.sap_capacity)  # fewer than 1.000


def test_the_prevention_budget_follows_the_comune_s_households():
    assert (prevention_budget(10_000), prevention_budget(51_000), prevention_budget(909)) == (1200, 6100, 100)
    app = SimulationApp()
    budget = app.panel_b.sliders["prevention_budget"]
    ambito, colturano = (starting_point(c, app.params) for c in ("Ambito", "Colturano"))
    assert budget.value == prevention_budget(ambito.households) and budget.max == 20 * budget.value
    app.panel_b.comune.value = "Colturano"
    assert budget.value == prevention_budget(colturano.households) < 1000 and budget.max == 10_000
    assert app.panel_b.readouts["prevention_budget"].value == str(budget.value)
    assert app.panel_b.scenario(1).prevention_budget == budget.value
    households = [starting_point(c, app.params).households for c in dataset_counts() if c != "Ambito"]
    rounding = 50 * len(households)  # each comune's budget is rounded to 100 €
    assert abs(sum(map(prevention_budget, households)) - prevention_budget(sum(households))) <= rounding


def test_the_simulation_page_says_what_it_is_calibrated_on_and_counts_executed_evictions():
    app = SimulationApp()
    header = app.children[0].value
    assert "Su che cosa è tarata la simulazione" in header and "non una previsione" in header
    assert "4.802 sfratti eseguiti in Lombardia nel 2024" in header and "0,1% (valore indicativo)" in header
    assert "Sfratti eseguiti in tutto il periodo" in app.summary.value
    assert "Sfratti eseguiti in media all'anno, sul totale dei nuclei" in app.summary.value
