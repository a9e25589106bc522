"""Purging rows from a store's history: gone from every version, every version still verifies and
reads (Warta and Delta readers), damage elsewhere still caught, and a purge killed at any point
reported as a leftover that vacuum finishes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.conftest import REPO
from tests.store.test_table import commit, flip_byte, row
from warta.errors import StoreError
from warta.store import VersionedStore
from warta.store.purgelog import purges_dir

SECRET = "rahasia"


def secret_row(row_hash: str = "1") -> dict:
    return {**row("gone", row_hash), "text": f"{SECRET} {row_hash} " + "kata " * 50}


@pytest.fixture
def store(tmp_path: Path) -> VersionedStore:
    """v0001: 30 rows (one secret) in two files; v0002 changes the secret row; v0003 removes it."""
    store = VersionedStore(tmp_path / "versions", "corpus", "articles", file_rows=20)
    commit(store, [row(f"d{i:03d}") for i in range(29)] + [secret_row()])
    commit(store, [secret_row("2"), row("n1")])
    commit(store, [], removed=["gone"])
    return store


def values(path: Path) -> str:
    return json.dumps(pq.read_table(path).to_pylist())


def purge(store: VersionedStore) -> list:
    return store.purge({"gone"}, purge_id="0badf00d", reason="takedown", purged_at="2026-01-01")


def test_the_rows_leave_every_version_and_every_version_still_verifies(store):
    before = {v.name: v.rows("articles") for v in store.versions()}
    purged = purge(store)
    assert sorted((p.rows_before, p.rows_after) for p in purged) == [(2, 1), (10, 9)]
    assert store.verify() == []
    for version in store.versions():
        assert "gone" not in version.read("articles").column("doc_id").to_pylist()
        assert not any(SECRET in values(path) for path in version.files("articles"))
    assert {v.name: v.rows("articles") for v in store.versions()} == {
        "v0001": before["v0001"] - 1, "v0002": before["v0002"] - 1, "v0003": before["v0003"]
    }  # fmt: skip
    assert {v.name: v.purged for v in store.versions()} == {
        "v0001": {"gone": "1"}, "v0002": {"gone": "2"}, "v0003": {}
    }  # fmt: skip
    assert store.get("v0001").manifest["content_sha256"] == store.get("v0001").content_sha256
    assert purge(store) == [] and store.verify() == [], "a second purge finds nothing to do"
    (ten,) = [p.path for p in purged if p.rows_before == 10]
    text = pq.ParquetFile(ten).metadata.row_group(0).column(2)
    assert text.path_in_schema == "text" and text.statistics is None, (
        "without the row, the text's min/max statistics would not fit: only the key keeps them"
    )


def test_delta_readers_still_read_every_version_without_the_rows(store):
    from deltalake import DeltaTable

    purge(store)
    table = store.root / "articles"
    for version in store.versions():
        number = version.delta_versions["articles"]
        delta = DeltaTable(str(table), version=number)
        actions = pa.table(delta.get_add_actions()).to_pylist()
        sizes = {a["path"]: a["size_bytes"] for a in actions}
        assert all((table / name).stat().st_size == size for name, size in sizes.items())
        read = delta.to_pyarrow_table()
        assert read.num_rows == version.rows("articles")
        assert "gone" not in read.column("doc_id").to_pylist()


def test_delta_statistics_of_an_old_version_still_count_the_purged_rows(store):
    """The known limit (purge.py): the log is not rewritten, so an answer from its statistics
    alone over-counts; a scan does not."""
    from deltalake import DeltaTable, QueryBuilder

    purge(store)
    version = store.get("v0001")
    delta = DeltaTable(str(store.root / "articles"), version=version.delta_versions["articles"])
    query = QueryBuilder().register("articles", delta)
    counted = pa.table(query.execute("select count(*) as n from articles").read_all())
    scanned = pa.table(query.execute("select doc_id from articles").read_all())
    assert scanned.num_rows == version.rows("articles") == 29
    assert counted.column("n").to_pylist() == [30]


def test_damage_elsewhere_is_still_caught_and_a_restored_file_is_named(store):
    untouched = next(p for p in store.get("v0001").files("articles") if "gone" not in values(p))
    rewritten = next(p for p in store.get("v0001").files("articles") if p != untouched)
    original = rewritten.read_bytes()
    purge(store)
    flip_byte(untouched)
    assert store.verify() == [
        f"{untouched}: checksum mismatch (the file changed after it was written)"
    ]
    flip_byte(untouched)
    rewritten.write_bytes(original)  # the purged rows back
    problems = store.verify()
    assert problems == [
        f"{rewritten}: holds rows a purge took out (it is back at its checksum from before the "
        "purge)"
    ]
    with pytest.raises(StoreError, match="holds rows a purge took out"):
        store.get("v0001").read("articles")


def test_a_damaged_purge_record_is_damage(store):
    purge(store)
    (record,) = purges_dir(store.root / "articles").glob("*.json")
    flip_byte(record, record.read_bytes().index(b'"reason"') + 12)
    problems = store.verify()
    assert problems and problems[0].startswith(f"{record}: purge record does not match")


def test_a_damaged_file_is_refused_and_nothing_is_purged(store):
    (target,) = [p for p in store.get("v0001").files("articles") if SECRET in values(p)]
    flip_byte(target)
    snapshot = {p: p.read_bytes() for p in (store.root / "articles").rglob("*") if p.is_file()}
    with pytest.raises(StoreError, match="checksum mismatch"):
        purge(store)
    after = {p: p.read_bytes() for p in (store.root / "articles").rglob("*") if p.is_file()}
    assert after == snapshot, "no record, no copy, no file changed"


DYING_PURGE = """
import os, sys
from pathlib import Path
import warta.store.purge as purge
from warta.store import VersionedStore

name, nth = sys.argv[2], int(sys.argv[3])
real, calls = getattr(purge, name), []
def dying(*args, **kwargs):
    calls.append(1)
    if len(calls) >= nth:
        os._exit(9)
    return real(*args, **kwargs)
setattr(purge, name, dying)
store = VersionedStore(Path(sys.argv[1]), "corpus", "articles", file_rows=20)
store.purge({"gone"}, purge_id="0badf00d", reason="takedown", purged_at="2026-01-01")
"""
KILL_POINTS = {
    "copies written, before the record": ("_record", 1),
    "record written, before any swap": ("_swap", 1),
    "one file swapped, not the other": ("_swap", 2),
    "every file swapped, before the sidecar": ("_complete", 1),
}


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_a_purge_killed_midway_is_a_leftover_that_vacuum_finishes(store, point):
    name, nth = KILL_POINTS[point]
    done = subprocess.run(
        [sys.executable, "-c", DYING_PURGE, str(store.root), name, str(nth)],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 9, done.stderr
    problems = store.verify()
    assert problems and all("leftover of an interrupted purge" in p for p in problems), problems
    for version in store.versions():  # readable in whatever state the kill left
        version.read("articles")
    store.vacuum()
    assert store.verify() == []
    recorded = point != "copies written, before the record"
    held = [SECRET in values(p) for v in store.versions() for p in v.files("articles")]
    assert any(held) != recorded, "finished if recorded; untouched (and purgeable) if not"
    purge(store)
    assert store.verify() == [] and not any(
        SECRET in values(p) for v in store.versions() for p in v.files("articles")
    )
