"""Readers for raw articles: ``.txt``, ``.html`` (main text by trafilatura) and ``.jsonl``.

A reader yields one ``RawArticle`` per article, or an ``InputError`` for input that cannot become
one (empty, binary, not UTF-8, HTML without main text, a JSONL line without ``text``), so that a
batch reports every bad input at once instead of stopping at the first.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from warta.corpus.clean import BOILERPLATE
from warta.errors import InputError

MIN_MAIN_TEXT_WORDS = 4
SUFFIXES = {".txt": "txt", ".html": "html", ".htm": "html", ".jsonl": "jsonl"}


@dataclass(frozen=True)
class RawArticle:
    """An article as received: its text (still unclean) and where it came from."""

    source_file: str
    source_format: str
    text: str
    source_sha256: str
    source_line: int | None = None
    metadata: dict = field(default_factory=dict)


def expand_paths(paths: Iterable[Path]) -> Iterator[Path | InputError]:
    """Files named directly, and the supported files inside named folders (sorted)."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES)
        elif not path.exists():
            yield InputError(str(path), "no such file or folder")
        elif path.suffix.lower() not in SUFFIXES:
            yield InputError(str(path), f"unsupported file type {path.suffix or '(none)'!r}")
        else:
            yield path


def read_articles(paths: Iterable[Path]) -> Iterator[RawArticle | InputError]:
    for item in expand_paths(paths):
        if isinstance(item, InputError):
            yield item
            continue
        fmt = SUFFIXES[item.suffix.lower()]
        try:
            if fmt == "jsonl":  # streamed line by line: a large file never sits in memory whole
                yield from _read_jsonl(item)
            else:
                yield _read_document(item, item.read_bytes(), fmt)
        except OSError as err:
            yield InputError(str(item), f"cannot read file ({err.strerror})")


def decode_text(source: str, data: bytes, *, line: int | None = None) -> str:
    """UTF-8 text of a file or line; binary and non-UTF-8 input are errors, never guessed at."""
    if b"\x00" in data:
        raise InputError(source, "binary file (NUL bytes), not text", line=line)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(
            source,
            f"not UTF-8: byte 0x{data[err.start]:02x} at offset {err.start} cannot be decoded",
            line=line,
        ) from None


def _read_document(path: Path, data: bytes, fmt: str) -> RawArticle | InputError:
    source = str(path)
    try:
        text = decode_text(source, data)
    except InputError as err:
        return err
    if not text.strip():
        return InputError(source, "empty file")
    metadata: dict = {}
    if fmt == "html":
        extracted = _extract_html(source, text)
        if isinstance(extracted, InputError):
            return extracted
        text, metadata = extracted
    return RawArticle(source, fmt, text, hashlib.sha256(data).hexdigest(), metadata=metadata)


def _extract_html(source: str, html: str) -> tuple[str, dict] | InputError:
    import trafilatura

    doc = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        # Only dates the page states in its markup; a guess from the archive sidebar is no date.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    text = (doc.text if doc is not None else "") or ""
    # trafilatura falls back to link text ("Home") on pages without an article: not main text.
    if not any(
        len(line.split()) >= MIN_MAIN_TEXT_WORDS and not BOILERPLATE.match(line.strip())
        for line in text.splitlines()
    ):
        return InputError(
            source, "no main text found in the HTML page (only navigation or boilerplate)"
        )
    metadata = {}
    if doc.title:
        metadata["title"] = doc.title
        if not text.lstrip().startswith(doc.title):
            text = f"{doc.title}\n\n{text}"
    if doc.date:
        metadata["published"] = doc.date
    if doc.url:
        metadata["url"] = doc.url
    # trafilatura separates paragraphs by single newlines; Warta's cleaner reads one per line.
    return text, metadata


def _read_jsonl(path: Path) -> Iterator[RawArticle | InputError]:
    source = str(path)
    empty = True
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            raw = raw.rstrip(b"\r\n")
            if not raw.strip():
                continue
            empty = False
            yield _read_jsonl_line(source, number, raw)
    if empty:
        yield InputError(source, "empty file")


def _read_jsonl_line(source: str, number: int, raw: bytes) -> RawArticle | InputError:
    try:
        record = json.loads(decode_text(source, raw, line=number))
    except InputError as err:
        return err
    except json.JSONDecodeError as err:
        return InputError(source, f"invalid JSON ({err.msg} at column {err.colno})", number)
    if not isinstance(record, dict):
        return InputError(source, "a line must hold a JSON object", number)
    if "text" not in record:
        return InputError(source, "no 'text' field", number)
    if not isinstance(record["text"], str) or not record["text"].strip():
        return InputError(source, "'text' is empty or not a string", number)
    metadata = {k: v for k, v in record.items() if k != "text"}
    return RawArticle(
        source,
        "jsonl",
        record["text"],
        hashlib.sha256(raw).hexdigest(),
        source_line=number,
        metadata=metadata,
    )
