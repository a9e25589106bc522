"""Rights from PROVENANCE.yaml: found by a file's bytes, documentation never read as articles."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import REPO, listed, write_provenance
from warta.corpus.provenance import SourceRights, SourceTable
from warta.corpus.readers import read_articles
from warta.errors import WartaError
from warta.repository import Repository

ARTICLE = "Banjir melanda Jakarta pada hari Senin, kata Badan Nasional Penanggulangan Bencana."


def source(files: dict) -> dict:
    return {"license": "CC BY-SA 4.0", "attribution": "Kantor Berita X (2024)", "files": files}


def test_a_file_is_found_by_its_bytes_wherever_it_is(tmp_path):
    raw = tmp_path / "raw"
    (raw / "x").mkdir(parents=True)
    (raw / "x" / "a.txt").write_text(ARTICLE)
    (raw / "x" / "SOURCE.txt").write_text("Where x comes from.")
    files = {**listed(raw, "x/a.txt"), **listed(raw, "x/SOURCE.txt", role="documentation")}
    table = SourceTable.load(write_provenance(raw, {"x": source(files)}))
    rights = SourceRights("x", "CC BY-SA 4.0", "Kantor Berita X (2024)")
    copy = tmp_path / "elsewhere.txt"
    shutil.copy(raw / "x" / "a.txt", copy)
    assert table.rights_of(raw / "x" / "a.txt") == table.rights_of(copy) == rights
    assert table.is_documentation(raw / "x" / "SOURCE.txt")
    assert not table.is_documentation(raw / "x" / "a.txt")
    changed = tmp_path / "changed.txt"
    changed.write_text(ARTICLE + " ")
    assert table.rights_of(changed) is None


def test_a_source_without_license_or_attribution_is_refused(tmp_path):
    path = write_provenance(tmp_path, {"x": {"license": "CC BY 4.0", "files": {}}})
    with pytest.raises(WartaError, match="source 'x' has no attribution, files"):
        SourceTable.load(path)


def test_readers_in_a_repository_name_files_relative_and_skip_documentation(scratch_repo):
    raw = scratch_repo / "corpus" / "raw"
    (raw / "x").mkdir()
    (raw / "x" / "a.txt").write_text(ARTICLE)
    (raw / "x" / "README.txt").write_text("This folder holds one article.")
    sources = {
        "x": source({**listed(raw, "x/a.txt"), **listed(raw, "x/README.txt", role="documentation")})
    }
    write_provenance(raw, sources)
    articles = list(read_articles([raw], Repository(scratch_repo)))
    # The seed is listed by no source of this table; README.txt is documentation.
    assert [(a.source_file, a.rights and a.rights.source) for a in articles] == [
        ("corpus/raw/000_bb4a5094ef9681cd.txt", None),
        ("corpus/raw/x/a.txt", "x"),
    ]
    (named,) = read_articles([raw / "x" / "README.txt"], Repository(scratch_repo))
    assert "listed as documentation" in named.problem


def test_the_shipped_table_lists_every_bundled_source():
    table = SourceTable.load(Repository(REPO).provenance_file)
    names = {entry.rights.source for entry in table.files.values()}
    assert names == {"seed", "ntrex-128", "indosum"}
    seed = table.rights_of(REPO / "corpus" / "raw" / "000_bb4a5094ef9681cd.txt")
    assert seed.license == "research use with takedown (no license granted)"
