"""Nothing is lost under faults: a writer killed at any point of writing a version leaves the
earlier versions intact, a second writer is refused, and the next write cleans up. A takedown
killed at any point is reported, and `warta corpus vacuum` finishes it. Damage to any file of a
store is one line naming the file; leftovers of killed writes and releases are reported as
leftovers (exit 0) and a stale dataset card as such, and `warta corpus vacuum` clears both."""

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
elif job["kind"] == "release":
    from warta.dataset.release import make_release
    from warta.repository import Repository
    make_release(Repository(Path(job["root"])), job["version"])
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


# --- damage and leftovers as `warta corpus verify` and `warta corpus versions` tell them --------

COMMIT = "corpus/versions/articles/_delta_log/00000000000000000001.json"
SIDECAR = "corpus/versions/articles/_warta/log/00000000000000000001.json.sha256"


def flip_key(root: Path, key: str) -> None:
    """One bit flipped in the first ``"<key>"`` of v0002's commit (``tables`` -> ``tablds``)."""
    path = root / COMMIT
    data = bytearray(path.read_bytes())
    at = data.index(f'"{key}"'.encode()) + len(key) - 1
    data[at] ^= 0x01
    path.write_bytes(bytes(data))


def reseal_without(root: Path, key: str) -> None:
    """v0002's Warta record without ``key`` but sealed again and its checksum file rewritten, as
    a buggy or hostile writer would leave it: every checksum holds, the record is still wrong."""
    import hashlib

    from warta.store.files import sealed

    path = root / COMMIT
    actions = [json.loads(line) for line in path.read_text().splitlines()]
    for action in actions:
        if "commitInfo" in action:
            record = action["commitInfo"]["warta"]
            del record["record_sha256"], record[key]
            action["commitInfo"]["warta"] = sealed(record)
    data = "".join(json.dumps(a) + "\n" for a in actions).encode()
    path.write_bytes(data)
    (root / SIDECAR).write_text(f"{hashlib.sha256(data).hexdigest()}  {path.name}\n")


DAMAGE = {
    "a bit of the key 'tables' flipped": (lambda root: flip_key(root, "tables"),
        "checksum mismatch (the Delta log changed after it was written)"),
    "a bit of the key 'diff' flipped": (lambda root: flip_key(root, "diff"),
        "checksum mismatch (the Delta log changed after it was written)"),
    "record resealed without 'diff'": (lambda root: reseal_without(root, "diff"),
        "malformed: Warta version record 'diff' is missing"),
    "record resealed without 'version'": (lambda root: reseal_without(root, "version"),
        "malformed: Warta record 'version' is missing"),
    "commit cut in half": (lambda root: (root / COMMIT).write_bytes(
        (root / COMMIT).read_bytes()[:700]),
        "checksum mismatch (the Delta log changed after it was written)"),
}  # fmt: skip


@pytest.fixture(scope="module")
def two_versions(tmp_path_factory) -> Path:
    """A repository with corpus v0001 and v0002 written by `warta corpus ingest`."""
    from tests.cli.test_corpus import warta
    from tests.conftest import SEED

    root = tmp_path_factory.mktemp("two-versions") / "repo"
    (root / "corpus" / "raw").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'scratch'\n")
    shutil.copy(SEED, root / "corpus" / "raw" / SEED.name)
    extra = root.parent / "b.txt"
    extra.write_text("Banjir melanda Jakarta pada hari Senin, kata BNPB.")
    for path in (root / "corpus" / "raw", extra):
        assert warta(root, "corpus", "ingest", str(path)).returncode == 0
    return root


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_log_is_one_line_naming_the_file_in_verify_and_versions(
    damage, two_versions, tmp_path
):
    from tests.cli.test_corpus import warta

    root = Path(shutil.copytree(two_versions, tmp_path / "repo"))
    make, problem = DAMAGE[damage]
    make(root)
    expected = f"{root / COMMIT}: {problem}"
    done = warta(root, "corpus", "verify")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.splitlines()[0].startswith(f"damaged {expected}")
    done = warta(root, "corpus", "versions")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"error: {expected}") and line.endswith("run `warta corpus verify`")


def test_leftovers_of_a_killed_ingest_exit_0_with_a_note_and_vacuum_removes_them(
    two_versions, tmp_path, seed_text
):
    from tests.cli.test_corpus import warta

    root = Path(shutil.copytree(two_versions, tmp_path / "repo"))
    batch = tmp_path / "batch.jsonl"
    batch.write_text(json.dumps({"text": seed_text.replace("Senin", "Selasa")}) + "\n")
    job = {"kind": "ingest", "paths": [str(batch)], "store": str(root / "corpus" / "versions")}
    assert run_dying(KILL_POINTS["before the Delta commit"], job) == 9
    done = warta(root, "corpus", "verify")
    assert done.returncode == 0, done.stderr
    *leftovers, note = done.stderr.splitlines()
    assert leftovers and all(
        line.startswith(f"leftover {root}") and "leftover of an interrupted write" in line
        for line in leftovers
    )
    assert note == (
        f"note: {len(leftovers)} leftover(s) of interrupted commands, harmless to every version: "
        "`warta corpus vacuum` removes them"
    )
    assert "ok: v0001, v0002" in done.stdout
    vacuum = warta(root, "corpus", "vacuum")
    assert vacuum.returncode == 0 and vacuum.stdout.count("removed corpus/versions/") == len(
        leftovers
    )
    done = warta(root, "corpus", "verify")
    assert done.returncode == 0 and done.stderr == ""


def test_a_killed_release_is_a_leftover_under_dist_and_vacuum_removes_it(tmp_path):
    from tests.cli.test_corpus import warta
    from tests.dataset.conftest import build_takedown_repo

    t = build_takedown_repo(tmp_path / "repo")
    job = {"kind": "release", "root": str(t.root), "version": "0.2.0"}
    assert run_dying("warta.dataset.release.fsync_dir", job) == 9  # written, not renamed
    (staging,) = (t.root / "dist").glob(".staging-0.2.0-*")
    done = warta(t.root, "corpus", "verify")
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        f"leftover {staging}: leftover of an interrupted release (not a release; removed by "
        "vacuum)",
        "note: 1 leftover(s) of interrupted commands, harmless to every version: `warta corpus "
        "vacuum` removes them",
    ]
    vacuum = warta(t.root, "corpus", "vacuum")
    assert f"removed dist/{staging.name}" in vacuum.stdout
    assert sorted(p.name for p in (t.root / "dist").iterdir() if p.is_dir()) == ["warta-0.1.0"]
    assert warta(t.root, "corpus", "verify").stderr == ""


def test_a_damaged_release_manifest_is_one_line_naming_it(tmp_path):
    from tests.cli.test_corpus import warta
    from tests.dataset.conftest import build_takedown_repo

    t = build_takedown_repo(tmp_path / "repo")
    manifest = t.root / "dist" / "warta-0.1.0" / "release.json"
    manifest.write_bytes(manifest.read_bytes()[:100])
    done = warta(t.root, "corpus", "verify")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith(
        f"damaged {manifest}: damaged, not readable as a release manifest (JSONDecodeError("
    )


def test_a_card_left_stale_by_a_killed_ingest_fails_verify_and_vacuum_rewrites_it(
    two_versions, tmp_path, hf_cache
):
    from datasets import load_dataset

    from tests.cli.test_corpus import warta
    from warta.corpus.pipeline import ingest

    root = Path(shutil.copytree(two_versions, tmp_path / "repo"))
    quake = tmp_path / "c.txt"
    quake.write_text("Gempa mengguncang Lombok pada hari Minggu, kata BMKG.")
    repo = Repository(root)
    ingest([quake], repo.corpus_store(), repository=repo)  # v0003; the card is not refreshed

    def articles() -> int:
        return len(load_dataset(str(root), "articles", cache_dir=str(hf_cache))["corpus"])

    assert articles() == 2  # the card still lists v0002's files
    done = warta(root, "corpus", "verify")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"stale card {root / 'README.md'}: dataset card is stale (lists no articles-v0003; other "
        "files for articles); `warta corpus vacuum` rewrites it"
    ]
    vacuum = warta(root, "corpus", "vacuum")
    assert "rewrote the dataset card in README.md" in vacuum.stdout
    assert warta(root, "corpus", "verify").returncode == 0
    assert articles() == 3
