"""A numpy fast path for entity scoring over integer-coded spans, equal to the Python path.

Input: per side, arrays of document index, start, end (half-open) and type code (an index into
``types``). Output: the same `EntityScores` as `warta.metrics.entities.score_entities`.

Why it is exact: within a document whose gold spans are pairwise disjoint, whose predictions are
pairwise disjoint, and whose overlap graph has no edge joining two spans that each overlap two or
more spans ("no chain"), every connected part of the graph is a single pair or a star. The rule of
`warta.metrics.entities` then yields one pair per part, whatever the order: a star around a gold
span goes to its first prediction, a star around a prediction takes a same-type gold span if it has
one (type scheme) and otherwise its first. Those counts are computed here with sorts, binary
searches and bincounts, once over all types (micro) and once per (type, document). Documents that
break the condition (nested or overlapping spans on one side, chains) are scored by the Python
path, so the numbers are identical by construction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from warta.metrics.counts import SEMEVAL_FIELDS
from warta.metrics.entities import (
    COUNT_DTYPE,
    EntityScores,
    Span,
    document_counts,
    score_entities,
)
from warta.metrics.registry import SCHEMES

COR, INC, PAR, MIS, SPU = range(len(SEMEVAL_FIELDS))


@dataclass(frozen=True, eq=False)
class SpanArrays:
    """Integer-coded spans: document index, start, end (exclusive) and type code, one row each."""

    doc: np.ndarray
    start: np.ndarray
    end: np.ndarray
    type: np.ndarray

    def __len__(self) -> int:
        return len(self.doc)

    @classmethod
    def from_documents(cls, docs: Sequence[Iterable[Span]], types: Sequence[str]) -> SpanArrays:
        """Encode per-document span collections with type codes from ``types``."""
        code = {name: i for i, name in enumerate(types)}
        rows = [(d, s, e, code[t]) for d, doc in enumerate(docs) for s, e, t in doc]
        table = np.array(rows, dtype=np.int64).reshape(-1, 4)
        return cls(*(np.ascontiguousarray(table[:, i]) for i in range(4)))

    def to_documents(self, n_docs: int, types: Sequence[str]) -> list[set[Span]]:
        """Decode back to per-document sets of ``(start, end, type)``."""
        docs: list[set[Span]] = [set() for _ in range(n_docs)]
        columns = (a.tolist() for a in (self.doc, self.start, self.end, self.type))
        for d, s, e, t in zip(*columns, strict=True):
            docs[d].add((s, e, types[t]))
        return docs


@dataclass(frozen=True)
class _Layout:
    """Bit widths that pack (group, start, end, type) into one int64 sort key."""

    pos: int
    type: int
    group: int

    def fits(self) -> bool:
        return self.group + 2 * self.pos + self.type <= 62


def _check(side: SpanArrays, n_docs: int, n_types: int) -> None:
    if not (len(side.start) == len(side.end) == len(side.type) == len(side.doc)):
        raise ValueError("span arrays must have equal lengths")
    if len(side) == 0:
        return
    if side.doc.min() < 0 or side.doc.max() >= n_docs:
        raise ValueError("document index out of range")
    if side.type.min() < 0 or side.type.max() >= n_types:
        raise ValueError("type code out of range")
    if (side.start < 0).any() or (side.start >= side.end).any():
        raise ValueError("spans must satisfy 0 <= start < end")


def _sorted_unique(side: SpanArrays, repo: _Layout, group: np.ndarray) -> tuple[np.ndarray, ...]:
    """Deduplicated rows sorted by (group, start, end, type), as (group, start, end, type)."""
    key = (group.astype(np.int64) << repo.pos | side.start) << repo.pos | side.end
    key = np.unique(key << repo.type | side.type)
    pos_mask, type_mask = (1 << repo.pos) - 1, (1 << repo.type) - 1
    return (
        key >> (2 * repo.pos + repo.type),
        (key >> (repo.pos + repo.type)) & pos_mask,
        (key >> repo.type) & pos_mask,
        key & type_mask,
    )


def _within_overlap(group: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Groups in which two spans of the same side overlap (or share a span with two types)."""
    clash = (group[1:] == group[:-1]) & (start[1:] < end[:-1])
    return group[1:][clash]


def _neighbours(
    q_group, q_start, q_end, r_group, r_start, r_end, pos_bits: int
) -> tuple[np.ndarray, np.ndarray]:
    """For each query span, the range [lo, hi) of same-group reference spans it overlaps.

    Exact when the reference spans of the group are disjoint and sorted; the running maximum keeps
    the end keys sorted elsewhere so that other groups stay exact.
    """
    start_keys = r_group << pos_bits | r_start
    end_keys = np.maximum.accumulate(r_group << pos_bits | r_end) if len(r_end) else r_end
    hi = np.searchsorted(start_keys, q_group << pos_bits | q_end, side="left")
    lo = np.searchsorted(end_keys, q_group << pos_bits | q_start, side="right")
    return lo, hi


@dataclass(frozen=True)
class _ViewCounts:
    """Per-group pair counts of one view, and the groups that need the Python path."""

    pairs: np.ndarray
    same_span: np.ndarray
    same_span_type: np.ndarray
    type_correct: np.ndarray
    n_gold: np.ndarray
    n_pred: np.ndarray
    chains: np.ndarray


def _star_has_same_type(
    idx: np.ndarray, lo: np.ndarray, deg: np.ndarray, g_type, p_type
) -> np.ndarray:
    """For predictions centring a star, whether any of their gold spans has their type."""
    if len(idx) == 0:
        return np.zeros(0, dtype=bool)
    degs = deg[idx]
    local = np.repeat(np.arange(len(idx)), degs)
    offsets = np.arange(len(local)) - np.repeat(np.cumsum(degs) - degs, degs)
    hits = g_type[lo[idx][local] + offsets] == p_type[idx][local]
    return np.bincount(local, weights=hits, minlength=len(idx)) > 0


def _match_view(gold, pred, n_groups: int, pos_bits: int) -> _ViewCounts:
    """Pair counts per group for sorted, deduplicated sides (see the module docstring)."""
    gg, gs, ge, gt = gold
    pg, ps, pe, pt = pred
    zeros = np.zeros(n_groups, dtype=np.int64)
    n_gold = np.bincount(gg, minlength=n_groups)
    n_pred = np.bincount(pg, minlength=n_groups)
    if len(gg) == 0 or len(pg) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return _ViewCounts(zeros, zeros, zeros, zeros, n_gold, n_pred, empty)
    p_lo, p_hi = _neighbours(pg, ps, pe, gg, gs, ge, pos_bits)
    g_lo, g_hi = _neighbours(gg, gs, ge, pg, ps, pe, pos_bits)
    p_deg, g_deg = np.maximum(p_hi - p_lo, 0), np.maximum(g_hi - g_lo, 0)
    multi = np.concatenate(([0], np.cumsum(g_deg >= 2)))
    chains = pg[(p_deg >= 2) & (multi[np.maximum(p_hi, p_lo)] - multi[p_lo] > 0)]

    partner = np.minimum(p_lo, len(gg) - 1)
    one = p_deg == 1
    simple = one & (g_deg[partner] == 1)
    first_of_star = one & (g_deg[partner] >= 2) & (g_lo[partner] == np.arange(len(pg)))
    pred_star = p_deg >= 2
    same_span = simple & (gs[partner] == ps) & (ge[partner] == pe)
    same_type = gt[partner] == pt
    type_correct = (simple | first_of_star) & same_type
    star_idx = np.flatnonzero(pred_star)
    type_correct[star_idx] = _star_has_same_type(star_idx, p_lo, p_deg, gt, pt)

    def per_group(mask: np.ndarray) -> np.ndarray:
        return np.bincount(pg[mask], minlength=n_groups)

    return _ViewCounts(
        pairs=per_group(simple | first_of_star | pred_star),
        same_span=per_group(same_span),
        same_span_type=per_group(same_span & same_type),
        type_correct=per_group(type_correct),
        n_gold=n_gold,
        n_pred=n_pred,
        chains=chains,
    )


def _fill(out: np.ndarray, scheme: str, cor, inc, par, mis, spu) -> None:
    """Write one scheme's five count fields into ``out[scheme, slot..., field, document]``."""
    s = SCHEMES.index(scheme)
    for field, values in zip((COR, INC, PAR, MIS, SPU), (cor, inc, par, mis, spu), strict=True):
        out[s, :, field] = values


def score_span_arrays(
    gold: SpanArrays, predicted: SpanArrays, *, n_docs: int, types: Sequence[str]
) -> EntityScores:
    """Score integer-coded spans; same numbers as `score_entities` on the decoded documents."""
    types = tuple(types)
    n_types = len(types)
    for side in (gold, predicted):
        _check(side, n_docs, n_types)
    max_end = max([1, *(int(s.end.max()) for s in (gold, predicted) if len(s))])
    repo = _Layout(
        pos=max_end.bit_length(),
        type=max(n_types - 1, 1).bit_length(),
        group=max(n_docs * n_types - 1, 1).bit_length(),
    )
    if not repo.fits():
        return score_entities(
            gold.to_documents(n_docs, types), predicted.to_documents(n_docs, types), types
        )
    g = _sorted_unique(gold, repo, gold.doc)
    p = _sorted_unique(predicted, repo, predicted.doc)
    complex_doc = np.zeros(n_docs, dtype=bool)
    for side in (g, p):
        complex_doc[_within_overlap(side[0], side[1], side[2])] = True

    micro = _match_view(g, p, n_docs, repo.pos)
    g_t = _sorted_unique(_as_arrays(g), repo, g[3] * n_docs + g[0])
    p_t = _sorted_unique(_as_arrays(p), repo, p[3] * n_docs + p[0])
    by_type = _match_view(g_t, p_t, n_docs * n_types, repo.pos)
    complex_doc[micro.chains] = True
    complex_doc[by_type.chains % n_docs] = True

    # Every field of every slot is written below, so the array need not be zeroed first.
    out = np.empty((len(SCHEMES), 1 + n_types, len(SEMEVAL_FIELDS), n_docs), dtype=COUNT_DTYPE)
    _fill_micro(out[:, :1], micro)
    _fill_by_type(out[:, 1:], by_type, n_types, n_docs)
    for d in np.flatnonzero(complex_doc).tolist():
        out[..., d] = document_counts(_doc_spans(g, d, types), _doc_spans(p, d, types), types)
    return EntityScores(types, out)


def _as_arrays(side: tuple[np.ndarray, ...]) -> SpanArrays:
    return SpanArrays(*side)


def _fill_micro(out: np.ndarray, v: _ViewCounts) -> None:
    mis, spu, zero = v.n_gold - v.pairs, v.n_pred - v.pairs, 0
    _fill(out, "strict", v.same_span_type, v.pairs - v.same_span_type, zero, mis, spu)
    _fill(out, "exact", v.same_span, v.pairs - v.same_span, zero, mis, spu)
    _fill(out, "partial", v.same_span, zero, v.pairs - v.same_span, mis, spu)
    _fill(out, "type", v.type_correct, v.pairs - v.type_correct, zero, mis, spu)


def _fill_by_type(out: np.ndarray, v: _ViewCounts, n_types: int, n_docs: int) -> None:
    def shaped(a: np.ndarray) -> np.ndarray:
        return a.reshape(n_types, n_docs)

    pairs, exact = shaped(v.pairs), shaped(v.same_span)
    mis, spu, zero = shaped(v.n_gold) - pairs, shaped(v.n_pred) - pairs, 0
    _fill(out, "strict", exact, pairs - exact, zero, mis, spu)
    _fill(out, "exact", exact, pairs - exact, zero, mis, spu)
    _fill(out, "partial", exact, zero, pairs - exact, mis, spu)
    _fill(out, "type", pairs, zero, zero, mis, spu)


def _doc_spans(side: tuple[np.ndarray, ...], d: int, types: tuple[str, ...]) -> list[Span]:
    """The spans of document ``d`` from a side sorted by document."""
    lo, hi = np.searchsorted(side[0], [d, d + 1])
    return [
        (s, e, types[t])
        for s, e, t in zip(
            side[1][lo:hi].tolist(), side[2][lo:hi].tolist(), side[3][lo:hi].tolist(), strict=True
        )
    ]
