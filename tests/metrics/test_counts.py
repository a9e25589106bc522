"""Counts and SchemeCounts turn into precision, recall and F1."""

from __future__ import annotations

import pytest

from warta.metrics.counts import Counts, SchemeCounts, set_counts


def test_set_counts_and_f1():
    c = set_counts(["a", "b", "b"], ["b", "c"])
    assert c == Counts(1, 1, 1) and c.f1 == 0.5
    assert Counts().f1 == Counts().precision == 0.0


def test_scheme_counts_partial_weighs_half():
    c = SchemeCounts(cor=2, inc=0, par=2, mis=1, spu=1)
    assert (c.possible, c.actual) == (5, 5)
    assert c.precision == c.recall == pytest.approx(0.6)
    assert (c + c).astuple() == (4, 0, 4, 2, 2)
    assert c.as_dict()["par"] == 2 and SchemeCounts().f1 == 0.0
