"""The integrity checks themselves: they catch damage (the shipped data is checked in
tests/test_integrity.py)."""

from __future__ import annotations

from tests.conftest import REPO
from warta.repository import Repository
from warta.schema.annotation import load_schema

SNAPSHOTS = Repository(REPO).gold_store().versions()
SCHEMA = load_schema(REPO / "annotations" / "schema.yaml")


def test_the_checks_can_fail(tmp_path):
    """The gold checks catch a span that no longer reproduces its text and a forbidden role."""
    from warta.dataset.integrity import _document_problems

    (doc,) = SNAPSHOTS[-1].read("documents").to_pylist()
    doc["entities"][0]["text"] = "not the text"
    event = next(e for e in doc["events"] if e["arguments"])
    event["arguments"][0]["role"] = "territory" if event["type"] == "CONSULT" else "time"
    problems = _document_problems("gold", doc, SCHEMA)
    assert any("text 'not the text' does not match the document" in p for p in problems)
    assert any("role" in p for p in problems)
