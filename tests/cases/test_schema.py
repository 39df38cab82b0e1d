"""Case simulations: the checker names each defect, the engine replays, every shipped case is sound."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from abitare.cases.run import CaseRun
from abitare.cases.schema import MAX_STEPS, load_case, parse_guard, scan_cases
from abitare.cases.store import CaseStore
from tests.conftest import CONTENT_DIR

BROKEN = [
    ("case-unknown-target", 44, "non è né una situazione né un finale"),
    ("case-unreachable-node", 60, "non si raggiunge mai dall'inizio"),
    ("case-dead-end", 50, "nessuna scelta è disponibile"),
    ("case-endless-loop", 35, "girare all'infinito"),
    ("case-out-of-range", 27, "fuori dall'intervallo 0–10"),
    ("case-guard-unknown-variable", 45, "«speranza», che non è dichiarata"),
    ("case-guard-syntax", 45, "condizione non valida"),
    ("case-bad-recommended", 73, "non c'è una scelta che porti a «buon-esito»"),
    ("case-missing-lesson", 66, "la lezione «prova/09-non-esiste» non esiste"),
]


@pytest.mark.parametrize(("defect", "line", "words"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_cases_name_file_line_and_problem(fixture_content, defect, line, words):
    _, issues = scan_cases(fixture_content(defect))
    match = [i for i in issues if words in i.message]
    assert match, [str(i) for i in issues]
    assert match[0].path.endswith("casi/prova.yaml") and match[0].line == line


def test_the_base_case_is_sound_and_listed(fixture_content):
    from abitare.overview import inventory

    inv = inventory(fixture_content())
    assert inv["cases"] == [{"id": "prova", "title": "Un caso di prova", "module": "prova", "nodes": 3, "endings": 2}]
    assert inv["errors"] == []


def test_guards_combine_and_before_or():
    guard = parse_guard("a > 1 and b < 2 or c == 3")
    assert guard.holds({"a": 2, "b": 1, "c": 0}) and guard.holds({"a": 0, "b": 5, "c": 3})
    assert not guard.holds({"a": 2, "b": 5, "c": 0})


def test_a_run_replays_to_the_same_state(fixture_content):
    case = load_case(fixture_content(), "prova")
    for seed in ("1", "2", "3", "4"):
        run = CaseRun(case, seed)
        run.choose(0)
        replayed = CaseRun.replay(case, seed, [s.choice for s in run.steps])
        assert replayed.state == run.state and replayed.node == run.node


def test_guards_close_choices_and_endings_finish(fixture_content):
    case = load_case(fixture_content(), "prova")
    run = CaseRun(case, "seed")
    run.choose(1)  # «Aspetti»: fiducia 3, mesi 2
    assert run.node == "attesa" and run.state == {"fiducia": 3, "mesi": 2}
    run.choose(0)  # back to the interview: fiducia 3, or 2 if the seeded event fired on arrival
    assert run.node == "colloquio" and run.state["fiducia"] in (2, 3)
    assert [i for i, _ in run.available()] == [1], "«Proponi un piano» needs fiducia >= 5: only «Rinvii» is open"
    with pytest.raises(ValueError):
        run.choose(7)
    while not run.finished:
        run.choose(run.available()[-1][0])
    assert run.ending in case.data.endings and run.available() == []


def test_choices_are_stored_and_counted_for_the_class(fixture_content, store):
    case = load_case(fixture_content(), "prova")
    cases = CaseStore(store.engine)
    for name, picks in (("anna", [0, 0]), ("bruno", [1, 1])):
        p = store.identify(name)
        run = CaseRun(case, name)
        for step, index in enumerate(picks):
            if run.finished or index not in dict(run.available()):
                index = run.available()[0][0]
            node = run.node
            choice = run.choose(index)
            cases.record_choice(p.id, case.id, 1, step, node, index, choice.to, "martedi")
        assert cases.choices(p.id, case.id, 1) == [s.choice for s in run.steps]
    stats = cases.class_stats(case, "martedi")
    assert stats.participants == 2 and stats.choices["inizio"] == {0: 1, 1: 1}
    assert cases.class_stats(case, "altro-gruppo").participants == 0


SHIPPED = scan_cases(CONTENT_DIR)[0]


def test_six_cases_are_shipped_and_sound():
    cases, issues = scan_cases(CONTENT_DIR)
    assert issues == []
    assert len(cases) >= 6
    for c in cases:
        assert len(c.data.nodes) >= 10 and len(c.data.endings) >= 3, c.id


@pytest.mark.parametrize("case", SHIPPED, ids=[c.id for c in SHIPPED])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=10**9), picks=st.lists(st.integers(0, 3), max_size=MAX_STEPS + 5))
def test_random_walks_end_and_stay_in_range(case, seed, picks):
    run = CaseRun(case, str(seed))
    for step in range(MAX_STEPS + 1):
        if run.finished:
            break
        options = run.available()
        assert options, f"dead end in {run.node} with {run.state}"
        index = options[picks[step] % len(options) if step < len(picks) else 0][0]
        run.choose(index)
        assert not run.clamped, f"state left its range at {run.node}: the engine had to clamp it"
    assert run.finished, f"no ending after {MAX_STEPS} choices: {run.path}"


def test_listing_cases_skips_the_deep_check_but_playing_does_not(fixture_content):
    from abitare.errors import ContentError

    root = fixture_content("case-out-of-range")
    listed, issues = scan_cases(root, deep=False)
    assert [c.id for c in listed] == ["prova"] and issues == []
    with pytest.raises(ContentError, match="fuori dall'intervallo"):
        load_case(root, "prova")
