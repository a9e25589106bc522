"""Integrity of the data shipped in this repository: asserted, never warned about."""

from __future__ import annotations

import hashlib

import pytest
import yaml

from tests.conftest import REPO
from warta.annotations.gold import gold_store
from warta.corpus.pipeline import corpus_store
from warta.dataset.integrity import corpus_problems, gold_problems
from warta.layout import Layout
from warta.schema.annotation import load_schema

STORE = corpus_store(REPO / "corpus" / "versions")
VERSIONS = STORE.versions()
GOLD = gold_store(REPO / "annotations")
SNAPSHOTS = GOLD.versions()
SCHEMA = load_schema(REPO / "annotations" / "schema.yaml")


def test_there_is_a_shipped_corpus_and_gold_and_both_verify():
    assert VERSIONS and SNAPSHOTS
    assert STORE.verify() == [] and GOLD.verify() == []


@pytest.mark.parametrize("version", VERSIONS, ids=lambda v: v.name)
def test_every_corpus_record_is_consistent(version):
    assert corpus_problems(version) == []


@pytest.mark.parametrize("snapshot", SNAPSHOTS, ids=lambda v: v.name)
def test_gold_is_consistent_with_its_corpus_schema_and_export(snapshot):
    corpus = STORE.get(snapshot.manifest["corpus_version"])
    assert gold_problems(Layout(REPO), snapshot, corpus, SCHEMA) == []
    assert snapshot.rows("documents") > 0


def test_the_checks_can_fail(tmp_path):
    """The gold checks catch a span that no longer reproduces its text and a forbidden role."""
    from warta.dataset.integrity import _document_problems

    (doc,) = SNAPSHOTS[-1].read("documents").to_pylist()
    doc["entities"][0]["text"] = "not the text"
    event = next(e for e in doc["events"] if e["arguments"])
    event["arguments"][0]["role"] = "territory" if event["type"] == "CONSULT" else "time"
    problems = _document_problems("gold", doc, SCHEMA)
    assert any("does not reproduce 'not the text'" in p for p in problems)
    assert any("role" in p for p in problems)


def test_every_gold_document_has_exactly_one_recorded_split():
    splits = yaml.safe_load((REPO / "annotations" / "splits.yaml").read_text())
    for snapshot in SNAPSHOTS:
        recorded = snapshot.manifest["splits"]
        ids = [d for docs in recorded.values() for d in docs]
        assert len(ids) == len(set(ids))
        assert all(d in recorded[splits[d]] for d in ids)


def test_raw_sources_are_kept_byte_for_byte():
    provenance = yaml.safe_load((REPO / "corpus" / "raw" / "PROVENANCE.yaml").read_text())
    for name, entry in provenance["files"].items():
        data = (REPO / "corpus" / "raw" / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], name
