"""``warta leaderboard``: rank the results on screen and write LEADERBOARD.md, a plot and an
HTML page."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from warta.cli.common import console, err_console, repository


def leaderboard(
    results_dir: Annotated[Path | None, typer.Option(help="Default: benchmarks/results.")] = None,
    task: Annotated[str | None, typer.Option(help="Only this task (ner, events).")] = None,
    protocol: Annotated[
        str | None, typer.Option(help="Only this protocol (test, cv, external-...).")
    ] = None,
    write: Annotated[
        bool,
        typer.Option(help="Write benchmarks/LEADERBOARD.md, leaderboard.png and leaderboard.html."),
    ] = True,
) -> None:
    """Rank results per task and protocol; refuse to rank results on other gold or metrics, and
    entries that saw the test split or do not declare their training data."""
    from warta.benchmarks.leaderboard import build_boards, load_results, protocol_note
    from warta.benchmarks.leaderboard_page import board_tables, render_html, render_markdown
    from warta.benchmarks.leaderboard_plot import plot
    from warta.store import write_atomic

    repo = repository()
    folder = results_dir or repo.results_dir
    gold = repo.gold_store().latest()
    results = load_results(folder) if folder.is_dir() else []
    every = build_boards(
        results, gold.name if gold else None, gold.content_sha256 if gold else None
    )
    boards = [
        b
        for b in every
        if (task is None or b.task == task) and (protocol is None or b.protocol == protocol)
    ]
    if not boards:
        console.print(f"no results in {folder}: run `warta-bench` first")
        return
    for board in boards:
        if board.entries:
            ranking = board_tables(board)[0]
            table = Table(
                title=f"{board.task} / {board.protocol} (gold {board.gold})",
                caption=f"F1 = {board.primary}; {protocol_note(board)}",
            )
            shown = [0, 1, 2, 3, 5, 6, 8, 9]  # rank, entry, model, kind, F1, CI, p, units
            for index in shown:
                name = ranking.header[index]
                name = "F1" if name == board.primary else name
                table.add_column(name, justify="right" if index in (0, 5) else "left")
            for row in ranking.rows:
                table.add_row(*(row[i] for i in shown))
            console.print(table)
        else:
            console.print(f"{board.task} / {board.protocol}: no comparable result")
        for path, reason in board.excluded:
            err_console.print(f"[yellow]not ranked[/] {path.name}: {reason}", highlight=False)
    if write:
        repo.leaderboard_file.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(repo.leaderboard_file, render_markdown(every).encode())
        png = plot(every, repo.leaderboard_plot)
        write_atomic(repo.leaderboard_page, render_html(every, png).encode())
        console.print(
            f"wrote {repo.leaderboard_file}, {repo.leaderboard_plot} and {repo.leaderboard_page}"
        )
