"""JSON lines: one article a line, either ``{"text": ...}`` or an IndoSum record.

A file's kind is recognised on its first JSON object: ``paragraphs`` without ``text`` makes it an
IndoSum file, and every line of it must then be an IndoSum record (``warta.corpus.readers.indosum``);
anything else is generic JSONL, where each line needs ``text`` and its other keys are metadata.
Files are streamed line by line: a large file never sits in memory whole.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

from warta.corpus.provenance import SourceRights
from warta.corpus.readers.article import RawArticle, ReadContext, decode_text
from warta.corpus.readers.indosum import is_indosum, read_record
from warta.errors import InputError


def read_jsonl(path: Path, context: ReadContext) -> Iterator[RawArticle | InputError]:
    source = context.name(path)
    rights = context.rights(path)
    empty = True
    indosum_since: int | None = None  # the line that showed this is an IndoSum file
    generic = False
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            raw = raw.rstrip(b"\r\n")
            if not raw.strip():
                continue
            empty = False
            record = _json_object(source, number, raw)
            if isinstance(record, InputError):
                yield record
                continue
            if indosum_since is None and not generic:
                if is_indosum(record):
                    indosum_since = number
                else:
                    generic = True
            if indosum_since is not None:
                yield read_record(source, number, raw, record, indosum_since, rights)
            else:
                yield _generic(source, number, raw, record, rights)
    if empty:
        yield InputError(source, "empty file")


def _json_object(source: str, number: int, raw: bytes) -> dict | InputError:
    try:
        record = json.loads(decode_text(source, raw, line=number))
    except InputError as err:
        return err
    except json.JSONDecodeError as err:
        return InputError(source, f"invalid JSON ({err.msg} at column {err.colno})", number)
    if not isinstance(record, dict):
        return InputError(source, "a line must hold a JSON object", number)
    return record


def _generic(
    source: str, number: int, raw: bytes, record: dict, rights: SourceRights | None
) -> RawArticle | InputError:
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
        rights=rights,
    )
