"""The cleaning measurement script (benchmarks/quality/cleaning.py) on a tiny IndoSum-like folder."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO

SCRIPT = REPO / "benchmarks" / "quality" / "cleaning.py"


@pytest.fixture(scope="module")
def cleaning():
    spec = importlib.util.spec_from_file_location("quality_cleaning", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def record(doc_id: str, *paragraphs: str) -> str:
    sentences = [[[token for token in p.split()]] for p in paragraphs]
    return json.dumps({"id": doc_id, "source": "cnn indonesia", "category": "olahraga",
                       "paragraphs": sentences})  # fmt: skip


@pytest.fixture
def indosum(tmp_path: Path) -> Path:
    folder = tmp_path / "indosum"
    folder.mkdir()
    lines = [
        record("a-1", "Jakarta , CNN Indonesia - - Persib menang 2 - 1 .", "Baca juga : Judul Lain",
               "Pelatih puas dengan hasil itu , kata dia . ( ugo / ugo )"),
        record("b-2", "Timnas berlatih di Bali .", "BERITA MENARIK LAINNYA :"),
        record("gold-3", "Artikel ini untuk anotasi emas ."),
    ]  # fmt: skip
    (folder / "dev.01.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "dev.02.jsonl").write_text(lines[0] + "\n", encoding="utf-8")  # folds overlap
    (folder / "gold_sample.txt").write_text("gold-3\n")
    return folder


def test_sample_is_fixed_excludes_gold_and_reads_each_id_once(cleaning, indosum):
    records = cleaning.read_indosum(indosum)
    assert sorted(records) == ["a-1", "b-2", "gold-3"]
    by_hash = sorted(["a-1", "b-2"], key=lambda i: hashlib.sha256(i.encode()).hexdigest())
    assert cleaning.sample_ids(records, indosum) == by_hash
    assert cleaning.indosum_text(records["a-1"]).split("\n\n")[1] == "Baca juga : Judul Lain"


def test_script_prints_removals_suspects_and_totals_with_before(
    cleaning, indosum, tmp_path, capsys
):
    judgements = tmp_path / "judged.yaml"
    judgements.write_text(
        yaml.safe_dump(
            {
                "articles": {
                    "a-1": {"remaining_boilerplate": [], "wrongly_removed": []},
                    "b-2": {
                        "remaining_boilerplate": [{"line": 3, "text": "BERITA MENARIK LAINNYA :"}],
                        "wrongly_removed": [],
                    },
                }
            }
        )
    )
    args = ["--indosum", str(indosum), "--judgements", str(judgements)]
    assert cleaning.main([*args, "--before", "HEAD"]) == 0  # any revision; HEAD is always there
    out = capsys.readouterr().out
    assert "  - line 3 [boilerplate]: Baca juga : Judul Lain" in out
    assert "  - line 5 [boilerplate]: ( ugo / ugo )" in out
    assert "  ? 3: BERITA MENARIK LAINNYA :" in out
    assert "now: removed pieces 2; boilerplate lines remaining 1 (in 1 articles)" in out
    assert "before: removed pieces 2; boilerplate lines remaining 1;" in out


def test_full_listing_numbers_every_kept_paragraph(cleaning, indosum, capsys):
    cleaning.main(["--indosum", str(indosum), "--judgements", "/nonexistent.yaml", "--full"])
    out = capsys.readouterr().out
    assert "  | 5: Pelatih puas dengan hasil itu , kata dia ." in out
    assert "no judgements at /nonexistent.yaml" in out
