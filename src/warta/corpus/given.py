"""Segmentation a source gives (IndoSum's sentences of tokens, NTREX's sentence a line), carried
through cleaning onto the clean text, and the translation aligned with it.

The contract with the cleaner is small: it keeps or removes whole lines of the normalised text,
recording each removed line in ``removed`` (1-based), and the clean text is the kept lines in
order, joined by a blank line. A kept line keeps the given sentences of its line. A given sentence
is its text (tokenized here by Warta's tokenizer) or its tokens (kept as given); either is
normalised as the cleaner normalises text (``clean_token``) and must then stand exactly there in
the clean text, one space after the previous one, or the article is refused: offsets are exact
(``text[start:end] == token``), never approximated.

A sentence belongs to the block its first token is in (a line may hold a caption and its credit).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from warta.corpus.clean import CleanArticle, normalise
from warta.corpus.tokenize import tokenize

if TYPE_CHECKING:  # readers use ``clean_token``: the types only, to keep imports one way
    from warta.corpus.readers.article import GivenSentence, Translation


class GivenMismatch(ValueError):
    """The given segmentation does not fit the clean text (the message says where)."""


@dataclass
class PlacedSegmentation:
    """Tokens with offsets into the clean text, and sentences in ``ARTICLE_SCHEMA`` shape."""

    tokens: list[str] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    sentences: list[dict] = field(default_factory=list)
    origins: list[tuple[int, int]] = field(default_factory=list)  # (line, sentence in line)

    def add(self, token: str, start: int) -> None:
        self.tokens.append(token)
        self.starts.append(start)
        self.ends.append(start + len(token))


def clean_token(token: str) -> str:
    """A given token or sentence as it stands in the clean text: normalised, with any run of
    whitespace inside it one space (empty if it was only spacing)."""
    if token.isascii() and token.isprintable() and " " not in token:
        return token  # most tokens are plain ASCII: nothing to normalise
    return " ".join(normalise(token).split())


def place_given(
    article: CleanArticle,
    normalised: str,
    segmentation: tuple[tuple[GivenSentence, ...], ...],
) -> PlacedSegmentation:
    """The given sentences and tokens of the lines cleaning kept, placed in the clean text."""
    lines = normalised.split("\n")
    if len(lines) != len(segmentation):
        raise GivenMismatch(
            f"the source gives sentences for {len(segmentation)} lines, the text has {len(lines)}"
        )
    pieces: dict[int, list[str]] = {}
    for r in article.removed:
        pieces.setdefault(r["line"], []).append(r["text"])
    kept = [n for n, line in enumerate(lines) if line and _remainder(line, pieces.get(n + 1))]
    paragraphs = article.text.split("\n\n") if article.text else []
    if len(kept) != len(paragraphs):
        raise GivenMismatch(
            f"cleaning kept {len(paragraphs)} paragraphs of {len(kept)} lines it did not remove: "
            "a given segmentation needs lines kept, removed or trimmed at their ends"
        )
    block_starts = [b.start for b in article.blocks]
    placed = PlacedSegmentation()
    offset = 0
    for n, paragraph in zip(kept, paragraphs, strict=True):
        line = lines[n]
        begin = line.find(paragraph)
        if begin < 0:
            raise GivenMismatch(
                f"cleaning changed line {n + 1} inside: a given segmentation needs lines kept, "
                "removed or trimmed at their ends"
            )
        window = _Window(begin, begin + len(paragraph), offset - begin, n)
        cursor = 0
        for k, sentence in enumerate(segmentation[n]):
            first = len(placed.tokens)
            if isinstance(sentence, str):
                cursor = _place_text(placed, line, clean_token(sentence), cursor, window)
            else:
                for token in sentence:
                    cursor = _place(placed, line, clean_token(token), cursor, window)
            if len(placed.tokens) > first:
                start = placed.starts[first]
                placed.sentences.append(
                    {
                        "start": start,
                        "end": placed.ends[-1],
                        "block": bisect_right(block_starts, start) - 1,
                        "token_start": first,
                        "token_end": len(placed.tokens),
                    }
                )
                placed.origins.append((n, k))
        if cursor != len(line):
            raise GivenMismatch(
                f"line {n + 1}: text after the given sentences: {line[cursor:][:40]!r}"
            )
        offset += len(paragraph) + 2
    return placed


@dataclass(frozen=True)
class _Window:
    """The part of a line that cleaning kept (``begin``-``end`` in the line) and where it stands in
    the clean text (line offset + ``shift``); given tokens outside it were trimmed with their piece."""

    begin: int
    end: int
    shift: int
    line: int

    def add(self, placed: PlacedSegmentation, token: str, start: int) -> None:
        stop = start + len(token)
        if self.begin <= start and stop <= self.end:
            placed.add(token, start + self.shift)
        elif start < self.end and stop > self.begin:
            raise GivenMismatch(
                f"line {self.line + 1}: cleaning cut through the given token {token!r}"
            )


def _remainder(line: str, removed: list[str] | None) -> str:
    """What is left of a line after its removed pieces (empty: the whole line was removed)."""
    for piece in removed or ():
        line = line.replace(piece, "", 1)
    return line.strip()


def _where(line: str, piece: str, cursor: int, number: int) -> int:
    """Where ``piece`` starts: at ``cursor``, or after the one space there."""
    if cursor and line.startswith(" ", cursor):
        cursor += 1
    if not line.startswith(piece, cursor):
        raise GivenMismatch(
            f"line {number + 1}: given {piece!r} is not the text at offset {cursor} "
            f"({line[cursor : cursor + len(piece) + 10]!r})"
        )
    return cursor


def _place(placed: PlacedSegmentation, line: str, token: str, cursor: int, window: _Window) -> int:
    if not token:
        return cursor
    start = _where(line, token, cursor, window.line)
    window.add(placed, token, start)
    return start + len(token)


def _place_text(
    placed: PlacedSegmentation, line: str, sentence: str, cursor: int, window: _Window
) -> int:
    if not sentence:
        return cursor
    start = _where(line, sentence, cursor, window.line)
    for a, b in tokenize(sentence):
        window.add(placed, sentence[a:b], start + a)
    return start + len(sentence)


def aligned_translation(translation: Translation, origins: list[tuple[int, int]]) -> list[dict]:
    """``{sentence, language, text}`` for each placed sentence the source translates."""
    rows = []
    for index, (line, k) in enumerate(origins):
        given = translation.lines[line] if line < len(translation.lines) else ()
        if k < len(given) and given[k].strip():
            text = clean_token(given[k])
            rows.append({"sentence": index, "language": translation.language, "text": text})
    return rows
