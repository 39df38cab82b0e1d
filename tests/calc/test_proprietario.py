"""The landlord's calculator (cedolare secca, IRPEF) on hand-computed cases."""

from abitare.calc import run_calculator


def test_proprietario_cedolare_by_hand():
    r = run_calculator(
        "proprietario",
        {
            "canone_concordato_mensile": 600,
            "canone_libero_mensile": 800,
            "superficie": 60,
            "imu_ordinaria": 900,
            "mesi_sfitto_libero": 1,
        },
    ).figures
    # concordato 7.200 − 10% − IMU 75% (675) = 5.805; libero 8.800 − 21% − 900 = 6.052
    assert r["netto_annuo"] == {"concordato": 5805, "libero": 6052}


def test_proprietario_irpef_by_hand():
    r = run_calculator(
        "proprietario",
        {
            "canone_concordato_mensile": 500,
            "canone_libero_mensile": 700,
            "superficie": 50,
            "regime": "irpef",
            "aliquota_irpef": 35,
            "reddito_inquilino": 14000,
        },
    ).figures
    # concordato: 6.000 − 35% × 70% × 6.000 (1.470) − 2% × 70% × 6.000 (84) = 4.446
    # libero: 8.400 − 35% × 8.400 (2.940) − 2% × 8.400 (168) = 5.292
    assert r["netto_annuo"] == {"concordato": 4446, "libero": 5292}
    assert r["detrazione_inquilino"] == 495.8
