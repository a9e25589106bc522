"""CoNLL/BIO files as training sentences with Warta entity types (external corpora stay external).

A CoNLL file has one token per line (token first, tag last, whitespace-separated; columns between,
such as a POS tag, are ignored), a blank line between sentences, optional ``-DOCSTART-`` lines, LF
or CRLF line ends. Every token line has as many columns as the file's first one: a line with one
more is a tag too many, never read as token plus last column. Tags are IOB2 with a label map onto
Warta's types (e.g. ``LOC -> GPE``); a label mapped to ``null`` becomes ``O``, and a label the map
does not list is an error (so a new label is never dropped silently). An ``I-X`` that does not
continue an ``X`` (after ``O``, another type, or first in a sentence) is an error, since IOB2 has
none; ``repair_iob`` (``--repair-iob``) reads it as ``B-X`` instead, seqeval's reading. The whole
file is checked before anything is returned: every problem is reported at once, one
``file:line: problem`` each. A file with no sentence is refused. The text of a sentence is its
tokens joined by single spaces, so offsets are exact for that text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from warta.errors import InputError, InputProblems


@dataclass
class TaggedSentence:
    """A training sentence: tokens, their offsets in ``text``, and entity spans as (start, end, type)."""

    sentence_id: str
    text: str
    tokens: list[str]
    starts: list[int]
    ends: list[int]
    spans: list[tuple[int, int, str]] = field(default_factory=list)


def read_conll(
    path: Path, label_map: Mapping[str, str | None], *, repair_iob: bool = False
) -> list[TaggedSentence]:
    """Sentences of a CoNLL file with tags mapped to Warta types; ``InputProblems`` lists every
    malformed line of the file (``file:line: problem``)."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(str(path), f"cannot read file ({err.strerror})") from None
    try:
        lines = data.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError as err:
        raise InputError(str(path), f"not UTF-8 at byte offset {err.start}") from None
    reader = _Reader(path, label_map, repair_iob)
    for number, line in enumerate([*lines, ""], start=1):
        reader.read_line(number, line)
    if reader.problems:
        raise InputProblems(str(path), reader.problems, "CoNLL file")
    if not reader.sentences:
        what = "empty" if not data.strip() else "without a token line"
        raise InputError(str(path), f"no sentences: the file is {what}")
    return reader.sentences


class _Reader:
    """Reads a CoNLL file line by line, collecting its sentences and its problems."""

    def __init__(self, path: Path, label_map: Mapping[str, str | None], repair: bool) -> None:
        self.path, self.label_map, self.repair = path, label_map, repair
        self.sentences: list[TaggedSentence] = []
        self.problems: list[InputError] = []
        self.columns: tuple[int, int] | None = None  # (count, line) of the first token line
        self.tokens: list[str] = []
        self.tags: list[str] = []  # mapped onto Warta types
        self.source_tag, self.source_kind = "O", None  # the previous token's tag, as in the file
        self.bad_sentence = False

    def problem(self, number: int, message: str) -> None:
        self.problems.append(InputError(str(self.path), message, number))
        self.bad_sentence = True

    def read_line(self, number: int, line: str) -> None:
        if not line.strip() or line.startswith("-DOCSTART-"):
            self.end_sentence()
            return
        columns = line.split()
        if len(columns) < 2:
            self.problem(number, f"expected 'token ... tag', got {line!r}")
            return
        if self.columns is None:
            self.columns = (len(columns), number)
        elif len(columns) != self.columns[0]:
            count, first = self.columns
            self.problem(
                number,
                f"{len(columns)} columns, but line {first} has {count} (token first, tag last): "
                f"{line.strip()!r}",
            )
            return
        tag = columns[-1]
        if tag != "O" and not (len(tag) > 2 and tag[:2] in ("B-", "I-")):
            self.problem(number, f"tag {tag!r} is not O, B-X or I-X")
            return
        kind = tag[2:] if tag != "O" else None
        if kind is not None and kind not in self.label_map:
            known = ", ".join(self.label_map)
            self.problem(number, f"label {kind!r} has no entry in the label map ({known})")
            return
        if tag.startswith("I-") and (not self.tags or self.source_kind != kind):
            after = f"after {self.source_tag}" if self.tags else "first in its sentence"
            if not self.repair:
                self.problem(
                    number,
                    f"stray {tag} {after} (IOB2 starts a mention with B-); "
                    "--repair-iob reads it as B-",
                )
                return
            tag = f"B-{kind}"
        self.source_tag, self.source_kind = tag, kind
        target = self.label_map.get(kind) if kind else None
        self.tokens.append(columns[0])
        self.tags.append(f"{tag[:2]}{target}" if target else "O")

    def end_sentence(self) -> None:
        if self.tokens and not self.bad_sentence:
            count = len(self.sentences) + 1
            self.sentences.append(_sentence(f"{self.path.name}:{count}", self.tokens, self.tags))
        self.tokens, self.tags, self.bad_sentence = [], [], False


def _sentence(sentence_id: str, tokens: list[str], tags: list[str]) -> TaggedSentence:
    starts, ends, offset = [], [], 0
    for token in tokens:
        starts.append(offset)
        ends.append(offset + len(token))
        offset += len(token) + 1
    spans = spans_from_bio(starts, ends, tags)
    return TaggedSentence(sentence_id, " ".join(tokens), list(tokens), starts, ends, spans)


def bio_from_spans(
    starts: list[int], ends: list[int], spans: list[tuple[int, int, str]]
) -> list[str]:
    """IOB2 tags of tokens from character spans (a token inside a span is tagged with it)."""
    tags = ["O"] * len(starts)
    for start, end, kind in sorted(spans):
        inside = [
            i for i, (s, e) in enumerate(zip(starts, ends, strict=True)) if s < end and start < e
        ]
        for position, index in enumerate(inside):
            tags[index] = f"{'B' if position == 0 else 'I'}-{kind}"
    return tags


def spans_from_bio(
    starts: list[int], ends: list[int], tags: list[str]
) -> list[tuple[int, int, str]]:
    """Character spans from IOB2 tags; a stray ``I-X`` starts a new span (as seqeval's default)."""
    spans = []
    current: list | None = None
    for index, tag in enumerate(tags):
        kind = tag[2:] if tag != "O" else None
        if current is not None and not (tag.startswith("I-") and current[2] == kind):
            spans.append(tuple(current))
            current = None
        if kind is not None and current is None:
            current = [starts[index], ends[index], kind]
        elif current is not None:
            current[1] = ends[index]
    if current is not None:
        spans.append(tuple(current))
    return spans
