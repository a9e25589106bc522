"""Executors run the ingest pipeline over chunks of articles; the steps never know where.

An executor maps ``ArticlePipeline.process_chunk`` over chunks and yields the processed chunks in
input order, with a bounded number in flight so memory stays flat however many articles come. The
driver (``warta.corpus.pipeline.ingest``) writes what they return and commits one version.
Add an executor as a subclass with ``map_chunks`` and name it in ``EXECUTORS``.
"""

from __future__ import annotations

import collections
import itertools
import multiprocessing
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
        with context.Pool(self.workers) as pool:
            pending: collections.deque = collections.deque()
            for part in chunks:
                pending.append(pool.apply_async(pipeline.process_chunk, (part,)))
                if len(pending) >= 2 * self.workers:
                    yield pending.popleft().get()
            while pending:
                yield pending.popleft().get()


EXECUTORS: Registry[type[Executor]] = Registry(
    "executor", {"local": "warta.corpus.executors:LocalExecutor"}
)
