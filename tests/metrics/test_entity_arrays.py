"""The numpy fast path gives exactly the Python path's counts, on any input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warta.metrics.entities import score_entities
from warta.metrics.entity_arrays import SpanArrays, score_span_arrays

TYPES = ("A", "B", "C")

span = st.builds(
    lambda s, n, t: (s, s + n, t),
    st.integers(0, 30),
    st.integers(1, 7),
    st.sampled_from(TYPES),
)


@st.composite
def corpus(draw, disjoint: bool):
    """Documents of arbitrary spans (nested, crossing, duplicated) or of disjoint spans."""
    n = draw(st.integers(1, 6))
    sides = []
    for _ in range(2):
        docs = []
        for _ in range(n):
            spans = draw(st.lists(span, max_size=7))
            if disjoint:
                kept, last = [], -1
                for s, e, t in sorted(spans):
                    if s >= last:
                        kept.append((s, e, t))
                        last = e
                spans = kept
            docs.append(spans)
        sides.append(docs)
    return sides


def both_paths(gold, pred, types=TYPES):
    fast = score_span_arrays(
        SpanArrays.from_documents(gold, types),
        SpanArrays.from_documents(pred, types),
        n_docs=len(gold),
        types=types,
    )
    return fast, score_entities(gold, pred, types)


@settings(max_examples=300, deadline=None)
@given(corpus(disjoint=False))
def test_fast_path_equals_python_path_on_arbitrary_spans(sides):
    fast, slow = both_paths(*sides)
    assert np.array_equal(fast.counts, slow.counts)


@settings(max_examples=300, deadline=None)
@given(corpus(disjoint=True))
def test_fast_path_equals_python_path_on_disjoint_spans(sides):
    fast, slow = both_paths(*sides)
    assert np.array_equal(fast.counts, slow.counts)


def test_stars_and_chains_by_hand():
    gold = [
        [(0, 10, "A")],  # gold star: two predictions inside one gold span
        [(0, 3, "A"), (4, 8, "B")],  # prediction star: one prediction over two gold spans
        [(0, 4, "A"), (5, 9, "B")],  # chain: each side overlaps two spans of the other
    ]
    pred = [
        [(0, 3, "B"), (5, 8, "A")],
        [(0, 8, "B")],
        [(2, 6, "A"), (6, 12, "B")],
    ]
    fast, slow = both_paths(gold, pred)
    assert np.array_equal(fast.counts, slow.counts)
    assert fast.total("type").astuple() == (3, 1, 0, 1, 1)  # INC+SPU, COR+MIS, COR+COR


def test_empty_sides_and_unused_documents():
    fast, slow = both_paths([[], [(0, 2, "A")], []], [[(1, 3, "B")], [], []])
    assert np.array_equal(fast.counts, slow.counts)
    fast, slow = both_paths([[], []], [[], []])
    assert fast.counts.sum() == 0 and fast.counts.shape == slow.counts.shape


def test_huge_offsets_fall_back_to_the_python_path():
    gold = [[(2**40, 2**40 + 5, "A")]]
    pred = [[(2**40 + 1, 2**40 + 5, "A")]]
    fast, slow = both_paths(gold, pred)
    assert np.array_equal(fast.counts, slow.counts)
    assert fast.total("partial").par == 1


def test_round_trip_and_validation():
    docs = [{(0, 2, "A"), (3, 5, "C")}, set(), {(1, 4, "B")}]
    arrays = SpanArrays.from_documents(docs, TYPES)
    assert arrays.to_documents(3, TYPES) == docs
    bad = SpanArrays(np.array([0]), np.array([3]), np.array([3]), np.array([0]))
    with pytest.raises(ValueError, match="start < end"):
        score_span_arrays(bad, arrays, n_docs=3, types=TYPES)
    with pytest.raises(ValueError, match="document index"):
        score_span_arrays(arrays, arrays, n_docs=2, types=TYPES)
    with pytest.raises(ValueError, match="type code"):
        score_span_arrays(arrays, arrays, n_docs=3, types=TYPES[:2])
