"""DATASHEET.md: every generated figure matches the data, and a stale one is caught."""

from __future__ import annotations

import pytest

from tests.conftest import REPO
from warta.errors import WartaError
from warta.publish.datasheet import BLOCK, BLOCKS, render
from warta.repository import Repository

SHIPPED = (REPO / "DATASHEET.md").read_text(encoding="utf-8")


def test_shipped_datasheet_figures_are_up_to_date():
    assert render(Repository(REPO), SHIPPED) == SHIPPED, (
        "run `warta datasheet` and commit the result"
    )


def test_a_hand_edited_figure_is_regenerated():
    line = next(x for x in SHIPPED.splitlines() if x.startswith("| entity mentions | "))
    stale = SHIPPED.replace(line, line.replace(" | ", " | 1", 1))  # one figure with a digit more
    assert stale != SHIPPED
    assert render(Repository(REPO), stale) == SHIPPED


def test_every_block_is_in_the_datasheet_and_filled_and_unknown_blocks_are_errors():
    bodies = {m.group("name"): m.group("body") for m in BLOCK.finditer(SHIPPED)}
    assert set(bodies) == set(BLOCKS)
    for name, body in bodies.items():
        assert "\n| --- |" in body, f"block {name} holds no table"
    with pytest.raises(WartaError, match="unknown generated block 'nonsense'"):
        render(Repository(REPO), "<!-- warta:begin nonsense -->\n<!-- warta:end nonsense -->\n")


def test_prose_outside_the_markers_stays_as_written(scratch_repo):
    text = (
        "# Datasheet\n\nWritten by hand.\n<!-- warta:begin gold -->\nold figures\n"
        "<!-- warta:end gold -->\nMore prose: <!-- not a block -->\n"
        "<!-- warta:begin agreement -->\n<!-- warta:end agreement -->\n"
        "<!-- warta:begin leaderboard -->\nx\n<!-- warta:end leaderboard -->\nThe end.\n"
    )
    rendered = render(Repository(scratch_repo), text)
    assert rendered == (
        "# Datasheet\n\nWritten by hand.\n<!-- warta:begin gold -->\nNo gold snapshot yet.\n"
        "<!-- warta:end gold -->\nMore prose: <!-- not a block -->\n"
        "<!-- warta:begin agreement -->\nNo agreement measured yet.\n<!-- warta:end agreement -->\n"
        "<!-- warta:begin leaderboard -->\nNo benchmark results yet.\n"
        "<!-- warta:end leaderboard -->\nThe end.\n"
    )
    assert render(Repository(scratch_repo), rendered) == rendered


def test_every_block_renders_before_there_is_any_data(scratch_repo):
    rendered = render(Repository(scratch_repo), SHIPPED)
    for name in ("composition", "language", "topics", "outlets", "time_span", "rights",
                 "cleaning", "duplicates"):  # fmt: skip
        assert f"<!-- warta:begin {name} -->\nNo corpus version yet.\n<!-- warta:end" in rendered
    assert render(Repository(scratch_repo), rendered) == rendered


def test_the_corpus_block_has_a_row_per_version_with_its_counts(scratch_repo):
    from warta.corpus.pipeline import ingest

    repo = Repository(scratch_repo)
    version = ingest([repo.raw_dir], repo.corpus_store()).version
    (row,) = version.read("articles").to_pylist()
    block = render(repo, "<!-- warta:begin corpus -->\n<!-- warta:end corpus -->\n")
    (line,) = [x for x in block.splitlines() if x.startswith("| v0001 ")]
    cells = [c.strip() for c in line.strip("|").split("|")]
    assert cells[3:7] == [
        "1",
        str(len(row["sentences"])),
        str(len(row["tokens"])),
        str(len(row["text"])),
    ]
