"""`warta release`: a checked, immutable, loadable release folder that matches the repository."""

from __future__ import annotations

import json
import shutil

import pytest
from datasets import load_dataset

from tests.conftest import REPO
from warta.dataset.card import read_front_matter, refresh_card
from warta.dataset.release import _release_lock, make_release, release_checksum_problems
from warta.errors import StoreError, WartaError
from warta.repository import Repository


@pytest.fixture
def repo(tmp_path):
    root = tmp_path / "warta"
    root.mkdir()
    shutil.copytree(REPO / "corpus", root / "corpus")
    shutil.copytree(
        REPO / "annotations", root / "annotations", ignore=shutil.ignore_patterns(".labelstudio")
    )
    for name in ("README.md", "DATASHEET.md", "CITATION.cff", "CHANGELOG.md", "pyproject.toml"):
        shutil.copy(REPO / name, root / name)
    return Repository(root)


def rows(path, config, split, cache):
    data = load_dataset(str(path), config, cache_dir=str(cache))[split]
    return sorted(data.to_list(), key=lambda r: json.dumps(r, sort_keys=True, default=str))


def test_release_folder_loads_the_same_data_as_the_repository(repo, hf_cache):
    folder = make_release(repo, "0.1.0")
    refresh_card(repo)
    manifest = json.loads((folder / "release.json").read_text())
    newest = repo.corpus_store().latest()
    gold = repo.gold_store().latest()
    assert manifest["corpus"]["version"] == newest.name and manifest["gold"]["version"] == gold.name
    assert manifest["corpus"]["rows"] == newest.rows("articles")
    assert "entity_f1_strict_v1" in manifest["metric_versions"] and manifest["counts"][
        "entity mentions"
    ] == sum(len(d["entities"]) for d in gold.read("documents", ["entities"]).to_pylist())
    assert release_checksum_problems(folder) == []
    for name in ("DATASHEET.md", "CITATION.cff", "CHANGELOG.md", "README.md"):
        assert (folder / name).is_file()
    card, _ = read_front_matter(folder / "README.md")
    assert (
        card["language"] == ["id", "en"]
        and card["size_categories"] == ["1K<n<10K"]
        and card["pretty_name"] == "Warta"
    )
    assert card["license"] == ["cc-by-sa-4.0", "other"]
    assert (folder / card["license_link"]).is_file()  # the datasheet travels with the release
    for config, split in (
        ("entities", "test"),
        ("events", "test"),
        ("documents", "test"),
        ("articles", "corpus"),
    ):
        from_repo = rows(repo.root, config, split, hf_cache)
        assert rows(folder, config, split, hf_cache) == from_repo
        assert rows(repo.root, f"{config}-0.1.0", split, hf_cache) == from_repo


def test_releases_are_immutable_and_versions_are_checked(repo):
    make_release(repo, "0.1.0")
    with pytest.raises(WartaError, match=r"release 0\.1\.0 exists; releases are immutable"):
        make_release(repo, "0.1.0")
    with pytest.raises(WartaError, match=r"'v1' is not X\.Y\.Z"):
        make_release(repo, "v1")


def test_damaged_data_is_refused_and_nothing_is_written(repo):
    shard = repo.gold_store().latest().files("entities")[0]
    data = bytearray(shard.read_bytes())
    data[200] ^= 0xFF
    shard.write_bytes(bytes(data))
    with pytest.raises(WartaError, match=rf"release 0.1.0 refused: .*{shard.name}"):
        make_release(repo, "0.1.0")
    assert not (repo.root / "dist" / "warta-0.1.0").exists()
    assert list((repo.root / "dist").glob(".staging-*")) == []


def test_a_second_release_at_the_same_time_is_refused(repo):
    with _release_lock(repo), pytest.raises(StoreError, match="another release is being written"):
        make_release(repo, "0.1.0")


def test_the_release_lock_is_not_inside_dist(repo):
    """`dist/` is what gets uploaded: the lock a release holds lives beside it."""
    make_release(repo, "0.1.0")
    assert sorted(p.name for p in (repo.root / "dist").iterdir()) == ["warta-0.1.0"]
