"""What a benchmark run evaluates on: gold documents of a snapshot, split into scoring units.

A unit is what the bootstrap resamples: a document, or (under ``cv`` while the corpus has fewer
documents than folds) a paragraph-level block. Gold and predictions are cut to each unit's span.
"""

from __future__ import annotations

from dataclasses import dataclass

from warta.schema.mentions import DocumentAnnotation

UNIT_BLOCKS = ("paragraph", "caption", "headline", "subheading", "credit", "dateline")


@dataclass(frozen=True)
class Unit:
    unit_id: str
    doc_id: str
    start: int
    end: int


def document_units(rows: list[dict]) -> list[Unit]:
    return [Unit(r["doc_id"], r["doc_id"], 0, len(r["text"])) for r in rows]


def block_units(rows: list[dict]) -> list[Unit]:
    """Each block of each document as a unit (a paragraph, caption, headline ...)."""
    return [
        Unit(f"{r['doc_id']}#b{i}", r["doc_id"], b["start"], b["end"])
        for r in rows
        for i, b in enumerate(r["blocks"])
        if b["type"] in UNIT_BLOCKS
    ]


def restrict(
    doc: DocumentAnnotation, unit: Unit, *, all_entities: bool = False
) -> DocumentAnnotation:
    """The mentions whose span (or trigger) lies inside a unit. With ``all_entities`` every entity
    stays, so an event's argument in a neighbouring unit still resolves (event scoring)."""
    if unit.doc_id != doc.doc_id:
        return DocumentAnnotation(unit.unit_id)

    def inside(start: int, end: int) -> bool:
        return unit.start <= start and end <= unit.end

    entities = doc.entities if all_entities else [m for m in doc.entities if inside(m.start, m.end)]
    events = [e for e in doc.events if inside(e.trigger_start, e.trigger_end)]
    return DocumentAnnotation(unit.unit_id, list(entities), events, doc.provenance)


def folds(units: list[Unit], k: int, seed: int) -> list[list[Unit]]:
    """k folds of units, shuffled with the seed; a unit is in exactly one fold."""
    import random

    order = sorted(units, key=lambda u: u.unit_id)
    random.Random(seed).shuffle(order)
    return [order[i::k] for i in range(k)]
