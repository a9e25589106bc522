"""The seed article as the shipped corpus v0001 stores it: what the models' tests predict on."""

from __future__ import annotations

import pytest

from tests.conftest import REPO
from warta.store import VersionedStore


@pytest.fixture(scope="module")
def seed() -> dict:
    (row,) = (
        VersionedStore.for_corpus(REPO / "corpus" / "versions")
        .get("v0001")
        .read("articles")
        .to_pylist()
    )
    return row
