"""The interface every extraction model implements: one method per task, over corpus articles.

An article is a row of the corpus (``text``, ``tokens``, ``token_starts``, ``token_ends``,
``sentences`` ...). Output is a prediction, never gold: its provenance carries the model version.
A model that learns says so by overriding ``train``; the benchmark runner calls it with exactly
the Warta gold the protocol allows (the train split, the validation split for model selection,
never a test document), and nothing else. What a model built from that gold and from its
configured public data (gazetteers, trigger lexicons, vocabularies) it lists in ``resources``, so a
test can check that no name seen only in test documents got in.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from warta.corpus.conll import TaggedSentence
from warta.schema.documents import sentences_of
from warta.schema.mentions import DocumentAnnotation, EntityMention, EventMention, Provenance


@dataclass
class TrainingGold:
    """Warta gold a model may learn from: documents, and the spans of each it may use.

    ``spans`` maps a doc_id to half-open ``(start, end)`` character spans (whole documents, or the
    blocks of other folds under cross-validation); gold outside them is never shown to a model.
    """

    rows: list[dict] = field(default_factory=list)  # gold ``documents`` rows
    gold: dict[str, DocumentAnnotation] = field(default_factory=dict)
    spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    validation: TrainingGold | None = None  # held-out gold for model selection (never test)

    @classmethod
    def whole(
        cls, rows: list[dict], gold: dict[str, DocumentAnnotation], validation: list[dict] = ()
    ) -> TrainingGold:
        """Whole documents to learn from, and whole documents to select with."""
        held_out = cls.whole(list(validation), gold) if validation else None
        spans = {r["doc_id"]: [(0, len(r["text"]))] for r in rows}
        return cls(list(rows), {r["doc_id"]: gold[r["doc_id"]] for r in rows}, spans, held_out)

    def doc_ids(self) -> set[str]:
        """Every document this gold shows a model, the validation documents included."""
        own = {r["doc_id"] for r in self.rows} | set(self.spans)
        return own | (self.validation.doc_ids() if self.validation else set())

    def allows(self, doc_id: str, start: int, end: int) -> bool:
        return any(s <= start and end <= e for s, e in self.spans.get(doc_id, ()))

    def documents(self) -> list[DocumentAnnotation]:
        return [self.gold[row["doc_id"]] for row in self.rows]

    def mentions(self) -> list[EntityMention]:
        """The entity mentions a model may learn from (inside the allowed spans)."""
        return [
            m
            for doc in self.documents()
            for m in doc.entities
            if self.allows(doc.doc_id, m.start, m.end)
        ]

    def events(self) -> list[tuple[DocumentAnnotation, EventMention]]:
        """The gold events a model may learn from (their trigger inside the allowed spans)."""
        return [
            (doc, e)
            for doc in self.documents()
            for e in doc.events
            if self.allows(doc.doc_id, e.trigger_start, e.trigger_end)
        ]

    def sentences(self) -> list[TaggedSentence]:
        """The allowed gold as tagged sentences (for models that learn entities)."""
        tagged = []
        for row in self.rows:
            doc = self.gold[row["doc_id"]]
            for sentence in sentences_of(row):
                if not self.allows(row["doc_id"], sentence.start, sentence.end):
                    continue
                s, e = sentence.start, sentence.end
                spans = [
                    (m.start - s, m.end - s, m.type)
                    for m in doc.entities
                    if s <= m.start and m.end <= e
                ]
                tagged.append(
                    TaggedSentence(
                        f"{row['doc_id']}:{s}",
                        sentence.text,
                        sentence.tokens,
                        sentence.local_starts,
                        sentence.local_ends,
                        spans,
                    )
                )
        return tagged


class ExtractionModel(ABC):
    name: str = "model"
    version: str = "0"
    reproduced: bool = True
    """Whether the runner builds the predictions itself (False: a submission's own file)."""

    @property
    def model_version(self) -> str:
        """Name and version, as predictions are labelled in Label Studio and in results."""
        return f"{self.name}-{self.version}"

    def train(self, gold: TrainingGold) -> None:  # noqa: B027 (learning is optional)
        """Learn from the Warta gold the protocol allows, plus the model's own configured data.

        The default learns nothing: a rule-based model or a file of predictions.
        """

    def training_data(self) -> list[str]:
        """What the model learnt from besides the Warta gold it was given: public lists and
        corpora named in its config (a self-reported submission: what its manifest declares)."""
        return []

    def declaration(self) -> dict | None:
        """A submission's own declaration of its training (None for models the runner trains)."""
        return None

    def resources(self) -> dict[str, set[str]]:
        """Strings the model built or learnt (gazetteer names, trigger phrases, vocabulary), by
        kind; what the leak test searches for names that occur only in test documents."""
        return {}

    @abstractmethod
    def predict_entities(self, articles: list[dict]) -> list[list[EntityMention]]:
        """Entity mentions per article."""

    def predict_events(
        self, articles: list[dict], entities: list[list[EntityMention]]
    ) -> list[list[EventMention]]:
        """Event mentions per article, given its entity mentions (none by default)."""
        return [[] for _ in articles]

    def predict(self, articles: list[dict]) -> list[DocumentAnnotation]:
        entities = self.predict_entities(articles)
        events = self.predict_events(articles, entities)
        return [
            DocumentAnnotation(a["doc_id"], ents, evs, Provenance(model_version=self.model_version))
            for a, ents, evs in zip(articles, entities, events, strict=True)
        ]
