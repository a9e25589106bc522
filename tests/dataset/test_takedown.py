"""A takedown, end to end on real Parquet and Delta tables: the text leaves every version, gold
snapshot and release; everything still verifies and loads; the tombstone keeps it out."""

from __future__ import annotations

import hashlib
import shutil

import pytest
import yaml
from datasets import load_dataset

from tests.dataset.conftest import FLOOD, WORD, holding
from warta.annotations.roundtrip import gold_from_export
from warta.corpus.pipeline import ingest
from warta.dataset.card import read_front_matter
from warta.dataset.integrity import corpus_problems, gold_problems
from warta.dataset.release import release_checksum_problems
from warta.dataset.takedown import take_down, takedown_problems
from warta.errors import WartaError


def ids(root, config, split, cache, **options) -> list[str]:
    data = load_dataset(str(root), config, cache_dir=str(cache), **options)[split]
    return sorted(row["doc_id"] for row in data)


def test_the_text_leaves_every_version_snapshot_and_release(takedown_repo):
    t, repo = takedown_repo, takedown_repo.repo
    before = holding(t.root)
    assert len(before) == 8, "the check finds the word where it is: 1 corpus, 3 gold, 4 release"
    report = take_down(repo, [t.flood_id], "takedown request #7")
    assert report.corpus_version.name == "v0003" and report.gold_version.name == "v0002"
    assert {str(path) for path, _, _ in report.rewritten} == set(before)
    assert holding(t.root) == []
    assert repo.corpus_store().verify() == [] and repo.gold_store().verify() == []
    assert release_checksum_problems(repo.release_dir("0.1.0")) == []
    assert takedown_problems(repo) == []
    for version in repo.corpus_store().versions():
        assert corpus_problems(version) == []
    snapshot = repo.gold_store().latest()
    assert gold_problems(repo, snapshot, repo.corpus(), repo.schema()) == []
    assert t.flood_id not in snapshot.manifest["splits"]["test"]


def test_the_tombstone_records_what_why_when_and_where(takedown_repo):
    t, repo = takedown_repo, takedown_repo.repo
    report = take_down(repo, [t.flood_id], "takedown request #7", today="2026-02-03")
    entry = yaml.safe_load(repo.tombstones_file.read_text())[t.flood_id]
    assert entry == {
        "content_sha256": hashlib.sha256(FLOOD.encode()).hexdigest(),
        "reason": "takedown request #7",
        "requested": "2026-02-03",
        "purge": report.purge_id,
        "status": "done",
        "completed": "2026-02-03",
        "purged": {"corpus": ["v0001", "v0002"], "gold": ["v0001"], "releases": ["0.1.0"]},
    }
    assert WORD not in repo.tombstones_file.read_text()
    splits = yaml.safe_load(repo.splits_file.read_text())
    assert t.flood_id in splits, "frozen splits keep the id: a lifted takedown keeps its split"
    assert [line.split(":")[0] for line in report.elsewhere] == [
        "corpus/raw/flood.txt",
        f"annotations/exports/{t.export.name}",
    ]


def test_no_config_serves_it_and_a_cache_made_before_is_not_reused(takedown_repo, hf_cache):
    t, repo = takedown_repo, takedown_repo.repo
    assert t.flood_id in ids(t.root, "articles-v0001", "corpus", hf_cache)  # cached now
    assert t.flood_id in ids(t.root, "documents", "test", hf_cache)
    take_down(repo, [t.flood_id], "takedown request #7")
    configs = [c["config_name"] for c in read_front_matter(repo.readme)[0]["configs"]]
    for config in configs:
        split = "corpus" if config.startswith("articles") else "test"
        assert t.flood_id not in ids(t.root, config, split, hf_cache), config
    release = repo.release_dir("0.1.0")
    assert ids(release, "documents", "test", hf_cache) == [t.seed_id]
    assert ids(release, "articles", "corpus", hf_cache) == sorted([t.seed_id, t.quake_id])
    for version in repo.corpus_store().versions():  # Delta readers too, at every version
        read = version.delta_table("articles").to_pyarrow_table()
        assert t.flood_id not in read.column("doc_id").to_pylist()


def test_the_same_text_is_not_ingested_again_and_a_pull_skips_its_task(takedown_repo, tmp_path):
    t, repo = takedown_repo, takedown_repo.repo
    take_down(repo, [t.flood_id], "takedown request #7")
    again = tmp_path / "again.txt"
    again.write_text(FLOOD, encoding="utf-8")
    report = ingest([again, repo.raw_dir / "flood.txt"], repo.corpus_store(), repository=repo)
    assert report.version is None and [s for s, _ in report.taken_down] == [
        str(again),
        "corpus/raw/flood.txt",
    ]
    pulled = gold_from_export(repo, t.export)
    assert pulled.parsed.problems == [] and pulled.parsed.taken_down == [t.flood_id]
    assert pulled.snapshot is None, "the gold is unchanged: the newest snapshot lacks it already"
    assert t.flood_id not in repo.gold_store().latest().key_hashes(
        "documents", "doc_id", "record_sha256"
    )


def test_an_unknown_document_is_one_error_and_nothing_is_written(takedown_repo):
    t, repo = takedown_repo, takedown_repo.repo
    before = {p: p.read_bytes() for p in t.root.rglob("*") if p.is_file()}
    with pytest.raises(WartaError, match=r"^no corpus version has document wrt-0000000000000000"):
        take_down(repo, [t.flood_id, "wrt-0000000000000000"], "typo")
    after = {p: p.read_bytes() for p in t.root.rglob("*") if p.is_file() and p.suffix != ".lock"}
    assert after == {p: b for p, b in before.items() if p.suffix != ".lock"}


def test_taking_down_every_document_leaves_empty_versions_that_read_and_load(
    takedown_repo, hf_cache
):
    t, repo = takedown_repo, takedown_repo.repo
    report = take_down(repo, [t.seed_id, t.flood_id, t.quake_id], "all of it")
    empty = report.corpus_version
    assert empty.rows("articles") == 0 and empty.read("articles").num_rows == 0
    assert report.gold_version.rows("documents") == 0
    assert repo.corpus_store().verify() == [] and repo.gold_store().verify() == []
    assert takedown_problems(repo) == [] and not holding(t.root, "Putin")
    configs = {c["config_name"]: c for c in read_front_matter(repo.readme)[0]["configs"]}
    assert "no rows" in configs["articles"]["description"]
    assert "no rows" in configs["documents"]["description"]
    assert "streaming=True" in configs["articles-v0001"]["description"]
    streamed = load_dataset(str(t.root), "articles", cache_dir=str(hf_cache), streaming=True)
    assert list(streamed["corpus"]) == [] and "text" in streamed["corpus"].features
    streamed = load_dataset(str(t.root), "documents", cache_dir=str(hf_cache), streaming=True)
    assert list(streamed["test"]) == []
    release = repo.release_dir("0.1.0")
    streamed = load_dataset(str(release), "entities", cache_dir=str(hf_cache), streaming=True)
    assert list(streamed["test"]) == [] and release_checksum_problems(release) == []


def test_a_document_removed_before_takedowns_existed_is_purged_from_history(takedown_repo):
    from warta.corpus.pipeline import remove_documents

    t, repo = takedown_repo, takedown_repo.repo
    remove_documents(repo.corpus_store(), [t.flood_id], "the old way: a version without it")
    report = take_down(repo, [t.flood_id], "its text too")
    assert report.corpus_version is None and report.gold_version.name == "v0002"
    assert holding(t.root) == [] and takedown_problems(repo) == []


def test_verify_names_a_taken_down_document_that_came_back(takedown_repo):
    t, repo = takedown_repo, takedown_repo.repo
    release = repo.release_dir("0.1.0")
    kept = shutil.copy(
        release / "data" / "articles" / "corpus-00000.parquet", t.root / "old.parquet"
    )
    take_down(repo, [t.flood_id], "takedown request #7")
    shutil.copy(kept, release / "data" / "articles" / "corpus-00000.parquet")
    problems = takedown_problems(repo)
    assert problems == [
        f"{release / 'data' / 'articles' / 'corpus-00000.parquet'}: still holds {t.flood_id} "
        f"(taken down {repo_date(repo, t.flood_id)}: takedown request #7)"
    ]


def repo_date(repo, doc_id: str) -> str:
    return yaml.safe_load(repo.tombstones_file.read_text())[doc_id]["requested"]
