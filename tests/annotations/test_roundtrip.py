"""The whole annotation loop against a real Label Studio: push, two annotators, ground truth, pull,
gold snapshot, agreement, and `load_dataset(..., "entities")`. Bad exports are refused whole."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from datasets import load_dataset

from tests.conftest import REPO
from tests.models.dummy import DummyModel
from warta.annotations.bridge import Connection
from warta.annotations.convert import to_results
from warta.annotations.roundtrip import ExportInvalid, agreement, pull, push
from warta.annotations.server import LabelStudioAuthError, LabelStudioUnreachable
from warta.corpus.pipeline import ingest
from warta.dataset.card import refresh_card
from warta.repository import Repository
from warta.schema.mentions import Argument, DocumentAnnotation, EntityMention, EventMention
from warta.store import VersionedStore

pytestmark = [pytest.mark.labelstudio, pytest.mark.slow]
PROJECT = "Warta test"


@pytest.fixture
def repo(scratch_repo: Path) -> Repository:
    layout = Repository(scratch_repo)
    shutil.copy(REPO / "annotations" / "schema.yaml", layout.annotations_dir / "schema.yaml")
    ingest([layout.raw_dir], VersionedStore.for_corpus(layout.corpus_versions))
    return layout


@pytest.fixture
def article(repo: Repository) -> dict:
    (row,) = VersionedStore.for_corpus(repo.corpus_versions).latest().read("articles").to_pylist()
    return row


def mention(
    text: str, needle: str, kind: str, mention_id: str, nth: int = 0, **extra
) -> EntityMention:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return EntityMention(mention_id, kind, start, start + len(needle), needle, **extra)


def annotation_a(article: dict) -> DocumentAnnotation:
    text = article["text"]
    putin = mention(
        text, "Vladimir Putin", "PER", "a-putin", entity_id="putin", canonical_name="Vladimir Putin"
    )
    rahmon = mention(
        text,
        "Emomali Rahmon",
        "PER",
        "a-rahmon",
        entity_id="rahmon",
        canonical_name="Emomali Rahmon",
    )
    rakhmon = mention(
        text, "Rakhmon", "PER", "a-rakhmon", entity_id="rahmon", canonical_name="Emomali Rahmon"
    )
    tajikistan = mention(text, "Tajikistan", "GPE", "a-tjk")
    call = mention(text, "panggilan telepon", "PER", "unused")
    event = EventMention(
        "a-call", "CONSULT", call.start, call.end, call.text, "actual", "phone",
        (Argument("actor", "a-putin"), Argument("recipient", "a-rahmon")),
    )  # fmt: skip
    return DocumentAnnotation(article["doc_id"], [putin, rahmon, rakhmon, tajikistan], [event])


def annotation_b(article: dict) -> DocumentAnnotation:
    """The second annotator: misses Rakhmon and types Tajikistan as LOC."""
    text = article["text"]
    putin = mention(text, "Vladimir Putin", "PER", "b-putin")
    rahmon = mention(text, "Emomali Rahmon", "PER", "b-rahmon")
    tajikistan = mention(text, "Tajikistan", "LOC", "b-tjk")
    call = mention(text, "panggilan telepon", "PER", "unused")
    event = EventMention(
        "b-call", "CONSULT", call.start, call.end, call.text, "actual", "phone",
        (Argument("actor", "b-putin"),),
    )  # fmt: skip
    return DocumentAnnotation(article["doc_id"], [putin, rahmon, tajikistan], [event])


def only_task(client, project_id: int):
    (task,) = list(client.tasks.list(project=project_id, fields="all"))
    return task


def test_round_trip_two_annotators_ground_truth_gold_agreement_and_load(
    repo, article, label_studio, hf_cache
):
    admin = Connection(label_studio.url, label_studio.admin_token)
    first = push(repo, admin, title=PROJECT, model=DummyModel())
    assert first.pushed == 1 and first.already == 0 and first.model_version == "dummy-1"
    again = push(repo, admin, title=PROJECT)
    assert again.pushed == 0 and again.already == 1

    client = admin.client()
    task = only_task(client, first.project_id)
    assert task.data["doc_id"] == article["doc_id"] and task.data["corpus_version"] == "v0001"
    (predicted,) = task.predictions
    assert predicted.model_version == "dummy-1" and predicted.result

    mine = client.annotations.create(
        id=task.id, result=to_results(annotation_a(article)), lead_time=60
    )
    annotator = Connection(label_studio.url, label_studio.annotator.token).client()
    theirs = annotator.annotations.create(
        id=task.id, result=to_results(annotation_b(article)), lead_time=90
    )
    assert theirs.completed_by == label_studio.annotator.user_id != mine.completed_by

    undecided = pull(repo, admin, title=PROJECT)
    assert undecided.snapshot is None and article["doc_id"] in undecided.adjudication.conflicts
    assert (
        undecided.export.is_file() and label_studio.admin_token not in undecided.export.read_text()
    )

    client.annotations.update(id=mine.id, ground_truth=True)
    decided = pull(repo, admin, title=PROJECT)
    snapshot = decided.snapshot
    assert (
        snapshot is not None
        and snapshot.name == "v0001"
        and decided.adjudication.rule == {article["doc_id"]: "ground_truth"}
    )
    assert snapshot.manifest["export"]["sha256"] and snapshot.manifest["corpus_version"] == "v0001"
    assert repo.gold_store().verify() == []
    (document,) = snapshot.read("documents").to_pylist()
    assert {m["annotation_id"] for m in document["entities"]} == {mine.id}
    assert {m["annotator"] for m in document["entities"]} == {mine.completed_by}
    assert {
        m["entity_id"] for m in document["entities"] if m["text"] in ("Rakhmon", "Emomali Rahmon")
    } == {"rahmon"}
    (event,) = document["events"]
    assert {(a["role"], a["text"]) for a in event["arguments"]} == {
        ("actor", "Vladimir Putin"),
        ("recipient", "Emomali Rahmon"),
    }
    assert pull(repo, admin, title=PROJECT).snapshot is None  # nothing changed: no new snapshot

    newest = agreement(repo)  # the newest export: one annotation is now the adjudication
    assert (
        newest.export
        == decided.export.parent / sorted(p.name for p in decided.export.parent.glob("*.json"))[-1]
    )
    assert newest.pairs == [] and newest.pooled is None
    report = agreement(repo, undecided.export)  # before adjudication: two blind passes
    (pair,) = report.pairs
    assert report.pooled is not None and report.pooled.documents == [article["doc_id"]]
    assert pair.entities.tp == 2 and pair.entities.fp + pair.entities.fn == 3
    assert pair.entities_by_type["PER"].f1 == pytest.approx(0.8)
    assert (
        pair.triggers.f1 == 1.0
        and pair.arguments.tp == 1
        and pair.arguments.fn + pair.arguments.fp == 1
    )
    assert 0 < pair.token_kappa < 1

    refresh_card(repo)
    entities = load_dataset(str(repo.root), "entities", cache_dir=str(hf_cache))
    assert list(entities) == ["test"]
    names = entities["test"].features["ner_tags"].feature.names
    row = next(r for r in entities["test"] if "Vladimir Putin" in r["text"])
    tags = [names[t] for t in row["ner_tags"]]
    assert (
        tags[row["tokens"].index("Vladimir")] == "B-PER"
        and tags[row["tokens"].index("Putin")] == "I-PER"
    )
    documents = load_dataset(str(repo.root), "documents", cache_dir=str(hf_cache))["test"]
    assert documents[0]["doc_id"] == article["doc_id"]
    events = load_dataset(str(repo.root), "events", cache_dir=str(hf_cache))["test"]
    (consult,) = [e for r in events for e in r["event_mentions"]]
    assert consult["event_type"] == "CONSULT" and consult["trigger"]["text"] == "panggilan telepon"


BAD_RESULTS = {
    "out of range": lambda r: r[0]["value"].update(start=100_000, end=100_007),
    "unknown label": lambda r: r[0]["value"].update(labels=["PERSON"]),
    "dangling relation": lambda r: r.append(
        {
            "from_id": "t1",
            "to_id": "ghost",
            "type": "relation",
            "direction": "right",
            "labels": ["actor"],
        }
    ),
    "forbidden role": lambda r: r.append(
        {
            "from_id": "t1",
            "to_id": "e1",
            "type": "relation",
            "direction": "right",
            "labels": ["time"],
        }
    ),
}
EXPECTED = {
    "out of range": "span 100000-100007 is out of range or empty",
    "unknown label": "type 'PERSON' is not an entity type of the schema",
    "dangling relation": "relation t1 -> ghost points at a region that does not exist",
    "forbidden role": "relation t1 -> e1: role 'time' takes DATE, not PER",
}


def test_bad_exports_are_kept_and_refused_naming_task_annotation_region(
    repo, article, label_studio
):
    admin = Connection(label_studio.url, label_studio.admin_token)
    project_id = push(repo, admin, title=PROJECT).project_id
    client = admin.client()
    task = only_task(client, project_id)
    text = article["text"]
    putin = mention(text, "Vladimir Putin", "PER", "e1")
    call = mention(text, "panggilan telepon", "PER", "unused")
    good = DocumentAnnotation(
        article["doc_id"],
        [putin],
        [EventMention("t1", "CONSULT", call.start, call.end, call.text, "actual")],
    )
    created = {}
    for name, spoil in BAD_RESULTS.items():
        results = to_results(good)
        spoil(results)
        created[name] = client.annotations.create(id=task.id, result=results).id
    with pytest.raises(ExportInvalid) as refused:
        pull(repo, admin, title=PROJECT)
    message = str(refused.value)
    for name, annotation_id in created.items():
        region = (
            "ghost" if name == "dangling relation" else ("t1" if name == "forbidden role" else "e1")
        )
        assert (
            f"task {task.id}, annotation {annotation_id}, region {region}: {EXPECTED[name]}"
            in message
        )
    assert (
        refused.value.path.is_file()
        and json.loads(refused.value.path.read_text())[0]["id"] == task.id
    )
    assert repo.gold_store().versions() == []
    assert label_studio.admin_token not in message


def test_server_not_running_and_wrong_token(repo, label_studio):
    with pytest.raises(
        LabelStudioUnreachable, match=r"no Label Studio answers at http://127\.0\.0\.1:9"
    ):
        push(repo, Connection("http://127.0.0.1:9", "whatever-token"), title=PROJECT)
    wrong = "not-the-token-123456"
    with pytest.raises(LabelStudioAuthError) as refused:
        push(repo, Connection(label_studio.url, wrong), title=PROJECT)
    assert wrong not in str(refused.value)


def test_gold_survives_a_fresh_label_studio_and_a_shrinking_pull_is_refused(
    repo, article, label_studio, tmp_path
):
    """The failure this guards against: in a fresh Label Studio a pull of an unchanged
    pre-annotation replaced curated gold (170 entities became 133) with only "1 changed"."""
    from warta.annotations.roundtrip import GoldWouldShrink

    admin = Connection(label_studio.url, label_studio.admin_token)
    first = push(repo, admin, title=PROJECT)
    client = admin.client()
    task = only_task(client, first.project_id)
    made = client.annotations.create(id=task.id, result=to_results(annotation_a(article)))
    client.annotations.update(id=made.id, ground_truth=True)
    gold = pull(repo, admin, title=PROJECT).snapshot
    assert gold is not None and first.with_gold == []

    # a fresh Label Studio: push loads the gold as the starting annotation, a pull keeps it
    fresh = "Warta fresh"
    again = push(repo, admin, title=fresh)
    assert again.with_gold == [article["doc_id"]]
    (loaded,) = client.annotations.list(id=only_task(client, again.project_id).id)
    assert loaded.ground_truth and len(loaded.result) == len(to_results(annotation_a(article)))
    kept = pull(repo, admin, title=fresh)
    assert kept.snapshot is None and kept.changes == []

    # a smaller annotation flagged ground truth instead: refused, nothing written, export kept
    smaller = client.annotations.create(
        id=only_task(client, again.project_id).id, result=to_results(annotation_b(article))
    )
    client.annotations.update(id=loaded.id, ground_truth=False)
    client.annotations.update(id=smaller.id, ground_truth=True)
    with pytest.raises(GoldWouldShrink) as refused:
        pull(repo, admin, title=fresh)
    message = str(refused.value)
    assert article["doc_id"] in message and "entities +" in message and "--replace" in message
    assert refused.value.path.is_file()
    assert repo.gold_store().latest().name == gold.name
    (change,) = refused.value.shrinking
    # b drops Rakhmon, retypes Tajikistan and gives Putin and Rahmon no cluster: 4 out, 3 in
    assert change.entities_removed == 4 and change.entities_added == 3
    # --replace accepts it; the snapshot names the annotator and the kind from the registry
    (repo.annotations_dir / "annotators.yaml").write_text("admin@warta.local: {kind: curator}\n")
    replaced = pull(repo, admin, title=fresh, replace=True)
    assert replaced.snapshot is not None and replaced.snapshot.name != gold.name
    (row,) = replaced.snapshot.read("documents").to_pylist()
    assert len(row["entities"]) == 3 and row["annotated_by"] == "admin@warta.local"
    assert row["annotator_kind"] == "curator" and row["source"] == article["source"]


# --- fuzz: an offline annotation file of arbitrary JSON is read and checked, or refused -----------

from hypothesis import given  # noqa: E402

from tests.strategies import FUZZ, any_bytes, json_values  # noqa: E402
from warta.annotations.convert import read_annotation  # noqa: E402
from warta.annotations.roundtrip import read_annotation_file  # noqa: E402
from warta.errors import WartaError  # noqa: E402
from warta.schema.annotation import load_schema  # noqa: E402
from warta.schema.mentions import Provenance  # noqa: E402

FUZZ_SCHEMA = load_schema(REPO / "annotations" / "schema.yaml")
FUZZ_TEXT = "Presiden Vladimir Putin membahas situasi di Moskow dengan Rahmon pada Senin."
RECORD_KEYS = ["doc_id", "entities", "events", "id", "mention_id", "event_id", "type", "start",
               "end", "text", "entity_id", "canonical", "trigger_start", "trigger_end",
               "trigger_text", "realis", "mode", "arguments", "role"]  # fmt: skip
RECORD_WORDS = ["wrt-1", "e1", "e2", "v1", "PER", "GPE", "CONSULT", "actor", "actual", "Putin"]


@FUZZ
@given(
    data=any_bytes('{}[]":,')
    | json_values(RECORD_KEYS, RECORD_WORDS).map(json.dumps).map(str.encode)
)
def test_fuzz_offline_annotation_files(tmp_path, data):
    """What `warta annotate upload` does before it reaches the server: read, convert, check."""
    path = tmp_path / "annotation.json"
    path.write_bytes(data)
    try:
        doc = read_annotation_file(path)
    except WartaError as err:
        assert str(err).startswith(f"{path}: not an annotation file (")
        return
    _, problems = read_annotation(
        FUZZ_SCHEMA, doc.doc_id, FUZZ_TEXT, to_results(doc), Provenance(task_id=1)
    )
    assert all(str(p).startswith("task 1") for p in problems)
