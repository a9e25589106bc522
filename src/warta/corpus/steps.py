"""The ingest pipeline as named steps: clean, identify language, tokenize, segment, hash.

Reading is the source (``warta.corpus.readers``: one reader per input format); each step then
fills in part of a ``Draft`` of one article or refuses it with an ``InputError``. A step knows
nothing of where it runs: an executor (``warta.corpus.executors``) runs ``ArticlePipeline`` over
chunks of articles, in this process, a local pool or a cluster.

When the source gives its segmentation (IndoSum's sentences of tokens, NTREX's sentence a line),
Tokenize and Segment keep it instead of finding their own (``warta.corpus.given``).
"""

from __future__ import annotations

import hashlib
import json
from array import array
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import ClassVar, NamedTuple

import numpy as np
import pyarrow as pa

from warta import __version__
from warta.corpus.clean import CleanArticle, normalise, segment
from warta.corpus.given import GivenMismatch, aligned_translation, place_given
from warta.corpus.metadata import credited_outlets, detect_language, parse_date
from warta.corpus.readers import RawArticle
from warta.corpus.tokenize import split_sentences, tokenize
from warta.errors import InputError
from warta.schema.documents import ARTICLE_SCHEMA, VOLATILE_FIELDS

INGEST = 3
PIPELINE_VERSION = f"ingest-{INGEST}/warta-{__version__}"
"""Bump the ``ingest-N`` part whenever cleaning or tokenizing changes what a record holds (and
name the fields it adds in ``FIELDS_SINCE``)."""
FIELDS_SINCE = {3: ("source", "license", "attribution", "translation")}
"""Fields added by pipeline ``ingest-N``: a record written before has none (null when an older
version's rows are carried into a new one), and its hash never covered them."""
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
    given: list[dict] | None = None  # sentences the source gives, placed by Tokenize
    translation: list[dict] = field(default_factory=list)
    row: dict | None = None

    def refuse(self, problem: str) -> InputError:
        """The article refused, named by file, line and (if the source has one) document id."""
        if self.raw.source_id is not None:
            problem = f"{problem} (document {self.raw.source_id})"
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
        if draft.raw.has_headline is False:  # the cleaner's guess of a headline cannot be one
            draft.article.blocks = [
                replace(b, type="subheading") if b.type == "headline" else b
                for b in draft.article.blocks
            ]


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
    """Tokens of every block, with offsets into the article text (the source's, if it gives them)."""

    name = "tokenize"

    def __call__(self, draft: Draft) -> None:
        if draft.raw.segmentation is not None:
            try:
                placed = place_given(draft.article, draft.normalised, draft.raw.segmentation)
            except GivenMismatch as err:
                raise draft.refuse(f"the source's segmentation does not fit: {err}") from None
            draft.tokens, draft.starts, draft.ends = placed.tokens, placed.starts, placed.ends
            draft.given = placed.sentences
            if draft.raw.translation is not None:
                draft.translation = aligned_translation(draft.raw.translation, placed.origins)
            return
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
    """Sentences of every block, as character spans and token ranges (the source's, if given)."""

    name = "segment"

    def __call__(self, draft: Draft) -> None:
        if draft.given is not None:
            draft.sentences = draft.given
            return
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
        rights = raw.rights
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
            "translation": draft.translation,
            "removed": article.removed,
            # IndoSum names the article's address ``source_url``.
            "url": raw.metadata.get("url") or raw.metadata.get("source_url"),
            "source": rights.source if rights else None,
            "license": rights.license if rights else None,
            "attribution": rights.attribution if rights else None,
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


class RowKey(NamedTuple):
    """What the ingest driver needs of a row without reading the batch: its identity, where it
    came from, and what cleaning removed (counts by kind)."""

    doc_id: str
    record_sha256: str
    where: str  # file, and line if any
    source: str | None  # the source named in PROVENANCE.yaml
    source_id: tuple[str, str] | None  # (format, the source's own document id)
    removed: dict[str, int]


@dataclass
class ProcessedChunk:
    """Rows of a few articles as one Arrow batch (built in the worker), and the inputs refused."""

    batch: pa.RecordBatch | None
    keys: list[RowKey]
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
        rows, keys, errors = [], [], []
        for item in items:
            if isinstance(item, InputError):
                errors.append(item)
                continue
            try:
                row = self.process(item)
            except InputError as err:
                errors.append(err)
                continue
            rows.append(row)
            keys.append(
                RowKey(
                    row["doc_id"],
                    row["record_sha256"],
                    item.where,
                    row["source"],
                    (item.source_format, item.source_id) if item.source_id is not None else None,
                    dict(Counter(r["kind"] for r in row["removed"])),
                )
            )
        batch = pa.RecordBatch.from_pylist(rows, schema=ARTICLE_SCHEMA) if rows else None
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

    Records written by pipeline ``ingest-1`` keep the scheme they were hashed with, and every
    record leaves out the fields added after the pipeline that wrote it (``FIELDS_SINCE``).
    """
    written_by = ingest_number(row)
    later = {f for n, fields in FIELDS_SINCE.items() if n > written_by for f in fields}
    content = {
        k: v
        for k, v in row.items()
        if k not in VOLATILE_FIELDS and k not in PROVENANCE_FIELDS and k not in later
    }
    if written_by == 1:
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


def ingest_number(row: dict) -> int:
    """N of the ``ingest-N/...`` pipeline that wrote a record (the current one if unnamed)."""
    number = str(row.get("pipeline_version") or "").split("/", 1)[0].removeprefix("ingest-")
    return int(number) if number.isdigit() else INGEST


def _iso_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None
