"""The Warta repository: every path a command reads or writes, and the stores and schema in it.

Nothing else in the code spells a path inside the repository: a command finds the repository
(``Repository.find``) and asks it for the folder, file or store it needs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from warta.errors import WartaError

if TYPE_CHECKING:
    from warta.schema.annotation import AnnotationSchema
    from warta.store import Version, VersionedStore

ROOT_ENV = "WARTA_ROOT"


class Under:
    """A path below the repository root, as a class attribute of ``Repository``."""

    def __init__(self, relative: str) -> None:
        self.relative = relative

    def __get__(self, repo: Repository | None, owner: type) -> Path:
        if repo is None:
            raise AttributeError("a repository path needs a Repository instance")
        return repo.root / self.relative


@dataclass(frozen=True)
class Repository:
    """One Warta repository (the checkout, or a test's temporary copy)."""

    root: Path

    # Raw sources as bundled (byte for byte, with provenance), the versioned corpus store, the
    # documents taken down (and the lock a takedown holds while it runs), the schema every label
    # and validator comes from, Label Studio's generated config, the annotators' illustrated guide
    # and its screenshots (made by the browser test), exports kept as the server sent them,
    # agreement, gold snapshots and their frozen splits, the local Label Studio's data and virtualenv (never committed), Hydra configs, benchmark results,
    # the cleaning judgements read by hand, the leaderboard (Markdown, plot, HTML page), the dataset card (whose YAML
    # ``configs:`` ``load_dataset`` reads) and the lock held while it is rewritten, the documents
    # a release carries, and the releases.
    raw_dir = Under("corpus/raw")
    provenance_file = Under("corpus/raw/PROVENANCE.yaml")
    corpus_versions = Under("corpus/versions")
    tombstones_file = Under("corpus/TOMBSTONES.yaml")
    takedown_lock = Under("corpus/.takedown.lock")
    annotations_dir = Under("annotations")
    schema_file = Under("annotations/schema.yaml")
    label_config_file = Under("annotations/labelstudio/config.xml")
    annotator_guide = Under("annotations/ANNOTATING.md")
    annotator_screenshots = Under("annotations/screenshots")
    exports_dir = Under("annotations/exports")
    agreement_dir = Under("annotations/agreement")
    calibration_dir = Under("annotations/calibration")
    gold_dir = Under("annotations/gold")
    splits_file = Under("annotations/splits.yaml")
    gold_sample_file = Under("corpus/raw/indosum/gold_sample.txt")
    assignments_file = Under("annotations/assignments.yaml")
    annotators_file = Under("annotations/annotators.yaml")
    worksheets_dir = Under("annotations/worksheets")
    labelstudio_data_dir = Under("annotations/.labelstudio")
    labelstudio_venv = Under(".venv-ls")
    configs_dir = Under("configs")
    results_dir = Under("benchmarks/results")
    cleaning_judgements = Under("benchmarks/quality/cleaning-sample.yaml")
    leaderboard_file = Under("benchmarks/LEADERBOARD.md")
    leaderboard_plot = Under("benchmarks/leaderboard.png")
    leaderboard_page = Under("benchmarks/leaderboard.html")
    readme = Under("README.md")
    card_lock = Under(".card.lock")
    release_lock = Under(".release.lock")  # beside dist/, never inside what is uploaded
    datasheet = Under("DATASHEET.md")
    citation = Under("CITATION.cff")
    changelog = Under("CHANGELOG.md")
    dist_dir = Under("dist")

    @property
    def release_documents(self) -> tuple[Path, ...]:
        """The documents every release carries beside its data."""
        return (self.datasheet, self.citation, self.changelog)

    def release_dir(self, version: str) -> Path:
        return self.dist_dir / f"warta-{version}"

    # what lives in those folders
    def corpus_store(self) -> VersionedStore:
        from warta.store import VersionedStore

        return VersionedStore.for_corpus(self.corpus_versions)

    def gold_store(self) -> VersionedStore:
        from warta.store import VersionedStore

        return VersionedStore.for_gold(self.gold_dir)

    def corpus(self, name: str = "latest") -> Version:
        """A corpus version (the newest by default)."""
        return self.corpus_store().get(name)

    def schema(self) -> AnnotationSchema:
        from warta.schema.annotation import load_schema

        return load_schema(self.schema_file)

    def relative(self, path: Path) -> str:
        """A path as stored in data and manifests: relative to the root when inside it (a path
        relative to the working directory included), else as given."""
        resolved, root = Path(path).resolve(), self.root.resolve()
        return resolved.relative_to(root).as_posix() if resolved.is_relative_to(root) else str(path)

    @classmethod
    def find(cls, start: Path | None = None) -> Repository:
        """The repository named by ``WARTA_ROOT``, else the nearest folder up with ``corpus/``."""
        if env := os.environ.get(ROOT_ENV):
            return cls(Path(env).resolve())
        here = (start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / "corpus").is_dir() and (folder / "pyproject.toml").is_file():
                return cls(folder)
        raise WartaError(
            f"{here}: not inside a Warta repository (no corpus/ and pyproject.toml above it); "
            f"pass --root or set {ROOT_ENV}"
        )
