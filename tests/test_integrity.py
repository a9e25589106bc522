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


# --- shipped gold -----------------------------------------------------------------------------

from warta.annotations.gold import gold_store  # noqa: E402
from warta.schema.annotation import load_schema  # noqa: E402

GOLD = gold_store(REPO / "annotations")
SNAPSHOTS = GOLD.versions()
SCHEMA = load_schema(REPO / "annotations" / "schema.yaml")


def test_there_is_shipped_gold_and_it_verifies():
    assert SNAPSHOTS, "no gold snapshot shipped"
    assert GOLD.verify() == []


@pytest.mark.parametrize("snapshot", SNAPSHOTS, ids=lambda v: v.name)
def test_gold_is_consistent_with_its_corpus_and_schema(snapshot):
    corpus = STORE.get(snapshot.manifest["corpus_version"])
    texts = {
        r["doc_id"]: r["text"] for r in corpus.read("articles", ["doc_id", "text"]).to_pylist()
    }
    export = REPO / snapshot.manifest["export"]["path"]
    assert export.is_file(), "the Label Studio export a snapshot came from is committed"
    import hashlib

    assert hashlib.sha256(export.read_bytes()).hexdigest() == snapshot.manifest["export"]["sha256"]
    for doc in snapshot.read("documents").to_pylist():
        text = texts[doc["doc_id"]]
        assert doc["text"] == text
        ids = [m["mention_id"] for m in doc["entities"]] + [e["event_id"] for e in doc["events"]]
        assert len(ids) == len(set(ids)), "mention and event ids are unique in a document"
        mentions = {m["mention_id"]: m for m in doc["entities"]}
        canonical: dict[str, str] = {}
        for m in doc["entities"]:
            assert m["type"] in SCHEMA.entity_types
            assert text[m["start"] : m["end"]] == m["text"], m
            if m["entity_id"]:
                assert (
                    canonical.setdefault(m["entity_id"], m["canonical_name"]) == m["canonical_name"]
                ), m
        for event in doc["events"]:
            assert event["type"] in SCHEMA.event_types and event["realis"] in SCHEMA.realis
            assert text[event["trigger_start"] : event["trigger_end"]] == event["trigger_text"]
            assert event["mode"] is None or event["mode"] in SCHEMA.event_types[event["type"]].modes
            for argument in event["arguments"]:
                target = mentions[argument["mention_id"]]
                assert (target["start"], target["end"], target["type"]) == (
                    argument["start"], argument["end"], argument["type"],
                )  # fmt: skip
                assert SCHEMA.role_allows(event["type"], argument["role"], target["type"]) is None


def test_every_gold_document_has_exactly_one_recorded_split():
    import yaml

    splits = yaml.safe_load((REPO / "annotations" / "splits.yaml").read_text())
    for snapshot in SNAPSHOTS:
        recorded = snapshot.manifest["splits"]
        ids = [d for docs in recorded.values() for d in docs]
        assert len(ids) == len(set(ids))
        assert all(splits[d] in recorded and d in recorded[splits[d]] for d in ids)
