"""Ideas with votes, questions with upvotes (SQLite and PostgreSQL), and the word cloud."""

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
    assert HOSTILE in md  # hidden text stays in the export (the HTML export escapes it)
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
