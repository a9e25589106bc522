"""The rules baseline: patterns and a public list of country names before training; names,
their types and trigger phrases from the training gold after."""

from __future__ import annotations

from warta.models import get_model
from warta.models.base import TrainingGold
from warta.models.rules import territories
from warta.schema.mentions import DocumentAnnotation, EntityMention, EventMention


def test_untrained_rules_find_patterns_and_public_country_names(seed):
    (doc,) = get_model("rules").predict([seed])
    found = {(m.text, m.type) for m in doc.entities}
    assert {("Tajikistan", "GPE"), ("Rusia", "GPE"), ("CSTO", "ORG")} <= found
    assert {("14 Februari 2003", "DATE"), ("lebih dari 1.000", "CARDINAL")} <= found
    assert doc.events == []  # no trigger phrase comes from anywhere but training gold


def test_the_public_list_is_babels_indonesian_territories():
    names = territories()
    assert names["Tiongkok"] == "GPE" and names["Asia Tenggara"] == "LOC"
    assert names["Uni Eropa"] == "ORG" and len(names) > 250
    assert get_model("rules", public_gazetteer=False).resources()["gazetteer"] == set()


def test_training_gold_teaches_names_types_and_triggers():
    text = "Wakil Bupati Sutarjo meresmikan jembatan di Kalijati. Sutarjo datang pada hari Senin."
    sutarjo = EntityMention("a", "PER", 13, 20, "Sutarjo")
    kalijati = EntityMention("b", "GPE", 44, 52, "Kalijati")
    opening = EventMention("c", "SUPPORT", 21, 31, "meresmikan", "actual", None, ())
    doc = DocumentAnnotation("d", [sutarjo, kalijati], [opening])
    row = {"doc_id": "d", "text": text, "tokens": [], "token_starts": [], "token_ends": [],
           "sentences": []}  # fmt: skip
    model = get_model("rules")
    model.train(TrainingGold.whole([row], {"d": doc}))
    assert model.gazetteer["Kalijati"] == "GPE" and model.triggers == {
        "meresmikan": ("SUPPORT", None)
    }
    assert model.types == {"PER", "GPE"}
    new = "Sutarjo meresmikan pasar di Kalijati pada 3 Mei."
    article = {"doc_id": "n", "text": new, "tokens": new.rstrip(".").split(), "sentences": [],
               "token_starts": [], "token_ends": []}  # fmt: skip
    article["token_starts"] = [new.index(t) for t in article["tokens"]]
    article["token_ends"] = [
        s + len(t) for s, t in zip(article["token_starts"], article["tokens"], strict=True)
    ]
    (predicted,) = model.predict([article])
    assert {(m.text, m.type) for m in predicted.entities} == {
        ("Sutarjo", "PER"),
        ("Kalijati", "GPE"),
    }
    assert [e.trigger_text for e in predicted.events] == ["meresmikan"]
