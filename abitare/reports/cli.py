"""``abitare report``: list the reports and run them, one or a batch over the municipalities."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer

from abitare.errors import AbitareError, DataError, ParameterError
from abitare.reports.registry import REPORTS, ReportSpec, validate_parameters
from abitare.text import count_label

report_app = typer.Typer(
    help="Rapporti parametrizzati (papermill): per un comune, per tutto l'Ambito o uno per ciascuno dei nove comuni.",
    no_args_is_help=True,
)

ALL = ("all", "tutti")


@report_app.command("list")
def report_list() -> None:
    """Elenca i rapporti con i loro parametri."""
    for spec in REPORTS.values():
        typer.echo(f"{spec.name:<23} {spec.title}: {spec.description}")
        for name, info in spec.params.model_fields.items():
            default = "obbligatorio" if info.is_required() else f"predefinito: {_shown(info.default)}"
            typer.echo(f"    {name:<21} {info.description or ''} ({default})")
    typer.echo(
        "Uso: abitare report NOME [--comune NOME|Ambito|all] [-p parametro valore]... "
        "[--data CARTELLA|FILE] [--out CARTELLA]"
    )


@report_app.command("sync")
def report_sync(
    check: Annotated[
        bool, typer.Option("--check", help="Non scrive nulla: segnala i notebook da riscrivere (esito 1).")
    ] = False,
) -> None:
    """Riscrive la cella dei parametri e la chiamata di ogni notebook dei rapporti dai parametri dichiarati."""
    from abitare.reports.notebook import sync_all

    stale = sync_all(write=not check)
    if not stale:
        typer.echo("I notebook dei rapporti sono aggiornati.")
        return
    names = ", ".join(stale)
    if check:
        typer.echo(f"Notebook da riscrivere con «abitare report sync»: {names}.", err=True)
        raise typer.Exit(1)
    typer.echo(f"Notebook riscritti: {names}.")


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, str):
        return f"«{value}»" if value else "vuoto"
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def _pairs(args: list[str]) -> dict[str, str]:
    """``-p nome valore`` pairs from the command line."""
    raw: dict[str, str] = {}
    i = 0
    while i < len(args):
        if args[i] not in ("-p", "--parametro"):
            raise ParameterError(f"Argomento non previsto: «{args[i]}». Per indicare un parametro: -p nome valore.")
        if i + 2 >= len(args):
            raise ParameterError(f"«{args[i]}» vuole un nome e un valore: -p nome valore.")
        raw[args[i + 1]] = args[i + 2]
        i += 3
    return raw


def _check_data(spec: ReportSpec, source: str) -> None:
    """Read every table the report will use, so bad data stop the run before any kernel starts."""
    from abitare.data import read_table
    from abitare.reports.tables import Tables

    tables = Tables(source)
    missing = [t for t in spec.required if not tables.has(t)]
    if missing:
        what = f"il file contiene la tabella «{tables.file_table}»" if tables.file_table else "mancano alcune tabelle"
        raise ParameterError(f"Dati non adatti al rapporto «{spec.name}»: {what}; servono: {', '.join(spec.required)}.")
    for name in (*spec.required, *spec.optional):
        path = tables.path(name)
        if path is not None:
            read_table(path, name, display=str(path))


def prepare(
    spec: ReportSpec, comune: str | None, data: Path | None, raw: dict[str, Any]
) -> tuple[dict[str, Any], bool]:
    """Checked parameters and whether to run once per municipality; :class:`ParameterError` otherwise."""
    all_comuni = False
    if comune is not None:
        if not spec.per_comune:
            raise ParameterError(f"Il rapporto «{spec.name}» non è per comune: togliere --comune.")
        if comune.strip().lower() in ALL:
            all_comuni = True
        else:
            raw["comune"] = comune
    if data is not None:
        if "dati" not in spec.params.model_fields:
            raise ParameterError(f"Il rapporto «{spec.name}» non legge file di dati: togliere --data.")
        raw["dati"] = str(data)
    params = validate_parameters(spec, raw)
    if params.get("dati"):
        params["dati"] = str(Path(params["dati"]).resolve())
        _check_data(spec, params["dati"])
    return params, all_comuni


def _run(
    spec: ReportSpec, ctx: typer.Context, comune: str | None, data: Path | None, out: Path, workers: int | None
) -> None:
    from rich.progress import Progress

    from abitare.reports.runner import JobResult, plan, run_batch

    try:
        params, all_comuni = prepare(spec, comune, data, _pairs(list(ctx.args)))
    except DataError as err:
        problems = count_label(err.total, "problema", "problemi")
        typer.echo(f"I dati non sono validi ({problems}); nessun rapporto è stato eseguito:", err=True)
        typer.echo(str(err), err=True)
        raise typer.Exit(2) from err
    except AbitareError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(2) from err
    if out.exists() and not out.is_dir():
        typer.echo(f"«{out}» è un file, non una cartella: indicare con --out una cartella per i risultati.", err=True)
        raise typer.Exit(2)
    jobs = plan(spec, params, all_comuni)
    started = time.perf_counter()
    with Progress() as progress:
        task = progress.add_task(f"{spec.name}: {count_label(len(jobs), 'rapporto', 'rapporti')}", total=len(jobs))

        def done(result: JobResult) -> None:
            progress.update(task, advance=1)
            mark = "fatto" if result.ok else "NON RIUSCITO"
            progress.console.print(f"  {result.job.label}: {mark} ({result.seconds:.1f} s)")

        results = run_batch(jobs, out, workers=workers, on_done=done)
    failed = [r for r in results if not r.ok]
    made = len(results) - len(failed)
    typer.echo(
        f"{made} {'rapporto prodotto' if made == 1 else 'rapporti prodotti'} su {len(results)} "
        f"in {time.perf_counter() - started:.1f} s. Indice: {out / 'indice.html'}"
    )
    if failed:
        typer.echo(f"Dettagli degli errori: {out / 'registro.log'}", err=True)
    for r in failed:
        typer.echo(f"Non riuscito: {r.job.label}: {r.error}", err=True)
    if failed:
        raise typer.Exit(1)


def _register(spec: ReportSpec) -> None:
    def command(
        ctx: typer.Context,
        comune: Annotated[
            str | None,
            typer.Option(
                help="Un comune dell'Ambito; «Ambito» per tutti insieme; "
                "«all» (o «tutti») per un rapporto per ciascun comune."
            ),
        ] = None,
        data: Annotated[Path | None, typer.Option(help="Cartella dei dati, oppure un file CSV o XLSX.")] = None,
        out: Annotated[Path, typer.Option(help="Cartella in cui salvare i rapporti.")] = Path("rapporti"),
        workers: Annotated[
            int | None,
            typer.Option(
                min=1, max=32, help="Rapporti eseguiti in parallelo (predefinito: uno per core del processore)."
            ),
        ] = None,
    ) -> None:
        _run(spec, ctx, comune, data, out, workers)

    report_app.command(
        spec.name,
        help=f"{spec.title}: {spec.description}. Parametri: -p nome valore (elenco con: abitare report list).",
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    )(command)


for _spec in REPORTS.values():
    _register(_spec)
