"""What every command shares, through the real `warta` command: the repository from --root or
found from the working directory, one-line errors, and the counts tables."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO
from warta.repository import ROOT_ENV
from warta.store import VersionedStore


def warta(*args: str, cwd: Path = REPO, root_env: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != ROOT_ENV}
    if root_env is not None:
        env[ROOT_ENV] = root_env
    return subprocess.run(
        [sys.executable, "-m", "warta", *args],
        capture_output=True, text=True, timeout=120, cwd=cwd, env=env,
    )  # fmt: skip


def table_rows(output: str) -> dict[str, str]:
    """``what -> count`` of every row of the tables rich printed."""
    rows = {}
    for line in output.splitlines():
        cells = [c.strip() for c in line.strip("│ \n").split("│")]
        if len(cells) >= 2 and cells[0] and cells[0] != "what":
            rows.setdefault(cells[0], cells[1])
    return rows


def test_the_repository_is_found_from_a_subfolder_or_given_with_root(tmp_path):
    by_root = warta("--root", str(REPO), "corpus", "stats", "--json", cwd=tmp_path)
    assert by_root.returncode == 0, by_root.stderr
    found = warta("corpus", "stats", "--json", cwd=REPO / "annotations" / "gold")
    assert found.returncode == 0, found.stderr
    by_env = warta("corpus", "stats", "--json", cwd=tmp_path, root_env=str(REPO))
    assert json.loads(by_root.stdout) == json.loads(found.stdout) == json.loads(by_env.stdout)
    assert (
        json.loads(found.stdout)["corpus_version"]
        == VersionedStore.for_corpus(REPO / "corpus" / "versions").latest().name
    )


def test_outside_a_repository_is_one_line_naming_the_way_out(tmp_path):
    done = warta("corpus", "versions", cwd=tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("error: ") and "not inside a Warta repository" in line
    assert "--root" in line and ROOT_ENV in line


def test_counts_tables_show_every_figure(tmp_path):
    figures = json.loads(warta("--root", str(REPO), "corpus", "stats", "--json").stdout)
    shown = warta("--root", str(REPO), "corpus", "stats", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert f"corpus {figures['corpus_version']}" in shown.stdout
    rows = table_rows(shown.stdout)
    for key, value in figures["corpus"].items():
        assert rows[key] == str(value), key
    assert f"gold {figures['gold_version']}" in shown.stdout


def test_verbose_is_a_global_option_for_every_group(tmp_path):
    done = warta("--verbose", "corpus", "versions", cwd=tmp_path)
    assert done.returncode == 1 and "Traceback" in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("error: ")
