"""`warta-bench` as a user runs it: one entry scored on the shipped gold into a results folder
of the user's choosing, one summary line, and one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from warta.repository import ROOT_ENV

BENCH = Path(sys.executable).parent / "warta-bench"
pytestmark = pytest.mark.skipif(
    not BENCH.is_file(), reason="warta-bench is not installed beside python"
)


def bench(*overrides: str, cwd: Path, root: Path | None = REPO) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != ROOT_ENV}
    if root is not None:
        env[ROOT_ENV] = str(root)
    return subprocess.run(
        [str(BENCH), *overrides], capture_output=True, text=True, timeout=300, cwd=cwd, env=env
    )


def test_one_entry_prints_its_primary_metric_and_writes_its_result(tmp_path):
    before = sorted(p.name for p in (REPO / "benchmarks").rglob("*"))
    results = tmp_path / "results"
    done = bench("model=rules", "task=ner", f"results_dir={results}",
                 "metrics.bootstrap_samples=200", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    (path,) = (results / "ner" / "test").glob("rules-*.json")
    result = json.loads(path.read_text())
    metric = result["metrics"]["entity_f1_strict_v1"]
    assert done.stdout.strip() == (
        f"rules [ner/test, 1 documents, gold {result['gold']['version']}]: entity_f1_strict_v1 = "
        f"{metric['value']:.3f} (95% CI {metric['ci_low']:.3f}-{metric['ci_high']:.3f})"
    )
    assert (tmp_path / "benchmarks" / "runs").is_dir()  # Hydra's run folder: in the cwd
    assert sorted(p.name for p in (REPO / "benchmarks").rglob("*")) == before


def test_a_runner_error_is_one_line_and_exit_1(tmp_path):
    done = bench("data.gold_version=v0042", f"results_dir={tmp_path / 'results'}", cwd=tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("error: ") and "no gold version 'v0042'" in line
    assert not (tmp_path / "results").exists()


def test_outside_a_repository_is_one_line(tmp_path):
    done = bench("model=rules", cwd=tmp_path, root=None)
    assert done.returncode == 1
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("error: ") and "not inside a Warta repository" in line
