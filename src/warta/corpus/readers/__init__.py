"""Readers for raw articles, one per input format, each recognised by what it reads:

- a folder holding ``DOCUMENT_IDS.tsv``: NTREX-128 (``ntrex``), read as one input;
- ``.jsonl``: one article a line, generic ``{"text": ...}`` or IndoSum records, recognised by
  their keys (``jsonl``, ``indosum``);
- ``.txt`` as received, ``.html`` through trafilatura's main-text extraction (``text``).

A reader yields one ``RawArticle`` per article, or an ``InputError`` for input that cannot become
one (empty, binary, not UTF-8, HTML without main text, a JSONL line without ``text``, NTREX files
that are not line-aligned, ...), so that a batch reports every bad input at once instead of
stopping at the first. Files inside a named folder that no reader takes (a README, a ``.conll``
file, the source's documentation) are not errors: they are listed as ``Skipped`` with the reason,
so that nothing is left out without a word. Read inside a repository, files are named relative to its root and each
article carries the rights its source declares in PROVENANCE.yaml (``warta.corpus.provenance``);
files listed there as documentation are never read as articles.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from warta.corpus.readers.article import (
    GivenSentence,
    RawArticle,
    ReadContext,
    Translation,
    decode_text,
)
from warta.corpus.readers.jsonl import read_jsonl
from warta.corpus.readers.ntrex import IDS_FILE, is_ntrex_folder, read_ntrex
from warta.corpus.readers.text import read_document
from warta.errors import InputError

if TYPE_CHECKING:
    from warta.repository import Repository

SUFFIXES = {".txt": "txt", ".html": "html", ".htm": "html", ".jsonl": "jsonl"}
CONLL_SUFFIXES = (".conll", ".conllu", ".bio", ".iob")

__all__ = [
    "SUFFIXES",
    "GivenSentence",
    "RawArticle",
    "ReadContext",
    "Skipped",
    "Translation",
    "decode_text",
    "expand_paths",
    "read_articles",
]


@dataclass(frozen=True)
class Skipped:
    """A file inside a named folder that is not read, and why."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


def expand_paths(
    paths: Iterable[Path], context: ReadContext | None = None, skipped: list[Skipped] | None = None
) -> Iterator[Path | InputError]:
    """Files named directly, and the inputs inside named folders (sorted): supported files, and
    NTREX folders as one input each; every other file in a folder is appended to ``skipped``."""
    context = context or ReadContext()
    skipped = [] if skipped is None else skipped
    for path in paths:
        path = Path(path)
        if path.is_dir():
            yield from _walk(path, context, skipped)
        elif not path.exists():
            yield InputError(str(path), "no such file or folder")
        elif path.suffix.lower() not in SUFFIXES:
            yield InputError(str(path), f"unsupported file type {path.suffix or '(none)'!r}")
        elif is_ntrex_folder(path.parent):
            yield InputError(
                context.name(path), f"part of an NTREX folder (it has {IDS_FILE}): name the folder"
            )
        elif context.is_documentation(path):
            yield InputError(
                context.name(path), "listed as documentation in PROVENANCE.yaml, not an article"
            )
        else:
            yield path


def _walk(folder: Path, context: ReadContext, skipped: list[Skipped]) -> Iterator[Path]:
    if is_ntrex_folder(folder):
        yield folder
        return
    for path in sorted(folder.iterdir()):
        if path.is_dir():
            yield from _walk(path, context, skipped)
        elif path.suffix.lower() not in SUFFIXES:
            skipped.append(Skipped(context.name(path), _not_an_article(path, context)))
        elif context.is_documentation(path):
            skipped.append(
                Skipped(context.name(path), "documentation of a source (PROVENANCE.yaml)")
            )
        else:
            yield path


def _not_an_article(path: Path, context: ReadContext) -> str:
    if context.repository is not None and path.resolve() == context.repository.provenance_file:
        return "the sources' provenance, not an article"
    if path.suffix.lower() in CONLL_SUFFIXES:
        return "a CoNLL file is training data, not articles: `warta corpus import-conll` reads it"
    kind = repr(path.suffix) if path.suffix else "without a suffix"
    return f"file type {kind} is not read (articles: {', '.join(SUFFIXES)})"


def read_articles(
    paths: Iterable[Path],
    repository: Repository | None = None,
    skipped: list[Skipped] | None = None,
) -> Iterator[RawArticle | InputError]:
    """Every article in ``paths``; inside ``repository``, named and with rights (see above).
    Files of named folders that are not read are appended to ``skipped``."""
    context = ReadContext.of(repository)
    for item in expand_paths(paths, context, skipped):
        if isinstance(item, InputError):
            yield item
            continue
        try:
            if item.is_dir():
                yield from read_ntrex(item, context)
            elif SUFFIXES[item.suffix.lower()] == "jsonl":
                yield from read_jsonl(item, context)
            else:
                yield read_document(item, item.read_bytes(), SUFFIXES[item.suffix.lower()], context)
        except OSError as err:
            yield InputError(context.name(item), f"cannot read file ({err.strerror})")
