"""A scratch repository with the three kinds of source the datasheet describes: the seed, an
NTREX-128 folder and IndoSum folds (one id in two folds, once cut short), each listed with its
rights, ingested into one corpus version."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import listed, seed_source, write_provenance
from tests.corpus.readers.test_ntrex import write_ntrex
from warta.corpus.pipeline import ingest
from warta.repository import Repository

FLOOD = ["Banjir", "melanda", "Jakarta", "pada", "hari", "Senin", ",", "kata", "BNPB", "."]
QUAKE = ["Gempa", "mengguncang", "Palu", "dan", "Donggala", "pada", "Jumat", "sore", "."]
MORE = ["Ribuan", "warga", "mengungsi", "ke", "tempat", "yang", "lebih", "tinggi", "."]
LINK = ["Baca", "juga", ":", "Banjir", "Jakarta", "surut"]
FLOOD_ID = "1490674536-banjir-melanda-jakarta"  # 2017-03-28 04:15 UTC
QUAKE_ID = "1475967649-gempa-mengguncang-palu"  # 2016-10-08 23:00 UTC


def indosum_record(doc_id: str, category: str, outlet: str, *paragraphs: list[str]) -> str:
    return json.dumps({"id": doc_id, "category": category, "source": outlet,
                       "source_url": f"https://example.org/{doc_id}",
                       "paragraphs": [[p] for p in paragraphs]})  # fmt: skip


@pytest.fixture
def mixed_repo(scratch_repo: Path) -> Repository:
    raw = scratch_repo / "corpus" / "raw"
    write_ntrex(raw / "ntrex-128")
    (raw / "ntrex-128" / "SOURCE.txt").unlink()
    folds = raw / "indosum"
    folds.mkdir()
    (folds / "dev.01.jsonl").write_text(
        indosum_record(FLOOD_ID, "tajuk utama", "antaranews", FLOOD, LINK) + "\n"
        + indosum_record(QUAKE_ID, "olahraga", "kumparan", QUAKE) + "\n"
    )  # fmt: skip
    (folds / "dev.02.jsonl").write_text(  # the flood again, and the quake whole
        indosum_record(FLOOD_ID, "tajuk utama", "antaranews", FLOOD, LINK) + "\n"
        + indosum_record(QUAKE_ID, "olahraga", "kumparan", QUAKE, MORE) + "\n"
    )  # fmt: skip
    ntrex_files = ["DOCUMENT_IDS.tsv", "newstest2019-ref.ind.txt", "newstest2019-src.eng.txt"]
    write_provenance(raw, {
        "seed": seed_source(),
        "ntrex-128": {"license": "CC BY-SA 4.0", "attribution": "NTREX-128 (2022).",
                      "files": listed(raw, *(f"ntrex-128/{n}" for n in ntrex_files))},
        "indosum": {"license": "CC BY-SA 4.0", "attribution": "IndoSum (2018).",
                    "files": listed(raw, "indosum/dev.01.jsonl", "indosum/dev.02.jsonl")},
    })  # fmt: skip
    repo = Repository(scratch_repo)
    ingest([raw], repo.corpus_store(), repository=repo)
    return repo


def block_rows(block: str) -> list[list[str]]:
    """The cells of every table row of a generated block (header and rule left out)."""
    rows = [
        [c.strip() for c in line.strip().strip("|").split("|")]
        for line in block.splitlines()
        if line.startswith("| ")
    ]
    rule = [r for r in rows if all(c and set(c) <= {"-", ":"} for c in r)]
    return [r for r in rows if r not in rule][1:]
