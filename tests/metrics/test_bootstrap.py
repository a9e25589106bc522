"""Bootstrap intervals and the paired test: reproducible, sensible, and equal to the counts' F1."""

from __future__ import annotations

import numpy as np
import pytest

from warta.metrics import bootstrap
from warta.metrics.bootstrap import bootstrap_ci, f1_from_counts, paired_bootstrap, scheme_f1
from warta.metrics.counts import Counts, SchemeCounts


def system(rng: np.random.Generator, n: int, accuracy: float) -> np.ndarray:
    """Per-document (tp, fp, fn) of a system that gets each of 5 entities right with a rate."""
    right = rng.binomial(5, accuracy, size=n)
    return np.stack([right, 5 - right, 5 - right], axis=1)


def test_statistics_equal_the_dataclass_properties():
    rng = np.random.default_rng(3)
    for row in rng.integers(0, 6, size=(200, 5)):
        assert f1_from_counts(row[:3].astype(float)) == Counts(*row[:3].tolist()).f1
        assert scheme_f1(row.astype(float)) == SchemeCounts(*row.tolist()).f1
    assert f1_from_counts(np.zeros(3)) == 0.0 and scheme_f1(np.zeros(5)) == 0.0


def test_interval_contains_estimate_and_is_reproducible():
    units = system(np.random.default_rng(0), 300, 0.7)
    ci = bootstrap_ci(units, f1_from_counts, seed=7)
    assert ci.low < ci.estimate < ci.high
    assert ci.estimate == Counts(*units.sum(axis=0).tolist()).f1
    assert ci == bootstrap_ci(units, f1_from_counts, seed=7)
    assert ci != bootstrap_ci(units, f1_from_counts, seed=8)
    wider = bootstrap_ci(units, f1_from_counts, seed=7, confidence=0.99)
    assert wider.low <= ci.low and wider.high >= ci.high


def test_many_distinct_units_are_drawn_in_chunks(monkeypatch):
    monkeypatch.setattr(bootstrap, "_MAX_GROUPED_ROWS", 0)
    units = system(np.random.default_rng(1), 20_000, 0.6)
    ci = bootstrap_ci(units, f1_from_counts, n_resamples=300, seed=1)
    assert ci.low < ci.estimate < ci.high and ci.high - ci.low < 0.02


def test_grouping_identical_units_gives_the_same_distribution(monkeypatch):
    """Drawing per distinct row (multinomial) and drawing units directly agree in spread."""
    units = system(np.random.default_rng(6), 500, 0.7)
    grouped = bootstrap_ci(units, f1_from_counts, n_resamples=4000, seed=2)
    monkeypatch.setattr(bootstrap, "_MAX_GROUPED_ROWS", 0)
    direct = bootstrap_ci(units, f1_from_counts, n_resamples=4000, seed=2)
    assert grouped != direct
    assert grouped.high - grouped.low == pytest.approx(direct.high - direct.low, rel=0.1)
    assert (grouped.low + grouped.high) / 2 == pytest.approx(
        (direct.low + direct.high) / 2, abs=0.003
    )


def test_paired_test_finds_a_clearly_better_system():
    rng = np.random.default_rng(2)
    a, b = system(rng, 400, 0.8), system(rng, 400, 0.7)
    test = paired_bootstrap(a, b, f1_from_counts, seed=3)
    assert test.difference > 0 and test.p_value < 0.05
    assert paired_bootstrap(b, a, f1_from_counts, seed=3).p_value > 0.95


def test_paired_test_on_identical_and_equally_good_systems():
    rng = np.random.default_rng(4)
    a = system(rng, 400, 0.75)
    assert paired_bootstrap(a, a, f1_from_counts).p_value == 0.5
    b = a[rng.permutation(len(a))]  # same overall score, different documents
    assert 0.2 < paired_bootstrap(a, b, f1_from_counts, seed=5).p_value < 0.8


def test_rejects_bad_shapes():
    with pytest.raises(ValueError):
        bootstrap_ci(np.zeros((0, 3)), f1_from_counts)
    with pytest.raises(ValueError, match="same units"):
        paired_bootstrap(np.ones((3, 3)), np.ones((4, 3)), f1_from_counts)
