"""Gold snapshots: one shard prefix per split, a new version only when gold changes, BIO tags
over tokens, TextEE token indices, and `gold_documents` by split."""

from __future__ import annotations

import pytest

from tests.conftest import REPO
from warta.errors import WartaError
from warta.gold.snapshot import (
    bio_tags,
    gold_documents,
    remove_gold_documents,
    write_gold_snapshot,
)
from warta.repository import Repository
from warta.schema.mentions import DocumentAnnotation, EntityMention


def m(start: int, end: int, kind: str = "PER") -> EntityMention:
    return EntityMention(f"m{start}", kind, start, end, "x" * (end - start))


# "Presiden Vladimir Putin tiba di Dushanbe ." as token offsets
STARTS = [0, 9, 18, 24, 29, 32, 41]
ENDS = [8, 17, 23, 28, 31, 40, 42]


@pytest.mark.parametrize(
    ("mentions", "tags"),
    [
        ([], ["O"] * 7),
        ([m(9, 23)], ["O", "B-PER", "I-PER", "O", "O", "O", "O"]),
        ([m(32, 40, "GPE"), m(9, 17)], ["O", "B-PER", "O", "O", "O", "B-GPE", "O"]),
        ([m(11, 20)], ["O", "B-PER", "I-PER", "O", "O", "O", "O"]),  # overlapping tokens count
        (
            [m(0, 23), m(9, 23, "ORG")],
            ["B-PER", "I-PER", "I-PER", "O", "O", "O", "O"],
        ),  # outer wins
        ([m(8, 9)], ["O"] * 7),  # only the space between two tokens
    ],
)
def test_bio_tags(mentions, tags):
    assert bio_tags(mentions, STARTS, ENDS) == tags


def test_a_snapshot_puts_each_split_in_its_own_shards(gold_repo):
    version, diff = write_gold_snapshot(gold_repo.repo.gold_store(), gold_repo.gold_input())
    assert version.name == "v0001" and sorted(diff.added) == sorted(gold_repo.articles)
    assert version.manifest["splits"] == {
        "train": [gold_repo.flood_id], "validation": [], "test": [gold_repo.seed_id],
    }  # fmt: skip
    assert version.manifest["corpus_version"] == gold_repo.corpus.name
    assert version.manifest["schema_sha256"] == gold_repo.repo.schema().sha256
    for table in ("documents", "entities", "events"):
        assert version.prefixes(table) == ["test", "train"]
        assert all(p.name.startswith(f"{split}-") for split in version.prefixes(table)
                   for p in version.files(table, split))  # fmt: skip
    assert gold_repo.repo.gold_store().verify() == []


def test_unchanged_gold_writes_nothing_and_a_change_is_a_new_version(gold_repo):
    store = gold_repo.repo.gold_store()
    write_gold_snapshot(store, gold_repo.gold_input())
    again, diff = write_gold_snapshot(store, gold_repo.gold_input())
    assert again is None and diff.is_empty and [v.name for v in store.versions()] == ["v0001"]
    gold = gold_repo.gold()
    gold[gold_repo.flood_id].entities.pop()
    changed, diff = write_gold_snapshot(store, gold_repo.gold_input(gold))
    assert changed.name == "v0002" and diff.changed == [gold_repo.flood_id] and not diff.added


def test_gold_of_a_document_outside_the_corpus_is_refused(gold_repo):
    gold = {**gold_repo.gold(), "wrt-0000000000000000": DocumentAnnotation("wrt-0000000000000000")}
    with pytest.raises(
        WartaError, match="gold documents not in corpus v0001: wrt-0000000000000000"
    ):
        write_gold_snapshot(gold_repo.repo.gold_store(), gold_repo.gold_input(gold))
    assert gold_repo.repo.gold_store().versions() == []


def test_removing_documents_writes_a_snapshot_without_their_rows_in_any_layer(gold_repo):
    store = gold_repo.repo.gold_store()
    first, _ = write_gold_snapshot(store, gold_repo.gold_input())
    version = remove_gold_documents(store, {gold_repo.flood_id}, gold_repo.corpus, "request #7")
    assert version.name == "v0002" and version.diff.removed == [gold_repo.flood_id]
    for table in ("documents", "entities", "events"):
        assert set(version.read(table).column("doc_id").to_pylist()) == {gold_repo.seed_id}
        assert version.prefixes(table) == ["test"], "the emptied train split has no file left"
    manifest = version.manifest
    assert manifest["splits"]["train"] == [] and gold_repo.flood_id not in manifest["adjudication"]
    assert manifest["removal_reason"] == "request #7"
    assert manifest["export"] == first.manifest["export"]
    assert remove_gold_documents(store, {gold_repo.flood_id}, gold_repo.corpus, "again") is None
    last = remove_gold_documents(store, {gold_repo.seed_id}, gold_repo.corpus, "all")
    assert last.rows("documents") == 0 and last.prefixes("documents") == ["test"]
    assert store.verify() == []


def test_gold_documents_by_split(gold_repo):
    version, _ = write_gold_snapshot(gold_repo.repo.gold_store(), gold_repo.gold_input())
    ids = lambda split: sorted(r["doc_id"] for r in gold_documents(version, split))  # noqa: E731
    assert ids("train") == [gold_repo.flood_id] and ids("test") == [gold_repo.seed_id]
    assert ids(None) == ids("all") == sorted(gold_repo.articles)
    assert ids("validation") == []


def test_document_rows_keep_the_article_and_sorted_mentions(gold_repo):
    version, _ = write_gold_snapshot(gold_repo.repo.gold_store(), gold_repo.gold_input())
    (row,) = gold_documents(version, "test")
    article = gold_repo.articles[gold_repo.seed_id]
    for key in ("text", "tokens", "token_starts", "sentences", "blocks", "title"):
        assert row[key] == article[key]
    starts = [e["start"] for e in row["entities"]]
    assert starts == sorted(starts)
    assert all(row["text"][e["start"] : e["end"]] == e["text"] for e in row["entities"])
    (event,) = row["events"]
    assert [(a["role"], a["type"], a["text"]) for a in event["arguments"]] == [
        ("actor", "PER", "Vladimir Putin"), ("recipient", "PER", "Emomali Rahmon"),
    ]  # fmt: skip


def test_sentence_rows_carry_bio_tags_and_token_indices(gold_repo):
    version, _ = write_gold_snapshot(gold_repo.repo.gold_store(), gold_repo.gold_input())
    names = gold_repo.repo.schema().bio_labels
    entities = version.read("entities").to_pylist()
    assert len(entities) == sum(len(a["sentences"]) for a in gold_repo.articles.values())
    tagged = {
        (row["tokens"][i], names[tag])
        for row in entities
        for i, tag in enumerate(row["ner_tags"])
        if tag
    }
    assert {("Vladimir", "B-PER"), ("Putin", "I-PER"), ("Jakarta", "B-GPE"), ("hari", "B-DATE"),
            ("Senin", "I-DATE"), ("BNPB", "B-ORG")} <= tagged  # fmt: skip
    (row,) = [r for r in version.read("events").to_pylist() if r["event_mentions"]]
    (event,) = row["event_mentions"]
    trigger = event["trigger"]
    assert event["event_type"] == "CONSULT" and event["mode"] == "phone"
    assert " ".join(row["tokens"][trigger["start"] : trigger["end"]]) == "panggilan telepon"
    assert row["text"][trigger["char_start"] : trigger["char_end"]] == "panggilan telepon"
    for argument in event["arguments"]:
        assert argument["in_window"] is (argument["start"] is not None)


def test_shipped_snapshot_reads_by_split():
    snapshot = Repository(REPO).gold_store().latest()
    for split in ("train", "validation", "test"):
        rows = gold_documents(snapshot, split)
        assert [r["doc_id"] for r in rows] == snapshot.manifest["splits"][split] != []
