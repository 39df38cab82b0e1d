"""``abitare data``: make the synthetic datasets and check staff's own exports."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from abitare.errors import DataError
from abitare.numbers import number
from abitare.text import count_label

data_app = typer.Typer(help="Dati: generare i dati sintetici e controllare i propri file.", no_args_is_help=True)


@data_app.command("generate")
def data_generate(
    out: Annotated[Path, typer.Option(help="Cartella in cui scrivere i file CSV.")],
    households: Annotated[
        int, typer.Option(min=50, max=1_000_000, help="Numero di nuclei assegnatari SAP in tutto l'Ambito.")
    ] = 1800,
    seed: Annotated[
        int, typer.Option(min=0, help="Seme del generatore casuale: lo stesso seme produce gli stessi file.")
    ] = 2026,
) -> None:
    """Genera un insieme di dati sintetici (nessuna persona reale) per i nove comuni."""
    from rich.progress import Progress

    from abitare.data.generate import generate

    if out.exists() and not out.is_dir():
        typer.echo(f"«{out}» è un file, non una cartella: indicare con --out una cartella.", err=True)
        raise typer.Exit(2)
    steps = 9
    started = time.perf_counter()
    with Progress(transient=False) as progress:
        task = progress.add_task("Generazione", total=steps)

        def step(name: str) -> None:
            progress.update(task, advance=1, description=name)

        rows = generate(households, seed, out, step)
        progress.update(task, completed=steps, description="Fatto")
    typer.echo(f"Dati scritti in {out} in {time.perf_counter() - started:.1f} s:")
    for name, count in rows.items():
        typer.echo(f"  {name:<22} {number(count):>10} righe")


@data_app.command("validate")
def data_validate(
    file: Annotated[Path, typer.Argument(help="File CSV o XLSX da controllare, oppure una cartella di file.")],
    table: Annotated[
        str | None,
        typer.Option(
            "--tabella",
            help="Tabella del dizionario (se non è indicata, viene riconosciuta dal nome del file o dalle colonne).",
        ),
    ] = None,
) -> None:
    """Controlla un file CSV o XLSX (o tutti quelli di una cartella) secondo il dizionario dei dati.

    Per ogni problema indica riga, colonna e motivo.
    """
    from abitare.data import load_dictionary, table_file

    tables = load_dictionary().tabelle
    if table is not None and table not in tables:
        typer.echo(f"Tabella sconosciuta: «{table}». Tabelle: {', '.join(tables)}.", err=True)
        raise typer.Exit(2)
    if file.is_dir():
        found = [(name, table_file(file, name)) for name in tables]
        present = [(name, path) for name, path in found if path is not None]
        if not present:
            typer.echo(f"Nella cartella {file} non c'è nessuna delle tabelle: {', '.join(tables)}.", err=True)
            raise typer.Exit(2)
        bad = sum(not _validate_one(path, name) for name, path in present)
        missing = [name for name, path in found if path is None]
        if missing:
            typer.echo(f"Tabelle non presenti nella cartella: {', '.join(missing)}.")
        if bad:
            raise typer.Exit(2)
        return
    if not _validate_one(file, table):
        raise typer.Exit(2)


def _validate_one(file: Path, table: str | None) -> bool:
    from abitare.data import read_table

    try:
        frame = read_table(file, table, display=str(file))
    except DataError as err:
        problems = count_label(err.total, "problema", "problemi")
        typer.echo(f"{file}: non è valido ({problems}); non è stato caricato nulla:", err=True)
        typer.echo(str(err), err=True)
        return False
    rows = "1 riga" if len(frame) == 1 else f"{number(len(frame))} righe"
    typer.echo(f"{file}: valido, tabella «{frame.attrs['tabella']}», {rows}.")
    return True


@data_app.command("dictionary")
def data_dictionary(
    out: Annotated[Path | None, typer.Option(help="File Markdown da scrivere (se manca, stampa a schermo).")] = None,
) -> None:
    """Il dizionario dei dati in forma leggibile (Markdown): campi, significato, tipo, unità, valori ammessi."""
    from abitare.data.dictionary import dictionary_markdown

    text = dictionary_markdown()
    if out is None:
        typer.echo(text)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as err:
        typer.echo(f"Non riesco a scrivere «{out}»: la cartella non esiste o non è scrivibile.", err=True)
        raise typer.Exit(2) from err
    typer.echo(f"Dizionario scritto in {out}")
