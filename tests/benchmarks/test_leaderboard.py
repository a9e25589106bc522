"""The leaderboard ranks comparable, honest results with intervals and paired tests, breaks them
down per source, type and error, refuses the others with a reason, and writes its files."""

from __future__ import annotations

import json
import shutil
from html.parser import HTMLParser

import pytest

from tests.benchmarks.gold import configured
from tests.conftest import build_checkpoint
from warta.benchmarks.leaderboard import Interval, build_boards, load_results
from warta.benchmarks.leaderboard_page import render_html, render_markdown
from warta.benchmarks.leaderboard_plot import plot
from warta.benchmarks.runner import run


def submission(path, gold, manifest: dict | None, test_ids) -> str:
    """A predictions file: the gold of the test documents (a perfect system), with a manifest."""
    lines = [json.dumps({"manifest": manifest})] if manifest else []
    for doc_id in sorted(test_ids):
        entities = [{"type": m.type, "start": m.start, "end": m.end} for m in gold[doc_id].entities]
        lines.append(json.dumps({"doc_id": doc_id, "entities": entities}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


MANIFEST = {"model": "honest", "version": "1", "training_data": ["Warta train"],
            "warta_test_seen": False}  # fmt: skip


@pytest.fixture(scope="module")
def results_dir(bench_gold, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("board")
    results = tmp / "results"
    for model in ("rules", "crf"):
        run(configured(bench_gold.root, results, f"model={model}", "model.max_iterations=20"
                       if model == "crf" else "seed=13"))  # fmt: skip
    train = [bench_gold.rows[d]["text"] for d in bench_gold.ids("train")]
    checkpoint = build_checkpoint(tmp / "ckpt", ["O"], texts=train)[0]
    run(configured(bench_gold.root, results, "model=transformers", f"model.checkpoint={checkpoint}",
                   "model.epochs=2", "model.max_length=64", "model.learning_rate=0.001"))  # fmt: skip
    test_ids = bench_gold.ids("test")
    files = {
        "honest": MANIFEST,
        "cheat": {**MANIFEST, "model": "cheat", "warta_test_seen": True},
        "undeclared": None,
    }
    for entry, manifest in files.items():
        path = submission(tmp / f"{entry}.jsonl", bench_gold.gold, manifest, test_ids)
        run(configured(bench_gold.root, results, "model=predictions", f"model.path={path}",
                       f"entry={entry}"))  # fmt: skip
    return results


def boards(results_dir, bench_gold):
    snapshot = bench_gold.repo.gold_store().latest()
    return build_boards(load_results(results_dir), snapshot.name, snapshot.content_sha256)


def test_honest_entries_are_ranked_with_intervals_and_paired_tests(results_dir, bench_gold):
    (board,) = boards(results_dir, bench_gold)
    assert (board.task, board.protocol, board.primary) == ("ner", "test", "entity_f1_strict_v1")
    names = [e.result.entry for e in board.entries]
    assert set(names) == {"honest", "rules", "crf", "transformers"}
    tuned = next(e for e in board.entries if e.result.entry == "transformers")
    assert "+ft2-" in tuned.result.model_version and tuned.kind == "reproduced"
    honest = next(e for e in board.entries if e.result.entry == "honest")
    assert honest.result.metrics[board.primary].value == 1.0  # it submitted the gold
    values = [e.result.metrics[board.primary].value for e in board.entries]
    assert values == sorted(values, reverse=True)
    assert board.entries[0].p_vs_leader is None
    assert all(0 <= e.p_vs_leader <= 1 for e in board.entries[1:])
    assert [e.kind for e in board.entries].count("self-reported") == 1
    assert all(len(e.result.unit_counts["units"]) == 5 for e in board.entries)


def test_entries_that_saw_test_or_declare_nothing_are_never_ranked(results_dir, bench_gold):
    (board,) = boards(results_dir, bench_gold)
    reasons = {path.name.split("-")[0]: reason for path, reason in board.excluded}
    assert set(reasons) == {"cheat", "undeclared"}
    assert "saw Warta test documents" in reasons["cheat"]
    assert "declares no training data" in reasons["undeclared"]


def test_per_source_scores_have_their_own_intervals(results_dir, bench_gold):
    (board,) = boards(results_dir, bench_gold)
    assert board.sources == ["indosum", "ntrex-128", "seed"]
    rules = next(e for e in board.entries if e.result.entry == "rules")
    assert rules.by_source["ntrex-128"].units == 2 and rules.by_source["seed"].units == 1
    assert rules.by_source["seed"].interval_text() == "n/a (1 unit)"
    ntrex = rules.by_source["ntrex-128"]
    assert ntrex.low <= ntrex.value <= ntrex.high


def test_one_unit_gives_no_interval_and_no_p():
    assert Interval(0.854, 0.854, 0.854, 1).text() == "0.854 (n/a (1 unit))"
    assert Interval(0.5, 0.4, 0.6, 5).interval_text() == "0.400-0.600"


def test_a_one_unit_board_says_n_a(results_dir, bench_gold, tmp_path):
    folder = tmp_path / "results"
    shutil.copytree(results_dir, folder)
    for path in folder.rglob("*.json"):
        data = json.loads(path.read_text())
        for key, counts in data["unit_counts"].items():
            data["unit_counts"][key] = counts[:1]
        path.write_text(json.dumps(data))
    markdown = render_markdown(boards(folder, bench_gold))
    assert "n/a (1 unit)" in markdown and "0.854-0.854" not in markdown
    assert "| 2 |" in markdown and "| leader |" in markdown


def results_on_other_gold(results_dir, tmp_path):
    """A copy of the results folder whose crf result claims another gold snapshot: (folder, that
    result's path, its content)."""
    folder = tmp_path / "results"
    shutil.copytree(results_dir, folder)
    crf = next(folder.rglob("crf-*.json"))
    data = json.loads(crf.read_text())
    data["gold"].update(version="v0000", content_sha256="0" * 64)
    crf.write_text(json.dumps(data))
    return folder, crf, data


def test_results_on_other_gold_or_metric_versions_are_refused(results_dir, bench_gold, tmp_path):
    folder, crf, data = results_on_other_gold(results_dir, tmp_path)
    old = folder / "ner" / "test" / "old-0000000000.json"
    old.write_text(json.dumps({**data, "format": "warta-result/1"}))
    (board,) = boards(folder, bench_gold)
    reasons = {path.name: reason for path, reason in board.excluded}
    assert "scored on gold v0000" in reasons[crf.name]
    assert "not a warta-result/2 result" in reasons[old.name]


class Page(HTMLParser):
    """Sections with their ids, and per section the tables' classes and ranking rows."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: dict[str, dict] = {}
        self.current: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self.current = attrs["id"]
            self.sections[self.current] = {"tables": [], "rows": []}
        elif tag == "table" and self.current:
            self.sections[self.current]["tables"].append(attrs["class"])
        elif tag == "tr" and "data-rank" in attrs:
            self.sections[self.current]["rows"].append((attrs["data-rank"], attrs["data-entry"]))
        elif tag in ("link", "script") or (tag == "img" and not attrs["src"].startswith("data:")):
            raise AssertionError(f"an external resource: {tag} {attrs}")


def test_markdown_html_and_plot(results_dir, bench_gold, tmp_path):
    every = boards(results_dir, bench_gold)
    markdown = render_markdown(every)
    for part in ("## ner / test", "### Per source", "### Per type", "### Most frequent errors",
                 "self-reported", "reproduced", "Not ranked `cheat-"):  # fmt: skip
        assert part in markdown
    png = plot(every, tmp_path / "board.png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000
    page = Page()
    page.feed(render_html(every, png))
    section = page.sections["board-ner-test"]
    assert section["tables"] == ["ranking", "by-source", "by-type", "errors"]
    ranked = [e.result.entry for e in every[0].entries]
    assert section["rows"] == [(str(i), name) for i, name in enumerate(ranked, start=1)]
