"""Executors run the ingest pipeline over chunks of articles; the steps never know where.

An executor maps ``ArticlePipeline.process_chunk`` over chunks and yields the processed chunks in
input order, with a bounded number in flight so memory stays flat however many articles come. The
driver (``warta.corpus.pipeline.ingest``) writes what they return and commits one version.
Add an executor as a subclass with ``map_chunks`` and name it in ``EXECUTORS``.
"""

from __future__ import annotations

import collections
import ctypes
import itertools
import multiprocessing
import os
import signal
import sys
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator

from warta.corpus.readers import RawArticle
from warta.corpus.steps import ArticlePipeline, ProcessedChunk
from warta.errors import InputError
from warta.registry import Registry

CHUNK_ARTICLES = 64


class Executor(ABC):
    """Runs a pipeline over a stream of raw articles (or the reader's refusals)."""

    name: str

    def run(
        self,
        pipeline: ArticlePipeline,
        items: Iterable[RawArticle | InputError],
        chunk: int = CHUNK_ARTICLES,
    ) -> Iterator[ProcessedChunk]:
        items = iter(items)
        chunks = iter(lambda: list(itertools.islice(items, chunk)), [])
        yield from self.map_chunks(pipeline, chunks)

    @abstractmethod
    def map_chunks(
        self, pipeline: ArticlePipeline, chunks: Iterator[list]
    ) -> Iterator[ProcessedChunk]:
        """Processed chunks, in input order."""


class LocalExecutor(Executor):
    """This machine: in this process (one worker) or a pool of forked worker processes."""

    name = "local"

    def __init__(self, workers: int = 1) -> None:
        self.workers = workers

    def map_chunks(self, pipeline, chunks):
        if self.workers <= 1:
            yield from map(pipeline.process_chunk, chunks)
            return
        context = multiprocessing.get_context("fork")
        with context.Pool(self.workers, _die_with_parent, (os.getpid(),)) as pool:
            pending: collections.deque = collections.deque()
            for part in chunks:
                pending.append(pool.apply_async(pipeline.process_chunk, (part,)))
                if len(pending) >= 2 * self.workers:
                    yield pending.popleft().get()
            while pending:
                yield pending.popleft().get()


PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """A pool worker's initializer: the worker ends when the ingest that forked it does, even if
    that one was SIGKILLed (a pool only ends its workers from a parent that is still alive).
    Linux signals the worker (prctl PR_SET_PDEATHSIG); elsewhere a thread watches the parent."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) == 0:
            if os.getppid() != parent:  # the parent died before the signal was asked for
                os._exit(1)
            return
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


LOOPBACK_ENV = {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"}
"""Makes a Ray started here (no address) bind 127.0.0.1 only, as on a laptop: Ray's default
listens on the machine's network address."""


def start_ray(address: str | None = None, num_cpus: int | None = None):
    """Connect to the Ray cluster at ``address``, or start a local one listening on loopback."""
    import os

    import ray

    if ray.is_initialized():
        return ray
    if address is None:
        os.environ.update(LOOPBACK_ENV)
        ray.init(address="local", num_cpus=num_cpus, include_dashboard=False, log_to_driver=False)
    else:
        ray.init(address=address, log_to_driver=False)
    return ray


class RayExecutor(Executor):
    """A Ray cluster (or a local Ray): each chunk is a Ray task on any node.

    Ray core tasks, not a Ray Data pipeline: the readers stream articles from the driver, and
    ``ray.data.from_items`` would hold the whole input in the driver first. At most
    ``2 x cluster CPUs`` chunks are in flight, so memory stays flat however many articles come.
    """

    name = "ray"

    def __init__(self, address: str | None = None, num_cpus: int | None = None) -> None:
        self.address = address
        self.num_cpus = num_cpus

    def map_chunks(self, pipeline, chunks):
        ray = start_ray(self.address, self.num_cpus)
        process = ray.remote(_process_chunk)
        shared = ray.put(pipeline)
        in_flight = 2 * max(1, int(ray.cluster_resources().get("CPU", 1)))
        pending: collections.deque = collections.deque()
        for part in chunks:
            pending.append(process.remote(shared, part))
            if len(pending) >= in_flight:
                yield ray.get(pending.popleft())
        while pending:
            yield ray.get(pending.popleft())


def _process_chunk(pipeline: ArticlePipeline, items: list) -> ProcessedChunk:
    return pipeline.process_chunk(items)


EXECUTORS: Registry[type[Executor]] = Registry(
    "executor",
    {"local": "warta.corpus.executors:LocalExecutor", "ray": "warta.corpus.executors:RayExecutor"},
)
