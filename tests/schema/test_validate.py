"""The one mention validator: each rule gives exactly one problem naming its subject, valid
annotations give none, and values of the wrong JSON type are reported, never raised."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.conftest import REPO
from warta.repository import Repository
from warta.schema.annotation import load_schema
from warta.schema.mentions import Argument, DocumentAnnotation, EntityMention, EventMention
from warta.schema.records import annotation_from_record
from warta.schema.validate import MentionProblem, check_annotation, check_span

SCHEMA = load_schema(REPO / "annotations" / "schema.yaml")
TEXT = "Presiden Rusia Vladimir Putin menelepon Emomali Rahmon pada hari Senin."


def at(needle: str) -> tuple[int, int, str]:
    start = TEXT.index(needle)
    return start, start + len(needle), needle


PUTIN = EntityMention("p", "PER", *at("Vladimir Putin"), "putin", "Vladimir Putin")
RAHMON = EntityMention("r", "PER", *at("Emomali Rahmon"), "rahmon", "Emomali Rahmon")
SENIN = EntityMention("s", "DATE", *at("hari Senin"))
CALL = EventMention(
    "t", "CONSULT", *at("menelepon"), "actual", "phone",
    (Argument("actor", "p"), Argument("recipient", "r"), Argument("time", "s")),
)  # fmt: skip


def sample(entities=(PUTIN, RAHMON, SENIN), events=(CALL,)) -> DocumentAnnotation:
    return DocumentAnnotation("d", list(entities), list(events))


def problems(doc: DocumentAnnotation) -> list[MentionProblem]:
    return check_annotation(doc, TEXT, SCHEMA)


def test_a_valid_annotation_has_no_problem():
    assert problems(sample()) == []
    assert problems(DocumentAnnotation("d")) == []


def test_the_shipped_gold_has_no_problem():
    for row in Repository(REPO).gold_store().latest().iter_rows("documents"):
        assert check_annotation(annotation_from_record(row), row["text"], SCHEMA) == []


RULES = {
    "entity type": (
        sample(entities=(replace(PUTIN, type="PERSON"), RAHMON, SENIN)),
        "p", None, "type 'PERSON' is not an entity type of the schema",
    ),
    "span out of range": (
        sample(entities=(PUTIN, RAHMON, replace(SENIN, start=60, end=999))),
        "s", None, "span 60-999 is out of range or empty",
    ),
    "empty span": (
        sample(entities=(PUTIN, RAHMON, replace(SENIN, end=SENIN.start))),
        "s", None, "is out of range or empty",
    ),
    "text mismatch": (
        sample(entities=(replace(PUTIN, text="Putin"), RAHMON, SENIN)),
        "p", None, "text 'Putin' does not match the document at 15-29 ('Vladimir Putin')",
    ),
    "trigger text mismatch": (
        sample(events=(replace(CALL, trigger_text="menelpon"),)),
        "t", None, "trigger_text 'menelpon' does not match the document",
    ),
    "event type": (
        sample(events=(replace(CALL, type="CALL"),)),
        "t", None, "type 'CALL' is not an event type of the schema",
    ),
    "realis": (
        sample(events=(replace(CALL, realis="real"),)),
        "t", None, "realis 'real' is not one of actual, generic, other",
    ),
    "mode": (
        sample(events=(replace(CALL, mode="aerial"),)),
        "t", None, "mode 'aerial' is not a mode of CONSULT",
    ),
    "role of the event": (
        sample(events=(replace(CALL, arguments=(Argument("territory", "p"),)),)),
        "t", 0, "role 'territory' is not a role of CONSULT",
    ),
    "type the role takes": (
        sample(events=(replace(CALL, arguments=(Argument("actor", "p"), Argument("time", "r"))),)),
        "t", 1, "role 'time' takes DATE, not PER",
    ),
    "missing argument target": (
        sample(events=(replace(CALL, arguments=(Argument("actor", "ghost"),)),)),
        "t", 0, "points at missing mention ghost",
    ),
    "duplicate entity": (
        sample(entities=(PUTIN, RAHMON, SENIN, replace(PUTIN, mention_id="p2"))),
        "p2", None, "duplicate of p (same type and span)",
    ),
    "duplicate event": (
        sample(events=(CALL, replace(CALL, event_id="t2"))),
        "t2", None, "duplicate of t (same type and span)",
    ),
    "two canonical names": (
        sample(entities=(PUTIN, replace(RAHMON, entity_id="putin"), SENIN)),
        "r", None, "entity_id 'putin' has two canonical names: 'Vladimir Putin' (p) and 'Emomali Rahmon'",
    ),
    "duplicate id": (
        sample(entities=(PUTIN, RAHMON, replace(SENIN, mention_id="t")),
               events=(replace(CALL, arguments=CALL.arguments[:2]),)),
        "t", None, "id is used by another mention or event",
    ),
}  # fmt: skip


@pytest.mark.parametrize("rule", RULES)
def test_each_rule_gives_exactly_one_problem_naming_its_subject(rule):
    doc, subject, argument, message = RULES[rule]
    (problem,) = problems(doc)
    assert (problem.subject, problem.argument) == (subject, argument)
    assert message in problem.message


def test_name_turns_ids_into_the_entry_point_s_words():
    doc = sample(entities=(PUTIN, RAHMON, SENIN, replace(PUTIN, mention_id="p2")))
    (problem,) = check_annotation(doc, TEXT, SCHEMA, name=lambda i: f"region {i}")
    assert problem.subject == "p2" and problem.message.startswith("duplicate of region p ")


def test_problems_of_one_document_are_all_reported():
    doc = sample(
        entities=(replace(PUTIN, type="PERSON"), RAHMON, replace(SENIN, text="Senin")),
        events=(replace(CALL, realis="real", mode="aerial"),),
    )
    assert [p.subject for p in problems(doc)] == ["p", "s", "t", "t"]


# Values read from JSON (a predictions file, a Label Studio export) may be of any type.
WRONG = {"list": ["PER"], "object": {"a": 1}, "number": 3, "float": 2.5, "bool": True}
ENTITY_FIELDS = ("type", "start", "end", "text", "entity_id", "canonical_name")
EVENT_FIELDS = ("type", "trigger_start", "trigger_end", "trigger_text", "realis", "mode", "role")
# Unhashable values (lists, objects) too: offsets, cluster ids and roles are used as keys.


def wrong_type_cases():
    for kind, fields in (("entity", ENTITY_FIELDS), ("event", EVENT_FIELDS)):
        for field in fields:
            for value in WRONG:
                yield pytest.param(kind, field, value, id=f"{kind}-{field}-{value}")


@pytest.mark.parametrize(("kind", "field", "value"), list(wrong_type_cases()))
def test_values_of_the_wrong_type_never_raise(kind, field, value):
    wrong = WRONG[value]
    if kind == "entity":
        doc = sample(entities=(replace(PUTIN, **{field: wrong}), RAHMON, SENIN))
        subject = "p"
    elif field == "role":
        doc = sample(events=(replace(CALL, arguments=(Argument(wrong, "p"),)),))
        subject = "t"
    else:
        doc = sample(events=(replace(CALL, **{field: wrong}),))
        subject = "t"
    found = problems(doc)
    if field not in ("entity_id", "canonical_name"):  # free text: any value is taken as given
        assert found and {p.subject for p in found} == {subject}, found


@pytest.mark.parametrize(
    ("start", "end", "given", "expected"),
    [
        (15, 29, "Vladimir Putin", None),
        (15, 29, None, None),
        ("15", 29, None, "start and end must be integers, got '15' and 29"),
        (True, 29, None, "start and end must be integers, got True and 29"),
        (-1, 5, None, "span -1-5 is out of range or empty"),
        (5, 5, None, "span 5-5 is out of range or empty"),
        (0, len(TEXT) + 1, None, f"(0 <= start < end <= {len(TEXT)})"),
        (15, 29, "Putin", "x 'Putin' does not match the document at 15-29"),
    ],
)
def test_check_span(start, end, given, expected):
    why = check_span(TEXT, start, end, given, "x")
    assert why is None if expected is None else expected in why
