"""`gold_stats` per split and over all: counts consistent with the gold Parquet (counted here
independently, from the files with pyarrow and the manifest's splits)."""

from __future__ import annotations

from collections import Counter

import pyarrow.parquet as pq

from tests.conftest import REPO
from warta.gold.snapshot import write_gold_snapshot
from warta.gold.stats import gold_stats
from warta.store import VersionedStore


def counted(version) -> dict[str, Counter]:
    """Counts read straight from the version's Parquet files (the store only lists them)."""
    splits = version.manifest["splits"]
    split_of = {doc_id: split for split, ids in splits.items() for doc_id in ids}
    counts: dict[str, Counter] = {}
    for shard in version.files("documents"):
        for row in pq.read_table(shard).to_pylist():
            for key in (split_of[row["doc_id"]], "all"):
                c = counts.setdefault(key, Counter())
                c["documents"] += 1
                c["sentences"] += len(row["sentences"])
                c["tokens"] += len(row["tokens"])
                c["entity mentions"] += len(row["entities"])
                c["entity clusters"] += len({m["entity_id"] for m in row["entities"]} - {None})
                c["event mentions"] += len(row["events"])
                c["arguments"] += sum(len(e["arguments"]) for e in row["events"])
                for m in row["entities"]:
                    c[f"entities: {m['type']}"] += 1
                for e in row["events"]:
                    c[f"events: {e['type']}"] += 1
                    c[f"realis: {e['realis']}"] += 1
                    for a in e["arguments"]:
                        c[f"arguments: {a['role']}"] += 1
    return counts


def test_shipped_gold():
    gold = REPO / "annotations" / "gold"
    for folder in sorted(gold.glob("v*")):
        stats = gold_stats(VersionedStore.for_gold(gold).get(folder.name))
        expected = counted(folder)
        assert expected["all"]["entity mentions"] > 100
        assert stats == {split: dict(c) for split, c in expected.items()}


def test_splits_are_counted_apart_and_all_is_their_sum(gold_repo):
    version, _ = write_gold_snapshot(gold_repo.repo.gold_store(), gold_repo.gold_input())
    stats = gold_stats(version)
    assert list(stats) == ["all", "test", "train"]
    assert stats["train"]["documents"] == stats["test"]["documents"] == 1
    assert stats["train"]["entities: GPE"] == 1 and stats["test"]["entities: PER"] == 2
    assert stats["test"]["entity clusters"] == 2 and stats["train"]["entity clusters"] == 0
    assert stats["test"]["arguments: recipient"] == 1 and "events: CONSULT" not in stats["train"]
    for key, value in stats["all"].items():
        assert value == stats["train"].get(key, 0) + stats["test"].get(key, 0), key
    # a split without events has "event mentions: 0" but no "arguments" key: compare non-zero
    nonzero = {split: {k: v for k, v in c.items() if v} for split, c in stats.items()}
    assert nonzero == {split: dict(+c) for split, c in counted(version).items()}


def test_the_head_figures_come_first(gold_repo):
    version, _ = write_gold_snapshot(gold_repo.repo.gold_store(), gold_repo.gold_input())
    keys = list(gold_stats(version)["all"])
    assert keys[:7] == ["documents", "sentences", "tokens", "entity mentions", "entity clusters",
                        "event mentions", "arguments"]  # fmt: skip
    assert keys[7:] == sorted(keys[7:])
