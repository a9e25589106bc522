"""Agreement between annotators over the documents they both annotated.

Per pair of annotators: entity span F1 (strict: same span and type; overall and per type),
token-level Cohen's kappa (scikit-learn) over entity types per corpus token, event trigger F1
(span and type) and argument F1 (event type, role and argument span; the attached variant also
requires the trigger span). F1 is symmetric, so which annotator plays "gold" does not matter.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations

from warta.metrics.counts import Counts, set_counts
from warta.schema.mentions import DocumentAnnotation

OUTSIDE = "O"


@dataclass
class PairAgreement:
    annotators: tuple[int, int]
    documents: list[str]
    entities: Counts
    entities_by_type: dict[str, Counts]
    token_kappa: float
    tokens: int
    triggers: Counts
    arguments: Counts
    arguments_attached: Counts

    def as_dict(self) -> dict:
        return {
            "annotators": list(self.annotators),
            "documents": self.documents,
            "entity_f1_strict": self.entities.as_dict(),
            "entity_f1_strict_by_type": {k: v.as_dict() for k, v in self.entities_by_type.items()},
            "token_kappa": self.token_kappa,
            "tokens": self.tokens,
            "trigger_f1": self.triggers.as_dict(),
            "argument_f1": self.arguments.as_dict(),
            "argument_attached_f1": self.arguments_attached.as_dict(),
        }


def entity_tuples(doc: DocumentAnnotation) -> set[tuple]:
    return {(doc.doc_id, m.start, m.end, m.type) for m in doc.entities}


def trigger_tuples(doc: DocumentAnnotation) -> set[tuple]:
    return {(doc.doc_id, e.trigger_start, e.trigger_end, e.type) for e in doc.events}


def argument_tuples(doc: DocumentAnnotation, attached: bool) -> set[tuple]:
    found = set()
    for event in doc.events:
        trigger = (event.trigger_start, event.trigger_end) if attached else ()
        for argument in event.arguments:
            mention = doc.mention(argument.mention_id)
            if mention is not None:
                found.add(
                    (doc.doc_id, event.type, *trigger, argument.role, mention.start, mention.end)
                )
    return found


def token_labels(doc: DocumentAnnotation, token_spans: list[tuple[int, int]]) -> list[str]:
    """The entity type covering each token (the earliest-starting mention wins), else ``O``."""
    labels = [OUTSIDE] * len(token_spans)
    starts = [start for start, _ in token_spans]
    ends = [end for _, end in token_spans]
    for mention in sorted(doc.entities, key=lambda m: (m.start, -m.end), reverse=True):
        for index in range(bisect_right(ends, mention.start), bisect_left(starts, mention.end)):
            labels[index] = mention.type
    return labels


def cohen_kappa(first: list[str], second: list[str]) -> float:
    from sklearn.metrics import cohen_kappa_score

    if first == second:
        return 1.0  # sklearn gives nan when both annotators use a single label throughout
    return float(cohen_kappa_score(first, second))


def pair_agreement(
    a: dict[str, DocumentAnnotation],
    b: dict[str, DocumentAnnotation],
    annotators: tuple[int, int],
    tokens: dict[str, list[tuple[int, int]]],
) -> PairAgreement:
    shared = sorted(a.keys() & b.keys())
    types = sorted({m.type for d in shared for m in (*a[d].entities, *b[d].entities)})
    first: list[str] = []
    second: list[str] = []
    for doc_id in shared:
        first += token_labels(a[doc_id], tokens[doc_id])
        second += token_labels(b[doc_id], tokens[doc_id])

    def counts(extract) -> Counts:
        total = Counts()
        for doc_id in shared:
            total += set_counts(extract(a[doc_id]), extract(b[doc_id]))
        return total

    return PairAgreement(
        annotators=annotators,
        documents=shared,
        entities=counts(entity_tuples),
        entities_by_type={
            t: counts(lambda d, t=t: {x for x in entity_tuples(d) if x[3] == t}) for t in types
        },
        token_kappa=cohen_kappa(first, second) if first else float("nan"),
        tokens=len(first),
        triggers=counts(trigger_tuples),
        arguments=counts(lambda d: argument_tuples(d, attached=False)),
        arguments_attached=counts(lambda d: argument_tuples(d, attached=True)),
    )


def pairwise_agreement(
    by_annotator: dict[int, dict[str, DocumentAnnotation]],
    tokens: dict[str, list[tuple[int, int]]],
) -> list[PairAgreement]:
    """Agreement for every pair of annotators who share at least one document."""
    pairs = []
    for x, y in combinations(sorted(by_annotator), 2):
        if by_annotator[x].keys() & by_annotator[y].keys():
            pairs.append(pair_agreement(by_annotator[x], by_annotator[y], (x, y), tokens))
    return pairs


# Pooled agreement over every double-annotated document, whoever the two annotators were, with
# percentile bootstrap intervals over documents (the unit the annotation was done in).

MEASURES: dict[str, Callable[[DocumentAnnotation], set[tuple]]] = {
    "entities (span and type)": entity_tuples,
    "entity spans (any type)": lambda d: {t[:3] for t in entity_tuples(d)},
    "event triggers (span and type)": trigger_tuples,
    "triggers and realis": lambda d: {
        (d.doc_id, e.trigger_start, e.trigger_end, e.type, e.realis) for e in d.events
    },
    "triggers and mode": lambda d: {
        (d.doc_id, e.trigger_start, e.trigger_end, e.type, e.mode) for e in d.events
    },
    "arguments (type, role, span)": lambda d: argument_tuples(d, attached=False),
    "arguments (with trigger)": lambda d: argument_tuples(d, attached=True),
    "entity clusters (mention pairs)": lambda d: _cluster_links(d),
}


def _cluster_links(doc: DocumentAnnotation) -> set[tuple]:
    """Coreference as the set of mention pairs in one cluster (a pairwise link measure)."""
    by_cluster: dict[str, list[tuple[int, int]]] = {}
    for m in doc.entities:
        if m.entity_id:
            by_cluster.setdefault(m.entity_id, []).append((m.start, m.end))
    return {
        (doc.doc_id, *x, *y)
        for spans in by_cluster.values()
        for x, y in combinations(sorted(spans), 2)
    }


@dataclass
class PooledAgreement:
    """Agreement over documents each annotated blind by two annotators."""

    documents: list[str]
    pairs: dict[str, list[str]]  # "a vs b" -> their shared documents
    measures: dict[str, dict]  # name -> counts, F1 and its interval
    by_type: dict[str, dict]  # entity type -> the same
    by_event_type: dict[str, dict]
    token_kappa: dict
    confidence: float
    n_resamples: int

    def as_dict(self) -> dict:
        return {
            "documents": self.documents,
            "pairs": self.pairs,
            "measures": self.measures,
            "entities_by_type": self.by_type,
            "triggers_by_event_type": self.by_event_type,
            "token_kappa": self.token_kappa,
            "confidence": self.confidence,
            "n_resamples": self.n_resamples,
            "unit": "document",
        }


def _f1_with_interval(rows: list[tuple[int, int, int]], confidence, n_resamples, seed) -> dict:
    import numpy as np

    from warta.metrics.bootstrap import bootstrap_ci, f1_or_nan

    counts = np.array(rows, dtype=float)
    total = Counts(*(int(x) for x in counts.sum(axis=0)))
    result = total.as_dict()
    if len(rows) < 2 or not counts.any():
        return {**result, "ci_low": None, "ci_high": None}
    ci = bootstrap_ci(counts, f1_or_nan, n_resamples=n_resamples, confidence=confidence, seed=seed)
    return {**result, "ci_low": ci.low, "ci_high": ci.high}


def _kappa_from_confusion(matrix) -> float:
    import numpy as np

    total = matrix.sum()
    if total == 0:
        return float("nan")
    observed = np.trace(matrix) / total
    expected = (matrix.sum(axis=0) * matrix.sum(axis=1)).sum() / total**2
    return 1.0 if expected == 1 else float((observed - expected) / (1 - expected))


def pooled_agreement(
    passes: dict[str, tuple[tuple[str, DocumentAnnotation], tuple[str, DocumentAnnotation]]],
    tokens: dict[str, list[tuple[int, int]]],
    *,
    confidence: float = 0.95,
    n_resamples: int = 1000,
    seed: int = 0,
) -> PooledAgreement:
    """``passes``: doc_id -> the two blind annotations, each with its annotator's name."""
    import numpy as np

    documents = sorted(passes)
    pairs: dict[str, list[str]] = {}
    for doc_id in documents:
        (x, _), (y, _) = passes[doc_id]
        pairs.setdefault(" vs ".join(sorted((x, y))), []).append(doc_id)

    def interval(extract) -> dict:
        rows = []
        for doc_id in documents:
            (_, a), (_, b) = passes[doc_id]
            c = set_counts(extract(a), extract(b))
            rows.append((c.tp, c.fp, c.fn))
        return _f1_with_interval(rows, confidence, n_resamples, seed)

    types = sorted({m.type for d in documents for _, doc in passes[d] for m in doc.entities})
    event_types = sorted({e.type for d in documents for _, doc in passes[d] for e in doc.events})
    labels = [OUTSIDE, *types]
    index = {label: i for i, label in enumerate(labels)}
    confusions = []
    for doc_id in documents:
        (_, a), (_, b) = passes[doc_id]
        matrix = np.zeros((len(labels), len(labels)))
        for x, y in zip(
            token_labels(a, tokens[doc_id]), token_labels(b, tokens[doc_id]), strict=True
        ):
            matrix[index[x], index[y]] += 1
        confusions.append(matrix)
    kappa: dict = {"value": float("nan"), "ci_low": None, "ci_high": None, "tokens": 0}
    if confusions:
        stack = np.stack(confusions)
        kappa = {"value": _kappa_from_confusion(stack.sum(axis=0)), "ci_low": None, "ci_high": None}
        kappa["tokens"] = int(stack.sum())
        if len(confusions) > 1:
            rng = np.random.default_rng(seed)
            draws = rng.integers(0, len(confusions), size=(n_resamples, len(confusions)))
            values = [_kappa_from_confusion(stack[row].sum(axis=0)) for row in draws]
            alpha = (1 - confidence) / 2
            low, high = np.nanquantile(values, [alpha, 1 - alpha])
            kappa.update(ci_low=float(low), ci_high=float(high))
    return PooledAgreement(
        documents=documents,
        pairs=pairs,
        measures={name: interval(extract) for name, extract in MEASURES.items()},
        by_type={
            t: interval(lambda d, t=t: {x for x in entity_tuples(d) if x[3] == t}) for t in types
        },
        by_event_type={
            t: interval(lambda d, t=t: {x for x in trigger_tuples(d) if x[3] == t})
            for t in event_types
        },
        token_kappa=kappa,
        confidence=confidence,
        n_resamples=n_resamples,
    )
