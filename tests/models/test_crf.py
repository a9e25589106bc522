"""The CRF tagger: trains on a CoNLL file (with its label map) plus the Warta gold it is allowed,
and predicts valid spans of the article text."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.conftest import REPO, shipped_seed_gold
from warta.corpus.readers import RawArticle
from warta.corpus.steps import ArticlePipeline
from warta.errors import WartaError
from warta.models import get_model
from warta.models.base import TrainingGold
from warta.models.crf import CrfModel, token_features
from warta.schema.annotation import load_schema
from warta.schema.records import annotation_from_record
from warta.schema.validate import check_annotation

SCHEMA = load_schema(REPO / "annotations" / "schema.yaml")
NAMES = [("Joko", "Widodo"), ("Prabowo", "Subianto"), ("Anies", "Baswedan"), ("Ganjar", "Pranowo")]
PLACES = ["Jakarta", "Surabaya", "Bandung", "Medan"]
PARTIES = ["PDIP", "Gerindra", "Golkar", "Nasdem"]


@pytest.fixture(scope="module")
def conll(tmp_path_factory) -> Path:
    """Sixteen tagged sentences: a PER name visits a LOC place with an ORG party."""
    lines = []
    for i in range(16):
        first, last = NAMES[i % 4]
        lines += [f"{first} B-PER", f"{last} I-PER", "mengunjungi O", f"{PLACES[(i + 1) % 4]} B-LOC",
                  "bersama O", "kader O", f"{PARTIES[(i + 2) % 4]} B-ORG", ". O", ""]  # fmt: skip
    path = tmp_path_factory.mktemp("conll") / "tiny.conll"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def article(text: str) -> dict:
    raw = RawArticle("a.txt", "txt", text, hashlib.sha256(text.encode()).hexdigest())
    return ArticlePipeline().process(raw)


ARTICLE = (
    "Prabowo Subianto mengunjungi Medan bersama kader Golkar pada hari Senin, kata "
    "pejabat partai kepada wartawan di kota itu."
)


def test_trains_on_a_conll_file_and_predicts_valid_spans(conll):
    model = get_model("crf", train_path=str(conll), max_iterations=50)
    row = article(ARTICLE)
    (doc,) = model.predict([row])
    found = {(m.text, m.type) for m in doc.entities}
    assert {("Prabowo Subianto", "PER"), ("Medan", "GPE"), ("Golkar", "ORG")} <= found
    assert all(row["text"][m.start : m.end] == m.text for m in doc.entities)
    assert check_annotation(doc, row["text"], SCHEMA) == []
    assert doc.provenance.model_version == "crf-1"


def test_the_label_map_decides_the_types(conll):
    model = CrfModel(str(conll), label_map={"PER": "PER", "ORG": None, "LOC": "LOC"}).fit()
    assert set(model._crf.classes_) == {"O", "B-PER", "I-PER", "B-LOC"}
    (doc,) = model.predict([article(ARTICLE)])
    assert {m.type for m in doc.entities} <= {"PER", "LOC"}


def test_training_adds_only_the_allowed_warta_gold(conll):
    row = shipped_seed_gold()
    gold = {row["doc_id"]: annotation_from_record(row)}
    allowed = CrfModel(str(conll), max_iterations=20)
    allowed.train(TrainingGold([row], gold, {row["doc_id"]: [(0, len(row["text"]))]}))
    assert {"B-DATE", "B-CARDINAL", "B-NORP"} <= set(allowed._crf.classes_)  # not in the file
    nothing = CrfModel(str(conll), max_iterations=20)
    nothing.train(TrainingGold([row], gold, {}))
    assert set(nothing._crf.classes_) == {"O", "B-PER", "I-PER", "B-GPE", "B-ORG"}


def test_without_training_data_it_is_a_clear_error():
    with pytest.raises(
        WartaError, match=r"the crf model needs training data: set model\.train_path"
    ):
        CrfModel().predict_entities([article(ARTICLE)])


def test_token_features_look_at_the_neighbours():
    features = token_features(["di", "Jakarta", "Pusat"], 1)
    assert features["lower"] == "jakarta" and features["is_title"] and features["shape"] == "Xxxxxx"
    assert features["-1:lower"] == "di" and features["1:lower"] == "pusat"
    assert features["-2:edge"] and features["2:edge"] and "-2:lower" not in features
