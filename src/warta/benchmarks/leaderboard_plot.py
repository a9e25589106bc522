"""The leaderboard picture: per board, each entry's score with its interval, its significance
against the leader, and its score per source, as one PNG."""

from __future__ import annotations

from pathlib import Path

from warta.benchmarks.leaderboard import SIGNIFICANCE, Board

SOURCE_COLOURS = ("#e6194b", "#3cb44b", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#9a6324")


def _label(board: Board, rank: int) -> str:
    entry = board.entries[rank - 1]
    if rank == 1:
        return f"{entry.label} - leader"
    if entry.p_vs_leader is None:
        return f"{entry.label} - p n/a"
    verdict = "below leader" if entry.p_vs_leader < SIGNIFICANCE else "n.s."
    return f"{entry.label} - p={entry.p_vs_leader:.3f} {verdict}"


def plot(boards: list[Board], path: Path) -> bytes:
    """Write the PNG and return its bytes (the HTML page embeds them)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = [b for b in boards if b.entries]
    fig, axes = plt.subplots(
        len(shown) or 1,
        1,
        figsize=(9, 1.4 + 0.7 * sum(len(b.entries) for b in shown) + 1.0 * len(shown)),
        squeeze=False,
    )
    for ax, board in zip(axes[:, 0], shown, strict=False):
        entries = list(reversed(board.entries))
        scores = [e.score(board.primary) for e in entries]
        values = [s.value for s in scores]
        low = [s.value - s.low if s.estimable else 0 for s in scores]
        high = [s.high - s.value if s.estimable else 0 for s in scores]
        ys = range(len(entries))
        ax.barh(ys, values, xerr=[low, high], color="#4363d8", alpha=0.8, capsize=4)
        ranks = [len(entries) - y for y in ys]
        ax.set_yticks(list(ys), [_label(board, rank) for rank in ranks], fontsize=8)
        for index, source in enumerate(board.sources):
            colour = SOURCE_COLOURS[index % len(SOURCE_COLOURS)]
            points = [(e.by_source[source].value, y) for y, e in zip(ys, entries, strict=True)
                      if source in e.by_source]  # fmt: skip
            ax.scatter([p[0] for p in points], [p[1] for p in points], color=colour, marker="D",
                       s=22, zorder=3, label=source)  # fmt: skip
        for y, score in zip(ys, scores, strict=True):
            note = "" if score.estimable else " n/a (1 unit)"
            inside = score.value >= 0.15
            ax.text(0.01 if inside else score.value + 0.01, y, f"{score.value:.3f}{note}",
                    va="center", color="white" if inside else "black", fontweight="bold",
                    fontsize=8)  # fmt: skip
        ax.set_xlim(0, 1)
        ax.set_xlabel(f"{board.primary} ({board.confidence} CI); diamonds: per source")
        ax.set_title(f"{board.task} / {board.protocol} - gold {board.gold}", fontsize=10)
        if board.sources:
            ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path.read_bytes()
