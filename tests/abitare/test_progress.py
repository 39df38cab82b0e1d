"""Progress: participants, answers and positions survive a restart (a new engine)."""

import threading

import pytest

from abitare.errors import ParticipantCodeError
from abitare.progress import open_store


def test_codes_ignore_case_and_spaces(store):
    first = store.identify("  Mario   Rossi ")
    again = store.identify("mario rossi")
    assert first.id == again.id
    assert first.display_name == "Mario Rossi"


@pytest.mark.parametrize("bad", ["", "ab", "x" * 41, "<script>", "a/b/c", "_abc"])
def test_unusable_codes_are_refused_in_italian(store, bad):
    with pytest.raises(ParticipantCodeError, match="Il codice"):
        store.identify(bad)


def test_answers_and_position_survive_a_restart(settings, store):
    p = store.identify("SDM-anna")
    store.record_answer(p.id, "sistema-abitativo", "q1", [1], False)
    store.record_answer(p.id, "sistema-abitativo", "q1", [0], True)
    store.record_answer(p.id, "sistema-abitativo", "q2", [2, 0], True)
    store.set_position(p.id, "sistema-abitativo", "verifica")
    store.engine.dispose()

    reopened = open_store(settings)  # as after a server restart
    again = reopened.identify("sdm-anna")
    answers = reopened.latest_answers(again.id, "sistema-abitativo")
    assert answers["q1"].choice == (0,) and answers["q1"].correct
    assert answers["q2"].choice == (2, 0)  # order kept, as ordering questions need
    assert reopened.get_position(again.id, "sistema-abitativo") == "verifica"
    assert reopened.get_position(again.id, "altro") is None


def test_positions_are_per_module_and_overwritten(store):
    p = store.identify("abc")
    store.set_position(p.id, "m1", "a")
    store.set_position(p.id, "m1", "b")
    store.set_position(p.id, "m2", "c")
    assert store.get_position(p.id, "m1") == "b"
    assert store.get_position(p.id, "m2") == "c"


def test_concurrent_first_visits_make_one_participant(settings):
    stores = [open_store(settings) for _ in range(8)]
    ids: list[int] = []
    barrier = threading.Barrier(len(stores), timeout=30)  # a thread that never arrives fails the test, not hangs it

    def visit(s):
        barrier.wait()
        ids.append(s.identify("stessa-persona").id)

    threads = [threading.Thread(target=visit, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a visit is still waiting after a minute"
    assert len(ids) == 8 and len(set(ids)) == 1
