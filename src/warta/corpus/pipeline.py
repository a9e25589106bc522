"""Ingest: raw articles -> clean, segmented, tokenized records -> a new corpus version.

The records are made by ``ArticlePipeline`` (named steps, ``warta.corpus.steps``) run by an executor
(``warta.corpus.executors``); this driver streams the reader's output to the executor, writes the
rows it returns and commits them as one version. Writing and committing stay in the driver, so the
same ingest can run its steps on a distributed engine.

Duplicates: an article whose ``doc_id`` is already in the batch is skipped; a near-duplicate (the
same story in other words or an excerpt of it, ``warta.corpus.dedup``) of an article of the batch or
of the parent version is kept out with the document it duplicates, unless ``keep_near_duplicates``.
Both are listed in the version's manifest.

Bad input policy: by default a batch with any bad input is refused whole (every problem listed,
nothing written). With ``skip_bad`` the good articles are ingested and the rejected inputs are
recorded in the version's manifest; if every input is bad, that is an error too (``NothingIngested``). Either way a version is complete or absent, never partial.

Duplicates are skipped and recorded, never errors: an article whose normalised text is already in
the batch, or whose source id (an IndoSum id in two folds) is; the first one read is kept. So is an
article that was taken down (its id or text hash has a tombstone, ``warta.corpus.tombstones``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from warta.corpus.dedup import NearDuplicate, NearDuplicateIndex
from warta.corpus.executors import Executor, LocalExecutor
from warta.corpus.readers import Skipped, read_articles
from warta.corpus.steps import PIPELINE_VERSION, ArticlePipeline, RowKey
from warta.corpus.summary import UNLISTED, SourceCounts
from warta.corpus.tombstones import TakenDown, Tombstone
from warta.errors import InputError, WartaError, listed_problems
from warta.schema.documents import ARTICLE_SCHEMA, conform
from warta.store import Version, VersionDiff, VersionedStore

if TYPE_CHECKING:
    from warta.repository import Repository


class BatchRefused(WartaError):
    """A batch with bad input, refused whole; the message lists every problem, one per line."""

    def __init__(self, errors: list[InputError]) -> None:
        self.errors = errors
        lines = "\n".join(f"  {e}" for e in errors)
        super().__init__(
            f"batch refused, nothing written: {len(errors)} bad input(s)\n{lines}\n"
            "fix or remove them, or pass --skip-bad to ingest the rest"
        )


class NothingIngested(WartaError):
    """``--skip-bad`` on a batch whose every input is bad: no version, and an exit code that says so."""

    def __init__(self, errors: list[InputError]) -> None:
        self.errors = errors
        super().__init__(
            f"nothing ingested: all {len(errors)} input(s) are bad, --skip-bad left none\n"
            f"{listed_problems(errors)}"
        )


@dataclass
class IngestReport:
    """What one ingest did: the version it wrote (or None if nothing changed) and why."""

    version: Version | None
    parent: Version | None
    diff: VersionDiff
    articles: int = 0
    unchanged: int = 0
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (where, doc_id kept)
    near_duplicates: list[tuple[str, NearDuplicate]] = field(default_factory=list)  # (where, match)
    rejected: list[InputError] = field(default_factory=list)
    taken_down: list[tuple[str, Tombstone]] = field(default_factory=list)  # (where, tombstone)
    skipped: list[Skipped] = field(default_factory=list)  # files of named folders not read
    sources: dict[str, SourceCounts] = field(default_factory=dict)  # by source name
    hashes: dict[str, str] = field(default_factory=dict)  # doc_id -> record hash, this batch
    _by_source_id: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)

    def seen(self, key: RowKey) -> str | None:
        """The doc_id kept for this row's text or source id earlier in the batch, if any."""
        return key.doc_id if key.doc_id in self.hashes else self._by_source_id.get(key.source_id)

    def count(self, key: RowKey, parent_hashes: dict[str, str]) -> bool:
        """Count one processed row; whether it is to be written (new or changed, no duplicate)."""
        counts = self.sources.setdefault(key.source or UNLISTED, SourceCounts())
        kept = self.seen(key)
        if kept is not None:
            self.duplicates.append((key.where, kept))
            counts.duplicates += 1
            return False
        self.hashes[key.doc_id] = key.record_sha256
        if key.source_id:
            self._by_source_id[key.source_id] = key.doc_id
        self.articles += 1
        counts.articles += 1
        counts.removed.update(key.removed)
        if parent_hashes.get(key.doc_id) == key.record_sha256:
            self.unchanged += 1
            counts.unchanged += 1
            return False
        if key.doc_id in parent_hashes:
            counts.changed += 1
        else:
            counts.added += 1
        return True


def ingest(
    paths: Iterable[Path],
    store: VersionedStore,
    *,
    workers: int = 1,
    executor: Executor | None = None,
    pipeline: ArticlePipeline | None = None,
    skip_bad: bool = False,
    keep_near_duplicates: bool = False,
    progress: bool = False,
    repository: Repository | None = None,
) -> IngestReport:
    """Ingest articles into a new immutable corpus version (or none, if nothing changed).

    The steps run on ``executor`` (default: this machine with ``workers`` processes). Read inside
    ``repository``, source files are stored relative to its root and articles get their rights
    from its PROVENANCE.yaml (``warta.corpus.readers``).
    """
    from tqdm import tqdm

    executor = executor or LocalExecutor(workers)
    pipeline = pipeline or ArticlePipeline()
    taken_down = TakenDown.read(repository.tombstones_file) if repository else TakenDown()

    with store.stage() as staging:
        parent = staging.parent
        parent_hashes = parent.key_hashes("articles", store.key, store.row_hash) if parent else {}
        writer = staging.writer("articles", ARTICLE_SCHEMA)
        near = _near_duplicate_index(parent)
        report = IngestReport(version=None, parent=parent, diff=VersionDiff())
        batch = report.hashes
        bar = tqdm(desc="ingest", unit=" articles", disable=not progress)
        read = 0
        items = read_articles(paths, repository, report.skipped)
        for chunk in executor.run(pipeline, items):
            report.rejected.extend(chunk.errors)
            read += len(chunk.keys)
            texts = chunk.batch.column("text").to_pylist() if chunk.batch is not None else []
            contents = _column(chunk.batch, "content_sha256")
            keep = []
            for index, key in enumerate(chunk.keys):
                tombstone = taken_down.match(key.doc_id, contents[index])
                if tombstone is not None:
                    report.taken_down.append((key.where, tombstone))
                    continue
                if report.seen(key) is None and key.doc_id not in parent_hashes:
                    match = near.check(
                        key.doc_id, texts[index], add_if_duplicate=keep_near_duplicates
                    )
                    if match is not None:
                        report.near_duplicates.append((key.where, match))
                        if not keep_near_duplicates:
                            report.sources.setdefault(
                                key.source or UNLISTED, SourceCounts()
                            ).duplicates += 1
                            continue
                if report.count(key, parent_hashes):
                    keep.append(index)
            if keep:
                writer.write_batch(
                    chunk.batch if len(keep) == len(chunk.keys) else chunk.batch.take(keep)
                )
            bar.update(len(chunk.keys) + len(chunk.errors))
        bar.close()
        if report.rejected and not skip_bad:
            raise BatchRefused(report.rejected)
        if report.rejected and not read:
            raise NothingIngested(report.rejected)
        if not read and report.skipped:
            raise WartaError(
                f"nothing ingested: no article among the inputs; {len(report.skipped)} file(s) "
                f"not read:\n{listed_problems(report.skipped)}"
            )
        report.diff = VersionDiff(
            added=sorted(k for k in batch if k not in parent_hashes),
            changed=sorted(k for k in batch if k in parent_hashes and parent_hashes[k] != batch[k]),
        )
        if report.diff.is_empty:
            return report
        if parent is not None and _schema_changed(parent):
            _rewrite_in_current_schema(parent, writer, replaced=set(batch))
        report.version = staging.commit(
            parent=parent,
            key_hashes={**parent_hashes, **batch},
            diff=report.diff,
            extra={
                "pipeline_version": PIPELINE_VERSION,
                "batch": {
                    "articles": report.articles,
                    "unchanged": report.unchanged,
                    "duplicates": [{"source": s, "doc_id": d} for s, d in report.duplicates],
                    "near_duplicates": [
                        {"source": s, **asdict(m), "kept": keep_near_duplicates}
                        for s, m in report.near_duplicates
                    ],
                    "rejected": [
                        {"source": e.source, "line": e.line, "problem": e.problem}
                        for e in report.rejected
                    ],
                    "taken_down": [{"source": s, "doc_id": t.doc_id} for s, t in report.taken_down],
                },
            },
        )
        return report


def _column(batch: pa.RecordBatch | None, name: str) -> list:
    return batch.column(name).to_pylist() if batch is not None else []


def _schema_changed(parent: Version) -> bool:
    (first, *_) = parent.files("articles")
    return pq.read_schema(first).names != ARTICLE_SCHEMA.names


def _rewrite_in_current_schema(parent: Version, writer, replaced: set[str]) -> None:
    """A version that changes the schema writes every row: the parent's rows that this batch did
    not replace, in the current schema (fields added since are null, outside their record hash)."""
    drop = pa.array(sorted(replaced), type=pa.string())
    for batch in parent.iter_batches("articles"):
        keep = pc.invert(pc.is_in(batch.column("doc_id"), value_set=drop))
        writer.write_batch(conform(batch.filter(keep)))


def _near_duplicate_index(parent: Version | None) -> NearDuplicateIndex:
    """An index of the parent's documents, read a record batch at a time (about 1 KB each)."""
    index = NearDuplicateIndex()
    if parent is not None:
        for batch in parent.iter_batches("articles", ["doc_id", "text"]):
            index.add_all(
                zip(*(batch.column(c).to_pylist() for c in ("doc_id", "text")), strict=True)
            )
    return index


def remove_documents(store: VersionedStore, doc_ids: list[str], reason: str) -> Version:
    """A new version without the given documents. Earlier versions still hold them: a takedown
    (``warta.dataset.takedown``) purges those too."""
    with store.stage() as staging:
        parent = staging.parent
        if parent is None:
            raise WartaError(f"{store.root}: no corpus version yet: nothing to remove")
        hashes = parent.key_hashes("articles", store.key, store.row_hash)
        unknown = sorted(set(doc_ids) - hashes.keys())
        if unknown:
            raise WartaError(f"corpus {parent.name} has no document {', '.join(unknown)}")
        kept = {k: v for k, v in hashes.items() if k not in doc_ids}
        return staging.commit(
            parent=parent,
            key_hashes=kept,
            diff=VersionDiff(removed=sorted(set(doc_ids))),
            extra={
                "pipeline_version": parent.manifest.get("pipeline_version"),
                "removal_reason": reason,
            },
        )
