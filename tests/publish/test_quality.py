"""Cleaning and duplicate blocks: judgements checked against the stored cleaning, skipped copies
compared with the kept ones."""

from __future__ import annotations

import yaml

from tests.publish.conftest import FLOOD_ID, QUAKE_ID, block_rows
from warta.publish import quality


def judge(repo, articles: dict) -> None:
    path = repo.cleaning_judgements
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump({"articles": articles}), encoding="utf-8")


def test_without_judgements_the_block_says_so(mixed_repo):
    assert quality.cleaning_block(mixed_repo) == "No cleaning judgements yet.\n"


def test_cleaning_figures_come_from_the_judgements_and_the_stored_removals(mixed_repo):
    judge(mixed_repo, {
        FLOOD_ID: {"remaining_boilerplate": [], "wrongly_removed": [
            {"line": 3, "text": "Baca juga : Banjir Jakarta surut"}]},
        QUAKE_ID: {"remaining_boilerplate": [{"line": 1, "text": "Palu dan Donggala"}],
                   "wrongly_removed": []},
        "1400000000-not-in-the-corpus": {"remaining_boilerplate": [], "wrongly_removed": []},
    })  # fmt: skip
    block = quality.cleaning_block(mixed_repo)
    figures = dict(r[:2] for r in block_rows(block.split("\n\n", 1)[1].split("Everything")[0]))
    assert figures == {
        "articles judged": "3", "of them in corpus v0001": "2",
        "pieces cleaning removed from them": "1", "boilerplate lines left in": "1 (in 1 articles)",
        "content lines wrongly removed": "1", "judgements that no longer match the stored text": "0",
    }  # fmt: skip
    removals = {r[0]: r[1:] for r in block_rows(block.split("Everything", 1)[1])}
    assert removals["`indosum`"] == ["1 of 2 (50.0%)", "1", "0"]  # boilerplate, duplicate_headline
    assert removals["`seed`"] == ["1 of 1 (100.0%)", "1", "2"]


def test_a_judgement_the_stored_cleaning_contradicts_is_counted(mixed_repo):
    judge(mixed_repo, {
        FLOOD_ID: {"remaining_boilerplate": [{"line": 3, "text": "Baca juga : Banjir Jakarta surut"}]},
        QUAKE_ID: {"wrongly_removed": [{"line": 1, "text": "Gempa mengguncang Palu"}]},
    })  # fmt: skip
    block = quality.cleaning_block(mixed_repo)
    assert "| judgements that no longer match the stored text | 2 |" in block


def test_duplicates_tell_a_cut_copy_from_an_exact_one(mixed_repo):
    (row,) = block_rows(quality.duplicates_block(mixed_repo))
    # the flood is the same text twice; the quake's first copy (kept) is the one cut short
    assert row == ["v0001", "2", "1", "1", "1", "0", "0"]
