"""Ingest: raw articles -> clean, segmented, tokenized records -> a new corpus version.

``process_article`` is a pure per-record function (no shared state), so the same step can run in
a process pool here or on a distributed engine (Ray, Spark, datatrove executors) for millions of
articles. Writing shards and committing them as one version are separate steps for the same reason.

Bad input policy: by default a batch with any bad input is refused whole (every problem listed,
nothing written). With ``skip_bad`` the good articles are ingested and the rejected inputs are
recorded in the version's manifest. Either way a version is complete or absent, never partial.
"""

from __future__ import annotations

import collections
import hashlib
import itertools
import json
import multiprocessing
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from warta import __version__
from warta.corpus.clean import normalise, segment
from warta.corpus.metadata import credited_outlets, detect_language, parse_date
from warta.corpus.readers import RawArticle, read_articles
from warta.corpus.tokenize import split_sentences, tokenize
from warta.errors import InputError, WartaError
from warta.schema.documents import ARTICLE_SCHEMA, VOLATILE_FIELDS
from warta.store import Version, VersionDiff, VersionedStore

PIPELINE_VERSION = f"ingest-2/warta-{__version__}"
"""Bump the ``ingest-N`` part whenever cleaning or tokenizing changes what a record holds."""
LANGUAGE = "id"
LANGUAGE_SAMPLE_CHARS = 2000
"""Language is identified on the body's first 2,000 characters: as sure as the whole text on news
articles, and a fifth of the cost (py3langid's cost grows with the text)."""
CHUNK_ARTICLES = 64
MIN_LANGUAGE_PROBABILITY = 0.2
"""Short Indonesian news texts score 0.4-0.7 (the rest goes to Malay); Malaysian Malay and
English score below 0.05. ``language_confidence`` stores the Indonesian probability."""
PROVENANCE_FIELDS = ("source_file", "source_line")
"""Where an article was read from is provenance, not content: moving a file changes nothing."""


def corpus_store(versions_dir: Path) -> VersionedStore:
    return VersionedStore(versions_dir, "corpus", primary_table="articles")


def document_id(normalised_text: str) -> str:
    """Stable id from the article's normalised text: re-ingesting the same article gives the same id."""
    return "wrt-" + hashlib.sha256(normalised_text.encode()).hexdigest()[:16]


def _encode(value: object) -> bytes:
    """Bytes of a field value for hashing: fast paths for the long token and offset lists."""
    if isinstance(value, list) and value and isinstance(value[0], int):
        return array("q", value).tobytes()
    if isinstance(value, date | datetime):
        return value.isoformat().encode()
    return json.dumps(value, sort_keys=True, ensure_ascii=False).encode()


def record_hash(row: dict) -> str:
    """Hash of a record's content: what changes it is a change of the document in a diff.

    Records written by pipeline ``ingest-1`` keep the scheme they were hashed with.
    """
    content = {
        k: v for k, v in row.items() if k not in VOLATILE_FIELDS and k not in PROVENANCE_FIELDS
    }
    if str(row.get("pipeline_version", "")).startswith("ingest-1/"):
        legacy = {
            k: v.isoformat() if isinstance(v, date | datetime) else v for k, v in content.items()
        }
        return hashlib.sha256(
            json.dumps(legacy, sort_keys=True, ensure_ascii=False).encode()
        ).hexdigest()
    digest = hashlib.sha256()
    for key in sorted(content):
        encoded = _encode(content[key])
        digest.update(f"{key}:{len(encoded)}:".encode())
        digest.update(encoded)
    return digest.hexdigest()


def process_article(raw: RawArticle, ingested_at: datetime | None = None) -> dict:
    """One raw article as an ``ARTICLE_SCHEMA`` row; raises ``InputError`` if it cannot be one."""
    normalised = normalise(raw.text)
    title = raw.metadata.get("title")
    article = segment(normalised, title=title if isinstance(title, str) else None)
    if not article.blocks:
        raise InputError(
            raw.source_file, "no text left after removing boilerplate", raw.source_line
        )
    body = " ".join(article.blocks_of("paragraph") + article.blocks_of("caption")) or article.text
    best, best_p, confidence = detect_language(body[:LANGUAGE_SAMPLE_CHARS], LANGUAGE)
    if confidence < MIN_LANGUAGE_PROBABILITY:
        raise InputError(
            raw.source_file,
            f"not Indonesian: language detected {best!r} (p={best_p:.2f}; Indonesian p={confidence:.2f})",
            raw.source_line,
        )
    text = article.text
    tokens: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    sentences = []
    for index, block in enumerate(article.blocks):
        block_text = text[block.start : block.end]
        spans = tokenize(block_text)
        first = len(tokens)
        for start, end in spans:
            tokens.append(block_text[start:end])
            starts.append(block.start + start)
            ends.append(block.start + end)
        for lo, hi in split_sentences(block_text, spans):
            sentences.append(
                {
                    "start": block.start + spans[lo][0],
                    "end": block.start + spans[hi - 1][1],
                    "block": index,
                    "token_start": first + lo,
                    "token_end": first + hi,
                }
            )
    datelines = article.blocks_of("dateline")
    published = parse_date(datelines[0]) if datelines else None
    if published is None and isinstance(raw.metadata.get("published"), str):
        published = parse_date(raw.metadata["published"]) or _iso_date(raw.metadata["published"])
    headlines = article.blocks_of("headline")
    row = {
        "doc_id": document_id(normalised),
        "title": headlines[0] if headlines else title,
        "text": text,
        "published": published,
        "dateline": datelines[0] if datelines else None,
        "language": LANGUAGE,
        # Rounded as float32 stores it, so the record hash survives the round trip.
        "language_confidence": float(np.float32(round(confidence, 4))),
        "outlets": credited_outlets(article.blocks_of("credit")),
        "blocks": [{"type": b.type, "start": b.start, "end": b.end} for b in article.blocks],
        "sentences": sentences,
        "tokens": tokens,
        "token_starts": starts,
        "token_ends": ends,
        "removed": article.removed,
        "url": raw.metadata.get("url"),
        "source_file": raw.source_file,
        "source_line": raw.source_line,
        "source_format": raw.source_format,
        "source_sha256": raw.source_sha256,
        "source_metadata": json.dumps(raw.metadata, ensure_ascii=False, sort_keys=True)
        if raw.metadata
        else None,
        "content_sha256": hashlib.sha256(text.encode()).hexdigest(),
        "ingested_at": ingested_at or datetime.now(UTC),
        "pipeline_version": PIPELINE_VERSION,
    }
    row["record_sha256"] = record_hash(row)
    return row


def _iso_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


@dataclass
class ProcessedChunk:
    """Rows of a few articles as one Arrow batch (built in the worker), and the inputs refused."""

    batch: pa.RecordBatch | None
    keys: list[tuple[str, str, str]]  # (doc_id, record_sha256, source_file) per row
    errors: list[InputError]


def process_chunk(items: list[RawArticle | InputError]) -> ProcessedChunk:
    rows, errors = [], []
    for item in items:
        if isinstance(item, InputError):
            errors.append(item)
            continue
        try:
            rows.append(process_article(item))
        except InputError as err:
            errors.append(err)
    batch = pa.RecordBatch.from_pylist(rows, schema=ARTICLE_SCHEMA) if rows else None
    keys = [(r["doc_id"], r["record_sha256"], r["source_file"]) for r in rows]
    return ProcessedChunk(batch, keys, errors)


def process_stream(
    items: Iterable[RawArticle | InputError], workers: int = 1, chunk: int = CHUNK_ARTICLES
) -> Iterator[ProcessedChunk]:
    """Processed chunks in input order; with several workers, a pool kept busy with a bounded
    number of chunks in flight, so memory stays flat however many articles come."""
    items = iter(items)
    chunks = iter(lambda: list(itertools.islice(items, chunk)), [])
    if workers <= 1:
        yield from map(process_chunk, chunks)
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(workers) as pool:
        pending: collections.deque = collections.deque()
        for part in chunks:
            pending.append(pool.apply_async(process_chunk, (part,)))
            if len(pending) >= 2 * workers:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


class BatchRefused(WartaError):
    """A batch with bad input, refused whole; the message lists every problem, one per line."""

    def __init__(self, errors: list[InputError]) -> None:
        self.errors = errors
        lines = "\n".join(f"  {e}" for e in errors)
        super().__init__(
            f"batch refused, nothing written: {len(errors)} bad input(s)\n{lines}\n"
            "fix or remove them, or pass --skip-bad to ingest the rest"
        )


@dataclass
class IngestReport:
    """What one ingest did: the version it wrote (or None if nothing changed) and why."""

    version: Version | None
    parent: Version | None
    diff: VersionDiff
    articles: int = 0
    unchanged: int = 0
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    rejected: list[InputError] = field(default_factory=list)


def ingest(
    paths: Iterable[Path],
    store: VersionedStore,
    *,
    workers: int = 1,
    skip_bad: bool = False,
    progress: bool = False,
) -> IngestReport:
    """Ingest articles into a new immutable corpus version (or none, if nothing changed)."""
    from tqdm import tqdm

    with store.stage() as staging:
        parent = store.latest()
        parent_hashes = parent.key_hashes("articles", store.key, store.row_hash) if parent else {}
        writer = staging.writer("articles", ARTICLE_SCHEMA)
        batch: dict[str, str] = {}
        report = IngestReport(version=None, parent=parent, diff=VersionDiff())
        bar = tqdm(desc="ingest", unit=" articles", disable=not progress)
        for chunk in process_stream(read_articles(paths), workers):
            report.rejected.extend(chunk.errors)
            keep = []
            for index, (doc_id, row_hash, source) in enumerate(chunk.keys):
                if doc_id in batch:
                    report.duplicates.append((source, doc_id))
                    continue
                batch[doc_id] = row_hash
                report.articles += 1
                if parent_hashes.get(doc_id) == row_hash:
                    report.unchanged += 1
                else:
                    keep.append(index)
            if keep:
                writer.write_batch(
                    chunk.batch if len(keep) == len(chunk.keys) else chunk.batch.take(keep)
                )
            bar.update(len(chunk.keys) + len(chunk.errors))
        bar.close()
        if report.rejected and not skip_bad:
            raise BatchRefused(report.rejected)
        report.diff = VersionDiff(
            added=sorted(k for k in batch if k not in parent_hashes),
            changed=sorted(k for k in batch if k in parent_hashes and parent_hashes[k] != batch[k]),
        )
        if report.diff.is_empty:
            return report
        if parent is not None:
            _carry_over(parent, writer, replaced=set(report.diff.changed))
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
                    "rejected": [
                        {"source": e.source, "line": e.line, "problem": e.problem}
                        for e in report.rejected
                    ],
                },
            },
        )
        return report


def _carry_over(parent: Version, writer, replaced: set[str]) -> None:
    """Copy the parent's rows that this batch did not replace, one record batch at a time."""
    drop = pa.array(sorted(replaced), type=pa.string())
    for batch in parent.iter_batches("articles"):
        keep = pc.invert(pc.is_in(batch.column("doc_id"), value_set=drop))
        writer.write_batch(batch.filter(keep))


def remove_documents(store: VersionedStore, doc_ids: list[str], reason: str) -> Version:
    """A new version without the given documents (a takedown); earlier versions stay as they were."""
    with store.stage() as staging:
        parent = store.get("latest")
        hashes = parent.key_hashes("articles", store.key, store.row_hash)
        unknown = sorted(set(doc_ids) - hashes.keys())
        if unknown:
            raise WartaError(f"corpus {parent.name} has no document {', '.join(unknown)}")
        writer = staging.writer("articles", ARTICLE_SCHEMA)
        _carry_over(parent, writer, replaced=set(doc_ids))
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
