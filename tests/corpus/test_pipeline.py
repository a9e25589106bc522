"""Ingest end to end: records, stable ids, versions, diffs, bad batches and parallel workers."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import REPO, SEED, listed, seed_source, write_provenance
from tests.corpus.readers.test_ntrex import write_ntrex
from warta.corpus.pipeline import BatchRefused, NothingIngested, ingest
from warta.corpus.steps import PIPELINE_VERSION, ArticlePipeline, record_hash
from warta.dataset.integrity import corpus_problems
from warta.repository import Repository
from warta.store import VersionDiff, VersionedStore

SEED_NAME = SEED.name
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
    files_before = {p: p.read_bytes() for p in v1.files("articles")}
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
    assert {p: p.read_bytes() for p in v1.files("articles")} == files_before
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
    assert store.orphans() == [] and store.verify() == []


def test_skip_bad_ingests_the_rest_and_records_the_rejects(scratch_repo, store, tmp_path):
    report = ingest(bad_batch(tmp_path), store, skip_bad=True)
    assert report.version.rows("articles") == 2
    rejected = report.version.manifest["batch"]["rejected"]
    assert {(Path(r["source"]).name, r["line"]) for r in rejected} == {
        ("empty.txt", None), ("binary.txt", None), ("english.txt", None), ("lines.jsonl", 2),
    }  # fmt: skip


def test_skip_bad_with_every_input_bad_is_an_error_and_writes_nothing(
    scratch_repo, store, tmp_path
):
    ingest([scratch_repo / "corpus" / "raw"], store)
    bad = [p for p in bad_batch(tmp_path) if p.name != "good.txt" and p.suffix == ".txt"]
    with pytest.raises(NothingIngested) as refused:
        ingest(bad, store, skip_bad=True)
    first, *listed_lines = str(refused.value).splitlines()
    assert first == "nothing ingested: all 3 input(s) are bad, --skip-bad left none"
    assert listed_lines[0] == f"  {tmp_path / 'empty.txt'}: empty file"
    assert [v.name for v in store.versions()] == ["v0001"] and store.verify() == []


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
    assert store.orphans() == [] and store.verify() == []


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


def test_remove_documents_writes_a_version_without_them(scratch_repo, store, tmp_path):
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


def test_a_taken_down_text_is_skipped_and_recorded_not_ingested(scratch_repo, store, tmp_path):
    from warta.corpus.tombstones import Tombstone, write_tombstones

    repository = Repository(scratch_repo)
    extra = tmp_path / "b.txt"
    extra.write_text("Banjir melanda Jakarta pada hari Senin, kata BNPB kepada wartawan.")
    scratch = VersionedStore.for_corpus(tmp_path / "elsewhere")
    (seed,) = ingest([scratch_repo / "corpus" / "raw"], scratch).version.iter_rows("articles")
    tombstone = Tombstone("wrt-other-id", seed["content_sha256"], "request", "2026-01-02", "0b")
    write_tombstones(repository.tombstones_file, {tombstone.doc_id: tombstone})
    report = ingest([scratch_repo / "corpus" / "raw", extra], store, repository=repository)
    where = f"corpus/raw/{SEED_NAME}"
    assert report.taken_down == [(where, tombstone)], "matched by the text's hash"
    assert report.version.rows("articles") == 1 and report.diff.added != [seed["doc_id"]]
    assert report.version.manifest["batch"]["taken_down"] == [
        {"source": where, "doc_id": "wrt-other-id"}
    ]


# Sources with their own ids and rights (pipeline ingest-3).


def test_rights_and_relative_source_paths_come_from_the_repository(scratch_repo, store, tmp_path):
    repository = Repository(scratch_repo)
    outside = tmp_path / "outside.txt"
    outside.write_text("Banjir melanda Jakarta pada hari Senin, kata BNPB kepada wartawan.")
    report = ingest([scratch_repo / "corpus" / "raw", outside], store, repository=repository)
    rows = {r["source_file"]: r for r in report.version.read("articles").to_pylist()}
    seed = rows["corpus/raw/000_bb4a5094ef9681cd.txt"]
    assert seed["source"] == "seed" and seed["license"].startswith("research use with takedown")
    assert "TASS" in seed["attribution"] and seed["translation"] == []
    assert rows[str(outside)]["source"] is None and rows[str(outside)]["license"] is None
    assert {k: (c.added, c.articles) for k, c in report.sources.items()} == {
        "seed": (1, 1), "(unlisted)": (1, 1),
    }  # fmt: skip
    assert report.sources["seed"].removed == {"duplicate_headline": 2, "boilerplate": 1}
    assert corpus_problems(report.version) == [
        f"corpus v0001, {rows[str(outside)]['doc_id']}: no source, license, attribution "
        "(its file is listed by no source of the raw files' PROVENANCE.yaml)"
    ]


def test_a_path_relative_to_the_working_directory_is_stored_relative_to_the_root(
    scratch_repo, monkeypatch
):
    from warta.corpus.readers import read_articles

    monkeypatch.chdir(scratch_repo / "corpus")
    (article,) = read_articles([Path("raw") / SEED_NAME], Repository(scratch_repo))
    assert article.source_file == f"corpus/raw/{SEED_NAME}"
    (article,) = read_articles([Path("raw") / SEED_NAME])
    assert article.source_file == f"raw/{SEED_NAME}"  # no repository: as given


def indosum_line(doc_id: str, *sentences: list[str]) -> str:
    return json.dumps({"id": doc_id, "category": "tajuk utama", "source": "antaranews",
                       "source_url": f"https://antaranews.com/{doc_id}",
                       "paragraphs": [[list(s)] for s in sentences]})  # fmt: skip


FLOOD = ["Banjir", "melanda", "Jakarta", "pada", "hari", "Senin", ",", "kata", "BNPB", "."]
QUAKE = ["Gempa", "mengguncang", "Palu", "dan", "Donggala", "pada", "Jumat", "sore", "."]
MORE = ["Ribuan", "warga", "mengungsi", "ke", "tempat", "yang", "lebih", "tinggi", "."]


def test_the_same_source_id_in_two_folds_is_a_duplicate_recorded_not_an_error(store, tmp_path):
    batch = tmp_path / "batch"  # beside the scratch repository, not around it
    batch.mkdir()
    (batch / "dev.01.jsonl").write_text(
        indosum_line("1-banjir", FLOOD) + "\n" + indosum_line("2-gempa", QUAKE) + "\n"
    )
    (batch / "dev.02.jsonl").write_text(  # the same article, and a longer copy of the other
        indosum_line("1-banjir", FLOOD) + "\n" + indosum_line("2-gempa", QUAKE, MORE) + "\n"
    )
    report = ingest([batch], store)
    assert report.articles == 2 and report.rejected == []
    kept = {r["source_metadata"]: r["doc_id"] for r in report.version.read("articles").to_pylist()}
    banjir, gempa = (next(d for m, d in kept.items() if i in m) for i in ("1-banjir", "2-gempa"))
    assert report.duplicates == [
        (f"{batch / 'dev.02.jsonl'}:1", banjir), (f"{batch / 'dev.02.jsonl'}:2", gempa),
    ]  # fmt: skip
    assert report.sources["(unlisted)"].duplicates == 2
    assert [d["source"] for d in report.version.manifest["batch"]["duplicates"]] == [
        f"{batch / 'dev.02.jsonl'}:1", f"{batch / 'dev.02.jsonl'}:2",
    ]  # fmt: skip


def test_bad_pretokenised_input_refuses_the_batch_whole_unless_skipped(store, tmp_path):
    batch = tmp_path / "batch"  # beside the scratch repository, not around it
    batch.mkdir()
    folder = write_ntrex(batch / "ntrex")
    ids = folder / "DOCUMENT_IDS.tsv"
    ids.write_bytes(ids.read_bytes() + b"bbc.1\n")
    (batch / "dev.01.jsonl").write_text(
        indosum_line("1-banjir", FLOOD) + "\n" + json.dumps({"id": "2"}) + "\n"
    )
    with pytest.raises(BatchRefused) as refused:
        ingest([batch], store)
    message = str(refused.value)
    assert f"{ids}:6: 6 document ids but newstest2019-ref.ind.txt has 5 lines" in message
    assert f"{batch / 'dev.01.jsonl'}:2: no 'paragraphs' field" in message
    assert store.versions() == [] and store.orphans() == []
    report = ingest([batch], store, skip_bad=True)
    assert report.version.rows("articles") == 1 and len(report.rejected) == 2


def test_records_of_earlier_pipelines_still_verify_when_carried_into_ingest_3(
    scratch_repo, tmp_path
):
    shipped = VersionedStore.for_corpus(REPO / "corpus" / "versions").get("v0002")
    store = VersionedStore.for_corpus(tmp_path / "versions")
    with store.stage() as staging:  # the shipped ingest-2 version, in its own schema
        table = shipped.read("articles")
        staging.writer("articles", table.schema).write_batch(table)
        hashes = shipped.key_hashes("articles", "doc_id", "record_sha256")
        staging.commit(parent=None, key_hashes=hashes, diff=VersionDiff(added=list(hashes)))
    old = only_row(store.get("v0001"))
    assert old["pipeline_version"].startswith("ingest-2/")
    raw = scratch_repo / "corpus" / "raw"
    (raw / "x").mkdir()
    (raw / "x" / "b.txt").write_text(
        "Gempa mengguncang Palu pada hari Jumat, kata BMKG di Jakarta."
    )
    source = {"license": "CC BY 4.0", "attribution": "X", "files": listed(raw, "x/b.txt")}
    write_provenance(raw, {"seed": seed_source(), "x": source})
    v3 = ingest([raw / "x"], store, repository=Repository(scratch_repo)).version
    assert v3.name == "v0002"
    rows = {r["doc_id"]: r for r in v3.read("articles").to_pylist()}
    carried = rows[old["doc_id"]]
    assert carried["record_sha256"] == old["record_sha256"] == record_hash(carried)
    assert carried["license"] is None and carried["translation"] is None
    assert corpus_problems(v3) == [] and store.verify() == []
    for version in store.versions():
        assert corpus_problems(version) == []
    carried["text"] += " "
    assert record_hash(carried) != old["record_sha256"]
