"""Bootstrap confidence intervals and the paired bootstrap test, vectorised over resamples.

Input is a per-unit count array ``[unit, field]`` (documents, usually: see
``EntityScores.unit_counts`` and ``EventScores.unit_counts``) and a statistic that maps summed
counts ``[..., field]`` to a value ``[...]`` (e.g. `f1_from_counts`, `scheme_f1`). A resample draws
units with replacement; its sums are one matrix product of resample weights and unit counts, so
no scorer runs again. Units with identical count rows are interchangeable, so when there are few
distinct rows (short documents) the weights are drawn per distinct row, as a multinomial with the
rows' frequencies: the same distribution as drawing units, with far fewer random numbers. Seeded
with a numpy Generator: the same input and seed give the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

Statistic = Callable[[np.ndarray], np.ndarray]
_CHUNK_CELLS = 4_000_000  # weights per chunk: bounds memory at ~32 MB whatever the unit count
_MAX_GROUPED_ROWS = 128  # beyond this many distinct rows, drawing units directly is cheaper


@dataclass(frozen=True)
class ConfidenceInterval:
    estimate: float
    low: float
    high: float
    confidence: float
    n_resamples: int


@dataclass(frozen=True)
class PairedTest:
    """Paired bootstrap of A vs B: observed difference and the p-value of "A is better"."""

    estimate_a: float
    estimate_b: float
    difference: float
    p_value: float
    n_resamples: int


def f1_from_counts(sums: np.ndarray) -> np.ndarray:
    """F1 from ``[..., (tp, fp, fn)]``, as ``Counts.f1`` computes it; 0 where undefined."""
    return np.nan_to_num(f1_or_nan(sums), nan=0.0)


def f1_or_nan(sums: np.ndarray) -> np.ndarray:
    """F1 from ``[..., (tp, fp, fn)]``; NaN where undefined (no span on either side)."""
    tp, fp, fn = sums[..., 0], sums[..., 1], sums[..., 2]
    denominator = 2 * tp + fp + fn
    return np.divide(2 * tp, denominator, out=np.full(tp.shape, np.nan), where=denominator > 0)


def scheme_f1(sums: np.ndarray) -> np.ndarray:
    """F1 from SemEval counts ``[..., (cor, inc, par, mis, spu)]``, as ``SchemeCounts.f1``."""
    cor, inc, par, mis, spu = (sums[..., i] for i in range(5))
    matched = cor + 0.5 * par
    actual, possible = cor + inc + par + spu, cor + inc + par + mis
    p = np.divide(matched, actual, out=np.zeros(cor.shape), where=actual > 0)
    r = np.divide(matched, possible, out=np.zeros(cor.shape), where=possible > 0)
    return np.divide(2 * p * r, p + r, out=np.zeros(cor.shape), where=(p + r) > 0)


def _multinomial(rng: np.random.Generator, n: int, freq: np.ndarray, size: int) -> np.ndarray:
    """``size`` draws of how often each distinct row is picked in ``n`` uniform unit draws."""
    out = np.empty((size, len(freq)), dtype=np.float64)
    remaining, left = np.full(size, n, dtype=np.int64), n
    for r, f in enumerate(freq[:-1].tolist()):
        picked = rng.binomial(remaining, f / left)
        out[:, r] = picked
        remaining -= picked
        left -= f
    out[:, -1] = remaining
    return out


def _resample_sums(
    unit_counts: list[np.ndarray], n_resamples: int, rng: np.random.Generator
) -> Iterator[list[np.ndarray]]:
    """Summed counts of each resample, chunk by chunk, the same draws for every count array."""
    n = unit_counts[0].shape[0]
    rows, freq = np.unique(np.concatenate(unit_counts, axis=1), axis=0, return_counts=True)
    if len(rows) <= _MAX_GROUPED_ROWS:
        splits = np.cumsum([c.shape[1] for c in unit_counts])[:-1]
        sums = _multinomial(rng, n, freq, n_resamples) @ rows
        yield np.split(sums, splits, axis=1)
        return
    step = max(1, _CHUNK_CELLS // max(n, 1))
    dtype = np.int32 if n < 2**31 else np.int64
    for first in range(0, n_resamples, step):
        rows = min(step, n_resamples - first)
        draws = rng.integers(0, n, size=(rows, n), dtype=dtype)
        draws += (np.arange(rows, dtype=dtype) * n)[:, None]
        weights = np.bincount(draws.ravel(), minlength=rows * n).reshape(rows, n)
        weights = weights.astype(np.float64)  # BLAS matmul; integer sums stay exact below 2**53
        yield [weights @ counts for counts in unit_counts]


def _as_counts(unit_counts: np.ndarray) -> np.ndarray:
    counts = np.asarray(unit_counts, dtype=np.float64)
    if counts.ndim != 2 or counts.shape[0] == 0:
        raise ValueError("unit counts must be a non-empty [unit, field] array")
    return counts


def bootstrap_ci(
    unit_counts: np.ndarray,
    statistic: Statistic,
    *,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> ConfidenceInterval:
    """Percentile bootstrap interval of ``statistic(sum of unit counts)``, resampling units."""
    counts = _as_counts(unit_counts)
    rng = np.random.default_rng(seed)
    values = np.concatenate(
        [statistic(sums) for (sums,) in _resample_sums([counts], n_resamples, rng)]
    )
    alpha = (1 - confidence) / 2
    # a statistic may be undefined (NaN) on a resample, e.g. F1 where neither side has a span of
    # the type: such resamples carry no information and are left out
    low, high = np.nanquantile(values, [alpha, 1 - alpha])
    estimate = float(statistic(counts.sum(axis=0)))
    return ConfidenceInterval(estimate, float(low), float(high), confidence, n_resamples)


def paired_bootstrap(
    counts_a: np.ndarray,
    counts_b: np.ndarray,
    statistic: Statistic,
    *,
    n_resamples: int = 1000,
    seed: int = 0,
) -> PairedTest:
    """Koehn (2004) paired bootstrap: p = share of resamples where A is not better than B.

    Both systems are scored on the same resampled units. Ties count half, so identical systems
    get p = 0.5; a small p supports "A is better than B".
    """
    a, b = _as_counts(counts_a), _as_counts(counts_b)
    if a.shape[0] != b.shape[0]:
        raise ValueError("both systems must be scored on the same units")
    rng = np.random.default_rng(seed)
    worse = ties = 0.0
    for sums_a, sums_b in _resample_sums([a, b], n_resamples, rng):
        delta = statistic(sums_a) - statistic(sums_b)
        worse += np.count_nonzero(delta < 0)
        ties += np.count_nonzero(delta == 0)
    estimate_a = float(statistic(a.sum(axis=0)))
    estimate_b = float(statistic(b.sum(axis=0)))
    return PairedTest(
        estimate_a,
        estimate_b,
        estimate_a - estimate_b,
        (worse + 0.5 * ties) / n_resamples,
        n_resamples,
    )
