"""DATASHEET.md: every generated figure matches the data, and a stale one is caught."""

from __future__ import annotations

import pytest

from tests.conftest import REPO
from warta.errors import WartaError
from warta.publish.datasheet import render
from warta.repository import Repository

SHIPPED = (REPO / "DATASHEET.md").read_text(encoding="utf-8")


def test_shipped_datasheet_figures_are_up_to_date():
    assert render(Repository(REPO), SHIPPED) == SHIPPED, (
        "run `warta datasheet` and commit the result"
    )


def test_a_hand_edited_figure_is_regenerated():
    stale = SHIPPED.replace("| entity mentions | 170 | 170 |", "| entity mentions | 171 | 171 |")
    assert stale != SHIPPED
    assert render(Repository(REPO), stale) == SHIPPED


def test_every_block_is_filled_and_unknown_blocks_are_errors():
    for name in ("corpus", "gold", "agreement", "leaderboard"):
        assert (
            f"<!-- warta:begin {name} -->\n|" in SHIPPED
            or f"<!-- warta:begin {name} -->\nGold" in SHIPPED
        )
    with pytest.raises(WartaError, match="unknown generated block 'nonsense'"):
        render(Repository(REPO), "<!-- warta:begin nonsense -->\n<!-- warta:end nonsense -->\n")
