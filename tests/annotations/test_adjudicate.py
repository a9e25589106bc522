"""Adjudication rules: ground truth wins, a single annotation is gold, several are a conflict."""

from __future__ import annotations

from warta.annotations.adjudicate import adjudicate
from warta.schema.mentions import DocumentAnnotation, Provenance


def doc(doc_id: str, annotation_id: int, ground_truth: bool = False) -> DocumentAnnotation:
    return DocumentAnnotation(
        doc_id, provenance=Provenance(annotation_id=annotation_id, ground_truth=ground_truth)
    )


def test_rules():
    result = adjudicate(
        {
            "single": [doc("single", 1)],
            "truth": [doc("truth", 2), doc("truth", 3, ground_truth=True)],
            "conflict": [doc("conflict", 4), doc("conflict", 5)],
            "two-truths": [doc("two-truths", 6, True), doc("two-truths", 7, True)],
            "none": [],
        }
    )
    assert result.rule == {"single": "single_annotation", "truth": "ground_truth"}
    assert result.gold["truth"].provenance.annotation_id == 3
    assert set(result.conflicts) == {"conflict", "two-truths"}
    assert (
        "4, 5" in result.conflicts["conflict"]
        and "none flagged ground truth" in result.conflicts["conflict"]
    )
