"""NTREX-128 (Federmann, Kocmi, Xin, 2022): news test references, one sentence a line.

An NTREX folder is recognised by its ``DOCUMENT_IDS.tsv`` (the document id of each line) beside one
``*-ref.<lang>.txt`` (the translation: Warta's article text) and one ``*-src.<lang>.txt`` (the
originals), all three line-aligned. The folder is read as one input: one article per document id,
in file order; its first line is the headline (the title), the rest the body. Each line is one
given sentence (Warta tokenizes it) and one line of the article text, so each sentence becomes a
block of its own: NTREX has no paragraph breaks, and we invent none. The original of each
sentence is kept, aligned, as the article's translation.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterator
from pathlib import Path

from warta.corpus.readers.article import RawArticle, ReadContext, Translation, decode_text
from warta.errors import InputError

FORMAT = "ntrex"
IDS_FILE = "DOCUMENT_IDS.tsv"
LANGUAGE_CODES = {"eng": "en", "ind": "id"}
"""NTREX names files by ISO 639-3 codes; records use ISO 639-1 where one exists."""


def is_ntrex_folder(path: Path) -> bool:
    return path.is_dir() and (path / IDS_FILE).is_file()


def read_ntrex(folder: Path, context: ReadContext) -> Iterator[RawArticle | InputError]:
    refs, srcs = sorted(folder.glob("*-ref.*.txt")), sorted(folder.glob("*-src.*.txt"))
    if len(refs) != 1 or len(srcs) != 1:
        yield InputError(
            context.name(folder),
            f"an NTREX folder holds {IDS_FILE}, one *-ref.<lang>.txt (the translation) and one "
            f"*-src.<lang>.txt (the originals); found {len(refs)} and {len(srcs)}",
        )
        return
    ref, src, ids_path = refs[0], srcs[0], folder / IDS_FILE
    ref_data = ref.read_bytes()
    try:
        text = _lines(context.name(ref), ref_data)
        originals = _lines(context.name(src), src.read_bytes())
        ids = _lines(context.name(ids_path), ids_path.read_bytes())
        for other, lines in ((ref, text), (src, originals)):
            if len(lines) != len(ids):
                raise InputError(
                    context.name(ids_path),
                    f"{len(ids)} document ids but {other.name} has {len(lines)} lines: the three "
                    "files must be line-aligned",
                    min(len(lines), len(ids)) + 1,
                )
        documents = _documents(context.name(ids_path), ids)
        if not documents:
            raise InputError(context.name(ids_path), "empty file: no document ids")
    except InputError as err:
        yield err
        return
    ref_name, src_name = context.name(ref), context.name(src)
    digest, rights = hashlib.sha256(ref_data).hexdigest(), context.rights(ref)
    language = src.name.rsplit(".", 2)[-2]
    for doc_id, first, end in documents:
        blank = _blank(ref_name, text, first, end) or _blank(src_name, originals, first, end)
        if blank is not None:
            name, problem, line = blank
            yield InputError(name, f"{problem} (document {doc_id})", line)
            continue
        yield RawArticle(
            ref_name,
            FORMAT,
            "\n".join(text[first:end]),
            digest,
            source_line=first + 1,
            metadata={"id": doc_id, "title": text[first].strip(), "lines": [first + 1, end]},
            source_id=doc_id,
            segmentation=tuple((line,) for line in text[first:end]),
            translation=Translation(
                LANGUAGE_CODES.get(language, language),
                tuple((line,) for line in originals[first:end]),
            ),
            rights=rights,
        )


def _lines(name: str, data: bytes) -> list[str]:
    """The file's lines (CRLF or LF, no final empty line), each checked as UTF-8 with its number."""
    raw = data.split(b"\n")
    if raw and raw[-1] == b"":
        raw.pop()
    return [decode_text(name, line.rstrip(b"\r"), line=n) for n, line in enumerate(raw, start=1)]


def _documents(name: str, ids: list[str]) -> list[tuple[str, int, int]]:
    """(id, first line, end line) of each document: ids must be given, and each one contiguous."""
    documents: list[tuple[str, int, int]] = []
    seen: set[str] = set()
    first = 0
    for doc_id, run in itertools.groupby(line.split("\t")[0].strip() for line in ids):
        end = first + len(list(run))
        if not doc_id:
            raise InputError(name, "no document id", first + 1)
        if doc_id in seen:
            raise InputError(
                name, f"document {doc_id} starts again: its lines must be contiguous", first + 1
            )
        seen.add(doc_id)
        documents.append((doc_id, first, end))
        first = end
    return documents


def _blank(name: str, lines: list[str], first: int, end: int) -> tuple[str, str, int] | None:
    """(file, problem, line) of a document's first blank line: every line is a sentence."""
    blank = next((n for n in range(first, end) if not lines[n].strip()), None)
    if blank is None:
        return None
    if not any(line.strip() for line in lines[first:end]):
        return name, "empty article", blank + 1
    return name, "empty line: every line is a sentence", blank + 1
