"""Documents taken down (``corpus/TOMBSTONES.yaml``): which, why, when, and what was purged.

A tombstone keeps a document's id and the SHA-256 of its text (never the text), the reason, the
date the takedown was requested and the id of the purge that took it out of history. Its status is
``pending`` from the moment the takedown starts (the file is written first, so a takedown killed
midway is still known, and `warta corpus vacuum` finishes it) and ``done`` once every version,
gold snapshot and release that held it is purged; it then lists them.

Ingesting a taken-down document again (same id, or same text hash) is skipped with a warning and
recorded in the new version's manifest, not refused: a source file bundles many articles, and the
rest of it must still ingest.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from warta.errors import WartaError

HEADER = (
    "# Documents taken down (`warta corpus remove`): never served by any version, snapshot or\n"
    "# release of this repository again, and skipped if ingested again. No text is kept here.\n"
)


@dataclass(frozen=True)
class Tombstone:
    doc_id: str
    content_sha256: str
    reason: str
    requested: str  # ISO date
    purge: str  # the purge id its versions' purge records carry
    status: str = "pending"  # or "done"
    completed: str | None = None
    purged: dict[str, list[str]] = field(default_factory=dict)  # corpus/gold/releases -> names

    def describe(self) -> str:
        when = "taken down" if self.status == "done" else "takedown requested"
        return f"{self.doc_id} ({when} {self.requested}: {self.reason})"


def read_tombstones(path: Path) -> dict[str, Tombstone]:
    if not path.exists():
        return {}
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(entries, dict):
            raise TypeError("expected a mapping of doc_id to its tombstone")
        return {doc_id: Tombstone(doc_id=doc_id, **entry) for doc_id, entry in entries.items()}
    except (yaml.YAMLError, TypeError, AttributeError) as err:
        raise WartaError(f"{path}: not a tombstone file ({err})") from None


def write_tombstones(path: Path, tombstones: dict[str, Tombstone]) -> None:
    from warta.store import write_atomic

    entries = {}
    for doc_id in sorted(tombstones):
        entry = asdict(tombstones[doc_id])
        del entry["doc_id"]
        entries[doc_id] = {k: v for k, v in entry.items() if v not in (None, {})}
    body = yaml.safe_dump(entries, sort_keys=False, allow_unicode=True, width=100)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, (HEADER + body).encode())


@dataclass(frozen=True)
class TakenDown:
    """The tombstones an ingest checks each article against, by id and by text hash."""

    by_id: dict[str, Tombstone] = field(default_factory=dict)
    by_content: dict[str, Tombstone] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path) -> TakenDown:
        tombstones = read_tombstones(path)
        by_content = {t.content_sha256: t for t in tombstones.values()}
        return cls(tombstones, by_content)

    def match(self, doc_id: str, content_sha256: str | None) -> Tombstone | None:
        return self.by_id.get(doc_id) or self.by_content.get(content_sha256 or "")
