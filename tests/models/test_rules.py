"""The rules baseline finds the obvious entities and events of the seed article."""

from __future__ import annotations

from warta.models import get_model


def test_rules_model_finds_the_obvious(seed):
    (doc,) = get_model("rules").predict([seed])
    found = {(m.text, m.type) for m in doc.entities}
    assert {
        ("Taliban", "ORG"),
        ("CSTO", "ORG"),
        ("Tajikistan", "GPE"),
        ("14 Februari 2003", "DATE"),
    } <= found
    assert ("lebih dari 1.000", "CARDINAL") in found
    kinds = {e.type for e in doc.events}
    assert {"CONSULT", "MOBILIZE", "RETREAT", "SEIZE_TERRITORY"} <= kinds
