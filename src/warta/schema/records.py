"""Mentions <-> plain records: the one conversion between ``DocumentAnnotation`` and the dicts of
the ``documents`` layer, offline annotation files and result files.

A record is what a Parquet row or a JSON object holds: an entity mention as ``mention_id, type,
start, end, text, entity_id, canonical_name``; an event as ``event_id, type, trigger_start,
trigger_end, trigger_text, realis, mode, arguments`` with each argument ``{role, mention_id}`` (the
``documents`` layer adds the argument's type, span and text so a row reads on its own).
"""

from __future__ import annotations

from dataclasses import asdict

from warta.schema.mentions import Argument, DocumentAnnotation, EntityMention, EventMention

ENTITY_FIELDS = ("mention_id", "type", "start", "end", "text", "entity_id", "canonical_name")
EVENT_FIELDS = (
    "event_id",
    "type",
    "trigger_start",
    "trigger_end",
    "trigger_text",
    "realis",
    "mode",
)


OPTIONAL_FIELDS = frozenset({"entity_id", "canonical_name", "mode"})


def _values(record: dict, fields: tuple[str, ...]) -> list:
    """The record's values of ``fields`` in order; the first (the id) may be given as ``id``
    (offline annotation files); a missing required field raises ``KeyError``."""
    first = record[fields[0]] if fields[0] in record else record["id"]
    rest = [record.get(f) if f in OPTIONAL_FIELDS else record[f] for f in fields[1:]]
    return [first, *rest]


def entity_from_record(record: dict) -> EntityMention:
    return EntityMention(*_values(record, ENTITY_FIELDS))


def event_from_record(record: dict) -> EventMention:
    arguments = tuple(Argument(a["role"], a["mention_id"]) for a in record.get("arguments") or ())
    return EventMention(*_values(record, EVENT_FIELDS), arguments)


def annotation_from_record(record: dict) -> DocumentAnnotation:
    """``{doc_id, entities: [...], events: [...]}`` (a ``documents`` row, or an offline file)."""
    return DocumentAnnotation(
        record["doc_id"],
        [entity_from_record(m) for m in record["entities"]],
        [event_from_record(e) for e in record["events"]],
    )


def entity_record(mention: EntityMention) -> dict:
    return {name: getattr(mention, name) for name in ENTITY_FIELDS}


def event_record(event: EventMention, doc: DocumentAnnotation) -> dict:
    """An event with each argument resolved to its mention's type, span and text."""
    arguments = []
    for argument in event.arguments:
        mention = doc.mention(argument.mention_id)
        arguments.append(
            {
                "role": argument.role,
                "mention_id": argument.mention_id,
                "type": mention.type,
                "start": mention.start,
                "end": mention.end,
                "text": mention.text,
            }
        )
    return {**{name: getattr(event, name) for name in EVENT_FIELDS}, "arguments": arguments}


def annotation_record(doc: DocumentAnnotation) -> dict:
    """Mentions and events as stored in a result file (arguments as ``{role, mention_id}``)."""
    return {
        "unit": doc.doc_id,
        "entities": [asdict(m) for m in doc.entities],
        "events": [asdict(e) for e in doc.events],
    }
