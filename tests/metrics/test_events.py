"""TextEE event metrics on small hand-checked documents."""

from __future__ import annotations

import pytest

from warta.metrics.counts import Counts
from warta.metrics.events import document_event_counts, event_tuples, score_events
from warta.metrics.registry import METRICS
from warta.schema.mentions import Argument, DocumentAnnotation, EntityMention, EventMention

# "Jokowi bertemu Putin di Moskow": two entities and a place.
ENTITIES = [
    EntityMention("m1", "PER", 0, 6, "Jokowi"),
    EntityMention("m2", "PER", 15, 20, "Putin"),
    EntityMention("m3", "GPE", 24, 30, "Moskow"),
]


def doc(event_type="CONSULT", trigger=(7, 14), roles=("actor", "recipient"), mentions=None):
    args = tuple(Argument(r, m) for r, m in zip(roles, ("m1", "m2"), strict=True))
    event = EventMention("e1", event_type, *trigger, "bertemu", "actual", arguments=args)
    return DocumentAnnotation("d1", list(mentions or ENTITIES), [event])


def counts(gold, pred) -> dict[str, tuple[int, int, int]]:
    return {k: (c.tp, c.fp, c.fn) for k, c in document_event_counts(gold, pred).items()}


def test_identical_documents_score_one():
    scores = score_events([doc()], [doc()])
    assert all(c.f1 == 1.0 for c in scores.totals().values())
    assert set(scores.metrics()) <= set(METRICS)


def test_wrong_event_type_keeps_only_trigger_identification():
    got = counts(doc(), doc(event_type="MEET"))
    assert got["trigger_id"] == (1, 0, 0)
    assert got["trigger_cls"] == (0, 1, 1)
    for metric in ("argument_id", "argument_cls", "argument_id_attached", "argument_cls_attached"):
        assert got[metric] == (0, 2, 2), metric


def test_wrong_trigger_span_keeps_unattached_arguments():
    got = counts(doc(), doc(trigger=(7, 10)))
    assert got["trigger_id"] == got["trigger_cls"] == (0, 1, 1)
    assert got["argument_id"] == got["argument_cls"] == (2, 0, 0)
    assert got["argument_id_attached"] == got["argument_cls_attached"] == (0, 2, 2)


def test_wrong_role_keeps_identification():
    got = counts(doc(), doc(roles=("actor", "place")))
    assert got["argument_id"] == got["argument_id_attached"] == (2, 0, 0)
    assert got["argument_cls"] == got["argument_cls_attached"] == (1, 1, 1)


def test_arguments_match_by_span_not_by_mention_id():
    renamed = [EntityMention("x" + m.mention_id, m.type, m.start, m.end, m.text) for m in ENTITIES]
    pred = doc(mentions=renamed)
    pred.events[0] = EventMention(
        "p1",
        "CONSULT",
        7,
        14,
        "bertemu",
        "actual",
        arguments=(Argument("actor", "xm1"), Argument("recipient", "xm2")),
    )
    assert counts(doc(), pred)["argument_cls_attached"] == (2, 0, 0)


def test_tuples_and_totals():
    tuples = event_tuples(doc())
    assert tuples["argument_cls_attached"] == {
        (7, 14, "CONSULT", 0, 6, "actor"),
        (7, 14, "CONSULT", 15, 20, "recipient"),
    }
    scores = score_events([doc(), doc()], [doc(), doc(event_type="MEET")])
    assert scores.total("trigger_cls") == Counts(1, 1, 1)
    assert scores.unit_counts("trigger_cls").tolist() == [[1, 0, 0], [0, 1, 1]]
    assert scores.metrics()["argument_f1_cls_attached_v1"] == pytest.approx(0.5)


def test_errors():
    dangling = doc()
    dangling.entities.pop()
    dangling.entities.pop()
    with pytest.raises(ValueError, match="unknown mention"):
        score_events([doc()], [dangling])
    with pytest.raises(ValueError, match="doc_ids"):
        score_events([doc()], [DocumentAnnotation("other")])
