"""Label Studio exports -> mentions: a golden export pair (input file, expected output)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from tests.conftest import REPO
from warta.annotations.bridge import parse_export
from warta.schema.annotation import load_schema
from warta.schema.mentions import DocumentAnnotation

FIXTURES = Path(__file__).parents[1] / "fixtures" / "labelstudio"
SCHEMA = load_schema(REPO / "annotations" / "schema.yaml")


def as_plain(docs: dict[str, list[DocumentAnnotation]]) -> list[dict]:
    return [
        {"annotation_id": d.provenance.annotation_id, "annotator": d.provenance.annotator,
         "ground_truth": d.provenance.ground_truth, "entities": [asdict(m) for m in d.entities],
         "events": [asdict(e) for e in d.events]}
        for docs_of_doc in docs.values() for d in docs_of_doc
    ]  # fmt: skip


def test_golden_export_converts_to_the_expected_mentions():
    export = FIXTURES / "export_two_annotators.json"
    (task,) = json.loads(export.read_text())
    parsed = parse_export(export, SCHEMA, {task["data"]["doc_id"]: task["data"]["text"]}, "v0001")
    assert parsed.problems == []
    expected = json.loads((FIXTURES / "export_two_annotators.expected.json").read_text())
    assert json.loads(json.dumps(as_plain(parsed.annotations))) == expected
