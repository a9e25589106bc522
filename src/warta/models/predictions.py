"""Another system's predictions, read from a JSONL submission file and scored like any model.

The submission format: UTF-8 JSON Lines, one object per document (blank lines are skipped)::

    {"doc_id": "wrt-fd09ad9a1571522e",
     "model_version": "my-system-1.0",
     "entities": [{"type": "PER", "start": 190, "end": 204, "text": "Vladimir Putin"},
                  {"type": "PER", "start": 269, "end": 283}],
     "events": [{"type": "CONSULT", "trigger_start": 205, "trigger_end": 218,
                 "realis": "actual", "mode": null,
                 "arguments": [{"role": "actor", "entity": 0},
                               {"role": "recipient", "entity": 1}]}]}

- ``doc_id`` (required): a document of the corpus being scored; each at most once per file.
  A document without a line has no predictions (it still counts in recall).
- ``entities`` (default ``[]``): ``type`` an entity type of ``annotations/schema.yaml``; ``start``,
  ``end`` half-open character offsets into the document's corpus text (NFC, LF line ends), so
  ``text[start:end]`` is the mention; ``text`` (optional) is checked against those offsets.
- ``events`` (default ``[]``): ``type`` an event type of the schema; ``trigger_start``,
  ``trigger_end`` the trigger's offsets, ``trigger_text`` (optional) checked like ``text``;
  ``realis`` one of the schema's (default ``actual``); ``mode`` null or one of the type's modes;
  ``arguments`` a list of ``{"role", "entity"}`` where ``entity`` is a 0-based index into this
  line's ``entities`` and the role must be one of the event type's roles that takes that
  entity's type.
- ``model_version`` (optional): names the system; if every line gives the same one it labels the
  results, else they are labelled ``predictions-<file name>-<sha256 of the file, 12 digits>``.

No other keys are accepted (a misspelt key would otherwise drop predictions silently). Every
problem in the file is reported at once, each as ``file:line: problem``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from warta.errors import InputError, listed_problems
from warta.layout import Layout
from warta.models import register_model
from warta.models.base import ExtractionModel
from warta.schema.annotation import AnnotationSchema, load_schema
from warta.schema.mentions import (
    Argument,
    DocumentAnnotation,
    EntityMention,
    EventMention,
    Provenance,
)

LINE_KEYS = {"doc_id", "entities", "events", "model_version"}
ENTITY_KEYS = {"type", "start", "end", "text"}
EVENT_KEYS = {
    "type",
    "trigger_start",
    "trigger_end",
    "trigger_text",
    "realis",
    "mode",
    "arguments",
}
ARGUMENT_KEYS = {"role", "entity"}


class PredictionsInvalid(InputError):
    """A submission file with problems; ``problems`` lists each as an ``InputError`` with its line."""

    def __init__(self, path: Path, problems: list[InputError]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(
            str(path),
            f"{len(problems)} problem(s) in the predictions file:\n{listed_problems(problems)}",
        )

    def __reduce__(self):
        return (type(self), (self.path, self.problems))


@register_model("predictions")
class PredictionsFile(ExtractionModel):
    name = "predictions"
    version = "1"

    def __init__(self, path: str, schema_path: str | None = None) -> None:
        self.path = Path(path).expanduser()
        try:
            self.data = self.path.read_bytes()
        except OSError as err:
            raise InputError(str(self.path), f"cannot read file ({err.strerror})") from None
        schema_file = Path(schema_path) if schema_path else Layout.find().schema_file
        self.schema = load_schema(schema_file)
        self._version = self._file_version()

    @property
    def model_version(self) -> str:
        return self._version

    def _lines(self):
        try:
            text = self.data.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise InputError(str(self.path), f"not UTF-8 at byte offset {err.start}") from None
        # split on LF only: JSON strings may hold U+2028 and friends, which splitlines() breaks on
        for number, line in enumerate(text.split("\n"), start=1):
            if line.strip():
                yield number, line

    def _file_version(self) -> str:
        versions = set()
        for _, line in self._lines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                record = None
            value = record.get("model_version") if isinstance(record, dict) else None
            versions.add(value if isinstance(value, str) and value else None)
        if len(versions) == 1 and None not in versions:
            return versions.pop()
        digest = hashlib.sha256(self.data).hexdigest()[:12]
        return f"predictions-{self.path.name}-{digest}"

    def predict(self, articles: list[dict]) -> list[DocumentAnnotation]:
        """The file's predictions for these articles (empty for a document it has no line for)."""
        texts = {a["doc_id"]: a["text"] for a in articles}
        problems: list[InputError] = []
        found: dict[str, tuple[int, list[EntityMention], list[EventMention]]] = {}
        for number, line in self._lines():
            messages: list[str] = []
            parsed = read_line(line, self.schema, texts, messages)
            if parsed is not None and parsed[0] in found:
                doc_id = parsed[0]
                messages.append(
                    f"doc_id {doc_id!r} already has predictions on line {found[doc_id][0]}"
                )
            problems += [InputError(str(self.path), m, number) for m in messages]
            if parsed is not None and not messages:
                found[parsed[0]] = (number, parsed[1], parsed[2])
        if problems:
            raise PredictionsInvalid(self.path, problems)
        provenance = Provenance(model_version=self.model_version)
        return [
            DocumentAnnotation(a["doc_id"], *found.get(a["doc_id"], (0, [], []))[1:], provenance)
            for a in articles
        ]

    def predict_entities(self, articles: list[dict]) -> list[list[EntityMention]]:
        return [d.entities for d in self.predict(articles)]

    def predict_events(self, articles, entities) -> list[list[EventMention]]:
        return [d.events for d in self.predict(articles)]


def read_line(line: str, schema: AnnotationSchema, texts: dict[str, str], problems: list[str]):
    """(doc_id, entities, events) of one line; ``None`` if it names no scored document. Problems
    are appended to ``problems`` (a line with any is not used)."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        problems.append(f"not valid JSON ({err.msg} at column {err.colno})")
        return None
    if not isinstance(record, dict):
        problems.append(f"expected a JSON object, got {type(record).__name__}")
        return None
    _unknown_keys(record, LINE_KEYS, "", problems)
    doc_id = record.get("doc_id")
    if not isinstance(doc_id, str) or not doc_id:
        problems.append("missing doc_id (a non-empty string)")
        return None
    if doc_id not in texts:
        problems.append(f"unknown doc_id {doc_id!r} (not among the {len(texts)} documents scored)")
        return None
    version = record.get("model_version")
    if version is not None and not isinstance(version, str):
        problems.append("model_version must be a string")
    text = texts[doc_id]
    entities = read_entities(_list(record, "entities", problems), schema, text, problems)
    events = read_events(_list(record, "events", problems), schema, text, entities, problems)
    return doc_id, [m for m in entities if m is not None], events


def read_entities(items: list, schema: AnnotationSchema, text: str, problems: list[str]):
    """Entity mentions ``e0, e1 ...`` in file order; ``None`` where an entry is invalid."""
    mentions: list[EntityMention | None] = []
    seen: dict[tuple, int] = {}
    for index, item in enumerate(items):
        where = f"entity {index}"
        if not isinstance(item, dict):
            problems.append(f"{where}: expected an object, got {type(item).__name__}")
            mentions.append(None)
            continue
        _unknown_keys(item, ENTITY_KEYS, where, problems)
        kind = item.get("type")
        span = _span(item, "start", "end", text, where, problems)
        ok = span is not None
        if not isinstance(kind, str) or kind not in schema.entity_types:
            problems.append(
                f"{where}: type {kind!r} is not an entity type of the schema "
                f"({', '.join(schema.entity_types)})"
            )
            ok = False
        if ok and (kind, *span) in seen:
            problems.append(f"{where} repeats entity {seen[(kind, *span)]} (same type and span)")
        if ok:
            seen.setdefault((kind, *span), index)
        mentions.append(
            EntityMention(f"e{index}", kind, span[0], span[1], text[span[0] : span[1]])
            if ok
            else None
        )
    return mentions


def read_events(items, schema: AnnotationSchema, text: str, entities, problems: list[str]):
    """Event mentions ``v0, v1 ...`` in file order, arguments resolved to entity mention ids."""
    events: list[EventMention] = []
    for index, item in enumerate(items):
        where = f"event {index}"
        if not isinstance(item, dict):
            problems.append(f"{where}: expected an object, got {type(item).__name__}")
            continue
        _unknown_keys(item, EVENT_KEYS, where, problems)
        kind = item.get("type")
        event_type = schema.event_types.get(kind) if isinstance(kind, str) else None
        if event_type is None:
            problems.append(
                f"{where}: type {kind!r} is not an event type of the schema "
                f"({', '.join(schema.event_types)})"
            )
        span = _span(item, "trigger_start", "trigger_end", text, where, problems, "trigger_text")
        realis = item.get("realis", "actual")
        if not isinstance(realis, str) or realis not in schema.realis:
            problems.append(f"{where}: realis {realis!r} is not one of {', '.join(schema.realis)}")
        mode = item.get("mode")
        if mode is not None and event_type is not None and mode not in event_type.modes:
            allowed = ", ".join(event_type.modes) or "none, so null"
            problems.append(f"{where}: mode {mode!r} is not a mode of {kind} ({allowed})")
        arguments = []
        for number, argument in enumerate(_list(item, "arguments", problems, where)):
            label = f"{where} argument {number}"
            if not isinstance(argument, dict):
                problems.append(f"{label}: expected an object, got {type(argument).__name__}")
                continue
            _unknown_keys(argument, ARGUMENT_KEYS, label, problems)
            role, target = argument.get("role"), argument.get("entity")
            if not _is_int(target) or not 0 <= target < len(entities):
                problems.append(
                    f"{label}: entity {target!r} is not an index into this line's "
                    f"{len(entities)} entities"
                )
                continue
            mention = entities[target]
            if mention is None or event_type is None:
                continue  # already reported: the entity or the event type is invalid
            if why := schema.role_allows(kind, str(role), mention.type):
                problems.append(f"{label}: {why}")
                continue
            arguments.append(Argument(str(role), mention.mention_id))
        if event_type is not None and span is not None:
            trigger = text[span[0] : span[1]]
            events.append(
                EventMention(f"v{index}", kind, *span, trigger, str(realis), mode, tuple(arguments))
            )
    return events


def _span(item, start_key, end_key, text, where, problems, text_key="text"):
    start, end = item.get(start_key), item.get(end_key)
    if not _is_int(start) or not _is_int(end):
        problems.append(f"{where}: {start_key} and {end_key} must be integers")
        return None
    if not 0 <= start < end <= len(text):
        problems.append(
            f"{where}: span {start}-{end} is out of range or empty "
            f"(0 <= start < end <= {len(text)})"
        )
        return None
    given = item.get(text_key)
    if given is not None and given != text[start:end]:
        problems.append(
            f"{where}: {text_key} {given!r} does not match the document at {start}-{end} "
            f"({text[start:end]!r})"
        )
        return None
    return start, end


def _list(record: dict, key: str, problems: list[str], where: str = "") -> list:
    value = record.get(key, [])
    if isinstance(value, list):
        return value
    problems.append(f"{where + ': ' if where else ''}{key} must be a list")
    return []


def _unknown_keys(record: dict, known: set[str], where: str, problems: list[str]) -> None:
    unknown = sorted(set(record) - known)
    if unknown:
        problems.append(
            f"{where + ': ' if where else ''}unknown key(s) {', '.join(unknown)} "
            f"(allowed: {', '.join(sorted(known))})"
        )


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
