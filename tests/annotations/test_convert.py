"""Label Studio results <-> mentions: round trips, and each validation rule naming its region."""

from __future__ import annotations

import pytest

from tests.conftest import REPO
from warta.annotations.convert import read_annotation, to_results
from warta.schema.annotation import load_schema
from warta.schema.mentions import (
    Argument,
    DocumentAnnotation,
    EntityMention,
    EventMention,
    Provenance,
)

SCHEMA = load_schema(REPO / "annotations" / "schema.yaml")
TEXT = "Presiden Rusia Vladimir Putin menelepon Emomali Rahmon pada hari Senin."


def at(needle: str) -> tuple[int, int, str]:
    start = TEXT.index(needle)
    return start, start + len(needle), needle


def sample() -> DocumentAnnotation:
    putin = EntityMention("p", "PER", *at("Vladimir Putin"), "putin", "Vladimir Putin")
    rahmon = EntityMention("r", "PER", *at("Emomali Rahmon"), "rahmon", "Emomali Rahmon")
    senin = EntityMention("s", "DATE", *at("hari Senin"))
    call = EventMention(
        "t", "CONSULT", *at("menelepon"), "actual", "phone",
        (Argument("actor", "p"), Argument("recipient", "r"), Argument("time", "s")),
    )  # fmt: skip
    return DocumentAnnotation("d", [putin, rahmon, senin], [call])


def test_sample_offsets_are_right():
    for m in sample().entities:
        assert TEXT[m.start : m.end] == m.text


def test_round_trip_through_label_studio_results():
    doc, problems = read_annotation(SCHEMA, "d", TEXT, to_results(sample()), Provenance())
    assert problems == []
    assert doc.entities == sample().entities and doc.events == sample().events


def read_modes(results: list[dict]) -> list[str | None]:
    doc, problems = read_annotation(SCHEMA, "d", TEXT, results, Provenance())
    assert problems == []
    return [e.mode for e in doc.events]


def test_the_mode_is_read_from_the_triggers_own_type():
    results = to_results(sample())
    assert {r["from_name"] for r in results if r.get("id") == "t"} == {
        "trigger", "realis", "mode_CONSULT"}  # fmt: skip
    assert read_modes(results) == ["phone"]


def test_a_mode_from_the_single_list_of_older_configs_is_still_read():
    results = to_results(sample())
    region(results, "t", "mode_CONSULT")["from_name"] = "mode"
    assert read_modes(results) == ["phone"]


def test_a_mode_left_under_the_type_a_trigger_had_before_is_not_read():
    """Relabelled DIE after a mode was chosen as CONSULT: the page no longer shows that mode."""
    results = to_results(sample())
    region(results, "t", "trigger")["value"]["labels"] = ["DIE"]
    for r in [r for r in results if r.get("type") == "relation"]:
        results.remove(r)
    assert read_modes(results) == [None]


def spoilt(change) -> list[str]:
    results = to_results(sample())
    change(results)
    _, problems = read_annotation(
        SCHEMA, "d", TEXT, results, Provenance(task_id=7, annotation_id=9)
    )
    return [str(p) for p in problems]


def region(results, region_id, tag="entity"):
    return next(r for r in results if r.get("id") == region_id and r["from_name"] == tag)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda r: region(r, "p")["value"].update(text="Putin"),
         "task 7, annotation 9, region p: text 'Putin' does not match the document at 15-29 ('Vladimir Putin')"),
        (lambda r: r.append(dict(region(r, "p"), id="p2")),
         "task 7, annotation 9, region p2: duplicate of region p (same type and span)"),
        (lambda r: r.remove(region(r, "t", "realis")),
         "region t: event trigger 'menelepon' (CONSULT) has no realis"),
        (lambda r: region(r, "t", "mode_CONSULT")["value"].update(choices=["aerial"]),
         "region t: mode 'aerial' is not a mode of CONSULT"),
        (lambda r: region(r, "r", "entity_id")["value"].update(text=["putin"]),
         "region r: entity_id 'putin' has two canonical names"),
        (lambda r: r.append({"id": "x", "type": "rating", "value": {}}), "region x: unknown result type 'rating'"),
        (lambda r: region(r, "p")["value"].update(labels=["PER", "ORG"]), "region p: a region needs exactly one label"),
        (lambda r: r.append({"from_id": "p", "to_id": "r", "type": "relation", "labels": ["actor"]}),
         "relation p -> r must join an event trigger and an entity"),
    ],
)  # fmt: skip
def test_each_validation_rule_names_the_region(change, expected):
    problems = spoilt(change)
    assert any(expected in p for p in problems), problems


# --- properties ---------------------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

WORDS = [(m.start(), m.end()) for m in __import__("re").finditer(r"\S+", TEXT)]


@st.composite
def annotations(draw):
    """Random valid annotations of TEXT: word-aligned entities, events with allowed arguments."""
    chosen = draw(st.lists(st.sampled_from(range(len(WORDS))), unique=True, max_size=len(WORDS)))
    entities, events = [], []
    for n, index in enumerate(sorted(chosen)):
        start, end = WORDS[index]
        kind = draw(st.sampled_from(["PER", "GPE", "ORG", "DATE"]))
        if draw(st.booleans()) and kind != "DATE":
            entities.append(
                EntityMention(
                    f"e{n}", kind, start, end, TEXT[start:end], f"c{kind}", f"Canonical {kind}"
                )
            )
        elif draw(st.booleans()):
            entities.append(EntityMention(f"e{n}", kind, start, end, TEXT[start:end]))
        else:
            actors = [m for m in entities if m.type in ("PER", "GPE", "ORG")]
            arguments = (
                (Argument("actor", actors[0].mention_id),) if actors and draw(st.booleans()) else ()
            )
            realis = draw(st.sampled_from(["actual", "generic", "other"]))
            mode = draw(st.sampled_from([None, "phone", "visit"]))
            events.append(
                EventMention(
                    f"t{n}", "CONSULT", start, end, TEXT[start:end], realis, mode, arguments
                )
            )
    return DocumentAnnotation("d", entities, events)


@settings(max_examples=60, deadline=None)
@given(annotations())
def test_label_studio_round_trip_preserves_every_mention(doc):
    back, problems = read_annotation(SCHEMA, "d", TEXT, to_results(doc), Provenance())
    assert problems == []
    assert sorted(back.entities, key=lambda m: m.mention_id) == sorted(
        doc.entities, key=lambda m: m.mention_id
    )
    assert sorted(back.events, key=lambda e: e.event_id) == sorted(
        doc.events, key=lambda e: e.event_id
    )
