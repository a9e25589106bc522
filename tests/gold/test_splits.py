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
