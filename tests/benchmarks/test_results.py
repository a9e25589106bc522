"""Result files: written where the leaderboard looks (task/protocol/entry-hash.json), read back
equal, and anything else is refused naming the file."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.conftest import REPO
from warta.benchmarks.results import (
    RESULT_FORMAT,
    BenchmarkResult,
    MetricValue,
    config_hash,
    git_commit,
    package_versions,
)
from warta.errors import WartaError


def result(**changes) -> BenchmarkResult:
    config = {"model": {"name": "rules"}, "seed": 13, "task": {"name": "ner"}}
    fields = dict(
        entry="rules", task="ner", protocol="cv", unit="block", model_version="rules-1",
        config=config, config_sha256=config_hash(config), git_commit="abc123",
        corpus={"version": "v0001", "content_sha256": "c" * 64},
        gold={"version": "v0001", "content_sha256": "g" * 64, "schema_sha256": "s" * 64},
        seed=13,
        metrics={"entity_f1_strict_v1": MetricValue(0.5, 0.6, 0.43, 0.4, 0.61, 0.95)},
        per_type={"PER": {"precision": 1.0, "recall": 0.5, "f1": 0.667, "support": 2}},
        types_scored=["PER", "GPE"],
        unit_counts={"units": ["d#b0", "d#b1"], "entity_f1_strict_v1": [[1, 0, 1], [2, 1, 0]]},
        predictions=[{"unit": "d#b0", "entities": [], "events": []}],
        packages={"warta": "0.1.0"},
    )  # fmt: skip
    return BenchmarkResult(**{**fields, **changes})


def test_write_then_read_is_the_same_result(tmp_path):
    written = result()
    path = written.write(tmp_path / "results")
    assert BenchmarkResult.read(path) == written
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == RESULT_FORMAT


def test_path_names_task_protocol_entry_and_config_hash(tmp_path):
    r = result()
    path = r.write(tmp_path)
    assert path == tmp_path / "ner" / "cv" / f"rules-{r.config_sha256[:10]}.json"
    assert path == r.path_in(tmp_path) and path.is_file()
    other = result(config={"model": {"name": "rules"}, "seed": 14, "task": {"name": "ner"}})
    other.config_sha256 = config_hash(other.config)
    assert other.path_in(tmp_path) != path  # another config never overwrites a result


def test_config_hash_ignores_key_order():
    assert config_hash({"a": 1, "b": {"c": 2, "d": 3}}) == config_hash(
        {"b": {"d": 3, "c": 2}, "a": 1}
    )
    assert config_hash({"a": 1}) != config_hash({"a": 2}) and len(config_hash({})) == 64


def test_a_file_of_another_format_is_refused(tmp_path):
    path = result().write(tmp_path)
    data = json.loads(path.read_text())
    data["format"] = "warta-result/0"
    path.write_text(json.dumps(data))
    with pytest.raises(
        WartaError, match=rf"{path}: not a {RESULT_FORMAT} result \(format 'warta-result/0'\)"
    ):
        BenchmarkResult.read(path)


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: "{ not json",
        lambda d: json.dumps({**d, "surprise": 1}),
        lambda d: json.dumps({**d, "metrics": {"x": {"value": 1}}}),
    ],
    ids=["not json", "unknown field", "incomplete metric"],
)
def test_an_unreadable_result_is_one_error_naming_the_file(tmp_path, damage):
    path = result().write(tmp_path)
    path.write_text(damage(json.loads(path.read_text())))
    with pytest.raises(WartaError, match=rf"^{path}: unreadable result"):
        BenchmarkResult.read(path)


def test_a_missing_file_is_an_error_naming_it(tmp_path):
    with pytest.raises(WartaError, match=r"missing\.json: unreadable result"):
        BenchmarkResult.read(tmp_path / "missing.json")


def test_git_commit_of_the_checkout_and_outside_one(tmp_path):
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    assert git_commit(REPO).removesuffix("+dirty") == head
    assert git_commit(tmp_path) is None


def test_package_versions_name_the_installed_ones():
    versions = package_versions()
    assert {"datasets", "pyarrow", "numpy"} <= set(versions)
    from importlib.metadata import version

    assert versions["pyarrow"] == version("pyarrow")
