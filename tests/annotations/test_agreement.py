"""Agreement figures on small hand-checked cases; kappa matches scikit-learn's directly."""

from __future__ import annotations

import pytest
from sklearn.metrics import cohen_kappa_score

from warta.annotations.agreement import pairwise_agreement, token_labels
from warta.schema.mentions import Argument, DocumentAnnotation, EntityMention, EventMention

TOKENS = {"d": [(0, 5), (6, 11), (12, 17), (18, 23), (24, 29)]}


def annotate(entities, events=()) -> dict:
    return {"d": DocumentAnnotation("d", list(entities), list(events))}


def test_identical_annotations_agree_perfectly():
    ents = [EntityMention("m1", "PER", 0, 11, "x"), EntityMention("m2", "GPE", 18, 23, "y")]
    (pair,) = pairwise_agreement({1: annotate(ents), 2: annotate(ents)}, TOKENS)
    assert pair.entities.f1 == 1.0 and pair.token_kappa == 1.0 and pair.documents == ["d"]


def test_partial_disagreement():
    a = [EntityMention("m1", "PER", 0, 11, "x"), EntityMention("m2", "GPE", 18, 23, "y")]
    b = [EntityMention("n1", "PER", 0, 11, "x"), EntityMention("n2", "LOC", 18, 23, "y")]
    trigger = EventMention(
        "t", "CONSULT", 12, 17, "z", "actual", arguments=(Argument("actor", "m1"),)
    )
    trigger_b = EventMention(
        "u", "CONSULT", 12, 17, "z", "actual", arguments=(Argument("actor", "n1"),)
    )
    (pair,) = pairwise_agreement({1: annotate(a, [trigger]), 2: annotate(b, [trigger_b])}, TOKENS)
    assert (pair.entities.tp, pair.entities.fp, pair.entities.fn) == (1, 1, 1)
    assert pair.entities_by_type["PER"].f1 == 1.0 and pair.entities_by_type["GPE"].f1 == 0.0
    assert (
        pair.triggers.f1 == 1.0 and pair.arguments.f1 == 1.0 and pair.arguments_attached.f1 == 1.0
    )
    first = token_labels(annotate(a)["d"], TOKENS["d"])
    second = token_labels(annotate(b)["d"], TOKENS["d"])
    assert first == ["PER", "PER", "O", "GPE", "O"]
    assert pair.token_kappa == pytest.approx(cohen_kappa_score(first, second))


def test_annotators_without_shared_documents_are_not_paired():
    ents = [EntityMention("m1", "PER", 0, 5, "x")]
    other = {"e": DocumentAnnotation("e", ents)}
    assert pairwise_agreement({1: annotate(ents), 2: other}, {**TOKENS, "e": [(0, 5)]}) == []
