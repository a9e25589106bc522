"""Event scoring with TextEE's end-to-end definitions (ej0cl6/TextEE ``scorer.py``, E2E task).

Each metric is an exact match between per-document sets of tuples:

- ``trigger_id``: ``(trigger start, trigger end)``;
- ``trigger_cls``: ``+ event type``;
- ``argument_id``: ``(event type, argument start, argument end)``;
- ``argument_cls``: ``+ role``;
- ``argument_id_attached``: ``(trigger start, trigger end, event type, argument start, end)``;
- ``argument_cls_attached``: ``+ role``.

So an argument is identified when its span and its event's type are right, even if it hangs off a
wrong trigger; the attached variants also need the trigger span. Deviations from TextEE, all
deliberate: offsets are half-open character offsets (TextEE uses token offsets); an argument's span
is that of the entity mention it references (a dangling reference raises ValueError, TextEE has no
references); the unit is the document (TextEE keys by document and window); scores are 0-1 and F1
is computed as 2TP / (2TP + FP + FN) (TextEE: percentages, 2PR / (P + R), equal up to rounding).
Realis and mode are not scored, as in TextEE.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from warta.metrics.counts import Counts, set_counts
from warta.metrics.registry import EVENT_METRICS, metrics_of
from warta.schema.mentions import DocumentAnnotation


def _argument_spans(doc: DocumentAnnotation) -> list[tuple]:
    """``(trigger start, trigger end, event type, argument start, end, role)`` for every argument."""
    mentions = {m.mention_id: m for m in doc.entities}
    rows = []
    for event in doc.events:
        for arg in event.arguments:
            mention = mentions.get(arg.mention_id)
            if mention is None:
                raise ValueError(
                    f"{doc.doc_id}: event {event.event_id} argument {arg.role!r} refers to "
                    f"unknown mention {arg.mention_id!r}"
                )
            trigger = (event.trigger_start, event.trigger_end, event.type)
            rows.append((*trigger, mention.start, mention.end, arg.role))
    return rows


def event_tuples(doc: DocumentAnnotation) -> dict[str, set[tuple]]:
    """The six TextEE tuple sets of one document, keyed by metric."""
    args = _argument_spans(doc)
    return {
        "trigger_id": {(e.trigger_start, e.trigger_end) for e in doc.events},
        "trigger_cls": {(e.trigger_start, e.trigger_end, e.type) for e in doc.events},
        "argument_id": {(t, s, e) for _, _, t, s, e, _ in args},
        "argument_cls": {(t, s, e, r) for _, _, t, s, e, r in args},
        "argument_id_attached": {a[:5] for a in args},
        "argument_cls_attached": set(args),
    }


def document_event_counts(gold: DocumentAnnotation, predicted: DocumentAnnotation) -> dict:
    """Counts of one document for each TextEE metric."""
    g, p = event_tuples(gold), event_tuples(predicted)
    return {metric: set_counts(g[metric], p[metric]) for metric in EVENT_METRICS}


@dataclass(frozen=True, eq=False)
class EventScores:
    """Per-document counts ``counts[metric, (tp, fp, fn), document]``; totals are sums."""

    counts: np.ndarray

    def total(self, metric: str) -> Counts:
        tp, fp, fn = (int(x) for x in self.counts[EVENT_METRICS.index(metric)].sum(axis=-1))
        return Counts(tp, fp, fn)

    def totals(self) -> dict[str, Counts]:
        return {metric: self.total(metric) for metric in EVENT_METRICS}

    def unit_counts(self, metric: str) -> np.ndarray:
        """Per-document ``[document, (tp, fp, fn)]``, the input of warta.metrics.bootstrap."""
        return self.counts[EVENT_METRICS.index(metric)].T

    def metrics(self) -> dict[str, float]:
        """F1 of every event metric by its versioned name."""
        return {spec.name: spec.compute(self) for spec in metrics_of("events")}


def score_events(
    gold: Sequence[DocumentAnnotation], predicted: Sequence[DocumentAnnotation]
) -> EventScores:
    """Score predicted events against gold, documents aligned by position and checked by doc_id."""
    if len(gold) != len(predicted) or any(
        g.doc_id != p.doc_id for g, p in zip(gold, predicted, strict=False)
    ):
        raise ValueError("gold and predicted documents must have the same doc_ids in order")
    counts = np.zeros((len(EVENT_METRICS), 3, len(gold)), dtype=np.int64)
    for d, (g, p) in enumerate(zip(gold, predicted, strict=True)):
        for m, c in enumerate(document_event_counts(g, p).values()):
            counts[m, :, d] = (c.tp, c.fp, c.fn)
    return EventScores(counts)


def per_event_type(
    gold: Sequence[DocumentAnnotation], predicted: Sequence[DocumentAnnotation]
) -> dict[str, Counts]:
    """Trigger classification counts (``trigger_cls``) of each event type seen in gold or
    prediction, both sides restricted to that type."""
    kinds = sorted({e.type for d in (*gold, *predicted) for e in d.events})
    found = {}
    for kind in kinds:
        counts = Counts()
        for g, p in zip(gold, predicted, strict=True):
            counts += set_counts(
                {(e.trigger_start, e.trigger_end) for e in g.events if e.type == kind},
                {(e.trigger_start, e.trigger_end) for e in p.events if e.type == kind},
            )
        found[kind] = counts
    return found
