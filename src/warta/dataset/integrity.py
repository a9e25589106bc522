"""The integrity checks of shipped data, shared by the test suite and `warta release`.

Each check returns problems (empty when the data is sound); a problem names the version, the
document and what is wrong.
"""

from __future__ import annotations

import hashlib

from warta.corpus.steps import ingest_number, record_hash
from warta.repository import Repository
from warta.schema.annotation import AnnotationSchema
from warta.schema.documents import BLOCK_TYPES, REMOVAL_KINDS
from warta.schema.records import annotation_from_record
from warta.schema.validate import check_annotation
from warta.store import Version

RIGHTS_SINCE = 3
"""Records of pipeline ``ingest-3`` on say where they come from and on what terms."""


def corpus_problems(version: Version) -> list[str]:
    """Unique ids, record hashes, offsets that reproduce tokens, sentences that tile the tokens,
    translations of sentences that exist, and (``ingest-3`` on) a source, license and attribution."""
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
            if ingest_number(row) >= RIGHTS_SINCE:
                problems += _rights_problems(where, row)
    return problems


def _rights_problems(where: str, row: dict) -> list[str]:
    problems = []
    missing = [k for k in ("source", "license", "attribution") if not row.get(k)]
    if missing:
        problems.append(
            f"{where}: no {', '.join(missing)} (its file is listed by no source of the raw "
            "files' PROVENANCE.yaml)"
        )
    sentences = len(row["sentences"])
    if any(not 0 <= t["sentence"] < sentences for t in row.get("translation") or ()):
        problems.append(f"{where}: a translation names a sentence the record does not have")
    return problems


def gold_problems(
    repo: Repository, snapshot: Version, corpus: Version, schema: AnnotationSchema
) -> list[str]:
    """Gold against its corpus and schema: spans, ids, arguments, roles, clusters, the export."""
    problems = []
    export = repo.root / snapshot.manifest["export"]["path"]
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
    for found in check_annotation(annotation_from_record(doc), doc["text"], schema):
        argument = "" if found.argument is None else f" argument {found.argument}"
        problems.append(f"{where}, {found.subject}{argument}: {found.message}")
    return problems
