"""Mentions <-> plain records: a round trip is the identity, ``id`` stands in for the mention or
event id of offline files, and a missing required field is a KeyError."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import REPO
from warta.repository import Repository
from warta.schema.mentions import Argument, DocumentAnnotation, EntityMention, EventMention
from warta.schema.records import (
    annotation_from_record,
    annotation_record,
    entity_from_record,
    entity_record,
    event_from_record,
    event_record,
)

names = st.text(min_size=1, max_size=12)
optional = st.none() | names


@st.composite
def documents(draw) -> DocumentAnnotation:
    """Any document: unique ids, arguments pointing at its own entities."""
    ids = draw(st.lists(names, min_size=0, max_size=10, unique=True))
    cut = draw(st.integers(0, len(ids)))
    entities = []
    for mention_id in ids[:cut]:
        start = draw(st.integers(0, 10_000))
        entities.append(
            EntityMention(mention_id, draw(names), start, start + draw(st.integers(1, 50)),
                          draw(st.text(max_size=20)), draw(optional), draw(optional))
        )  # fmt: skip
    events = []
    for event_id in ids[cut:]:
        start = draw(st.integers(0, 10_000))
        targets = draw(st.lists(st.sampled_from(entities), max_size=3)) if entities else []
        arguments = tuple(Argument(draw(names), m.mention_id) for m in targets)
        events.append(
            EventMention(event_id, draw(names), start, start + draw(st.integers(1, 20)),
                         draw(st.text(max_size=20)), draw(names), draw(optional), arguments)
        )  # fmt: skip
    return DocumentAnnotation(draw(names), entities, events)


def documents_row(doc: DocumentAnnotation) -> dict:
    return {
        "doc_id": doc.doc_id,
        "entities": [entity_record(m) for m in doc.entities],
        "events": [event_record(e, doc) for e in doc.events],
    }


@settings(max_examples=150, deadline=None)
@given(documents())
def test_documents_layer_records_round_trip_through_json(doc):
    back = annotation_from_record(json.loads(json.dumps(documents_row(doc))))
    assert back == doc


@settings(max_examples=100, deadline=None)
@given(documents())
def test_result_file_records_round_trip(doc):
    record = json.loads(json.dumps(annotation_record(doc)))
    assert record["unit"] == doc.doc_id
    assert annotation_from_record({"doc_id": record["unit"], **record}) == doc


def test_event_records_carry_each_argument_s_type_span_and_text():
    putin = EntityMention("p", "PER", 15, 29, "Vladimir Putin")
    call = EventMention(
        "t", "CONSULT", 30, 39, "menelepon", "actual", None, (Argument("actor", "p"),)
    )
    (argument,) = event_record(call, DocumentAnnotation("d", [putin], [call]))["arguments"]
    assert argument == {"role": "actor", "mention_id": "p", "type": "PER", "start": 15,
                        "end": 29, "text": "Vladimir Putin"}  # fmt: skip


def test_id_is_accepted_for_the_mention_and_event_id():
    entity = entity_from_record({"id": "e1", "type": "PER", "start": 0, "end": 5, "text": "Putin"})
    assert entity == EntityMention("e1", "PER", 0, 5, "Putin")
    given_both = {"id": "x", "mention_id": "e2", "type": "PER", "start": 0, "end": 5, "text": "a"}
    assert entity_from_record(given_both).mention_id == "e2"
    event = event_from_record({"id": "v1", "type": "RETREAT", "trigger_start": 0,
                               "trigger_end": 6, "trigger_text": "mundur", "realis": "actual"})  # fmt: skip
    assert event == EventMention("v1", "RETREAT", 0, 6, "mundur", "actual", None, ())


@pytest.mark.parametrize("missing", ["type", "start", "end", "text"])
def test_a_missing_required_entity_field_is_a_key_error(missing):
    record = {"mention_id": "e", "type": "PER", "start": 0, "end": 5, "text": "Putin"}
    del record[missing]
    with pytest.raises(KeyError, match=missing):
        entity_from_record(record)


@pytest.mark.parametrize("missing", ["event_id", "realis", "trigger_text"])
def test_a_missing_required_event_field_is_a_key_error(missing):
    record = {"event_id": "v", "type": "RETREAT", "trigger_start": 0, "trigger_end": 6,
              "trigger_text": "mundur", "realis": "actual"}  # fmt: skip
    del record[missing]
    with pytest.raises(KeyError):
        event_from_record(record)


def test_shipped_gold_rows_read_back_as_their_own_records():
    """Every `documents` row of the shipped gold converts and converts back to the same fields."""
    rows = Repository(REPO).gold_store().latest().read("documents").to_pylist()
    assert len(rows) == 224
    for row in rows:
        check_round_trip(row)


def check_round_trip(row: dict) -> None:
    doc = annotation_from_record(row)
    assert len(doc.entities) == len(row["entities"]) > 0 and len(doc.events) == len(row["events"])
    for mention, stored in zip(doc.entities, row["entities"], strict=True):
        assert entity_record(mention) == {k: stored[k] for k in entity_record(mention)}
    for event, stored in zip(doc.events, row["events"], strict=True):
        again = event_record(event, doc)
        assert again == {k: stored[k] for k in again}
