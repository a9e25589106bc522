"""The dataset card: `load_dataset(<repo>, "articles")` through the README's configs block (real
Parquet, real loads), metadata the Hub accepts, and the README's own snippets run as written."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

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


def test_the_shipped_gold_loads_in_every_layer_with_three_splits(hf_cache):
    from warta.gold.splits import read_splits

    splits = read_splits(REPO / "annotations" / "splits.yaml")
    documents = load_dataset(str(REPO), "documents", cache_dir=str(hf_cache))
    assert sorted(documents) == ["test", "train", "validation"]
    for split, rows in documents.items():
        assert rows.num_rows > 0 and {splits[d] for d in rows["doc_id"]} == {split}
    assert sum(r.num_rows for r in documents.values()) == 224
    seed = next(d for d in documents["test"] if d["source"] == "seed")
    rakhmon = {
        m["entity_id"]
        for m in seed["entities"]
        if m["text"] in ("Rahmon", "Rakhmon", "Emomali Rakhmon")
    }
    assert len(rakhmon) == 1, "all spellings of the Tajik president are one cluster"
    assert {d["annotator_kind"] for d in documents["train"]} == {"llm-session"}
    entities = load_dataset(str(REPO), "entities", cache_dir=str(hf_cache))
    assert sorted(entities) == ["test", "train", "validation"]
    sentences = sum(len(d["sentences"]) for d in documents["test"])
    assert entities["test"].num_rows == sentences
    names = entities["train"].features["ner_tags"].feature.names
    tags = {names[t] for row in entities["train"] for t in row["ner_tags"]}
    assert {f"B-{t}" for t in ("PER", "ORG", "GPE", "DATE", "MONEY", "PERCENT")} <= tags
    events = load_dataset(str(REPO), "events", cache_dir=str(hf_cache))
    assert sorted(events) == ["test", "train", "validation"]
    types = {e["event_type"] for row in events["train"] for e in row["event_mentions"]}
    assert {"CONSULT", "DIE", "COERCE", "ELECTION"} <= types


# What the Hub accepts: https://huggingface.co/docs/hub/repositories-licenses (the ids Warta may
# use; `other` needs a `license_name` and a `license_link`) and the value lists `datasets` ships.
HUB_LICENSES = {"cc-by-sa-4.0", "cc-by-4.0", "cc-by-nc-sa-4.0", "mit", "other", "unknown"}
LICENSE_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]*$")


def hub_values(name: str) -> set[str]:
    import datasets

    resources = Path(datasets.__file__).parent / "utils" / "resources"
    return set(json.loads((resources / f"{name}.json").read_text(encoding="utf-8")))


def test_card_metadata_is_what_the_hub_accepts():
    from huggingface_hub import DatasetCard

    card = DatasetCard.load(REPO / "README.md")  # parses the YAML as the Hub's client does
    meta = card.data.to_dict()
    assert meta["license"] == ["cc-by-sa-4.0", "other"] and set(meta["license"]) <= HUB_LICENSES
    assert LICENSE_NAME.match(meta["license_name"])
    link = REPO / meta["license_link"]
    assert link.is_file() and link in Repository(REPO).release_documents
    details = meta["license_details"]
    parts = ("NTREX-128", "IndoSum", "CC BY-SA 4.0", "seed", "no license", "Annotations", "MIT")
    assert [p for p in parts if p not in details] == []
    assert set(meta["language"]) <= hub_values("languages")
    assert set(meta["multilinguality"]) <= hub_values("multilingualities")
    assert set(meta["size_categories"]) <= hub_values("size_categories")


def test_the_card_metadata_keeps_its_order_and_configs_come_last(scratch_repo):
    readme = scratch_repo / "README.md"
    readme.write_text("---\nconfigs: []\nlicense: other\nextra: kept\n---\n# scratch\n")
    write_front_matter(readme, [], pretty_name="Warta", license=["cc-by-sa-4.0", "other"])
    meta, body = read_front_matter(readme)
    assert list(meta) == ["pretty_name", "license", "extra", "configs"] and body == "# scratch\n"
    assert meta["license"] == ["cc-by-sa-4.0", "other"]


def readme_snippet(marker: str) -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    (block,) = [b for b in blocks if marker in b]
    return block


def test_the_readme_snippets_pair_ntrex_with_english_and_keep_the_open_text(hf_cache):
    code = readme_snippet("def sentence_pairs").replace(
        'load_dataset("/path/to/warta", "articles")',
        f'load_dataset({str(REPO)!r}, "articles", cache_dir={str(hf_cache)!r})',
    )
    scope: dict = {}
    exec(compile(code, "README.md", "exec"), scope)
    articles, pairs = scope["articles"], scope["pairs"]
    ntrex = [a for a in articles if a["source"] == "ntrex-128"]
    assert len(pairs) == sum(len(a["sentences"]) for a in ntrex)  # every sentence has its English
    assert pairs[0] == (
        "Anggota Majelis (AM) Welsh khawatir bila mereka ‘tampak seperti boneka muppets'.",
        "Welsh AMs worried about 'looking like muppets'",
    )
    exec(compile(readme_snippet("open_text = "), "README.md", "exec"), scope)
    open_text = scope["open_text"]
    assert set(open_text["source"]) == {"ntrex-128", "indosum"}
    assert open_text.num_rows == articles.num_rows - articles["source"].count("seed")


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


def test_the_card_is_refreshed_under_its_lock_and_stale_card_says_what_differs(scratch_repo):
    import threading

    from filelock import FileLock

    from warta.dataset.card import refresh_card, stale_card

    build(scratch_repo)
    repo = Repository(scratch_repo)
    readme = repo.readme
    readme.write_text(readme.read_text().replace("articles-v0002", "articles-v0009"))
    assert stale_card(repo) == (
        f"{readme}: dataset card is stale (lists no articles-v0002; lists gone articles-v0009); "
        "`warta corpus vacuum` rewrites it"
    )
    before = readme.read_text()
    with FileLock(repo.card_lock):  # another command is rewriting the card
        refresh = threading.Thread(target=refresh_card, args=(repo,))
        refresh.start()
        refresh.join(1.0)
        assert refresh.is_alive() and readme.read_text() == before
    refresh.join(30)
    assert not refresh.is_alive() and stale_card(repo) is None


def test_the_readme_shows_the_page_check_that_load_dataset_skips_by_default(scratch_repo, hf_cache):
    import pytest
    from datasets.exceptions import DatasetGenerationError

    from tests.store.test_files import damage_a_page

    store = build(scratch_repo)
    damage_a_page(store.latest().files("articles")[0])
    code = readme_snippet("page_checksum_verification=True").replace(
        'load_dataset("/path/to/warta", "articles", ',
        f'load_dataset({str(scratch_repo)!r}, "articles", cache_dir={str(hf_cache)!r}, ',
    )
    with pytest.raises(DatasetGenerationError) as caught:
        exec(compile(code, "README.md", "exec"), {})
    assert "CRC checksum verification failed" in str(caught.value.__cause__)
    unchecked = load_dataset(str(scratch_repo), "articles", cache_dir=str(hf_cache))["corpus"]
    assert unchecked.num_rows == 2  # loaded as if nothing were wrong
