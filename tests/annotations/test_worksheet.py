"""Worksheets: quotes in reading order become exact offsets, and every problem is reported."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO
from warta.annotations.worksheet import WorksheetError, read_worksheet, worksheet_annotation
from warta.errors import WartaError
from warta.schema.annotation import load_schema

SCHEMA = load_schema(REPO / "annotations" / "schema.yaml")
TEXT = (
    "Polisi menangkap Miryam di Jakarta , Senin ( 27 / 3 ) . Miryam dibawa ke KPK .\n"
    "Jakarta-Bandung macet ; ASEAN dan AS bertemu ."
)


def sheet(tmp_path: Path, body: dict) -> tuple[Path, dict]:
    path = tmp_path / "w.yaml"
    path.write_text(yaml.safe_dump({"doc_id": "wrt-x", **body}, allow_unicode=True))
    return path, read_worksheet(path)


def test_quotes_in_reading_order_become_the_offsets_of_each_occurrence(tmp_path):
    path, data = sheet(
        tmp_path,
        {
            "entities": {
                "e1": "Miryam | PER | miryam | Miryam S. Haryani",
                "e2": "Jakarta | GPE | jakarta | Jakarta",
                "e3": "Senin ( 27 / 3 ) | DATE",
                "e4": "Miryam | PER | miryam",
                "e5": "KPK | ORG | kpk | Komisi Pemberantasan Korupsi",
                "e6": "Jakarta | GPE | jakarta",
                "e7": "AS | GPE | as | Amerika Serikat",
            },
            "events": [
                {
                    "trigger": "menangkap",
                    "type": "COERCE",
                    "realis": "actual",
                    "mode": "arrest",
                    "args": ["recipient e1", "place e2", "time e3"],
                }
            ],
        },
    )
    doc = worksheet_annotation(path, data, TEXT, SCHEMA).annotation
    found = {m.mention_id: (m.start, m.end) for m in doc.entities}
    for mention in doc.entities:
        assert TEXT[mention.start : mention.end] == mention.text
    assert found["e4"][0] == TEXT.index("Miryam", found["e1"][1])  # the second Miryam
    assert found["e6"][0] == TEXT.index("Jakarta-")  # a hyphen compound: still a word boundary
    assert found["e7"][0] == TEXT.index(" AS ") + 1  # not the "AS" inside "ASEAN"
    assert doc.entities[3].canonical_name == "Miryam S. Haryani"  # given once per cluster
    (event,) = doc.events
    assert TEXT[event.trigger_start : event.trigger_end] == "menangkap"
    assert {(a.role, a.mention_id) for a in event.arguments} == {
        ("recipient", "e1"),
        ("place", "e2"),
        ("time", "e3"),
    }


def test_a_pin_places_a_quote_and_a_wrong_pin_is_a_problem(tmp_path):
    second = TEXT.index("Jakarta", TEXT.index("Jakarta") + 1)
    path, data = sheet(tmp_path, {"entities": {"e1": f"Jakarta @{second} | GPE"}})
    (mention,) = worksheet_annotation(path, data, TEXT, SCHEMA).annotation.entities
    assert mention.start == second
    path, data = sheet(tmp_path, {"entities": {"e1": "Jakarta @3 | GPE"}})
    with pytest.raises(WorksheetError, match=r"'Jakarta' is not at @3"):
        worksheet_annotation(path, data, TEXT, SCHEMA)


def test_every_problem_is_listed_with_its_entry_and_nothing_is_converted(tmp_path):
    path, data = sheet(
        tmp_path,
        {
            "entities": {
                "e1": "KPK | ORG | kpk | KPK",
                "e2": "Miryam | PER",  # before e1 in the text: out of reading order
                "e3": "Bandung | PERSON",
                "e4": "AS | GPE | as",
                "e5": "no type",
            },
            "events": [{"trigger": "dibawa", "type": "MOVE", "realis": "maybe", "args": ["x"]}],
        },
    )
    with pytest.raises(WorksheetError) as raised:
        worksheet_annotation(path, data, TEXT, SCHEMA)
    problems = raised.value.problems
    text = "\n".join(problems)
    assert str(path) in str(raised.value).splitlines()[0]
    assert "entity e2: 'Miryam' not found after offset" in text and "reading order" in text
    assert "entity e4: cluster 'as' has no canonical name" in text
    assert "entity e5: expected 'text | TYPE" in text
    assert "argument 'x' is not 'role mention_id'" in text
    assert "PERSON" in text and "MOVE" in text and "maybe" in text
    assert len(problems) >= 6


def test_two_canonical_names_for_one_cluster_are_refused(tmp_path):
    path, data = sheet(
        tmp_path,
        {"entities": {"e1": "Miryam | PER | m | Miryam", "e2": "Miryam | PER | m | Miryam S."}},
    )
    with pytest.raises(WorksheetError, match="cluster 'm' has two canonical names"):
        worksheet_annotation(path, data, TEXT, SCHEMA)


@pytest.mark.parametrize("body", ["doc_id: [", "- a list\n", "entities: {}\n", "\xff"])
def test_an_unreadable_worksheet_is_one_line_naming_the_file(tmp_path, body):
    path = tmp_path / "bad.yaml"
    path.write_bytes(body.encode("latin-1"))
    with pytest.raises(WartaError) as raised:
        read_worksheet(path)
    assert str(raised.value).startswith(str(path)) and "\n" not in str(raised.value)
