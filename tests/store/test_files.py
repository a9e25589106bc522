"""Store files read by Warta: a damaged Parquet page is refused naming the file (pyarrow alone
checks no page CRC and names no file)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from warta.errors import StoreError
from warta.store import VersionedStore, parquet_batches, read_parquet
from warta.store.log import _VERIFIED


def damage_a_page(path, column: str = "text") -> None:
    """One bit flipped in the last bytes of the column's pages: the footer still reads."""
    chunk = next(
        c
        for c in (pq.ParquetFile(path).metadata.row_group(0).column(i) for i in range(99))
        if c.path_in_schema == column
    )
    data = bytearray(path.read_bytes())
    data[chunk.data_page_offset + chunk.total_compressed_size - 5] ^= 0x40
    path.write_bytes(bytes(data))


def test_a_page_failing_its_checksum_is_refused_naming_the_file(tmp_path):
    path = tmp_path / "part.parquet"
    texts = [f"Banjir ke-{i} melanda Jakarta pada hari Senin, kata BNPB." for i in range(200)]
    table = pa.table({"doc_id": [f"d{i}" for i in range(200)], "text": texts})
    pq.write_table(table, path, write_page_checksum=True, use_dictionary=False, compression="none")
    data = bytearray(path.read_bytes())
    data[data.index(b"Banjir ke-150")] ^= 0x20  # "banjir": the text changed, its length did not
    path.write_bytes(bytes(data))
    unchecked = pq.read_table(path).column("text")  # pyarrow's default: no check, no error
    assert unchecked[150].as_py().startswith("banjir ke-150")  # silently other text
    expected = f"{path}: not readable as Parquet (could not verify page integrity, CRC checksum "
    with pytest.raises(StoreError) as caught:
        read_parquet(path)
    assert str(caught.value).startswith(expected)
    with pytest.raises(StoreError) as caught:
        list(parquet_batches(path, ["text"]))
    assert str(caught.value).startswith(expected)
    assert read_parquet(path, ["doc_id"]).num_rows == 200  # the other column's pages are intact


def test_a_version_read_after_its_file_was_damaged_names_the_file(scratch_repo):
    from warta.corpus.pipeline import ingest

    store = VersionedStore.for_corpus(scratch_repo / "corpus" / "versions")
    version = ingest([scratch_repo / "corpus" / "raw"], store).version
    (path,) = version.files("articles")
    version.read("articles")  # checked against its SHA-256 once in this process
    stat = path.stat()
    damage_a_page(path)
    import os

    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # size and time as checked
    assert any(key[0] == str(path) for key in _VERIFIED)
    with pytest.raises(StoreError, match=f"^{path}: not readable as Parquet .*CRC checksum"):
        version.read("articles")
    with pytest.raises(StoreError, match=f"^{path}: not readable as Parquet .*CRC checksum"):
        list(version.iter_rows("articles"))
