"""Submission files: a good one round-trips; every bad line is reported with its file and line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import REPO, shipped_seed_row
from warta.errors import InputError
from warta.models import get_model
from warta.models.predictions import PredictionsInvalid
from warta.schema.mentions import Argument

GOLDEN = REPO / "tests" / "fixtures" / "predictions" / "seed.jsonl"
DOC = "wrt-fd09ad9a1571522e"


@pytest.fixture(scope="module")
def seed() -> dict:
    row = shipped_seed_row()
    assert row["doc_id"] == DOC
    return row


def write(tmp_path: Path, *lines: object) -> Path:
    path = tmp_path / "submission.jsonl"
    text = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def problems_of(path: Path, articles: list[dict]) -> list[InputError]:
    with pytest.raises(PredictionsInvalid) as caught:
        get_model("predictions", path=str(path)).predict(articles)
    assert str(caught.value).startswith(f"{path}: ")
    return caught.value.problems


def test_the_golden_file_round_trips(seed):
    model = get_model("predictions", path=str(GOLDEN))
    (doc,) = model.predict([seed])
    (line,) = [json.loads(x) for x in GOLDEN.read_text("utf-8").splitlines()]
    assert [(m.type, m.start, m.end) for m in doc.entities] == [
        (e["type"], e["start"], e["end"]) for e in line["entities"]
    ]
    assert all(seed["text"][m.start : m.end] == m.text for m in doc.entities)
    (event,) = doc.events
    assert (event.type, event.trigger_text, event.realis, event.mode) == (
        "CONSULT",
        "membahas",
        "actual",
        "phone",
    )
    assert event.arguments == (
        Argument("actor", "e1"),
        Argument("recipient", "e2"),
        Argument("time", "e3"),
    )
    assert doc.mention("e1").text == "Vladimir Putin"
    assert model.model_version == "fixture-system-1.0" == doc.provenance.model_version
    assert model.predict_entities([seed]) == [doc.entities]


def test_a_document_without_a_line_has_no_predictions(tmp_path, seed):
    other = {"doc_id": "wrt-0000000000000000", "text": "Hujan turun di Bogor."}
    path = write(tmp_path, {"doc_id": DOC, "entities": [ENTITY]})
    (_, doc) = get_model("predictions", path=str(path)).predict([seed, other])
    assert doc.doc_id == other["doc_id"] and doc.entities == [] and doc.events == []


def test_without_one_model_version_the_file_hash_names_it(tmp_path, seed):
    path = write(tmp_path, {"doc_id": DOC, "entities": [{"type": "GPE", "start": 166, "end": 172}]})
    version = get_model("predictions", path=str(path)).model_version
    assert (
        version.startswith("predictions-submission.jsonl-") and len(version.rsplit("-")[-1]) == 12
    )
    path.write_text(path.read_text().replace("166", "165"))
    assert get_model("predictions", path=str(path)).model_version != version


ENTITY = {"type": "GPE", "start": 166, "end": 172}  # Moskow


def entities(*items: dict) -> dict:
    return {"doc_id": DOC, "entities": list(items)}


def event(*arguments: dict, **fields) -> dict:
    """A line with the Moskow entity and one CONSULT event on 'membahas', changed by ``fields``."""
    trigger = {"type": "CONSULT", "trigger_start": 211, "trigger_end": 219, **fields}
    return {**entities(ENTITY), "events": [{**trigger, "arguments": list(arguments)}]}


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('{"doc_id": ', r"not valid JSON"),
        ("[1, 2]", r"expected a JSON object, got list"),
        ({"entities": []}, r"missing doc_id"),
        ({"doc_id": "wrt-0000"}, r"unknown doc_id 'wrt-0000'"),
        ({"doc_id": DOC, "entites": []}, r"unknown key\(s\) entites"),
        (entities({**ENTITY, "end": 9999}), r"entity 0: span 166-9999 is out of range"),
        (entities({**ENTITY, "end": 166}), r"entity 0: span 166-166 is out of range or empty"),
        (entities({**ENTITY, "start": "166"}), r"entity 0: start and end must be integers"),
        (
            entities({**ENTITY, "text": "Moscow"}),
            r"entity 0: text 'Moscow' does not match the document at 166-172 \('Moskow'\)",
        ),
        (entities({**ENTITY, "type": "CITY"}), r"entity 0: type 'CITY' is not an entity type"),
        (entities(ENTITY, ENTITY), r"entity 1: duplicate of entity 0 \(same type and span\)"),
        (event(type="PARTY"), r"event 0: type 'PARTY' is not an event type"),
        (event(trigger_end=99999), r"event 0: span 211-99999 is out of range"),
        (event(realis="maybe"), r"event 0: realis 'maybe' is not one of"),
        (event(mode="fax"), r"event 0: mode 'fax' is not a mode of CONSULT"),
        (event(trigger_text="bahas"), r"event 0: trigger_text 'bahas' does not match"),
        (
            event({"role": "actor", "entity": 3}),
            r"event 0 argument 0: entity 3 is not an index into this line's 1 entities",
        ),
        (event({"role": "judge", "entity": 0}), r"event 0 argument 0: role 'judge' is not in"),
        (
            event({"role": "territory", "entity": 0}),
            r"event 0 argument 0: role 'territory' is not a role of CONSULT",
        ),
        (
            event({"role": "time", "entity": 0}),
            r"event 0 argument 0: role 'time' takes DATE, not GPE",
        ),
    ],
)
def test_a_bad_line_is_reported_with_file_and_line(tmp_path, seed, line, problem):
    path = write(tmp_path, "", line)  # a blank first line: numbers are physical lines
    found = problems_of(path, [seed])
    assert len(found) == 1, [str(p) for p in found]
    assert found[0].line == 2
    assert re.match(rf"{re.escape(str(path))}:2: {problem}", str(found[0])), str(found[0])


def test_all_problems_of_a_file_are_reported_together(tmp_path, seed):
    good = {"doc_id": DOC, "entities": [ENTITY]}
    path = write(
        tmp_path, good, "not json", {"doc_id": DOC}, *[{"doc_id": f"x{i}"} for i in range(25)]
    )
    found = [(p.line, p.problem) for p in problems_of(path, [seed])]
    assert found[:2] == [
        (2, "not valid JSON (Expecting value at column 1)"),
        (3, "doc_id 'wrt-fd09ad9a1571522e' already has predictions on line 1"),
    ]
    assert len(found) == 27
    with pytest.raises(PredictionsInvalid, match=r"27 problem\(s\)[\s\S]*\.\.\. and 7 more"):
        get_model("predictions", path=str(path)).predict([seed])


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(InputError, match=r"nowhere.jsonl: cannot read file"):
        get_model("predictions", path=str(tmp_path / "nowhere.jsonl"))


MANIFEST = {"model": "my-system", "version": "2.1", "training_data": ["idner-news-2k train"],
            "warta_test_seen": False}  # fmt: skip
LINE = {"doc_id": DOC, "entities": [{"type": "GPE", "start": 166, "end": 172}]}


def test_a_manifest_declares_the_training_and_names_the_system(tmp_path, seed):
    model = get_model("predictions", path=str(write(tmp_path, {"manifest": MANIFEST}, LINE)))
    assert model.declaration() == MANIFEST and not model.reproduced
    assert model.model_version == "my-system-2.1"
    assert model.training_data() == ["idner-news-2k train"]
    (doc,) = model.predict([seed])
    assert [m.text for m in doc.entities] == ["Moskow"]


def test_a_file_without_a_manifest_declares_nothing(seed):
    model = get_model("predictions", path=str(GOLDEN))
    assert model.declaration() is None and model.training_data() == []


@pytest.mark.parametrize(
    ("manifest", "problem"),
    [
        ({**MANIFEST, "warta_test_seen": "no"}, "warta_test_seen must be true or false"),
        ({**MANIFEST, "training_data": []}, "training_data must be a non-empty list"),
        ({k: v for k, v in MANIFEST.items() if k != "model"}, "manifest needs exactly the keys"),
        ({**MANIFEST, "version": ""}, "version must be a non-empty string"),
    ],
)
def test_a_bad_manifest_is_reported_on_its_line(tmp_path, seed, manifest, problem):
    (found,) = problems_of(write(tmp_path, {"manifest": manifest}, LINE), [seed])
    assert found.line == 1 and problem in found.problem


@pytest.mark.parametrize(
    ("content", "what"), [(b"", "empty"), (b"\n  \r\n\t\n", "only blank lines")]
)
def test_an_empty_or_blank_file_is_refused_naming_it(tmp_path, content, what):
    path = tmp_path / "submission.jsonl"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        get_model("predictions", path=str(path))
    assert str(caught.value) == f"{path}: no predictions: the file is {what}"


# --- fuzz: arbitrary bytes and JSON lines are predictions or one InputError ----------------------

from hypothesis import given  # noqa: E402

from tests.strategies import FUZZ, json_lines  # noqa: E402
from warta.models.predictions import ARGUMENT_KEYS, ENTITY_KEYS, EVENT_KEYS, LINE_KEYS  # noqa: E402

FUZZ_TEXT = "Presiden Vladimir Putin membahas situasi di Moskow dengan Rahmon pada Senin."
FUZZ_WORDS = [DOC, "PER", "GPE", "ORG", "CONSULT", "actor", "recipient", "actual", "phone", "x"]
FUZZ_KEYS = sorted(LINE_KEYS | ENTITY_KEYS | EVENT_KEYS | ARGUMENT_KEYS)


@FUZZ
@given(data=json_lines(FUZZ_KEYS, FUZZ_WORDS))
def test_fuzz_predictions_files(tmp_path, data):
    path = tmp_path / "fuzz.jsonl"
    path.write_bytes(data)
    article = {"doc_id": DOC, "text": FUZZ_TEXT}
    try:
        (doc,) = get_model("predictions", path=str(path)).predict([article])
    except InputError as err:
        assert str(err).startswith(f"{path}: ")
        return
    for mention in doc.entities:
        assert FUZZ_TEXT[mention.start : mention.end] == mention.text
