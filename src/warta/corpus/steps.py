"""The ingest pipeline as named steps: clean, identify language, tokenize, segment, hash.

Reading is the source (``warta.corpus.readers``: one reader per input format); each step then
fills in part of a ``Draft`` of one article or refuses it with an ``InputError``. A step knows
nothing of where it runs: an executor (``warta.corpus.executors``) runs ``ArticlePipeline`` over
chunks of articles, in this process, a local pool or a cluster.
"""

from __future__ import annotations

import hashlib
import json
from array import array
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import ClassVar

import numpy as np
import pyarrow as pa

from warta import __version__
from warta.corpus.clean import CleanArticle, normalise, segment
from warta.corpus.metadata import credited_outlets, detect_language, parse_date
from warta.corpus.readers import RawArticle
from warta.corpus.tokenize import split_sentences, tokenize
from warta.errors import InputError
from warta.schema.documents import ARTICLE_SCHEMA, VOLATILE_FIELDS

PIPELINE_VERSION = f"ingest-2/warta-{__version__}"
"""Bump the ``ingest-N`` part whenever cleaning or tokenizing changes what a record holds."""
LANGUAGE = "id"
LANGUAGE_SAMPLE_CHARS = 2000
"""Language is identified on the body's first 2,000 characters: as sure as the whole text on news
articles, and a fifth of the cost (py3langid's cost grows with the text)."""
MIN_LANGUAGE_PROBABILITY = 0.2
"""Short Indonesian news texts score 0.4-0.7 (the rest goes to Malay); Malaysian Malay and
English score below 0.05. ``language_confidence`` stores the Indonesian probability."""
PROVENANCE_FIELDS = ("source_file", "source_line")
"""Where an article was read from is provenance, not content: moving a file changes nothing."""


@dataclass
class Draft:
    """One article on its way through the steps; each step fills in its part."""

    raw: RawArticle
    ingested_at: datetime | None = None
    normalised: str = ""
    article: CleanArticle | None = None
    confidence: float = 0.0  # the Indonesian probability
    block_spans: list[list[tuple[int, int]]] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    sentences: list[dict] = field(default_factory=list)
    row: dict | None = None

    def refuse(self, problem: str) -> InputError:
        return InputError(self.raw.source_file, problem, self.raw.source_line)


class Step:
    """One named stage of ingest; ``__call__`` fills in its part of the draft or raises."""

    name: ClassVar[str]

    def __call__(self, draft: Draft) -> None:
        raise NotImplementedError


class Clean(Step):
    """Normalise the text (NFC, LF, spaces) and split it into typed blocks, removing boilerplate."""

    name = "clean"

    def __call__(self, draft: Draft) -> None:
        draft.normalised = normalise(draft.raw.text)
        title = draft.raw.metadata.get("title")
        draft.article = segment(draft.normalised, title=title if isinstance(title, str) else None)
        if not draft.article.blocks:
            raise draft.refuse("no text left after removing boilerplate")


class IdentifyLanguage(Step):
    """Refuse an article that is not Indonesian (measured on the body's first characters)."""

    name = "identify_language"

    def __call__(self, draft: Draft) -> None:
        article = draft.article
        body = " ".join(article.blocks_of("paragraph") + article.blocks_of("caption"))
        best, best_p, confidence = detect_language(
            (body or article.text)[:LANGUAGE_SAMPLE_CHARS], LANGUAGE
        )
        if confidence < MIN_LANGUAGE_PROBABILITY:
            raise draft.refuse(
                f"not Indonesian: language detected {best!r} (p={best_p:.2f}; "
                f"Indonesian p={confidence:.2f})"
            )
        draft.confidence = confidence


class Tokenize(Step):
    """Tokens of every block, with offsets into the article text."""

    name = "tokenize"

    def __call__(self, draft: Draft) -> None:
        text = draft.article.text
        for block in draft.article.blocks:
            block_text = text[block.start : block.end]
            spans = tokenize(block_text)
            draft.block_spans.append(spans)
            for start, end in spans:
                draft.tokens.append(block_text[start:end])
                draft.starts.append(block.start + start)
                draft.ends.append(block.start + end)


class Segment(Step):
    """Sentences of every block, as character spans and token ranges."""

    name = "segment"

    def __call__(self, draft: Draft) -> None:
        text = draft.article.text
        first = 0
        for index, (block, spans) in enumerate(
            zip(draft.article.blocks, draft.block_spans, strict=True)
        ):
            for lo, hi in split_sentences(text[block.start : block.end], spans):
                draft.sentences.append(
                    {
                        "start": block.start + spans[lo][0],
                        "end": block.start + spans[hi - 1][1],
                        "block": index,
                        "token_start": first + lo,
                        "token_end": first + hi,
                    }
                )
            first += len(spans)


class Hash(Step):
    """Assemble the ``ARTICLE_SCHEMA`` row: stable id, metadata, content and record hashes."""

    name = "hash"

    def __call__(self, draft: Draft) -> None:
        raw, article = draft.raw, draft.article
        title = raw.metadata.get("title")
        datelines = article.blocks_of("dateline")
        published = parse_date(datelines[0]) if datelines else None
        if published is None and isinstance(raw.metadata.get("published"), str):
            published = parse_date(raw.metadata["published"]) or _iso_date(
                raw.metadata["published"]
            )
        headlines = article.blocks_of("headline")
        row = {
            "doc_id": document_id(draft.normalised),
            "title": headlines[0] if headlines else title,
            "text": article.text,
            "published": published,
            "dateline": datelines[0] if datelines else None,
            "language": LANGUAGE,
            # Rounded as float32 stores it, so the record hash survives the round trip.
            "language_confidence": float(np.float32(round(draft.confidence, 4))),
            "outlets": credited_outlets(article.blocks_of("credit")),
            "blocks": [{"type": b.type, "start": b.start, "end": b.end} for b in article.blocks],
            "sentences": draft.sentences,
            "tokens": draft.tokens,
            "token_starts": draft.starts,
            "token_ends": draft.ends,
            "removed": article.removed,
            "url": raw.metadata.get("url"),
            "source_file": raw.source_file,
            "source_line": raw.source_line,
            "source_format": raw.source_format,
            "source_sha256": raw.source_sha256,
            "source_metadata": json.dumps(raw.metadata, ensure_ascii=False, sort_keys=True)
            if raw.metadata
            else None,
            "content_sha256": hashlib.sha256(article.text.encode()).hexdigest(),
            "ingested_at": draft.ingested_at or datetime.now(UTC),
            "pipeline_version": PIPELINE_VERSION,
        }
        row["record_sha256"] = record_hash(row)
        draft.row = row


DEFAULT_STEPS: tuple[Step, ...] = (Clean(), IdentifyLanguage(), Tokenize(), Segment(), Hash())


@dataclass
class ProcessedChunk:
    """Rows of a few articles as one Arrow batch (built in the worker), and the inputs refused."""

    batch: pa.RecordBatch | None
    keys: list[tuple[str, str, str]]  # (doc_id, record_sha256, source_file) per row
    errors: list[InputError]


@dataclass(frozen=True)
class ArticlePipeline:
    """The steps in order; picklable, so an executor can ship it to its workers."""

    steps: tuple[Step, ...] = DEFAULT_STEPS

    def process(self, raw: RawArticle, ingested_at: datetime | None = None) -> dict:
        """One raw article as an ``ARTICLE_SCHEMA`` row; raises ``InputError`` if it is refused."""
        draft = Draft(raw, ingested_at)
        for step in self.steps:
            step(draft)
        return draft.row

    def process_chunk(self, items: list[RawArticle | InputError]) -> ProcessedChunk:
        rows, errors = [], []
        for item in items:
            if isinstance(item, InputError):
                errors.append(item)
                continue
            try:
                rows.append(self.process(item))
            except InputError as err:
                errors.append(err)
        batch = pa.RecordBatch.from_pylist(rows, schema=ARTICLE_SCHEMA) if rows else None
        keys = [(r["doc_id"], r["record_sha256"], r["source_file"]) for r in rows]
        return ProcessedChunk(batch, keys, errors)


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


def _iso_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None
