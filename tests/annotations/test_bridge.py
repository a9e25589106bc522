"""Label Studio exports -> mentions (a golden export pair: input file, expected output), and what
the bridge checks without a server: tasks, predictions, saved exports and the token."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pytest

from tests.conftest import REPO, shipped_seed_row
from warta.annotations.bridge import (
    Connection,
    batched,
    build_task,
    newest_export,
    parse_export,
    prediction,
    save_export,
)
from warta.annotations.server import API_KEY_ENV, URL_ENV, LabelStudioAuthError, LabelStudioError
from warta.errors import WartaError
from warta.repository import Repository
from warta.schema.annotation import load_schema
from warta.schema.mentions import DocumentAnnotation, EntityMention

FIXTURES = Path(__file__).parents[1] / "fixtures" / "labelstudio"
SCHEMA = load_schema(REPO / "annotations" / "schema.yaml")


def as_plain(docs: dict[str, list[DocumentAnnotation]]) -> list[dict]:
    return [
        {"annotation_id": d.provenance.annotation_id, "annotator": d.provenance.annotator,
         "ground_truth": d.provenance.ground_truth, "entities": [asdict(m) for m in d.entities],
         "events": [asdict(e) for e in d.events]}
        for docs_of_doc in docs.values() for d in docs_of_doc
    ]  # fmt: skip


def test_golden_export_converts_to_the_expected_mentions():
    export = FIXTURES / "export_two_annotators.json"
    (task,) = json.loads(export.read_text())
    parsed = parse_export(export, SCHEMA, {task["data"]["doc_id"]: task["data"]["text"]}, "v0001")
    assert parsed.problems == []
    expected = json.loads((FIXTURES / "export_two_annotators.expected.json").read_text())
    assert json.loads(json.dumps(as_plain(parsed.annotations))) == expected


# --- what needs no server: parsing, saving and building what is sent ---------------------------

EXPORT = FIXTURES / "export_two_annotators.json"


def golden_task() -> dict:
    (task,) = json.loads(EXPORT.read_text())
    return task


def parse(tasks: list[dict], texts: dict[str, str] | None = None):
    data = json.dumps(tasks).encode()
    task = golden_task()
    texts = {task["data"]["doc_id"]: task["data"]["text"]} if texts is None else texts
    return parse_export(Path("export.json"), SCHEMA, texts, "v0001", data)


def test_the_task_of_a_document_taken_down_is_skipped_not_a_problem():
    task = golden_task()
    data = json.dumps([task]).encode()
    parsed = parse_export(Path("export.json"), SCHEMA, {}, "v0002", data, {task["data"]["doc_id"]})
    assert parsed.problems == [] and parsed.annotations == {}
    assert parsed.taken_down == [task["data"]["doc_id"]]


def test_a_task_of_another_document_or_text_is_a_problem_of_its_task():
    task = golden_task()
    stranger = {**task, "id": 41, "data": {**task["data"], "doc_id": "wrt-0000000000000000"}}
    edited = {**task, "id": 42, "data": {**task["data"], "text": task["data"]["text"] + "!"}}
    parsed = parse([stranger, edited])
    assert [(p.task_id, str(p)) for p in parsed.problems] == [
        (41, "task 41: document 'wrt-0000000000000000' is not in corpus v0001"),
        (42, f"task 42: task text differs from corpus v0001 text of {task['data']['doc_id']}"),
    ]
    assert parsed.annotations == {} and parsed.tasks == 2


def test_cancelled_annotations_are_counted_not_read():
    task = golden_task()
    first, second = task["annotations"]
    parsed = parse([{**task, "annotations": [first, {**second, "was_cancelled": True}]}])
    assert parsed.cancelled == 1 and parsed.problems == []
    (doc,) = parsed.annotations[task["data"]["doc_id"]]
    assert doc.provenance.annotation_id == first["id"] and doc.provenance.task_id == task["id"]


def test_a_file_that_is_not_an_export_is_refused_naming_it(tmp_path):
    for content in (b"{not json", b'{"tasks": []}', b"\xff\xfe"):
        path = tmp_path / "bad.json"
        path.write_bytes(content)
        with pytest.raises(WartaError, match=rf"^{path}: not a Label Studio JSON export"):
            parse_export(path, SCHEMA, {}, "v0001")


def test_save_export_keeps_the_bytes_and_never_the_token(tmp_path):
    data = EXPORT.read_bytes()
    path = save_export(data, tmp_path / "exports", 3, "secret-token")
    assert path.read_bytes() == data and path.name.startswith("project-3-")
    assert newest_export(tmp_path / "exports") == path
    with pytest.raises(LabelStudioError, match="contains the API token"):
        save_export(data + b"secret-token", tmp_path / "exports", 3, "secret-token")
    assert list((tmp_path / "exports").iterdir()) == [path]


def test_no_export_yet_is_a_clear_error(tmp_path):
    with pytest.raises(WartaError, match="no export yet: run `warta annotate pull`"):
        newest_export(tmp_path)


def test_the_token_comes_from_the_environment_and_is_never_shown(monkeypatch):
    monkeypatch.delenv(API_KEY_ENV, raising=False)
    with pytest.raises(LabelStudioAuthError, match=f"set {API_KEY_ENV}"):
        Connection.from_env()
    monkeypatch.setenv(API_KEY_ENV, "s3cret")
    monkeypatch.setenv(URL_ENV, "http://127.0.0.1:9999/")
    connection = Connection.from_env()
    assert connection.url == "http://127.0.0.1:9999" and "s3cret" not in repr(connection)


def test_a_task_carries_text_id_version_and_title():
    corpus = Repository(REPO).corpus()
    article = shipped_seed_row()
    task = build_task(article, corpus)
    assert task == {"data": {"text": article["text"], "doc_id": article["doc_id"],
                             "corpus_version": corpus.name, "title": article["title"]}}  # fmt: skip
    assert build_task(article, corpus, [{"result": []}])["predictions"] == [{"result": []}]


def test_an_invalid_prediction_is_refused_before_it_is_sent():
    doc = DocumentAnnotation("d", [EntityMention("e", "PERSON", 0, 5, "Putin")])
    assert (
        prediction(DocumentAnnotation("d"), "rules-1", SCHEMA, "Putin")["model_version"]
        == "rules-1"
    )
    with pytest.raises(
        WartaError, match=r"model rules-1 predicted invalid annotations: .*'PERSON'"
    ):
        prediction(doc, "rules-1", SCHEMA, "Putin")


def test_batched_keeps_every_item_in_order():
    assert list(batched(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(batched([], 3)) == []


# --- fuzz: an export of arbitrary bytes or JSON is parsed, problems listed, or refused in one line

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.strategies import FUZZ, any_bytes, json_values  # noqa: E402
from warta.annotations.adjudicate import adjudicate  # noqa: E402

EXPORT_KEYS = ["id", "data", "doc_id", "text", "annotations", "result", "completed_by",
               "was_cancelled", "ground_truth", "from_name", "to_name", "type", "value", "start",
               "end", "labels", "from_id", "to_id", "direction", "lead_time", "choices"]  # fmt: skip


@st.composite
def mutated(draw, value, depth: int = 0):
    """The golden export with some of its values replaced by arbitrary JSON, at any depth."""
    if draw(st.integers(0, 9)) == 0:
        return draw(json_values(EXPORT_KEYS, ["PER", "GPE", "labels", "relation", "text"]))
    if isinstance(value, dict):
        return {k: draw(mutated(v, depth + 1)) for k, v in value.items()}
    if isinstance(value, list):
        return [draw(mutated(v, depth + 1)) for v in value]
    return value


def parse_fuzzed(data: bytes) -> None:
    task = golden_task()
    texts = {task["data"]["doc_id"]: task["data"]["text"]}
    try:
        parsed = parse_export(Path("export.json"), SCHEMA, texts, "v0001", data)
    except WartaError as err:
        assert str(err).startswith("export.json: ")
        return
    assert all(str(p).startswith(("task ", "entry ")) for p in parsed.problems)
    if not parsed.problems:
        adjudicate(parsed.annotations)


@FUZZ
@given(data=any_bytes('[{}]",:') | json_values(EXPORT_KEYS).map(lambda v: json.dumps(v).encode()))
def test_fuzz_exports_of_arbitrary_bytes_and_json(data):
    parse_fuzzed(data)


@FUZZ
@given(st.data())
def test_fuzz_exports_mutated_from_the_golden_one(data):
    tasks = data.draw(mutated(json.loads(EXPORT.read_text())))
    parse_fuzzed(json.dumps(tasks).encode())


def test_a_garbled_export_lists_each_bad_task_and_annotation():
    task = golden_task()
    annotation = {**task["annotations"][0], "id": 7, "lead_time": [1]}
    garbled = [None, {"id": 2, "data": []}, {"id": 3, "data": {"doc_id": ["x"]}},
               {**task, "id": 4, "annotations": "none"}, {**task, "id": 5, "annotations": [annotation]}]  # fmt: skip
    assert [str(p) for p in parse(garbled).problems] == [
        "entry 1 of the export is not a task object",
        "task 2: task data has no doc_id (a text)",
        "task 3: task data has no doc_id (a text)",
        "task 4: annotations must be a list",
        "task 5, annotation 7: lead_time is list [1]",
    ]
