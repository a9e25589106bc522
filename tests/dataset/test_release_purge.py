"""Purging a release folder: files rewritten, release.json recording it, still self-contained and
loadable; an interrupted purge is named and finished; a damaged release is refused."""

from __future__ import annotations

import json

import pytest
from datasets import load_dataset

import warta.dataset.release_purge as release_purge
from tests.dataset.conftest import WORD, holding
from warta.dataset.release import release_checksum_problems
from warta.dataset.release_purge import finish_release_purges, purge_release
from warta.errors import WartaError


def purge(t):
    return purge_release(
        t.repo, t.repo.release_dir("0.1.0"), {t.flood_id}, purge_id="0badf00d",
        reason="takedown request #7", purged_at="2026-01-01T00:00:00+00:00",
    )  # fmt: skip


def test_a_purged_release_records_it_and_loads_on_its_own(takedown_repo, hf_cache):
    t = takedown_repo
    folder = t.repo.release_dir("0.1.0")
    before = json.loads((folder / "release.json").read_text())
    purged = purge(t)
    assert len(purged) == 4 and all(p.rows_after < p.rows_before for p in purged)
    manifest = json.loads((folder / "release.json").read_text())
    (record,) = manifest["purges"]
    assert record["doc_ids"] == [t.flood_id] and record["reason"] == "takedown request #7"
    assert manifest["corpus"]["rows"] == before["corpus"]["rows"] - 1
    assert manifest["corpus"]["content_sha256"] == before["corpus"]["content_sha256"]
    assert release_checksum_problems(folder) == [] and not any(
        str(folder) in path for path in holding(t.root)
    )
    assert "1 document(s) were taken down after this release" in (folder / "README.md").read_text()
    documents = load_dataset(str(folder), "documents", cache_dir=str(hf_cache))["test"]
    assert documents["doc_id"] == [t.seed_id] and WORD not in json.dumps(
        documents.to_list(), default=str
    )
    assert purge(t) == [], "nothing left to purge"


def test_a_purge_interrupted_after_release_json_is_named_and_finished(takedown_repo, monkeypatch):
    t = takedown_repo
    folder = t.repo.release_dir("0.1.0")

    def crash(temporary, path):
        raise KeyboardInterrupt

    monkeypatch.setattr(release_purge, "_swap", crash)
    with pytest.raises(KeyboardInterrupt):
        purge(t)
    problems = release_checksum_problems(folder)
    assert len(problems) == 4 and all(
        "leftover of interrupted purge 0badf00d" in p for p in problems
    )
    monkeypatch.undo()
    assert len(finish_release_purges(folder)) == 4
    assert release_checksum_problems(folder) == [] and not list(folder.rglob("*.purge"))


def test_a_damaged_release_is_refused_and_left_as_it_is(takedown_repo):
    t = takedown_repo
    folder = t.repo.release_dir("0.1.0")
    shard = folder / "data" / "entities" / "test-00000.parquet"
    data = bytearray(shard.read_bytes())
    data[200] ^= 0xFF
    shard.write_bytes(bytes(data))
    manifest = (folder / "release.json").read_bytes()
    with pytest.raises(WartaError, match=r"release warta-0\.1\.0 is damaged, not purged"):
        purge(t)
    assert (folder / "release.json").read_bytes() == manifest
