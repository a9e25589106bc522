"""Versioned Parquet: immutable versions, each with a manifest of checksums and a diff.

A store is a folder of versions ``v0001``, ``v0002``, ... Each version holds one folder of Parquet
shards per table and a ``manifest.json`` (with a ``manifest.json.sha256`` beside it). A version is
written in a staging folder under the store's lock and renamed into place only when complete, so an
interrupted or failed write leaves the earlier versions untouched and no partial version behind.
The corpus and the gold snapshots both use this mechanism.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from warta.errors import StoreError

MANIFEST_FORMAT = "warta-version/1"
ROW_GROUP_ROWS = 10_000
"""Measured here: 10k-row groups made the first ``load_dataset`` about 3x faster than one group."""
ROW_GROUP_BYTES = 64 * 2**20
"""Large records (articles with their tokens) flush earlier, so writer memory stays bounded."""
SHARD_ROWS = 50_000
_VERIFIED: set[tuple[str, int, int]] = set()
VERSION_NAME = re.compile(r"^v(\d{4,})$")
STAGING_PREFIX = ".staging-"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def schema_description(schema: pa.Schema) -> list[dict[str, object]]:
    return [{"name": f.name, "type": str(f.type), "nullable": f.nullable} for f in schema]


def _canonical_json(value: object) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file through a temporary sibling and a rename, so readers never see half of it."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    with tmp.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


@dataclass(frozen=True)
class VersionDiff:
    """Keys added, removed and changed (same key, different row hash) from one version to the next."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def as_dict(self) -> dict[str, list[str]]:
        return {"added": self.added, "removed": self.removed, "changed": self.changed}

    @classmethod
    def between(cls, old: dict[str, str], new: dict[str, str]) -> VersionDiff:
        return cls(
            added=sorted(new.keys() - old.keys()),
            removed=sorted(old.keys() - new.keys()),
            changed=sorted(k for k in new.keys() & old.keys() if new[k] != old[k]),
        )


@dataclass(frozen=True)
class Version:
    """One immutable version of a store, described by its manifest."""

    name: str
    path: Path
    manifest: dict

    @property
    def number(self) -> int:
        return int(self.name[1:])

    @property
    def parent(self) -> str | None:
        return self.manifest.get("parent")

    @property
    def created_at(self) -> str:
        return self.manifest["created_at"]

    @property
    def content_sha256(self) -> str:
        return self.manifest["content_sha256"]

    @property
    def diff(self) -> VersionDiff:
        return VersionDiff(**self.manifest["diff"])

    def rows(self, table: str) -> int:
        return self.manifest["tables"][table]["rows"]

    def files(self, table: str) -> list[Path]:
        return [self.path / f["path"] for f in self.manifest["tables"][table]["files"]]

    def checked_files(self, table: str) -> list[Path]:
        """The table's files, each checked once per process against the manifest's checksum."""
        paths = []
        for entry in self.manifest["tables"][table]["files"]:
            path = self.path / entry["path"]
            try:
                stat = path.stat()
            except FileNotFoundError:
                raise StoreError(f"{path}: listed in the manifest but missing") from None
            key = (str(path), stat.st_size, stat.st_mtime_ns)
            if key not in _VERIFIED:
                if sha256_file(path) != entry["sha256"]:
                    raise StoreError(
                        f"{path}: checksum mismatch (the file changed after it was written); "
                        "run `warta corpus verify`"
                    )
                _VERIFIED.add(key)
            paths.append(path)
        return paths

    def read(self, table: str, columns: list[str] | None = None) -> pa.Table:
        return pa.concat_tables(
            pq.read_table(f, columns=columns) for f in self.checked_files(table)
        )

    def iter_rows(self, table: str, columns: list[str] | None = None) -> Iterator[dict]:
        """Rows as plain dicts, one record batch in memory at a time."""
        for batch in self.iter_batches(table, columns):
            yield from batch.to_pylist()

    def iter_batches(
        self, table: str, columns: list[str] | None = None
    ) -> Iterator[pa.RecordBatch]:
        for path in self.checked_files(table):
            yield from pq.ParquetFile(path).iter_batches(batch_size=2048, columns=columns)

    def key_hashes(self, table: str, key: str, row_hash: str) -> dict[str, str]:
        keys: dict[str, str] = {}
        for batch in self.iter_batches(table, [key, row_hash]):
            keys.update(zip(batch.column(0).to_pylist(), batch.column(1).to_pylist(), strict=True))
        return keys


def content_hash(key_hashes: dict[str, str]) -> str:
    """Hash of a version's content, independent of how Parquet happened to encode it."""
    digest = hashlib.sha256()
    for key in sorted(key_hashes):
        digest.update(f"{key}\t{key_hashes[key]}\n".encode())
    return digest.hexdigest()


class ShardWriter:
    """Streams rows of one table into zstd Parquet shards with bounded row groups.

    Rows and record batches are buffered until a row group is full (``ROW_GROUP_ROWS`` rows or
    ``ROW_GROUP_BYTES``), so small batches never make small row groups and memory stays bounded.
    """

    def __init__(self, folder: Path, schema: pa.Schema, *, prefix: str = "part") -> None:
        self.folder = folder
        self.schema = schema
        self.prefix = prefix
        self.paths: list[Path] = []
        self.rows = 0
        self._rows: list[dict] = []
        self._rows_bytes = 0
        self._batches: list[pa.RecordBatch] = []
        self._buffered = 0
        self._buffered_bytes = 0
        self._writer: pq.ParquetWriter | None = None
        self._rows_in_shard = 0
        folder.mkdir(parents=True, exist_ok=True)

    def write(self, row: dict, size_hint: int = 0) -> None:
        self._rows.append(row)
        self._rows_bytes += size_hint
        if len(self._rows) >= ROW_GROUP_ROWS or self._rows_bytes >= ROW_GROUP_BYTES:
            self._rows_to_batch()

    def write_batch(self, batch: pa.RecordBatch | pa.Table) -> None:
        self._rows_to_batch()
        batches = batch.to_batches() if isinstance(batch, pa.Table) else [batch]
        for part in batches:
            if part.num_rows:
                self._batches.append(part)
                self._buffered += part.num_rows
                self._buffered_bytes += part.nbytes
        if self._buffered >= ROW_GROUP_ROWS or self._buffered_bytes >= ROW_GROUP_BYTES:
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
        if self._writer is None or self._rows_in_shard >= SHARD_ROWS:
            self._close_shard()
            path = self.folder / f"{self.prefix}-{len(self.paths):05d}.parquet"
            self._writer = pq.ParquetWriter(
                path, self.schema, compression="zstd", write_page_checksum=True
            )
            self.paths.append(path)
        self._writer.write_table(table, row_group_size=ROW_GROUP_ROWS)
        self._rows_in_shard += table.num_rows
        self.rows += table.num_rows

    def _close_shard(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
            self._rows_in_shard = 0

    def close(self) -> list[Path]:
        self._rows_to_batch()
        self._flush()
        if not self.paths:  # an empty table still gets one file, so its schema loads
            self._write_table(self.schema.empty_table())
        self._close_shard()
        return self.paths


class Staging:
    """A version being written: shards go here, then ``commit`` renames it into the store."""

    def __init__(self, store: VersionedStore, path: Path) -> None:
        self.store = store
        self.path = path
        self.writers: dict[tuple[str, str], ShardWriter] = {}

    def writer(self, table: str, schema: pa.Schema, prefix: str = "part") -> ShardWriter:
        """The writer of one table's shards named ``<prefix>-NNNNN`` (e.g. one prefix per split)."""
        if (table, prefix) not in self.writers:
            self.writers[table, prefix] = ShardWriter(self.path / table, schema, prefix=prefix)
        return self.writers[table, prefix]

    def commit(
        self,
        *,
        parent: Version | None,
        key_hashes: dict[str, str],
        diff: VersionDiff,
        extra: dict | None = None,
    ) -> Version:
        """Checksum every shard, write the manifest and rename the staging folder into place."""
        tables: dict[str, dict] = {}
        for (name, _), writer in sorted(self.writers.items()):
            files = []
            for path in writer.close():
                with path.open("rb") as handle:
                    os.fsync(handle.fileno())
                files.append(
                    {
                        "path": str(path.relative_to(self.path)),
                        "sha256": sha256_file(path),
                        "bytes": path.stat().st_size,
                        "rows": pq.ParquetFile(path).metadata.num_rows,
                    }
                )
            # As Parquet stores it (list items are named "element" on disk), so verify compares alike.
            description = schema_description(pq.ParquetFile(writer.paths[0]).schema_arrow)
            table = tables.setdefault(
                name,
                {
                    "rows": 0,
                    "files": [],
                    "schema": description,
                    "schema_sha256": hashlib.sha256(_canonical_json(description)).hexdigest(),
                },
            )
            table["rows"] += writer.rows
            table["files"] += files
        versions = self.store.versions()
        number = versions[-1].number + 1 if versions else 1
        name = f"v{number:04d}"
        manifest = {
            "format": MANIFEST_FORMAT,
            "kind": self.store.kind,
            "version": name,
            "parent": parent.name if parent else None,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "key": self.store.key,
            "row_hash": self.store.row_hash,
            "primary_table": self.store.primary_table,
            "content_sha256": content_hash(key_hashes),
            "tables": tables,
            "diff": diff.as_dict(),
            **(extra or {}),
        }
        data = json.dumps(manifest, indent=2, ensure_ascii=False).encode() + b"\n"
        write_atomic(self.path / "manifest.json", data)
        write_atomic(
            self.path / "manifest.json.sha256",
            f"{hashlib.sha256(data).hexdigest()}  manifest.json\n".encode(),
        )
        _fsync_dir(self.path)
        final = self.store.root / name
        if final.exists():
            raise StoreError(f"{final}: version already exists; refusing to overwrite it")
        os.rename(self.path, final)
        _fsync_dir(self.store.root)
        return self.store.get(name)


class VersionedStore:
    """A folder of immutable versions of one kind of data (the corpus, or gold snapshots)."""

    def __init__(
        self,
        root: Path,
        kind: str,
        *,
        primary_table: str,
        key: str = "doc_id",
        row_hash: str = "record_sha256",
    ) -> None:
        self.root = Path(root)
        self.kind = kind
        self.primary_table = primary_table
        self.key = key
        self.row_hash = row_hash

    @classmethod
    def for_corpus(cls, root: Path) -> VersionedStore:
        """The corpus: one ``articles`` table keyed by ``doc_id``."""
        return cls(root, "corpus", primary_table="articles")

    @classmethod
    def for_gold(cls, root: Path) -> VersionedStore:
        """Gold snapshots: ``documents``, ``entities`` and ``events``, keyed by ``doc_id``."""
        return cls(root, "gold", primary_table="documents")

    @property
    def lock_path(self) -> Path:
        return self.root / ".lock"

    def versions(self) -> list[Version]:
        if not self.root.is_dir():
            return []
        found = []
        for path in sorted(self.root.iterdir()):
            if path.is_dir() and VERSION_NAME.match(path.name):
                found.append(Version(path.name, path, self._read_manifest(path)))
        return found

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

    def _read_manifest(self, path: Path) -> dict:
        manifest_path = path / "manifest.json"
        try:
            return json.loads(manifest_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise StoreError(f"{manifest_path}: manifest missing") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            raise StoreError(f"{manifest_path}: manifest is not valid JSON ({err})") from None

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the store's writer lock; a second writer is refused at once, never queued."""
        from filelock import FileLock, Timeout

        self.root.mkdir(parents=True, exist_ok=True)
        lock = FileLock(self.lock_path, timeout=0)
        try:
            lock.acquire()
        except Timeout:
            raise StoreError(
                f"{self.root}: another writer holds the lock {self.lock_path}; "
                "wait for it to finish (nothing was written)"
            ) from None
        try:
            yield
        finally:
            lock.release()

    def leftover_staging(self) -> list[Path]:
        if not self.root.is_dir():
            return []
        return sorted(p for p in self.root.iterdir() if p.name.startswith(STAGING_PREFIX))

    @contextlib.contextmanager
    def stage(self) -> Iterator[Staging]:
        """Lock the store and open a staging folder; it is removed unless committed."""
        with self.lock():
            for leftover in self.leftover_staging():
                shutil.rmtree(leftover, ignore_errors=True)
            path = self.root / f"{STAGING_PREFIX}{self.kind}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
            path.mkdir(parents=True)
            staging = Staging(self, path)
            try:
                yield staging
            finally:
                for writer in staging.writers.values():
                    with contextlib.suppress(Exception):
                        writer._close_shard()
                if path.exists():
                    shutil.rmtree(path, ignore_errors=True)

    def diff(self, old: str, new: str) -> VersionDiff:
        a, b = self.get(old), self.get(new)
        return VersionDiff.between(
            a.key_hashes(self.primary_table, self.key, self.row_hash),
            b.key_hashes(self.primary_table, self.key, self.row_hash),
        )

    def verify(self, name: str | None = None) -> list[str]:
        """Problems found in one version (or all): checksums, row counts, schema, content hash."""
        problems = [
            f"{p}: leftover staging folder of an interrupted write (removed by the next write)"
            for p in self.leftover_staging()
        ]
        if not self.root.is_dir():
            return problems
        paths = (
            [self.get(name).path]
            if name
            else [p for p in sorted(self.root.iterdir()) if VERSION_NAME.match(p.name)]
        )
        for path in paths:
            problems.extend(_verify_version(path, self.primary_table))
        return problems


def _verify_version(path: Path, primary_table: str) -> list[str]:
    manifest_path = path / "manifest.json"
    checksum_path = path / "manifest.json.sha256"
    try:
        data = manifest_path.read_bytes()
    except FileNotFoundError:
        return [f"{manifest_path}: manifest missing"]
    problems = []
    try:
        expected = checksum_path.read_text().split()[0]
        if hashlib.sha256(data).hexdigest() != expected:
            problems.append(f"{manifest_path}: checksum does not match {checksum_path.name}")
    except (FileNotFoundError, IndexError):
        problems.append(f"{checksum_path}: manifest checksum missing")
    try:
        manifest = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        return [*problems, f"{manifest_path}: manifest is not valid JSON ({err})"]
    listed = set()
    for table in manifest["tables"].values():
        for entry in table["files"]:
            file = path / entry["path"]
            listed.add(file)
            problems.extend(_verify_file(file, entry, table["schema"]))
    extra = {p for p in path.rglob("*.parquet")} - listed
    problems.extend(f"{p}: file not listed in the manifest" for p in sorted(extra))
    if not problems:
        version = Version(path.name, path, manifest)
        hashes = version.key_hashes(primary_table, manifest["key"], manifest["row_hash"])
        if content_hash(hashes) != manifest["content_sha256"]:
            problems.append(f"{path}: content hash does not match the manifest")
    return problems


def _verify_file(file: Path, entry: dict, schema: list[dict]) -> list[str]:
    if not file.exists():
        return [f"{file}: listed in the manifest but missing"]
    if sha256_file(file) != entry["sha256"]:
        return [f"{file}: checksum mismatch (the file changed after it was written)"]
    try:
        parquet = pq.ParquetFile(file)
    except (pa.ArrowException, OSError) as err:
        return [f"{file}: not readable as Parquet ({err})"]
    problems = []
    if parquet.metadata.num_rows != entry["rows"]:
        problems.append(f"{file}: {parquet.metadata.num_rows} rows, manifest says {entry['rows']}")
    if schema_description(parquet.schema_arrow) != schema:
        problems.append(f"{file}: schema differs from the manifest's")
    return problems
