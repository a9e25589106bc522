"""The ``warta`` command: corpus ingestion and versions (annotation and benchmark commands join it).

Every failure the user can act on is one line on stderr (``error: <file>: <problem>``) and exit
code 1; ``--verbose`` adds the traceback.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from warta.errors import WartaError
from warta.layout import Layout

app = typer.Typer(
    help="Warta: annotated Indonesian news corpus and benchmark.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
corpus_app = typer.Typer(help="Ingest articles and inspect corpus versions.", no_args_is_help=True)
app.add_typer(corpus_app, name="corpus")

console = Console()
err_console = Console(stderr=True, soft_wrap=True)  # a file path in an error is never wrapped
_state = {"verbose": False, "root": None}

RootOption = Annotated[
    Path | None, typer.Option("--root", help="Warta repository (default: found from the cwd).")
]


@app.callback()
def _global(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show tracebacks.")] = False,
    root: RootOption = None,
) -> None:
    _state["verbose"] = verbose
    _state["root"] = root


def layout() -> Layout:
    root = _state["root"]
    return Layout(root.resolve()) if root else Layout.find()


def _corpus():
    from warta.corpus.pipeline import corpus_store

    return corpus_store(layout().corpus_versions)


@corpus_app.command("ingest")
def corpus_ingest(
    paths: Annotated[list[Path], typer.Argument(help=".txt, .html, .jsonl files or folders")],
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    skip_bad: Annotated[
        bool, typer.Option("--skip-bad", help="Ingest the good inputs; record the bad ones.")
    ] = False,
) -> None:
    """Clean, segment and tokenize articles into a new immutable corpus version."""
    from warta.corpus.pipeline import ingest

    store = _corpus()
    report = ingest(paths, store, workers=workers, skip_bad=skip_bad, progress=sys.stderr.isatty())
    for problem in report.rejected:
        err_console.print(f"[yellow]skipped[/] {problem}", highlight=False)
    for source, doc_id in report.duplicates:
        console.print(f"duplicate of {doc_id} in this batch, skipped: {source}", highlight=False)
    if report.version is None:
        where = report.parent.name if report.parent else "no version"
        console.print(f"no change: {report.articles} article(s) already in {where}")
        return
    _refresh_card()
    diff = report.diff
    console.print(
        f"wrote corpus [bold]{report.version.name}[/] "
        f"(parent {report.parent.name if report.parent else '-'}): "
        f"{len(diff.added)} added, {len(diff.changed)} changed, {report.unchanged} unchanged"
    )
    _print_summary(report.version)


def _refresh_card() -> None:
    from warta.dataset.card import corpus_configs, write_front_matter

    lay = layout()
    write_front_matter(lay.readme, corpus_configs(_corpus(), lay.root))


def _print_summary(version) -> None:
    from warta.corpus.stats import corpus_summary

    summary = corpus_summary(version)
    table = Table(title=f"corpus {version.name}", show_header=True)
    table.add_column("what")
    table.add_column("count", justify="right")
    for key, value in summary.items():
        table.add_row(key, str(value))
    console.print(table)


@corpus_app.command("versions")
def corpus_versions() -> None:
    """List corpus versions with their row counts and diffs."""
    store = _corpus()
    table = Table(title=f"corpus versions in {store.root}")
    for column in ("version", "created", "parent", "articles", "added", "changed", "removed"):
        table.add_column(column)
    for v in store.versions():
        d = v.diff
        table.add_row(
            v.name,
            v.created_at,
            v.parent or "-",
            str(v.rows("articles")),
            str(len(d.added)),
            str(len(d.changed)),
            str(len(d.removed)),
        )
    console.print(table)


@corpus_app.command("diff")
def corpus_diff(old: str, new: str) -> None:
    """Document ids added, removed and changed between two versions."""
    diff = _corpus().diff(old, new)
    for kind, ids in diff.as_dict().items():
        console.print(f"{kind}: {len(ids)}")
        for doc_id in ids:
            console.print(f"  {doc_id}", highlight=False)


@corpus_app.command("verify")
def corpus_verify(version: Annotated[str | None, typer.Argument()] = None) -> None:
    """Check checksums, row counts, schemas and content hashes; exit 1 on any damage."""
    store = _corpus()
    problems = store.verify(version)
    for problem in problems:
        err_console.print(f"[red]damaged[/] {problem}", highlight=False)
    if problems:
        raise typer.Exit(1)
    names = [version] if version else [v.name for v in store.versions()]
    console.print(f"ok: {', '.join(names) or 'no versions'}")


@app.command("demo")
def demo() -> None:
    """The main job on the bundled corpus: ingest corpus/raw and summarise the current version."""
    lay = layout()
    console.rule("Warta demo: ingest the bundled articles")
    corpus_ingest([lay.raw_dir], workers=1, skip_bad=False)
    version = _corpus().latest()
    problems = _corpus().verify(version.name)
    if problems:
        raise WartaError(f"corpus {version.name} is damaged: {problems[0]}")
    console.print(f"verified corpus {version.name}: checksums and content hash match")


def main() -> None:
    try:
        app()
    except WartaError as err:
        if _state["verbose"]:
            traceback.print_exc()
        err_console.print(f"[red]error:[/] {err}", highlight=False)
        sys.exit(1)
    except KeyboardInterrupt:
        err_console.print("interrupted: nothing partial was written")
        sys.exit(130)
