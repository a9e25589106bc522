"""`Repository`: every path is under its root, and `find` honours WARTA_ROOT, walks up from a
subfolder and refuses a folder outside any repository with a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import REPO
from warta.errors import WartaError
from warta.repository import ROOT_ENV, Repository, Under


@pytest.fixture
def no_root_env(monkeypatch):
    monkeypatch.delenv(ROOT_ENV, raising=False)


def path_attributes() -> list[str]:
    return [name for name, value in vars(Repository).items() if isinstance(value, Under)]


def test_every_path_is_under_the_root(tmp_path):
    repo = Repository(tmp_path)
    paths = [getattr(repo, name) for name in path_attributes()]
    assert len(paths) > 15 and len(set(paths)) == len(paths)  # no two names for one path
    for path in [*paths, *repo.release_documents, repo.release_dir("1.2.3")]:
        assert path.is_relative_to(tmp_path) and path != tmp_path, path


def test_the_paths_name_what_is_shipped():
    repo = Repository(REPO)
    for path in (repo.raw_dir, repo.corpus_versions, repo.schema_file, repo.gold_dir,
                 repo.splits_file, repo.configs_dir, repo.readme, repo.datasheet):  # fmt: skip
        assert path.exists(), path
    assert repo.corpus().name == repo.corpus_store().versions()[-1].name
    assert set(repo.schema().entity_types) >= {"PER", "ORG", "GPE"}


def test_a_path_needs_an_instance():
    with pytest.raises(AttributeError, match="needs a Repository instance"):
        _ = Repository.raw_dir


def test_relative_inside_and_outside_the_root(tmp_path):
    repo = Repository(tmp_path / "repo")
    assert repo.relative(tmp_path / "repo" / "corpus" / "raw" / "a.txt") == "corpus/raw/a.txt"
    assert repo.relative(tmp_path / "elsewhere.txt") == str(tmp_path / "elsewhere.txt")


def test_find_walks_up_from_a_subfolder(scratch_repo, no_root_env):
    deep = scratch_repo / "corpus" / "raw" / "deeper"
    deep.mkdir()
    assert Repository.find(deep).root == scratch_repo.resolve()
    assert Repository.find(scratch_repo).root == scratch_repo.resolve()


def test_find_uses_the_cwd_by_default(scratch_repo, no_root_env, monkeypatch):
    monkeypatch.chdir(scratch_repo / "annotations")
    assert Repository.find().root == scratch_repo.resolve()


def test_warta_root_wins_over_the_start_folder(scratch_repo, tmp_path, monkeypatch):
    monkeypatch.setenv(ROOT_ENV, str(scratch_repo))
    assert Repository.find(REPO).root == scratch_repo.resolve()
    assert Repository.find(tmp_path).root == scratch_repo.resolve()


def test_a_folder_outside_any_repository_is_refused(tmp_path, no_root_env):
    outside = tmp_path / "nowhere"
    (outside / "corpus").mkdir(parents=True)  # corpus/ alone (no pyproject.toml) is not enough
    with pytest.raises(WartaError) as refused:
        Repository.find(outside)
    message = str(refused.value)
    assert message.startswith(f"{outside.resolve()}: not inside a Warta repository")
    assert "--root" in message and ROOT_ENV in message


def test_path_literals_in_src_are_only_in_the_repository():
    """`Repository` owns the repository's paths: no other module spells `annotations/gold` etc."""
    spelled = ("corpus/raw", "corpus/versions", "annotations/gold", "benchmarks/results")
    offenders = [
        f"{path.relative_to(REPO)}: {literal}"
        for path in sorted((REPO / "src" / "warta").rglob("*.py"))
        if path.name != "repository.py"
        for literal in spelled
        if f'"{literal}' in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_root_is_kept_as_given():
    assert Repository(Path("relative/root")).readme == Path("relative/root/README.md")
