"""The integrity checks of shipped data, shared by the test suite and `warta release`.

Each check returns problems (empty when the data is sound); a problem names the version, the
document and what is wrong.
"""

from __future__ import annotations

import hashlib

from warta.corpus.pipeline import record_hash
from warta.layout import Layout
from warta.schema.annotation import AnnotationSchema
from warta.schema.documents import BLOCK_TYPES, REMOVAL_KINDS
from warta.store import Version


def corpus_problems(version: Version) -> list[str]:
    """Unique ids, record hashes, offsets that reproduce tokens, sentences that tile the tokens."""
    problems = []
    seen: set[str] = set()
    for batch in version.iter_batches("articles"):
        for row in batch.to_pylist():
            where = f"corpus {version.name}, {row['doc_id']}"
            if row["doc_id"] in seen:
                problems.append(f"{where}: duplicate doc_id")
            seen.add(row["doc_id"])
            if record_hash(row) != row["record_sha256"]:
                problems.append(f"{where}: record hash does not match the record")
            text = row["text"]
            for block in row["blocks"]:
                if block["type"] not in BLOCK_TYPES or not 0 <= block["start"] < block[
                    "end"
                ] <= len(text):
                    problems.append(f"{where}: bad block {block}")
            if {r["kind"] for r in row["removed"]} - set(REMOVAL_KINDS):
                problems.append(f"{where}: unknown removal kind")
            for token, start, end in zip(
                row["tokens"], row["token_starts"], row["token_ends"], strict=True
            ):
                if text[start:end] != token:
                    problems.append(f"{where}: token {token!r} at [{start}, {end}) is not the text")
                    break
            ends = [s["token_end"] for s in row["sentences"][:-1]]
            if [s["token_start"] for s in row["sentences"][1:]] != ends:
                problems.append(f"{where}: sentences do not tile the tokens")
    return problems


def gold_problems(
    layout: Layout, snapshot: Version, corpus: Version, schema: AnnotationSchema
) -> list[str]:
    """Gold against its corpus and schema: spans, ids, arguments, roles, clusters, the export."""
    problems = []
    export = layout.root / snapshot.manifest["export"]["path"]
    if not export.is_file():
        problems.append(f"gold {snapshot.name}: its Label Studio export {export} is missing")
    elif hashlib.sha256(export.read_bytes()).hexdigest() != snapshot.manifest["export"]["sha256"]:
        problems.append(f"gold {snapshot.name}: export {export} does not match its checksum")
    texts = {
        r["doc_id"]: r["text"] for r in corpus.read("articles", ["doc_id", "text"]).to_pylist()
    }
    for doc in snapshot.read("documents").to_pylist():
        where = f"gold {snapshot.name}, {doc['doc_id']}"
        if texts.get(doc["doc_id"]) != doc["text"]:
            problems.append(f"{where}: text differs from corpus {corpus.name}")
            continue
        problems += _document_problems(where, doc, schema)
    return problems


def _document_problems(where: str, doc: dict, schema: AnnotationSchema) -> list[str]:
    problems = []
    text = doc["text"]
    ids = [m["mention_id"] for m in doc["entities"]] + [e["event_id"] for e in doc["events"]]
    if len(ids) != len(set(ids)):
        problems.append(f"{where}: mention or event ids are not unique")
    mentions = {m["mention_id"]: m for m in doc["entities"]}
    canonical: dict[str, str] = {}
    for m in doc["entities"]:
        if m["type"] not in schema.entity_types:
            problems.append(
                f"{where}, {m['mention_id']}: entity type {m['type']!r} not in the schema"
            )
        if text[m["start"] : m["end"]] != m["text"]:
            problems.append(f"{where}, {m['mention_id']}: span does not reproduce {m['text']!r}")
        if (
            m["entity_id"]
            and canonical.setdefault(m["entity_id"], m["canonical_name"]) != m["canonical_name"]
        ):
            problems.append(f"{where}: cluster {m['entity_id']!r} has two canonical names")
    for event in doc["events"]:
        name = f"{where}, {event['event_id']}"
        if event["type"] not in schema.event_types or event["realis"] not in schema.realis:
            problems.append(f"{name}: event type or realis not in the schema")
            continue
        if text[event["trigger_start"] : event["trigger_end"]] != event["trigger_text"]:
            problems.append(f"{name}: trigger span does not reproduce {event['trigger_text']!r}")
        if (
            event["mode"] is not None
            and event["mode"] not in schema.event_types[event["type"]].modes
        ):
            problems.append(f"{name}: mode {event['mode']!r} not allowed for {event['type']}")
        for argument in event["arguments"]:
            target = mentions.get(argument["mention_id"])
            if target is None:
                problems.append(
                    f"{name}: argument points at missing mention {argument['mention_id']}"
                )
                continue
            reason = schema.role_allows(event["type"], argument["role"], target["type"])
            if reason:
                problems.append(f"{name}: {reason}")
    return problems
