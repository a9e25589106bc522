"""The one check of entity and event mentions against their document's text and the schema.

Used wherever mentions enter Warta: the Label Studio pull, a predictions file and the integrity
checks of shipped gold. Each entry point first reads its own format into ``DocumentAnnotation``
(keeping invalid values, so they can be reported), then calls ``check_annotation``; ``name`` turns
a mention or event id into the entry point's own words for it (``region p2``, ``entity 3``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from warta.schema.annotation import AnnotationSchema
from warta.schema.mentions import DocumentAnnotation, EntityMention, EventMention


@dataclass(frozen=True)
class MentionProblem:
    """One thing wrong with one mention or event (``subject`` is its id)."""

    subject: str
    message: str
    argument: int | None = None  # the argument's position, for a problem of an event argument


def check_span(text: str, start: object, end: object, given: str | None, label: str) -> str | None:
    """Why ``[start, end)`` is not a valid span of ``text`` reproducing ``given``, or None."""
    if not is_int(start) or not is_int(end):
        return f"start and end must be integers, got {start!r} and {end!r}"
    if not 0 <= start < end <= len(text):
        return f"span {start}-{end} is out of range or empty (0 <= start < end <= {len(text)})"
    if given is not None and given != text[start:end]:
        return (
            f"{label} {given!r} does not match the document at {start}-{end} ({text[start:end]!r})"
        )
    return None


def check_annotation(
    doc: DocumentAnnotation,
    text: str,
    schema: AnnotationSchema,
    name: Callable[[str], str] = str,
) -> list[MentionProblem]:
    """Every problem of one document's mentions, in document order of the records."""
    problems: list[MentionProblem] = []
    seen_ids: set[str] = set()
    for subject in [m.mention_id for m in doc.entities] + [e.event_id for e in doc.events]:
        if subject in seen_ids:
            problems.append(MentionProblem(subject, "id is used by another mention or event"))
        seen_ids.add(subject)
    problems += _entity_problems(doc.entities, text, schema, name)
    mentions = {m.mention_id: m for m in doc.entities}
    for event in doc.events:
        problems += _event_problems(event, mentions, text, schema)
    entity_keys = [
        (m.mention_id, (m.type, m.start, m.end))
        for m in doc.entities
        if _named(m.type, schema.entity_types) and not check_span(text, m.start, m.end, None, "")
    ]
    event_keys = [
        (e.event_id, (e.type, e.trigger_start, e.trigger_end))
        for e in doc.events
        if _named(e.type, schema.event_types)
        and not check_span(text, e.trigger_start, e.trigger_end, None, "")
    ]
    return problems + _duplicates(entity_keys, name) + _duplicates(event_keys, name)


def _duplicates(keyed: list[tuple[str, tuple]], name: Callable[[str], str]) -> list[MentionProblem]:
    """A mention or event with the type and span of an earlier one."""
    first_of: dict[tuple, str] = {}
    problems = []
    for subject, key in keyed:
        if key in first_of:
            message = f"duplicate of {name(first_of[key])} (same type and span)"
            problems.append(MentionProblem(subject, message))
        first_of.setdefault(key, subject)
    return problems


def _entity_problems(entities, text, schema, name) -> list[MentionProblem]:
    problems = []
    canonical: dict[str, EntityMention] = {}
    for m in entities:
        known = _named(m.type, schema.entity_types)
        if not known:
            problems.append(
                MentionProblem(
                    m.mention_id,
                    f"type {m.type!r} is not an entity type of the schema "
                    f"({', '.join(schema.entity_types)})",
                )
            )
        if why := check_span(text, m.start, m.end, m.text, "text"):
            problems.append(MentionProblem(m.mention_id, why))
            continue
        if not known:
            continue
        for name_of, value in (("entity_id", m.entity_id), ("canonical_name", m.canonical_name)):
            if value is not None and not isinstance(value, str):
                problems.append(MentionProblem(m.mention_id, f"{name_of} {value!r} is not a text"))
        if not (isinstance(m.entity_id, str) and isinstance(m.canonical_name, str)):
            continue
        first = canonical.setdefault(m.entity_id, m)
        if first.canonical_name != m.canonical_name:
            problems.append(
                MentionProblem(
                    m.mention_id,
                    f"entity_id {m.entity_id!r} has two canonical names: "
                    f"{first.canonical_name!r} ({name(first.mention_id)}) and {m.canonical_name!r}",
                )
            )
    return problems


def _event_problems(
    event: EventMention, mentions: dict[str, EntityMention], text: str, schema: AnnotationSchema
) -> list[MentionProblem]:
    def problem(message: str, argument: int | None = None) -> None:
        problems.append(MentionProblem(event.event_id, message, argument))

    problems: list[MentionProblem] = []
    event_type = schema.event_types[event.type] if _named(event.type, schema.event_types) else None
    if event_type is None:
        problem(
            f"type {event.type!r} is not an event type of the schema "
            f"({', '.join(schema.event_types)})"
        )
    if why := check_span(
        text, event.trigger_start, event.trigger_end, event.trigger_text, "trigger_text"
    ):
        problem(why)
    if not _named(event.realis, schema.realis):
        problem(f"realis {event.realis!r} is not one of {', '.join(schema.realis)}")
    if event_type is None:
        return problems  # its modes and roles are unknown: nothing more to check against
    if event.mode is not None and not (
        isinstance(event.mode, str) and event.mode in event_type.modes
    ):
        allowed = ", ".join(event_type.modes) or "none, so null"
        problem(f"mode {event.mode!r} is not a mode of {event.type} ({allowed})")
    for position, argument in enumerate(event.arguments):
        target = mentions.get(argument.mention_id) if isinstance(argument.mention_id, str) else None
        if not isinstance(argument.role, str):
            problem(f"role {argument.role!r} is not a role name", position)
        elif target is None:
            problem(f"points at missing mention {argument.mention_id}", position)
        elif _named(target.type, schema.entity_types) and (
            why := schema.role_allows(event.type, argument.role, target.type)
        ):
            problem(why, position)
    return problems


def is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _named(value: object, names: object) -> bool:
    """Whether a value read from outside is one of the schema's names (a string, and known)."""
    return isinstance(value, str) and value in names
