"""Executors: one worker, a pool of two or a local Ray yield the same processed chunks in input
order, and read their input lazily (a bounded number of chunks in flight)."""

from __future__ import annotations

import hashlib
import itertools
import json

import pytest

from tests.conftest import SEED
from warta.corpus.executors import EXECUTORS, LocalExecutor
from warta.corpus.readers import RawArticle
from warta.corpus.steps import ArticlePipeline
from warta.errors import InputError


def articles(n: int):
    """Distinct Indonesian articles, with a refused input every fifth item."""
    seed = SEED.read_text(encoding="utf-8")
    for i in range(n):
        if i % 5 == 4:
            yield InputError(f"bad-{i}.txt", "empty file")
            continue
        text = seed.replace("Senin", f"Senin ke-{i}")
        yield RawArticle(f"a-{i}.txt", "txt", text, hashlib.sha256(text.encode()).hexdigest())


def summary(chunks) -> list[tuple[list, list[str]]]:
    return [([k[2] for k in c.keys], [e.source for e in c.errors]) for c in chunks]


@pytest.mark.parametrize("workers", [1, 2])
def test_chunks_come_back_in_input_order(workers):
    chunks = list(LocalExecutor(workers).run(ArticlePipeline(), articles(11), chunk=3))
    assert summary(chunks) == [
        (["a-0.txt", "a-1.txt", "a-2.txt"], []),
        (["a-3.txt", "a-5.txt"], ["bad-4.txt"]),
        (["a-6.txt", "a-7.txt", "a-8.txt"], []),
        (["a-10.txt"], ["bad-9.txt"]),
    ]


def test_two_workers_give_the_same_rows_as_one():
    one = list(LocalExecutor(1).run(ArticlePipeline(), articles(9), chunk=2))
    two = list(LocalExecutor(2).run(ArticlePipeline(), articles(9), chunk=2))
    assert [c.keys for c in one] == [c.keys for c in two]
    assert [c.batch.drop_columns(["ingested_at"]) if c.batch else None for c in one] == [
        c.batch.drop_columns(["ingested_at"]) if c.batch else None for c in two
    ]


@pytest.mark.parametrize("workers", [1, 2])
def test_input_is_read_lazily(workers):
    consumed = itertools.count()

    def many():  # finite, so an eager executor fails here instead of hanging
        for item in itertools.repeat(InputError("x.txt", "empty file"), 400):
            next(consumed)
            yield item

    chunks = LocalExecutor(workers).run(ArticlePipeline(), many(), chunk=4)
    first = next(chunks)
    chunks.close()
    assert len(first.errors) == 4
    assert next(consumed) <= (2 * workers + 1) * 4  # at most 2 x workers chunks in flight


def test_the_local_executor_is_registered_by_name():
    assert EXECUTORS.get("local") is LocalExecutor and LocalExecutor.name == "local"


@pytest.fixture(scope="module")
def local_ray():
    """A real local Ray (2 CPUs, loopback only), shared by this module's tests."""
    from warta.corpus.executors import start_ray

    ray = start_ray(num_cpus=2)
    yield ray
    ray.shutdown()


@pytest.mark.slow
def test_ray_executor_writes_the_same_version_as_the_local_one(local_ray, tmp_path, seed_text):
    """Both executors run the same steps: identical records, in input order, and one version."""
    from warta.corpus.executors import LocalExecutor, RayExecutor
    from warta.corpus.pipeline import ingest
    from warta.store import VersionedStore

    lines = [
        json.dumps({"text": f"Berita {i}: banjir melanda Jakarta pada hari Senin, kata BNPB."})
        for i in range(150)
    ]
    lines.insert(7, json.dumps({"text": "   "}))  # one bad input: reported by both alike
    source = tmp_path / "many.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    runs = {}
    for name, executor in (("local", LocalExecutor(1)), ("ray", RayExecutor())):
        store = VersionedStore.for_corpus(tmp_path / name)
        report = ingest(
            [source], store, executor=executor, skip_bad=True, keep_near_duplicates=True
        )
        assert report.version is not None and [v.name for v in store.versions()] == ["v0001"]
        runs[name] = (report, store.latest().read("articles").drop(["ingested_at"]))
    (local, local_rows), (ray_report, ray_rows) = runs["local"], runs["ray"]
    assert ray_rows.equals(local_rows) and ray_rows.num_rows == 150
    assert (
        [(e.source, e.line) for e in ray_report.rejected]
        == [(e.source, e.line) for e in local.rejected]
        == [(str(source), 8)]
    )


ORPHANING_DRIVER = """# ORPHANING
import time
from warta.corpus.executors import LocalExecutor

class Slow:
    def process_chunk(self, part):
        time.sleep(120)
        return part

for _ in LocalExecutor(2).map_chunks(Slow(), iter([[1], [2], [3]])):
    pass
"""


def test_pool_workers_exit_when_the_ingest_is_killed():
    """`--workers 2` and the parent SIGKILLed: its workers end too, none is left running."""
    import contextlib
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    def children(pid: int) -> set[int]:
        found = set()
        for task in Path(f"/proc/{pid}/task").glob("*"):
            found |= {int(c) for c in (task / "children").read_text().split()}
        return found

    parent = subprocess.Popen([sys.executable, "-c", ORPHANING_DRIVER])
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while len(workers := children(parent.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(workers) == 2, "the pool started its two workers"
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        deadline = time.monotonic() + 10
        while (alive := {w for w in workers if Path(f"/proc/{w}").exists()}) and (
            time.monotonic() < deadline
        ):
            time.sleep(0.1)
        alive = {w for w in alive if "Z" not in Path(f"/proc/{w}/stat").read_text().split()[2]}
        assert not alive, f"workers {alive} outlived their parent"
    finally:
        parent.kill()
        for worker in workers:  # only if the test failed: orphans it started (not a reused pid)
            with contextlib.suppress(OSError):
                if b"ORPHANING" in Path(f"/proc/{worker}/cmdline").read_bytes():
                    os.kill(worker, signal.SIGKILL)
