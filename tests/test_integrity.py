"""Integrity of the data shipped in this repository: asserted, never warned about."""

from __future__ import annotations

import hashlib

import pytest
import yaml

from tests.conftest import REPO
from warta.dataset.integrity import corpus_problems, gold_problems
from warta.repository import Repository
from warta.schema.annotation import load_schema
from warta.store import VersionedStore

STORE = VersionedStore.for_corpus(REPO / "corpus" / "versions")
VERSIONS = STORE.versions()
GOLD = Repository(REPO).gold_store()
SNAPSHOTS = GOLD.versions()
SCHEMA = load_schema(REPO / "annotations" / "schema.yaml")


def test_there_is_a_shipped_corpus_and_gold_and_both_verify():
    assert VERSIONS and SNAPSHOTS
    assert STORE.verify() == [] and GOLD.verify() == []


@pytest.mark.parametrize("version", VERSIONS, ids=lambda v: v.name)
def test_every_corpus_record_is_consistent(version):
    assert corpus_problems(version) == []


@pytest.mark.parametrize("snapshot", SNAPSHOTS, ids=lambda v: v.name)
def test_gold_is_consistent_with_its_corpus_schema_and_export(snapshot):
    corpus = STORE.get(snapshot.manifest["corpus_version"])
    assert gold_problems(Repository(REPO), snapshot, corpus, SCHEMA) == []
    assert snapshot.rows("documents") > 0


def test_every_gold_document_has_exactly_one_recorded_split():
    splits = yaml.safe_load((REPO / "annotations" / "splits.yaml").read_text())
    for snapshot in SNAPSHOTS:
        recorded = snapshot.manifest["splits"]
        ids = [d for docs in recorded.values() for d in docs]
        assert len(ids) == len(set(ids))
        assert all(d in recorded[splits[d]] for d in ids)


def test_every_raw_file_is_listed_in_provenance_with_its_checksum_and_vice_versa():
    raw = REPO / "corpus" / "raw"
    provenance = yaml.safe_load((raw / "PROVENANCE.yaml").read_text(encoding="utf-8"))
    listed = {
        name: entry["sha256"]
        for source in provenance["sources"].values()
        for name, entry in source["files"].items()
    }
    on_disk = {
        p.relative_to(raw).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in raw.rglob("*")
        if p.is_file() and p.name != "PROVENANCE.yaml"
    }
    assert sorted(on_disk.keys() - listed.keys()) == [], "files not listed in PROVENANCE.yaml"
    assert sorted(listed.keys() - on_disk.keys()) == [], "listed files missing from corpus/raw"
    assert {n: h for n, h in on_disk.items() if listed[n] != h} == {}, "checksums differ"


def test_every_raw_source_declares_its_rights():
    provenance = yaml.safe_load((REPO / "corpus" / "raw" / "PROVENANCE.yaml").read_text())
    for name, source in provenance["sources"].items():
        for key in ("what", "received_from", "license", "attribution", "rights", "files"):
            assert source.get(key), f"source {name}: no {key}"


def test_shipped_releases_are_intact_and_pin_shipped_versions():
    import json

    from warta.dataset.release import release_checksum_problems, releases

    shipped = releases(Repository(REPO))
    assert [p.name for p in shipped][:1] == ["warta-0.1.0"]
    for folder in shipped:
        assert release_checksum_problems(folder) == []
        manifest = json.loads((folder / "release.json").read_text())
        assert (
            STORE.get(manifest["corpus"]["version"]).content_sha256
            == manifest["corpus"]["content_sha256"]
        )
        assert (
            GOLD.get(manifest["gold"]["version"]).content_sha256
            == manifest["gold"]["content_sha256"]
        )


def test_no_taken_down_document_is_in_any_shipped_version_snapshot_or_release():
    from warta.dataset.takedown import takedown_problems

    assert takedown_problems(Repository(REPO)) == []


def test_release_0_1_0_loads_like_the_gold_it_pins(hf_cache):
    from datasets import load_dataset

    release = load_dataset(str(REPO / "dist" / "warta-0.1.0"), "entities", cache_dir=str(hf_cache))[
        "test"
    ]
    pinned = load_dataset(str(REPO), "entities-gold-v0001", cache_dir=str(hf_cache))["test"]
    assert release.to_list() == pinned.to_list()
