"""`load_dataset(<repo>, "articles")` through the README's configs block: real Parquet, real loads."""

from __future__ import annotations

import json
from datetime import date

from datasets import load_dataset

from tests.conftest import REPO
from warta.corpus.pipeline import ingest
from warta.dataset.card import (
    corpus_configs,
    read_front_matter,
    repository_configs,
    write_front_matter,
)
from warta.repository import Repository
from warta.store import VersionedStore


def build(scratch_repo):
    store = VersionedStore.for_corpus(scratch_repo / "corpus" / "versions")
    ingest([scratch_repo / "corpus" / "raw"], store)
    extra = scratch_repo / "extra.jsonl"
    extra.write_text(
        json.dumps({"text": "Banjir melanda Jakarta pada hari Senin, kata BNPB."}) + "\n"
    )
    ingest([extra], store)
    write_front_matter(scratch_repo / "README.md", corpus_configs(store, scratch_repo))
    return store


def test_articles_loads_the_newest_version_and_old_versions_stay_loadable(scratch_repo, hf_cache):
    build(scratch_repo)
    newest = load_dataset(str(scratch_repo), "articles", cache_dir=str(hf_cache))
    assert list(newest) == ["corpus"] and newest["corpus"].num_rows == 2
    first = load_dataset(str(scratch_repo), "articles-v0001", cache_dir=str(hf_cache))["corpus"]
    assert first.num_rows == 1
    features = first.features
    assert features["published"].dtype == "date32" and features["tokens"].feature.dtype == "string"
    assert set(features["blocks"].feature) == {"type", "start", "end"}
    row = first[0]
    assert row["published"] == date(2021, 7, 6) and row["outlets"] == ["TASS", "Reuters"]


def test_card_keeps_the_prose_and_is_idempotent(scratch_repo):
    store = build(scratch_repo)
    readme = scratch_repo / "README.md"
    meta, body = read_front_matter(readme)
    assert body == "# scratch\n"
    assert [c["config_name"] for c in meta["configs"]] == [
        "articles",
        "articles-v0002",
        "articles-v0001",
    ]
    assert not write_front_matter(readme, corpus_configs(store, scratch_repo))


def test_shipped_readme_configs_match_the_shipped_versions():
    meta, _ = read_front_matter(REPO / "README.md")
    assert meta["configs"] == repository_configs(Repository(REPO)), "run `warta demo` to refresh"


def test_the_repository_itself_loads(hf_cache):
    articles = load_dataset(str(REPO), "articles", cache_dir=str(hf_cache))["corpus"]
    titles = articles["title"]
    assert "Kremlin - Putin dan Rahmon fokus pada situasi di perbatasan Tajik-Afghanistan" in titles


def test_the_shipped_gold_loads_in_every_layer(hf_cache):
    documents = load_dataset(str(REPO), "documents", cache_dir=str(hf_cache))["test"]
    (doc,) = documents
    rakhmon = {
        m["entity_id"]
        for m in doc["entities"]
        if m["text"] in ("Rahmon", "Rakhmon", "Emomali Rakhmon")
    }
    assert len(rakhmon) == 1, "all spellings of the Tajik president are one cluster"
    entities = load_dataset(str(REPO), "entities", cache_dir=str(hf_cache))["test"]
    assert entities.num_rows == len(doc["sentences"])
    names = entities.features["ner_tags"].feature.names
    tags = [names[t] for row in entities for t in row["ner_tags"]]
    assert tags.count("B-PER") > 0 and tags.count("B-GPE") > tags.count("B-PER")
    events = load_dataset(str(REPO), "events", cache_dir=str(hf_cache))["test"]
    types = {e["event_type"] for row in events for e in row["event_mentions"]}
    assert {"CONSULT", "MOBILIZE", "RETREAT", "SEIZE_TERRITORY", "DESIGNATE_TERRORIST"} <= types


def test_a_split_emptied_by_a_takedown_leaves_the_config_loading_the_others(tmp_path, hf_cache):
    from tests.dataset.conftest import build_takedown_repo
    from warta.dataset.takedown import take_down

    t = build_takedown_repo(tmp_path / "repo", flood_split="train")
    assert {s["split"] for c in read_front_matter(t.repo.readme)[0]["configs"]
            if c["config_name"] == "documents-0.1.0" for s in c["data_files"]} == {"test", "train"}  # fmt: skip
    take_down(t.repo, [t.flood_id], "takedown request #7")
    configs = {c["config_name"]: c for c in read_front_matter(t.repo.readme)[0]["configs"]}
    for name in ("documents-gold-v0001", "entities-gold-v0001", "documents-0.1.0"):
        assert [s["split"] for s in configs[name]["data_files"]] == ["test"], name
        assert "1 document(s) taken down" in configs[name]["description"]
        loaded = load_dataset(str(t.root), name, cache_dir=str(hf_cache))
        assert list(loaded) == ["test"] and set(loaded["test"]["doc_id"]) == {t.seed_id}
    release = load_dataset(str(t.repo.release_dir("0.1.0")), "events", cache_dir=str(hf_cache))
    assert list(release) == ["test"]
