"""How each protocol trains a model and what it evaluates on.

The one rule every protocol keeps: a model's ``train`` (and so every resource it builds) sees
only train documents, validation documents for model selection, and the public data its config
names; never a test document. ``guard_training`` checks that before every ``train`` call.

- ``test``: train on the train split (validation for selection), evaluate on the test split, one
  unit per document.
- ``cv``: k-fold cross-validation over the train and validation documents (the test split stays
  out); over blocks (paragraphs, captions ...) while there are fewer documents than folds.
- ``external``: train as under ``test``, evaluate on a human-annotated CoNLL corpus (one unit per
  sentence), the predictions' Warta types mapped onto the corpus's types by a declared label map.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from warta.benchmarks.data import Unit, block_units, document_units, folds, restrict
from warta.benchmarks.settings import ExternalCorpus, Settings
from warta.corpus.conll import read_conll
from warta.errors import WartaError
from warta.models.base import ExtractionModel, TrainingGold
from warta.schema.mentions import DocumentAnnotation, EntityMention

UNLISTED = "unlisted"


@dataclass
class Evaluation:
    """Units, gold and predictions cut to each unit, and how the model was trained."""

    units: list[Unit]
    gold: list[DocumentAnnotation]
    predicted: list[DocumentAnnotation]
    unit_kind: str
    model: ExtractionModel
    training_documents: dict[str, int]  # split -> documents a model learnt or selected from
    sources: dict[str, str] = field(default_factory=dict)  # unit_id -> source
    types: list[str] | None = None  # types scored, if the protocol decides them


def guard_training(training: TrainingGold, test_ids: set[str]) -> None:
    """Refuse to train on a test document (a bug in a protocol, never a user's error)."""
    leaked = sorted(training.doc_ids() & test_ids)
    if leaked:
        raise WartaError(
            f"protocol violation: test document(s) {', '.join(leaked[:3])} offered for training"
        )


def whole_split_training(splits, gold, settings: Settings) -> TrainingGold:
    training = TrainingGold.whole(splits["train"], gold, splits["validation"])
    guard_training(training, {r["doc_id"] for r in splits["test"]})
    return training


def evaluate_test(splits, gold, settings: Settings, build) -> Evaluation:
    rows = splits["test"]
    if not rows:
        raise WartaError("the gold has no test documents")
    model = build()
    model.train(whole_split_training(splits, gold, settings))
    by_doc = {d.doc_id: d for d in model.predict(rows)}
    units = document_units(rows)
    events = settings.task == "events"
    return Evaluation(
        units,
        [restrict(gold[u.doc_id], u, all_entities=events) for u in units],
        [restrict(by_doc[u.doc_id], u, all_entities=events) for u in units],
        "document",
        model,
        {"train": len(splits["train"]), "validation": len(splits["validation"])},
    )


def evaluate_cv(splits, gold, settings: Settings, build) -> Evaluation:
    rows = splits["train"] + splits["validation"]
    if not rows:
        raise WartaError(
            "the gold has no train or validation documents: the cv protocol cross-validates over "
            "them (test documents are never trained on)"
        )
    by_document = len(rows) >= settings.folds
    units = document_units(rows) if by_document else block_units(rows)
    test_ids = {r["doc_id"] for r in splits["test"]}
    predictions: dict[str, DocumentAnnotation] = {}
    model = None
    for fold in folds(units, settings.folds, settings.seed):
        model = build()
        spans: dict[str, list[tuple[int, int]]] = {}
        for unit in units:
            if unit not in fold:
                spans.setdefault(unit.doc_id, []).append((unit.start, unit.end))
        training = TrainingGold(rows, gold, spans)
        guard_training(training, test_ids)
        model.train(training)
        for doc in model.predict(rows):
            for unit in fold:
                if unit.doc_id == doc.doc_id:
                    predictions[unit.unit_id] = doc
    events = settings.task == "events"
    return Evaluation(
        units,
        [restrict(gold[u.doc_id], u, all_entities=events) for u in units],
        [restrict(predictions[u.unit_id], u, all_entities=events) for u in units],
        "document" if by_document else "block",
        model,
        {"train": len(splits["train"]), "validation": len(splits["validation"])},
    )


def external_rows(corpus: ExternalCorpus) -> tuple[list[dict], dict[str, DocumentAnnotation]]:
    """Each sentence of the CoNLL file as a one-sentence document, and its gold in the corpus's
    own types."""
    kinds = {t for t in corpus.label_map.values() if t is not None}
    rows, gold = [], {}
    for index, sentence in enumerate(read_conll(corpus.path, {k: k for k in kinds})):
        doc_id = f"{corpus.name}-{index + 1:05d}"
        n, length = len(sentence.tokens), len(sentence.text)
        rows.append(
            {
                "doc_id": doc_id,
                "title": None,
                "text": sentence.text,
                "tokens": sentence.tokens,
                "token_starts": sentence.starts,
                "token_ends": sentence.ends,
                "sentences": [{"start": 0, "end": length, "token_start": 0, "token_end": n}],
                "blocks": [{"type": "paragraph", "start": 0, "end": length}],
            }
        )
        mentions = [
            EntityMention(f"g{i}", kind, s, e, sentence.text[s:e])
            for i, (s, e, kind) in enumerate(sentence.spans)
        ]
        gold[doc_id] = DocumentAnnotation(doc_id, mentions)
    if not rows:
        raise WartaError(f"{corpus.path}: no sentences")
    return rows, gold


def mapped(doc: DocumentAnnotation, label_map: dict[str, str | None], kept) -> DocumentAnnotation:
    """The prediction in the external corpus's types (a type mapped to None is dropped)."""
    entities = [
        EntityMention(m.mention_id, label_map[m.type], m.start, m.end, m.text)
        for m in doc.entities
        if m.type in kept and label_map.get(m.type) is not None
    ]
    return DocumentAnnotation(doc.doc_id, entities, [], doc.provenance)


def evaluate_external(splits, gold, settings: Settings, build) -> Evaluation:
    if settings.task != "ner":
        raise WartaError("the external protocol scores ner only (task=ner)")
    corpus = settings.external
    model = build()
    model.train(whole_split_training(splits, gold, settings))
    rows, external = external_rows(corpus)
    kept = set(settings.types) if settings.types else set(corpus.label_map)
    predicted = [mapped(d, corpus.label_map, kept) for d in model.predict(rows)]
    units = document_units(rows)
    return Evaluation(
        units,
        [external[r["doc_id"]] for r in rows],
        predicted,
        "sentence",
        model,
        {"train": len(splits["train"]), "validation": len(splits["validation"])},
        {u.unit_id: corpus.name for u in units},
        sorted({t for k, t in corpus.label_map.items() if t is not None and k in kept}),
    )


PROTOCOLS = {"test": evaluate_test, "cv": evaluate_cv, "external": evaluate_external}
