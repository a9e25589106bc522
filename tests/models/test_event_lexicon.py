"""The event baseline: learns triggers (and where arguments sit) from the training gold it is
allowed, predicts them back, and learns nothing when no span is allowed."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.conftest import REPO, shipped_seed_gold
from warta.models import get_model
from warta.models.base import TrainingGold
from warta.models.event_lexicon import MAX_DISTANCE, EventLexiconModel
from warta.schema.annotation import load_schema
from warta.schema.mentions import Argument, DocumentAnnotation, EntityMention, EventMention
from warta.schema.records import annotation_from_record
from warta.schema.validate import check_annotation

SCHEMA = load_schema(REPO / "annotations" / "schema.yaml")
ROW = shipped_seed_gold()
GOLD = annotation_from_record(ROW)


def allowed(*spans: tuple[int, int]) -> TrainingGold:
    return TrainingGold([ROW], {ROW["doc_id"]: GOLD}, {ROW["doc_id"]: list(spans)})


def test_learns_the_gold_triggers_and_predicts_them_back():
    model = EventLexiconModel()
    model.train(allowed((0, len(ROW["text"]))))
    assert set(model.lexicon) == {e.trigger_text.lower() for e in GOLD.events}
    (doc,) = model.predict([ROW])
    predicted = {(e.trigger_start, e.trigger_end) for e in doc.events}
    gold = {(e.trigger_start, e.trigger_end) for e in GOLD.events}
    assert len(predicted & gold) >= 0.9 * len(gold)
    for event in doc.events:
        assert ROW["text"][event.trigger_start : event.trigger_end] == event.trigger_text
        labels = model.lexicon[event.trigger_text.lower()]
        assert (event.type, event.mode, event.realis) == labels.most_common(1)[0][0]
    assert check_annotation(doc, ROW["text"], SCHEMA) == []


def test_learns_only_from_allowed_spans():
    middle = len(ROW["text"]) // 2
    model = EventLexiconModel()
    model.train(allowed((0, middle)))
    before = Counter(e.trigger_text.lower() for e in GOLD.events if e.trigger_end <= middle)
    assert set(model.lexicon) == set(before) and 0 < len(before) < len(GOLD.events)
    assert {w: sum(c.values()) for w, c in model.lexicon.items()} == dict(before)


def test_learns_nothing_when_no_span_is_allowed():
    model = EventLexiconModel()
    model.train(allowed())
    assert model.lexicon == {} and model.roles == {}
    (doc,) = model.predict([ROW])
    assert doc.events == [] and doc.entities  # the entity model still runs


def test_min_count_drops_rare_triggers():
    model = EventLexiconModel(min_count=2)
    model.train(allowed((0, len(ROW["text"]))))
    counts = Counter(e.trigger_text.lower() for e in GOLD.events)
    assert set(model.lexicon) == {w for w, n in counts.items() if n >= 2}


def test_arguments_go_to_the_nearest_entity_on_the_side_seen_in_training():
    text = "Putin menelepon Rahmon kemarin."
    putin = EntityMention("a", "PER", 0, 5, "Putin")
    rahmon = EntityMention("b", "PER", 16, 22, "Rahmon")
    call = EventMention("c", "CONSULT", 6, 15, "menelepon", "actual", "phone",
                        (Argument("actor", "a"), Argument("recipient", "b")))  # fmt: skip
    model = EventLexiconModel()
    model.train(TrainingGold([{"doc_id": "d"}], {"d": DocumentAnnotation("d", [putin, rahmon], [call])},
                             {"d": [(0, len(text))]}))  # fmt: skip
    new = "Kemarin Biden dan Macron menelepon Scholz, lalu " + "x" * MAX_DISTANCE + " Meloni."
    near = [EntityMention(f"m{i}", "PER", new.index(n), new.index(n) + len(n), n)
            for i, n in enumerate(["Biden", "Macron", "Scholz", "Meloni"])]  # fmt: skip
    ((event,),) = model.predict_events([{"text": new}], [near])
    assert (event.type, event.mode, event.trigger_text) == ("CONSULT", "phone", "menelepon")
    assert event.arguments == (Argument("actor", "m1"), Argument("recipient", "m2"))
    ((alone,),) = model.predict_events([{"text": "menelepon " + "x" * MAX_DISTANCE + " Putin"}],
                                       [[EntityMention("far", "PER", 211, 216, "Putin")]])  # fmt: skip
    assert alone.arguments == ()


def test_model_version_names_the_entity_model_too():
    assert get_model("event_lexicon").model_version == "event_lexicon-1+rules-2"


@pytest.mark.parametrize("word", ["Menelepon", "MENELEPON"])
def test_triggers_match_in_any_case(word):
    model = EventLexiconModel()
    model.lexicon = {"menelepon": Counter({("CONSULT", "phone", "actual"): 1})}
    ((event,),) = model.predict_events([{"text": f"Putin {word} Rahmon."}], [[]])
    assert (event.trigger_start, event.trigger_text) == (6, word)
