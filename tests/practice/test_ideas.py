"""Ideas with votes, questions with upvotes (SQLite and PostgreSQL), and the word cloud."""

import contextlib
import re
import threading
from datetime import date

import pytest

from abitare.errors import IdeaError
from abitare.practice.ideas import PostStore
from abitare.practice.sessions import SessionStore
from abitare.practice.wordcloud import cloud_html, normalise, word_counts
from abitare.practice.worksheets import load_worksheet

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(1)> javascript:alert(1)"


@pytest.fixture
def sheet(fixture_content):
    return load_worksheet(fixture_content(), "prova")


def test_votes_count_once_and_within_each_persons_allowance(store, sheet):
    sessions, posts = SessionStore(store.engine), PostStore(store.engine)
    session, _ = sessions.create(sheet, "Assemblea", date(2026, 12, 5))
    anna, bruno = sessions.join(session, "Anna"), sessions.join(session, "Bruno")
    with pytest.raises(IdeaError, match="aperto"):
        posts.add(session, anna, "idea", "Un orto condiviso")
    posts.configure(session, ideas_open=True, votes_each=2)
    garden = posts.add(session, anna, "idea", "  Un orto\n condiviso ")
    light = posts.add(session, bruno, "idea", "Più luce nelle scale")
    hostile = posts.add(session, bruno, "idea", HOSTILE)
    with pytest.raises(IdeaError):
        posts.add(session, anna, "idea", "x" * 301)
    posts.vote(session, anna, light)
    posts.vote(session, anna, light)  # twice: one vote
    posts.vote(session, anna, garden)
    with pytest.raises(IdeaError, match="tutti i tuoi 2 voti"):
        posts.vote(session, anna, hostile)
    assert posts.votes_left(session, anna) == 0
    posts.vote(session, anna, garden, on=False)
    posts.vote(session, anna, hostile)
    posts.vote(session, bruno, light)
    ranked = posts.posts(session, "idea", anna)
    assert [(p.text, p.votes, p.mine) for p in ranked] == [
        ("Più luce nelle scale", 2, True),
        (HOSTILE, 1, True),
        ("Un orto condiviso", 0, False),
    ]
    posts.hide(session, hostile)
    assert [p.id for p in posts.posts(session, "idea")] == [light, garden]
    assert len(posts.posts(session, "idea", with_hidden=True)) == 3


def test_questions_have_their_own_upvotes(store, sheet):
    sessions, posts = SessionStore(store.engine), PostStore(store.engine)
    session, _ = sessions.create(sheet, "Fine lezione", date(2026, 12, 5))
    posts.configure(session, questions_open=True, votes_each=1)
    people = [sessions.join(session, f"Persona {i}") for i in range(4)]
    first = posts.add(session, people[0], "question", "Chi paga le spese condominiali?")
    second = posts.add(session, people[1], "question", "Quando esce il bando?")
    for p in people:
        posts.vote(session, p, second)
        posts.vote(session, p, first)  # upvotes are not limited by votes_each
    assert [(q.id, q.votes) for q in posts.posts(session, "question")] == [(first, 4), (second, 4)]
    assert posts.settings(session).questions_named is False


def test_with_approval_first_the_room_sees_only_approved_posts(store, sheet):
    from abitare.practice.ideas import posts_markdown

    sessions, posts = SessionStore(store.engine), PostStore(store.engine)
    session, _ = sessions.create(sheet, "Assemblea", date(2026, 12, 6))
    anna, bruno, carla = (sessions.join(session, n) for n in ("Anna", "Bruno", "Carla"))
    posts.configure(session, ideas_open=True, votes_each=2, posts_moderated=True)
    assert posts.settings(session).posts_moderated is True
    garden = posts.add(session, anna, "idea", "Un orto condiviso")
    again = posts.add(session, bruno, "idea", "Orto nel cortile")
    hostile = posts.add(session, carla, "idea", HOSTILE)
    # nobody but the author sees a waiting post, and nobody votes it yet
    assert posts.posts(session, "idea") == [] and posts.posts(session, "idea", bruno)[0].id == again
    assert [(p.id, p.status) for p in posts.posts(session, "idea", anna)] == [(garden, "pending")]
    with pytest.raises(IdeaError, match="attesa di approvazione"):
        posts.vote(session, anna, garden)
    posts.approve(session, garden)
    posts.hide(session, hostile)
    with pytest.raises(IdeaError, match="già mostrato"):
        posts.merge(session, garden, hostile)  # not into a hidden one
    posts.approve(session, again)
    posts.vote(session, bruno, again)
    posts.vote(session, anna, garden)
    posts.vote(session, carla, garden)
    # a duplicate: its votes count on the kept idea, once per member
    posts.vote(session, anna, again)
    posts.merge(session, again, garden)
    room = posts.posts(session, "idea", bruno)
    assert [(p.id, p.votes, p.mine, p.merged) for p in room] == [(garden, 3, True, 1)]
    assert posts.votes_left(session, anna) == 1  # her two votes are one vote on the kept idea
    posts.vote(session, bruno, again)  # a late click on the duplicate: already counted
    posts.vote(session, bruno, garden, on=False)  # taking it back takes back the vote on the duplicate
    assert posts.posts(session, "idea")[0].votes == 2 and posts.votes_left(session, bruno) == 2
    everything = posts.posts(session, "idea", with_hidden=True)
    assert {p.id: p.status for p in everything} == {garden: "approved", again: "merged", hostile: "hidden"}
    md = "\n".join(posts_markdown(everything, "idea", named=False))
    assert "[nascosta alla proiezione]" in md and "[unita a: «Un orto condiviso»]" in md and "Carla" not in md
    # hidden text stays in the export, made inert as every participant's text (the HTML export escapes it)
    assert "\\<script\\>alert\\(1\\)" in md and "<script>" not in md
    # switching the setting off shows what was waiting; approving again brings a merged post back
    posts.approve(session, again)
    assert {p.id for p in posts.posts(session, "idea")} == {garden, again}
    late = posts.add(session, carla, "idea", "Una bacheca in portineria")
    assert late not in {p.id for p in posts.posts(session, "idea")}
    posts.configure(session, posts_moderated=False)
    assert late in {p.id for p in posts.posts(session, "idea")}


def test_forty_people_voting_at_once_lose_no_vote(settings, sheet):
    from abitare.progress import open_store

    store = open_store(settings)
    sessions, posts = SessionStore(store.engine), PostStore(store.engine)
    session, _ = sessions.create(sheet, "Carico", date(2026, 12, 5))
    posts.configure(session, ideas_open=True, votes_each=3)
    author = sessions.join(session, "Autrice")
    ideas = [posts.add(session, author, "idea", f"Idea {i}") for i in range(5)]
    members = [sessions.join(session, f"Persona {k:02d}") for k in range(40)]
    barrier = threading.Barrier(40, timeout=60)
    errors: list[BaseException] = []

    def vote(k: int) -> None:
        try:
            mine = PostStore(open_store(settings).engine)
            barrier.wait()
            for i in range(3):
                mine.vote(session, members[k], ideas[(k + i) % 5])
        except BaseException as err:
            errors.append(err)
            barrier.abort()

    threads = [threading.Thread(target=vote, args=(k,)) for k in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert sum(p.votes for p in posts.posts(session, "idea")) == 120


def test_word_cloud_normalises_and_escapes():
    assert normalise("La Città è più SICURA, l'accesso") == ["citta", "sicura", "accesso"]
    counts = word_counts(["La città sicura", "Citta sicura!", "città", "<script>"])
    assert counts[0] == ("città", 3) and ("sicura", 2) in counts
    html = cloud_html(["<img onerror=alert(1)> città", "Città"])
    assert "<img" not in html and "<svg" in html and 'aria-hidden="true"' in html
    assert "<li>città: 2</li>" in html
    assert cloud_html([]) == ""


def test_the_markdown_export_makes_everyones_text_inert(store, sheet):
    """As the rest of the session's Markdown export: no raw HTML, no link, no heading from a participant."""
    from abitare.practice.ideas import posts_markdown
    from abitare_widgets.ideas import posts_export_html

    sessions, posts = SessionStore(store.engine), PostStore(store.engine)
    session, _ = sessions.create(sheet, "Assemblea", date(2026, 12, 6))
    anna = sessions.join(session, "<b>Anna</b>")
    posts.configure(session, ideas_open=True)
    kept = posts.add(session, anna, "idea", "[premi qui](javascript:alert(1)) " + HOSTILE)
    twin = posts.add(session, anna, "idea", "# Titolo <img src=x>")
    posts.merge(session, twin, kept)
    everything = posts.posts(session, "idea", with_hidden=True)
    md = "\n".join(posts_markdown(everything, "idea", named=True))
    typed = re.sub(r" \(0 voti(; più 1 simile, unita a questa)?\)| \[unita a: «|»\]", "", md.split("\n", 2)[2])
    assert re.search(r"(?<!\\)[<>\[\]()]", typed) is None, "every < > [ ] ( ) a participant typed is escaped"
    assert "\\<script\\>" in md and "- \\# Titolo" in md and "\\<b\\>Anna" in md
    html = posts_export_html(everything, "idea", named=True)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "\\" not in html, "the HTML export shows the text as written, without Markdown's backslashes"
    assert "&lt;b&gt;Anna&lt;/b&gt;" in html


def test_votes_on_a_duplicate_of_a_hidden_idea_are_given_back(store, sheet):
    sessions, posts = SessionStore(store.engine), PostStore(store.engine)
    session, _ = sessions.create(sheet, "Assemblea", date(2026, 12, 6))
    anna, bruno = sessions.join(session, "Anna"), sessions.join(session, "Bruno")
    posts.configure(session, ideas_open=True, votes_each=2)
    kept = posts.add(session, anna, "idea", "Un orto condiviso")
    twin = posts.add(session, bruno, "idea", "Orto nel cortile")
    posts.vote(session, anna, twin)
    posts.merge(session, twin, kept)
    assert posts.votes_left(session, anna) == 1
    posts.hide(session, kept)  # the kept idea is hidden: the votes on it and on its duplicates come back
    assert posts.votes_left(session, anna) == 2
    other = posts.add(session, bruno, "idea", "Più luce nelle scale")
    third = posts.add(session, bruno, "idea", "Una bacheca")
    posts.vote(session, anna, other)
    posts.vote(session, anna, third)  # her second vote: allowed
    assert posts.votes_left(session, anna) == 0


def test_a_chain_of_merges_counts_votes_on_the_post_that_is_left(store, sheet):
    """A→B written while another window merged B→C (a race): the votes of A still reach C, once per person."""
    from sqlalchemy import update

    from abitare.storage import room_posts

    sessions, posts = SessionStore(store.engine), PostStore(store.engine)
    session, _ = sessions.create(sheet, "Assemblea", date(2026, 12, 6))
    anna, bruno = sessions.join(session, "Anna"), sessions.join(session, "Bruno")
    posts.configure(session, ideas_open=True, votes_each=3)
    a, b, c = (posts.add(session, anna, "idea", f"Idea {x}") for x in "ABC")
    posts.vote(session, anna, a)
    posts.vote(session, bruno, a)
    posts.vote(session, anna, c)
    with store.engine.begin() as conn:
        conn.execute(update(room_posts).where(room_posts.c.id == a).values(merged_into=b))
        conn.execute(update(room_posts).where(room_posts.c.id == b).values(merged_into=c))
    shown = posts.posts(session, "idea", bruno)
    assert [(p.id, p.votes, p.mine) for p in shown] == [(c, 2, True)]
    assert posts.votes_left(session, anna) == 2
    posts.vote(session, anna, a)  # a late click on the first duplicate: already counted on C
    assert posts.posts(session, "idea")[0].votes == 2


def test_two_facilitators_merging_crosswise_make_no_loop(settings, sheet, monkeypatch):
    """Two tabs merge A into B and B into A at the same moment: at most one wins, both posts never vanish."""
    import abitare.practice.ideas as ideas
    from abitare.errors import AbitareError
    from abitare.progress import open_store

    store = open_store(settings)
    sessions, posts = SessionStore(store.engine), PostStore(store.engine)
    session, _ = sessions.create(sheet, "Assemblea", date(2026, 12, 6))
    anna = sessions.join(session, "Anna")
    posts.configure(session, ideas_open=True)
    a, b = posts.add(session, anna, "idea", "Idea A"), posts.add(session, anna, "idea", "Idea B")
    barrier = threading.Barrier(2)
    original = ideas._settings

    def both_have_read(conn, session):  # each tab has read the two posts: now both decide
        with contextlib.suppress(threading.BrokenBarrierError):  # the other one waits for our lock: go on
            barrier.wait(timeout=3)
        return original(conn, session)

    monkeypatch.setattr(ideas, "_settings", both_have_read)
    outcome: list[object] = []

    def merge(source: int, into: int) -> None:
        try:
            PostStore(open_store(settings).engine).merge(session, source, into)
            outcome.append("merged")
        except AbitareError as err:
            outcome.append(err)

    threads = [threading.Thread(target=merge, args=pair) for pair in ((a, b), (b, a))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    monkeypatch.setattr(ideas, "_settings", original)
    assert outcome.count("merged") <= 1, outcome
    assert [p.status for p in posts.posts(session, "idea", with_hidden=True)].count("approved") == 1


def test_a_stale_tab_does_not_undo_another_tabs_decision(store, sheet):
    """Two facilitators' tabs: one hides a waiting idea, the other (not refreshed yet) approves it."""
    sessions, posts = SessionStore(store.engine), PostStore(store.engine)
    session, _ = sessions.create(sheet, "Assemblea", date(2026, 12, 6))
    anna = sessions.join(session, "Anna")
    posts.configure(session, ideas_open=True, posts_moderated=True)
    insult = posts.add(session, anna, "idea", "Un testo da nascondere")
    kept = posts.add(session, anna, "idea", "Un orto condiviso")
    posts.approve(session, kept, seen="pending")
    posts.hide(session, insult, seen="pending")  # the first tab
    with pytest.raises(IdeaError, match="altra finestra"):
        posts.approve(session, insult, seen="pending")  # the second tab still shows it waiting
    with pytest.raises(IdeaError, match="altra finestra"):
        posts.merge(session, insult, kept, seen="pending")
    assert {p.id: p.status for p in posts.posts(session, "idea", with_hidden=True)}[insult] == "hidden"
    posts.approve(session, insult, seen="hidden")  # «Mostra di nuovo» on what the tab shows as hidden
    assert insult in {p.id for p in posts.posts(session, "idea")}


def test_one_persons_two_tabs_voting_at_once_stay_within_the_allowance(settings, sheet, monkeypatch):
    """Two tabs of one person vote two ideas at the same moment, with one vote left: only one vote counts."""
    import abitare.practice.ideas as ideas
    from abitare.progress import open_store

    store = open_store(settings)
    sessions, posts = SessionStore(store.engine), PostStore(store.engine)
    session, _ = sessions.create(sheet, "Assemblea", date(2026, 12, 6))
    anna = sessions.join(session, "Anna")
    posts.configure(session, ideas_open=True, votes_each=1)
    first, second = posts.add(session, anna, "idea", "Idea A"), posts.add(session, anna, "idea", "Idea B")
    barrier = threading.Barrier(2)
    original = ideas._votes_used

    def both_have_voted(conn, session, member):  # each tab's vote is in: now both count
        with contextlib.suppress(threading.BrokenBarrierError):  # the other tab waits for this one: go on
            barrier.wait(timeout=3)
        return original(conn, session, member)

    monkeypatch.setattr(ideas, "_votes_used", both_have_voted)
    refused: list[IdeaError] = []

    def vote(post_id: int) -> None:
        try:
            PostStore(open_store(settings).engine).vote(session, anna, post_id)
        except IdeaError as err:
            refused.append(err)

    threads = [threading.Thread(target=vote, args=(p,)) for p in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    monkeypatch.setattr(ideas, "_votes_used", original)
    assert sum(p.votes for p in posts.posts(session, "idea")) == 1 and len(refused) == 1


def test_a_refused_vote_is_not_counted(store, sheet):
    """Over the allowance the vote is refused, and it must not stay in the database (it did on SQLite)."""
    sessions, posts = SessionStore(store.engine), PostStore(store.engine)
    session, _ = sessions.create(sheet, "Assemblea", date(2026, 12, 6))
    anna = sessions.join(session, "Anna")
    posts.configure(session, ideas_open=True, votes_each=1)
    first, second = posts.add(session, anna, "idea", "Idea A"), posts.add(session, anna, "idea", "Idea B")
    posts.vote(session, anna, first)
    with pytest.raises(IdeaError, match="Hai già dato il tuo voto: toglilo per votare questa idea"):
        posts.vote(session, anna, second)
    assert {p.id: p.votes for p in posts.posts(session, "idea")} == {first: 1, second: 0}
    posts.vote(session, anna, first, on=False)
    assert posts.votes_left(session, anna) == 1
