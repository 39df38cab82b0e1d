"""What the room sees (reveal, timers, moderation, the field on the wall), on SQLite and PostgreSQL."""

from datetime import date

import pytest

from abitare.errors import AbitareError
from abitare.practice.room import RoomStore, export_marks, mark_merged, marked_rows, moderated_rows
from abitare.practice.sessions import SessionStore
from abitare.practice.synthesis import summarize, to_csv
from abitare.practice.worksheets import AnswerError, load_worksheet

HOSTILE = "<script>alert('x')</script><img src=x onerror=alert(1)>"


@pytest.fixture
def sheet(fixture_content):
    return load_worksheet(fixture_content(), "prova")


def test_reveal_timer_and_wall_are_stored(store, sheet):
    sessions, room = SessionStore(store.engine), RoomStore(store.engine)
    session, _ = sessions.create(sheet, "Assemblea", date(2026, 12, 5))
    assert room.field_states(session) == {} and room.projected(session) is None
    room.set_revealed(sheet, session, "urgenza", True)
    room.set_revealed(sheet, session, "urgenza", True)  # twice: one row
    ends = room.start_timer(sheet, session, "bisogni", 90)
    room.set_projected(sheet, session, "bisogni")
    again = RoomStore(store.engine).field_states(session)  # as after a reload
    assert again["urgenza"].revealed and again["urgenza"].timer_ends_at is None
    assert not again["bisogni"].revealed and again["bisogni"].timer_ends_at == ends
    assert 85 < again["bisogni"].remaining() <= 90
    assert room.projected(session) == "bisogni"
    room.set_revealed(sheet, session, "urgenza", False)
    room.stop_timer(sheet, session, "bisogni")
    states = room.field_states(session)
    assert not states["urgenza"].revealed and states["bisogni"].remaining() is None
    with pytest.raises(AnswerError):
        room.set_revealed(sheet, session, "inesistente", True)
    with pytest.raises(AbitareError):
        room.start_timer(sheet, session, "bisogni", 0)


def test_moderation_approve_hide_merge_and_rewrite(store, sheet):
    sessions, room = SessionStore(store.engine), RoomStore(store.engine)
    session, _ = sessions.create(sheet, "Assemblea", date(2026, 12, 5))
    anna, bruno = sessions.join(session, "Anna"), sessions.join(session, "Bruno")
    sessions.save(sheet, anna, "bisogni", ["Più luce nelle scale", HOSTILE])
    sessions.save(sheet, bruno, "bisogni", ["Luce nelle scale"])
    sessions.save(sheet, bruno, "note", "Una nota")
    sessions.save(sheet, bruno, "urgenza", 4)
    found = room.contributions(sheet, session)
    assert [(c.member, c.text, c.status) for c in found] == [
        ("Anna", "Più luce nelle scale", "pending"),
        ("Anna", HOSTILE, "pending"),
        ("Bruno", "Luce nelle scale", "pending"),
        ("Bruno", "Una nota", "pending"),
    ]
    light, script, similar, note = found
    rows = sessions.answers(session)
    visible, _ = moderated_rows(sheet, rows, found)
    assert {r.field_id: r.value for r in visible if r.member == "Bruno"} == {"bisogni": [], "urgenza": 4}
    room.decide(session, light, "approved")
    room.decide(session, script, "hidden")
    light = room.contributions(sheet, session)[0]
    with pytest.raises(AbitareError):
        room.decide(session, similar, "merged", note)  # another field
    room.decide(session, similar, "merged", light)
    room.decide(session, note, "approved")
    found = room.contributions(sheet, session)
    assert [c.status for c in found] == ["approved", "hidden", "merged", "approved"]
    visible, merged = moderated_rows(sheet, rows, found)
    wall = {s.spec.id: s for s in summarize(sheet, visible)}
    assert mark_merged(wall["bisogni"], merged).texts == [("Anna", "Più luce nelle scale (+1 simili)")]
    assert wall["note"].texts == [("Bruno", "Una nota")] and wall["urgenza"].counts == {"4": 1}
    # hidden text stays in the exports, marked
    marks = export_marks(found)
    csv = to_csv(sheet, rows, marks=marks)
    assert "moderazione" in csv.splitlines()[0] and HOSTILE in csv and "approvata | nascosta" in csv
    exported = {s.spec.id: s for s in summarize(sheet, marked_rows(sheet, rows, found))}
    assert (("Anna", f"{HOSTILE} [nascosta alla proiezione]")) in exported["bisogni"].texts
    # a rewritten contribution goes back to the queue
    sessions.save(sheet, bruno, "note", "Una nota riscritta")
    assert room.contributions(sheet, session)[3].status == "pending"
    # and one put back in the queue by the facilitator too
    room.decide(session, found[1], "pending")
    assert room.contributions(sheet, session)[1].status == "pending"
