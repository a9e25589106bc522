"""The interface every extraction model implements: one method per task, over corpus articles.

An article is a row of the corpus (``text``, ``tokens``, ``token_starts``, ``token_ends``,
``sentences`` ...). Output is a prediction, never gold: its provenance carries the model version.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from warta.schema.mentions import DocumentAnnotation, EntityMention, EventMention, Provenance


class ExtractionModel(ABC):
    name: str = "model"
    version: str = "0"

    @property
    def model_version(self) -> str:
        """Name and version, as predictions are labelled in Label Studio and in results."""
        return f"{self.name}-{self.version}"

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
