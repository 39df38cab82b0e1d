"""A room of participants voting on the ideas wall within the same few seconds.

Run (on demand, not a test):

    .venv/bin/python bench/room_votes.py                       # 40 participants, 3 votes each, within 10 s
    .venv/bin/python bench/room_votes.py --participants 10 --window 5

The real server (``abitare serve`` with a pool as big as the room) and a real session:
the facilitator's board page (``lavagna.ipynb``) is opened and the ideas wall is
opened on it; five ideas are on the wall. Each participant is a protocol-level
client speaking the kernel websocket v1 protocol (``bench/class_load.py``'s
``Kernel``): it opens ``scheda.ipynb?s=<code>`` as a phone would, types a name,
presses «Entra», waits for the wall, then at a random moment within the window
clicks «Vota» on three ideas (each click waits for the kernel to be idle: that is
"vote → saved"). Meanwhile the board's kernel is watched: the time from the last
vote saved until the board's ranking shows every vote is "board behind".

Prints: participants, votes sent, votes counted in the database and on the board,
vote → saved p50/p95/max, board behind the last vote, failures with their stage.
All traffic stays on 127.0.0.1; every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from tornado.httpclient import AsyncHTTPClient
from tornado.websocket import websocket_connect

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from class_load import HOST, PAGE_TIMEOUT, V1, Kernel, Server, pct  # noqa: E402

TEMPLATE = "retrospettiva-pratica"
IDEAS = [
    "Un orto condiviso nel cortile",
    "Più luce nelle scale",
    "Una bacheca per gli avvisi",
    "Un incontro al mese con il custode",
    "Uno sportello per le bollette",
]


class RoomKernel(Kernel):
    """The page's kernel, dropping the widgets the kernel closes (a list redrawn after a vote)."""

    def _take(self, m: dict) -> None:
        if m["header"]["msg_type"] == "comm_close":
            self.models.pop(m.get("content", {}).get("comm_id", ""), None)
            return
        super()._take(m)

    def buttons(self, description: str) -> list[str]:
        return [
            mid
            for mid, st in self.models.items()
            if st.get("description") == description and st.get("_model_name") == "ButtonModel"
        ]

    def text_field(self, description: str) -> str | None:
        for mid, st in self.models.items():
            if st.get("description") == description and st.get("_model_name") in ("TextModel", "PasswordModel"):
                return mid
        return None

    async def type(self, comm_id: str, value: str) -> None:
        await self.send("comm_msg", {"comm_id": comm_id, "data": {"method": "update", "state": {"value": value}}})

    def html_with(self, marker: str) -> str:
        for st in self.models.values():
            value = str(st.get("value", ""))
            if marker in value:
                return value
        return ""


async def open_page(port: int, url: str) -> RoomKernel:
    resp = await AsyncHTTPClient().fetch(url, request_timeout=PAGE_TIMEOUT)
    body = resp.body.decode()
    found = re.search(r'"kernelId": "([0-9a-f-]+)"', body)
    if not found:  # say what came instead: a class-full page, an error page, a cut page
        title = re.search(r"<title>(.*?)</title>", body, re.S)
        what = title[1].strip() if title else body[-160:].replace("\n", " ")
        raise RuntimeError(f"no kernel in the page (HTTP {resp.code}, {len(body)} bytes: {what})")
    session = uuid.uuid4().hex
    ws = await websocket_connect(
        f"ws://{HOST}:{port}/api/kernels/{found[1]}/channels?session_id={session}",
        max_message_size=256 * 1024 * 1024,
        subprotocols=[V1],
    )
    ws.protocol.set_nodelay(True)
    k = RoomKernel(ws, session)
    control = uuid.uuid4().hex
    await k.send(
        "comm_open", {"comm_id": control, "target_name": "jupyter.widget.control", "data": {}}, {"version": "1.0.0"}
    )
    await k.send("comm_msg", {"comm_id": control, "data": {"method": "request_states"}})
    return k


@dataclass
class Voter:
    name: str
    saves: list[float] = field(default_factory=list)
    last_saved: float = 0.0
    joined: bool = False
    failure: str | None = None


async def participant(
    server: Server, code: str, voter: Voter, offset: float, votes: int, ready: asyncio.Event, plan: dict
) -> None:
    stage = "page"
    try:
        k = await open_page(server.port, f"{server.base}/voila/render/scheda.ipynb?" + urlencode({"s": code}))
        stage = "join"
        if not await k.pump(lambda: k.find("Entra") is not None, PAGE_TIMEOUT):
            raise TimeoutError("the join form never arrived")
        name = k.text_field("Il tuo nome (come vuoi farti vedere)")
        enter = k.find("Entra")
        assert name and enter
        await k.type(name, voter.name)
        await k.act(enter, {"event": "click"})
        stage = "wall"
        if not await k.pump(lambda: len(k.buttons("Vota")) >= votes, 60):
            raise TimeoutError("the ideas wall never arrived")
        voter.joined = True
        while not ready.is_set():  # keep reading the socket while the others join
            await k.pump(ready.is_set, 0.5)
        await k.pump(lambda: time.monotonic() >= plan["t0"] + offset, plan["t0"] + offset - time.monotonic() + 1)
        stage = "votes"
        for _ in range(votes):
            free = k.buttons("Vota")
            if not free:
                raise RuntimeError("no idea left to vote")
            voter.saves.append(await k.act(random.choice(free), {"event": "click"}))
            voter.last_saved = time.monotonic()
            # the list is redrawn after a vote: wait until the voted idea's button says so
            done = len(voter.saves)
            await k.pump(lambda done=done: len(k.buttons("Togli il voto")) >= done, 10)
        k.ws.close()
    except (OSError, RuntimeError, TimeoutError, ConnectionError, AssertionError) as err:
        voter.failure = f"{stage}: {type(err).__name__}: {err}"[:200]


def board_total(html: str) -> int:
    """The votes the board's ranking shows, added up."""
    return sum(int(n) for n in re.findall(r"class='abitare-post-votes'>(\d+) vot", html))


async def room(server: Server, code: str, secret: str, n: int, window: float, votes: int) -> dict:
    board = await open_page(server.port, f"{server.base}/voila/render/lavagna.ipynb")
    if not await board.pump(lambda: board.find("Apri la lavagna") is not None, PAGE_TIMEOUT):
        raise RuntimeError("the board never arrived")
    code_field = board.text_field("Codice della sessione")
    secret_field = board.text_field("Parola segreta della sessione")
    assert code_field and secret_field
    await board.type(code_field, code)
    await board.type(secret_field, secret)
    await board.act(board.find("Apri la lavagna") or "", {"event": "click"})
    voters = [Voter(f"Persona {i:02d}") for i in range(n)]
    ready = asyncio.Event()
    plan: dict = {"t0": 0.0}
    offsets = [random.uniform(0, window) for _ in voters]
    tasks = [
        asyncio.ensure_future(participant(server, code, v, o, votes, ready, plan))
        for v, o in zip(voters, offsets, strict=True)
    ]
    # the votes start once every page has its wall (or failed)
    deadline = time.monotonic() + PAGE_TIMEOUT * 2
    while time.monotonic() < deadline and not all(v.joined or t.done() for v, t in zip(voters, tasks, strict=True)):
        await board.pump(lambda: False, 0.5)
    joined = sum(v.joined for v in voters)
    print(f"{joined} participants joined; voting starts now, within {window:.0f} s", flush=True)
    plan["t0"] = time.monotonic() + 1
    ready.set()
    expected = None
    seen_all_at = None
    end = time.monotonic() + window + 240
    while time.monotonic() < end:
        await board.pump(lambda: False, 0.05)
        if all(t.done() for t in tasks):
            expected = sum(len(v.saves) for v in voters)
            if board_total(board.html_with("abitare-post-votes")) >= expected:
                seen_all_at = time.monotonic()
                break
    await asyncio.gather(*tasks)
    last_vote = max((v.last_saved for v in voters if v.saves), default=0.0)
    board.ws.close()
    return {
        "voters": voters,
        "sent": sum(len(v.saves) for v in voters),
        "board": board_total(board.html_with("abitare-post-votes")),
        "board_behind": (seen_all_at - last_vote) if seen_all_at and last_vote else None,
        "spread": (last_vote - plan["t0"]) if last_vote else None,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--participants", type=int, default=40)
    ap.add_argument("--window", type=float, default=10.0, help="seconds within which everyone votes")
    ap.add_argument("--votes", type=int, default=3, help="votes each (the session's allowance)")
    args = ap.parse_args()
    if not 1 <= args.participants <= 80 or not 0 < args.window <= 120 or not 1 <= args.votes <= len(IDEAS):
        ap.error("--participants 1..80, --window up to 120 s, --votes 1..5")
    with tempfile.TemporaryDirectory() as tmp:
        server = Server("app", args.participants + 2, Path(tmp))
        print(f"starting the server with a pool of {server.pool} kernels…", flush=True)
        server.start()
        try:
            env = {"PATH": "/usr/bin:/bin", "ABITARE_DATA_DIR": str(Path(tmp) / "var")}
            out = subprocess.run(
                [sys.executable, "-m", "abitare.cli", "session", "create", "--template", TEMPLATE, "--title", "Banco"],
                capture_output=True,
                text=True,
                check=True,
                env=env,
                cwd=ROOT,
            ).stdout
            code = re.search(r"Codice per i partecipanti: (\w+)", out)
            secret = re.search(r"non sarà mostrata di nuovo\): (\S+)", out)
            assert code and secret, out
            from abitare.practice.ideas import PostStore
            from abitare.practice.sessions import SessionStore
            from abitare.storage import make_engine

            engine = make_engine(f"sqlite:///{Path(tmp) / 'var' / 'abitare.sqlite'}")
            sessions, posts = SessionStore(engine), PostStore(engine)
            session = sessions.find(code[1])
            assert session
            posts.configure(session, ideas_open=True, votes_each=args.votes)
            author = sessions.join(session, "Chi conduce")
            for idea in IDEAS:
                posts.add(session, author, "idea", idea)
            print("settling the pool…", flush=True)
            server.settle()
            res = asyncio.run(room(server, code[1], secret[1], args.participants, args.window, args.votes))
            with sqlite3.connect(Path(tmp) / "var" / "abitare.sqlite") as con:
                stored = con.execute("SELECT count(*) FROM room_votes").fetchone()[0]
            engine.dispose()
        finally:
            server.stop()
    saves = [s for v in res["voters"] for s in v.saves]
    failures = [f"{v.name}: {v.failure}" for v in res["voters"] if v.failure]
    print(f"\nparticipants: {args.participants}, votes each: {args.votes}, window: {args.window:.0f} s")
    print(f"votes sent (saved by the kernel): {res['sent']} of {args.participants * args.votes}")
    print(f"votes in the database: {stored}; on the board: {res['board']}")
    if saves:
        print(f"vote → saved: p50 {pct(saves, 0.5):.2f} s, p95 {pct(saves, 0.95):.2f} s, max {max(saves):.2f} s")
    if res["spread"] is not None:
        print(f"first vote moment → last vote saved: {res['spread']:.1f} s")
    behind = res["board_behind"]
    print("board shows every vote: " + (f"{behind:.2f} s after the last vote" if behind is not None else "never"))
    print(f"failures: {len(failures)}")
    for f in failures[:10]:
        print("  " + f)


if __name__ == "__main__":
    main()
