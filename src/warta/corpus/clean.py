"""Cleaning: normalise raw text and segment it into typed blocks, recording what was removed.

The cleaner reads one paragraph per line (blank lines are only separators). It keeps every line
except page furniture and repeats of the headline, and records each removal with its line number,
so nothing is thrown away silently. The clean text is the kept paragraphs joined by a blank line;
blocks are half-open character spans into it, and a paragraph may hold two blocks (a caption
followed by its photo credit).

What counts as furniture (all recorded as ``boilerplate``): blog and share footers, the outlet's
own promotion and disclosure lines, "Baca juga :" / "Simak juga -" links to other articles (with
the list of headlines under a bare "Baca juga :"), bylines ("Penulis : ...", "Laporan wartawan
..."), and editors' initials ("( ugo / ugo )", "[ feb ]", Antara's "( Uu . C003 )"). Whole lines
go whole. Initials and links glued to the end of a paragraph after its last sentence ("... kata
dia . ( ugo / ugo )"), and the placeholder "Baca_Juga" glued to its start, are trimmed off: one
IndoSum article in five has such a piece (561 of 2,809), it is never part of a sentence, and
annotators would have to step around it. The trimmed piece is recorded with the line it came
from, so the line is its kept text and removed pieces joined by single spaces. Credits are not furniture: photo and source credits ("Foto : X",
"Sumber : X", "( Foto : X )" after a caption) stay, typed ``credit``, like the seed's agency
credits; an outlet's own tag ("( Antara )") is never taken for initials.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from warta.corpus.metadata import OUTLETS, credited_outlets, is_dateline

BOILERPLATE = re.compile(
    r"^(?:no comments?:?|\d+ comments?:?|post a comment|posted by\b.*|labels?:.*|"
    r"share (?:this|to)\b.*|newer post|older post|home|subscribe to:.*|email this|blogthis!|"
    r"tidak ada komentar:?|\d+ komentar:?|baca juga:.*|bagikan(?: artikel)?(?: ini)?:?.*|"
    r"baca_juga|video ?:?|[-–—]* ?disclosure ?:.*|"
    r"\S+\.(?:com|id|net|co\.id) (?:adalah|merupakan) portal berita\b.*\b(?:kamu|anda) (?:bisa|dapat)\b.*|"
    r"/ ?/ ?(?:< ?! ?\[ ?cdata ?\[|\] ?\] ?(?:>|& ?gt ?;))|!? ?function ?\(.*\{.*|var \w+ ?=.*;|"
    r".*\bsrc ?= ?\".*/ ?>|\[ ?video ?\].*\[ ?/ ?video ?\])$",
    re.IGNORECASE,
)
"""Whole lines that are page furniture, never article text (blog footers, share bars, an outlet's
own promotion and disclosure lines, a related-articles placeholder, a dangling video label, script
or markup left in the page: an image tag, a video shortcode)."""

LINK_LABEL = re.compile(
    r"[\[(]? ?(?:(?:baca|simak|lihat) (?:juga|pula) ?[:\-–—]|(?:baca|simak|lihat) ?:)",
    re.IGNORECASE,
)
"""The label of a link to another article: "Baca juga :", "[ Baca Juga : ...", "SIMAK JUGA -",
"( Baca : ...". A dash counts only after "juga": "Lihat - lihat" is a word, not a label."""
_BARE_LINK_LABEL = re.compile(rf"^{LINK_LABEL.pattern} ?[\])]?$", re.IGNORECASE)
LINK_LIST_ITEMS = 3
"""Headlines read as a link list after a bare "Baca juga :" in separate paragraphs (the outlets
list three); a list inside the label's own paragraph ends with that paragraph."""
_LINK_LINE_MAX_CHARS = 300

BYLINE = re.compile(
    r"^(?:(?i:penulis|editor|reporter|pewarta|redaktur|penyunting|kontributor|fotografer|oleh)"
    r" ?: ?\S"
    r"|(?i:laporan (?:wartawan|reporter|koresponden|kontributor|langsung)) \S"
    r"|(?i:oleh) [A-Z]\S*(?: \S+){0,5}$)"
)
"""A byline: "Penulis : ...", "Editor : ...", "Laporan wartawan ...", "Oleh Redaksi" (a name after
"Oleh"; "Oleh karena itu" is a sentence). Only short lines without a full stop are bylines."""

_NAME = r"(?:[A-Za-z][A-Za-z0-9]*(?: [A-Za-z]+){0,2}|\*)"
EDITOR_CODE = re.compile(
    r"[(\[] ?(?:"
    rf"(?:{_NAME} ?/ ?)*(?:[a-z]{{1,8}}|[A-Z]|\*) ?/?"  # ( ugo / ugo ), ( Yendhi / win ), [ feb ], ( B )
    r"|[a-z]{1,3} ?- ?\d{1,3}"  # ( gk - 48 )
    r"|(?=[^)\]]*[A-Z]\d{3}\b|(?:Uu|UU|U|T) ?\.)[A-Za-z0-9 ./-]{2,40}"  # Antara: ( Uu . C003 )
    r") ?[)\]]"
)
"""Reporters' and editors' initials in brackets, the last thing of an article or its paragraph."""

_TERMINAL_BEFORE = r"(?<=[.!?\"'”’)\]]) "
_TRAILING_CODE = re.compile(rf"{_TERMINAL_BEFORE}(?P<piece>{EDITOR_CODE.pattern})$")
_TRAILING_LINK = re.compile(rf"{_TERMINAL_BEFORE}(?P<piece>{LINK_LABEL.pattern}.*)$", re.IGNORECASE)
_LEADING_PLACEHOLDER = re.compile(r"^baca_juga (?=\S)", re.IGNORECASE)

_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_OUTLET_ALTERNATION = "|".join(OUTLETS.values())
_CREDIT_MARKER = re.compile(
    rf"^(?:©|\(c\)\s|foto\s*:|photo\s*:|kredit foto|sumber foto)|(?<!:)//|\bvia\s+(?:{_OUTLET_ALTERNATION})\b"
    rf"|(?:/|\b)(?:{_OUTLET_ALTERNATION})\s*/\s*\w|/\s*(?:{_OUTLET_ALTERNATION})$",
    re.IGNORECASE,
)
_SOURCE_CREDIT = re.compile(
    r"^(?:(?:sumber(?: berita| foto| gambar)?|kredit(?: foto)?|gambar header) ?:|sumber berita \S"
    r"|[(\[] ?(?:foto|photo|sumber|kredit) ?:.*[)\]]$)",
    re.IGNORECASE,
)
"""A whole line that credits the source or the picture: "Sumber : DPReview .", "( Kredit : X )"."""
_SOURCE_CREDIT_MAX_CHARS = 120
_TRAILING_CREDIT = re.compile(
    r" (?P<credit>[(\[] ?(?:foto|photo|sumber|kredit|gambar) ?:[^()\[\]]{1,80}[)\]])$",
    re.IGNORECASE,
)
"""A picture credit after its caption on one line: "Tesla ( Foto : Tesla )"."""
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*\s+")
_CAPTION_MARKER = re.compile(r"\b(?:gambar|foto) diambil\b|\bpicture taken\b", re.IGNORECASE)
_TERMINAL = re.compile(r"[.!?:;,][\"'”’)\]]*$")
_LIST_ITEM_END = re.compile(r"[.:;,][\"'”’)\]]*$")
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


def is_link_title(line: str) -> bool:
    """A headline in a list of links: short, and not ending like a sentence (a "?" may end it)."""
    return (
        len(line) <= HEADING_MAX_CHARS
        and len(line.split()) <= HEADING_MAX_WORDS
        and not _LIST_ITEM_END.search(line)
    )


def is_editor_code(piece: str) -> bool:
    """Initials in brackets, never an outlet's tag: "( ugo / ugo )" yes, "( ANTARA / les )" no."""
    return EDITOR_CODE.fullmatch(piece) is not None and not credited_outlets([piece])


def is_furniture(line: str) -> bool:
    """A whole line the cleaner removes: footer, promotion, link, byline or initials."""
    return (
        BOILERPLATE.match(line) is not None
        or (LINK_LABEL.match(line) is not None and len(line) <= _LINK_LINE_MAX_CHARS)
        or (BYLINE.match(line) is not None and is_heading_like(line))
        or is_editor_code(line)
    )


def trim(line: str) -> tuple[list[str], str, list[str]]:
    """Furniture glued to a kept line: (leading pieces, the rest, trailing pieces), in order."""
    head = []
    if match := _LEADING_PLACEHOLDER.match(line):
        head.append(line[: match.end() - 1])
        line = line[match.end() :]
    tail: list[str] = []
    while True:
        match = _TRAILING_CODE.search(line)
        if match is None or not is_editor_code(match.group("piece")):
            match = _TRAILING_LINK.search(line)
        if match is None:
            return head, line, tail
        tail.insert(0, match.group("piece"))
        line = line[: match.start("piece") - 1]


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


@dataclass
class _LinkList:
    """The headlines under a bare "Baca juga :" label: how many more, and where the list ends."""

    items_left: int = 0
    in_label_paragraph: bool | None = None

    def takes(self, line: str, after_blank: bool) -> bool:
        if self.items_left <= 0:
            return False
        if self.in_label_paragraph is None:
            self.in_label_paragraph = not after_blank
        elif self.in_label_paragraph and after_blank:
            self.items_left = 0
        if self.items_left > 0 and is_link_title(line):
            if not self.in_label_paragraph:
                self.items_left -= 1
            return True
        self.items_left = 0
        return False


def segment(normalised: str, *, title: str | None = None) -> CleanArticle:
    """Typed blocks of a normalised article; ``title`` (from metadata) marks the headline if given."""
    article = CleanArticle(text="")
    paragraphs: list[str] = []
    headlines: set[str] = set()
    headline_seen = body_seen = False
    links = _LinkList()
    after_blank = True
    offset = 0
    for number, line in enumerate(normalised.split("\n"), start=1):
        if not line:
            after_blank = True
            continue
        furniture = links.takes(line, after_blank) or is_furniture(line)
        after_blank = False
        if furniture:
            article.removed.append({"kind": "boilerplate", "text": line, "line": number})
            if _BARE_LINK_LABEL.match(line):
                links = _LinkList(items_left=LINK_LIST_ITEMS)
            continue
        if _fold(line) in headlines:
            article.removed.append({"kind": "duplicate_headline", "text": line, "line": number})
            continue
        head, line, tail = trim(line)
        for piece in (*head, *tail):
            article.removed.append({"kind": "boilerplate", "text": piece, "line": number})
        if tail and _BARE_LINK_LABEL.match(tail[-1]):
            links = _LinkList(items_left=LINK_LIST_ITEMS)
        for kind, start, end in _classify(line, headline_seen or body_seen, title):
            article.blocks.append(Block(kind, offset + start, offset + end))
            if kind == "headline":
                headlines.add(_fold(line))
                headline_seen = True
            body_seen = body_seen or kind == "paragraph"
        paragraphs.append(line)
        offset += len(line) + 2
    article.text = "\n\n".join(paragraphs)
    return article


def _classify(line: str, past_top: bool, title: str | None) -> list[tuple[str, int, int]]:
    """One or two (type, start, end) blocks for a kept line.

    Without a title from metadata, the headline is the first heading-like line above the body;
    a heading-like line after the headline or a body paragraph is a subheading.
    """
    end = len(line)
    if is_dateline(line):
        return [("dateline", 0, end)]
    credit_start = split_credit(line)
    if (
        credit_start is None
        and len(line) <= _SOURCE_CREDIT_MAX_CHARS
        and _SOURCE_CREDIT.match(line)
    ):
        credit_start = 0
    if credit_start is None and (match := _TRAILING_CREDIT.search(line)):
        credit_start = match.start("credit")
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
        return [("subheading" if past_top or title else "headline", 0, end)]
    return [("paragraph", 0, end)]
