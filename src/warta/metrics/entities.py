"""Entity scoring on character spans under the four SemEval-2013 Task 9.1 schemes.

Schemes (as nervaluate and David Batista's blog post define them):

- ``strict``: exact boundaries and type;
- ``exact``: exact boundaries, any type;
- ``partial``: exact boundaries count COR, an overlap counts PAR (worth 0.5), any type;
- ``type``: some overlap and the same type (COR), overlap with another type is INC.

Spans are ``(start, end, type)`` with half-open ``[start, end)`` offsets. Gold and prediction are
SETS per document: a duplicate span counts once, and the result never depends on input order.

Matching rule (per document, per scheme), a pairing where each span is used at most once:

1. Exact pairs first: identical ``(start, end, type)`` for strict and type, identical
   ``(start, end)`` for exact and partial (same-span spans pair up in canonical order).
2. The remaining predictions, in canonical order ``(start, end, type)``, each take one remaining
   overlapping gold span: under ``type`` the same-type span with the smallest
   ``|Δstart| + |Δend|``, else the first overlapping one; under the other schemes the first
   overlapping one (gold spans also in canonical order). A prediction with no overlap is SPU.
3. Gold spans left over are MIS.

On predictions that do not overlap each other, step 1 changes nothing and step 2 is nervaluate
1.2.1's own loop run on sorted input, so the counts are nervaluate's. Per type, both sides are
restricted to that type first (as nervaluate and seqeval do); ``micro`` is the evaluation over all
types together (for strict it equals the sum of per-type counts; for the other schemes a
cross-type overlap counts too). Macro F1 is the mean per-type F1 over types seen in gold or
prediction (seqeval's choice).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from warta.metrics.counts import SEMEVAL_FIELDS, SchemeCounts
from warta.metrics.registry import SCHEMES, metrics_of
from warta.schema.mentions import DocumentAnnotation

Span = tuple[int, int, str]
COUNT_DTYPE = np.int32  # per-document counts; sums over documents are taken in int64


def canonical_spans(spans: Iterable[Span]) -> list[Span]:
    """The set of spans in canonical order; rejects empty or reversed spans."""
    unique = sorted(set(spans))
    for start, end, _ in unique:
        if not 0 <= start < end:
            raise ValueError(f"span [{start}, {end}) is empty or negative")
    return unique


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _exact_pairs(gold: list[Span], pred: list[Span], typed: bool) -> tuple[list, list, int]:
    """Step 1: remove exact pairs; returns remaining gold, remaining predictions, pair count."""
    if typed:
        both = set(gold) & set(pred)
        return [g for g in gold if g not in both], [p for p in pred if p not in both], len(both)
    free = Counter((s, e) for s, e, _ in pred) & Counter((s, e) for s, e, _ in gold)
    pairs = sum(free.values())
    gold_left, pred_left = [], []
    for spans, left in ((gold, gold_left), (pred, pred_left)):
        budget = Counter(free)
        for span in spans:
            if budget[span[:2]]:
                budget[span[:2]] -= 1
            else:
                left.append(span)
    return gold_left, pred_left, pairs


def _choose(pred: Span, overlapping: list[Span], scheme: str) -> tuple[Span, bool]:
    """Step 2 for one prediction: the gold span it takes, and whether that is COR (type scheme)."""
    if scheme == "type":
        same = [g for g in overlapping if g[2] == pred[2]]
        if same:
            return min(same, key=lambda g: abs(g[0] - pred[0]) + abs(g[1] - pred[1])), True
    return overlapping[0], False


def match_spans(gold: Iterable[Span], predicted: Iterable[Span], scheme: str) -> SchemeCounts:
    """SemEval counts for one document under one scheme (types are not filtered here)."""
    if scheme not in SCHEMES:
        raise ValueError(f"unknown scheme {scheme!r}; expected one of {SCHEMES}")
    gold_left, pred_left, cor = _exact_pairs(
        canonical_spans(gold), canonical_spans(predicted), typed=scheme in ("strict", "type")
    )
    inc = spu = 0
    for pred in pred_left:
        overlapping = [g for g in gold_left if _overlaps(g, pred)]
        if not overlapping:
            spu += 1
            continue
        taken, correct = _choose(pred, overlapping, scheme)
        gold_left.remove(taken)
        cor, inc = (cor + 1, inc) if correct else (cor, inc + 1)
    if scheme == "partial":
        return SchemeCounts(cor=cor, par=inc, mis=len(gold_left), spu=spu)
    return SchemeCounts(cor=cor, inc=inc, mis=len(gold_left), spu=spu)


def document_counts(
    gold: Iterable[Span], predicted: Iterable[Span], types: Sequence[str]
) -> np.ndarray:
    """Counts of one document as an int array ``[scheme, 1 + type, field]`` (slot 0 is micro)."""
    gold, predicted = canonical_spans(gold), canonical_spans(predicted)
    unknown = {t for _, _, t in gold + predicted} - set(types)
    if unknown:
        raise ValueError(f"entity types {sorted(unknown)} are not in types={list(types)}")
    out = np.zeros((len(SCHEMES), 1 + len(types), len(SEMEVAL_FIELDS)), dtype=COUNT_DTYPE)
    for s, scheme in enumerate(SCHEMES):
        out[s, 0] = match_spans(gold, predicted, scheme).astuple()
        for t, name in enumerate(types, start=1):
            g = [span for span in gold if span[2] == name]
            p = [span for span in predicted if span[2] == name]
            if g or p:
                out[s, t] = match_spans(g, p, scheme).astuple()
    return out


@dataclass(frozen=True, eq=False)
class EntityScores:
    """Per-document SemEval counts, ``counts[scheme, 1 + type, field, document]``; totals are sums."""

    types: tuple[str, ...]
    counts: np.ndarray

    @property
    def n_documents(self) -> int:
        return self.counts.shape[-1]

    def _slot(self, entity_type: str | None) -> int:
        return 0 if entity_type is None else 1 + self.types.index(entity_type)

    def total(self, scheme: str, entity_type: str | None = None) -> SchemeCounts:
        """Counts summed over documents; ``entity_type=None`` is the micro (all-types) evaluation."""
        sums = self.counts[SCHEMES.index(scheme), self._slot(entity_type)].sum(-1, dtype=np.int64)
        return SchemeCounts(*(int(x) for x in sums))

    def per_type(self, scheme: str) -> dict[str, SchemeCounts]:
        return {t: self.total(scheme, t) for t in self.types}

    def macro_f1(self, scheme: str) -> float:
        """Mean per-type F1 over the types that occur in gold or prediction."""
        seen = [c.f1 for c in self.per_type(scheme).values() if c.possible or c.actual]
        return sum(seen) / len(seen) if seen else 0.0

    def unit_counts(self, scheme: str, entity_type: str | None = None) -> np.ndarray:
        """Per-document counts ``[document, field]``, the input of warta.metrics.bootstrap."""
        return self.counts[SCHEMES.index(scheme), self._slot(entity_type)].T

    def metrics(self) -> dict[str, float]:
        """Every registered entity metric by its versioned name."""
        return {spec.name: spec.compute(self) for spec in metrics_of("ner")}


def observed_types(*sides: Sequence[Iterable[Span]]) -> tuple[str, ...]:
    """Sorted entity types that occur in any document of any side."""
    return tuple(sorted({span[2] for docs in sides for doc in docs for span in doc}))


def score_entities(
    gold: Sequence[Iterable[Span]],
    predicted: Sequence[Iterable[Span]],
    types: Sequence[str] | None = None,
) -> EntityScores:
    """Score aligned documents (pure Python reference path); ``types`` defaults to those seen."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold documents but {len(predicted)} predicted")
    gold, predicted = [list(d) for d in gold], [list(d) for d in predicted]
    types = tuple(types) if types is not None else observed_types(gold, predicted)
    shape = (len(SCHEMES), 1 + len(types), len(SEMEVAL_FIELDS), len(gold))
    counts = np.zeros(shape, dtype=COUNT_DTYPE)
    for d, (g, p) in enumerate(zip(gold, predicted, strict=True)):
        counts[..., d] = document_counts(g, p, types)
    return EntityScores(types, counts)


def entity_spans(doc: DocumentAnnotation) -> set[Span]:
    """The entity spans of one annotated document."""
    return {(m.start, m.end, m.type) for m in doc.entities}


def score_annotations(
    gold: Sequence[DocumentAnnotation],
    predicted: Sequence[DocumentAnnotation],
    types: Sequence[str] | None = None,
) -> EntityScores:
    """Score model annotations against gold ones, aligned by position and checked by doc_id."""
    ids = [(g.doc_id, p.doc_id) for g, p in zip(gold, predicted, strict=False)]
    if len(gold) != len(predicted) or any(a != b for a, b in ids):
        raise ValueError("gold and predicted documents must have the same doc_ids in order")
    return score_entities(
        [entity_spans(d) for d in gold], [entity_spans(d) for d in predicted], types
    )
