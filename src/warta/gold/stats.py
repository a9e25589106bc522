"""Counts over a gold snapshot per split: the figures `warta corpus stats` prints and the
DATASHEET is generated from."""

from __future__ import annotations

from collections import Counter, defaultdict

from warta.store import Version


def gold_stats(snapshot: Version) -> dict[str, dict[str, int]]:
    """Per split (and ``all``): documents, sentences, tokens, mentions per type, clusters,
    events per type, arguments per role, realis values."""
    stats: dict[str, Counter] = defaultdict(Counter)
    for batch in snapshot.iter_batches("documents"):
        for row in batch.to_pylist():
            split = _split_of(snapshot, row["doc_id"])
            for key in (split, "all"):
                counter = stats[key]
                counter["documents"] += 1
                counter["sentences"] += len(row["sentences"])
                counter["tokens"] += len(row["tokens"])
                counter["entity mentions"] += len(row["entities"])
                counter.update(f"entities: {m['type']}" for m in row["entities"])
                clusters = {m["entity_id"] for m in row["entities"] if m["entity_id"]}
                counter["entity clusters"] += len(clusters)
                counter["event mentions"] += len(row["events"])
                counter.update(f"events: {e['type']}" for e in row["events"])
                counter.update(f"realis: {e['realis']}" for e in row["events"])
                for event in row["events"]:
                    counter["arguments"] += len(event["arguments"])
                    counter.update(f"arguments: {a['role']}" for a in event["arguments"])
    return {split: dict(sorted(c.items(), key=_order)) for split, c in sorted(stats.items())}


def _split_of(snapshot: Version, doc_id: str) -> str:
    for split, ids in snapshot.manifest.get("splits", {}).items():
        if doc_id in ids:
            return split
    return "unassigned"


_HEAD = (
    "documents",
    "sentences",
    "tokens",
    "entity mentions",
    "entity clusters",
    "event mentions",
    "arguments",
)


def _order(item: tuple[str, int]) -> tuple[int, str]:
    key = item[0]
    return (_HEAD.index(key), "") if key in _HEAD else (len(_HEAD), key)
