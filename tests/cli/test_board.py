"""`warta leaderboard` as a user runs it: the boards on screen."""

from __future__ import annotations

import subprocess
import sys

from tests.benchmarks.test_leaderboard import results_dir  # noqa: F401 (fixture)
from tests.conftest import REPO


def test_cli_prints_the_board(results_dir):  # noqa: F811
    done = subprocess.run(
        [sys.executable, "-m", "warta", "--root", str(REPO), "leaderboard", "--results-dir", str(results_dir), "--no-write"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (
        "ner / cv" in done.stdout
        and "rules" in done.stdout
        and "cross-validation over blocks" in done.stdout
    )
