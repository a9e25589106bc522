"""The gold sample of the shipped corpus: seed, every NTREX-128 document, the listed IndoSum ids,
and their frozen splits with at least a quarter of each source in test."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.conftest import REPO
from warta.annotations.sample import gold_sample
from warta.errors import WartaError
from warta.gold.splits import read_splits
from warta.repository import Repository


def test_the_shipped_gold_sample_and_its_splits():
    repo = Repository(REPO)
    sample = gold_sample(repo)
    assert Counter(sample.values()) == {"seed": 1, "ntrex-128": 123, "indosum": 100}
    splits = read_splits(repo.splits_file)
    assert set(sample) <= set(splits)
    for source in ("ntrex-128", "indosum"):
        counts = Counter(splits[d] for d, s in sample.items() if s == source)
        assert set(counts) == {"train", "validation", "test"}
        assert counts["test"] >= 0.25 * sum(counts.values())
    assert sum(1 for d in sample if splits[d] == "test") >= 56


def test_a_listed_id_missing_from_the_corpus_is_named(tmp_path):
    import shutil

    shutil.copytree(REPO / "corpus" / "versions", tmp_path / "corpus" / "versions")
    repo = Repository(tmp_path)
    repo.gold_sample_file.parent.mkdir(parents=True)
    repo.gold_sample_file.write_text("1493749800-not-in-the-corpus\n")
    with pytest.raises(WartaError, match=r"1 listed IndoSum id.*1493749800-not-in-the-corpus"):
        gold_sample(repo)
