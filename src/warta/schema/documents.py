"""The article record: clean text plus its blocks, sentences, tokens, rights and provenance.

All offsets are character (code point) offsets into the stored NFC-normalised ``text``, half-open
``[start, end)``: ``text[start:end]`` is the block, sentence or token. Token strings are stored
beside their offsets for convenience and always equal ``text[start:end]``.

Every article says where it comes from and on what terms (pipeline ``ingest-3`` on): ``source``
is the name of its source in ``corpus/raw/PROVENANCE.yaml`` (``seed``, ``ntrex-128``,
``indosum``), ``license`` and ``attribution`` are that source's, as declared there. The source's
own document id (NTREX ``bbc.381790``, IndoSum ``1490674536-...``) is ``id`` in
``source_metadata``. All three are null for an article read from a file no source lists, and in
records written before ``ingest-3``.

``translation`` is the parallel layer: ``{sentence, language, text}`` per translated sentence,
``sentence`` an index into ``sentences`` (NTREX: the English original of each Indonesian sentence,
``language`` ``en``). A list keyed by sentence index rather than a column aligned with
``sentences``: most articles have none, a source may translate only some sentences or, later,
more than one language, and each entry reads on its own. Empty for articles without one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pyarrow as pa

BLOCK_TYPES = ("headline", "subheading", "dateline", "credit", "caption", "paragraph")
"""Typed blocks of a news page, in the vocabulary of the annotation guidelines."""

REMOVAL_KINDS = ("duplicate_headline", "boilerplate")
"""What the cleaner may remove; every removal is recorded in the record's ``removed`` list."""

SPAN = pa.struct([("start", pa.int32()), ("end", pa.int32())])

ARTICLE_SCHEMA = pa.schema(
    [
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("title", pa.string()),
        pa.field("text", pa.string(), nullable=False),
        pa.field("published", pa.date32()),
        pa.field("dateline", pa.string()),
        pa.field("language", pa.string(), nullable=False),
        pa.field("language_confidence", pa.float32(), nullable=False),
        pa.field("outlets", pa.list_(pa.string())),
        pa.field(
            "blocks",
            pa.list_(
                pa.struct([("type", pa.string()), ("start", pa.int32()), ("end", pa.int32())])
            ),
        ),
        pa.field(
            "sentences",
            pa.list_(
                pa.struct(
                    [
                        ("start", pa.int32()),
                        ("end", pa.int32()),
                        ("block", pa.int32()),
                        ("token_start", pa.int32()),
                        ("token_end", pa.int32()),
                    ]
                )
            ),
        ),
        pa.field("tokens", pa.list_(pa.string())),
        pa.field("token_starts", pa.list_(pa.int32())),
        pa.field("token_ends", pa.list_(pa.int32())),
        pa.field(
            "translation",
            pa.list_(
                pa.struct(
                    [("sentence", pa.int32()), ("language", pa.string()), ("text", pa.string())]
                )
            ),
        ),
        pa.field(
            "removed",
            pa.list_(
                pa.struct([("kind", pa.string()), ("text", pa.string()), ("line", pa.int32())])
            ),
        ),
        pa.field("url", pa.string()),
        pa.field("source", pa.string()),
        pa.field("license", pa.string()),
        pa.field("attribution", pa.string()),
        pa.field("source_file", pa.string(), nullable=False),
        pa.field("source_line", pa.int32()),
        pa.field("source_format", pa.string(), nullable=False),
        pa.field("source_sha256", pa.string(), nullable=False),
        pa.field("source_metadata", pa.string()),
        pa.field("content_sha256", pa.string(), nullable=False),
        pa.field("record_sha256", pa.string(), nullable=False),
        pa.field("ingested_at", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("pipeline_version", pa.string(), nullable=False),
    ],
    metadata={"warta.offsets": "half-open character offsets into NFC-normalised text"},
)

VOLATILE_FIELDS = ("ingested_at", "pipeline_version", "record_sha256")
"""Fields left out of ``record_sha256``: re-ingesting unchanged content must change nothing."""


def conform(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Rows of an older corpus version in the current ``ARTICLE_SCHEMA``: fields added since are
    null (their record hashes never covered them), the others are kept as they are."""
    if batch.schema.names == ARTICLE_SCHEMA.names:
        return batch
    columns = [
        batch.column(f.name) if f.name in batch.schema.names else pa.nulls(batch.num_rows, f.type)
        for f in ARTICLE_SCHEMA
    ]
    return pa.RecordBatch.from_arrays(columns, schema=ARTICLE_SCHEMA)


@dataclass(frozen=True)
class Sentence:
    """One sentence cut out of an article row: its span, text, tokens and their offsets."""

    index: int
    start: int
    end: int
    text: str
    tokens: list[str]
    token_starts: list[int]  # offsets into the article text
    token_ends: list[int]

    @property
    def local_starts(self) -> list[int]:
        """Token starts as offsets into the sentence text."""
        return [x - self.start for x in self.token_starts]

    @property
    def local_ends(self) -> list[int]:
        return [x - self.start for x in self.token_ends]


def sentences_of(article: dict) -> Iterator[Sentence]:
    """The sentences of an ``ARTICLE_SCHEMA`` row (or a gold ``documents`` row), in order."""
    text = article["text"]
    for index, s in enumerate(article["sentences"]):
        lo, hi = s["token_start"], s["token_end"]
        yield Sentence(
            index,
            s["start"],
            s["end"],
            text[s["start"] : s["end"]],
            article["tokens"][lo:hi],
            article["token_starts"][lo:hi],
            article["token_ends"][lo:hi],
        )
