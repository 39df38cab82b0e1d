"""The ``abitare`` command line, for maintainers, authors and staff."""

from __future__ import annotations

import json
import logging
import signal
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from abitare.data.cli import data_app
from abitare.errors import AbitareError
from abitare.overview import inventory
from abitare.reports.cli import report_app
from abitare.settings import get_settings
from abitare.text import count_label

app = typer.Typer(help="Spazio di lavoro del corso sulla gestione sociale.", no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="Database: creazione e aggiornamento.", no_args_is_help=True)
app.add_typer(db_app, name="db")
facilitator_app = typer.Typer(help="Credenziali di chi tiene il corso.", no_args_is_help=True)
app.add_typer(facilitator_app, name="facilitator")
case_app = typer.Typer(help="Simulazioni di casi.", no_args_is_help=True)
app.add_typer(case_app, name="case")
app.add_typer(data_app, name="data")
app.add_typer(report_app, name="report")


@app.command(
    "calc",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []},
)
def calc(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Il calcolo: canone-sap, requisiti-sap, proprietario, ...")] = "",
) -> None:
    """Calcolatori: abitare calc NOME --campo valore ... [--json]; con --help elenca i campi."""
    from abitare.calc import CALCULATORS
    from abitare.calc.cli import parse_args, print_help, print_result

    if not name or name in ("--help", "-h"):
        typer.echo("Calcolatori disponibili:")
        for c in CALCULATORS.values():
            typer.echo(f"  {c.name:<15} {c.title}")
        typer.echo("Uso: abitare calc NOME --campo valore ... [--json]; abitare calc NOME --help")
        return
    if name not in CALCULATORS:
        typer.echo(f"Calcolatore sconosciuto: «{name}». Disponibili: {', '.join(CALCULATORS)}.", err=True)
        raise typer.Exit(2)
    calculator = CALCULATORS[name]
    if "--help" in ctx.args or "-h" in ctx.args:
        print_help(calculator)
        return
    try:
        raw, as_json = parse_args(calculator, list(ctx.args))
        print_result(calculator, raw, as_json)
    except AbitareError as err:
        typer.echo(f"Dati non validi: {err}", err=True)
        raise typer.Exit(2) from err
    except (ArithmeticError, ValueError) as err:  # numbers too large to compute with
        logging.getLogger(__name__).debug("calc failed", exc_info=err)
        typer.echo("Dati non validi: i numeri indicati sono fuori misura.", err=True)
        raise typer.Exit(2) from err


session_app = typer.Typer(help="Sessioni delle comunità di pratica.", no_args_is_help=True)
app.add_typer(session_app, name="session")


@session_app.command("create")
def session_create(
    template: Annotated[str, typer.Option(help="Id della scheda (il nome del file in modules/schede).")],
    title: Annotated[str, typer.Option(help="Titolo dell'incontro.")],
    day: Annotated[str | None, typer.Option("--date", help="Data AAAA-MM-GG (predefinita: oggi).")] = None,
) -> None:
    """Crea una sessione: stampa il codice per i partecipanti e la parola segreta della lavagna."""
    from datetime import date as _date

    from abitare.practice.sessions import SessionStore
    from abitare.practice.worksheets import load_worksheet
    from abitare.progress import open_store

    settings = get_settings()
    try:
        when = _date.fromisoformat(day) if day else _date.today()
    except ValueError:
        typer.echo(f"Data non valida: «{day}» (scrivi AAAA-MM-GG).", err=True)
        raise typer.Exit(2) from None
    try:
        worksheet = load_worksheet(settings.content_dir, template)
        session, secret = SessionStore(open_store(settings).engine).create(worksheet, title, when)
    except AbitareError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(2) from err
    typer.echo(f"Sessione creata: {session.title} ({session.session_date:%d/%m/%Y})")
    typer.echo(f"Codice per i partecipanti: {session.code}")
    typer.echo(f"Parola segreta della lavagna (annotala, non sarà mostrata di nuovo): {secret}")


@case_app.command("graph")
def case_graph(
    case_id: Annotated[str, typer.Argument(help="Id del caso (il nome del file in modules/casi senza .yaml).")],
    out: Annotated[Path | None, typer.Option(help="File SVG da scrivere (predefinito: <id>.svg).")] = None,
) -> None:
    """Disegna il grafo di un caso (SVG) per chi lo scrive."""
    from abitare.cases.graph import case_graph_svg
    from abitare.cases.schema import load_case

    try:
        case = load_case(get_settings().content_dir, case_id)
    except AbitareError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(2) from err
    target = out or Path(f"{case_id}.svg")
    target.write_text(case_graph_svg(case), encoding="utf-8")
    typer.echo(f"Grafo del caso scritto in {target}")


@app.command()
def check(
    as_json: Annotated[bool, typer.Option("--json", help="Stampa l'inventario in formato JSON.")] = False,
    content_dir: Annotated[Path | None, typer.Option(help="Cartella dei contenuti.")] = None,
) -> None:
    """Controlla tutti i contenuti; esce con errore se qualcosa non va."""
    folder = content_dir or get_settings().content_dir
    inv = inventory(folder)
    if as_json:
        typer.echo(json.dumps(inv, ensure_ascii=False, indent=2))
    else:
        for m in inv["modules"]:
            typer.echo(
                f"ok  {m['id']}: {count_label(m['lessons'], 'lezione', 'lezioni')}, "
                f"{count_label(m['questions'], 'domanda', 'domande')}, {m['words']} parole"
            )
        for c in inv["cases"]:
            typer.echo(
                f"ok  caso {c['id']}: {count_label(c['nodes'], 'situazione', 'situazioni')}, "
                f"{count_label(c['endings'], 'finale', 'finali')}"
            )
        for ws in inv["worksheets"]:
            typer.echo(f"ok  scheda {ws['id']}: {count_label(ws['fields'], 'campo', 'campi')}")
        for tp in inv["templates"]:
            typer.echo(f"ok  modello {tp['id']}: {count_label(tp['fields'], 'campo', 'campi')}")
        for e in inv["errors"]:
            where = f"{e['path']}:{e['line']}" if e["line"] else e["path"]
            typer.echo(f"ERRORE  {where}: {e['message']}", err=True)
        for e in inv["warnings"]:  # the quiz lint (abitare.quizlint), while it does not block
            where = f"{e['path']}:{e['line']}" if e["line"] else e["path"]
            typer.echo(f"AVVISO  {where}: {e['message']}", err=True)
        n = len(inv["errors"])
        valid = count_label(len(inv["modules"]), "modulo valido", "moduli validi")
        if inv["cases"]:
            valid += ", " + count_label(len(inv["cases"]), "caso valido", "casi validi")
        if inv["worksheets"]:
            valid += ", " + count_label(len(inv["worksheets"]), "scheda valida", "schede valide")
        if inv["templates"]:
            valid += ", " + count_label(len(inv["templates"]), "modello valido", "modelli validi")
        typer.echo(f"{valid}, {count_label(n, 'errore', 'errori') if n else 'nessun errore'}.")
    if inv["errors"]:
        raise typer.Exit(1)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Crea il database o lo porta all'ultima versione dello schema."""
    from abitare.storage import upgrade

    settings = get_settings()
    try:
        upgrade(settings.database_url)
    except AbitareError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(1) from err
    typer.echo(f"Database pronto: {_safe_url(settings.database_url)}")


@facilitator_app.command("add")
def facilitator_add(
    name: Annotated[str, typer.Argument(help="Nome di chi tiene il corso (es. 'Giulia').")],
) -> None:
    """Crea (o cambia) la parola segreta di chi tiene il corso; la chiede due volte, senza mostrarla."""
    from abitare.facilitators import FacilitatorStore
    from abitare.storage import check_ready, make_engine

    settings = get_settings()
    secret = typer.prompt("Parola segreta (almeno 10 caratteri)", hide_input=True, confirmation_prompt=True)
    try:
        engine = make_engine(settings.database_url)
        check_ready(engine)
        FacilitatorStore(engine).set_secret(name, secret)
    except AbitareError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(2) from err
    typer.echo(f"Parola segreta salvata per {name}. Si usa nella pagina «La classe».")


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _check_cases_once() -> None:
    """Check every case deeply now, once, so that the trainees' kernels need not."""
    from abitare.cases.schema import scan_cases
    from abitare.settings import get_settings

    _, issues = scan_cases(get_settings().content_dir, deep=True, use_cache=True)
    for issue in issues:
        typer.echo(f"ATTENZIONE  {issue}", err=True)


@app.command()
def serve(
    port: Annotated[int, typer.Option(help="Porta su cui ascoltare.")] = 8866,
    host: Annotated[str, typer.Option(help="Indirizzo su cui ascoltare.")] = "127.0.0.1",
    pool: Annotated[
        int, typer.Option(help="Persone della classe: kernel dell'applicazione avviati in anticipo (0 = nessuno).")
    ] = 2,
    reserve: Annotated[
        int, typer.Option("--riserva", help="Kernel pronti da tenere dopo gli arrivi (per chi arriva tardi).")
    ] = 2,
    max_kernels: Annotated[
        int,
        typer.Option("--max-kernel", help="Kernel aperti al massimo (0 = calcolato dalla memoria della macchina)."),
    ] = 0,
    cull_idle: Annotated[
        int, typer.Option(help="Secondi prima di chiudere un kernel inattivo senza pagina collegata.")
    ] = 90,
    upgrade_db: Annotated[
        bool, typer.Option("--upgrade-db/--no-upgrade-db", help="Aggiorna il database prima dell'avvio.")
    ] = True,
) -> None:
    """Avvia lo spazio di lavoro (Voilà) e stampa l'indirizzo da aprire."""
    from abitare.errors import ServeConfigError
    from abitare.serve import (
        ServerOptions,
        available_memory_mb,
        check_fits,
        home_url,
        port_in_use,
        voila_command,
        voila_env,
        wait_for_port,
    )

    if port_in_use(host, port):
        typer.echo(
            f"La porta {port} è già in uso (forse lo spazio di lavoro è già avviato: prova ad aprire "
            f"http://{host}:{port}/). Per usarne un'altra: make start PORT=8867.",
            err=True,
        )
        raise typer.Exit(2)
    opts = ServerOptions(host=host, port=port, pool=pool, reserve=reserve, max_kernels=max_kernels, cull_idle=cull_idle)
    try:
        cap = check_fits(opts, available_memory_mb())
    except ServeConfigError as err:
        typer.echo(f"Configurazione non avviata: {err}", err=True)
        raise typer.Exit(2) from None
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if upgrade_db:
        db_upgrade()
    _check_cases_once()
    proc = subprocess.Popen(voila_command(opts, cap), env=voila_env())

    def _stop(signum, _frame):  # type: ignore[no-untyped-def]
        proc.send_signal(signum)

    signal.signal(signal.SIGTERM, _stop)
    if wait_for_port(host, port, timeout=120, alive=lambda: proc.poll() is None):
        typer.echo(
            f"\n  Spazio di lavoro avviato. Apri nel browser:\n\n    {home_url(opts)}\n\n"
            + (f"  Kernel aperti al massimo: {cap}" + (f"; pronti per la classe: {pool}" if pool else "") + ".\n")
            * bool(cap)
            + "  (Ctrl+C per fermarlo)\n"
        )
    try:
        code = proc.wait()
    except KeyboardInterrupt:
        proc.send_signal(signal.SIGINT)
        code = proc.wait()
    sys.exit(code)


def main() -> None:
    """The ``abitare`` command: usage errors in Italian, exit status 2."""
    try:
        from typer._click import exceptions as click_errors  # typer >= 0.20 vendors click
    except ImportError:  # pragma: no cover - older typer on click
        from click import exceptions as click_errors  # type: ignore[no-redef]
    from abitare.cli_errors import italian_usage_error

    try:
        code = app(standalone_mode=False, prog_name="abitare")
    except click_errors.NoArgsIsHelpError as err:
        typer.echo(err.ctx.get_help() if err.ctx is not None else err.format_message())
        sys.exit(0)
    except click_errors.UsageError as err:
        path = err.ctx.command_path if err.ctx is not None else "abitare"
        typer.echo(italian_usage_error(err.format_message(), path), err=True)
        sys.exit(2)
    except click_errors.ClickException as err:
        typer.echo(f"Errore: {err.format_message()}", err=True)
        sys.exit(err.exit_code)
    except KeyboardInterrupt:
        code = 130
    except Exception as err:
        if type(err).__name__ != "Abort":  # a prompt left with Ctrl+C or Ctrl+D
            raise
        code = 130
    if code == 130:  # typer turns Ctrl+C into this exit code
        typer.echo("\nInterrotto.", err=True)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
