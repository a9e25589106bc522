"""Shared fixtures: paths to the seed article and external corpora, and scratch repositories."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED = REPO / "corpus" / "raw" / "000_bb4a5094ef9681cd.txt"
IDNER = SHARED / "external" / "idner-news-2k"


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def scratch_repo(tmp_path: Path) -> Path:
    """An empty Warta repository layout in a temporary folder (no versions yet)."""
    root = tmp_path / "repo"
    (root / "corpus" / "raw").mkdir(parents=True)
    (root / "annotations").mkdir()
    (root / "pyproject.toml").write_text("[project]\nname = 'scratch'\n")
    (root / "README.md").write_text("# scratch\n")
    shutil.copy(SEED, root / "corpus" / "raw" / SEED.name)
    return root


@pytest.fixture
def hf_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private `datasets` cache, and no network: loads must come from the files on disk."""
    cache = tmp_path / "hf-cache"
    monkeypatch.setenv("HF_DATASETS_CACHE", str(cache))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    return cache
