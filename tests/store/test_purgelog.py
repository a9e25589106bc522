"""Purge records: applied in order to each file's checksum, sealed, chained, completed by their
sidecar."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.store.test_table import commit, row
from warta.store import VersionedStore
from warta.store.purgelog import PurgeLog, purges_dir, sidecar_of


@pytest.fixture
def store(tmp_path: Path) -> VersionedStore:
    store = VersionedStore(tmp_path / "versions", "corpus", "articles", file_rows=20)
    commit(store, [row(f"d{i:03d}") for i in range(30)])
    return store


def purge(store: VersionedStore, key: str, purge_id: str) -> None:
    store.purge({key}, purge_id=purge_id, reason="takedown", purged_at="2026-01-01")


def test_two_purges_of_one_file_chain_its_checksum(store):
    (first,) = [e for e in store.get("v0001").entries("articles") if e.rows == 20]
    purge(store, "d001", "aaaa0001")
    purge(store, "d002", "aaaa0002")
    log = PurgeLog(store.root / "articles")
    assert [r.number for r in log.records] == [1, 2] and all(r.complete for r in log.records)
    (entry,) = [e for e in store.get("v0001").entries("articles") if e.name == first.name]
    assert entry.rows == 18 and len(entry.superseded) == 2 and first.sha256 in entry.superseded
    assert log.purged("v0001").keys() == {"d001", "d002"}
    assert store.verify() == []


def test_a_record_lost_from_the_middle_breaks_the_chain(store):
    purge(store, "d001", "aaaa0001")
    purge(store, "d002", "aaaa0002")
    first = sorted(purges_dir(store.root / "articles").glob("*.json"))[0]
    first.unlink()
    sidecar_of(first).unlink()
    log = PurgeLog(store.root / "articles")
    assert len(log.damage) == 1 and "chain broken" in log.damage[0]


def test_a_record_without_its_sidecar_is_unfinished(store):
    purge(store, "d001", "aaaa0001")
    (record,) = purges_dir(store.root / "articles").glob("*.json")
    sidecar_of(record).unlink()
    log = PurgeLog(store.root / "articles")
    assert [r.complete for r in log.records] == [False]
    assert "leftover of an interrupted purge" in log.leftovers()[0]
    assert store.finish_purges() == [record] and store.verify() == []
