"""What every command group shares: consoles, global options, the repository repo."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from warta.repository import Repository

console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)  # a file path in an error is never wrapped
state: dict = {"verbose": False, "root": None}


def repository() -> Repository:
    root = state["root"]
    return Repository(root.resolve()) if root else Repository.find()


def print_counts(title: str, counts: dict[str, object]) -> None:
    table = Table(title=title)
    table.add_column("what")
    table.add_column("count", justify="right")
    for key, value in counts.items():
        table.add_row(key, str(value))
    console.print(table)


def refresh_card() -> None:
    from warta.dataset.card import refresh_card as refresh

    refresh(repository())
