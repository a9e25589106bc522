"""A test-only model (not shipped, not registered): tags every token that is a given string, so tests know what to expect."""

from __future__ import annotations

from warta.models.base import ExtractionModel
from warta.schema.mentions import EntityMention


class DummyModel(ExtractionModel):
    name = "dummy"
    version = "1"

    def __init__(self, words: dict[str, str] | None = None) -> None:
        self.words = words or {"Putin": "PER", "Tajikistan": "GPE"}

    def predict_entities(self, articles: list[dict]) -> list[list[EntityMention]]:
        found = []
        for article in articles:
            mentions = []
            for token, start, end in zip(
                article["tokens"], article["token_starts"], article["token_ends"], strict=True
            ):
                if token in self.words:
                    mentions.append(
                        EntityMention(f"p{start}", self.words[token], start, end, token)
                    )
            found.append(mentions)
        return found
