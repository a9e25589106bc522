"""What every reader yields: a ``RawArticle``, with the segmentation and translation its source
gives, and how readers name files and find their rights (``ReadContext``)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from warta.errors import InputError

if TYPE_CHECKING:
    from warta.corpus.provenance import SourceRights, SourceTable
    from warta.repository import Repository

GivenSentence = str | tuple[str, ...]
"""A sentence as a source gives it: its text (NTREX: Warta tokenizes it) or its tokens (IndoSum:
kept as given)."""


@dataclass(frozen=True)
class Translation:
    """The article in another language, sentence by sentence, aligned with ``segmentation``."""

    language: str  # ISO 639-1 where one exists ("en")
    lines: tuple[tuple[str, ...], ...]  # per line of the text, one translation per given sentence


@dataclass(frozen=True)
class RawArticle:
    """An article as received: its text (still unclean) and where it came from.

    ``segmentation``, when the source gives one, holds for each line of ``text`` its sentences
    (``GivenSentence``); a line of ``text`` is then its sentences joined by single spaces (tokens
    too), and the steps keep this segmentation instead of finding their own. Readers that give one
    never produce a blank line.
    """

    source_file: str
    source_format: str
    text: str
    source_sha256: str
    source_line: int | None = None
    metadata: dict = field(default_factory=dict)
    source_id: str | None = None  # the source's own id of the document (NTREX, IndoSum)
    segmentation: tuple[tuple[GivenSentence, ...], ...] | None = None
    translation: Translation | None = None
    rights: SourceRights | None = None
    has_headline: bool | None = None  # None: cleaning guesses; False: no line is the headline

    @classmethod
    def received(cls, source: str, fmt: str, text: str, raw: bytes, **fields) -> RawArticle:
        """An article read from ``raw`` (the bytes its checksum is of)."""
        return cls(source, fmt, text, hashlib.sha256(raw).hexdigest(), **fields)

    @property
    def where(self) -> str:
        """File and line, as problems name them."""
        return (
            self.source_file
            if self.source_line is None
            else f"{self.source_file}:{self.source_line}"
        )


@dataclass(frozen=True)
class ReadContext:
    """How readers name a file (in records and in messages) and find the rights of its source.

    Inside a repository a file is named relative to its root (a record never holds a machine's
    absolute path) and rights come from the repository's provenance table.
    """

    repository: Repository | None = None
    sources: SourceTable | None = None

    @classmethod
    def of(cls, repository: Repository | None) -> ReadContext:
        if repository is None:
            return cls()
        from warta.corpus.provenance import SourceTable

        table = repository.provenance_file
        return cls(repository, SourceTable.load(table) if table.is_file() else None)

    def name(self, path: Path) -> str:
        return self.repository.relative(path) if self.repository else str(path)

    def rights(self, path: Path) -> SourceRights | None:
        return self.sources.rights_of(path) if self.sources else None

    def is_documentation(self, path: Path) -> bool:
        return self.sources is not None and self.sources.is_documentation(path)


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
