"""Versioned Parquet as Delta Lake tables (see ``table.py`` for the design).

A store is a folder with one Delta table per logical table; a Warta version (``v0001`` ...) is a
Delta commit carrying a record of its name, diff, content hash and the SHA-256 of every file it
adds. ``files.py`` holds what every store file needs (checksums, atomic writes, diffs).
"""

from warta.store.files import (
    VersionDiff,
    content_hash,
    fsync_dir,
    parquet_batches,
    parquet_file,
    read_parquet,
    schema_description,
    sha256_file,
    write_atomic,
)
from warta.store.table import Version, VersionedStore

__all__ = [
    "Version",
    "VersionDiff",
    "VersionedStore",
    "content_hash",
    "fsync_dir",
    "parquet_batches",
    "parquet_file",
    "read_parquet",
    "schema_description",
    "sha256_file",
    "write_atomic",
]
