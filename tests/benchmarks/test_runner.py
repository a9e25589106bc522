"""Benchmark runs on a gold with real splits: models trained on train, scored on the test
documents with intervals, per-source, per-type and error records, and full provenance."""

from __future__ import annotations

import json

import pytest

from tests.benchmarks.gold import configured
from tests.conftest import IDNER, build_checkpoint
from warta.benchmarks.results import BenchmarkResult
from warta.benchmarks.runner import run
from warta.errors import WartaError


def test_ner_on_the_test_split_writes_a_result_with_full_provenance(bench_gold, tmp_path):
    result = run(configured(bench_gold.root, tmp_path, "model=rules", "task=ner"))
    strict = result.metrics["entity_f1_strict_v1"]
    assert result.protocol == "test" and result.unit == "document"
    assert 0 < strict.value < 1 and strict.ci_low < strict.value < strict.ci_high
    assert len(result.unit_counts["units"]) == len(bench_gold.ids("test")) == 5
    assert set(result.unit_sources.values()) == {"seed", "ntrex-128", "indosum"}
    assert result.unit_sources == {d: bench_gold.sources[d] for d in bench_gold.ids("test")}
    assert result.gold["version"] == "v0001" and len(result.gold["content_sha256"]) == 64
    assert result.model_version == "rules-2" and result.packages["datasets"]
    assert set(result.per_type) <= set(bench_gold.repo.schema().entity_types)
    assert result.per_type["PER"]["support"] > 0
    assert all(kind in result.per_type for kind in result.errors)
    (path,) = (tmp_path / "ner" / "test").glob("rules-*.json")
    again = BenchmarkResult.read(path)
    assert again.metrics["entity_f1_strict_v1"] == strict and again.predictions
    assert again.training == result.training and again.errors == result.errors


def test_the_rules_gazetteer_learns_train_names_and_not_test_ones(bench_gold, tmp_path):
    result = run(configured(bench_gold.root, tmp_path, "model=rules"))
    found = {(m["text"], m["type"]) for p in result.predictions for m in p["entities"]}
    assert ("Bank Indonesia", "ORG") in found and ("Surabaya", "GPE") in found
    assert ("Malaysia", "GPE") in found and ("Rp 5 miliar", "MONEY") in found
    assert ("Wonorejo", "GPE") not in found  # a test-only name no rule can type


def test_event_baselines_learn_from_train_events(bench_gold, tmp_path):
    result = run(configured(bench_gold.root, tmp_path, "model=event_lexicon", "task=events"))
    trigger = result.metrics["trigger_f1_cls_v1"]
    assert trigger.value > 0.9 and result.metrics["argument_f1_cls_v1"].value > 0
    assert set(result.per_type) == {"CONSULT", "COERCE", "SUPPORT"}
    assert result.training["training_data"][0].startswith("Warta gold v0001 train")


@pytest.mark.parametrize("model", ["crf", "crf_idner"])
def test_crf_entries_with_and_without_idner(bench_gold, tmp_path, model):
    result = run(configured(bench_gold.root, tmp_path, f"model={model}", "model.max_iterations=30"))
    assert result.entry == model and result.metrics["entity_f1_strict_v1"].value > 0
    external = [t for t in result.training["training_data"] if t.endswith("dev.txt")]
    assert (external == [str(IDNER / "dev.txt")]) == (model == "crf_idner")


def test_a_fine_tuned_transformer_goes_from_training_to_a_result(bench_gold, tmp_path):
    train = [bench_gold.rows[d]["text"] for d in bench_gold.ids("train")]
    folder = build_checkpoint(tmp_path / "ckpt", ["O", "B-PER", "I-PER"], texts=train)[0]
    result = run(
        configured(bench_gold.root, tmp_path / "results", "model=transformers",
                   f"model.checkpoint={folder}", "model.epochs=2", "model.max_length=64",
                   "model.learning_rate=0.001", "model.batch_size=4")
    )  # fmt: skip
    assert result.entry == "transformers" and "+ft2-" in result.model_version
    assert result.training["kind"] == "reproduced"
    assert any(t.startswith("checkpoint ckpt") for t in result.training["training_data"])
    assert len(result.unit_counts["units"]) == 5


def test_the_external_track_scores_through_the_schema_label_map(bench_gold, tmp_path):
    conll = tmp_path / "external.txt"
    conll.write_text(
        "Presiden O\nJoko B-PER\nWidodo I-PER\nke O\nMalaysia B-LOC\n\n"
        "Bank B-ORG\nIndonesia I-ORG\ndi O\nSurabaya B-LOC\n\n"
        "Siti B-PER\nRahayu I-PER\ntiba O\n\n",
        encoding="utf-8",
    )
    result = run(
        configured(bench_gold.root, tmp_path / "results", "model=rules", "data=idner_test",
                   f"data.external.path={conll}")
    )  # fmt: skip
    assert result.protocol == "external-idner-news-2k" and result.unit == "sentence"
    assert result.types_scored == ["LOC", "ORG", "PER"]
    assert result.gold["label_map"]["GPE"] == "LOC" and result.gold["trained_on_gold"] == "v0001"
    found = {(m["text"], m["type"]) for p in result.predictions for m in p["entities"]}
    assert {("Malaysia", "LOC"), ("Bank Indonesia", "ORG"), ("Siti Rahayu", "PER")} <= found
    assert len(result.unit_counts["units"]) == 3


def test_external_track_on_idner_test_runs(bench_gold, tmp_path):
    result = run(configured(bench_gold.root, tmp_path, "model=rules", "data=idner_test",
                            f"data.external.path={IDNER / 'test.txt'}"))  # fmt: skip
    strict = result.metrics["entity_f1_strict_v1"]
    assert len(result.unit_counts["units"]) > 100 and strict.ci_low < strict.value < strict.ci_high


def test_seeded_runs_reproduce(bench_gold, tmp_path):
    first = run(configured(bench_gold.root, tmp_path, "model=rules", "data=warta_cv"))
    second = run(configured(bench_gold.root, tmp_path, "model=rules", "data=warta_cv"))
    assert first.metrics == second.metrics


def test_unknown_gold_version_is_a_clear_error(bench_gold, tmp_path):
    with pytest.raises(WartaError, match="no gold version 'v0042'"):
        run(configured(bench_gold.root, tmp_path, "data.gold_version=v0042"))


def test_the_result_never_holds_a_secret(bench_gold, tmp_path):
    result = run(configured(bench_gold.root, tmp_path, "model=rules"))
    assert "token" not in json.dumps(result.config).lower()
