"""`corpus_summary` gives counts consistent with the Parquet of the version (counted here
independently, straight from the files with pyarrow)."""

from __future__ import annotations

from collections import Counter

import pyarrow.parquet as pq
import pytest

from tests.conftest import REPO
from warta.corpus.pipeline import ingest
from warta.corpus.summary import corpus_summary
from warta.store import VersionedStore

VERSIONS = REPO / "corpus" / "versions"


def counted(version) -> dict:
    """Counts read straight from the version's Parquet files (the store only lists them)."""
    rows = [r for f in version.files("articles") for r in pq.read_table(f).to_pylist()]
    blocks = Counter(b["type"] for r in rows for b in r["blocks"])
    removed = Counter(x["kind"] for r in rows for x in r["removed"])
    outlets = Counter(o for r in rows for o in r["outlets"])
    return {
        "documents": len(rows),
        "sentences": sum(len(r["sentences"]) for r in rows),
        "tokens": sum(len(r["tokens"]) for r in rows),
        "characters": sum(len(r["text"]) for r in rows),
        "blocks": blocks,
        "removed": removed,
        "outlets": outlets,
    }


def check(summary: dict, expected: dict) -> None:
    for key in ("documents", "sentences", "tokens", "characters"):
        assert summary[key] == expected[key], key
    for kind in ("blocks", "removed"):
        found = {k.split(": ", 1)[1]: v for k, v in summary.items() if k.startswith(f"{kind}: ")}
        assert found == dict(expected[kind]), kind
    credited = summary["outlets credited"]
    assert all(f"{name} ({n})" in credited for name, n in expected["outlets"].items())


@pytest.mark.parametrize("name", [v.name for v in VersionedStore.for_corpus(VERSIONS).versions()])
def test_shipped_versions(name):
    version = VersionedStore.for_corpus(VERSIONS).get(name)
    summary = corpus_summary(version)
    expected = counted(version)
    assert expected["documents"] >= 1 and expected["tokens"] > 500
    check(summary, expected)


def test_counts_add_up_over_several_documents(scratch_repo, tmp_path):
    store = VersionedStore.for_corpus(scratch_repo / "corpus" / "versions")
    extra = tmp_path / "b.txt"
    extra.write_text("Banjir melanda Jakarta pada hari Senin, kata BNPB. Ribuan warga mengungsi.")
    version = ingest([scratch_repo / "corpus" / "raw", extra], store).version
    expected = counted(version)
    assert expected["documents"] == 2
    check(corpus_summary(version), expected)
    assert list(corpus_summary(version))[:4] == ["documents", "sentences", "tokens", "characters"]
