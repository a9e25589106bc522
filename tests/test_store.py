"""The versioned Parquet store: immutable versions, manifests, diffs, locks and damage reports."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from warta.errors import StoreError
from warta.store import ROW_GROUP_ROWS, VersionDiff, VersionedStore, content_hash

SCHEMA = pa.schema([("doc_id", pa.string()), ("record_sha256", pa.string()), ("n", pa.int64())])


def write_version(store: VersionedStore, rows: list[dict], parent=None):
    with store.stage() as staging:
        writer = staging.writer("articles", SCHEMA)
        for row in rows:
            writer.write(row)
        old = parent.key_hashes("articles", "doc_id", "record_sha256") if parent else {}
        new = {r["doc_id"]: r["record_sha256"] for r in rows}
        return staging.commit(parent=parent, key_hashes=new, diff=VersionDiff.between(old, new))


def rows(*pairs: tuple[str, str]) -> list[dict]:
    return [{"doc_id": d, "record_sha256": h, "n": i} for i, (d, h) in enumerate(pairs)]


@pytest.fixture
def store(tmp_path: Path) -> VersionedStore:
    return VersionedStore(tmp_path / "versions", "corpus", primary_table="articles")


def test_commit_writes_manifest_with_checksums_counts_schema_and_diff(store):
    version = write_version(store, rows(("a", "1"), ("b", "2")))
    manifest = json.loads((version.path / "manifest.json").read_text())
    assert version.name == "v0001" and manifest["parent"] is None
    (entry,) = manifest["tables"]["articles"]["files"]
    assert entry["rows"] == 2 and len(entry["sha256"]) == 64
    assert [c["name"] for c in manifest["tables"]["articles"]["schema"]] == SCHEMA.names
    assert manifest["diff"] == {"added": ["a", "b"], "removed": [], "changed": []}
    assert manifest["content_sha256"] == content_hash({"a": "1", "b": "2"})
    assert (
        pq.ParquetFile(version.path / entry["path"]).metadata.row_group(0).column(0).compression
        == "ZSTD"
    )
    assert store.verify() == []


def test_new_version_leaves_the_old_one_untouched_and_diffs(store):
    v1 = write_version(store, rows(("a", "1"), ("b", "2")))
    before = {p: p.read_bytes() for p in v1.path.rglob("*") if p.is_file()}
    v2 = write_version(store, rows(("a", "1"), ("b", "3"), ("c", "4")), parent=v1)
    assert v2.name == "v0002" and v2.parent == "v0001"
    assert {p: p.read_bytes() for p in v1.path.rglob("*") if p.is_file()} == before
    diff = store.diff("v0001", "v0002")
    assert diff.as_dict() == {"added": ["c"], "removed": [], "changed": ["b"]}
    assert store.diff("v0002", "v0001").removed == ["c"]
    assert store.get("1").name == "v0001" and store.get("latest").name == "v0002"


def test_failed_write_leaves_no_version_and_no_staging(store):
    write_version(store, rows(("a", "1")))
    with pytest.raises(RuntimeError), store.stage() as staging:
        staging.writer("articles", SCHEMA).write({"doc_id": "b", "record_sha256": "2", "n": 1})
        raise RuntimeError("killed mid-way")
    assert [v.name for v in store.versions()] == ["v0001"]
    assert store.leftover_staging() == [] and store.verify() == []


def test_leftover_staging_is_reported_then_cleaned_by_the_next_write(store):
    write_version(store, rows(("a", "1")))
    leftover = store.root / ".staging-corpus-999-deadbeef"
    (leftover / "articles").mkdir(parents=True)
    assert any("leftover staging" in p and str(leftover) in p for p in store.verify())
    write_version(store, rows(("a", "1"), ("b", "2")), parent=store.latest())
    assert not leftover.exists() and store.verify() == []


def test_a_second_writer_is_refused_while_the_lock_is_held(store):
    with (
        store.stage(),
        pytest.raises(StoreError, match="another writer holds the lock"),
        store.stage(),
    ):
        pass
    assert store.versions() == []


def test_flipped_byte_in_a_shard_or_manifest_is_named_by_verify(store):
    version = write_version(store, rows(("a", "1"), ("b", "2")))
    shard = version.files("articles")[0]
    data = bytearray(shard.read_bytes())
    data[len(data) // 2] ^= 0xFF
    shard.write_bytes(bytes(data))
    assert any(str(shard) in p and "checksum mismatch" in p for p in store.verify())
    manifest = version.path / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"rows": 2', '"rows": 3', 1))
    assert any(str(manifest) in p and "checksum" in p for p in store.verify())


def test_unlisted_or_missing_files_are_reported(store):
    version = write_version(store, rows(("a", "1")))
    stray = version.path / "articles" / "part-99999.parquet"
    pq.write_table(SCHEMA.empty_table(), stray)
    assert any(str(stray) in p and "not listed" in p for p in store.verify())
    stray.unlink()
    version.files("articles")[0].unlink()
    assert any("missing" in p for p in store.verify())


def test_row_groups_hold_at_most_ten_thousand_rows(store):
    many = rows(*[(f"d{i}", str(i)) for i in range(2 * ROW_GROUP_ROWS + 5)])
    version = write_version(store, many)
    meta = pq.ParquetFile(version.files("articles")[0]).metadata
    sizes = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
    assert max(sizes) <= ROW_GROUP_ROWS and sum(sizes) == len(many)


def test_unknown_version_is_a_clear_error(store):
    write_version(store, rows(("a", "1")))
    with pytest.raises(StoreError, match=r"no corpus version 'v0007' \(versions: v0001\)"):
        store.get("v0007")


def test_reading_a_damaged_file_names_it(store):
    version = write_version(store, rows(("a", "1"), ("b", "2")))
    shard = version.files("articles")[0]
    data = bytearray(shard.read_bytes())
    data[len(data) // 2] ^= 0xFF
    shard.write_bytes(bytes(data))
    with pytest.raises(StoreError, match=rf"{shard}: checksum mismatch"):
        version.read("articles")
    shard.unlink()
    with pytest.raises(StoreError, match="listed in the manifest but missing"):
        list(version.iter_batches("articles"))


def test_datasets_catches_a_flipped_byte_when_asked_to_check_page_checksums(store, tmp_path):
    import pyarrow.dataset as pds
    from datasets import load_dataset

    version = write_version(store, rows(*[(f"d{i}", str(i)) for i in range(500)]))
    shard = version.files("articles")[0]
    data = bytearray(shard.read_bytes())
    data[300] ^= 0xFF  # inside the first data page
    shard.write_bytes(bytes(data))
    options = pds.ParquetFragmentScanOptions(page_checksum_verification=True)
    with pytest.raises(Exception) as err:
        load_dataset(
            "parquet",
            data_files=str(shard),
            cache_dir=str(tmp_path / "c"),
            fragment_scan_options=options,
        )
    assert "CRC checksum verification failed" in str(err.value.__cause__ or err.value)
