"""The ``warta`` command: corpus, annotation and (later) benchmark commands.

Every failure the user can act on is one line on stderr (``error: <file>: <problem>``) and exit
code 1; ``--verbose`` adds the traceback.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import Annotated

import typer

from warta.cli.common import console, err_console, state
from warta.errors import WartaError

app = typer.Typer(
    help="Warta: annotated Indonesian news corpus and benchmark.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _global(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show tracebacks.")] = False,
    root: Annotated[
        Path | None, typer.Option("--root", help="Warta repository (default: found from the cwd).")
    ] = None,
) -> None:
    state["verbose"] = verbose
    state["root"] = root


def _register() -> None:
    from warta.cli import annotate, board, corpus

    app.add_typer(corpus.app, name="corpus")
    app.add_typer(annotate.app, name="annotate")
    app.command("leaderboard")(board.leaderboard)
    app.command("datasheet")(corpus.datasheet)
    app.command("release")(corpus.release)
    app.command("demo")(corpus.demo)


_register()


def main() -> None:
    try:
        app()
    except WartaError as err:
        if state["verbose"]:
            traceback.print_exc()
        err_console.print(f"[red]error:[/] {err}", highlight=False)
        sys.exit(1)
    except KeyboardInterrupt:
        err_console.print("interrupted: nothing partial was written")
        sys.exit(130)


__all__ = ["app", "console", "main"]
