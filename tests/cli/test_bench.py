"""`warta-bench` as a user runs it: one entry scored on a gold with splits into a results folder
of the user's choosing, one summary line, and one-line errors for bad settings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from warta.repository import ROOT_ENV


def bench(*overrides: str, cwd: Path, root: Path | None = REPO) -> subprocess.CompletedProcess:
    """``warta-bench`` (its module, so the code under test runs) in ``cwd``."""
    env = {k: v for k, v in os.environ.items() if k != ROOT_ENV}
    if root is not None:
        env[ROOT_ENV] = str(root)
    return subprocess.run(
        [sys.executable, "-m", "warta.cli.bench", *overrides],
        capture_output=True, text=True, timeout=300, cwd=cwd, env=env,
    )  # fmt: skip


def test_one_entry_prints_its_primary_metric_and_writes_its_result(bench_gold, tmp_path):
    before = sorted(p.name for p in (REPO / "benchmarks").rglob("*"))
    results = tmp_path / "results"
    done = bench("model=rules", "task=ner", f"results_dir={results}",
                 "metrics.bootstrap_samples=200", cwd=tmp_path, root=bench_gold.root)  # fmt: skip
    assert done.returncode == 0, done.stderr
    (path,) = (results / "ner" / "test").glob("rules-*.json")
    result = json.loads(path.read_text())
    metric = result["metrics"]["entity_f1_strict_v1"]
    assert done.stdout.strip() == (
        f"rules [ner/test, 5 documents, gold {result['gold']['version']}]: entity_f1_strict_v1 = "
        f"{metric['value']:.3f} (95% CI {metric['ci_low']:.3f}-{metric['ci_high']:.3f})"
    )
    assert (tmp_path / "benchmarks" / "runs").is_dir()  # Hydra's run folder: in the cwd
    assert sorted(p.name for p in (REPO / "benchmarks").rglob("*")) == before


@pytest.mark.parametrize(
    "override",
    ["metrics.bootstrap_samples=abc", "metrics.confidence=1.5", "seed=abc", "data.folds=0",
     "results_dir=/proc/nope", "metrics.types=[PERSON]", "entry='../../../../outside/x'"],
)  # fmt: skip
def test_a_bad_setting_is_one_line_and_exit_1(bench_gold, tmp_path, override):
    done = bench("model=rules", override, cwd=tmp_path, root=bench_gold.root)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    (line,) = done.stderr.strip().splitlines()
    setting = override.split("=")[0]
    assert line.startswith(f"error: {setting}=")
    assert not (bench_gold.root.parent / "outside").exists()


def test_a_runner_error_is_one_line_and_exit_1(bench_gold, tmp_path):
    done = bench("data.gold_version=v0042", f"results_dir={tmp_path / 'results'}", cwd=tmp_path,
                 root=bench_gold.root)  # fmt: skip
    assert done.returncode == 1 and "Traceback" not in done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("error: ") and "no gold version 'v0042'" in line
    assert not (tmp_path / "results").exists()


def test_outside_a_repository_is_one_line(tmp_path):
    done = bench("model=rules", cwd=tmp_path, root=None)
    assert done.returncode == 1
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("error: ") and "not inside a Warta repository" in line
