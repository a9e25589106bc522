"""The rights of each bundled source, read from ``corpus/raw/PROVENANCE.yaml``.

A curator adding a source copies its files into ``corpus/raw/<source>/`` and writes one entry in
PROVENANCE.yaml (what, received_from, license, attribution, rights, and each file's sha256): the
integrity suite already demands that entry, so the rights are declared once, beside the files,
reviewed with them, and no code changes for a source in a format Warta reads. Readers look a file
up by its sha256, not its path: the same bytes read from elsewhere (``../shared/articles``) get the
same rights, and a file changed after it was listed gets none.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from warta.errors import WartaError

DOCUMENTATION = "documentation"
"""The ``role`` of a listed file that describes a source (SOURCE.txt, LICENSE.md): never an article."""


@dataclass(frozen=True)
class SourceRights:
    """Who an article comes from and on what terms: ``source`` name, license, attribution."""

    source: str
    license: str
    attribution: str


@dataclass(frozen=True)
class ListedFile:
    rights: SourceRights
    role: str  # "input" (read by ingest) or "documentation"


class SourceTable:
    """Listed files by sha256, each with its source's rights and its role."""

    def __init__(self, files: dict[str, ListedFile]) -> None:
        self.files = files
        self._digests: dict[Path, str] = {}

    @classmethod
    def load(cls, path: Path) -> SourceTable:
        import yaml

        try:
            declared = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as err:
            raise WartaError(f"{path}: cannot read the provenance table ({err})") from None
        files: dict[str, ListedFile] = {}
        for name, source in (declared.get("sources") or {}).items():
            missing = [k for k in ("license", "attribution", "files") if not source.get(k)]
            if missing:
                raise WartaError(f"{path}: source {name!r} has no {', '.join(missing)}")
            rights = SourceRights(name, " ".join(source["license"].split()), source["attribution"])
            for entry in source["files"].values():
                files[entry["sha256"]] = ListedFile(rights, entry.get("role", "input"))
        return cls(files)

    def listed(self, path: Path) -> ListedFile | None:
        """The entry of the file with these bytes, or None if no source lists it."""
        path = Path(path)
        if path not in self._digests:
            digest = hashlib.sha256()
            with path.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
            self._digests[path] = digest.hexdigest()
        return self.files.get(self._digests[path])

    def rights_of(self, path: Path) -> SourceRights | None:
        entry = self.listed(path)
        return entry.rights if entry else None

    def is_documentation(self, path: Path) -> bool:
        entry = self.listed(path)
        return entry is not None and entry.role == DOCUMENTATION
