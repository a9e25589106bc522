"""Nothing is lost under faults: a writer killed at any point of writing a version leaves the
earlier versions intact, a second writer is refused, and the next write cleans up."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.conftest import REPO
from warta.corpus.pipeline import ingest
from warta.errors import StoreError
from warta.repository import Repository
from warta.store import VersionedStore

# Each point kills the writing process (os._exit: no cleanup, like SIGKILL) at one moment.
KILL_POINTS = {
    "first row group written": "warta.store.ShardWriter._write_table",
    "manifest half written": "warta.store.write_atomic",
    "before the rename": "os.rename",
    "after the rename": "warta.store._fsync_dir#2",
}
DRIVER = """
import os, sys, json
from pathlib import Path
import warta.store, warta.corpus.pipeline as pipeline
from warta.store import VersionedStore

target, job = sys.argv[1], json.loads(sys.argv[2])
import importlib

name, _, nth = target.partition("#")
parts = name.split(".")
for cut in range(len(parts) - 1, 0, -1):  # the longest importable prefix, then attributes
    try:
        module = importlib.import_module(".".join(parts[:cut]))
        break
    except ImportError:
        continue
for part in parts[cut:-1]:
    module = getattr(module, part)
attr = parts[-1]
real = getattr(module, attr)
calls = []

def dying(*args, **kwargs):
    calls.append(1)
    if len(calls) >= int(nth or 1):
        if attr == "write_atomic":  # leave a half-written temporary file behind, then die
            path = Path(args[0])
            (path.parent / f".{path.name}.dead.tmp").write_bytes(args[1][: len(args[1]) // 2])
        os._exit(9)
    return real(*args, **kwargs)

setattr(module, attr, dying)
if job["kind"] == "ingest":
    pipeline.ingest(
        [Path(p) for p in job["paths"]],
        VersionedStore.for_corpus(Path(job["store"])),
        keep_near_duplicates=True,  # the batch is variants of the seed: near-duplicates on purpose
    )
else:
    from warta.annotations.roundtrip import gold_from_export
    from warta.repository import Repository
    gold_from_export(Repository(Path(job["root"])), Path(job["export"]))
"""


def run_dying(target: str, job: dict) -> int:
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, target, json.dumps(job)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return done.returncode


def snapshot_files(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def store_with_v1(scratch_repo):
    store = VersionedStore.for_corpus(scratch_repo / "corpus" / "versions")
    ingest([scratch_repo / "corpus" / "raw"], store)
    return store


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_ingest_killed_mid_write_loses_nothing(point, store_with_v1, tmp_path, seed_text):
    store = store_with_v1
    before = snapshot_files(store.root / "v0001")
    batch = tmp_path / "batch.jsonl"
    batch.write_text(
        "\n".join(json.dumps({"text": seed_text.replace("Senin", f"Senin {i}")}) for i in range(30))
        + "\n"
    )
    code = run_dying(
        KILL_POINTS[point], {"kind": "ingest", "paths": [str(batch)], "store": str(store.root)}
    )
    assert code == 9, "the writer was killed at that point"
    assert snapshot_files(store.root / "v0001") == before
    versions = [v.name for v in store.versions()]
    problems = store.verify()
    if point == "after the rename":
        assert versions == ["v0001", "v0002"] and problems == []
    else:
        assert versions == ["v0001"]
        assert problems and all("leftover staging folder" in p for p in problems)
    report = ingest([batch], store, keep_near_duplicates=True)  # cleans up and proceeds
    assert store.verify() == [] and store.leftover_staging() == []
    assert report.version is not None or point == "after the rename"


def test_gold_snapshot_killed_before_the_rename_loses_nothing(scratch_repo):
    root = scratch_repo
    shutil.rmtree(root / "corpus")
    shutil.copytree(REPO / "corpus", root / "corpus")
    shutil.copytree(
        REPO / "annotations",
        root / "annotations",
        dirs_exist_ok=True,
        ignore=shutil.ignore_patterns(".labelstudio", "gold"),
    )
    (export,) = [p for p in (root / "annotations" / "exports").glob("*.json") if "213011" in p.name]
    code = run_dying("os.rename", {"kind": "gold", "root": str(root), "export": str(export)})
    assert code == 9
    store = Repository(root).gold_store()
    assert store.versions() == [] and all("leftover staging" in p for p in store.verify())
    from warta.annotations.roundtrip import gold_from_export

    assert gold_from_export(Repository(root), export).snapshot.name == "v0001"
    assert store.verify() == []


def test_a_second_ingest_in_another_process_is_refused(store_with_v1, scratch_repo):
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import time
            from pathlib import Path
            from warta.store import VersionedStore
            with VersionedStore.for_corpus(Path({str(store_with_v1.root)!r})).lock():
                print("locked", flush=True)
                time.sleep(60)
        """)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        with pytest.raises(StoreError, match="another writer holds the lock"):
            ingest([scratch_repo / "corpus" / "raw"], store_with_v1)
        assert time.monotonic() - started < 5, "refused at once, not queued"
    finally:
        holder.kill()
        holder.wait()
    assert [v.name for v in store_with_v1.versions()] == ["v0001"]
