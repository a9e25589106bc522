"""Integrity of the data shipped in this repository: asserted, never warned about."""

from __future__ import annotations

import pytest

from tests.conftest import REPO
from warta.corpus.pipeline import corpus_store, record_hash
from warta.schema.documents import BLOCK_TYPES, REMOVAL_KINDS

STORE = corpus_store(REPO / "corpus" / "versions")
VERSIONS = STORE.versions()


def test_there_is_a_shipped_corpus_and_it_verifies():
    assert VERSIONS, "no corpus version shipped"
    assert STORE.verify() == []


@pytest.mark.parametrize("version", VERSIONS, ids=lambda v: v.name)
def test_every_record_is_consistent(version):
    rows = version.read("articles").to_pylist()
    ids = [r["doc_id"] for r in rows]
    assert len(ids) == len(set(ids)) == version.rows("articles")
    for row in rows:
        text = row["text"]
        assert record_hash(row) == row["record_sha256"], row["doc_id"]
        for block in row["blocks"]:
            assert block["type"] in BLOCK_TYPES
            assert 0 <= block["start"] < block["end"] <= len(text)
        assert {r["kind"] for r in row["removed"]} <= set(REMOVAL_KINDS)
        for token, start, end in zip(
            row["tokens"], row["token_starts"], row["token_ends"], strict=True
        ):
            assert text[start:end] == token, (row["doc_id"], start)
        assert [s["token_start"] for s in row["sentences"][1:]] == [
            s["token_end"] for s in row["sentences"][:-1]
        ]
        for sentence in row["sentences"]:
            assert (
                text[sentence["start"] : sentence["end"]].strip()
                == text[sentence["start"] : sentence["end"]]
            )


def test_raw_sources_are_kept_byte_for_byte():
    import hashlib

    import yaml

    provenance = yaml.safe_load((REPO / "corpus" / "raw" / "PROVENANCE.yaml").read_text())
    for name, entry in provenance["files"].items():
        data = (REPO / "corpus" / "raw" / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], name
