"""`warta leaderboard` as a user runs it: the boards on screen, filters, refusals, and the
board and plot written into the repository."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.benchmarks.test_leaderboard import (  # noqa: F401 (fixture)
    results_dir,
    results_on_other_gold,
)


def board(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "warta", "--root", str(root), "leaderboard", "--no-write", *args],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_cli_prints_the_board(results_dir, bench_gold):  # noqa: F811
    done = board(bench_gold.root, "--results-dir", str(results_dir))
    assert done.returncode == 0, done.stderr
    assert "ner / test" in done.stdout and "rules" in done.stdout
    assert "honest" in done.stdout and "n/a" not in done.stdout
    assert "not ranked cheat-" in done.stderr


def test_no_results_is_said_plainly(tmp_path, bench_gold):
    done = board(bench_gold.root, "--results-dir", str(tmp_path / "none"))
    assert done.returncode == 0 and done.stdout.strip() == (
        f"no results in {tmp_path / 'none'}: run `warta-bench` first"
    )


def test_task_and_protocol_filter_the_boards(results_dir, bench_gold):  # noqa: F811
    assert (
        "ner / test"
        in board(bench_gold.root, "--results-dir", str(results_dir), "--task", "ner").stdout
    )
    for other in (("--task", "events"), ("--protocol", "cv")):
        done = board(bench_gold.root, "--results-dir", str(results_dir), *other)
        assert done.returncode == 0 and done.stdout.startswith("no results in")


def test_a_result_on_other_gold_is_listed_as_not_ranked(results_dir, bench_gold, tmp_path):  # noqa: F811
    folder, crf, _ = results_on_other_gold(results_dir, tmp_path)
    done = board(bench_gold.root, "--results-dir", str(folder))
    assert done.returncode == 0 and f"not ranked {crf.name}: scored on gold v0000" in done.stderr


def write_board(root: Path, results: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "warta", "--root", str(root), "leaderboard", "--results-dir", str(results)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_writing_puts_the_board_plot_and_page_in_the_repository(tmp_path, results_dir, bench_gold):  # noqa: F811
    root = tmp_path / "repo"
    for folder in ("corpus", "benchmarks", "annotations/gold"):
        (root / folder).mkdir(parents=True)
    shutil.copytree(bench_gold.repo.gold_dir, root / "annotations" / "gold", dirs_exist_ok=True)
    done = write_board(root, results_dir)
    assert done.returncode == 0, done.stderr
    markdown = (root / "benchmarks" / "LEADERBOARD.md").read_text(encoding="utf-8")
    assert "## ner / test" in markdown and "### Per source" in markdown
    assert (root / "benchmarks" / "leaderboard.png").read_bytes()[:4] == b"\x89PNG"
    page = (root / "benchmarks" / "leaderboard.html").read_text(encoding="utf-8")
    assert '<section class="board" id="board-ner-test">' in page and "data:image/png" in page


def test_a_repository_without_a_benchmarks_folder_is_one_line_or_works(scratch_repo, results_dir):  # noqa: F811
    done = write_board(scratch_repo, results_dir)
    assert done.returncode == 0 or done.stderr.startswith("error: ")
