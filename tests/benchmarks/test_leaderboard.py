"""The leaderboard ranks comparable results, refuses the others with a reason, and draws them."""

from __future__ import annotations

import json

import pytest

from tests.benchmarks.test_runner import configured
from tests.conftest import REPO
from warta.benchmarks.leaderboard import build_boards, load_results, plot, render_markdown
from warta.benchmarks.runner import run
from warta.repository import Repository

GOLD = Repository(REPO).gold_store().latest()


@pytest.fixture(scope="module")
def results_dir(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("board")
    for model in ("rules", "crf"):
        run(
            configured(
                tmp,
                f"model={model}",
                "data=warta_cv",
                "model.max_iterations=20" if model == "crf" else "seed=13",
            )
        )
    return tmp / "results"


def boards(results_dir):
    return build_boards(load_results(results_dir), GOLD.name, GOLD.content_sha256)


def test_comparable_results_are_ranked_with_a_paired_test(results_dir):
    (board,) = boards(results_dir)
    assert (board.task, board.protocol, board.primary) == ("ner", "cv", "entity_f1_strict_v1")
    values = [e.result.metrics[board.primary].value for e in board.entries]
    assert values == sorted(values, reverse=True) and len(values) == 2
    assert board.entries[0].p_vs_leader is None and 0 <= board.entries[1].p_vs_leader <= 1
    assert board.excluded == []


def rewrite(path, change) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def test_results_on_other_gold_or_metric_versions_are_refused_with_the_reason(
    results_dir, tmp_path
):
    import shutil

    folder = tmp_path / "results"
    shutil.copytree(results_dir, folder)
    crf = next(folder.rglob("crf-*.json"))
    rewrite(crf, lambda d: d["gold"].update(version="v0000", content_sha256="0" * 64))
    (board,) = boards(folder)
    assert [e.result.entry for e in board.entries] == ["rules"]
    ((path, reason),) = board.excluded
    assert (
        path == crf and "scored on gold v0000" in reason and f"current gold {GOLD.name}" in reason
    )
    rewrite(crf, lambda d: d["gold"].update(version=GOLD.name, content_sha256=GOLD.content_sha256))
    rewrite(
        crf,
        lambda d: d["metrics"].update(entity_f1_strict_v2=d["metrics"].pop("entity_f1_strict_v1")),
    )
    (board,) = boards(folder)
    ((path, reason),) = board.excluded
    assert "entity_f1_strict_v1 missing" in reason and "another metric version" in reason


def test_markdown_and_plot(results_dir, tmp_path):
    markdown = render_markdown(boards(results_dir))
    assert (
        "## ner / cv" in markdown
        and "| 1 | rules" in markdown
        and "cross-validation over blocks" in markdown
    )
    png = tmp_path / "board.png"
    plot(boards(results_dir), png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000
