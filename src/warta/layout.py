"""Where things live in a Warta repository; every command takes the root and derives the rest."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from warta.errors import WartaError


@dataclass(frozen=True)
class Layout:
    """The folders of one Warta repository (the checkout, or a test's temporary copy)."""

    root: Path

    @property
    def raw_dir(self) -> Path:
        return self.root / "corpus" / "raw"

    @property
    def corpus_versions(self) -> Path:
        return self.root / "corpus" / "versions"

    @property
    def annotations_dir(self) -> Path:
        return self.root / "annotations"

    @property
    def schema_file(self) -> Path:
        """The annotation schema every label, role and validator comes from."""
        return self.annotations_dir / "schema.yaml"

    @property
    def readme(self) -> Path:
        return self.root / "README.md"

    @classmethod
    def find(cls, start: Path | None = None) -> Layout:
        """The repository named by ``WARTA_ROOT``, else the nearest folder up with ``corpus/``."""
        if env := os.environ.get("WARTA_ROOT"):
            return cls(Path(env).resolve())
        here = (start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / "corpus").is_dir() and (folder / "pyproject.toml").is_file():
                return cls(folder)
        raise WartaError(
            f"{here}: not inside a Warta repository (no corpus/ and pyproject.toml above it); "
            "pass --root or set WARTA_ROOT"
        )
