"""Markdown of generated blocks: alignment, escaped pipes, shares that never show a false zero."""

from __future__ import annotations

from warta.publish.markdown import share, table


def test_a_table_aligns_words_left_and_figures_right_and_escapes_pipes():
    assert table(["a", "b"], [["x|y", 1]]) == "| a | b |\n| --- | ---: |\n| x\\|y | 1 |\n"
    assert table(["a", "b", "c"], [[1, 2, 3]], "lrl").splitlines()[1] == "| --- | ---: | --- |"


def test_shares():
    assert share(1, 4) == "25.0%" and share(0, 4) == "0.0%" and share(1, 0) == "-"
    assert share(1, 2933) == "<0.1%" and share(2, 2933) == "0.1%"
