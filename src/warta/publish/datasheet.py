"""The figures of DATASHEET.md, generated from the data between marked lines.

A block ``<!-- warta:begin NAME -->`` ... ``<!-- warta:end NAME -->`` is rewritten by
``warta datasheet``; everything outside the markers is prose and stays as written. A test fails
when a block differs from what the data gives, so no figure can go stale.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from warta.errors import WartaError
from warta.publish import composition, quality
from warta.publish.markdown import table
from warta.repository import Repository

BLOCK = re.compile(
    r"(<!-- warta:begin (?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- warta:end (?P=name) -->)", re.S
)


def corpus_block(repo: Repository) -> str:
    from warta.corpus.summary import corpus_summary

    rows = []
    for version in repo.corpus_store().versions():
        s = corpus_summary(version)
        blocks = ", ".join(
            f"{k.split(': ')[1]} {v}" for k, v in s.items() if k.startswith("blocks: ")
        )
        removed = ", ".join(
            f"{k.split(': ')[1]} {v}" for k, v in s.items() if k.startswith("removed: ")
        )
        rows.append([version.name, version.created_at[:10], version.manifest.get("pipeline_version", "-"),
                     s["documents"], s["sentences"], s["tokens"], s["characters"], blocks, removed or "-"])  # fmt: skip
    header = [
        "version",
        "date",
        "pipeline",
        "documents",
        "sentences",
        "tokens",
        "characters",
        "blocks",
        "removed",
    ]
    return table(header, rows)


def gold_block(repo: Repository) -> str:
    from warta.gold.stats import gold_stats

    snapshot = repo.gold_store().latest()
    if snapshot is None:
        return "No gold snapshot yet.\n"
    stats = gold_stats(snapshot)
    splits = [s for s in stats if s != "all"] + ["all"]
    keys = list(dict.fromkeys(k for s in splits for k in stats[s]))
    intro = (
        f"Gold snapshot {snapshot.name} (corpus {snapshot.manifest['corpus_version']}, "
        f"schema_version {snapshot.manifest['schema_version']}), per split:\n\n"
    )
    return intro + table(["", *splits], [[k, *(stats[s].get(k, 0) for s in splits)] for k in keys])


def agreement_block(repo: Repository) -> str:
    """Agreement of every pair of annotators in the newest agreement file, by export."""
    files = sorted(repo.agreement_dir.glob("*.json"))
    if not files:
        return "No agreement measured yet.\n"
    rows = []
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        for pair in data["pairs"]:
            a, b = pair["annotators"]
            by_type = ", ".join(
                f"{t} {v['f1']:.3f}" for t, v in pair["entity_f1_strict_by_type"].items()
            )
            rows.append([data["export"], f"{a} vs {b}", len(pair["documents"]),
                         f"{pair['entity_f1_strict']['f1']:.3f}", by_type, f"{pair['token_kappa']:.3f}",
                         f"{pair['trigger_f1']['f1']:.3f}", f"{pair['argument_f1']['f1']:.3f}",
                         f"{pair['argument_attached_f1']['f1']:.3f}"])  # fmt: skip
    header = ["export", "users", "documents", "entity F1 (strict)", "per type", "token kappa",
              "trigger F1", "argument F1", "argument F1 (attached)"]  # fmt: skip
    return table(header, rows)


def leaderboard_block(repo: Repository) -> str:
    from warta.benchmarks.leaderboard import build_boards, load_results

    folder = repo.results_dir
    gold = repo.gold_store().latest()
    if gold is None:
        return "No benchmark results yet.\n"
    rows = []
    results = load_results(folder) if folder.is_dir() else []
    boards = build_boards(results, gold.name, gold.content_sha256)
    for board in boards:
        for rank, entry in enumerate(board.entries, start=1):
            rows.append([f"{board.task}/{board.protocol}", rank, entry.result.model_version, board.primary,
                         entry.score(board.primary).text(), f"{entry.units} {entry.result.unit}s"])  # fmt: skip
    if not rows:
        rows.append(["-", "-", "-", "-", f"no results on gold {gold.name} yet", "-"])
    levels = sorted({board.confidence for board in boards if board.entries})
    interval = f"F1 ({'/'.join(levels) or '-'} CI)"
    return table(["task/protocol", "rank", "model", "metric", interval, "units"], rows)


BLOCKS: dict[str, Callable[[Repository], str]] = {
    "corpus": corpus_block,
    "gold": gold_block,
    "agreement": agreement_block,
    "leaderboard": leaderboard_block,
    "composition": composition.composition_block,
    "language": composition.language_block,
    "topics": composition.topics_block,
    "outlets": composition.outlets_block,
    "time_span": composition.time_span_block,
    "rights": composition.rights_block,
    "cleaning": quality.cleaning_block,
    "duplicates": quality.duplicates_block,
}


def render(repo: Repository, text: str) -> str:
    """The datasheet with every marked block regenerated from the data."""

    def fill(match: re.Match) -> str:
        name = match.group("name")
        if name not in BLOCKS:
            raise WartaError(
                f"DATASHEET.md: unknown generated block {name!r} (blocks: {', '.join(BLOCKS)})"
            )
        return f"{match.group(1)}{BLOCKS[name](repo)}{match.group(4)}"

    return BLOCK.sub(fill, text)
