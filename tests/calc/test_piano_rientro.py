"""The repayment plan calculator: funds first, then the instalments."""

from abitare.calc import run_calculator


def test_piano_di_rientro_uses_the_funds_then_schedules():
    # a private-market tenant served with an eviction notice: the fund first, then instalments
    r = run_calculator(
        "piano-rientro",
        {
            "arretrato": 12000,
            "capacita_mensile": 250,
            "isee": 9000,
            "sfratto_intimato": True,
            "anni_residui_contratto": 3,
        },
    )
    # 12.000 − 8.000 (fondo, massimo per sanare) = 4.000 → 16 rate da 250
    assert r.figures["fondo_morosita"] == 8000 and r.figures["da_rateizzare"] == 4000 and r.figures["rate"] == 16
    assert r.table[-1] == {"mese": 16, "rata": 250, "residuo": 0}
    assert any("contratto di locazione registrato" in item for item in r.checklist)


def test_the_fondo_morosita_incolpevole_is_not_for_sap_tenants_nor_before_an_eviction_notice():
    # DOMAIN.md: for a private-market tenant already served with an eviction notice
    sap = run_calculator(
        "piano-rientro",
        {
            "arretrato": 12000,
            "capacita_mensile": 250,
            "isee": 9000,
            "inquilino_sap": True,
            "mesi_in_sap": 30,
            "contributo_solidarieta": 1000,
            "anni_residui_contratto": 3,
            "sfratto_intimato": True,
        },
    )
    # 12.000 − 1.000 (solidarietà) = 11.000 → 44 rate da 250; no fund for a SAP tenant
    assert sap.figures["fondo_morosita"] == 0 and sap.figures["rate"] == 44
    assert "mercato privato" in sap.steps[1].value
    private = run_calculator(
        "piano-rientro", {"arretrato": 3000, "capacita_mensile": 250, "isee": 9000, "anni_residui_contratto": 3}
    )
    assert private.figures["fondo_morosita"] == 0 and "intimazione di sfratto" in private.steps[1].value


def test_the_solidarity_contribution_stops_at_its_yearly_cap():
    r = run_calculator(
        "piano-rientro",
        {
            "arretrato": 6000,
            "capacita_mensile": 100,
            "isee": 8000,
            "inquilino_sap": True,
            "mesi_in_sap": 36,
            "contributo_solidarieta": 5000,
        },
    )
    # DOMAIN.md: at most 2.700 € a year per household → 6.000 − 2.700 = 3.300 → 33 rate
    assert r.figures["contributo_solidarieta"] == 2700 and r.figures["rate"] == 33
    assert any("massimo annuo" in note for note in r.notes)
