"""The protocol: a model's training sees train documents (validation for selection), never test."""

from __future__ import annotations

import pytest

from tests.benchmarks.gold import configured
from warta.benchmarks.protocols import evaluate_cv, guard_training
from warta.benchmarks.runner import run
from warta.errors import WartaError
from warta.models.base import TrainingGold
from warta.models.rules import RulesModel


@pytest.fixture
def offered(monkeypatch) -> list[TrainingGold]:
    """Every TrainingGold a rules model is trained with, recorded."""
    seen: list[TrainingGold] = []
    original = RulesModel.train

    def recording(self, gold):
        seen.append(gold)
        return original(self, gold)

    monkeypatch.setattr(RulesModel, "train", recording)
    return seen


@pytest.mark.parametrize("task", ["ner", "events"])
def test_test_protocol_trains_on_train_and_selects_on_validation(
    bench_gold, tmp_path, offered, task
):
    result = run(configured(bench_gold.root, tmp_path, "model=rules", f"task={task}"))
    (training,) = offered
    assert {r["doc_id"] for r in training.rows} == bench_gold.ids("train")
    assert {r["doc_id"] for r in training.validation.rows} == bench_gold.ids("validation")
    assert training.doc_ids().isdisjoint(bench_gold.ids("test"))
    assert set(result.unit_counts["units"]) == bench_gold.ids("test")
    assert result.training["kind"] == "reproduced" and result.training["warta_test_seen"] is False
    assert any("train (6 documents" in t for t in result.training["training_data"])


def test_cv_folds_cover_train_and_validation_only(bench_gold, tmp_path, offered):
    result = run(
        configured(bench_gold.root, tmp_path, "model=rules", "data=warta_cv", "data.folds=4")
    )
    development = bench_gold.ids("train") | bench_gold.ids("validation")
    assert result.unit == "document" and set(result.unit_counts["units"]) == development
    assert len(offered) == 4
    for training in offered:
        assert set(training.spans) < development


def test_a_test_document_offered_for_training_is_refused(bench_gold):
    (test_id, *_) = sorted(bench_gold.ids("test"))
    row = bench_gold.rows[test_id]
    training = TrainingGold.whole([row], bench_gold.gold)
    with pytest.raises(WartaError, match="protocol violation"):
        guard_training(training, {test_id})


def test_cv_without_training_documents_says_why():
    with pytest.raises(WartaError, match="no train or validation documents"):
        evaluate_cv({"train": [], "validation": [], "test": []}, {}, None, None)
