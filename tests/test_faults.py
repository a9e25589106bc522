"""Nothing is lost under faults: a writer killed at any point of writing a version leaves the
earlier versions intact, a second writer is refused, and the next write cleans up. A takedown
killed at any point is reported, and `warta corpus vacuum` finishes it."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from warta.corpus.pipeline import ingest
from warta.repository import Repository
from warta.store import VersionedStore

# Each point kills the writing process (os._exit: no cleanup, like SIGKILL) at one moment.
KILL_POINTS = {
    "first data file half written": "pyarrow.parquet.ParquetWriter.close",
    "before the Delta commit": "warta.store.write.Staging._commit_table",
    "after the commit, before its checksum": "warta.store.write.record_log_checksum",
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
    from warta.corpus.executors import LocalExecutor, RayExecutor

    executor = RayExecutor(num_cpus=2) if job.get("executor") == "ray" else LocalExecutor(1)
    pipeline.ingest(
        [Path(p) for p in job["paths"]],
        VersionedStore.for_corpus(Path(job["store"])),
        executor=executor,
        keep_near_duplicates=True,  # the batch is variants of the seed: near-duplicates on purpose
    )
elif job["kind"] == "takedown":
    from warta.dataset.takedown import take_down
    from warta.repository import Repository
    take_down(Repository(Path(job["root"])), job["doc_ids"], job["reason"])
else:
    from warta.annotations.roundtrip import gold_from_export
    from warta.repository import Repository
    gold_from_export(Repository(Path(job["root"])), Path(job["export"]))
"""


def run_dying(target: str, job: dict) -> int:
    """Run the job in its own session; afterwards nothing of it is left running (a local Ray's
    processes outlive a killed driver otherwise)."""
    child = subprocess.Popen(
        [sys.executable, "-c", DRIVER, target, json.dumps(job)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        return child.wait(timeout=300)
    finally:
        end_session(child.pid)


def end_session(sid: int) -> None:
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):
                if os.getsid(int(proc.name)) == sid:
                    os.kill(int(proc.name), signal.SIGKILL)


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
    before = snapshot_files(store.get("v0001").files("articles")[0].parent)
    batch = tmp_path / "batch.jsonl"
    batch.write_text(
        "\n".join(json.dumps({"text": seed_text.replace("Senin", f"Senin {i}")}) for i in range(30))
        + "\n"
    )
    code = run_dying(
        KILL_POINTS[point], {"kind": "ingest", "paths": [str(batch)], "store": str(store.root)}
    )
    assert code == 9, "the writer was killed at that point"
    after = snapshot_files(store.get("v0001").files("articles")[0].parent)
    assert {p: after[p] for p in before} == before, "no file of v0001 changed"
    versions = [v.name for v in store.versions()]
    problems = store.verify()
    assert versions == (["v0001", "v0002"] if point.startswith("after") else ["v0001"])
    assert problems and all("leftover" in p for p in problems), problems
    store.vacuum()  # `warta corpus vacuum`; the next write runs it too
    assert store.verify() == []
    report = ingest([batch], store, keep_near_duplicates=True)  # seed variants
    assert store.verify() == []
    assert report.version is not None or point.startswith("after")


@pytest.mark.slow
@pytest.mark.parametrize("point", ["first data file half written", "before the Delta commit"])
def test_ray_ingest_killed_mid_write_loses_nothing(point, store_with_v1, tmp_path, seed_text):
    """The same faults with the steps on a local Ray: the driver dies, the version stays."""
    store = store_with_v1
    batch = tmp_path / "batch.jsonl"
    lines = [json.dumps({"text": seed_text.replace("Senin", f"Senin {i}")}) for i in range(200)]
    batch.write_text("\n".join(lines) + "\n")
    job = {"kind": "ingest", "paths": [str(batch)], "store": str(store.root), "executor": "ray"}
    assert run_dying(KILL_POINTS[point], job) == 9
    assert [v.name for v in store.versions()] == ["v0001"]
    problems = store.verify()
    assert problems and all("leftover" in p for p in problems), problems
    store.vacuum()
    assert store.verify() == []


def test_gold_snapshot_killed_between_its_table_commits_loses_nothing(scratch_repo):
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
    # entities and events are committed first, documents (which makes the version) last
    code = run_dying(
        "warta.store.write.Staging._commit_table#3",
        {"kind": "gold", "root": str(root), "export": str(export)},
    )
    assert code == 9
    store = Repository(root).gold_store()
    problems = store.verify()
    assert store.versions() == [] and problems and all("leftover" in p for p in problems)
    from warta.annotations.roundtrip import gold_from_export

    assert gold_from_export(Repository(root), export).snapshot.name == "v0001"
    assert store.verify() == []


WAITING_WRITER = """
import sys
from pathlib import Path
import warta.store.write as write
from warta.corpus.pipeline import ingest
from warta.store import VersionedStore

real = write.Staging.commit
def commit_when_told(self, **kwargs):
    print("ready", flush=True)
    sys.stdin.readline()
    return real(self, **kwargs)
write.Staging.commit = commit_when_told
ingest([Path(sys.argv[2])], VersionedStore.for_corpus(Path(sys.argv[1])))
"""


def test_two_ingests_at_once_one_commits_the_other_is_refused(store_with_v1, tmp_path):
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text("Banjir melanda Jakarta pada hari Senin, kata BNPB.", encoding="utf-8")
    second.write_text("Gempa mengguncang Lombok pada hari Minggu, kata BMKG.", encoding="utf-8")
    other = subprocess.Popen(
        [sys.executable, "-c", WAITING_WRITER, str(store_with_v1.root), str(first)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert other.stdout.readline().strip() == "ready"  # staged, about to commit
        assert ingest([second], store_with_v1).version.name == "v0002"
        _, stderr = other.communicate("go\n", timeout=120)
    finally:
        other.kill()
    assert other.returncode != 0
    assert "another writer committed" in stderr and "Run it again" in stderr
    assert [v.name for v in store_with_v1.versions()] == ["v0001", "v0002"]
    assert store_with_v1.verify() == []


# Each point kills a takedown (the corpus purge swaps one file, the gold purge three), and what
# verify then says beside the unfinished takedown.
TAKEDOWN_KILL_POINTS = {
    "new versions written, before the corpus purge's record": (
        "warta.store.purge._record", "leftover of an interrupted purge (a rewritten copy"),
    "gold purge: one file of three swapped": (
        "warta.store.purge._swap#3", "leftover of an interrupted purge (1 file(s) to rewrite"),
    "release purge: release.json written, no file swapped": (
        "warta.dataset.release_purge._swap", "leftover of interrupted purge"),
    "everything purged, the tombstone still pending": ("warta.dataset.takedown._mark_done", ""),
}  # fmt: skip


@pytest.mark.parametrize("point", list(TAKEDOWN_KILL_POINTS))
def test_a_takedown_killed_midway_is_reported_and_vacuum_finishes_it(point, tmp_path):
    from tests.cli.test_corpus import warta
    from tests.dataset.conftest import build_takedown_repo, holding

    target, leftover = TAKEDOWN_KILL_POINTS[point]
    t = build_takedown_repo(tmp_path / "repo")
    job = {"kind": "takedown", "root": str(t.root), "doc_ids": [t.flood_id], "reason": "request"}
    assert run_dying(target, job) == 9
    for version in t.repo.corpus_store().versions():  # readable, whatever the kill left
        version.read("articles")
    verify = warta(t.root, "corpus", "verify")
    assert verify.returncode == 1, verify.stderr
    assert f"takedown of {t.flood_id} (takedown requested" in verify.stderr
    assert "is unfinished; `warta corpus vacuum` finishes it" in verify.stderr
    assert leftover in verify.stderr
    vacuum = warta(t.root, "corpus", "vacuum")
    assert vacuum.returncode == 0 and f"finished the takedown of {t.flood_id}" in vacuum.stdout
    verify = warta(t.root, "corpus", "verify")
    assert verify.returncode == 0, verify.stderr
    assert holding(t.root) == []
