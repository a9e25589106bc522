"""Worksheets: an annotation written offline by quoting the text instead of counting offsets.

A worksheet is YAML. Mentions are listed in reading order and located by their text: each one is
the first occurrence at or after the end of the one before it (triggers have their own reading
order), on word boundaries where the text allows. ``@N`` after a quote pins its start offset::

    doc_id: wrt-0123456789abcdef
    entities:                       # id: text | TYPE [| cluster id [| canonical name]]
      e1: Sri Mulyani Indrawati | PER | sri_mulyani | Sri Mulyani Indrawati
      e2: Senin ( 27 / 3 ) | DATE
      e3: Sri Mulyani | PER | sri_mulyani     # the canonical name is the cluster's
    events:
      - trigger: mengunjungi        # or "mengunjungi @1234"
        type: CONSULT
        realis: actual
        mode: visit                 # optional
        args: [actor e1, time e2]

A cluster's canonical name is given once (on any of its mentions) and applies to all of them.
Every problem is reported with the worksheet's file and the entry it is in; nothing is guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from warta.errors import ListedProblems, WartaError
from warta.schema.annotation import AnnotationSchema
from warta.schema.mentions import Argument, DocumentAnnotation, EntityMention, EventMention
from warta.schema.validate import check_annotation

PIN = re.compile(r"^(?P<quote>.*?)\s+@(?P<start>\d+)$", re.DOTALL)


class WorksheetError(ListedProblems):
    """A worksheet that cannot become an annotation; every problem is listed."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        super().__init__(path, problems, f"{len(problems)} problem(s), nothing converted")


@dataclass
class Located:
    """Where each quote was found, for a reviewer to check by eye."""

    annotation: DocumentAnnotation
    unbounded: list[str] = field(default_factory=list)  # found only inside a longer token


def read_worksheet(path: Path) -> dict:
    """The worksheet's YAML mapping (``doc_id``, ``entities``, ``events``)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        detail = " ".join(str(err).split())
        raise WartaError(f"{path}: not a readable YAML worksheet ({detail})") from None
    if not isinstance(data, dict) or not isinstance(data.get("doc_id"), str):
        raise WartaError(
            f"{path}: a worksheet is a mapping with a doc_id (see `warta annotate check`)"
        )
    return data


def _word_char(text: str, index: int) -> bool:
    return 0 <= index < len(text) and text[index].isalnum()


def _find(text: str, quote: str, cursor: int) -> tuple[int, bool] | None:
    """The first occurrence of ``quote`` at or after ``cursor``: on word boundaries if one exists
    (then ``True``), else anywhere (``False``)."""
    loose = None
    start = text.find(quote, cursor)
    while start != -1:
        end = start + len(quote)
        if not _word_char(text, start - 1) and not _word_char(text, end):
            return start, True
        if loose is None:
            loose = start
        start = text.find(quote, start + 1)
    return (loose, False) if loose is not None else None


class _Locator:
    def __init__(self, text: str, problems: list[str], unbounded: list[str]) -> None:
        self.text, self.problems, self.unbounded = text, problems, unbounded
        self.cursor = 0

    def locate(self, entry: str, quote: str) -> tuple[int, int, str] | None:
        pinned = PIN.match(quote)
        if pinned:
            quote, start = pinned["quote"].strip(), int(pinned["start"])
            if self.text[start : start + len(quote)] != quote:
                found = self.text[start : start + len(quote)]
                self.problems.append(
                    f"{entry}: {quote!r} is not at @{start} (the text there is {found!r})"
                )
                return None
        else:
            quote = quote.strip()
            if not quote:
                self.problems.append(f"{entry}: empty quote")
                return None
            found = _find(self.text, quote, self.cursor)
            if found is None:
                after = "" if self.cursor == 0 else f" after offset {self.cursor}"
                earlier = " (it occurs earlier: list mentions in reading order, or pin it with @N)"
                self.problems.append(
                    f"{entry}: {quote!r} not found{after}"
                    + (earlier if self.cursor and quote in self.text else "")
                )
                return None
            start, bounded = found
            if not bounded:
                self.unbounded.append(f"{entry}: {quote!r} at {start} is inside a longer token")
        self.cursor = start + len(quote)
        return start, start + len(quote), quote


def _entity_fields(value: object) -> list[str] | None:
    if not isinstance(value, str):
        return None
    parts = [part.strip() for part in value.split("|")]
    return parts if 2 <= len(parts) <= 4 else None


def worksheet_annotation(path: Path, data: dict, text: str, schema: AnnotationSchema) -> Located:
    """The worksheet as a validated annotation of ``text``; ``WorksheetError`` lists every problem."""
    problems: list[str] = []
    unbounded: list[str] = []
    doc_id = data["doc_id"]
    entities = data.get("entities") or {}
    events = data.get("events") or []
    if not isinstance(entities, dict):
        problems.append("entities must be a mapping id: 'text | TYPE | cluster | name'")
        entities = {}
    if not isinstance(events, list):
        problems.append("events must be a list")
        events = []
    unknown = sorted(set(data) - {"doc_id", "annotator", "notes", "entities", "events"})
    if unknown:
        problems.append(f"unknown key(s) {', '.join(unknown)}")

    locator = _Locator(text, problems, unbounded)
    rows: list[tuple[str, int, int, str, str, str | None, str | None]] = []
    for mention_id, value in entities.items():
        parts = _entity_fields(value)
        entry = f"entity {mention_id}"
        if parts is None:
            problems.append(f"{entry}: expected 'text | TYPE [| cluster [| name]]'")
            continue
        located = locator.locate(entry, parts[0])
        if located is None:
            continue
        start, end, quote = located
        cluster = parts[2] if len(parts) > 2 and parts[2] else None
        name = parts[3] if len(parts) > 3 and parts[3] else None
        rows.append((str(mention_id), start, end, quote, parts[1], cluster, name))

    names: dict[str, str] = {}
    for mention_id, *_, cluster, name in rows:
        if cluster and name and names.setdefault(cluster, name) != name:
            problems.append(
                f"entity {mention_id}: cluster {cluster!r} has two canonical names: "
                f"{names[cluster]!r} and {name!r}"
            )
    mentions = []
    for mention_id, start, end, quote, label, cluster, _ in rows:
        if cluster and cluster not in names:
            problems.append(
                f"entity {mention_id}: cluster {cluster!r} has no canonical name "
                "(give it on one of its mentions)"
            )
        mentions.append(
            EntityMention(
                mention_id,
                label,
                start,
                end,
                quote,
                cluster,
                names.get(cluster) if cluster else None,
            )
        )

    triggers = _Locator(text, problems, unbounded)
    event_mentions = []
    for index, event in enumerate(events, start=1):
        entry = f"event {index}"
        if not isinstance(event, dict) or not isinstance(event.get("trigger"), str):
            problems.append(f"{entry}: expected a mapping with trigger, type, realis, args")
            continue
        extra = sorted(set(event) - {"trigger", "type", "realis", "mode", "args", "note"})
        if extra:
            problems.append(f"{entry}: unknown key(s) {', '.join(map(str, extra))}")
        located = triggers.locate(f"{entry} ({event['trigger']!r})", event["trigger"])
        args = event.get("args") or []
        arguments = []
        for arg in args if isinstance(args, list) else [args]:
            parts = arg.split() if isinstance(arg, str) else []
            if len(parts) != 2:
                problems.append(f"{entry}: argument {arg!r} is not 'role mention_id'")
                continue
            arguments.append(Argument(parts[0], parts[1]))
        if located is None:
            continue
        start, end, quote = located
        event_mentions.append(
            EventMention(
                f"v{index}",
                str(event.get("type")),
                start,
                end,
                quote,
                str(event.get("realis")),
                event.get("mode") or None,
                tuple(arguments),
            )
        )

    annotation = DocumentAnnotation(doc_id, mentions, event_mentions)
    problems += [str(problem) for problem in check_annotation(annotation, text, schema)]
    if problems:
        raise WorksheetError(path, problems)
    return Located(annotation, unbounded)
