"""Mentions are immutable values (usable in sets, as the scorers use them); a document's
annotation finds a mention by id and never shares its lists with another document's."""

from __future__ import annotations

from dataclasses import FrozenInstanceError

import pytest

from warta.schema.mentions import (
    Argument,
    DocumentAnnotation,
    EntityMention,
    EventMention,
    Provenance,
)

PUTIN = EntityMention("p", "PER", 15, 29, "Vladimir Putin", "putin", "Vladimir Putin")
CALL = EventMention(
    "t", "CONSULT", 30, 39, "menelepon", "actual", "phone", (Argument("actor", "p"),)
)


def test_mentions_are_frozen_values():
    with pytest.raises(FrozenInstanceError):
        PUTIN.start = 0  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        CALL.arguments = ()  # type: ignore[misc]
    same = EntityMention("p", "PER", 15, 29, "Vladimir Putin", "putin", "Vladimir Putin")
    assert same == PUTIN and len({same, PUTIN, CALL}) == 2
    assert EntityMention("p", "PER", 15, 29, "Vladimir Putin") != PUTIN  # the cluster counts


def test_optional_fields_default_to_nothing():
    bare = EntityMention("s", "DATE", 0, 4, "2021")
    assert (bare.entity_id, bare.canonical_name) == (None, None)
    event = EventMention("e", "RETREAT", 0, 6, "mundur", "actual")
    assert event.mode is None and event.arguments == ()
    assert Provenance() == Provenance(None, None, None, None, None, None, False, None)


def test_mention_finds_by_id_or_gives_none():
    doc = DocumentAnnotation("d", [PUTIN], [CALL])
    assert doc.mention("p") is PUTIN
    assert doc.mention("t") is None and doc.mention("missing") is None


def test_documents_never_share_their_lists():
    first, second = DocumentAnnotation("a"), DocumentAnnotation("b")
    first.entities.append(PUTIN)
    first.events.append(CALL)
    assert second.entities == [] and second.events == []
    assert first.provenance == second.provenance == Provenance()
