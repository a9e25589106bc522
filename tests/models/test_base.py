"""The model registry and the interface every model implements: outputs are valid predictions
under the schema, an unknown name is a clear error, and training gold is only what is allowed."""

from __future__ import annotations

import re

import pytest

from tests.conftest import IDNER, REPO, shipped_seed_gold
from tests.models.dummy import DummyModel
from warta.annotations.convert import read_annotation, to_results
from warta.errors import WartaError
from warta.models import get_model, model_names
from warta.models.base import TrainingGold
from warta.schema.annotation import load_schema
from warta.schema.mentions import Provenance
from warta.schema.records import annotation_from_record

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


# --- TrainingGold and the interface ------------------------------------------------------------

GOLD_ROW = shipped_seed_gold()


def training(spans: list[tuple[int, int]]) -> TrainingGold:
    doc_id = GOLD_ROW["doc_id"]
    return TrainingGold([GOLD_ROW], {doc_id: annotation_from_record(GOLD_ROW)}, {doc_id: spans})


def test_allows_only_spans_inside_an_allowed_one():
    gold = TrainingGold(spans={"d": [(10, 20), (30, 40)]})
    assert gold.allows("d", 10, 20) and gold.allows("d", 12, 15) and gold.allows("d", 30, 40)
    assert not gold.allows("d", 5, 15) and not gold.allows("d", 15, 35)
    assert not gold.allows("d", 18, 21) and not gold.allows("other", 10, 20)


def test_sentences_come_only_from_allowed_spans():
    assert training([]).sentences() == []
    everything = training([(0, len(GOLD_ROW["text"]))]).sentences()
    assert len(everything) == len(GOLD_ROW["sentences"])
    block = next(b for b in GOLD_ROW["blocks"] if b["type"] == "paragraph")
    some = training([(block["start"], block["end"])]).sentences()
    inside = [
        s
        for s in GOLD_ROW["sentences"]
        if block["start"] <= s["start"] and s["end"] <= block["end"]
    ]
    assert 0 < len(some) == len(inside) < len(everything)
    assert {s.sentence_id for s in some} == {f"{GOLD_ROW['doc_id']}:{s['start']}" for s in inside}


def test_tagged_sentences_carry_the_gold_entities_in_sentence_offsets():
    sentences = training([(0, len(GOLD_ROW["text"]))]).sentences()
    spans = [(s.text[start:end], kind) for s in sentences for start, end, kind in s.spans]
    inside = sum(
        1
        for m in GOLD_ROW["entities"]
        for s in GOLD_ROW["sentences"]
        if s["start"] <= m["start"] and m["end"] <= s["end"]
    )
    assert len(spans) == inside > 100
    assert ("Vladimir Putin", "PER") in spans
    for s in sentences:
        for token, start, end in zip(s.tokens, s.starts, s.ends, strict=True):
            assert s.text[start:end] == token


def test_documents_are_the_gold_of_the_rows_in_order():
    gold = training([])
    assert [d.doc_id for d in gold.documents()] == [GOLD_ROW["doc_id"]]


def test_predict_joins_entities_and_events_with_the_model_version(seed):
    model = DummyModel({"Putin": "PER", "Rusia": "GPE"})
    (doc,) = model.predict([seed])
    assert doc.doc_id == seed["doc_id"] and doc.events == []
    assert doc.provenance.model_version == model.model_version == "dummy-1"
    assert {m.text for m in doc.entities} == {"Putin", "Rusia"}
    assert model.predict([]) == []
