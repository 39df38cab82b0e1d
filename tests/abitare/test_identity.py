import pytest

from abitare.errors import ParticipantCodeError
from abitare.identity import hub_user, normalize_code, request_query


def test_query_string_of_a_plain_voila_kernel():
    env = {"QUERY_STRING": "m=sistema-abitativo&p=Anna%20B."}
    assert request_query(env) == {"m": "sistema-abitativo", "p": "Anna B."}


def test_no_query_outside_voila():
    assert request_query({}) == {}


def test_hub_user_wins_when_present():
    assert hub_user({"JUPYTERHUB_USER": "anna"}) == "anna"
    assert hub_user({}) is None


def test_accents_and_apostrophes_are_fine():
    assert normalize_code("Niccolò D'Amico") == "niccolò d'amico"


def test_control_characters_are_refused():
    with pytest.raises(ParticipantCodeError):
        normalize_code("anna\u202ebeta")


def test_trusted_hub_names_skip_the_character_rules():
    assert normalize_code("Anna@Comune.it", trusted=True) == "anna@comune.it"
    with pytest.raises(ParticipantCodeError):
        normalize_code("x" * 81, trusted=True)
