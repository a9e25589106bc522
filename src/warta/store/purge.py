"""Taking rows out of a store's history (a takedown): data files rewritten in place, and recorded.

Versions are immutable, except for this: text that was taken down must not stay loadable from any
version. The choices, each the answer to a question an append-only, checksummed store raises:

- Drop the rows, not blank them. A document's text has copies in many fields (title, tokens,
  sentences of the gold layers, mention texts, removed lines, translations); blanking leaves
  whatever field is forgotten and rows whose offsets and record hashes no longer hold. Dropping
  changes a version's rows and its rows' content hash: the purge record keeps the row hashes of
  the rows it took out, so the content hash a version recorded still verifies (rows left plus rows
  purged) and keeps naming the version in releases and results. A purged id is only an id.
- In place, at the same size. A Delta ``add`` action records each file's size, and Delta readers
  use it to find the Parquet footer: a smaller file at the same path fails with "Parquet magic bytes
  not found in footer" (measured with deltalake 1.6.6), and a new path would leave every older
  Delta version pointing at a file that is gone. So the rewritten file keeps its path and is padded
  to its old size with zero bytes before its footer (Parquet locates column chunks by absolute
  offsets from the footer; readers never read the gap): ``DeltaTable(path, version=N)`` reads every
  version, without the purged rows. The Delta log is not rewritten (it holds no text: Warta writes
  only ``numRecords`` statistics), so its ``numRecords`` of a purged file still counts the purged
  rows: metadata-only answers such as DataFusion's ``count(*)`` over an old version over-count by
  them. Warta's own counts come from the purge record.
- Recorded (``purgelog.py``): one sealed, chained record per table and purge, with each file's old
  and new SHA-256; readers and ``verify`` apply it, and every other file is checked exactly as
  before.
- Crash safety. (1) Each rewritten file is written beside its original as ``.<name>.<purge>.purge``
  and fsynced; (2) one record per table; (3) each file swapped in by a rename; (4) each record's
  sidecar. Killed before (2): only the temporary files, which ``vacuum`` removes; nothing changed.
  Killed after (2): an unfinished purge, whose files readers accept in either state, ``verify``
  reports as a leftover, and ``vacuum`` (or the next purge) finishes. A purge is only ever finished,
  never undone: undoing it would put the text back.
- One purge at a time: a lock in the store's ``_warta/``; ``vacuum`` leaves another process's purge
  alone. A file damaged before the purge is refused, never rewritten into a new checksum.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc

from warta.errors import StoreError
from warta.store.files import (
    SIDECARS,
    fsync_dir,
    parquet_file,
    read_parquet,
    sealed,
    sha256_file,
    try_lock,
    write_atomic,
)
from warta.store.log import DataFile, TableLog, check_file
from warta.store.purgelog import (
    PURGE_FORMAT,
    PurgeRecord,
    purges_dir,
    sidecar_of,
    temporary_copy,
)
from warta.store.write import ROW_GROUP_ROWS, parquet_writer

if TYPE_CHECKING:
    from warta.store.table import VersionedStore

FITTING = (
    {},
    {"statistics": "key"},
    {"statistics": "key", "level": 19},
    {"statistics": False, "level": 22},
)
"""Writer settings tried in turn until a rewritten file fits in its old size. Fewer rows is not
always fewer bytes: Parquet keeps min/max statistics of each column uncompressed (of the text
column, whole article texts), and a removed row that was the shortest maximum makes them longer
(measured: a 10-row file grew by 460 bytes). Then only the key column keeps statistics."""


@dataclass(frozen=True)
class PurgedFile:
    """One data file a purge rewrote."""

    table: str
    path: Path
    rows_before: int
    rows_after: int


@dataclass(frozen=True)
class Rewrite:
    """A file rewritten without some keys, waiting beside the original to be swapped in."""

    path: Path
    temporary: Path
    sha256: str
    rows: int
    removed: dict[str, str | None]  # key -> its row hash (None where the table has none)


def rewrite_without(
    path: Path,
    key: str,
    keys: set[str],
    temporary: Path,
    *,
    row_hash: str | None = None,
    pad_to: int | None = None,
    encoded: tuple[str, ...] = (),
) -> Rewrite | None:
    """Write ``path`` without the rows whose ``key`` is in ``keys`` to ``temporary`` (fsynced),
    padded to ``pad_to`` bytes if given; None if the file holds none of them."""
    parquet = parquet_file(path)
    table = read_parquet(path)
    wanted = pc.is_in(table.column(key), value_set=pa.array(sorted(keys), type=pa.string()))
    if not pc.any(wanted).as_py():
        return None
    gone = table.filter(wanted)
    hashes = gone.column(row_hash).to_pylist() if row_hash else [None] * gone.num_rows
    kept = table.filter(pc.invert(wanted))
    for settings in FITTING:
        statistics = (
            [key] if settings.get("statistics") == "key" else settings.get("statistics", True)
        )
        data = _parquet_bytes(
            kept, parquet.schema_arrow, encoded, settings.get("level"), statistics
        )
        if pad_to is None or len(data) <= pad_to:
            break
    else:
        raise StoreError(
            f"{path}: without the purged rows it is still larger than its {pad_to} bytes; "
            "nothing was purged"
        )
    if pad_to is not None:
        footer = int.from_bytes(data[-8:-4], "little") + 8
        data = data[:-footer] + bytes(pad_to - len(data)) + data[-footer:]
    with temporary.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    removed = dict(zip(gone.column(key).to_pylist(), hashes, strict=True))
    return Rewrite(path, temporary, hashlib.sha256(data).hexdigest(), kept.num_rows, removed)


def _parquet_bytes(
    table: pa.Table,
    schema: pa.Schema,
    encoded: tuple[str, ...],
    level: int | None,
    statistics: bool | list[str],
) -> bytes:
    sink = pa.BufferOutputStream()
    writer = parquet_writer(sink, schema, encoded, level=level, statistics=statistics)
    if table.num_rows:  # none: no row group at all, as the store writes an empty table
        writer.write_table(table.cast(schema), row_group_size=ROW_GROUP_ROWS)
    writer.close()
    return sink.getvalue().to_pybytes()


def purge_lock(store: VersionedStore):
    """The store's purge lock (one instance per path in this process, so it nests)."""
    from filelock import FileLock

    path = _purge_lock_path(store)
    path.parent.mkdir(parents=True, exist_ok=True)
    return FileLock(path, timeout=0, is_singleton=True)


@contextlib.contextmanager
def _locked(store: VersionedStore):
    from filelock import Timeout

    lock = purge_lock(store)
    try:
        lock.acquire()
    except Timeout:
        raise StoreError(
            f"{store.root}: another purge is running (lock {lock.lock_file})"
        ) from None
    try:
        yield
    finally:
        lock.release()


def purge(
    store: VersionedStore, keys: set[str], *, purge_id: str, reason: str, purged_at: str
) -> list[PurgedFile]:
    """Rewrite every data file of every table of the store that holds rows of ``keys``."""
    with _locked(store):
        store.vacuum()  # finishes earlier purges; leftovers of interrupted writes may hold the rows
        logs = {table: store.log(table) for table in store.tables()}
        plans: dict[str, list[tuple[DataFile, Rewrite]]] = {}
        records: list[Path] = []
        try:
            for table, log in logs.items():
                log.raise_damage()
                plans[table] = _prepare(store, log, table, keys, purge_id)
            plans = {t: p for t, p in plans.items() if p}
            for table, plan in plans.items():
                records.append(
                    _record(store, logs[table], table, plan, keys, purge_id, reason, purged_at)
                )
        except BaseException:
            if not records:  # nothing recorded: the rewritten copies are only clutter
                for plan in plans.values():
                    for _, rewrite in plan:
                        rewrite.temporary.unlink(missing_ok=True)
            raise
        for plan in plans.values():
            for _, rewrite in plan:
                _swap(rewrite.temporary, rewrite.path)
        for table in plans:
            fsync_dir(store.table_dir(table))
        for record in records:
            _complete(record)
    return [
        PurgedFile(table, entry.path, entry.rows, rewrite.rows)
        for table, plan in plans.items()
        for entry, rewrite in plan
    ]


def _prepare(
    store: VersionedStore, log: TableLog, table: str, keys: set[str], purge_id: str
) -> list[tuple[DataFile, Rewrite]]:
    primary = table == store.primary_table
    plan = []
    for entry in log.every_entry(table):
        path = check_file(entry)  # a damaged file is refused, never given a new checksum
        rewrite = rewrite_without(
            path,
            store.key,
            keys,
            temporary_copy(path, purge_id),
            row_hash=store.row_hash if primary else None,
            pad_to=path.stat().st_size,
            encoded=store.encoded_columns,
        )
        if rewrite is not None:
            plan.append((entry, rewrite))
    return plan


def _record(store, log, table, plan, keys, purge_id, reason, purged_at) -> Path:
    """Write the table's purge record (the purge's point of no return)."""
    files = {
        entry.name: {"old_sha256": entry.sha256, "old_rows": entry.rows,
                     "sha256": rewrite.sha256, "rows": rewrite.rows, "bytes": entry.bytes}
        for entry, rewrite in plan
    }  # fmt: skip
    removed = {entry.name: rewrite.removed for entry, rewrite in plan}
    versions = {}
    if table == store.primary_table:
        for version in store._versions(log):
            for entry in log.entries(table, version.delta_versions[table]):
                if entry.name in removed:
                    versions.setdefault(version.name, {}).update(removed[entry.name])
    body = sealed({
        "format": PURGE_FORMAT, "purge": purge_id, "kind": store.kind, "table": table,
        "keys": sorted(keys), "reason": reason, "purged_at": purged_at, "files": files,
        "versions": versions, "previous_sha256": log.purges.last_sha256(),
    })  # fmt: skip
    number = log.purges.next_number()
    path = purges_dir(log.folder) / f"{number:04d}-{purge_id}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(body, indent=1, sort_keys=True, ensure_ascii=False).encode())
    return path


def _swap(temporary: Path, path: Path) -> None:
    os.replace(temporary, path)


def _complete(record: Path) -> None:
    digest = hashlib.sha256(record.read_bytes()).hexdigest()
    write_atomic(sidecar_of(record), f"{digest}  {record.name}\n".encode())


def _unless_purging(store: VersionedStore):
    """Hold the purge lock for a clean-up; False (nothing held) while a purge is running."""
    return try_lock(_purge_lock_path(store))


def _purge_lock_path(store: VersionedStore) -> Path:
    return store.root / SIDECARS / "purge.lock"


def finish_purges(store: VersionedStore) -> list[Path]:
    """Finish the purges an interrupted process left (records without a sidecar); their records.

    Nothing is done while another process holds the purge lock (that purge is still running).
    """
    if not any(store.log(table).purges.unfinished for table in store.tables()):
        return []  # the common case, without taking (and creating) the lock
    finished = []
    with _unless_purging(store) as held:
        for table in store.tables() if held else ():
            log = store.log(table)
            for record in log.purges.unfinished:
                _finish(log, record)
                finished.append(record.path)
    return finished


def _finish(log: TableLog, record: PurgeRecord) -> None:
    for name, change in sorted(record.files.items()):
        path = log.folder / name
        temporary = temporary_copy(path, record.purge)
        current = sha256_file(path) if path.exists() else None
        if current == change["sha256"]:
            temporary.unlink(missing_ok=True)
            continue
        ready = temporary.exists() and sha256_file(temporary) == change["sha256"]
        if current != change["old_sha256"] or not ready:
            raise StoreError(
                f"{record.path}: cannot finish this purge: {path} is at neither its old nor its "
                "new checksum, or its rewritten copy is gone; run `warta corpus verify`"
            )
        _swap(temporary, path)
    fsync_dir(log.folder)
    _complete(record.path)


def stray_copies(store: VersionedStore) -> list[Path]:
    """Rewritten copies no unfinished purge needs (a purge killed before its record); none while
    a purge is running."""
    if not any(any(store.table_dir(t).glob(".*.purge")) for t in store.tables()):
        return []  # the common case, without taking (and creating) the lock
    stray = []
    with _unless_purging(store) as held:
        for table in store.tables() if held else ():
            log = store.log(table)
            needed = {
                temporary_copy(log.folder / name, r.purge)
                for r in log.purges.unfinished
                for name in r.files
            }
            stray += [p for p in sorted(log.folder.glob(".*.purge")) if p not in needed]
    return stray
