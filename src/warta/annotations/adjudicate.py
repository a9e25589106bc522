"""Adjudication: which annotation of a document is gold.

A ground-truth annotation (flagged in Label Studio) wins; otherwise a single completed annotation is
gold; several annotations and no ground truth make a conflict, kept out of gold until adjudicated.
Cancelled (skipped) annotations never count.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from warta.schema.mentions import DocumentAnnotation


@dataclass
class Adjudication:
    gold: dict[str, DocumentAnnotation] = field(default_factory=dict)
    rule: dict[str, str] = field(default_factory=dict)
    conflicts: dict[str, str] = field(default_factory=dict)


def adjudicate(annotations: dict[str, list[DocumentAnnotation]]) -> Adjudication:
    """Gold per document from its completed (not cancelled) annotations."""
    result = Adjudication()
    for doc_id, docs in sorted(annotations.items()):
        truth = [d for d in docs if d.provenance.ground_truth]
        if len(truth) == 1:
            result.gold[doc_id], result.rule[doc_id] = truth[0], "ground_truth"
        elif len(truth) > 1:
            ids = ", ".join(str(d.provenance.annotation_id) for d in truth)
            result.conflicts[doc_id] = f"{len(truth)} annotations flagged ground truth ({ids})"
        elif len(docs) == 1:
            result.gold[doc_id], result.rule[doc_id] = docs[0], "single_annotation"
        elif len(docs) > 1:
            ids = ", ".join(str(d.provenance.annotation_id) for d in docs)
            result.conflicts[doc_id] = (
                f"{len(docs)} annotations ({ids}) and none flagged ground truth: adjudicate in "
                "Label Studio"
            )
    return result
