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


def _doc(doc_id: str, entities, events=()) -> DocumentAnnotation:
    return DocumentAnnotation(doc_id, list(entities), list(events))


def test_pooled_agreement_sums_documents_and_gives_intervals_over_them():
    from warta.annotations.agreement import pooled_agreement

    tokens = {d: TOKENS["d"] for d in ("d1", "d2", "d3")}
    same = [
        EntityMention("m1", "PER", 0, 11, "x", "p", "P"),
        EntityMention("m2", "GPE", 18, 23, "y"),
    ]
    other = [
        EntityMention("n1", "PER", 0, 11, "x", "p", "P"),
        EntityMention("n2", "LOC", 18, 23, "y"),
    ]
    call = EventMention("t", "CONSULT", 12, 17, "z", "actual", arguments=(Argument("actor", "m1"),))
    told = EventMention("u", "CONSULT", 12, 17, "z", "other", arguments=(Argument("actor", "n1"),))
    passes = {
        "d1": (("ann-a", _doc("d1", same, [call])), ("ann-b", _doc("d1", same, [call]))),
        "d2": (("ann-a", _doc("d2", same, [call])), ("ann-c", _doc("d2", other, [told]))),
        "d3": (("ann-c", _doc("d3", same)), ("ann-b", _doc("d3", same))),
    }
    pooled = pooled_agreement(passes, tokens, n_resamples=200)
    entities = pooled.measures["entities (span and type)"]
    assert (entities["tp"], entities["fp"], entities["fn"]) == (5, 1, 1)
    assert entities["ci_low"] < entities["f1"] <= entities["ci_high"]  # d2 resampled pulls it down
    assert pooled.measures["event triggers (span and type)"]["f1"] == 1.0
    realis = pooled.measures["triggers and realis"]
    assert (realis["tp"], realis["fp"], realis["fn"]) == (1, 1, 1)
    assert pooled.by_type["PER"]["f1"] == 1.0 and pooled.by_type["GPE"]["f1"] == pytest.approx(0.8)
    assert pooled.by_type["LOC"]["f1"] == 0.0
    assert pooled.pairs == {
        "ann-a vs ann-b": ["d1"],
        "ann-a vs ann-c": ["d2"],
        "ann-b vs ann-c": ["d3"],
    }
    assert 0 < pooled.token_kappa["value"] < 1 and pooled.token_kappa["tokens"] == 15
    assert (
        pooled.token_kappa["ci_low"] <= pooled.token_kappa["value"] <= pooled.token_kappa["ci_high"]
    )
    assert pooled.measures["entity clusters (mention pairs)"]["f1"] == 0.0  # one-mention clusters


def test_one_document_gives_no_interval_rather_than_a_point():
    from warta.annotations.agreement import pooled_agreement

    ents = [EntityMention("m1", "PER", 0, 11, "x")]
    pooled = pooled_agreement({"d": (("a", _doc("d", ents)), ("b", _doc("d", ents)))}, TOKENS)
    assert pooled.measures["entities (span and type)"]["ci_low"] is None
    assert pooled.token_kappa["ci_low"] is None
