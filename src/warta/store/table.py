"""Versioned Parquet as Delta Lake tables: a new version writes only the rows it changes.

A store is a folder with one Delta table per logical table (``articles``; or ``documents``,
``entities``, ``events`` for gold). Every table is keyed by the store's key column (``doc_id``).

Design (each choice is the answer to a question the full-copy store never had to ask):

- Files. Warta writes the Parquet files itself with pyarrow (zstd, page checksums, row groups of
  at most 10k rows, DELTA_BINARY_PACKED offsets: deltalake 1.6.6's ``ColumnProperties`` silently
  ignores nested columns), hashes them, then commits them with ``create_write_transaction`` (add
  and remove actions). No Delta ``merge`` or ``delete``: they write and commit files in one call,
  so the files' SHA-256 could only go in a second, non-atomic commit. A file holds at most
  ``FILE_ROWS`` rows in write order, so a change confined to one batch of articles rewrites a few
  files, not the table; a change scattered over the table rewrites every file it touches.
- Carry-over. ``commit`` drops from the parent's files every key listed as changed or removed and
  every key written to that table in this version; a file that loses rows is rewritten without
  them (its remaining rows, one new file per prefix), every other file is kept as it is.
- The version record. Each Delta commit carries a Warta record in its commitInfo (``custom_metadata``
  key ``warta``): version name, parent, diff, content hash, extra keys, and the SHA-256, bytes, rows
  and schema hash of every file that commit adds. Checksums are therefore in the same atomic commit
  as the files. Version names map to Delta versions through these records.
- Log checksums. Delta's JSON log has none. After each commit Warta writes
  ``<table>/_warta/log/<n>.json.sha256``, and each record also carries the SHA-256 of the table's
  previous commits (a chain), plus ``record_sha256`` over the record itself. A crash between commit
  and sidecar leaves the head unrecorded: reported as a leftover, recorded by ``vacuum``.
- Several tables. Secondary tables are committed first, the primary table last; the primary's
  record names the Delta version of every table, so a version exists exactly when its primary
  commit does. A crash in between leaves secondary commits that no version names: readers never
  see them, ``verify`` reports them as leftovers, the next write supersedes them.
- Concurrency. ``stage()`` pins each table's head; commits use ``max_commit_retries=0``, so if another
  writer commits first, Delta's put-if-absent refuses ours and ``StoreError`` says so. No lock file.
- Leftovers. A writer registers in ``_warta/writers/``; Parquet files no commit references and whose
  writer is dead are leftovers: ``verify`` reports them, ``vacuum`` (also run by ``stage()``)
  removes them. Delta's own vacuum is never used: it would delete files old versions still need.
- History is kept forever: no checkpoints, no expired-log cleanup (both would drop the records).
  The one exception is a takedown: ``purge`` rewrites the files that hold the taken-down rows, in
  place and recorded (``purge.py``), so that no version serves them any more.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property
from pathlib import Path

import pyarrow as pa

from warta.errors import StoreError
from warta.store.files import (
    VersionDiff,
    canonical_json,
    content_hash,
    parquet_batches,
    parquet_file,
    read_parquet,
    schema_description,
    sha256_file,
)
from warta.store.log import LOG, Commit, DataFile, TableLog, check_file, record_log_checksum
from warta.store.purge import PurgedFile, finish_purges, purge, stray_copies
from warta.store.write import Staging, live_writers

FILE_ROWS = 2_000
"""Rows per data file: a change confined to a batch of articles rewrites about this many rows."""
DELTA_ENCODED = ("token_starts", "token_ends")
"""Increasing integer offsets: DELTA_BINARY_PACKED stores them in a quarter of the bytes."""


class Version:
    """One version of a store: a Warta record and the Delta version of each of its tables."""

    def __init__(self, store: VersionedStore, record: dict, commit: Commit) -> None:
        self.store = store
        self.record = record
        self.commit = commit
        self.name: str = record["version"]
        self.delta_versions: dict[str, int] = {
            **record.get("tables", {}),
            store.primary_table: commit.number,
        }

    def __repr__(self) -> str:
        return f"Version({self.name!r}, {self.store.root})"

    @property
    def number(self) -> int:
        return int(self.name[1:])

    @property
    def parent(self) -> str | None:
        return self.record.get("parent")

    @property
    def created_at(self) -> str:
        return self.record["created_at"]

    @property
    def content_sha256(self) -> str:
        return self.record["content_sha256"]

    @property
    def diff(self) -> VersionDiff:
        return VersionDiff(**self.record["diff"])

    @property
    def purged(self) -> dict[str, str]:
        """Keys purged from this version since it was written (a takedown), with their row hashes;
        ``content_sha256`` still names the version as written."""
        return self.store.log(self.store.primary_table).purges.purged(self.name)

    @property
    def tables(self) -> list[str]:
        return sorted(self.delta_versions)

    def entries(self, table: str) -> list[DataFile]:
        if table not in self.delta_versions:
            raise StoreError(f"{self.store.root}: {self.name} has no table {table!r}")
        log = self.store.log(table)
        log.raise_damage()
        return log.entries(table, self.delta_versions[table])

    def files(self, table: str, prefix: str | None = None) -> list[Path]:
        """The table's Parquet files in this version (absolute paths), optionally one prefix."""
        return [e.path for e in self.entries(table) if prefix is None or e.prefix == prefix]

    def prefixes(self, table: str) -> list[str]:
        return sorted({e.prefix for e in self.entries(table)})

    def rows(self, table: str) -> int:
        return sum(e.rows for e in self.entries(table))

    def checked_files(self, table: str) -> list[Path]:
        """The table's files, each checked once per process against its recorded checksum."""
        return [check_file(e) for e in self.entries(table)]

    def read(self, table: str, columns: list[str] | None = None) -> pa.Table:
        return pa.concat_tables(read_parquet(f, columns) for f in self.checked_files(table))

    def iter_rows(self, table: str, columns: list[str] | None = None) -> Iterator[dict]:
        """Rows as plain dicts, one record batch in memory at a time."""
        for batch in self.iter_batches(table, columns):
            yield from batch.to_pylist()

    def iter_batches(
        self, table: str, columns: list[str] | None = None
    ) -> Iterator[pa.RecordBatch]:
        for path in self.checked_files(table):
            yield from parquet_batches(path, columns)

    def key_hashes(self, table: str, key: str, row_hash: str) -> dict[str, str]:
        keys: dict[str, str] = {}
        for batch in self.iter_batches(table, [key, row_hash]):
            keys.update(zip(batch.column(0).to_pylist(), batch.column(1).to_pylist(), strict=True))
        return keys

    def data_files(self, table: str, relative_to: Path, split: str | None = None) -> list[dict]:
        """A README ``configs:`` ``data_files`` list: this version's files, one split per prefix
        (or all under ``split``), as paths relative to ``relative_to``. Files and splits without
        rows are left out (`datasets` cannot build an empty split) unless the table has no rows
        at all: then its empty file is listed, which `datasets` streams."""
        entries = self.entries(table)
        entries = [e for e in entries if e.rows] or entries
        rel = [(e.prefix, e.path.relative_to(relative_to).as_posix()) for e in entries]
        if split is not None:
            return [{"split": split, "path": [p for _, p in rel]}]
        return [
            {"split": s, "path": [p for prefix, p in rel if prefix == s]}
            for s in sorted({prefix for prefix, _ in rel})
        ]

    def delta_table(self, table: str):
        """The table as deltalake reads it at this version (time travel for Delta readers)."""
        from deltalake import DeltaTable

        return DeltaTable(str(self.store.table_dir(table)), version=self.delta_versions[table])

    @cached_property
    def manifest(self) -> dict:
        """The version described like the full-copy store's manifest.json (built from the log)."""
        tables = {}
        for table in self.tables:
            entries = self.entries(table)
            schemas = self.store.log(table).schemas()
            newest = max(entries, key=lambda e: e.commit.name, default=None)
            schema = schemas.get(newest.schema_sha256) if newest else None
            tables[table] = {
                "rows": sum(e.rows for e in entries),
                "delta_version": self.delta_versions[table],
                "files": [
                    {
                        "path": e.path.relative_to(self.store.root).as_posix(),
                        "sha256": e.sha256,
                        "bytes": e.bytes,
                        "rows": e.rows,
                        "prefix": e.prefix,
                    }
                    for e in entries
                ],
                "schema": schema,
                "schema_sha256": newest.schema_sha256 if newest else None,
            }
        internal = ("extra", "files", "schemas", "log_sha256", "record_sha256", "role", "table")
        base = {k: v for k, v in self.record.items() if k not in internal}
        return {**base, "tables": tables, **self.record.get("extra", {})}


class VersionedStore:
    """Versions of one kind of data (the corpus, or gold snapshots) as Delta tables."""

    def __init__(
        self,
        root: Path,
        kind: str,
        primary_table: str,
        key: str = "doc_id",
        row_hash: str = "record_sha256",
        *,
        file_rows: int = FILE_ROWS,
        encoded_columns: tuple[str, ...] = DELTA_ENCODED,
    ) -> None:
        self.root = Path(root)
        self.kind = kind
        self.primary_table = primary_table
        self.key = key
        self.row_hash = row_hash
        self.file_rows = file_rows
        self.encoded_columns = encoded_columns

    @classmethod
    def for_corpus(cls, root: Path) -> VersionedStore:
        """The corpus: one ``articles`` table keyed by ``doc_id``."""
        return cls(root, "corpus", "articles")

    @classmethod
    def for_gold(cls, root: Path) -> VersionedStore:
        """Gold snapshots: ``documents``, ``entities`` and ``events``, keyed by ``doc_id``."""
        return cls(root, "gold", "documents")

    def table_dir(self, table: str) -> Path:
        return self.root / table

    def tables(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if (p / LOG).is_dir())

    def log(self, table: str) -> TableLog:
        return TableLog(self.table_dir(table))

    def _versions(self, log: TableLog) -> list[Version]:
        damaged = log.damaged_numbers()
        return [
            Version(self, c.record, c)
            for c in log.commits
            if c.record and c.record.get("role") == "version" and c.number not in damaged
        ]

    def versions(self) -> list[Version]:
        log = self.log(self.primary_table)
        log.raise_damage()
        return self._versions(log)

    def latest(self) -> Version | None:
        versions = self.versions()
        return versions[-1] if versions else None

    def get(self, name: str) -> Version:
        """A version by name (``v0001``), number (``1``) or ``latest``."""
        versions = self.versions()
        if name == "latest":
            if not versions:
                raise StoreError(f"{self.root}: no {self.kind} version yet")
            return versions[-1]
        wanted = f"v{int(name.lstrip('v')):04d}" if name.lstrip("v").isdigit() else name
        for version in versions:
            if version.name == wanted:
                return version
        known = ", ".join(v.name for v in versions) or "none"
        raise StoreError(f"{self.root}: no {self.kind} version {name!r} (versions: {known})")

    @contextlib.contextmanager
    def stage(self) -> Iterator[Staging]:
        """A staging on the newest version; its files are deleted unless committed."""
        self.root.mkdir(parents=True, exist_ok=True)
        self.vacuum()
        staging = Staging(self)
        staging.register()
        try:
            yield staging
        finally:
            staging.discard()

    def diff(self, old: str, new: str) -> VersionDiff:
        a, b = self.get(old), self.get(new)
        return VersionDiff.between(
            a.key_hashes(self.primary_table, self.key, self.row_hash),
            b.key_hashes(self.primary_table, self.key, self.row_hash),
        )

    def orphans(self) -> list[Path]:
        """Parquet files that no commit references and that no live writer is still writing."""
        found = []
        folders = sorted(self.root.iterdir()) if self.root.is_dir() else []
        for folder in (f for f in folders if f.is_dir() and f.name[0] not in "._"):
            candidates = sorted(folder.glob("*.parquet"))
            live = live_writers(self.root)  # after listing files, before reading the log
            log = TableLog(folder)
            if log.damage:  # what a damaged log references is unknown: claim nothing
                continue
            referenced = log.referenced()
            for path in candidates:
                token = path.stem.split("-")[2] if path.stem.count("-") >= 3 else None
                if path.name not in referenced and token not in live and path.exists():
                    found.append(path)
        return found

    def purge(
        self, keys: set[str], *, purge_id: str, reason: str, purged_at: str
    ) -> list[PurgedFile]:
        """Take the rows of ``keys`` out of every version (a takedown; see ``purge.py``)."""
        return purge(self, keys, purge_id=purge_id, reason=reason, purged_at=purged_at)

    def finish_purges(self) -> list[Path]:
        """Finish purges an interrupted process left; the records of those finished."""
        for table in self.tables():
            self.log(table).raise_damage()
        return finish_purges(self)

    def vacuum(self) -> list[Path]:
        """Remove what interrupted writes left behind; never a file any commit references.
        Interrupted purges are finished first (a purge is never undone)."""
        removed = []
        logs = {t: self.log(t) for t in self.tables()}
        for log in logs.values():
            log.raise_damage()
        finish_purges(self)
        for path in self.orphans() + stray_copies(self):
            path.unlink(missing_ok=True)
            removed.append(path)
        live = live_writers(self.root, forget_dead=True)
        for log in logs.values():
            if not live:
                for path in (log.folder / LOG).iterdir():
                    if "#" in path.name or path.name.endswith(".tmp"):
                        path.unlink(missing_ok=True)
                        removed.append(path)
            for number in log.unrecorded:  # only the head can be unrecorded without damage
                record_log_checksum(log.folder, number)
        return removed

    def verify(self, name: str | None = None, workers: int | None = None) -> list[str]:
        """Problems, one line each naming the file: damage, and leftovers (said so in the line)."""
        try:
            return self._verify(name, workers or min(4, os.cpu_count() or 1))
        except (StoreError, OSError, pa.ArrowException, ValueError, KeyError, TypeError) as err:
            return [f"{self.root}: verify stopped ({err})"]

    def _verify(self, name: str | None, workers: int) -> list[str]:
        problems: list[str] = []
        logs = {t: self.log(t) for t in self.tables()}
        for log in logs.values():
            problems += log.damage + log.leftovers
        problems += [
            f"{path}: leftover of an interrupted write (in no commit; removed by vacuum)"
            for path in self.orphans()
        ]
        problems += [
            f"{path}: leftover of an interrupted purge (a rewritten copy no record names; "
            "removed by vacuum)"
            for path in stray_copies(self)
        ]
        if self.primary_table not in logs:
            return problems
        versions = self._versions(logs[self.primary_table])
        if name is not None:
            versions = [v for v in versions if v.name == self.get(name).name]
        damaged = {t: log.damaged_numbers() for t, log in logs.items()}
        checkable = [
            v
            for v in versions
            if not any(n <= v.delta_versions.get(t, -1) for t, ns in damaged.items() for n in ns)
        ]
        entries: dict[Path, DataFile] = {}
        for version in checkable:
            for table, number in version.delta_versions.items():
                for entry in logs[table].entries(table, number):
                    entries.setdefault(entry.path, entry)
        with ThreadPoolExecutor(workers) as pool:
            reports = dict(zip(entries, pool.map(self._verify_file, entries.values()), strict=True))
        for report in reports.values():
            problems += report
        problems += self._verify_content(checkable, logs, reports)
        problems += self._dangling(logs, versions)
        return problems

    def _verify_file(self, entry: DataFile) -> list[str]:
        if not entry.path.exists():
            return [f"{entry.path}: listed in {entry.commit} but missing"]
        if entry.sha256 is None:
            return [f"{entry.path}: no checksum recorded ({entry.commit} has no Warta record)"]
        digest = sha256_file(entry.path)
        rows = entry.rows_if(digest)
        if rows is None:
            return [entry.mismatch(digest)]
        try:
            parquet = parquet_file(entry.path)
        except StoreError as err:
            return [str(err)]
        problems = []
        if parquet.metadata.num_rows != rows:
            problems.append(f"{entry.path}: {parquet.metadata.num_rows} rows, log says {rows}")
        description = schema_description(parquet.schema_arrow)
        if hashlib.sha256(canonical_json(description)).hexdigest() != entry.schema_sha256:
            problems.append(f"{entry.path}: schema differs from the one recorded in {entry.commit}")
        return problems

    def _verify_content(self, versions, logs, reports) -> list[str]:
        """Each version's content hash (its rows plus the rows purged from it since), reading each
        file's key and row hash columns once."""
        problems, cache = [], {}
        primary = self.primary_table
        for version in versions:
            entries = logs[primary].entries(primary, version.delta_versions[primary])
            if any(reports[e.path] for e in entries):
                continue
            hashes: dict[str, str] = {}
            for entry in entries:
                if entry.path not in cache:
                    columns = read_parquet(entry.path, [self.key, self.row_hash]).columns
                    cache[entry.path] = list(zip(*(c.to_pylist() for c in columns), strict=True))
                hashes.update(cache[entry.path])
            for key, row_hash in logs[primary].purges.purged(version.name).items():
                hashes.setdefault(key, row_hash)
            if content_hash(hashes) != version.content_sha256:
                problems.append(
                    f"{version.commit.path}: content hash of {version.name} does not match its rows"
                )
        return problems

    def _dangling(self, logs: dict[str, TableLog], versions: list[Version]) -> list[str]:
        """Commits no version names: after the newest named one, an interrupted write's."""
        problems = []
        for table, log in logs.items():
            damaged = log.damaged_numbers()
            newest = max((v.delta_versions[table] for v in versions if table in v.delta_versions),
                         default=-1)  # fmt: skip
            for commit in log.commits:
                if commit.number in damaged:
                    continue
                if table == self.primary_table and (commit.record or {}).get("role") != "version":
                    problems.append(
                        f"{commit.path}: commit without a Warta version record (ignored)"
                    )
                elif table != self.primary_table and commit.number > newest:
                    problems.append(
                        f"{commit.path}: leftover commit of an interrupted write (in no version; "
                        "the next write supersedes it)"
                    )
        return problems


def is_leftover(problem: str) -> bool:
    """Whether a line of ``verify`` reports a leftover of an interrupted write (not damage)."""
    return "leftover" in problem
