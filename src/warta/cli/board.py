"""``warta leaderboard``: rank the results on screen and write LEADERBOARD.md and a plot."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from warta.cli.common import console, err_console, repository


def leaderboard(
    results_dir: Annotated[Path | None, typer.Option(help="Default: benchmarks/results.")] = None,
    task: Annotated[str | None, typer.Option(help="Only this task (ner, events).")] = None,
    protocol: Annotated[str | None, typer.Option(help="Only this protocol (test, cv).")] = None,
    write: Annotated[
        bool, typer.Option(help="Write benchmarks/LEADERBOARD.md and the plot.")
    ] = True,
) -> None:
    """Rank results per task and protocol; refuse to rank results on other gold or metrics."""
    from warta.benchmarks.leaderboard import build_boards, load_results, plot, render_markdown
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
        table = Table(
            title=f"{board.task} / {board.protocol} (gold {board.gold})",
            caption=f"F1 = {board.primary}; {_protocol_note(board)}",
        )
        for column in (
            "rank",
            "entry",
            "model",
            "F1",
            f"{board.confidence} CI",
            "p vs leader",
            "units",
        ):
            table.add_column(column, justify="right" if column in ("rank", "F1") else "left")
        for rank, entry in enumerate(board.entries, start=1):
            value = entry.result.metrics[board.primary]
            p = "-" if entry.p_vs_leader is None else f"{entry.p_vs_leader:.3f}"
            units = f"{len(entry.result.unit_counts['units'])} {entry.result.unit}s"
            table.add_row(str(rank), entry.label, entry.result.model_version, f"{value.value:.3f}",
                          f"{value.ci_low:.3f}-{value.ci_high:.3f}", p, units)  # fmt: skip
        console.print(table)
        for path, reason in board.excluded:
            err_console.print(f"[yellow]not ranked[/] {path.name}: {reason}", highlight=False)
    if write:
        repo.leaderboard_file.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(repo.leaderboard_file, render_markdown(every).encode())
        plot(every, repo.leaderboard_plot)
        console.print(f"wrote {repo.leaderboard_file} and {repo.leaderboard_plot}")


def _protocol_note(board) -> str:
    units = {e.result.unit for e in board.entries}
    if board.protocol == "cv" and "block" in units:
        return "cross-validation over blocks: the corpus has fewer documents than folds"
    if board.protocol == "cv":
        return "cross-validation over documents"
    return "trained outside the Warta test split, evaluated on it"
