"""The `warta` command as a user runs it: exit codes, one-line errors, --verbose traces."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO
from warta.store import VersionedStore


def warta(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "warta", "--root", str(root), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_ingest_versions_diff_verify(scratch_repo, tmp_path):
    done = warta(scratch_repo, "corpus", "ingest", str(scratch_repo / "corpus" / "raw"))
    assert done.returncode == 0, done.stderr
    assert "wrote corpus v0001" in done.stdout and "tokens" in done.stdout
    again = warta(scratch_repo, "corpus", "ingest", str(scratch_repo / "corpus" / "raw"))
    assert again.returncode == 0 and "no change" in again.stdout
    extra = tmp_path / "b.txt"
    extra.write_text("Banjir melanda Jakarta pada hari Senin, kata BNPB.")
    assert warta(scratch_repo, "corpus", "ingest", str(extra)).returncode == 0
    listing = warta(scratch_repo, "corpus", "versions").stdout
    assert "v0001" in listing and "v0002" in listing
    diff = warta(scratch_repo, "corpus", "diff", "v0001", "v0002").stdout
    assert "added: 1" in diff and "changed: 0" in diff
    assert "ok: v0001, v0002" in warta(scratch_repo, "corpus", "verify").stdout
    assert "configs:" in (scratch_repo / "README.md").read_text()


def test_bad_input_is_one_clear_line_and_verbose_adds_the_trace(scratch_repo, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    done = warta(scratch_repo, "corpus", "ingest", str(empty))
    assert done.returncode == 1
    assert f"{empty}: empty file" in done.stderr and "Traceback" not in done.stderr
    verbose = warta(scratch_repo, "--verbose", "corpus", "ingest", str(empty))
    assert verbose.returncode == 1 and "Traceback" in verbose.stderr


def test_ingesting_a_folder_lists_the_files_it_does_not_read(scratch_repo, tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "README.md").write_text("# about\n")
    (folder / "a.txt").write_text("Banjir melanda Jakarta pada hari Senin, kata BNPB.")
    done = warta(scratch_repo, "corpus", "ingest", str(folder))
    assert done.returncode == 0, done.stderr
    assert f"not read: {folder / 'README.md'}: file type '.md' is not read" in done.stdout
    (folder / "a.txt").unlink()
    done = warta(scratch_repo, "corpus", "ingest", str(folder))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert (
        "error: nothing ingested: no article among the inputs; 1 file(s) not read:" in done.stderr
    )


def test_skip_bad_with_every_input_bad_exits_1_saying_nothing_was_ingested(scratch_repo, tmp_path):
    (tmp_path / "empty.txt").write_text("")
    done = warta(scratch_repo, "corpus", "ingest", "--skip-bad", str(tmp_path / "empty.txt"))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "error: nothing ingested: all 1 input(s) are bad, --skip-bad left none" in done.stderr
    assert f"{tmp_path / 'empty.txt'}: empty file" in done.stderr
    assert not (scratch_repo / "corpus" / "versions" / "articles").exists()


def test_verify_exits_nonzero_and_names_the_damaged_file(scratch_repo):
    warta(scratch_repo, "corpus", "ingest", str(scratch_repo / "corpus" / "raw"))
    (shard,) = (scratch_repo / "corpus" / "versions" / "articles").glob("*.parquet")
    data = bytearray(shard.read_bytes())
    data[100] ^= 0x01
    shard.write_bytes(bytes(data))
    done = warta(scratch_repo, "corpus", "verify")
    assert done.returncode == 1 and str(shard) in done.stderr.replace("\n", "")


def test_unknown_version_is_one_line(scratch_repo):
    warta(scratch_repo, "corpus", "ingest", str(scratch_repo / "corpus" / "raw"))
    done = warta(scratch_repo, "corpus", "diff", "v0001", "v0009")
    assert done.returncode == 1 and "no corpus version 'v0009'" in done.stderr


def test_import_conll_converts_with_a_label_map_and_keeps_text_out_of_the_repo(
    scratch_repo, tmp_path
):
    import shutil

    import pyarrow.parquet as pq

    from tests.conftest import IDNER, REPO

    shutil.copy(REPO / "annotations" / "schema.yaml", scratch_repo / "annotations" / "schema.yaml")
    out = tmp_path / "idner-dev.parquet"
    done = warta(scratch_repo, "corpus", "import-conll", str(IDNER / "dev.txt"), "--out", str(out))
    assert done.returncode == 0, done.stderr
    table = pq.read_table(out).to_pylist()
    assert len(table) == 367 and {m["type"] for r in table for m in r["entities"]} == {
        "PER",
        "ORG",
        "GPE",
    }
    assert all(r["text"][m["start"] : m["end"]] == m["text"] for r in table for m in r["entities"])
    refused = warta(
        scratch_repo,
        "corpus",
        "import-conll",
        str(IDNER / "dev.txt"),
        "--out",
        str(out),
        "--label",
        "PER=PER",
    )
    assert refused.returncode == 1 and "label 'ORG' has no entry in the label map" in refused.stderr
    inside = warta(
        scratch_repo,
        "corpus",
        "import-conll",
        str(IDNER / "dev.txt"),
        "--out",
        str(scratch_repo / "x.parquet"),
    )
    assert inside.returncode == 1 and "never copied into the repository" in inside.stderr


def test_import_conll_lists_every_problem_and_repairs_iob_only_when_asked(scratch_repo, tmp_path):
    import shutil

    shutil.copy(REPO / "annotations" / "schema.yaml", scratch_repo / "annotations" / "schema.yaml")
    source, out = tmp_path / "train.conll", tmp_path / "train.parquet"
    source.write_text("Jokowi B-PER\nke O\nBogor I-LOC\n\nBank B-ORG BRI\n")
    done = warta(scratch_repo, "corpus", "import-conll", str(source), "--out", str(out))
    assert done.returncode == 1 and "Traceback" not in done.stderr and not out.exists()
    assert done.stderr.splitlines() == [
        f"error: {source}: 2 problem(s) in the CoNLL file:",
        f"  {source}:3: stray I-LOC after O (IOB2 starts a mention with B-); --repair-iob reads "
        "it as B-",
        f"  {source}:5: 3 columns, but line 1 has 2 (token first, tag last): 'Bank B-ORG BRI'",
    ]
    source.write_text("Jokowi B-PER\nke O\nBogor I-LOC\n")
    args = ("corpus", "import-conll", str(source), "--out", str(out), "--repair-iob")
    done = warta(scratch_repo, *args)
    assert done.returncode == 0 and "mentions: PER 1, GPE 1" in done.stdout
    source.write_text("\n")
    done = warta(scratch_repo, "corpus", "import-conll", str(source), "--out", str(out))
    assert (
        done.returncode == 1 and f"error: {source}: no sentences: the file is empty" in done.stderr
    )


def test_remove_takes_a_document_down_and_prints_what_it_rewrote(scratch_repo, tmp_path):
    extra = tmp_path / "b.txt"
    extra.write_text("Banjir melanda Jakarta pada hari Senin, kata BNPB. Ribuan warga mengungsi.")
    warta(scratch_repo, "corpus", "ingest", str(scratch_repo / "corpus" / "raw"), str(extra))
    store = VersionedStore.for_corpus(scratch_repo / "corpus" / "versions")
    gone = next(r["doc_id"] for r in store.latest().iter_rows("articles") if "Banjir" in r["text"])
    done = warta(scratch_repo, "corpus", "remove", gone, "--reason", "takedown request #7")
    assert done.returncode == 0, done.stderr
    (shard,) = store.get("v0001").files("articles")
    assert done.stdout.splitlines()[:2] == [
        f"wrote corpus v0002: removed {gone}",
        f"rewrote corpus/versions/articles/{shard.name} (2 -> 1 rows)",
    ]
    assert "tombstone(s) in corpus/TOMBSTONES.yaml" in done.stdout
    assert store.get("v0002").manifest["removal_reason"] == "takedown request #7"
    assert store.get("v0001").rows("articles") == 1 and store.get("v0002").rows("articles") == 1
    assert warta(scratch_repo, "corpus", "verify").returncode == 0
    reingest = warta(scratch_repo, "corpus", "ingest", str(extra))
    assert reingest.returncode == 0 and "no change" in reingest.stdout
    assert f"skipped {extra}: {gone} (taken down " in reingest.stderr.replace("\n", "")
    again = warta(scratch_repo, "corpus", "remove", gone, "--reason", "again")
    assert (
        again.returncode == 0 and f"already taken down, nothing held them: {gone}" in again.stdout
    )
    missing = warta(scratch_repo, "corpus", "remove", "wrt-0000000000000000", "--reason", "typo")
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    assert missing.stderr.strip() == (
        "error: no corpus version has document wrt-0000000000000000: nothing was taken down"
    )


def test_stats_json_counts_the_new_version(scratch_repo):
    warta(scratch_repo, "corpus", "ingest", str(scratch_repo / "corpus" / "raw"))
    figures = json.loads(warta(scratch_repo, "corpus", "stats", "--json").stdout)
    (row,) = (
        VersionedStore.for_corpus(scratch_repo / "corpus" / "versions")
        .latest()
        .iter_rows("articles")
    )
    assert figures["corpus_version"] == "v0001" and figures["gold_version"] is None
    assert figures["corpus"]["documents"] == 1 and figures["corpus"]["tokens"] == len(row["tokens"])


def test_datasheet_check_passes_on_the_shipped_data_and_fails_when_stale(scratch_repo):
    shipped = warta(REPO, "datasheet", "--check")
    assert shipped.returncode == 0 and "up to date" in shipped.stdout, shipped.stderr
    stale = (REPO / "DATASHEET.md").read_text(encoding="utf-8")
    (scratch_repo / "DATASHEET.md").write_text(stale, encoding="utf-8")
    done = warta(scratch_repo, "datasheet", "--check")
    assert done.returncode == 1
    assert (
        done.stderr.strip()
        == f"error: {scratch_repo / 'DATASHEET.md'}: figures are out of date; run `warta datasheet`"
    )
    assert (scratch_repo / "DATASHEET.md").read_text(encoding="utf-8") == stale
    assert warta(scratch_repo, "datasheet").returncode == 0
    assert warta(scratch_repo, "datasheet", "--check").returncode == 0


def test_datasheet_without_a_datasheet_is_one_line(scratch_repo):
    done = warta(scratch_repo, "datasheet", "--check")
    assert done.returncode == 1 and done.stderr.startswith("error: ")


def test_demo_ingests_the_bundled_sources_and_counts_each(scratch_repo):
    from tests.conftest import listed, seed_source, write_provenance
    from tests.corpus.readers.test_ntrex import write_ntrex

    raw = scratch_repo / "corpus" / "raw"
    write_ntrex(raw / "ntrex-128")
    ntrex = {
        "license": "CC BY-SA 4.0",
        "attribution": "Federmann, Kocmi, Xin (2022)",
        "files": {
            **listed(raw, *(f"ntrex-128/{n}" for n in ("DOCUMENT_IDS.tsv", "newstest2019-ref.ind.txt", "newstest2019-src.eng.txt"))),
            **listed(raw, "ntrex-128/SOURCE.txt", role="documentation"),
        },
    }  # fmt: skip
    write_provenance(raw, {"seed": seed_source(), "ntrex-128": ntrex})
    done = warta(scratch_repo, "demo")
    assert done.returncode == 0, done.stderr
    rows = {line.split()[1]: line.split()[3:-1:2] for line in done.stdout.splitlines()
            if line.startswith("│ seed") or line.startswith("│ ntrex")}  # fmt: skip
    # added, changed, unchanged, duplicates, then lines removed per kind
    assert rows == {
        "seed": ["1", "0", "0", "0", "2", "1"],
        "ntrex-128": ["2", "0", "0", "0", "0", "0"],
    }
    assert "wrote corpus v0001" in done.stdout and "verified corpus v0001" in done.stdout
    assert "ingest" in done.stderr  # the progress bar
    again = warta(scratch_repo, "demo")
    assert "no change: 3 article(s) already in v0001" in again.stdout
