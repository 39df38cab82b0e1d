"""Running reports with papermill: one or a batch over the municipalities, in parallel.

Each run writes the executed notebook and an HTML page without code cells, whose
charts are embedded images (it opens offline). A run that fails does not stop the
others; the index page and the summary say which failed and why.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any

from abitare.data import comune_names
from abitare.reports.registry import ReportSpec

__all__ = ["Job", "JobResult", "html_page", "plan", "run_batch", "run_job"]

log = logging.getLogger(__name__)

PAGE_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:62rem;padding:0 1rem;color:#1b1b1b;"
    "line-height:1.45}h1{color:#1d5c8f}table{border-collapse:collapse;margin:.8rem 0 1.4rem}"
    "caption{text-align:left;font-weight:600;padding:.3rem 0}th,td{border:1px solid #c8c8c8;padding:.3rem .6rem}"
    "td{text-align:right}tbody th{text-align:left;font-weight:500}thead th{background:#eef3f8}"
    ".abitare-index td{text-align:left}.abitare-note{background:#f5f5f0;border-left:4px solid "
    "#1d5c8f;padding:.2rem .8rem;margin:1rem 0}.abitare-subtitle{font-size:1.1rem;color:#444}"
    "figure{margin:1rem 0}img{max-width:100%}figcaption{font-size:.9rem;color:#444}"
    ".abitare-failed{color:#a4000f}"
)


@dataclass(frozen=True)
class Job:
    spec_name: str
    notebook: Path
    parameters: dict[str, Any]
    stem: str
    label: str
    title: str = ""


@dataclass
class JobResult:
    job: Job
    ok: bool
    seconds: float
    html: Path | None = None
    executed: Path | None = None
    error: str = ""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def plan(spec: ReportSpec, parameters: dict[str, Any], all_comuni: bool) -> list[Job]:
    """The runs asked for: one, or one per municipality."""
    if spec.per_comune and all_comuni:
        return [
            Job(
                spec.name,
                spec.notebook,
                {**parameters, "comune": c},
                f"{spec.name}-{_slug(c)}",
                c,
                f"{spec.title} - {c}",
            )
            for c in comune_names()
        ]
    label = str(parameters.get("comune") or parameters.get("codice_sessione") or parameters.get("edizione") or "")
    stem = spec.name + (f"-{_slug(label)}" if label and label != "0" else "")
    title = spec.title + (f" - {label}" if label and label != "0" else "")
    return [Job(spec.name, spec.notebook, parameters, stem, label or spec.name, title)]


def html_page(notebook: Any, title: str) -> str:
    """A self-contained HTML page of an executed notebook: outputs only, no code, no stderr."""
    from nbconvert import HTMLExporter

    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", []) if o.get("name") != "stderr"]
    exporter = HTMLExporter(  # type: ignore[no-untyped-call]
        template_name="basic", exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
    )
    body, _ = exporter.from_notebook_node(notebook)
    return (
        "<!DOCTYPE html><html lang='it'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(title)}</title><style>{PAGE_STYLE}</style></head><body><main>{body}</main>"
        f"<footer><p class='abitare-subtitle'>Prodotto il {datetime.now():%d/%m/%Y alle %H:%M} con abitare."
        "</p></footer></body></html>"
    )


def _ours() -> set[str]:
    """Names of the project's own errors (their messages are Italian and meant for the user)."""
    from abitare.errors import AbitareError

    names, todo = set(), [AbitareError]
    while todo:
        kind = todo.pop()
        names.add(kind.__name__)
        todo.extend(kind.__subclasses__())
    return names


def _error_text(err: BaseException) -> str:
    from papermill.exceptions import PapermillExecutionError

    said = str(err).lower()
    if type(err).__name__ == "DeadKernelError" or ("kernel" in said and ("died" in said or "dead" in said)):
        return (
            "il kernel del rapporto si è interrotto all'improvviso (memoria esaurita o processo terminato): "
            "rilancia questo rapporto; i dettagli sono nel file registro.log"
        )
    if isinstance(err, PapermillExecutionError):
        if err.ename in _ours():
            return str(err.evalue)
        return f"errore nel rapporto ({err.ename}); i dettagli sono nel notebook eseguito"
    return f"errore imprevisto ({type(err).__name__}); i dettagli sono nel file registro.log"


def run_job(job: Job, out_dir: str) -> JobResult:
    """Execute one report (in a worker process) and write its HTML."""
    import nbformat
    import papermill

    started = time.perf_counter()
    folder = Path(out_dir)
    executed = folder / f"{job.stem}.ipynb"
    html = folder / f"{job.stem}.html"
    running = folder / f".{job.stem}.in-corso.ipynb"  # the previous outputs stay until this run succeeds
    try:
        papermill.execute_notebook(
            str(job.notebook),
            str(running),
            parameters=job.parameters,
            kernel_name="python3",
            progress_bar=False,
            cwd=str(folder),
        )
        notebook = nbformat.read(running, as_version=4)  # type: ignore[no-untyped-call]
        partial = html.with_name(f".{html.name}.in-corso")
        partial.write_text(html_page(notebook, job.title or job.label), encoding="utf-8")
        partial.replace(html)
        running.replace(executed)
    except Exception as err:  # one failed report must not stop the batch
        log.warning("report %s failed", job.stem, exc_info=err)
        html.unlink(missing_ok=True)  # a failed run must not leave the previous run's page looking current
        if running.exists():
            running.replace(executed)  # the executed notebook shows where it stopped
        return JobResult(job, False, time.perf_counter() - started, None, executed, _error_text(err))
    return JobResult(job, True, time.perf_counter() - started, html, executed)


def run_batch(
    jobs: list[Job],
    out_dir: Path,
    *,
    workers: int | None = None,
    on_done: Callable[[JobResult], None] | None = None,
) -> list[JobResult]:
    """Run ``jobs`` on ``workers`` processes (default: one per core); results in the jobs' order."""
    out_dir.mkdir(parents=True, exist_ok=True)
    count = max(1, min(len(jobs), workers or os.cpu_count() or 1))
    results: dict[str, JobResult] = {}
    log_file = out_dir / "registro.log"
    pool = ProcessPoolExecutor(max_workers=count, initializer=_to_log, initargs=(str(log_file),))
    futures: list[Future[JobResult]] = []
    try:
        futures = [pool.submit(run_job, job, str(out_dir)) for job in jobs]
        for future in as_completed(futures):
            result = future.result()
            results[result.job.stem] = result
            if on_done:
                on_done(result)
    except BaseException:
        # Ctrl+C: start nothing more, let the reports already running end (their pages are then
        # whole and in the index, never written after it), and count them
        pool.shutdown(wait=True, cancel_futures=True)
        for future in futures:
            if future.done() and not future.cancelled() and future.exception() is None:
                result = future.result()
                results[result.job.stem] = result
        raise
    else:
        pool.shutdown()
    finally:  # even when interrupted, the index lists what was made, and no half-made file is left
        write_index([results[job.stem] for job in jobs if job.stem in results], out_dir)
        for leftover in out_dir.glob(".*.in-corso*"):
            leftover.unlink(missing_ok=True)
    return [results[job.stem] for job in jobs]


def _to_log(path: str) -> None:
    """In a worker: the kernels' and papermill's messages go to the run's log file, not the terminal."""
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(handle, 2)
    os.close(handle)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True)


def write_index(results: list[JobResult], out_dir: Path) -> Path:
    """``indice.html``: every report made in the folder, with its links, and failures with their reason.

    The rows live in ``indice.json`` beside it, so runs into the same folder add to the index.
    """
    import json

    index, store = out_dir / "indice.html", out_dir / "indice.json"
    try:
        rows: dict[str, dict[str, str]] = json.loads(store.read_text(encoding="utf-8")) if store.exists() else {}
    except (ValueError, OSError):
        rows = {}
    now = f"{datetime.now():%d/%m/%Y %H:%M}"
    for r in results:
        rows[r.job.stem] = {
            "report": r.job.spec_name,
            "label": r.job.label,
            "html": r.html.name if r.html else "",
            "notebook": r.executed.name if r.executed and r.executed.exists() else "",
            "error": "" if r.ok else " ".join(r.error.split()),
            "when": now,
        }
    lines = []
    for _stem, row in sorted(rows.items()):
        link = f"<a href='{escape(row['html'])}'>{escape(row['label'])}</a>" if row["html"] else escape(row["label"])
        status = (
            f"<span class='abitare-failed'>non riuscito: {escape(row['error'])}</span>" if row["error"] else "fatto"
        )
        notebook = f"<a href='{escape(row['notebook'])}'>notebook</a>" if row["notebook"] else ""
        lines.append(
            f"<tr><td>{escape(row['report'])}</td><th scope='row'>{link}</th><td>{status}</td>"
            f"<td>{notebook}</td><td>{escape(row['when'])}</td></tr>"
        )
    page = (
        "<!DOCTYPE html><html lang='it'><head><meta charset='utf-8'><title>Rapporti</title>"
        f"<style>{PAGE_STYLE}</style></head><body><main><h1>Rapporti</h1>"
        "<p>I rapporti prodotti in questa cartella. Per ciascuno: la pagina da aprire, l'esito e il notebook eseguito."
        "</p><table class='abitare-index'><thead><tr><th>Rapporto</th><th>Riferito a</th><th>Esito</th>"
        "<th>Notebook eseguito</th><th>Prodotto il</th></tr></thead><tbody>\n"
        + "\n".join(lines)
        + "\n</tbody></table></main></body></html>"
    )
    for path, text in ((store, json.dumps(rows, ensure_ascii=False, indent=1)), (index, page)):
        partial = path.with_suffix(path.suffix + ".tmp")
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)  # atomic: a reader never sees half a page
    return index
