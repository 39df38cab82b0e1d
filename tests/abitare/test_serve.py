"""The class settings: what fits in memory, what Voilà is told, the bundled front-end chunks."""

import sys
from pathlib import Path

import pytest

from abitare.errors import ServeConfigError
from abitare.serve import KERNEL_MB, ServerOptions, check_fits, memory_cap, voila_command
from abitare.voila_app import CHUNK_LIST


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


def test_every_bundled_chunk_is_in_the_installed_voila():
    static = Path(sys.prefix) / "share" / "jupyter" / "voila" / "templates" / "base" / "static"
    names = [n for n in CHUNK_LIST.read_text().splitlines() if n and not n.startswith("#")]
    assert len(names) > 40
    missing = [n for n in names if not (static / n).is_file()]
    assert not missing, f"Voilà changed: run scripts/voila_chunks.py ({missing[:3]} are gone)"
