"""`assign_splits`: recorded assignments are kept, new documents go to test, an unknown split is
an error naming the file, and the file is written only when a document is new."""

from __future__ import annotations

import pytest
import yaml

from warta.errors import WartaError
from warta.gold.splits import assign_splits


def test_new_documents_go_to_test_and_are_recorded(tmp_path):
    path = tmp_path / "splits.yaml"
    assert assign_splits(path, ["wrt-b", "wrt-a"]) == {"wrt-b": "test", "wrt-a": "test"}
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Split of every gold document")
    assert yaml.safe_load(text) == {"wrt-a": "test", "wrt-b": "test"}
    assert text.index("wrt-a") < text.index("wrt-b")  # sorted: diffs stay small


def test_recorded_assignments_are_never_changed(tmp_path):
    path = tmp_path / "splits.yaml"
    path.write_text("wrt-a: train\nwrt-b: validation\n", encoding="utf-8")
    assert assign_splits(path, ["wrt-a", "wrt-c"]) == {"wrt-a": "train", "wrt-c": "test"}
    assert yaml.safe_load(path.read_text()) == {
        "wrt-a": "train",
        "wrt-b": "validation",
        "wrt-c": "test",
    }


def test_the_file_is_written_only_when_something_is_new(tmp_path):
    path = tmp_path / "splits.yaml"
    hand_written = "# kept as written\nwrt-a: train\nwrt-b: test\n"
    path.write_text(hand_written, encoding="utf-8")
    assert assign_splits(path, ["wrt-b", "wrt-a"]) == {"wrt-b": "test", "wrt-a": "train"}
    assert path.read_text(encoding="utf-8") == hand_written
    assert assign_splits(tmp_path / "absent.yaml", []) == {}
    assert not (tmp_path / "absent.yaml").exists()


def test_an_unknown_split_is_an_error_naming_the_file(tmp_path):
    path = tmp_path / "splits.yaml"
    path.write_text("wrt-a: dev\n", encoding="utf-8")
    with pytest.raises(WartaError) as refused:
        assign_splits(path, ["wrt-a", "wrt-new"])
    assert str(refused.value) == (
        f"{path}: wrt-a has unknown split 'dev' (splits: train, validation, test)"
    )
    assert path.read_text(encoding="utf-8") == "wrt-a: dev\n"


def test_an_empty_file_is_no_assignment(tmp_path):
    path = tmp_path / "splits.yaml"
    path.write_text("# nothing yet\n", encoding="utf-8")
    assert assign_splits(path, ["wrt-a"]) == {"wrt-a": "test"}


def test_stratified_splits_follow_the_fractions_within_each_source():
    from collections import Counter

    from warta.gold.splits import FRACTIONS, stratified_splits

    sources = {f"n{i:03d}": "ntrex" for i in range(123)} | {
        f"i{i:03d}": "indosum" for i in range(100)
    }
    new = stratified_splits(sources, {})
    assert new.keys() == sources.keys()
    for source in ("ntrex", "indosum"):
        counts = Counter(s for d, s in new.items() if sources[d] == source)
        total = sum(counts.values())
        for split, share in FRACTIONS.items():
            assert abs(counts[split] - share * total) <= 1, (source, split, counts)
    assert stratified_splits(sources, {}) == new  # seeded: the same split every time
    assert stratified_splits(sources, {}, seed=1) != new


def test_stratified_splits_keep_assigned_documents_and_balance_around_them():
    from warta.gold.splits import stratified_splits

    sources = {f"d{i}": "s" for i in range(20)}
    assigned = {f"d{i}": "test" for i in range(6)}
    new = stratified_splits(sources, assigned)
    assert not set(new) & set(assigned)
    assert sum(1 for s in new.values() if s == "test") == 0  # 6 of 20 = 30% already


def test_record_splits_refuses_to_move_a_document(tmp_path):
    from warta.gold.splits import record_splits

    path = tmp_path / "splits.yaml"
    path.write_text("wrt-a: train\n", encoding="utf-8")
    with pytest.raises(
        WartaError, match=r"would move between splits, e\.g\. wrt-a from train to test"
    ):
        record_splits(path, {"wrt-a": "test", "wrt-b": "test"})
    assert yaml.safe_load(path.read_text()) == {"wrt-a": "train"}


def test_no_gold_snapshot_ever_moved_a_document_between_splits():
    """The shipped splits are frozen: every document of every gold snapshot is still in the split
    that snapshot recorded, and splits.yaml agrees with all of them."""
    from tests.conftest import REPO
    from warta.gold.splits import read_splits
    from warta.store import VersionedStore

    recorded = read_splits(REPO / "annotations" / "splits.yaml")
    versions = VersionedStore.for_gold(REPO / "annotations" / "gold").versions()
    assert versions
    for version in versions:
        for split, doc_ids in version.manifest["splits"].items():
            for doc_id in doc_ids:
                assert recorded.get(doc_id) == split, (version.name, doc_id, split)
