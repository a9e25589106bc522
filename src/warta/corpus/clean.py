"""Cleaning: normalise raw text and segment it into typed blocks, recording what was removed.

The cleaner reads one paragraph per line (blank lines are only separators). It keeps every line
except pure boilerplate (blog footers) and repeats of a headline, and records each removal with its
line number, so nothing is thrown away silently. The clean text is the kept paragraphs joined by a
blank line; blocks are half-open character spans into it, and a paragraph may hold two blocks
(a caption followed by its photo credit).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from warta.corpus.metadata import OUTLETS, is_dateline

BOILERPLATE = re.compile(
    r"^(?:no comments?:?|\d+ comments?:?|post a comment|posted by\b.*|labels?:.*|"
    r"share (?:this|to)\b.*|newer post|older post|home|subscribe to:.*|email this|blogthis!|"
    r"tidak ada komentar:?|\d+ komentar:?|baca juga:.*|bagikan(?: artikel)?(?: ini)?:?.*)$",
    re.IGNORECASE,
)
"""Whole lines that are page furniture, never article text (blog footers, share bars)."""

_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_OUTLET_ALTERNATION = "|".join(OUTLETS.values())
_CREDIT_MARKER = re.compile(
    rf"^(?:©|\(c\)\s|foto\s*:|photo\s*:|kredit foto|sumber foto)|//|\bvia\s+(?:{_OUTLET_ALTERNATION})\b"
    rf"|(?:/|\b)(?:{_OUTLET_ALTERNATION})\s*/\s*\w|/\s*(?:{_OUTLET_ALTERNATION})$",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*\s+")
_CAPTION_MARKER = re.compile(r"\b(?:gambar|foto) diambil\b|\bpicture taken\b", re.IGNORECASE)
_TERMINAL = re.compile(r"[.!?:;,][\"'”’)\]]*$")
HEADING_MAX_CHARS = 200
HEADING_MAX_WORDS = 25


@dataclass(frozen=True)
class Block:
    type: str
    start: int
    end: int


@dataclass
class CleanArticle:
    """Clean text, its typed blocks, and every piece of content the cleaner removed."""

    text: str
    blocks: list[Block] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)

    def blocks_of(self, kind: str) -> list[str]:
        return [self.text[b.start : b.end] for b in self.blocks if b.type == kind]


def normalise(text: str) -> str:
    """NFC, LF line ends, one space for any run of spaces, no invisible characters, no edge space."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text)
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n")).strip()


def is_heading_like(line: str) -> bool:
    return (
        len(line) <= HEADING_MAX_CHARS
        and len(line.split()) <= HEADING_MAX_WORDS
        and not _TERMINAL.search(line)
    )


def split_credit(paragraph: str) -> int | None:
    """Where a trailing photo credit starts in a paragraph (0: all credit), or None if it has none."""
    if not _CREDIT_MARKER.search(paragraph[-HEADING_MAX_CHARS:]):
        return None  # a credit is short and at the end: most paragraphs stop here
    sentence_starts = [0] + [m.end() for m in _SENTENCE_END.finditer(paragraph)]
    for start in reversed(sentence_starts):  # the shortest tail that is a credit
        if len(paragraph) - start > HEADING_MAX_CHARS:
            return None
        if _CREDIT_MARKER.search(paragraph, start):
            return start
    return None


def _fold(line: str) -> str:
    return " ".join(line.casefold().split())


def segment(normalised: str, *, title: str | None = None) -> CleanArticle:
    """Typed blocks of a normalised article; ``title`` (from metadata) marks the headline if given."""
    article = CleanArticle(text="")
    paragraphs: list[str] = []
    headings: set[str] = set()
    headline_seen = False
    offset = 0
    for number, line in enumerate(normalised.split("\n"), start=1):
        if not line:
            continue
        if BOILERPLATE.match(line):
            article.removed.append({"kind": "boilerplate", "text": line, "line": number})
            continue
        if _fold(line) in headings:
            article.removed.append({"kind": "duplicate_headline", "text": line, "line": number})
            continue
        kinds = _classify(line, headline_seen, title)
        for kind, start, end in kinds:
            article.blocks.append(Block(kind, offset + start, offset + end))
            if kind in ("headline", "subheading"):
                headings.add(_fold(line))
                headline_seen = True
        paragraphs.append(line)
        offset += len(line) + 2
    article.text = "\n\n".join(paragraphs)
    return article


def _classify(line: str, headline_seen: bool, title: str | None) -> list[tuple[str, int, int]]:
    """One or two (type, start, end) blocks for a kept line."""
    end = len(line)
    if is_dateline(line):
        return [("dateline", 0, end)]
    credit_start = split_credit(line)
    if credit_start == 0:
        return [("credit", 0, end)]
    if credit_start is not None:
        caption_end = len(line[:credit_start].rstrip())
        return [("caption", 0, caption_end), ("credit", credit_start, end)]
    if _CAPTION_MARKER.search(line):
        return [("caption", 0, end)]
    if title is not None and _fold(line) == _fold(title):
        return [("headline", 0, end)]
    if is_heading_like(line):
        return [("subheading" if headline_seen or title else "headline", 0, end)]
    return [("paragraph", 0, end)]
