"""Entity and event mentions: the records every converter, validator, scorer and exporter shares.

Offsets are half-open character offsets ``[start, end)`` into the corpus version's text of the
document: ``text[start:end] == mention.text``. A mention id is unique within its document.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class EntityMention:
    mention_id: str
    type: str
    start: int
    end: int
    text: str
    entity_id: str | None = None
    canonical_name: str | None = None


@dataclass(frozen=True)
class Argument:
    role: str
    mention_id: str


@dataclass(frozen=True)
class EventMention:
    event_id: str
    type: str
    trigger_start: int
    trigger_end: int
    trigger_text: str
    realis: str
    mode: str | None = None
    arguments: tuple[Argument, ...] = ()


@dataclass(frozen=True)
class Provenance:
    """Where one document's annotation came from in Label Studio (or which model predicted it)."""

    task_id: int | None = None
    annotation_id: int | None = None
    annotator: int | None = None
    created_at: str | None = None
    updated_at: str | None = None
    lead_time: float | None = None
    ground_truth: bool = False
    model_version: str | None = None


@dataclass
class DocumentAnnotation:
    """One annotator's (or one model's) entities and events for one document."""

    doc_id: str
    entities: list[EntityMention] = field(default_factory=list)
    events: list[EventMention] = field(default_factory=list)
    provenance: Provenance = field(default_factory=Provenance)

    def mention(self, mention_id: str) -> EntityMention | None:
        return next((m for m in self.entities if m.mention_id == mention_id), None)
