"""Writing one version of a ``VersionedStore``: Parquet files first, then one Delta commit per table.

Files are written by pyarrow, not by deltalake, so each is hashed before the commit that adds it
and its SHA-256 rides in that commit's Warta record. Tables other than the primary one are
committed first; the primary commit, whose record names every table's Delta version, makes the
version exist. ``max_commit_retries=0``: if another writer got there first, Delta refuses the
commit and the writer gets a ``StoreError`` instead of a version built on a stale parent.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import socket
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from warta.errors import StoreError
from warta.store.files import (
    VersionDiff,
    canonical_json,
    content_hash,
    schema_description,
    sealed,
    sha256_file,
    write_atomic,
)
from warta.store.log import (
    RECORD_FORMAT,
    RECORD_KEY,
    SIDECARS,
    DataFile,
    TableLog,
    check_file,
    record_log_checksum,
)

if TYPE_CHECKING:
    from warta.store.table import Version, VersionedStore

ROW_GROUP_ROWS = 10_000
"""Measured here: 10k-row groups made the first ``load_dataset`` about 3x faster than one group."""
ROW_GROUP_BYTES = 64 * 2**20
TABLE_CONFIGURATION = {
    "delta.enableExpiredLogCleanup": "false",
    "delta.logRetentionDuration": "interval 36500 days",
    "delta.deletedFileRetentionDuration": "interval 36500 days",
}
"""Every commit holds a version record and every version stays loadable: nothing may expire."""


def parquet_writer(
    path: Path | pa.NativeFile,
    schema: pa.Schema,
    encoded: tuple[str, ...],
    *,
    level: int | None = None,
    statistics: bool | list[str] = True,
) -> pq.ParquetWriter:
    """zstd (at ``level``) with page checksums; integer list columns named in ``encoded``
    DELTA_BINARY_PACKED; min/max statistics for the columns ``statistics`` names (all: True)."""
    leaves = {
        f.name: f"{f.name}.list.element"
        for f in schema
        if f.name in encoded and pa.types.is_list(f.type) and pa.types.is_integer(f.type.value_type)
    }
    return pq.ParquetWriter(
        path,
        schema,
        compression="zstd",
        compression_level=level,
        write_page_checksum=True,
        write_statistics=statistics,
        use_dictionary=[f.name for f in schema if f.name not in leaves],
        column_encoding={leaf: "DELTA_BINARY_PACKED" for leaf in leaves.values()} or None,
    )


class FileWriter:
    """Streams one table's rows into Parquet files of at most ``file_rows`` rows each.

    Rows and batches are buffered until a row group is full, so small batches never make small
    row groups, and the key (and row hash) of every row is kept for ``commit``.
    """

    def __init__(self, staging: Staging, table: str, schema: pa.Schema, prefix: str) -> None:
        store = staging.store
        if store.key not in schema.names:
            raise StoreError(f"table {table!r} has no {store.key!r} column; every table is keyed")
        if table == store.primary_table and store.row_hash not in schema.names:
            raise StoreError(f"primary table {table!r} has no {store.row_hash!r} column")
        if "-" in prefix:
            raise StoreError(f"file prefix {prefix!r} may not contain '-'")
        self.staging, self.table, self.schema, self.prefix = staging, table, schema, prefix
        self.paths: list[Path] = []
        self.rows = 0
        self.keys: list[str] = []
        self.hashes: list[str] | None = [] if store.row_hash in schema.names else None
        self._rows: list[dict] = []
        self._rows_bytes = 0
        self._batches: list[pa.RecordBatch] = []
        self._buffered = 0
        self._buffered_bytes = 0
        self._writer: pq.ParquetWriter | None = None
        self._in_file = 0

    def write(self, row: dict, size_hint: int = 0) -> None:
        self._rows.append(row)
        self._rows_bytes += size_hint
        if len(self._rows) >= ROW_GROUP_ROWS or self._rows_bytes >= ROW_GROUP_BYTES:
            self._rows_to_batch()

    def write_batch(self, batch: pa.RecordBatch | pa.Table) -> None:
        self._rows_to_batch()
        for part in batch.to_batches() if isinstance(batch, pa.Table) else [batch]:
            if part.num_rows:
                self._batches.append(part)
                self._buffered += part.num_rows
                self._buffered_bytes += part.nbytes
        limit = min(ROW_GROUP_ROWS, self.staging.store.file_rows)
        if self._buffered >= limit or self._buffered_bytes >= ROW_GROUP_BYTES:
            self._flush()

    def _rows_to_batch(self) -> None:
        if self._rows:
            rows, self._rows, self._rows_bytes = self._rows, [], 0
            self.write_batch(pa.RecordBatch.from_pylist(rows, schema=self.schema))

    def _flush(self) -> None:
        if self._batches:
            table = pa.Table.from_batches(self._batches)
            self._batches, self._buffered, self._buffered_bytes = [], 0, 0
            self._write_table(table)

    def _write_table(self, table: pa.Table) -> None:
        table = table.cast(self.schema) if table.schema != self.schema else table
        store = self.staging.store
        self.keys.extend(table.column(store.key).to_pylist())
        if self.hashes is not None:
            self.hashes.extend(table.column(store.row_hash).to_pylist())
        offset = 0
        while offset < table.num_rows:
            if self._writer is None or self._in_file >= store.file_rows:
                self._close_file()
                path = self.staging.next_path(self.table, self.prefix)
                self._writer = parquet_writer(path, self.schema, store.encoded_columns)
                self.paths.append(path)
            take = min(store.file_rows - self._in_file, table.num_rows - offset)
            self._writer.write_table(table.slice(offset, take), row_group_size=ROW_GROUP_ROWS)
            self._in_file += take
            self.rows += take
            offset += take

    def _close_file(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
            self._in_file = 0

    def close(self, empty_file: bool = False) -> list[Path]:
        """Flush and close; with ``empty_file``, a table with no rows still gets one file."""
        self._rows_to_batch()
        self._flush()
        if empty_file and not self.paths:  # no row group at all: `datasets` reads 0-row ones badly
            path = self.staging.next_path(self.table, self.prefix)
            self._writer = parquet_writer(path, self.schema, self.staging.store.encoded_columns)
            self.paths.append(path)
        self._close_file()
        return self.paths


class Staging:
    """A version being written: files land in the tables' folders, ``commit`` makes them a version."""

    def __init__(self, store: VersionedStore) -> None:
        self.store = store
        self.heads, self.parent = self._pin()
        self.name = f"v{(self.parent.number if self.parent else 0) + 1:04d}"
        self.token = uuid.uuid4().hex[:8]
        self.writers: dict[tuple[str, str], FileWriter] = {}
        self._extra_writers: list[FileWriter] = []
        self._counters: dict[str, int] = {}
        self._committed: set[Path] = set()
        self._dropped: dict[str, set[str]] = {}
        self._done = False
        self.marker = store.root / SIDECARS / "writers" / f"{self.token}.json"

    def _pin(self) -> tuple[dict[str, int | None], Version | None]:
        """Each table's head and the newest version, read so that they agree: heads first, so a
        commit landing in between shows as a primary head the newest version does not name."""
        store = self.store
        for _ in range(5):
            heads = {t: store.log(t).head for t in store.tables()}
            parent = store.latest()
            head = heads.get(store.primary_table)
            if (parent.commit.number if parent else None) == head:
                return heads, parent
        raise StoreError(
            f"{store.table_dir(store.primary_table)}: its newest commit is not a Warta version "
            "(another writer is busy, or a tool other than Warta wrote to it)"
        )

    def next_path(self, table: str, prefix: str) -> Path:
        folder = self.store.table_dir(table)
        folder.mkdir(parents=True, exist_ok=True)
        number = self._counters.get(table, 0)
        self._counters[table] = number + 1
        return folder / f"{prefix}-{self.name}-{self.token}-{number:05d}.parquet"

    def writer(self, table: str, schema: pa.Schema, prefix: str = "part") -> FileWriter:
        """The writer of one table's rows in files named ``<prefix>-vNNNN-...`` (a prefix per split)."""
        if (table, prefix) not in self.writers:
            self.writers[table, prefix] = FileWriter(self, table, schema, prefix)
        return self.writers[table, prefix]

    def register(self) -> None:
        """Announce this writer, so its files are not taken for an interrupted write's."""
        self.marker.parent.mkdir(parents=True, exist_ok=True)
        info = {"pid": os.getpid(), "host": socket.gethostname(), "version": self.name,
                "started_at": datetime.now(UTC).isoformat(timespec="seconds")}  # fmt: skip
        write_atomic(self.marker, json.dumps(info).encode())

    def drop(self, table: str, keys: set[str] | list[str]) -> None:
        """Drop the parent's rows of these keys from one table (rows written here replace them)."""
        self._dropped.setdefault(table, set()).update(keys)

    def written_paths(self) -> list[Path]:
        writers = [*self.writers.values(), *self._extra_writers]
        return [p for w in writers for p in w.paths]

    def discard(self) -> None:
        """Close writers and delete every file of this staging that no commit references."""
        for writer in [*self.writers.values(), *self._extra_writers]:
            with contextlib.suppress(Exception):
                writer._close_file()
        for path in self.written_paths():
            if path not in self._committed:
                path.unlink(missing_ok=True)
        self.marker.unlink(missing_ok=True)

    def commit(
        self,
        *,
        parent: Version | None,
        key_hashes: dict[str, str],
        diff: VersionDiff,
        extra: dict | None = None,
        created_at: str | None = None,
    ) -> Version:
        """Write the version: rewrite files that lose rows, then one Delta commit per table.

        ``key_hashes`` is the new version's whole key -> row hash map of the primary table; it
        must agree with the parent's rows plus this staging's, or nothing is committed.
        """
        store = self.store
        if self._done:
            raise StoreError(f"{store.root}: this staging already committed {self.name}")
        if (parent.name if parent else None) != (self.parent.name if self.parent else None):
            raise StoreError(
                f"{store.root}: commit parent {parent.name if parent else None} is not "
                f"{self.parent.name if self.parent else 'empty'}, the newest when staging began"
            )
        dropped = set(diff.removed) | set(diff.changed)
        tables = (
            {t for t, _ in self.writers} | set(self._dropped) | set(parent.tables if parent else ())
        )
        tables.add(store.primary_table)
        plans = {t: self._plan(t, dropped) for t in sorted(tables)}
        self._check_rows(plans[store.primary_table], key_hashes)  # before anything is committed
        self._ensure_heads()
        self._done = True
        numbers: dict[str, int] = {}
        for table in sorted(tables - {store.primary_table}):
            number = self._commit_table(table, plans[table], {"role": "table"})
            numbers[table] = number if number is not None else self.heads[table]
        record = {
            "role": "version",
            "parent": parent.name if parent else None,
            "created_at": created_at or datetime.now(UTC).isoformat(timespec="seconds"),
            "key": store.key,
            "row_hash": store.row_hash,
            "primary_table": store.primary_table,
            "content_sha256": content_hash(key_hashes),
            "diff": diff.as_dict(),
            "extra": extra or {},
            "tables": numbers,
        }
        self._commit_table(store.primary_table, plans[store.primary_table], record, always=True)
        self.marker.unlink(missing_ok=True)
        return store.get(self.name)

    def _plan(self, table: str, dropped: set[str]) -> dict:
        """The table in the new version: parent files kept as they are, and new files (written,
        fsynced): this staging's rows plus the remaining rows of parent files that lost some."""
        store = self.store
        primary = table == store.primary_table
        written = [w for (t, _), w in sorted(self.writers.items()) if t == table]
        for writer in written:  # flushed first: a row's key is known once it is written
            writer.close()
        drop = dropped | self._dropped.get(table, set()) | {k for w in written for k in w.keys}
        drop = pa.array(sorted(drop), type=pa.string())
        base = self.parent.entries(table) if self.parent and table in self.parent.tables else []
        kept: list[DataFile] = []
        kept_hashes: dict[str, str] = {}
        remainders: dict[str, FileWriter] = {}
        for entry in base:
            file = pq.ParquetFile(check_file(entry))
            if not primary and len(drop) == 0:
                kept.append(entry)
                continue
            keys = file.read(columns=[store.key, store.row_hash] if primary else [store.key])
            lost = pc.is_in(keys.column(0), value_set=drop)
            if primary:
                rest = keys.filter(pc.invert(lost))
                kept_hashes.update(zip(*(c.to_pylist() for c in rest.columns), strict=True))
            if not pc.any(lost).as_py():
                kept.append(entry)
                continue
            if entry.prefix not in remainders:
                remainders[entry.prefix] = FileWriter(self, table, file.schema_arrow, entry.prefix)
                self._extra_writers.append(remainders[entry.prefix])
            for batch in file.iter_batches(batch_size=2048):
                keep = pc.invert(pc.is_in(batch.column(store.key), value_set=drop))
                remainders[entry.prefix].write_batch(batch.filter(keep))
        writers = [*written, *remainders.values()]
        for writer in writers:
            writer.close()
        if sum(w.rows for w in writers) + sum(e.rows for e in kept) == 0:
            if kept:  # an empty table keeps one empty file, so its schema still loads
                kept = kept[:1]
            else:  # a remainder keeps its prefix: a gold split emptied by a takedown stays one
                empty = (
                    written[0]
                    if written
                    else next(iter(remainders.values()), None)
                    or FileWriter(self, table, self._schema_of(table), "part")
                )
                if empty not in writers:
                    self._extra_writers.append(empty)
                    writers.append(empty)
                empty.close(empty_file=True)
        else:
            kept = [e for e in kept if e.rows]
        new = [p for w in writers for p in w.paths]
        for path in new:
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
        keys = [k for w in written for k in w.keys]
        plan = {"table": table, "kept": kept, "new": new, "kept_hashes": kept_hashes,
                "written_hashes": {k: h for w in written if w.hashes is not None
                                   for k, h in zip(w.keys, w.hashes, strict=True)},
                "duplicates": len(keys) - len(set(keys)) if primary else 0,
                "overwrite": bool(new and base and self._schema_changed(base, new))}  # fmt: skip
        if plan["overwrite"] and (kept or any(w.rows for w in remainders.values())):
            raise StoreError(
                f"{table}: the schema changed; a version that changes it writes every row"
            )
        return plan

    def _schema_of(self, table: str) -> pa.Schema:
        entries = self.parent.entries(table) if self.parent else []
        if not entries:
            raise StoreError(f"table {table!r}: no rows and no schema to write an empty file with")
        return pq.ParquetFile(entries[0].path).schema_arrow

    @staticmethod
    def _schema_changed(base: list[DataFile], new: list[Path]) -> bool:
        description = schema_description(pq.ParquetFile(new[0]).schema_arrow)
        digest = hashlib.sha256(canonical_json(description)).hexdigest()
        return any(e.schema_sha256 != digest for e in base)

    def _check_rows(self, plan: dict, key_hashes: dict[str, str]) -> None:
        table = plan["table"]
        if plan["duplicates"]:
            raise StoreError(f"{table}: {plan['duplicates']} key(s) written twice in one version")
        actual = {**plan["kept_hashes"], **plan["written_hashes"]}
        if actual != key_hashes:
            missing = sorted(key_hashes.keys() - actual.keys())
            unexpected = sorted(actual.keys() - key_hashes.keys())
            differ = sorted(
                k for k in actual.keys() & key_hashes.keys() if actual[k] != key_hashes[k]
            )
            raise StoreError(
                f"{self.store.root}: key_hashes disagree with the rows of {table} (nothing "
                f"committed): {len(missing)} missing {missing[:3]}, {len(unexpected)} not "
                f"expected {unexpected[:3]}, {len(differ)} with another hash {differ[:3]}"
            )

    def _ensure_heads(self) -> None:
        """Fail before committing anything if another writer moved a table since staging began."""
        for table, head in self.heads.items():
            now = TableLog(self.store.table_dir(table)).head
            if now != head:
                raise self._lost(table)
        for table in self.store.tables():
            if table not in self.heads:
                raise self._lost(table)

    def _lost(self, table: str) -> StoreError:
        return StoreError(
            f"{self.store.root}: another writer committed to {table} after this write began "
            f"(from {self.parent.name if self.parent else 'an empty store'}); nothing of this "
            "write became a version. Run it again on the new version."
        )

    def _commit_table(
        self, table: str, plan: dict, fields: dict, always: bool = False
    ) -> int | None:
        from deltalake import CommitProperties, DeltaTable, PostCommitHookProperties
        from deltalake import Schema as DeltaSchema
        from deltalake.exceptions import DeltaError
        from deltalake.transaction import AddAction, RemoveAction, create_table_with_add_actions

        store = self.store
        folder = store.table_dir(table)
        log = store.log(table)
        head = self.heads.get(table)
        target = {e.name: e for e in plan["kept"]}
        new = {p.name: p for p in plan["new"]}
        state = log.state(head) if head is not None else {}
        now = int(datetime.now(UTC).timestamp() * 1000)
        adds, removes, files, schemas = [], [], {}, {}
        for name, path in new.items():
            files[name], description = _describe(path)
            schemas[files[name]["schema_sha256"]] = description
        for name, entry in target.items():
            if name not in state:  # re-added after an interrupted write removed it
                files[name] = {"sha256": entry.sha256, "bytes": entry.bytes, "rows": entry.rows,
                               "prefix": entry.prefix, "schema_sha256": entry.schema_sha256}  # fmt: skip
        for name, info in files.items():
            stats = json.dumps({"numRecords": info["rows"]})
            adds.append(AddAction(name, info["bytes"], {}, now, True, stats))
        if not plan["overwrite"]:
            for name, (add, _) in sorted(state.items()):
                if name not in target and name not in new:
                    removes.append(RemoveAction(name, True, now, int(add.get("size", 0))))
        if not (adds or removes or always):
            return None
        last_recorded = max((c.number for c in log.commits if c.record), default=0)
        chain = {c.path.name: c.sha256 for c in log.commits if c.number >= last_recorded}
        record = sealed({
            "format": RECORD_FORMAT, "kind": store.kind, "version": self.name, "table": table,
            **fields, "files": files, "schemas": schemas, "log_sha256": chain, "writer": self.token,
        })  # fmt: skip
        schema = pq.ParquetFile(plan["new"][0]).schema_arrow if plan["new"] else None
        props = CommitProperties(custom_metadata={RECORD_KEY: record}, max_commit_retries=0)
        hooks = PostCommitHookProperties(create_checkpoint=False, cleanup_expired_logs=False)
        try:
            if head is None:
                create_table_with_add_actions(
                    str(folder), DeltaSchema.from_arrow(schema), adds, mode="error",
                    configuration=TABLE_CONFIGURATION, commit_properties=props,
                    post_commithook_properties=hooks,
                )  # fmt: skip
            else:
                delta = DeltaTable(str(folder), version=head)
                delta.create_write_transaction(
                    [*removes, *adds], "overwrite" if plan["overwrite"] else "append",
                    schema if schema is not None else delta.schema(),
                    commit_properties=props, post_commithook_properties=hooks,
                )  # fmt: skip
        except DeltaError as err:
            moved = TableLog(folder).head != head
            if moved:
                raise self._lost(table) from None
            raise StoreError(f"{folder}: Delta commit failed ({err})") from None
        number = 0 if head is None else head + 1
        self._committed.update(new.values())
        with contextlib.suppress(OSError):  # committed already: a missing sidecar is a leftover
            record_log_checksum(folder, number)
        return number


def _describe(path: Path) -> tuple[dict, list]:
    """What the record says of a new data file, and its schema's description."""
    parquet = pq.ParquetFile(path)
    description = schema_description(parquet.schema_arrow)
    info = {
        "sha256": sha256_file(path),
        "bytes": path.stat().st_size,
        "rows": parquet.metadata.num_rows,
        "prefix": path.name.split("-", 1)[0],
        "schema_sha256": hashlib.sha256(canonical_json(description)).hexdigest(),
    }
    return info, description


def live_writers(root: Path, forget_dead: bool = False) -> set[str]:
    """Tokens of the writers registered in the store at ``root`` whose process still runs."""
    live = set()
    for marker in (root / SIDECARS / "writers").glob("*.json"):
        try:
            info = json.loads(marker.read_text())
            alive = info["host"] != socket.gethostname() or _alive(int(info["pid"]))
        except (OSError, ValueError, KeyError, TypeError):
            alive = False
        if alive:
            live.add(marker.stem)
        elif forget_dead:
            marker.unlink(missing_ok=True)
    return live


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed child not yet reaped by its parent is a zombie: dead for our purpose
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True
