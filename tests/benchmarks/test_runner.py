"""Benchmark runs on the shipped gold: protocols, provenance, confidence intervals, result files."""

from __future__ import annotations

import json

import pytest
from hydra import compose, initialize_config_dir

from tests.conftest import IDNER, REPO
from warta.benchmarks.results import BenchmarkResult
from warta.benchmarks.runner import run
from warta.schema.annotation import load_schema


def configured(tmp_path, *overrides):
    with initialize_config_dir(config_dir=str(REPO / "configs"), version_base="1.3"):
        return compose(
            "config",
            overrides=[
                f"results_dir={tmp_path / 'results'}",
                f"root={REPO}",
                f"data.train_path={IDNER / 'dev.txt'}",
                "metrics.bootstrap_samples=200",
                *overrides,
            ],
        )


def test_ner_test_protocol_writes_a_result_with_full_provenance(tmp_path):
    result = run(configured(tmp_path, "model=rules", "task=ner"))
    strict = result.metrics["entity_f1_strict_v1"]
    assert 0 < strict.value < 1 and result.protocol == "test" and result.unit == "document"
    assert strict.ci_low <= strict.value <= strict.ci_high
    assert result.gold["version"] == "v0001" and len(result.gold["content_sha256"]) == 64
    assert result.corpus["version"] == "v0001" and result.model_version == "rules-1"
    assert (
        result.git_commit
        and result.packages["datasets"]
        and result.config["model"]["name"] == "rules"
    )
    assert set(result.per_type) == set(
        load_schema(REPO / "annotations" / "schema.yaml").entity_types
    )
    (path,) = (tmp_path / "results" / "ner" / "test").glob("rules-*.json")
    again = BenchmarkResult.read(path)
    assert again.metrics["entity_f1_strict_v1"] == strict and again.predictions
    assert "token" not in json.dumps(again.config).lower()


def test_cv_over_blocks_gives_intervals_and_per_unit_counts(tmp_path):
    result = run(
        configured(tmp_path, "model=crf", "task=ner", "data=warta_cv", "model.max_iterations=20")
    )
    assert result.protocol == "cv" and result.unit == "block"
    units = result.unit_counts["units"]
    assert len(units) == len(result.unit_counts["entity_f1_strict_v1"]) > 5
    strict = result.metrics["entity_f1_strict_v1"]
    assert strict.ci_low < strict.value < strict.ci_high


def test_events_are_scored_with_textee_metrics(tmp_path):
    result = run(configured(tmp_path, "model=rules", "task=events"))
    assert {"trigger_f1_id_v1", "trigger_f1_cls_v1", "argument_f1_cls_attached_v1"} <= set(
        result.metrics
    )
    assert result.metrics["trigger_f1_id_v1"].value >= result.metrics["trigger_f1_cls_v1"].value


def test_seeded_runs_reproduce(tmp_path):
    first = run(configured(tmp_path, "model=rules", "data=warta_cv"))
    second = run(configured(tmp_path, "model=rules", "data=warta_cv"))
    assert first.metrics == second.metrics


def test_unknown_gold_version_is_a_clear_error(tmp_path):
    from warta.errors import WartaError

    with pytest.raises(WartaError, match="no gold version 'v0042'"):
        run(configured(tmp_path, "data.gold_version=v0042"))
