"""The model registry and the rules baseline: outputs are valid predictions under the schema."""

from __future__ import annotations

import re

import pytest

from tests.conftest import IDNER, REPO
from warta.annotations.convert import read_annotation, to_results
from warta.errors import WartaError
from warta.models import get_model, model_names
from warta.schema.annotation import load_schema
from warta.schema.mentions import Provenance
from warta.store import VersionedStore

SCHEMA = load_schema(REPO / "annotations" / "schema.yaml")


@pytest.fixture(scope="module")
def seed() -> dict:
    (row,) = (
        VersionedStore.for_corpus(REPO / "corpus" / "versions")
        .get("v0001")
        .read("articles")
        .to_pylist()
    )
    return row


TRAINING = {
    "crf": {"train_path": str(IDNER / "dev.txt"), "max_iterations": 20},
    "predictions": {"path": str(REPO / "tests" / "fixtures" / "predictions" / "seed.jsonl")},
}


@pytest.fixture(scope="module")
def options(tiny_checkpoint) -> dict[str, dict]:
    """Constructor options per model: its training data, or the file or checkpoint it reads."""
    return {**TRAINING, "transformers": {"checkpoint": str(tiny_checkpoint)}}


@pytest.mark.parametrize("name", model_names())
def test_every_model_predicts_valid_labelled_annotations(name, seed, options):
    model = get_model(name, **options.get(name, {}))
    (doc,) = model.predict([seed])
    assert doc.provenance.model_version == model.model_version
    _, problems = read_annotation(SCHEMA, doc.doc_id, seed["text"], to_results(doc), Provenance())
    assert problems == []


def test_rules_model_finds_the_obvious(seed):
    (doc,) = get_model("rules").predict([seed])
    found = {(m.text, m.type) for m in doc.entities}
    assert {
        ("Taliban", "ORG"),
        ("CSTO", "ORG"),
        ("Tajikistan", "GPE"),
        ("14 Februari 2003", "DATE"),
    } <= found
    assert ("lebih dari 1.000", "CARDINAL") in found
    kinds = {e.type for e in doc.events}
    assert {"CONSULT", "MOBILIZE", "RETREAT", "SEIZE_TERRITORY"} <= kinds


def test_unknown_model_is_a_clear_error():
    listed = re.escape(", ".join(model_names()))
    assert {"predictions", "transformers"} <= set(model_names())
    with pytest.raises(WartaError, match=rf"unknown model 'gpt' \(models: {listed}\)"):
        get_model("gpt")
