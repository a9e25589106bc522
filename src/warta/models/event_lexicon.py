"""The event baseline: a trigger lexicon learnt from training gold, and each argument attached to
the nearest entity of a type seen in that role, on the side of the trigger it was seen on.

Entities (for the arguments and the NER output) come from another registered model, ``rules`` by
default, trained on the same gold. With no training gold (a gold with an empty train split) the
lexicon is empty and the model predicts no events.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from warta.models import get_model
from warta.models.base import ExtractionModel, TrainingGold
from warta.schema.mentions import Argument, EntityMention, EventMention

MAX_DISTANCE = 200
"""Characters between a trigger and an argument beyond which nothing is attached."""


class EventLexiconModel(ExtractionModel):
    name = "event_lexicon"
    version = "1"

    def __init__(self, entity_model: str = "rules", min_count: int = 1) -> None:
        self.entity_model = get_model(entity_model)
        self.min_count = min_count
        self.lexicon: dict[str, Counter] = {}
        self.roles: dict[str, Counter] = {}

    @property
    def model_version(self) -> str:
        return f"{self.name}-{self.version}+{self.entity_model.model_version}"

    def train(self, gold: TrainingGold) -> None:
        """Learn triggers and argument habits from the gold events the protocol allows; the
        entity model learns from the same gold."""
        self.entity_model.train(gold)
        lexicon: dict[str, Counter] = defaultdict(Counter)
        roles: dict[str, Counter] = defaultdict(Counter)
        for doc, event in gold.events():
            lexicon[event.trigger_text.lower()][event.type, event.mode, event.realis] += 1
            for argument in event.arguments:
                mention = doc.mention(argument.mention_id)
                side = "left" if mention.end <= event.trigger_start else "right"
                roles[event.type][argument.role, side, mention.type] += 1
        self.lexicon = {k: v for k, v in lexicon.items() if sum(v.values()) >= self.min_count}
        self.roles = dict(roles)

    def training_data(self) -> list[str]:
        return self.entity_model.training_data()

    def resources(self) -> dict[str, set[str]]:
        own = {"triggers": set(self.lexicon)}
        entity = {
            f"{self.entity_model.name} {k}": v for k, v in self.entity_model.resources().items()
        }
        return {**own, **entity}

    def predict_entities(self, articles: list[dict]) -> list[list[EntityMention]]:
        return self.entity_model.predict_entities(articles)

    def predict_events(self, articles, entities) -> list[list[EventMention]]:
        if not self.lexicon:
            return [[] for _ in articles]
        pattern = re.compile(
            r"(?<!\w)("
            + "|".join(map(re.escape, sorted(self.lexicon, key=len, reverse=True)))
            + r")(?!\w)",
            re.IGNORECASE,
        )
        return [
            self._events(a["text"], mentions, pattern)
            for a, mentions in zip(articles, entities, strict=True)
        ]

    def _events(
        self, text: str, mentions: list[EntityMention], pattern: re.Pattern
    ) -> list[EventMention]:
        events = []
        for match in pattern.finditer(text):
            start, end = match.span(1)
            (kind, mode, realis), _ = self.lexicon[match.group(1).lower()].most_common(1)[0]
            arguments = []
            used_roles = set()
            for (role, side, entity_type), _ in self.roles.get(kind, Counter()).most_common():
                if role in used_roles:
                    continue
                candidate = _nearest(mentions, start, end, side, entity_type)
                if candidate is not None and all(
                    a.mention_id != candidate.mention_id for a in arguments
                ):
                    arguments.append(Argument(role, candidate.mention_id))
                    used_roles.add(role)
            events.append(
                EventMention(
                    f"x{start}", kind, start, end, text[start:end], realis, mode, tuple(arguments)
                )
            )
        return events


def _nearest(mentions, start: int, end: int, side: str, entity_type: str) -> EntityMention | None:
    if side == "left":
        found = [
            m
            for m in mentions
            if m.type == entity_type and m.end <= start and start - m.end <= MAX_DISTANCE
        ]
        return max(found, key=lambda m: m.end, default=None)
    found = [
        m
        for m in mentions
        if m.type == entity_type and m.start >= end and m.start - end <= MAX_DISTANCE
    ]
    return min(found, key=lambda m: m.start, default=None)
