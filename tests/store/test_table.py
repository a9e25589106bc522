"""The versioned store (Delta Lake tables): versions as Delta commits, checksums in the same commit, only changed
files written, time travel, damage and leftovers told apart, racing writers refused."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from tests.conftest import REPO
from warta.errors import StoreError
from warta.store import VersionDiff, VersionedStore, content_hash
from warta.store.write import ROW_GROUP_ROWS

SCHEMA = pa.schema(
    [
        pa.field("doc_id", pa.string(), nullable=False),
        ("record_sha256", pa.string()),
        ("text", pa.string()),
        ("token_starts", pa.list_(pa.int32())),
        ("token_ends", pa.list_(pa.int32())),
    ]
)
ENTITY_SCHEMA = pa.schema([("id", pa.string()), ("doc_id", pa.string()), ("tags", pa.string())])


def row(doc_id: str, row_hash: str = "1") -> dict:
    starts = list(range(0, 400, 4))
    text = f"{doc_id} {row_hash} " + "kata " * 100
    return {"doc_id": doc_id, "record_sha256": row_hash, "text": text,
            "token_starts": starts, "token_ends": [s + 3 for s in starts]}  # fmt: skip


def commit(store: VersionedStore, rows: list[dict], removed=(), **extra):
    """A version from its parent: ``rows`` are new or changed, ``removed`` keys go."""
    with store.stage() as staging:
        parent = store.latest()
        old = parent.key_hashes("articles", "doc_id", "record_sha256") if parent else {}
        writer = staging.writer("articles", SCHEMA)
        for r in rows:
            writer.write(r)
        new = {k: v for k, v in old.items() if k not in removed}
        new.update({r["doc_id"]: r["record_sha256"] for r in rows})
        diff = VersionDiff.between(old, new)
        return staging.commit(parent=parent, key_hashes=new, diff=diff, extra=extra or None)


def flip_byte(path: Path, at: int | None = None) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2 if at is None else at] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.fixture
def store(tmp_path: Path) -> VersionedStore:
    return VersionedStore(tmp_path / "versions", "corpus", "articles", file_rows=20)


def test_version_round_trip_with_checksums_in_the_commit(store):
    rows = [row(f"d{i:03d}") for i in range(50)]
    v1 = commit(store, rows, pipeline_version="ingest-2")
    assert v1.name == "v0001" and v1.parent is None and v1.number == 1
    assert v1.rows("articles") == 50 and len(v1.files("articles")) == 3
    assert sorted(v1.read("articles").to_pylist(), key=lambda r: r["doc_id"]) == rows
    assert v1.content_sha256 == content_hash({r["doc_id"]: "1" for r in rows})
    assert v1.manifest["pipeline_version"] == "ingest-2"
    assert v1.manifest["diff"]["added"] == [r["doc_id"] for r in rows]
    (commit_file,) = (store.root / "articles" / "_delta_log").glob("*.json")
    record = json.loads(commit_file.read_text().splitlines()[0])["commitInfo"]["warta"]
    assert {Path(p).name for p in record["files"]} == {p.name for p in v1.files("articles")}
    assert all(len(f["sha256"]) == 64 for f in record["files"].values())
    column = pq.ParquetFile(v1.files("articles")[0]).metadata.row_group(0).column(3)
    assert column.path_in_schema == "token_starts.list.element"
    assert "DELTA_BINARY_PACKED" in column.encodings and column.compression == "ZSTD"
    assert store.verify() == []


def test_time_travel_by_version_name_and_by_delta_version(store):
    v1 = commit(store, [row(f"d{i:03d}") for i in range(30)])
    before = {p: p.read_bytes() for p in v1.files("articles")}
    v2 = commit(store, [row("d001", "2"), row("new")], removed=["d029"])
    assert store.get("1").name == "v0001" and store.get("latest").name == "v0002"
    old = store.get("v0001")
    assert (
        old.rows("articles") == 30 and {p: p.read_bytes() for p in old.files("articles")} == before
    )
    assert v2.rows("articles") == 30 and v2.parent == "v0001"
    for version in (old, v2):  # deltalake sees the same files at each version
        assert sorted(version.delta_table("articles").file_uris()) == sorted(
            str(p) for p in version.files("articles")
        )
    with pytest.raises(StoreError, match=r"no corpus version 'v0007' \(versions: v0001, v0002\)"):
        store.get("v0007")


def test_a_small_change_writes_only_the_files_it_touches(store):
    v1 = commit(store, [row(f"d{i:03d}") for i in range(200)])  # 10 files of 20 rows
    table_bytes = sum(p.stat().st_size for p in v1.files("articles"))
    v2 = commit(store, [row("d041", "2"), row("d042", "2"), row("n1"), row("n2")])
    new_files = set(v2.files("articles")) - set(v1.files("articles"))
    kept = set(v1.files("articles")) & set(v2.files("articles"))
    assert len(kept) == 9, "only the file holding d041 and d042 is replaced"
    written = sum(p.stat().st_size for p in new_files)
    assert written < 0.2 * table_bytes
    assert v2.rows("articles") == 202 and store.verify() == []


def test_diff_lists_added_removed_and_changed_ids(store):
    commit(store, [row("a"), row("b"), row("c")])
    v2 = commit(store, [row("b", "2"), row("d")], removed=["c"])
    expected = {"added": ["d"], "removed": ["c"], "changed": ["b"]}
    assert v2.diff.as_dict() == expected and store.diff("v0001", "v0002").as_dict() == expected
    assert store.diff("v0002", "v0001").as_dict() == {
        "added": ["c"],
        "removed": ["d"],
        "changed": ["b"],
    }


def test_key_hashes_that_disagree_with_the_rows_commit_nothing(store):
    commit(store, [row("a")])
    with pytest.raises(StoreError, match="key_hashes disagree"), store.stage() as staging:
        staging.writer("articles", SCHEMA).write(row("b"))
        staging.commit(parent=store.latest(), key_hashes={"b": "1"}, diff=VersionDiff(added=["b"]))
    assert [v.name for v in store.versions()] == ["v0001"]
    assert store.verify() == [] and len(list((store.root / "articles").glob("*.parquet"))) == 1


def test_flipped_byte_in_a_data_file_is_named_by_verify_and_by_readers(store):
    version = commit(store, [row(f"d{i:03d}") for i in range(30)])
    damaged = version.files("articles")[1]
    flip_byte(damaged)
    assert store.verify() == [
        f"{damaged}: checksum mismatch (the file changed after it was written)"
    ]
    with pytest.raises(StoreError, match=rf"{damaged}: checksum mismatch"):
        store.get("v0001").read("articles")


@pytest.mark.parametrize("where", ["middle", "record"])
def test_flipped_byte_in_the_delta_log_is_named_by_verify_without_a_traceback(store, where):
    commit(store, [row("a"), row("b")])
    commit(store, [row("c")])
    log = store.root / "articles" / "_delta_log" / f"{1:020d}.json"
    text = log.read_bytes()
    flip_byte(log, text.index(b'"content_sha256":"') + 20 if where == "record" else None)
    problems = store.verify()
    assert len(problems) == 1 and problems[0].startswith(f"{log}: checksum mismatch")
    with pytest.raises(StoreError, match=rf"{log}: checksum mismatch"):
        store.versions()
    with pytest.raises(StoreError, match="checksum mismatch"), store.stage():
        pass  # nobody writes on a damaged log


def test_a_damaged_checksum_file_is_told_apart_from_a_damaged_log(store):
    commit(store, [row("a")])
    commit(store, [row("b")])
    sidecar = store.root / "articles" / "_warta" / "log" / f"{0:020d}.json.sha256"
    sidecar.write_text("0" * 64 + sidecar.read_text()[64:])
    assert store.verify() == [
        f"{sidecar}: checksum file damaged (its commit matches the checksum the next commit records)"
    ]


def test_racing_writers_one_commits_the_other_gets_a_clear_error(store):
    commit(store, [row("a")])
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def write(doc_id: str) -> None:
        try:
            with store.stage() as staging:
                parent = store.latest()
                staging.writer("articles", SCHEMA).write(row(doc_id))
                barrier.wait(timeout=30)  # both staged on v0001 before either commits
                hashes = {"a": "1", doc_id: "1"}
                outcomes[doc_id] = staging.commit(
                    parent=parent, key_hashes=hashes, diff=VersionDiff(added=[doc_id])
                ).name
        except StoreError as err:
            outcomes[doc_id] = err

    threads = [threading.Thread(target=write, args=(d,)) for d in ("x", "y")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    won = [d for d, o in outcomes.items() if o == "v0002"]
    lost = [o for o in outcomes.values() if isinstance(o, StoreError)]
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert "another writer committed to articles after this write began" in str(lost[0])
    assert [v.name for v in store.versions()] == ["v0001", "v0002"]
    assert store.get("v0002").rows("articles") == 2 and store.verify() == []


RACER = """
import sys, time
from pathlib import Path
import warta.store.write as dw
from warta.store.table import VersionedStore, VersionDiff
from warta.errors import StoreError
from tests.store.test_table import SCHEMA, row
root, me, other = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
real = dw.Staging._commit_table
def at_the_line(self, *args, **kwargs):  # both past the early check, then Delta decides
    (root / f"ready-{me}").touch()
    while not (root / f"ready-{other}").exists():
        time.sleep(0.01)
    return real(self, *args, **kwargs)
dw.Staging._commit_table = at_the_line
store = VersionedStore(root, "corpus", "articles")
try:
    with store.stage() as staging:
        parent = store.latest()
        staging.writer("articles", SCHEMA).write(row(me))
        staging.commit(parent=parent, key_hashes={"a": "1", me: "1"}, diff=VersionDiff(added=[me]))
    print("committed")
except StoreError as err:
    print("refused:", err)
"""


def test_two_processes_committing_at_once_are_told_apart_by_delta(store):
    commit(store, [row("a")])
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, str(store.root), me, other],
            cwd=REPO,
            stdout=subprocess.PIPE,
            text=True,
        )
        for me, other in (("x", "y"), ("y", "x"))
    ]
    outputs = sorted(r.communicate(timeout=120)[0].strip() for r in racers)
    assert outputs[0] == "committed", outputs
    assert (
        outputs[1].startswith("refused:") and "another writer committed to articles" in outputs[1]
    )
    assert [v.name for v in store.versions()] == ["v0001", "v0002"]
    assert store.get("v0002").rows("articles") == 2 and store.verify() == []


KILLED_WRITER = """
import sys, time
from pathlib import Path
import pyarrow as pa
from warta.store.table import VersionedStore
schema = pa.schema([pa.field("doc_id", pa.string(), nullable=False), ("record_sha256", pa.string())])
store = VersionedStore(Path(sys.argv[1]), "corpus", "articles", file_rows=20)
with store.stage() as staging:
    writer = staging.writer("articles", schema)
    for i in range(45):  # one file closed, a second one open (no footer), five rows buffered
        writer.write_batch(pa.table({"doc_id": [f"k{i}"], "record_sha256": ["1"]}, schema=schema))
    print("written", flush=True)
    time.sleep(120)
"""


@pytest.mark.parametrize("versions_before", [0, 1])
def test_writer_killed_before_its_commit_leaves_leftovers_that_vacuum_removes(
    store, versions_before
):
    if versions_before:
        commit(store, [row("a")])
    store.root.mkdir(parents=True, exist_ok=True)
    writer = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(store.root)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout.readline().strip() == "written"
        assert len(store.orphans()) == 0, "a live writer's files are not leftovers"
        assert all("leftover" not in p for p in store.verify())
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    assert [v.name for v in store.versions()] == ["v0001"][:versions_before]
    problems = store.verify()
    assert len(problems) == 2 and all("leftover of an interrupted write" in p for p in problems)
    assert len(store.vacuum()) == 2
    assert store.verify() == [] and not list((store.root / "_warta" / "writers").iterdir())
    assert commit(store, [row("b")]).name == f"v{versions_before + 1:04d}"


def test_an_empty_version_still_has_one_loadable_file(store, hf_cache):
    from datasets import load_dataset

    commit(store, [row("a"), row("b")])
    empty = commit(store, [], removed=["a", "b"])
    assert empty.rows("articles") == 0 and len(empty.files("articles")) == 1
    assert (
        empty.read("articles").num_rows == 0 and empty.read("articles").schema.names == SCHEMA.names
    )
    write_card(store.root.parent, {"articles-v0002": empty})
    # Streaming: datasets 5.2 refuses to build a 0-row split ("corresponds to no data").
    loaded = load_dataset(
        str(store.root.parent), "articles-v0002", cache_dir=str(hf_cache), streaming=True
    )
    assert list(loaded["corpus"]) == [] and list(loaded["corpus"].features) == SCHEMA.names
    v3 = commit(store, [row("c")])
    assert v3.rows("articles") == 1 and empty.files("articles")[0] not in v3.files("articles")
    assert store.verify() == []


def write_card(root: Path, configs: dict) -> None:
    entries = [
        {"config_name": name, "data_files": v.data_files("articles", root, split="corpus")}
        for name, v in configs.items()
    ]
    text = yaml.safe_dump({"configs": entries}, sort_keys=False)
    (root / "README.md").write_text(f"---\n{text}---\n# test\n")


def test_load_dataset_reads_each_version_from_its_listed_files(store, hf_cache):
    from datasets import load_dataset

    v1 = commit(store, [row(f"d{i:03d}") for i in range(45)])
    v2 = commit(store, [row("d003", "2"), row("extra")], removed=["d044"])
    write_card(store.root.parent, {"articles-v0001": v1, "articles-v0002": v2})
    card = yaml.safe_load((store.root.parent / "README.md").read_text().split("---")[1])
    assert all(
        not Path(p).is_absolute() for c in card["configs"] for p in c["data_files"][0]["path"]
    )
    for name, version in (("articles-v0001", v1), ("articles-v0002", v2)):
        loaded = load_dataset(str(store.root.parent), name, cache_dir=str(hf_cache))["corpus"]
        hashes = dict(zip(loaded["doc_id"], loaded["record_sha256"], strict=True))
        assert hashes == version.key_hashes("articles", "doc_id", "record_sha256")
        assert loaded.num_rows == version.rows("articles")


GOLD_TABLES = ("documents", "entities", "events")


def gold_version(store: VersionedStore, docs: dict[str, str], splits: dict[str, str]):
    """A gold-like version: every document written again, its sentences in two more tables."""
    with store.stage() as staging:
        parent = store.latest()
        for doc_id, row_hash in sorted(docs.items()):
            staging.writer("documents", SCHEMA, splits[doc_id]).write(row(doc_id, row_hash))
            for table in GOLD_TABLES[1:]:
                for s in range(3):
                    entity = {"id": f"{doc_id}-s{s}", "doc_id": doc_id, "tags": row_hash}
                    staging.writer(table, ENTITY_SCHEMA, splits[doc_id]).write(entity)
        old = parent.key_hashes("documents", "doc_id", "record_sha256") if parent else {}
        return staging.commit(parent=parent, key_hashes=docs, diff=VersionDiff.between(old, docs))


CRASH_BEFORE_PRIMARY = """
import os, sys
from pathlib import Path
import warta.store.table as ds
from tests.store.test_table import gold_version
real = ds.Staging._commit_table
def dying(self, table, *args, **kwargs):
    if table == self.store.primary_table:
        os._exit(9)
    return real(self, table, *args, **kwargs)
ds.Staging._commit_table = dying
store = ds.VersionedStore(Path(sys.argv[1]), "gold", "documents", file_rows=20)
gold_version(store, {"a": "2", "b": "1", "c": "1"}, {"a": "train", "b": "test", "c": "test"})
"""


def test_gold_tables_stay_consistent_when_the_writer_dies_between_commits(tmp_path):
    store = VersionedStore(tmp_path / "gold", "gold", "documents", file_rows=20)
    splits = {"a": "train", "b": "test"}
    v1 = gold_version(store, {"a": "1", "b": "1"}, splits)
    assert v1.tables == list(GOLD_TABLES) and v1.prefixes("entities") == ["test", "train"]
    assert [p["split"] for p in v1.data_files("events", tmp_path)] == ["test", "train"]
    done = subprocess.run(
        [sys.executable, "-c", CRASH_BEFORE_PRIMARY, str(store.root)], cwd=REPO, timeout=120
    )
    assert done.returncode == 9
    assert [v.name for v in store.versions()] == ["v0001"]
    assert store.get("v0001").read("entities").num_rows == 6, "readers never see the half write"
    problems = store.verify()  # two documents files never committed, two commits in no version
    assert len(problems) == 4 and all("leftover" in p for p in problems)
    assert sum("leftover commit of an interrupted write" in p for p in problems) == 2
    v2 = gold_version(store, {"a": "3", "b": "1"}, splits)
    assert v2.diff.as_dict() == {"added": [], "removed": [], "changed": ["a"]}
    tags = {r["id"]: r["tags"] for r in v2.read("entities").to_pylist()}
    assert tags == {f"{d}-s{s}": h for d, h in (("a", "3"), ("b", "1")) for s in range(3)}
    assert store.get("v0001").read("events").num_rows == 6 and store.verify() == []


def test_a_commit_whose_checksum_sidecar_was_not_written_is_a_leftover(store):
    commit(store, [row("a")])
    sidecar = store.root / "articles" / "_warta" / "log" / f"{0:020d}.json.sha256"
    sidecar.unlink()
    (problem,) = store.verify()
    assert "leftover: checksum not recorded" in problem
    store.vacuum()
    assert sidecar.exists() and store.verify() == []


def test_a_schema_change_rewrites_every_row(store):
    commit(store, [row("a"), row("b")])
    wider = SCHEMA.append(pa.field("title", pa.string()))
    with pytest.raises(StoreError, match="the schema changed"), store.stage() as staging:
        staging.writer("articles", wider).write({**row("a", "2"), "title": "t"})
        hashes = {"a": "2", "b": "1"}
        staging.commit(parent=store.latest(), key_hashes=hashes, diff=VersionDiff(changed=["a"]))
    with store.stage() as staging:
        writer = staging.writer("articles", wider)
        for doc_id in "ab":
            writer.write({**row(doc_id, "2"), "title": "t"})
        hashes = {"a": "2", "b": "2"}
        v2 = staging.commit(
            parent=store.latest(), key_hashes=hashes, diff=VersionDiff(changed=["a", "b"])
        )
    assert v2.read("articles").schema.names[-1] == "title" and store.verify() == []
    assert store.get("v0001").read("articles").schema.names == SCHEMA.names


def test_live_writer_files_are_neither_reported_nor_removed(store):
    commit(store, [row("a")])
    with store.stage() as staging:
        writer = staging.writer("articles", SCHEMA)
        writer.write_batch(pa.Table.from_pylist([row(f"n{i}") for i in range(25)], schema=SCHEMA))
        assert writer.paths and store.vacuum() == [] and store.verify() == []
    assert not any(p.exists() for p in writer.paths), "an uncommitted staging cleans up"


def test_version_history_survives_a_fresh_process(store):
    commit(store, [row("a")])
    commit(store, [row("b")])
    script = textwrap.dedent(f"""
        from pathlib import Path
        from warta.store.table import VersionedStore
        store = VersionedStore(Path({str(store.root)!r}), "corpus", "articles")
        print([(v.name, v.rows("articles")) for v in store.versions()], store.verify())
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[('v0001', 1), ('v0002', 2)] []"


def test_row_groups_hold_at_most_ten_thousand_rows(tmp_path):
    store = VersionedStore(tmp_path / "big", "corpus", "articles", file_rows=3 * ROW_GROUP_ROWS)
    version = commit(store, [row(f"d{i:05d}", str(i)) for i in range(2 * ROW_GROUP_ROWS + 5)])
    (path,) = version.files("articles")
    meta = pq.ParquetFile(path).metadata
    sizes = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
    assert max(sizes) <= ROW_GROUP_ROWS and sum(sizes) == 2 * ROW_GROUP_ROWS + 5


def test_unknown_version_is_a_clear_error(store):
    commit(store, [row("a")])
    with pytest.raises(StoreError, match=r"no corpus version 'v0007' \(versions: v0001\)"):
        store.get("v0007")


def test_datasets_catches_a_flipped_byte_when_asked_to_check_page_checksums(tmp_path):
    import pyarrow.dataset as pds
    from datasets import load_dataset

    store = VersionedStore(tmp_path / "v", "corpus", "articles")
    version = commit(store, [row(f"d{i:03d}", str(i)) for i in range(500)])
    (path,) = version.files("articles")
    column = pq.ParquetFile(path).metadata.row_group(0).column(2)  # the text column
    flip_byte(path, at=column.data_page_offset + column.total_compressed_size // 2)
    options = pds.ParquetFragmentScanOptions(page_checksum_verification=True)
    with pytest.raises(Exception) as err:
        load_dataset(
            "parquet",
            data_files=str(path),
            cache_dir=str(tmp_path / "c"),
            fragment_scan_options=options,
        )
    assert "CRC checksum verification failed" in str(err.value.__cause__ or err.value)
