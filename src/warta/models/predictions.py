"""Another system's predictions, read from a JSONL submission file and scored like any model.

The submission format: UTF-8 JSON Lines. The first line is the submission's manifest, what the
system is and what it was trained on::

    {"manifest": {"model": "my-system", "version": "1.0",
                  "training_data": ["idner-news-2k train", "Warta v0002 train"],
                  "warta_test_seen": false}}

- ``model``, ``version``: non-empty strings; the results label the entry ``<model>-<version>``.
- ``training_data``: a non-empty list of what the system learnt from (corpora, lists, models).
- ``warta_test_seen``: true if any Warta test document (its text or gold) was used to build,
  train, tune or select the system. The leaderboard never ranks such an entry.

A file without a manifest line is still scored (for a developer's own checks), but the
leaderboard does not rank it: its training data is undeclared. Then one object per document
(blank lines are skipped)::

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
- ``model_version`` (optional): names the system when there is no manifest; if every line gives
  the same one it labels the results, else they are labelled
  ``predictions-<file name>-<sha256 of the file, 12 digits>``.

No other keys are accepted (a misspelt key would otherwise drop predictions silently). Every
problem in the file is reported at once, each as ``file:line: problem``. An empty file (or one of
blank lines only) is refused: it is far more likely a failed export than a system that found
nothing.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from warta.errors import InputError, InputProblems
from warta.models.base import ExtractionModel
from warta.repository import Repository
from warta.schema.annotation import AnnotationSchema, load_schema
from warta.schema.mentions import (
    Argument,
    DocumentAnnotation,
    EntityMention,
    EventMention,
    Provenance,
)
from warta.schema.records import ENTITY_FIELDS, EVENT_FIELDS
from warta.schema.validate import check_annotation, is_int

LINE_KEYS = {"doc_id", "entities", "events", "model_version"}
ENTITY_KEYS = set(ENTITY_FIELDS[1:5])  # type, start, end, text (no id: entities are indexed)
EVENT_KEYS = {*EVENT_FIELDS[1:], "arguments"}
ARGUMENT_KEYS = {"role", "entity"}
MANIFEST_KEYS = {"model", "version", "training_data", "warta_test_seen"}


class PredictionsInvalid(InputProblems):
    """A submission file with problems; ``problems`` lists each as an ``InputError`` with its line."""

    def __init__(self, path: Path, problems: list[InputError]) -> None:
        self.path = path
        super().__init__(str(path), problems, "predictions file")

    def __reduce__(self):
        return (type(self), (self.path, self.problems))


class PredictionsFile(ExtractionModel):
    name = "predictions"
    version = "1"
    reproduced = False

    def __init__(self, path: str, schema_path: str | None = None) -> None:
        self.path = Path(path).expanduser()
        try:
            self.data = self.path.read_bytes()
        except OSError as err:
            raise InputError(str(self.path), f"cannot read file ({err.strerror})") from None
        if not any(True for _ in self._lines()):  # scored, it would rank as F1 0.000
            what = "empty" if not self.data else "only blank lines"
            raise InputError(str(self.path), f"no predictions: the file is {what}")
        schema_file = Path(schema_path) if schema_path else Repository.find().schema_file
        self.schema = load_schema(schema_file)
        self.manifest, self._manifest_problems = self._read_manifest()
        self._version = (
            f"{self.manifest['model']}-{self.manifest['version']}"
            if self.manifest
            else self._file_version()
        )

    def declaration(self) -> dict | None:
        """The manifest: model, version, training data, whether Warta test documents were seen."""
        return dict(self.manifest) if self.manifest else None

    def training_data(self) -> list[str]:
        return list(self.manifest["training_data"]) if self.manifest else []

    def _read_manifest(self) -> tuple[dict | None, list[InputError]]:
        first = next(self._lines(), None)
        if first is None:
            return None, []
        number, line = first
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            return None, []  # reported with the document lines
        if not isinstance(record, dict) or "manifest" not in record:
            return None, []
        problems = [InputError(str(self.path), m, number) for m in manifest_problems(record)]
        return (None if problems else record["manifest"]), problems

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
        lines = list(self._lines())
        if lines and (self.manifest or self._manifest_problems):
            lines = lines[1:]
        problems += self._manifest_problems
        for number, line in lines:
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


def manifest_problems(record: dict) -> list[str]:
    """What is wrong with a manifest line (``{"manifest": {...}}``), if anything."""
    if set(record) != {"manifest"}:
        return [
            f"the manifest line has other keys besides manifest: {sorted(set(record) - {'manifest'})}"
        ]
    manifest = record["manifest"]
    if not isinstance(manifest, dict):
        return ["manifest must be an object"]
    problems = []
    if set(manifest) != MANIFEST_KEYS:
        problems.append(
            f"manifest needs exactly the keys {', '.join(sorted(MANIFEST_KEYS))} "
            f"(has {', '.join(sorted(manifest)) or 'none'})"
        )
    for key in ("model", "version"):
        if key in manifest and not (isinstance(manifest[key], str) and manifest[key].strip()):
            problems.append(f"manifest {key} must be a non-empty string")
    data = manifest.get("training_data")
    if "training_data" in manifest and not (
        isinstance(data, list) and data and all(isinstance(d, str) and d.strip() for d in data)
    ):
        problems.append("manifest training_data must be a non-empty list of strings")
    if "warta_test_seen" in manifest and not isinstance(manifest["warta_test_seen"], bool):
        problems.append("manifest warta_test_seen must be true or false")
    return problems


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
    entities = read_entities(_list(record, "entities", problems), text, problems)
    events = read_events(_list(record, "events", problems), text, entities, problems)
    doc = DocumentAnnotation(doc_id, [m for m in entities if m is not None], events)
    for found in check_annotation(doc, text, schema, name=_position):
        where = _position(found.subject)
        if found.argument is not None:
            where += f" argument {found.argument}"
        problems.append(f"{where}: {found.message}")
    return doc_id, doc.entities, doc.events


def _position(mention_id: str) -> str:
    """``e3`` -> ``entity 3``, ``v0`` -> ``event 0``: how the file's author finds it."""
    return f"{'entity' if mention_id[0] == 'e' else 'event'} {mention_id[1:]}"


def _claimed_text(item: dict, start_key: str, end_key: str, text: str, text_key: str):
    """The text an entry claims for its span: given, else what the span covers."""
    given = item.get(text_key)
    if given is not None:
        return given
    start, end = item.get(start_key), item.get(end_key)
    if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
        return text[start:end]
    return ""


def read_entities(items: list, text: str, problems: list[str]) -> list[EntityMention | None]:
    """Entity mentions ``e0, e1 ...`` in file order; ``None`` where an entry is not an object."""
    mentions: list[EntityMention | None] = []
    for index, item in enumerate(items):
        where = f"entity {index}"
        if not isinstance(item, dict):
            problems.append(f"{where}: expected an object, got {type(item).__name__}")
            mentions.append(None)
            continue
        _unknown_keys(item, ENTITY_KEYS, where, problems)
        claimed = _claimed_text(item, "start", "end", text, "text")
        mentions.append(
            EntityMention(
                f"e{index}", item.get("type"), item.get("start"), item.get("end"), claimed
            )
        )
    return mentions


def read_events(items, text: str, entities, problems: list[str]) -> list[EventMention]:
    """Event mentions ``v0, v1 ...`` in file order, arguments resolved to entity mention ids."""
    events: list[EventMention] = []
    for index, item in enumerate(items):
        where = f"event {index}"
        if not isinstance(item, dict):
            problems.append(f"{where}: expected an object, got {type(item).__name__}")
            continue
        _unknown_keys(item, EVENT_KEYS, where, problems)
        arguments = []
        for number, argument in enumerate(_list(item, "arguments", problems, where)):
            label = f"{where} argument {number}"
            if not isinstance(argument, dict):
                problems.append(f"{label}: expected an object, got {type(argument).__name__}")
                continue
            _unknown_keys(argument, ARGUMENT_KEYS, label, problems)
            role, target = argument.get("role"), argument.get("entity")
            if not is_int(target) or not 0 <= target < len(entities):
                problems.append(
                    f"{label}: entity {target!r} is not an index into this line's "
                    f"{len(entities)} entities"
                )
                continue
            if entities[target] is not None:  # else already reported: not an object
                arguments.append(Argument(str(role), entities[target].mention_id))
        events.append(
            EventMention(
                f"v{index}",
                item.get("type"),
                item.get("trigger_start"),
                item.get("trigger_end"),
                _claimed_text(item, "trigger_start", "trigger_end", text, "trigger_text"),
                item.get("realis", "actual"),
                item.get("mode"),
                tuple(arguments),
            )
        )
    return events


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
