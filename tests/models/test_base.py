"""The model registry and the interface every model implements: outputs are valid predictions
under the schema, and an unknown name is a clear error."""

from __future__ import annotations

import re

import pytest

from tests.conftest import IDNER, REPO
from warta.annotations.convert import read_annotation, to_results
from warta.errors import WartaError
from warta.models import get_model, model_names
from warta.schema.annotation import load_schema
from warta.schema.mentions import Provenance

SCHEMA = load_schema(REPO / "annotations" / "schema.yaml")


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


def test_unknown_model_is_a_clear_error():
    listed = re.escape(", ".join(model_names()))
    assert {"predictions", "transformers"} <= set(model_names())
    with pytest.raises(WartaError, match=rf"unknown model 'gpt' \(models: {listed}\)"):
        get_model("gpt")
