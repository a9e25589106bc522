"""Ingest: raw articles -> clean, segmented, tokenized records -> a new corpus version.

``process_article`` is a pure per-record function (no shared state), so the same step can run in
a process pool here or on a distributed engine (Ray, Spark, datatrove executors) for millions of
articles. Writing shards and committing them as one version are separate steps for the same reason.

Bad input policy: by default a batch with any bad input is refused whole (every problem listed,
nothing written). With ``skip_bad`` the good articles are ingested and the rejected inputs are
recorded in the version's manifest. Either way a version is complete or absent, never partial.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import multiprocessing
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

PIPELINE_VERSION = f"ingest-1/warta-{__version__}"
"""Bump the ``ingest-N`` part whenever cleaning or tokenizing changes what a record holds."""
LANGUAGE = "id"
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


def _jsonable(value: object) -> object:
    return value.isoformat() if isinstance(value, date | datetime) else value


def record_hash(row: dict) -> str:
    content = {
        k: _jsonable(v)
        for k, v in row.items()
        if k not in VOLATILE_FIELDS and k not in PROVENANCE_FIELDS
    }
    return hashlib.sha256(
        json.dumps(content, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()


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
    best, best_p, confidence = detect_language(body, LANGUAGE)
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


def _process_or_error(raw: RawArticle | InputError) -> dict | InputError:
    if isinstance(raw, InputError):
        return raw
    try:
        return process_article(raw)
    except InputError as err:
        return err


def process_stream(
    items: Iterable[RawArticle | InputError], workers: int = 1, chunksize: int = 32
) -> Iterator[dict | InputError]:
    """Rows (or errors) in input order; with several workers, a bounded-memory process pool."""
    if workers <= 1:
        yield from map(_process_or_error, items)
        return
    # Pool.imap drains its whole input at once; feeding it windows keeps memory flat.
    context = multiprocessing.get_context("fork")
    with context.Pool(workers) as pool:
        items = iter(items)
        while window := list(itertools.islice(items, workers * chunksize * 8)):
            yield from pool.imap(_process_or_error, window, chunksize=chunksize)


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
        rows = process_stream(read_articles(paths), workers)
        for item in tqdm(rows, desc="ingest", unit=" articles", disable=not progress):
            if isinstance(item, InputError):
                report.rejected.append(item)
                continue
            doc_id = item["doc_id"]
            if doc_id in batch:
                report.duplicates.append((item["source_file"], doc_id))
                continue
            batch[doc_id] = item["record_sha256"]
            report.articles += 1
            if parent_hashes.get(doc_id) == item["record_sha256"]:
                report.unchanged += 1
            else:
                writer.write(item, size_hint=len(item["text"]) * 4)
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
