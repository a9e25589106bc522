"""CoNLL/BIO files as training sentences with Warta entity types (external corpora stay external).

A CoNLL file has one token per line (token first, tag last, whitespace-separated), a blank line
between sentences, optional ``-DOCSTART-`` lines, LF or CRLF line ends. Tags are IOB2 with a
label map onto Warta's types (e.g. ``LOC -> GPE``); a label mapped to ``null`` becomes ``O``, and a
label the map does not list is an error (so a new label is never dropped silently). The
text of a sentence is its tokens joined by single spaces, so offsets are exact for that text.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from warta.errors import InputError


@dataclass
class TaggedSentence:
    """A training sentence: tokens, their offsets in ``text``, and entity spans as (start, end, type)."""

    sentence_id: str
    text: str
    tokens: list[str]
    starts: list[int]
    ends: list[int]
    spans: list[tuple[int, int, str]] = field(default_factory=list)


def read_conll(path: Path, label_map: Mapping[str, str | None]) -> Iterator[TaggedSentence]:
    """Sentences of a CoNLL file with tags mapped to Warta types; malformed lines name file:line."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(str(path), f"cannot read file ({err.strerror})") from None
    try:
        lines = data.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError as err:
        raise InputError(str(path), f"not UTF-8 at byte offset {err.start}") from None
    tokens: list[str] = []
    tags: list[str] = []
    first_line = 1
    count = 0
    for number, line in enumerate([*lines, ""], start=1):
        if not line.strip() or line.startswith("-DOCSTART-"):
            if tokens:
                count += 1
                yield _sentence(f"{path.name}:{count}", tokens, tags, label_map, path, first_line)
                tokens, tags = [], []
            first_line = number + 1
            continue
        columns = line.split()
        if len(columns) < 2:
            raise InputError(str(path), f"expected 'token ... tag', got {line!r}", number)
        tag = columns[-1]
        if tag != "O" and not (len(tag) > 2 and tag[:2] in ("B-", "I-")):
            raise InputError(str(path), f"tag {tag!r} is not O, B-X or I-X", number)
        tokens.append(columns[0])
        tags.append(tag)


def _sentence(sentence_id, tokens, tags, label_map, path, line) -> TaggedSentence:
    starts, ends, offset = [], [], 0
    for token in tokens:
        starts.append(offset)
        ends.append(offset + len(token))
        offset += len(token) + 1
    mapped = []
    for tag in tags:
        kind = tag[2:] if tag != "O" else None
        if kind is not None and kind not in label_map:
            raise InputError(
                str(path),
                f"label {kind!r} has no entry in the label map ({', '.join(label_map)})",
                line,
            )
        target = label_map.get(kind) if kind else None
        mapped.append(f"{tag[:2]}{target}" if target else "O")
    spans = spans_from_bio(starts, ends, mapped)
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
