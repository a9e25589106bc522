"""A repository to take documents down from: three articles over two corpus versions, gold for
two of them made from a Label Studio export, a release pinning both, and the card."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.conftest import REPO, SEED, listed, seed_source, write_provenance
from warta.repository import Repository

FLOOD = "Banjir melanda Jakarta pada hari Senin, kata BNPB. Ribuan warga mengungsi ke masjid."
QUAKE = "Gempa mengguncang Lombok pada hari Minggu, kata BMKG. Sekolah ditutup sementara."
WORD = "masjid"
"""Only the flood report has it: no value of any file may hold it once the report is taken down."""


@dataclass
class TakedownRepo:
    repo: Repository
    seed_id: str
    flood_id: str
    quake_id: str
    export: Path

    @property
    def root(self) -> Path:
        return self.repo.root


def build_takedown_repo(root: Path, flood_split: str = "test") -> TakedownRepo:
    from warta.annotations.roundtrip import gold_from_export
    from warta.corpus.pipeline import ingest
    from warta.dataset.card import refresh_card
    from warta.dataset.release import make_release

    raw = root / "corpus" / "raw"
    raw.mkdir(parents=True)
    (root / "annotations").mkdir()
    (root / "pyproject.toml").write_text("[project]\nname = 'scratch'\n")
    (root / "README.md").write_text("# scratch\n")
    shutil.copy(SEED, raw / SEED.name)
    shutil.copy(REPO / "annotations" / "schema.yaml", root / "annotations" / "schema.yaml")
    (raw / "flood.txt").write_text(FLOOD, encoding="utf-8")
    (raw / "quake.txt").write_text(QUAKE, encoding="utf-8")
    local = {"what": "two short reports written for the tests", "license": "CC0-1.0",
             "attribution": "Warta tests", "files": listed(raw, "flood.txt", "quake.txt")}  # fmt: skip
    write_provenance(raw, {"seed": seed_source(), "local": local})
    repo = Repository(root)
    store = repo.corpus_store()
    first = ingest([raw / SEED.name, raw / "flood.txt"], store, repository=repo).version
    ingest([raw / "quake.txt"], store, repository=repo)
    texts = {r["doc_id"]: r["text"] for r in first.iter_rows("articles", ["doc_id", "text"])}
    flood_id = next(d for d, t in texts.items() if t.startswith("Banjir"))
    seed_id = next(d for d in texts if d != flood_id)
    quake_id = next(d for d in store.latest().key_hashes("articles", "doc_id", "record_sha256")
                    if d not in texts)  # fmt: skip
    export = repo.exports_dir / "project-1-20260101T000000000000Z.json"
    export.parent.mkdir(parents=True)
    tasks = [
        {"id": number, "data": {"doc_id": doc_id, "text": texts[doc_id]},
         "annotations": [{"id": 10 + number, "completed_by": 1, "result": []}]}
        for number, doc_id in enumerate((seed_id, flood_id), start=1)
    ]  # fmt: skip
    export.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    repo.splits_file.write_text(f"{flood_id}: {flood_split}\n", encoding="utf-8")
    assert gold_from_export(repo, export).snapshot.name == "v0001"
    make_release(repo, "0.1.0")
    refresh_card(repo)
    return TakedownRepo(repo, seed_id, flood_id, quake_id, export)


@pytest.fixture
def takedown_repo(tmp_path: Path) -> TakedownRepo:
    return build_takedown_repo(tmp_path / "repo")


def holding(root: Path, word: str = WORD) -> list[str]:
    """Every file under the data folders that holds ``word``: in its bytes, or (Parquet is zstd
    compressed) in any value of any column once read."""
    found = []
    for folder in ("corpus/versions", "annotations/gold", "dist"):
        for path in sorted((root / folder).rglob("*")):
            if not path.is_file() or path.name.endswith(".lock"):
                continue
            if word.encode() in path.read_bytes():
                found.append(str(path))
            elif ".parquet" in path.name:
                values = json.dumps(pq.read_table(path).to_pylist(), default=str)
                if word in values:
                    found.append(str(path))
    return found
