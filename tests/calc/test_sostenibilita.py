"""The affordability calculator's thresholds."""

from abitare.calc import run_calculator


def test_sostenibilita_thresholds():
    r = run_calculator("sostenibilita", {"reddito_mensile": 1500, "affitto_mensile": 500, "spese_mensili": 100})
    assert r.figures["incidenza_percento"] == 40 and r.figures["esito"] == "attenzione"
    over = run_calculator("sostenibilita", {"reddito_mensile": 1000, "affitto_mensile": 450})
    assert over.figures["esito"] == "sovraccarico"
