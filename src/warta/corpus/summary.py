"""Counts over a corpus version: the figures the CLI prints and DATASHEET.md is generated from."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pyarrow.compute as pc

from warta.store import Version


def corpus_summary(version: Version) -> dict[str, int | str]:
    """Documents, sentences, tokens, blocks per type and removals per kind in one version."""
    summary: dict[str, int | str] = {"documents": 0, "sentences": 0, "tokens": 0, "characters": 0}
    blocks: Counter[str] = Counter()
    removed: Counter[str] = Counter()
    outlets: Counter[str] = Counter()
    columns = ["text", "sentences", "tokens", "blocks", "removed", "outlets"]
    for batch in version.iter_batches("articles", columns):
        summary["documents"] += batch.num_rows
        summary["sentences"] += pc.sum(pc.list_value_length(batch.column("sentences"))).as_py() or 0
        summary["tokens"] += pc.sum(pc.list_value_length(batch.column("tokens"))).as_py() or 0
        summary["characters"] += pc.sum(pc.utf8_length(batch.column("text"))).as_py() or 0
        blocks.update(b["type"] for row in batch.column("blocks").to_pylist() for b in row)
        removed.update(r["kind"] for row in batch.column("removed").to_pylist() for r in row)
        outlets.update(o for row in batch.column("outlets").to_pylist() for o in row)
    summary.update({f"blocks: {k}": v for k, v in sorted(blocks.items())})
    summary.update({f"removed: {k}": v for k, v in sorted(removed.items())})
    summary["outlets credited"] = ", ".join(f"{k} ({v})" for k, v in outlets.most_common()) or "-"
    return summary


UNLISTED = "(unlisted)"
"""The source of articles read from files that no source in PROVENANCE.yaml lists."""


@dataclass
class SourceCounts:
    """What one ingest did with the articles of one source."""

    articles: int = 0  # read and kept (new, changed or unchanged)
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    duplicates: int = 0  # skipped: same text or same source id as an article read before
    removed: Counter[str] = field(default_factory=Counter)  # lines cleaning removed, by kind
