"""Error tables: what each gold mention became in the prediction, and what was predicted from
nothing, counted per type (pure functions, no I/O).

For every gold span of type T (an entity mention, or an event trigger with its event type), per
document: nothing when a prediction has the same span and type; ``T as U`` when a prediction has
the same span and type U; ``T boundary`` when only predictions of type T overlap it with other
boundaries; ``T as U (boundary)`` when the overlapping prediction has another type; ``T missed``
when nothing overlaps it. A predicted span of type T that overlaps no gold span counts as
``spurious T`` under T. Like nervaluate's per-mention error indices, this says which kind of error
an F1 hides; unlike the scorer it is not a one-to-one matching: a prediction overlapping two gold
spans explains both.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from warta.schema.mentions import DocumentAnnotation

Span = tuple[int, int, str]


def span_confusions(gold: Iterable[Span], predicted: Iterable[Span]) -> dict[str, Counter]:
    """Error labels per type of one document's gold and predicted spans."""
    gold, predicted = set(gold), set(predicted)
    errors: dict[str, Counter] = defaultdict(Counter)
    for start, end, kind in sorted(gold):
        if (start, end, kind) in predicted:
            continue
        same_span = sorted(p[2] for p in predicted if p[:2] == (start, end))
        overlapping = sorted(
            (p for p in predicted if p[0] < end and start < p[1]), key=lambda p: (p[0], p[1], p[2])
        )
        if same_span:
            errors[kind][f"{kind} as {same_span[0]}"] += 1
        elif any(p[2] == kind for p in overlapping):
            errors[kind][f"{kind} boundary"] += 1
        elif overlapping:
            errors[kind][f"{kind} as {overlapping[0][2]} (boundary)"] += 1
        else:
            errors[kind][f"{kind} missed"] += 1
    for start, end, kind in sorted(predicted):
        if not any(g[0] < end and start < g[1] for g in gold):
            errors[kind][f"spurious {kind}"] += 1
    return errors


def confusions(
    gold: Sequence[DocumentAnnotation], predicted: Sequence[DocumentAnnotation], layer: str
) -> dict[str, Counter]:
    """Error labels per type over aligned documents; ``layer`` is ``entities`` or ``events``."""
    total: dict[str, Counter] = defaultdict(Counter)
    for g, p in zip(gold, predicted, strict=True):
        for kind, counter in span_confusions(_spans(g, layer), _spans(p, layer)).items():
            total[kind].update(counter)
    return dict(total)


def top_confusions(errors: dict[str, Counter], k: int = 5) -> dict[str, list[list]]:
    """The ``k`` most frequent error labels of each type, as ``[label, count]`` (ties by label)."""
    return {
        kind: [[label, n] for label, n in sorted(counter.items(), key=lambda x: (-x[1], x[0]))[:k]]
        for kind, counter in sorted(errors.items())
    }


def _spans(doc: DocumentAnnotation, layer: str) -> list[Span]:
    if layer == "entities":
        return [(m.start, m.end, m.type) for m in doc.entities]
    return [(e.trigger_start, e.trigger_end, e.type) for e in doc.events]
