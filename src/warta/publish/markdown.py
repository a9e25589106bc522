"""The Markdown of generated blocks: tables and shares, written one way everywhere."""

from __future__ import annotations


def table(header: list[str], rows: list[list[object]], align: str = "") -> str:
    """A Markdown table; ``align`` has an ``l`` (words) or ``r`` (figures) per column, and by
    default the first column is left-aligned and the others right-aligned."""

    def cell(value: object) -> str:
        return str(value).replace("|", "\\|")

    align = align or "l" + "r" * (len(header) - 1)
    lines = [
        "| " + " | ".join(header) + " |",
        "| " + " | ".join("---" if a == "l" else "---:" for a in align) + " |",
    ]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def share(part: int, whole: int) -> str:
    """``part`` as a percentage of ``whole`` with one decimal; a part too small to show is
    ``<0.1%``, never ``0.0%``, and there is no share of nothing (``-``)."""
    if not whole:
        return "-"
    return "<0.1%" if 0 < part / whole < 0.0005 else f"{100 * part / whole:.1f}%"
