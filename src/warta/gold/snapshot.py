"""Gold snapshots: adjudicated annotations joined with their corpus version, as versioned Parquet.

A snapshot is a version in ``annotations/gold/`` (the same store mechanism as the corpus) with three
tables, one shard prefix per split: ``documents`` (every layer of a document), ``entities`` (one row
per sentence with BIO tags) and ``events`` (one row per sentence, TextEE-shaped). Its manifest
records the corpus version, the schema's checksum and the Label Studio export it came from.
"""

from __future__ import annotations

import hashlib
import json
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from warta.errors import WartaError
from warta.gold.splits import SPLITS
from warta.schema.annotation import AnnotationSchema
from warta.schema.documents import sentences_of
from warta.schema.features import documents_features, entities_features, events_features
from warta.schema.mentions import DocumentAnnotation, EntityMention
from warta.schema.records import entity_record, event_record
from warta.store import Version, VersionDiff, VersionedStore


@dataclass
class GoldInput:
    """What a snapshot is made of: the adjudicated documents and where they came from."""

    corpus: Version
    schema: AnnotationSchema
    gold: dict[str, DocumentAnnotation]
    adjudication: dict[str, str]
    splits: dict[str, str]
    export: dict
    conflicts: dict[str, str] = field(default_factory=dict)
    # doc_id -> (the gold annotation's author as Label Studio names them, what kind of annotator)
    authors: dict[str, tuple[str | None, str]] = field(default_factory=dict)


def write_gold_snapshot(
    store: VersionedStore, gold: GoldInput
) -> tuple[Version | None, VersionDiff]:
    """A new snapshot if the gold differs from the newest one; (None, empty diff) otherwise."""
    articles = {
        row["doc_id"]: row
        for batch in gold.corpus.iter_batches("articles")
        for row in batch.to_pylist()
        if row["doc_id"] in gold.gold
    }
    missing = sorted(gold.gold.keys() - articles.keys())
    if missing:
        raise WartaError(f"gold documents not in corpus {gold.corpus.name}: {', '.join(missing)}")
    schemas = {
        "documents": documents_features().arrow_schema,
        "entities": entities_features(gold.schema).arrow_schema,
        "events": events_features().arrow_schema,
    }
    with store.stage() as staging:
        parent = staging.parent
        hashes = {}
        for doc_id in sorted(gold.gold):
            split = gold.splits[doc_id]
            document = document_row(articles[doc_id], gold.gold[doc_id], gold, split)
            hashes[doc_id] = document["record_sha256"]
            staging.writer("documents", schemas["documents"], split).write(document)
            for row in sentence_rows(articles[doc_id], gold.gold[doc_id], gold.schema):
                staging.writer("entities", schemas["entities"], split).write(row["entities"])
                staging.writer("events", schemas["events"], split).write(row["events"])
        old = parent.key_hashes("documents", store.key, store.row_hash) if parent else {}
        diff = VersionDiff.between(old, hashes)
        if parent is not None and diff.is_empty:
            return None, diff
        version = staging.commit(
            parent=parent,
            key_hashes=hashes,
            diff=diff,
            extra={
                "corpus_version": gold.corpus.name,
                "corpus_content_sha256": gold.corpus.content_sha256,
                "schema_sha256": gold.schema.sha256,
                "schema_version": gold.schema.version,
                "export": gold.export,
                "adjudication": gold.adjudication,
                "conflicts": gold.conflicts,
                "annotators": dict(sorted({a: k for a, k in gold.authors.values() if a}.items())),
                "splits": {s: sorted(d for d in gold.gold if gold.splits[d] == s) for s in SPLITS},
            },
        )
        return version, diff


def remove_gold_documents(
    store: VersionedStore, doc_ids: set[str], corpus: Version, reason: str
) -> Version | None:
    """The next snapshot without these documents (a takedown), pinned to ``corpus`` (which no
    longer has them); None if the newest snapshot has none of them. Its three tables lose their
    rows; the export, schema and the other documents' adjudication are the parent's."""
    with store.stage() as staging:
        parent = staging.parent
        if parent is None:
            return None
        hashes = parent.key_hashes("documents", store.key, store.row_hash)
        gone = set(doc_ids) & hashes.keys()
        if not gone:
            return None
        extra = parent.record.get("extra", {})
        return staging.commit(
            parent=parent,
            key_hashes={k: v for k, v in hashes.items() if k not in gone},
            diff=VersionDiff(removed=sorted(gone)),
            extra={
                **extra,
                "corpus_version": corpus.name,
                "corpus_content_sha256": corpus.content_sha256,
                "adjudication": _without(extra.get("adjudication", {}), gone),
                "conflicts": _without(extra.get("conflicts", {}), gone),
                "splits": {
                    s: [d for d in ids if d not in gone]
                    for s, ids in extra.get("splits", {}).items()
                },
                "removal_reason": reason,
            },
        )


def _without(by_doc: dict, gone: set[str]) -> dict:
    return {k: v for k, v in by_doc.items() if k not in gone}


def _provenance_fields(doc: DocumentAnnotation) -> dict:
    p = doc.provenance
    return {"task_id": p.task_id, "annotation_id": p.annotation_id, "annotator": p.annotator}


def document_row(article: dict, doc: DocumentAnnotation, gold: GoldInput, split: str) -> dict:
    provenance = _provenance_fields(doc)
    author, kind = gold.authors.get(article["doc_id"], (None, "unregistered"))
    entities = [
        {**entity_record(m), **provenance}
        for m in sorted(doc.entities, key=lambda m: (m.start, m.end, m.type))
    ]
    events = [{**event_record(e, doc), **provenance} for e in doc.events]
    events.sort(key=lambda e: (e["trigger_start"], e["trigger_end"], e["type"]))
    content = {
        "split": split,
        "text_sha256": article["content_sha256"],
        "annotated_by": [author, kind],
        "entities": [
            {k: v for k, v in e.items() if k not in ("task_id", "annotation_id")} for e in entities
        ],
        "events": [
            {k: v for k, v in e.items() if k not in ("task_id", "annotation_id")} for e in events
        ],
    }
    return {
        "doc_id": article["doc_id"],
        "corpus_version": gold.corpus.name,
        "title": article["title"],
        "published": article["published"],
        "text": article["text"],
        "blocks": article["blocks"],
        "sentences": article["sentences"],
        "tokens": article["tokens"],
        "token_starts": article["token_starts"],
        "token_ends": article["token_ends"],
        "entities": entities,
        "events": events,
        "adjudication": gold.adjudication[article["doc_id"]],
        "source": article.get("source"),
        "annotated_by": author,
        "annotator_kind": kind,
        "record_sha256": hashlib.sha256(
            json.dumps(content, sort_keys=True, ensure_ascii=False).encode()
        ).hexdigest(),
    }


def bio_tags(mentions: list[EntityMention], starts: list[int], ends: list[int]) -> list[str]:
    """BIO tags over tokens; a token is inside a mention if they overlap (first token gets B)."""
    tags = ["O"] * len(starts)
    for m in sorted(mentions, key=lambda m: (m.start, -m.end)):
        first, last = bisect_right(ends, m.start), bisect_left(starts, m.end)
        if first < last and all(t == "O" for t in tags[first:last]):
            tags[first] = f"B-{m.type}"
            for index in range(first + 1, last):
                tags[index] = f"I-{m.type}"
    return tags


def sentence_rows(article: dict, doc: DocumentAnnotation, schema: AnnotationSchema) -> list[dict]:
    """One ``entities`` row and one ``events`` row per sentence of the document."""
    label_ids = {label: index for index, label in enumerate(schema.bio_labels)}
    by_start = sorted(doc.entities, key=lambda m: (m.start, m.end))
    mention_starts = [m.start for m in by_start]
    triggers = sorted(doc.events, key=lambda ev: ev.trigger_start)
    trigger_starts = [ev.trigger_start for ev in triggers]
    rows = []
    for sentence in sentences_of(article):
        index, s, e, tokens = sentence.index, sentence.start, sentence.end, sentence.tokens
        starts, ends = sentence.local_starts, sentence.local_ends
        window = by_start[bisect_left(mention_starts, s) : bisect_left(mention_starts, e)]
        inside = [m for m in window if m.end <= e]
        local = [
            EntityMention(m.mention_id, m.type, m.start - s, m.end - s, m.text, m.entity_id)
            for m in inside
        ]
        row_id = f"{article['doc_id']}-s{index:04d}"
        entities = {
            "id": row_id,
            "doc_id": article["doc_id"],
            "sentence": index,
            "text": sentence.text,
            "tokens": tokens,
            "token_starts": starts,
            "token_ends": ends,
            "ner_tags": [label_ids[t] for t in bio_tags(local, starts, ends)],
            "entities": [
                {
                    k: getattr(m, k)
                    for k in ("mention_id", "type", "start", "end", "text", "entity_id")
                }
                for m in sorted(local, key=lambda m: (m.start, m.end))
            ],
        }
        located = _locator(starts, ends, s)
        events = [
            {
                "id": ev.event_id,
                "event_type": ev.type,
                "mode": ev.mode,
                "realis": ev.realis,
                "trigger": located(ev.trigger_start, ev.trigger_end, ev.trigger_text),
                "arguments": [
                    {
                        "entity_id": a.mention_id,
                        "role": a.role,
                        "in_window": s <= doc.mention(a.mention_id).start < e,
                        **located(*_span(doc.mention(a.mention_id))),
                    }
                    for a in ev.arguments
                ],
            }
            for ev in triggers[bisect_left(trigger_starts, s) : bisect_left(trigger_starts, e)]
        ]
        rows.append(
            {
                "entities": entities,
                "events": {
                    "id": row_id,
                    "doc_id": article["doc_id"],
                    "sentence": index,
                    "text": sentence.text,
                    "tokens": tokens,
                    "entity_mentions": [
                        {"id": m.mention_id, "entity_type": m.type, **located(*_span(m))}
                        for m in inside
                    ],
                    "event_mentions": events,
                },
            }
        )
    return rows


def _span(m: EntityMention) -> tuple[int, int, str]:
    return m.start, m.end, m.text


def _locator(starts: list[int], ends: list[int], offset: int):
    def located(start: int, end: int, text: str) -> dict:
        cs, ce = start - offset, end - offset
        inside = cs >= 0 and ce <= (ends[-1] if ends else 0)
        first, last = bisect_right(ends, cs), bisect_left(starts, ce)
        return {
            "start": first if inside else None,
            "end": last if inside else None,
            "char_start": cs,
            "char_end": ce,
            "text": text,
        }

    return located


def gold_documents(snapshot: Version, split: str | None) -> list[dict]:
    """Rows of the snapshot's ``documents`` table, of one split (``all`` or None: every split)."""
    wanted = None if split in (None, "all") else set(snapshot.manifest["splits"].get(split, []))
    rows = list(snapshot.iter_rows("documents"))
    return [r for r in rows if wanted is None or r["doc_id"] in wanted]
