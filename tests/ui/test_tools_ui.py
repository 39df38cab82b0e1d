"""Calculators and the simulation in the browser."""

import re

import pytest
from playwright.sync_api import Page, expect

from abitare.numbers import number
from abitare.parameters import load_parameters
from abitare.simulation_start import starting_point
from abitare_widgets.simulation import prevention_budget

pytestmark = pytest.mark.browser

LONG = 90_000


def test_moving_a_slider_or_choosing_a_comune_changes_the_simulation(voila, page: Page):
    page.goto(f"{voila.base}/voila/render/simulazione.ipynb?p=sim-tester")
    chart = page.locator(".abitare-chart")
    expect(chart).to_be_visible(timeout=LONG)
    before = chart.get_attribute("src")
    table_before = page.locator(".abitare-compare").inner_text()
    slider = page.get_by_role("slider").nth(3 + 7)  # scenario B: «Contratti a canone concordato al mese»
    readout = page.locator(".abitare-readout").nth(3 + 7)
    expect(readout).to_have_text(re.compile(r"^\d+,\d\d$"))  # «4,80», not d3's «4.80»
    value_before = readout.inner_text()
    slider.focus()
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    expect(chart).not_to_have_attribute("src", before, timeout=20_000)
    assert page.locator(".abitare-compare").inner_text() != table_before
    expect(readout).not_to_have_text(value_before)
    expect(readout).to_have_text(re.compile(r"^\d+,\d\d$"))
    budget = page.get_by_role("slider", name="Budget mensile di prevenzione (€)")
    expect(budget).to_have_count(2)  # the handles keep their names without the built-in readout
    # scenario B starts from another comune's data: levers, chart and table follow
    before = chart.get_attribute("src")
    page.get_by_role("combobox", name="Comune").nth(1).select_option(label="Melegnano")
    expect(page.locator(".abitare-compare")).to_contain_text("Scenario B – Melegnano", timeout=20_000)
    expect(chart).not_to_have_attribute("src", before)
    expect(page.get_by_text("dataset sintetico dell'Ambito (dati inventati, non reali) – Melegnano")).to_be_visible()
    # the prevention budget follows Melegnano's households, in thousands with a dot
    households = starting_point("Melegnano", load_parameters()).households
    expect(page.locator(".abitare-readout").nth(4 + 7)).to_have_text(number(prevention_budget(households)))


def test_the_canone_calculator_shows_steps_and_sources(voila, page: Page):
    page.goto(f"{voila.base}/voila/render/calcolatore.ipynb?c=canone-sap&p=calc-tester")
    page.get_by_label("Superficie dell'alloggio (m²)", exact=True).fill("80", timeout=LONG)
    page.get_by_label("Balconi e terrazze (m²) (facoltativo)").fill("8")
    page.get_by_label("Cantine e simili (m²) (facoltativo)").fill("4")
    page.get_by_label("Anno di costruzione (facoltativo)").fill("1970")
    page.get_by_label("ISEE-ERP del nucleo (€) (facoltativo)").fill("8.000")
    page.get_by_role("button", name="Calcola").click()
    result = page.locator(".abitare-result")
    expect(result).to_contain_text("1.037,50 €")
    page.get_by_text("Costo convenzionale per gli alloggi ultimati prima del 1977").click()
    expect(page.get_by_text("Fonte: L.R. Lombardia 27/2009, art. 31, Allegato B").first).to_be_visible()
    page.get_by_label("Superficie dell'alloggio (m²)", exact=True).fill("-3")
    page.get_by_role("button", name="Calcola").click()
    expect(page.get_by_role("alert")).to_contain_text("deve essere maggiore di 0")
