"""List the chunks of Voilà's front-end that a trainee page loads, for one bundled request.

Run after changing the Voilà version: ``.venv/bin/python scripts/voila_chunks.py``.
It serves the workspace, opens the module page and the home page in Chromium, and writes
the names of the ``NNNN.voila.js`` chunks they loaded to
``share/jupyter/voila/templates/abitare/voila-chunks.txt``. The server sends those chunks
as one script (``abitare/voila-chunks.js``), so a page makes about 15 requests instead of
about 100. A chunk missing from the list is still loaded on its own: a stale list costs
speed, never correctness.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from abitare.voila_app import CHUNK_LIST  # noqa: E402
from tests.ui.conftest import served_chromium  # noqa: E402


def main() -> None:
    import os

    import voila

    from abitare.voila_app import CHUNKS_ENV

    os.environ[CHUNKS_ENV] = "0"  # the server sends no bundle: the page asks for every chunk it needs
    names: set[str] = set()
    with served_chromium() as (server, browser):
        for address, ready in [
            ("modulo.ipynb?m=sistema-abitativo&p=elenco-chunk", "Verifica finale"),
            ("home.ipynb?p=elenco-chunk", "I moduli del corso"),
            ("lavagna.ipynb", "Lavagna"),
        ]:
            page = browser.new_context().new_page()
            page.on("request", lambda r: names.update(re.findall(r"/voila/static/(\d+\.voila\.js)", r.url)))
            page.goto(f"{server.base}/voila/render/{address}", timeout=120_000)
            page.get_by_text(ready).first.wait_for(timeout=120_000)
            page.wait_for_timeout(1500)
    ordered = sorted(names, key=lambda n: int(n.split(".")[0]))
    CHUNK_LIST.write_text(
        f"# Chunks of Voilà {voila.__version__} that trainee and facilitator pages load "
        "(made by scripts/voila_chunks.py)\n" + "\n".join(ordered) + "\n",
        encoding="utf-8",
    )
    print(f"{len(ordered)} chunks written to {CHUNK_LIST.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
