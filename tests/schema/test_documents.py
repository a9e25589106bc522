"""The article record: the shipped versions have exactly its schema, and the sentences of a real
ingested article reproduce the text at their offsets and tile its tokens."""

from __future__ import annotations

import itertools

import pyarrow.parquet as pq
import pytest

from tests.conftest import REPO, SEED
from warta.corpus.pipeline import ingest
from warta.schema.documents import (
    ARTICLE_SCHEMA,
    BLOCK_TYPES,
    VOLATILE_FIELDS,
    Sentence,
    sentences_of,
)
from warta.store import VersionedStore


@pytest.fixture(scope="module")
def article(tmp_path_factory) -> dict:
    """The seed article, ingested now into a fresh store (not read from the shipped version)."""
    store = VersionedStore.for_corpus(tmp_path_factory.mktemp("corpus") / "versions")
    (row,) = ingest([SEED], store).version.read("articles").to_pylist()
    return row


def test_sentences_reproduce_the_text_at_their_offsets(article):
    sentences = list(sentences_of(article))
    assert len(sentences) == len(article["sentences"]) > 10
    for sentence in sentences:
        assert sentence.text == article["text"][sentence.start : sentence.end]
        assert sentence.tokens and sentence.text.startswith(sentence.tokens[0])
        assert sentence.text.endswith(sentence.tokens[-1])
        for token, start, end in zip(
            sentence.tokens, sentence.local_starts, sentence.local_ends, strict=True
        ):
            assert sentence.text[start:end] == token


def test_sentences_tile_the_tokens_in_order(article):
    sentences = list(sentences_of(article))
    assert [s.index for s in sentences] == list(range(len(sentences)))
    assert [t for s in sentences for t in s.tokens] == article["tokens"]
    assert [x for s in sentences for x in s.token_starts] == article["token_starts"]
    assert all(a.end <= b.start for a, b in itertools.pairwise(sentences))


def test_local_offsets_are_relative_to_the_sentence():
    sentence = Sentence(
        3, 10, 21, "Putin tiba.", ["Putin", "tiba", "."], [10, 16, 20], [15, 20, 21]
    )
    assert sentence.local_starts == [0, 6, 10] and sentence.local_ends == [5, 10, 11]


def test_sentences_of_an_article_without_sentences_is_empty():
    assert list(sentences_of({"text": "", "sentences": [], "tokens": []})) == []


def test_shipped_corpus_versions_have_the_article_schema():
    for shard in sorted((REPO / "corpus" / "versions").glob("v*/articles/*.parquet")):
        assert pq.read_schema(shard).equals(ARTICLE_SCHEMA, check_metadata=False), shard


def test_volatile_fields_and_block_types_are_fields_and_types_of_the_record(article):
    assert set(VOLATILE_FIELDS) <= set(ARTICLE_SCHEMA.names)
    assert {b["type"] for b in article["blocks"]} <= set(BLOCK_TYPES)
    assert {"headline", "paragraph"} <= {b["type"] for b in article["blocks"]}
