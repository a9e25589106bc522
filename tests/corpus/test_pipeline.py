"""Ingest end to end: records, stable ids, versions, diffs, bad batches and parallel workers."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from warta.corpus.pipeline import BatchRefused, ingest
from warta.corpus.steps import PIPELINE_VERSION, ArticlePipeline
from warta.errors import InputError
from warta.store import VersionedStore

ENGLISH = "The president ordered the mobilisation of twenty thousand reservists on Monday."


@pytest.fixture
def store(scratch_repo: Path):
    return VersionedStore.for_corpus(scratch_repo / "corpus" / "versions")


def only_row(version) -> dict:
    (row,) = version.read("articles").to_pylist()
    return row


def test_seed_article_becomes_version_one_with_every_layer(scratch_repo, store):
    report = ingest([scratch_repo / "corpus" / "raw"], store)
    assert report.version.name == "v0001" and report.diff.added == [
        report.version.read("articles")["doc_id"][0].as_py()
    ]
    row = only_row(report.version)
    text = row["text"]
    assert (
        row["title"]
        == "Kremlin - Putin dan Rahmon fokus pada situasi di perbatasan Tajik-Afghanistan"
    )
    assert row["published"] == date(2021, 7, 6) and row["dateline"] == "Tuesday, 6 July 2021"
    assert row["language"] == "id" and row["language_confidence"] > 0.8
    assert row["outlets"] == ["TASS", "Reuters"]
    assert [r["kind"] for r in row["removed"]] == ["duplicate_headline"] * 2 + ["boilerplate"]
    assert row["doc_id"].startswith("wrt-") and row["pipeline_version"] == PIPELINE_VERSION
    for token, start, end in zip(
        row["tokens"], row["token_starts"], row["token_ends"], strict=True
    ):
        assert text[start:end] == token
    for token in ("1.000", "20.000", "1.037", "Mazar-i-Sharif", "Kassym-Jomart", "kamp-kamp"):
        assert token in row["tokens"]
    blocks = row["blocks"]
    covered = 0
    for sentence in row["sentences"]:
        block = blocks[sentence["block"]]
        assert block["start"] <= sentence["start"] < sentence["end"] <= block["end"]
        assert sentence["token_start"] == covered
        assert row["token_starts"][sentence["token_start"]] == sentence["start"]
        assert row["token_ends"][sentence["token_end"] - 1] == sentence["end"]
        covered = sentence["token_end"]
    assert covered == len(row["tokens"])


def test_reingesting_the_same_article_changes_nothing(scratch_repo, store, tmp_path):
    first = ingest([scratch_repo / "corpus" / "raw"], store)
    moved = tmp_path / "elsewhere" / "same.txt"
    moved.parent.mkdir()
    shutil.copy(next((scratch_repo / "corpus" / "raw").glob("*.txt")), moved)
    again = ingest([moved], store)
    assert again.version is None and again.unchanged == 1
    assert [v.name for v in store.versions()] == ["v0001"]
    assert only_row(store.get("v0001"))["doc_id"] == only_row(first.version)["doc_id"]


def test_second_article_adds_a_version_and_keeps_the_first_intact(scratch_repo, store, tmp_path):
    v1 = ingest([scratch_repo / "corpus" / "raw"], store).version
    files_before = {p: p.read_bytes() for p in v1.path.rglob("*") if p.is_file()}
    extra = tmp_path / "banjir.jsonl"
    extra.write_text(
        json.dumps(
            {"text": "Banjir melanda Jakarta pada hari Senin, kata BNPB.", "url": "https://x.id/b"}
        )
        + "\n",
        encoding="utf-8",
    )
    report = ingest([extra], store)
    v2 = report.version
    assert v2.name == "v0002" and v2.parent == "v0001" and len(report.diff.added) == 1
    assert v2.rows("articles") == 2
    assert {p: p.read_bytes() for p in v1.path.rglob("*") if p.is_file()} == files_before
    assert store.diff("v0001", "v0002").added == report.diff.added
    assert store.verify() == []


def test_same_text_with_new_metadata_is_a_change_of_the_same_document(
    scratch_repo, store, tmp_path, seed_text
):
    v1 = ingest([scratch_repo / "corpus" / "raw"], store).version
    doc_id = only_row(v1)["doc_id"]
    jsonl = tmp_path / "seed.jsonl"
    jsonl.write_text(
        json.dumps({"text": seed_text, "url": "https://blog.example/x"}) + "\n", encoding="utf-8"
    )
    report = ingest([jsonl], store)
    assert report.diff.changed == [doc_id] and report.diff.added == []
    assert only_row(report.version)["url"] == "https://blog.example/x"
    assert store.diff("v0001", "v0002").changed == [doc_id]


def bad_batch(tmp_path: Path) -> list[Path]:
    good = tmp_path / "good.txt"
    good.write_text(
        "Banjir melanda Jakarta pada hari Senin, kata Badan Nasional Penanggulangan Bencana."
    )
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02")
    (tmp_path / "english.txt").write_text(ENGLISH)
    (tmp_path / "lines.jsonl").write_text(
        '{"text": "Gempa mengguncang Palu, kata BMKG."}\n{"id": 7}\n'
    )
    return [
        tmp_path / n for n in ("good.txt", "empty.txt", "binary.txt", "english.txt", "lines.jsonl")
    ]


def test_bad_batch_is_refused_whole_and_names_every_problem(scratch_repo, store, tmp_path):
    ingest([scratch_repo / "corpus" / "raw"], store)
    with pytest.raises(BatchRefused) as refused:
        ingest(bad_batch(tmp_path), store)
    message = str(refused.value)
    assert f"{tmp_path / 'empty.txt'}: empty file" in message
    assert f"{tmp_path / 'binary.txt'}: binary file" in message
    assert f"{tmp_path / 'english.txt'}: not Indonesian: language detected 'en'" in message
    assert f"{tmp_path / 'lines.jsonl'}:2: no 'text' field" in message
    assert [v.name for v in store.versions()] == ["v0001"]
    assert store.leftover_staging() == [] and store.verify() == []


def test_skip_bad_ingests_the_rest_and_records_the_rejects(scratch_repo, store, tmp_path):
    report = ingest(bad_batch(tmp_path), store, skip_bad=True)
    assert report.version.rows("articles") == 2
    rejected = report.version.manifest["batch"]["rejected"]
    assert {(Path(r["source"]).name, r["line"]) for r in rejected} == {
        ("empty.txt", None), ("binary.txt", None), ("english.txt", None), ("lines.jsonl", 2),
    }  # fmt: skip


def test_failure_mid_ingest_leaves_earlier_versions_and_no_partial_one(
    scratch_repo, store, tmp_path, monkeypatch
):
    ingest([scratch_repo / "corpus" / "raw"], store)
    for i in range(3):
        (tmp_path / f"n{i}.txt").write_text(
            f"Banjir ke-{i} melanda Jakarta pada hari Senin, kata BNPB."
        )
    real = ArticlePipeline.process
    calls = []

    def dies_on_third(self, raw, ingested_at=None):
        calls.append(raw)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(self, raw, ingested_at)

    monkeypatch.setattr(ArticlePipeline, "process", dies_on_third)
    with pytest.raises(KeyboardInterrupt):
        ingest(sorted(tmp_path.glob("n*.txt")), store)
    assert [v.name for v in store.versions()] == ["v0001"]
    assert store.leftover_staging() == [] and store.verify() == []


def test_two_workers_produce_the_same_records_as_one(tmp_path, seed_text):
    lines = [json.dumps({"text": seed_text.replace("Senin", f"Senin ke-{i}")}) for i in range(40)]
    (tmp_path / "many.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    many = [tmp_path / "many.jsonl"]  # 40 near-duplicates of the seed, all kept on purpose
    one = ingest(many, VersionedStore.for_corpus(tmp_path / "one"), keep_near_duplicates=True)
    two = ingest(
        many, VersionedStore.for_corpus(tmp_path / "two"), workers=2, keep_near_duplicates=True
    )
    one, two = one.version, two.version
    assert one.content_sha256 == two.content_sha256 and one.rows("articles") == 40


def test_input_errors_survive_the_process_pool():
    error = InputError("a.jsonl", "no 'text' field", 3)
    import pickle

    assert str(pickle.loads(pickle.dumps(error))) == "a.jsonl:3: no 'text' field"


def test_takedown_removes_a_document_in_a_new_version(scratch_repo, store, tmp_path):
    from warta.corpus.pipeline import remove_documents

    ingest([scratch_repo / "corpus" / "raw"], store)
    extra = tmp_path / "b.txt"
    extra.write_text(
        "Banjir melanda Jakarta pada hari Senin, kata Badan Nasional Penanggulangan Bencana."
    )
    v2 = ingest([extra], store).version
    (gone,) = v2.diff.added
    v3 = remove_documents(store, [gone], "takedown request #1")
    assert v3.diff.removed == [gone] and v3.rows("articles") == 1
    assert v3.manifest["removal_reason"] == "takedown request #1"
    assert store.diff("v0002", "v0003").removed == [gone] and v2.rows("articles") == 2
    assert store.verify() == []
    with pytest.raises(Exception, match="has no document wrt-0000"):
        remove_documents(store, ["wrt-0000"], "typo")
