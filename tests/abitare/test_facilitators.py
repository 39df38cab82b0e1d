import time

import pytest
from sqlalchemy import select

from abitare.errors import FacilitatorError
from abitare.facilitators import FacilitatorStore, hash_secret, verify_secret
from abitare.storage import facilitators


def test_secrets_are_stored_only_as_salted_hashes(store):
    creds = FacilitatorStore(store.engine)
    creds.set_secret("Giulia", "una-frase-lunga-segreta")
    with store.engine.connect() as conn:
        stored = conn.execute(select(facilitators.c.secret_hash)).scalar_one()
    assert "una-frase" not in stored and stored.startswith("scrypt$")
    assert hash_secret("x" * 12) != hash_secret("x" * 12)  # salted
    assert verify_secret("una-frase-lunga-segreta", stored)


def test_right_secret_names_the_facilitator_wrong_one_waits(store):
    creds = FacilitatorStore(store.engine)
    creds.set_secret("Giulia", "una-frase-lunga-segreta")
    assert creds.check("una-frase-lunga-segreta") == "Giulia"
    start = time.monotonic()
    assert creds.check("tentativo-sbagliato") is None
    assert creds.check("altro-tentativo-sbagliato") is None
    assert time.monotonic() - start >= 1.4  # 0.5 s then 1 s


def test_short_secrets_are_refused(store):
    with pytest.raises(FacilitatorError, match="almeno 10 caratteri"):
        FacilitatorStore(store.engine).set_secret("Giulia", "breve")


def test_changing_a_secret_replaces_the_old_one(store):
    creds = FacilitatorStore(store.engine)
    creds.set_secret("Giulia", "prima-parola-segreta")
    creds.set_secret("Giulia", "seconda-parola-segreta")
    assert creds.check("seconda-parola-segreta") == "Giulia"
    assert verify_secret("prima-parola-segreta", hash_secret("x" * 10)) is False
