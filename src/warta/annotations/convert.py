"""Label Studio results <-> Warta mentions, validated on the way in and out.

Label Studio accepts unknown labels, out-of-range offsets, region text that is not the document's
text, dangling relations and forbidden roles without a word, so every conversion here checks them
and reports each problem with the task, annotation and region it is in.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from warta.annotations.labelconfig import (
    CANONICAL_TAG,
    ENTITY_ID_TAG,
    ENTITY_TAG,
    MODE_TAG,
    REALIS_TAG,
    TEXT_TAG,
    TRIGGER_TAG,
    mode_tag,
)
from warta.schema.annotation import AnnotationSchema
from warta.schema.mentions import (
    Argument,
    DocumentAnnotation,
    EntityMention,
    EventMention,
    Provenance,
)
from warta.schema.validate import check_annotation


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an export, located as precisely as the export allows."""

    task_id: int | None
    annotation_id: int | None
    region_id: str | None
    message: str

    def __str__(self) -> str:
        if self.task_id is None and self.annotation_id is None and self.region_id is None:
            return self.message
        where = [f"task {self.task_id}"]
        if self.annotation_id is not None:
            where.append(f"annotation {self.annotation_id}")
        if self.region_id is not None:
            where.append(f"region {self.region_id}")
        return f"{', '.join(where)}: {self.message}"


def read_annotation(
    schema: AnnotationSchema,
    doc_id: str,
    text: str,
    results: list[dict],
    provenance: Provenance,
) -> tuple[DocumentAnnotation, list[Problem]]:
    """One Label Studio annotation (or prediction) as mentions, with every problem found in it.

    The shape of the results (controls, labels, fields, relations) is checked here; the mentions
    themselves (types, spans, text, realis, modes, roles, clusters) by ``check_annotation``.
    """
    problems: list[Problem] = []

    def problem(region: str | None, message: str) -> None:
        problems.append(Problem(provenance.task_id, provenance.annotation_id, region, message))

    spans: dict[
        str, tuple[str, str, object, object, str]
    ] = {}  # id -> (tag, label, start, end, text)
    fields: dict[str, dict[str, str]] = defaultdict(dict)
    relations: list[dict] = []
    if not isinstance(results, list):
        problem(None, f"the result must be a list, got {type(results).__name__}")
        results = []
    for item in results:
        if not isinstance(item, dict):
            problem(None, f"a result must be an object, got {type(item).__name__}")
            continue
        kind = item.get("type")
        region = item.get("id")
        if kind != "relation" and not isinstance(region, str):
            problem(None, f"a region id must be a text, got {region!r}"[:120])
            continue
        if kind != "relation" and not isinstance(item.get("value") or {}, dict):
            problem(region, "its value must be an object")
            continue
        if kind == "relation":
            relations.append(item)
        elif kind == "labels":
            span = _read_span(item, problem)
            if span is not None:
                spans[region] = span
        elif kind in ("textarea", "choices"):
            values = (item.get("value") or {}).get("text" if kind == "textarea" else "choices")
            values = values or []
            if not _texts(values) or not isinstance(item.get("from_name"), str):
                problem(region, f"a {kind} result needs a from_name and a list of texts")
                continue
            value = " ".join(v.strip() for v in values if v and v.strip()) or None
            if value is not None:
                fields[region][item["from_name"]] = value
        else:
            problem(region, f"unknown result type {kind!r}"[:120])
    for region in fields:
        if region not in spans:
            problem(region, "per-region field belongs to a region that does not exist")

    doc = DocumentAnnotation(doc_id, provenance=provenance)
    for region, (tag, label, start, end, span_text) in spans.items():
        extra = fields.get(region, {})
        if tag == ENTITY_TAG:
            doc.entities.append(
                EntityMention(
                    region,
                    label,
                    start,
                    end,
                    span_text,
                    extra.get(ENTITY_ID_TAG),
                    extra.get(CANONICAL_TAG),
                )
            )
    arguments = _read_relations(spans, relations, problem)
    for region, (tag, label, start, end, span_text) in spans.items():
        if tag != TRIGGER_TAG:
            continue
        extra = fields.get(region, {})
        # The trigger's own type's Mode control; the single Mode list of older configs (MODE_TAG)
        # only when that is empty. A mode chosen under another type before the trigger was
        # relabelled is not shown to the annotator any more, so it is not read either.
        realis = extra.get(REALIS_TAG)
        mode = extra.get(mode_tag(label)) or extra.get(MODE_TAG)
        if realis is None:
            problem(region, f"event trigger {span_text!r} ({label}) has no realis")
        doc.events.append(
            EventMention(
                region,
                label,
                start,
                end,
                span_text,
                realis or "actual",
                mode,
                tuple(arguments[region]),
            )
        )
    for found in check_annotation(doc, text, schema, name=lambda region: f"region {region}"):
        if found.argument is None:
            problem(found.subject, found.message)
        else:
            event = next(e for e in doc.events if e.event_id == found.subject)
            target = event.arguments[found.argument].mention_id
            problem(found.subject, f"relation {found.subject} -> {target}: {found.message}")
    return doc, problems


def _read_span(item, problem) -> tuple[str, str, object, object, str] | None:
    region, tag, value = item.get("id"), item.get("from_name"), item.get("value") or {}
    labels = value.get("labels") or []
    if not isinstance(tag, str) or tag not in (ENTITY_TAG, TRIGGER_TAG):
        problem(
            region, f"unknown labels control {tag!r} (expected {ENTITY_TAG!r} or {TRIGGER_TAG!r})"
        )
        return None
    if not _texts(labels) or len(labels) != 1:
        problem(region, f"a region needs exactly one label, has {labels!r}"[:120])
        return None
    if not isinstance(value.get("text"), str):
        problem(region, "a region needs its text (value.text)")
        return None
    return tag, labels[0], value.get("start"), value.get("end"), value["text"]


def _texts(values: object) -> bool:
    """Whether a result's list of labels or choices is one: a list of texts."""
    return isinstance(values, list) and all(isinstance(v, str) for v in values)


def _read_relations(spans, relations, problem) -> dict[str, list[Argument]]:
    arguments: dict[str, list[Argument]] = defaultdict(list)
    for relation in relations:
        source, target = relation.get("from_id"), relation.get("to_id")
        name = f"{source} -> {target}"
        missing = [r for r in (source, target) if not isinstance(r, str) or r not in spans]
        if missing:
            problem(missing[0], f"relation {name} points at a region that does not exist")
            continue
        ends = {spans[source][0]: source, spans[target][0]: target}
        if set(ends) != {ENTITY_TAG, TRIGGER_TAG}:
            problem(source, f"relation {name} must join an event trigger and an entity")
            continue
        trigger, entity = ends[TRIGGER_TAG], ends[ENTITY_TAG]
        labels = relation.get("labels") or []
        if not _texts(labels) or len(labels) != 1:
            problem(trigger, f"relation {name} needs exactly one role, has {labels!r}")
            continue
        argument = Argument(labels[0], entity)
        if argument not in arguments[trigger]:
            arguments[trigger].append(argument)
    return arguments


def to_results(doc: DocumentAnnotation) -> list[dict]:
    """Mentions as Label Studio results (for predictions, and to round-trip in tests)."""
    results: list[dict] = []

    def region(region_id, tag, start, end, text, label) -> None:
        value = {"start": start, "end": end, "text": text, "labels": [label]}
        results.append(
            {
                "id": region_id,
                "from_name": tag,
                "to_name": TEXT_TAG,
                "type": "labels",
                "value": value,
            }
        )

    def field(region_id, tag, kind, start, end, value) -> None:
        key = "text" if kind == "textarea" else "choices"
        results.append(
            {
                "id": region_id,
                "from_name": tag,
                "to_name": TEXT_TAG,
                "type": kind,
                "value": {"start": start, "end": end, key: [value]},
            }
        )

    for m in doc.entities:
        region(m.mention_id, ENTITY_TAG, m.start, m.end, m.text, m.type)
        if m.entity_id:
            field(m.mention_id, ENTITY_ID_TAG, "textarea", m.start, m.end, m.entity_id)
        if m.canonical_name:
            field(m.mention_id, CANONICAL_TAG, "textarea", m.start, m.end, m.canonical_name)
    for e in doc.events:
        region(e.event_id, TRIGGER_TAG, e.trigger_start, e.trigger_end, e.trigger_text, e.type)
        field(e.event_id, REALIS_TAG, "choices", e.trigger_start, e.trigger_end, e.realis)
        if e.mode:
            field(e.event_id, mode_tag(e.type), "choices", e.trigger_start, e.trigger_end, e.mode)
        for argument in e.arguments:
            results.append(
                {
                    "from_id": e.event_id,
                    "to_id": argument.mention_id,
                    "type": "relation",
                    "direction": "right",
                    "labels": [argument.role],
                }
            )
    return results
