"""The purge records of one table: which data files a takedown rewrote, from which checksum to which.

A purge (``purge.py``) rewrites data files in place, so the SHA-256 that the commit adding a file
recorded no longer describes it. Each purge of a table therefore writes one record,
``<table>/_warta/purges/<nnnn>-<purge>.json``, before it swaps any file: for each file its old and
new SHA-256 and row counts; for each version of the primary table the row hashes of the rows taken
out (the version's content hash still verifies: the rows left plus the rows purged); the purged
keys, the reason and the date. A record is sealed (``record_sha256``) and chained
(``previous_sha256``, the SHA-256 of the record before it, so a record lost from the middle is
damage). Its sidecar ``<nnnn>-<purge>.json.sha256``, written once every file is swapped, marks it
complete and checksums it.

Readers take a file's checksum from its commit, then from each complete record, in order, that
rewrote the file from exactly that checksum. While a record is unfinished, a file it names may hold
either its old or its new checksum. A file back at a checksum a complete purge replaced holds purged
rows again: damage, and said so.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from warta.store.files import SIDECARS, seal_holds

PURGE_FORMAT = "warta-purge/1"
PURGES = "purges"
RECORD_FILE = re.compile(r"^(\d{4,})-([0-9a-f]+)\.json$")


def purges_dir(folder: Path) -> Path:
    """Where the purge records of the table in ``folder`` live (beside its log checksums)."""
    return folder / SIDECARS / PURGES


def sidecar_of(record: Path) -> Path:
    return record.with_name(f"{record.name}.sha256")


def temporary_copy(path: Path, purge: str) -> Path:
    """Where a purge writes the rewritten file before swapping it in (hidden, not ``*.parquet``)."""
    return path.with_name(f".{path.name}.{purge}.purge")


@dataclass(frozen=True)
class PurgeRecord:
    """One purge of one table, as written before its files were swapped."""

    path: Path
    number: int
    body: dict
    sha256: str
    complete: bool

    @property
    def purge(self) -> str:
        return self.body["purge"]

    @property
    def files(self) -> dict[str, dict]:
        return self.body.get("files", {})


@dataclass(frozen=True)
class FileState:
    """A data file's checksum and row count once the table's purges are applied."""

    sha256: str | None
    rows: int
    pending: tuple[str, int] | None = None  # (sha256, rows) if an unfinished purge swaps it
    superseded: frozenset[str] = frozenset()  # its checksums before complete purges


class PurgeLog:
    """The purge records of the table in ``folder``, checked (seal, chain, sidecar)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.records: list[PurgeRecord] = []
        self.damage: list[str] = []
        directory = purges_dir(folder)
        if not directory.is_dir():
            return
        previous = None
        for path in sorted(directory.iterdir()):
            match = RECORD_FILE.match(path.name)
            if not match:
                continue
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            problem, body = self._problem(path, data, previous, digest)
            previous = digest
            if problem:
                self.damage.append(f"{path}: {problem}")
                continue
            complete = sidecar_of(path).exists()
            self.records.append(PurgeRecord(path, int(match.group(1)), body, digest, complete))

    @staticmethod
    def _problem(path: Path, data: bytes, previous: str | None, digest: str):
        try:
            body = json.loads(data)
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            return f"purge record unreadable ({err})", None
        if not isinstance(body, dict) or not seal_holds(body):
            return "purge record does not match its record_sha256", None
        if body.get("previous_sha256") != previous:
            return "purge record chain broken (previous_sha256 is not the record before it)", None
        try:
            sidecar = sidecar_of(path).read_text().split()[0]
        except FileNotFoundError:
            sidecar = None
        except (IndexError, UnicodeDecodeError):
            sidecar = ""
        if sidecar is not None and sidecar != digest:
            return "purge record does not match its checksum file", None
        return None, body

    @property
    def unfinished(self) -> list[PurgeRecord]:
        return [r for r in self.records if not r.complete]

    def leftovers(self) -> list[str]:
        return [
            f"{r.path}: leftover of an interrupted purge ({len(r.files)} file(s) to rewrite "
            f"without {', '.join(r.body.get('keys', []))}); `warta corpus vacuum` finishes it"
            for r in self.unfinished
        ]

    def state(self, name: str, sha256: str | None, rows: int) -> FileState:
        """What file ``name`` should hold, given what its commit recorded."""
        pending, superseded = None, set()
        for record in self.records:
            change = record.files.get(name)
            if change is None or change.get("old_sha256") != sha256:
                continue
            if record.complete:
                superseded.add(sha256)
                sha256, rows = change["sha256"], change["rows"]
            else:
                pending = (change["sha256"], change["rows"])
        return FileState(sha256, rows, pending, frozenset(superseded))

    def purged(self, version: str) -> dict[str, str]:
        """Keys purged from a version of the primary table, with their row hashes."""
        keys: dict[str, str] = {}
        for record in self.records:
            keys.update(record.body.get("versions", {}).get(version, {}))
        return keys

    def next_number(self) -> int:
        names = purges_dir(self.folder).glob("*.json") if self.folder.exists() else []
        numbers = [int(m.group(1)) for p in names if (m := RECORD_FILE.match(p.name))]
        return max(numbers, default=0) + 1

    def last_sha256(self) -> str | None:
        names = sorted(
            p for p in purges_dir(self.folder).glob("*.json") if RECORD_FILE.match(p.name)
        )
        return hashlib.sha256(names[-1].read_bytes()).hexdigest() if names else None
