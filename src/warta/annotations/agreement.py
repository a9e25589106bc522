"""Agreement between annotators over the documents they both annotated.

Per pair of annotators: entity span F1 (strict: same span and type; overall and per type),
token-level Cohen's kappa (scikit-learn) over entity types per corpus token, event trigger F1
(span and type) and argument F1 (event type, role and argument span; the attached variant also
requires the trigger span). F1 is symmetric, so which annotator plays "gold" does not matter.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
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
