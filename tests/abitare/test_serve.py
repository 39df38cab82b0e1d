"""The class settings: what fits in memory, what Voilà is told, the bundled front-end chunks."""

import asyncio
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from abitare.errors import ServeConfigError
from abitare.serve import KERNEL_MB, ServerOptions, check_fits, memory_cap, voila_command
from abitare.voila_app import CHUNK_LIST


def run_in_own_loop(coro: Any) -> Any:
    """``asyncio.run`` in a thread of its own: a browser test run before in the same pytest worker
    leaves Playwright's event loop running in this thread, where asyncio.run would refuse."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coro).result()


def test_the_cap_on_kernels_comes_from_the_memory():
    assert memory_cap(4000) == int((4000 * 0.8 - 300) // KERNEL_MB)
    assert memory_cap(100) == 1  # never zero: one trainee can always work
    assert check_fits(ServerOptions(pool=20), 4000) == memory_cap(4000)
    assert check_fits(ServerOptions(pool=5, max_kernels=10), 4000) == 10
    assert check_fits(ServerOptions(pool=5), None) == 0  # memory unknown: no cap


def test_a_class_bigger_than_the_memory_is_refused_in_italian():
    with pytest.raises(ServeConfigError, match=r"--pool 40 chiede più kernel .*\(22: con 4\.000 MB liberi"):
        check_fits(ServerOptions(pool=40), 4000)
    with pytest.raises(ServeConfigError, match="--max-kernel 500 non entra in memoria"):
        check_fits(ServerOptions(max_kernels=500), 4000)
    with pytest.raises(ServeConfigError, match=r"--pool 12 chiede più kernel .*\(10\)"):
        check_fits(ServerOptions(pool=12, max_kernels=10), None)


def test_only_the_trainee_application_is_preheated():
    cmd = voila_command(ServerOptions(pool=30, reserve=3), 50)
    assert cmd[1:3] == ["-m", "abitare.voila_app"]
    assert "--Voila.class_pool=30" in cmd and "--Voila.pool_reserve=3" in cmd and "--Voila.max_kernels=50" in cmd
    assert not any(a.startswith(("--pool_size", "--preheat_kernel")) for a in cmd)  # never every notebook
    assert "--MappingKernelManager.cull_connected=False" in cmd


def test_kernels_use_unix_sockets_where_their_paths_fit():
    from abitare.serve import ipc_fits

    assert ipc_fits("/tmp")
    assert not ipc_fits("/var/folders/zz/" + "x" * 60 + "/T")  # a long TMPDIR: TCP, or every kernel would die


def test_every_bundled_chunk_is_in_the_installed_voila():
    static = Path(sys.prefix) / "share" / "jupyter" / "voila" / "templates" / "base" / "static"
    names = [n for n in CHUNK_LIST.read_text().splitlines() if n and not n.startswith("#")]
    assert len(names) > 40
    missing = [n for n in names if not (static / n).is_file()]
    assert not missing, f"Voilà changed: run scripts/voila_chunks.py ({missing[:3]} are gone)"


def test_the_activity_of_a_kernel_is_read_from_its_headers_as_jupyter_server_reads_it():
    from jupyter_client.session import Session

    from abitare.voila_app import message_kinds

    session = Session(key=b"secret")
    click = session.msg("comm_msg", {"comm_id": "x", "data": {}})
    for msg_type, content, parent in [
        ("status", {"execution_state": "idle"}, click),
        ("status", {"execution_state": "busy"}, None),
        ("comm_msg", {"comm_id": "x", "data": {"method": "update", "state": {"value": "<p>è</p>"}}}, click),
        ("stream", {"name": "stdout", "text": "ciao"}, None),
    ]:
        frames = session.serialize(session.msg(msg_type, content, parent=parent), ident=[b"kernel.topic"])
        expected = session.deserialize(session.feed_identities(frames)[1])
        assert message_kinds(frames) == (
            expected["header"]["msg_type"],
            expected["parent_header"].get("msg_type"),
            expected["content"].get("execution_state") if msg_type == "status" else None,
        )
    assert message_kinds([b"not", b"a message"]) is None
    assert message_kinds([b"<IDS|MSG>", b"sig", b"{not json"]) is None


def test_a_closed_page_gives_its_kernel_back_a_few_seconds_later_once():
    import logging
    from types import SimpleNamespace

    from abitare.voila_app import AbitareVoila

    class Kernels:
        def __init__(self) -> None:
            self.ids, self.shut = ["k1", "k2"], []

        def list_kernel_ids(self) -> list[str]:
            return list(self.ids)

        async def shutdown_kernel(self, kernel_id: str) -> None:
            self.shut.append(kernel_id)
            self.ids.remove(kernel_id)

    async def run() -> list[str]:
        km = Kernels()
        app = SimpleNamespace(kernel_manager=km, close_delay=0.2, last_request=0.0, _retiring=None,
                              log=logging.getLogger("test"))
        AbitareVoila.retire(app, "k1")
        AbitareVoila.retire(app, "k1")  # the beacon sent twice: one shutdown
        await asyncio.sleep(0.05)
        assert km.shut == []  # not while the other pages may still be clicking
        await asyncio.sleep(0.4)
        assert not app._retiring
        return km.shut

    assert run_in_own_loop(run()) == ["k1"]


def test_the_idle_cull_passes_over_a_kernel_shut_down_since_it_listed_it():
    from abitare.voila_app import AbitareKernelManager

    km = AbitareKernelManager()  # jupyter_server's own cull raises KeyError here (a logged traceback)
    assert run_in_own_loop(km.cull_kernel_if_idle("a-closed-page-s-kernel")) is None
