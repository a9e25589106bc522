"""The integrity checks themselves: each kind of damage to a corpus or gold is caught and named
(the shipped data is checked with them in tests/test_integrity.py)."""

from __future__ import annotations

import copy
from pathlib import Path

import pyarrow as pa
import pytest

from tests.conftest import REPO, shipped_seed_row
from warta.corpus.steps import record_hash
from warta.dataset.integrity import corpus_problems, gold_problems
from warta.errors import StoreError
from warta.repository import Repository
from warta.schema.annotation import load_schema
from warta.schema.documents import ARTICLE_SCHEMA
from warta.store import Version, VersionDiff, VersionedStore

SNAPSHOTS = Repository(REPO).gold_store().versions()
SCHEMA = load_schema(REPO / "annotations" / "schema.yaml")


def test_the_checks_can_fail(tmp_path):
    """The gold checks catch a span that no longer reproduces its text and a forbidden role."""
    from warta.dataset.integrity import _document_problems

    rows = SNAPSHOTS[-1].read("documents").to_pylist()
    doc = next(d for d in rows if any(e["arguments"] for e in d["events"]))
    doc["entities"][0]["text"] = "not the text"
    event = next(e for e in doc["events"] if e["arguments"])
    event["arguments"][0]["role"] = "territory" if event["type"] == "CONSULT" else "time"
    problems = _document_problems("gold", doc, SCHEMA)
    assert any("text 'not the text' does not match the document" in p for p in problems)
    assert any("role" in p for p in problems)


# --- corpus and gold checks against damaged copies ----------------------------------------------

CORPUS = VersionedStore.for_corpus(REPO / "corpus" / "versions")


def corpus_version(tmp_path: Path, rows: list[dict]) -> Version:
    """A corpus version of these rows in a store of its own (record hashes as given)."""
    store = VersionedStore.for_corpus(tmp_path / "versions")
    with store.stage() as staging:
        writer = staging.writer("articles", ARTICLE_SCHEMA)
        for row in rows:
            writer.write(row)
        hashes = {row["doc_id"]: row["record_sha256"] for row in rows}
        return staging.commit(parent=None, key_hashes=hashes, diff=VersionDiff(added=list(hashes)))


def seed_row() -> dict:
    return shipped_seed_row()


def rehashed(row: dict) -> dict:
    return {**row, "record_sha256": record_hash(row)}


def damaged(change) -> dict:
    row = copy.deepcopy(seed_row())
    change(row)
    return rehashed(row)


def shift_token(row):
    row["token_starts"][5] += 1


def break_tiling(row):
    row["sentences"][1]["token_start"] += 1


DAMAGE = {
    "record hash does not match the record": lambda: {**seed_row(), "title": "Judul lain"},
    "token": lambda: damaged(shift_token),
    "sentences do not tile the tokens": lambda: damaged(break_tiling),
    "bad block": lambda: damaged(lambda r: r["blocks"].append({"type": "footer", "start": 0, "end": 5})),
    "unknown removal kind": lambda: damaged(lambda r: r["removed"].append({"kind": "ads", "text": "x", "line": 1})),
}  # fmt: skip


def test_a_sound_corpus_has_no_problem(tmp_path):
    assert corpus_problems(corpus_version(tmp_path, [seed_row()])) == []


@pytest.mark.parametrize("damage", DAMAGE)
def test_each_corpus_damage_is_one_problem_naming_version_and_document(tmp_path, damage):
    row = DAMAGE[damage]()
    (problem,) = corpus_problems(corpus_version(tmp_path, [row]))
    assert problem.startswith(f"corpus v0001, {row['doc_id']}: ") and damage in problem


class RowsAsVersion:
    """Rows offered the way ``corpus_problems`` reads a version (the store itself refuses to
    write a duplicate key, so damage like this can only come from outside it)."""

    name = "v0001"

    def __init__(self, rows: list[dict]) -> None:
        self.rows = rows

    def iter_batches(self, table: str):
        yield pa.RecordBatch.from_pylist(self.rows, schema=ARTICLE_SCHEMA)


def test_a_duplicate_doc_id_is_a_problem(tmp_path):
    row = seed_row()
    with pytest.raises(StoreError, match="written twice"):
        corpus_version(tmp_path, [row, row])
    assert corpus_problems(RowsAsVersion([row, row])) == [
        f"corpus v0001, {row['doc_id']}: duplicate doc_id"
    ]


def test_gold_needs_its_export_byte_for_byte(tmp_path):
    snapshot = Repository(REPO).gold_store().latest()
    corpus = CORPUS.get(snapshot.manifest["corpus_version"])
    schema = Repository(REPO).schema()
    elsewhere = Repository(tmp_path)
    (missing,) = gold_problems(elsewhere, snapshot, corpus, schema)
    assert (
        missing.startswith(f"gold {snapshot.name}: its Label Studio export ")
        and "is missing" in missing
    )
    export = tmp_path / snapshot.manifest["export"]["path"]
    export.parent.mkdir(parents=True)
    export.write_bytes((REPO / snapshot.manifest["export"]["path"]).read_bytes() + b"\n")
    (changed,) = gold_problems(elsewhere, snapshot, corpus, schema)
    assert changed == f"gold {snapshot.name}: export {export} does not match its checksum"


def test_gold_whose_text_is_not_in_the_corpus_is_a_problem(tmp_path):
    repo = Repository(REPO)
    snapshot = repo.gold_store().latest()
    other = corpus_version(tmp_path, [damaged(lambda r: r.update(doc_id="wrt-0000000000000000"))])
    problems = gold_problems(repo, snapshot, other, repo.schema())
    doc_id = seed_row()["doc_id"]
    assert f"gold {snapshot.name}, {doc_id}: text differs from corpus v0001" in problems
    assert len(problems) == len(snapshot.manifest["splits"]["test"]) + len(
        snapshot.manifest["splits"]["train"] + snapshot.manifest["splits"]["validation"]
    ), "every other gold document is missing from that corpus, and each is named"
