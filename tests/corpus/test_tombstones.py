"""Tombstones: written and read back as YAML without any text, matched by id or by text hash, and a
file that is not a tombstone file is one clear error."""

from __future__ import annotations

import pytest

from warta.corpus.tombstones import TakenDown, Tombstone, read_tombstones, write_tombstones
from warta.errors import WartaError


def test_tombstones_round_trip_and_match_by_id_or_text_hash(tmp_path):
    path = tmp_path / "TOMBSTONES.yaml"
    done = Tombstone("wrt-1", "a" * 64, "request #1", "2026-01-02", "0badf00d", "done",
                     "2026-01-02", {"corpus": ["v0001"]})  # fmt: skip
    pending = Tombstone("wrt-2", "b" * 64, "request #2", "2026-01-03", "feedbeef")
    write_tombstones(path, {"wrt-2": pending, "wrt-1": done})
    assert read_tombstones(path) == {"wrt-1": done, "wrt-2": pending}
    assert path.read_text().startswith("# Documents taken down")
    taken = TakenDown.read(path)
    assert taken.match("wrt-1", None) == done and taken.match("wrt-9", "b" * 64) == pending
    assert taken.match("wrt-9", "c" * 64) is None
    assert TakenDown.read(tmp_path / "none.yaml").match("wrt-1", "a" * 64) is None
    assert done.describe() == "wrt-1 (taken down 2026-01-02: request #1)"
    assert pending.describe() == "wrt-2 (takedown requested 2026-01-03: request #2)"


def test_a_file_that_is_not_a_tombstone_file_is_one_error(tmp_path):
    path = tmp_path / "TOMBSTONES.yaml"
    path.write_text("- just\n- a list\n")
    with pytest.raises(WartaError, match=rf"{path}: not a tombstone file"):
        read_tombstones(path)
