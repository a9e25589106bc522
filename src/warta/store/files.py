"""What every store file needs: checksums, atomic writes, diffs and content hashes."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from warta.errors import StoreError

SIDECARS = "_warta"
"""The folder of Warta's own files beside a table's data: log checksums, purge records."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def parquet_file(path: Path) -> pq.ParquetFile:
    """A Parquet file whose page checksums (CRC) are verified as it is read; damage of any kind is
    a ``StoreError`` naming the file (pyarrow's own message names none, and checks no CRC unless
    asked)."""
    try:
        return pq.ParquetFile(path, page_checksum_verification=True)
    except (pa.ArrowException, OSError) as err:
        raise StoreError(f"{path}: not readable as Parquet ({err})") from None


def read_parquet(path: Path, columns: list[str] | None = None) -> pa.Table:
    """The file's rows (``columns`` only, if given), page checksums verified; see ``parquet_file``."""
    try:
        return parquet_file(path).read(columns=columns)
    except (pa.ArrowException, OSError) as err:
        raise StoreError(f"{path}: not readable as Parquet ({err})") from None


def parquet_batches(
    path: Path, columns: list[str] | None = None, batch_size: int = 2048
) -> Iterator[pa.RecordBatch]:
    """The file's rows a record batch at a time, page checksums verified; see ``parquet_file``."""
    try:
        yield from parquet_file(path).iter_batches(batch_size=batch_size, columns=columns)
    except (pa.ArrowException, OSError) as err:
        raise StoreError(f"{path}: not readable as Parquet ({err})") from None


def canonical_json(value: object) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def sealed(record: dict) -> dict:
    """The record with ``record_sha256``, a checksum over everything else in it."""
    return {**record, "record_sha256": hashlib.sha256(canonical_json(record)).hexdigest()}


def seal_holds(record: dict) -> bool:
    body = {k: v for k, v in record.items() if k != "record_sha256"}
    return hashlib.sha256(canonical_json(body)).hexdigest() == record.get("record_sha256")


def schema_description(schema: pa.Schema) -> list[dict[str, object]]:
    return [{"name": f.name, "type": str(f.type), "nullable": f.nullable} for f in schema]


def fsync_dir(path: Path) -> None:
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


def content_hash(key_hashes: dict[str, str]) -> str:
    """Hash of a version's content, independent of how Parquet happened to encode it."""
    digest = hashlib.sha256()
    for key in sorted(key_hashes):
        digest.update(f"{key}\t{key_hashes[key]}\n".encode())
    return digest.hexdigest()


@contextlib.contextmanager
def try_lock(path: Path) -> Iterator[bool]:
    """Hold a file lock unless another process does: True while held, False (nothing held)."""
    from filelock import FileLock, Timeout

    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(path, timeout=0, is_singleton=True)
    try:
        lock.acquire()
    except Timeout:
        yield False
        return
    try:
        yield True
    finally:
        lock.release()
