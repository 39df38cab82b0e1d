"""Time until a page is usable, with and without preheated kernels.

Run: make bench   (or .venv/bin/python bench/page_load.py [runs])
Prints, per configuration, the median seconds from navigation until the home page
has identified the participant, and until the module page shows its table of
contents; then the ratio pool/no-pool. Between runs it waits so the pool refills,
as when trainees arrive a few seconds apart.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.ui.conftest import CHROMIUM_ARGS, VoilaServer, chromium_path


def measure(pool: int, runs: int) -> tuple[list[float], list[float]]:
    homes, modules = [], []
    with tempfile.TemporaryDirectory() as tmp:
        server = VoilaServer(Path(tmp) / "var", Path(tmp) / "voila.log", pool=pool)
        server.start()
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
                time.sleep(8 if pool else 1)  # let the pool fill
                for i in range(runs):
                    page = browser.new_page()
                    code = f"bench-{pool}-{i}"
                    start = time.perf_counter()
                    page.goto(server.home + "?" + urlencode({"p": code}))
                    page.get_by_text(f"Ti diamo il benvenuto, {code}").wait_for(timeout=120_000)
                    homes.append(time.perf_counter() - start)
                    url = f"{server.base}/voila/render/modulo.ipynb?" + urlencode({"m": "sistema-abitativo", "p": code})
                    start = time.perf_counter()
                    page.goto(url)
                    page.get_by_role("button", name="Verifica finale").wait_for(timeout=120_000)
                    modules.append(time.perf_counter() - start)
                    page.close()
                    time.sleep(6 if pool else 1)
                browser.close()
        finally:
            server.stop()
    return homes, modules


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    results = {}
    for pool in (0, 1):
        homes, modules = measure(pool, runs)
        results[pool] = (statistics.median(homes), statistics.median(modules))
        print(
            f"pool={pool}: home median {results[pool][0]:.2f} s "
            f"(min {min(homes):.2f}, max {max(homes):.2f}); "
            f"module median {results[pool][1]:.2f} s (min {min(modules):.2f}, max {max(modules):.2f}); "
            f"runs={runs}"
        )
    print(
        f"ratio pool=1 / pool=0: home {results[1][0] / results[0][0]:.2f}, module {results[1][1] / results[0][1]:.2f}"
    )


if __name__ == "__main__":
    main()
