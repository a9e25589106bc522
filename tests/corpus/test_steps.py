"""Each ingest step fills in its part of the draft or refuses the article with an InputError that
names its file and line; the record hash changes with the content only."""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import replace
from datetime import UTC, datetime

import pyarrow as pa
import pytest

from tests.conftest import REPO, SEED
from warta.corpus.clean import normalise
from warta.corpus.readers import RawArticle
from warta.corpus.steps import (
    DEFAULT_STEPS,
    ArticlePipeline,
    Clean,
    Draft,
    IdentifyLanguage,
    Segment,
    Tokenize,
    document_id,
    record_hash,
)
from warta.errors import InputError
from warta.schema.documents import ARTICLE_SCHEMA
from warta.store import VersionedStore

SHIPPED_ID = "wrt-fd09ad9a1571522e"  # the seed article's id in the shipped corpus and gold
ENGLISH = (
    "The president ordered the mobilisation of twenty thousand reservists on Monday, "
    "officials said, as the border fighting continued for a third week."
)


def raw(text: str, source: str = "a.jsonl", line: int | None = 4, **metadata) -> RawArticle:
    return RawArticle(
        source, "jsonl", text, hashlib.sha256(text.encode()).hexdigest(), line, metadata
    )


@pytest.fixture(scope="module")
def seed_raw() -> RawArticle:
    data = SEED.read_bytes()
    return RawArticle(str(SEED), "txt", data.decode(), hashlib.sha256(data).hexdigest())


def run(draft: Draft, *steps) -> Draft:
    for step in steps:
        step(draft)
    return draft


def test_the_default_steps_are_named_in_order():
    assert [s.name for s in DEFAULT_STEPS] == [
        "clean", "identify_language", "tokenize", "segment", "hash",
    ]  # fmt: skip


def test_clean_normalises_and_types_blocks(seed_raw):
    draft = run(Draft(seed_raw), Clean())
    assert "\r" not in draft.normalised and draft.article.text
    kinds = [b.type for b in draft.article.blocks]
    assert {"headline", "dateline", "paragraph", "credit"} <= set(kinds)


def test_clean_refuses_an_all_boilerplate_article():
    footer = raw("No comments:\n\nPost a Comment\n\nNewer Post\n\nOlder Post\n\nHome", line=9)
    with pytest.raises(InputError) as refused:
        Clean()(Draft(footer))
    assert str(refused.value) == "a.jsonl:9: no text left after removing boilerplate"


def test_identify_language_keeps_indonesian_with_its_confidence(seed_raw):
    draft = run(Draft(seed_raw), Clean(), IdentifyLanguage())
    assert 0.2 <= draft.confidence <= 1


def test_identify_language_refuses_english_naming_file_and_line():
    draft = run(Draft(raw(ENGLISH, "news/batch.jsonl", 17)), Clean())
    with pytest.raises(InputError) as refused:
        IdentifyLanguage()(draft)
    error = refused.value
    assert (error.source, error.line) == ("news/batch.jsonl", 17)
    assert str(error).startswith("news/batch.jsonl:17: not Indonesian: language detected 'en'")


def test_tokenize_offsets_reproduce_the_tokens(seed_raw):
    draft = run(Draft(seed_raw), Clean(), IdentifyLanguage(), Tokenize())
    text = draft.article.text
    assert len(draft.tokens) > 500 and len(draft.block_spans) == len(draft.article.blocks)
    for token, start, end in zip(draft.tokens, draft.starts, draft.ends, strict=True):
        assert text[start:end] == token and token.strip() == token
    assert sum(len(spans) for spans in draft.block_spans) == len(draft.tokens)


def test_segment_tiles_the_tokens_block_by_block(seed_raw):
    draft = run(Draft(seed_raw), Clean(), IdentifyLanguage(), Tokenize(), Segment())
    sentences = draft.sentences
    assert sentences[0]["token_start"] == 0 and sentences[-1]["token_end"] == len(draft.tokens)
    for before, after in itertools.pairwise(sentences):
        assert before["token_end"] == after["token_start"] and before["block"] <= after["block"]
    blocks = draft.article.blocks
    for s in sentences:
        block = blocks[s["block"]]
        assert block.start <= s["start"] < s["end"] <= block.end
        assert draft.starts[s["token_start"]] == s["start"]
        assert draft.ends[s["token_end"] - 1] == s["end"]


def test_hash_builds_a_row_of_the_article_schema(seed_raw):
    row = ArticlePipeline().process(seed_raw, datetime(2026, 1, 2, tzinfo=UTC))
    assert pa.RecordBatch.from_pylist([row], schema=ARTICLE_SCHEMA).num_rows == 1
    assert row["doc_id"] == SHIPPED_ID == document_id(normalise(seed_raw.text))
    assert row["content_sha256"] == hashlib.sha256(row["text"].encode()).hexdigest()
    assert row["record_sha256"] == record_hash(row) and row["language"] == "id"


def test_same_content_gives_the_same_id_and_record_hash_wherever_it_was_read(seed_raw):
    pipeline = ArticlePipeline()
    first = pipeline.process(seed_raw, datetime(2026, 1, 1, tzinfo=UTC))
    moved = pipeline.process(
        replace(seed_raw, source_file="elsewhere/copy.txt", source_line=3),
        datetime(2027, 6, 1, tzinfo=UTC),
    )
    assert moved["source_file"] == "elsewhere/copy.txt"
    assert (moved["doc_id"], moved["record_sha256"]) == (first["doc_id"], first["record_sha256"])


def test_a_content_change_changes_the_record_hash(seed_raw):
    pipeline = ArticlePipeline()
    first = pipeline.process(seed_raw)
    edited = pipeline.process(replace(seed_raw, text=seed_raw.text.replace("Senin", "Selasa")))
    assert edited["doc_id"] != first["doc_id"]
    assert edited["record_sha256"] != first["record_sha256"]
    retitled = pipeline.process(replace(seed_raw, metadata={"url": "https://x.id/a"}))
    assert retitled["doc_id"] == first["doc_id"]  # the id is the text's; metadata is content
    assert retitled["record_sha256"] != first["record_sha256"]


@pytest.mark.parametrize("version", ["v0001", "v0002"])
def test_record_hash_reproduces_the_shipped_records(version):
    """v0001 was written by ingest-1 and keeps its hashing scheme; v0002 uses the current one."""
    store = VersionedStore.for_corpus(REPO / "corpus" / "versions")
    for row in store.get(version).iter_rows("articles"):
        assert record_hash(row) == row["record_sha256"]


def test_process_chunk_keeps_good_rows_and_collects_refusals(seed_raw):
    unreadable = InputError("b.txt", "empty file")
    chunk = ArticlePipeline().process_chunk([seed_raw, unreadable, raw(ENGLISH, "c.jsonl", 2)])
    assert chunk.batch.num_rows == 1 and chunk.batch.schema == ARTICLE_SCHEMA
    (key,) = chunk.keys
    doc_id, record_sha, source = key.doc_id, key.record_sha256, key.where
    assert doc_id.startswith("wrt-") and source == str(SEED) and len(record_sha) == 64
    assert [str(e).split(":")[0] for e in chunk.errors] == ["b.txt", "c.jsonl"]
    assert ArticlePipeline().process_chunk([unreadable]).batch is None
