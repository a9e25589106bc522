"""One leaderboard entry: build the model, train it as the protocol allows, predict, score.

``run(cfg)`` is a plain function of a composed Hydra config (tests call it with ``compose()``);
the ``@hydra.main`` entry point in ``warta.benchmarks.cli`` only calls it.

Protocols: ``test`` trains on anything outside the Warta test split (the configured CoNLL corpus
and any Warta train split) and evaluates on the test split, one unit per document. ``cv`` is k-fold
cross-validation over documents, or over blocks (paragraphs, captions, headlines ...) while the
corpus has fewer documents than folds; each fold's model may also train on the other folds' gold.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import numpy as np

from warta.annotations.gold import gold_store
from warta.benchmarks.data import (
    Unit,
    block_units,
    document_units,
    folds,
    gold_annotation,
    gold_documents,
    restrict,
)
from warta.benchmarks.results import (
    BenchmarkResult,
    MetricValue,
    config_hash,
    git_commit,
    package_versions,
)
from warta.corpus.conll import TaggedSentence
from warta.errors import WartaError
from warta.layout import Layout
from warta.metrics.bootstrap import bootstrap_ci, f1_from_counts, scheme_f1
from warta.metrics.entities import score_annotations
from warta.metrics.events import score_events
from warta.metrics.registry import EVENT_METRICS, SCHEMES, entity_metric, event_metric
from warta.schema.annotation import load_schema
from warta.schema.mentions import DocumentAnnotation

PRIMARY_METRIC = {"ner": "entity_f1_strict_v1", "events": "trigger_f1_cls_v1"}


def build_model(model_cfg):
    """Instantiate ``cfg.model`` (its ``name`` is the entry's label, not a constructor argument).

    A missing mandatory value or a model's own error comes out as one clear ``WartaError``.
    """
    from hydra.errors import InstantiationException
    from hydra.utils import instantiate
    from omegaconf import OmegaConf
    from omegaconf.errors import MissingMandatoryValue

    try:
        options = OmegaConf.to_container(model_cfg, resolve=True, throw_on_missing=True)
    except MissingMandatoryValue as err:
        key = err.full_key or "a value"
        raise WartaError(
            f"model.{key.split('.')[-1]} is required: pass {key}=... on the command line"
        ) from None
    options.pop("name", None)
    try:
        return instantiate(options, _convert_="all")
    except InstantiationException as err:
        cause = err.__cause__
        if isinstance(cause, WartaError):
            raise cause from None
        raise WartaError(f"cannot build model {model_cfg.get('name')!r}: {cause or err}") from None


def gold_sentences(
    rows: list[dict], gold: dict[str, DocumentAnnotation], units: list[Unit]
) -> list:
    """Warta gold of some units as training sentences (for models that learn entities)."""
    sentences = []
    for row in rows:
        doc = gold[row["doc_id"]]
        held = [(u.start, u.end) for u in units if u.doc_id == row["doc_id"]]
        for s in row["sentences"]:
            if not any(start <= s["start"] and s["end"] <= end for start, end in held):
                continue
            lo, hi = s["token_start"], s["token_end"]
            spans = [
                (m.start - s["start"], m.end - s["start"], m.type)
                for m in doc.entities
                if s["start"] <= m.start and m.end <= s["end"]
            ]
            starts = [x - s["start"] for x in row["token_starts"][lo:hi]]
            ends = [x - s["start"] for x in row["token_ends"][lo:hi]]
            text = row["text"][s["start"] : s["end"]]
            sentences.append(
                TaggedSentence(
                    f"{row['doc_id']}:{s['start']}", text, row["tokens"][lo:hi], starts, ends, spans
                )
            )
    return sentences


def _train(model, rows, gold, training_units) -> None:
    """Train a model that can learn: on its configured corpus plus the given Warta gold units."""
    if hasattr(model, "fit_gold"):
        model.fit_gold([gold[r["doc_id"]] for r in rows], rows, training_units)
    if hasattr(model, "fit"):
        extra = gold_sentences(rows, gold, training_units) if training_units else []
        model.fit(extra_sentences=extra) if extra else model.fit()


def predict_units(cfg, rows, gold) -> tuple[list[Unit], dict[str, DocumentAnnotation], str]:
    """Units, and per unit the prediction for its whole document made by a model that never saw
    that unit's gold; the caller cuts each prediction to its unit."""
    protocol = cfg.data.protocol
    if protocol == "test":
        model = build_model(cfg.model)
        _train(model, rows, gold, [])
        units = document_units(rows)
        by_doc = {d.doc_id: d for d in model.predict(rows)}
        return units, {u.unit_id: by_doc[u.doc_id] for u in units}, "document"
    if protocol != "cv":
        raise WartaError(f"unknown protocol {protocol!r} (protocols: test, cv)")
    k = int(cfg.data.folds)
    by_document = len(rows) >= k
    units = document_units(rows) if by_document else block_units(rows)
    predictions: dict[str, DocumentAnnotation] = {}
    for fold in folds(units, k, int(cfg.seed)):
        model = build_model(cfg.model)
        _train(model, rows, gold, [u for u in units if u not in fold])
        for doc in model.predict(rows):
            for unit in fold:
                if unit.doc_id == doc.doc_id:
                    predictions[unit.unit_id] = doc
    return units, predictions, "document" if by_document else "block"


def _interval(unit_counts: np.ndarray, statistic: Callable, cfg) -> tuple[float, float]:
    ci = bootstrap_ci(
        unit_counts,
        statistic,
        n_resamples=int(cfg.metrics.bootstrap_samples),
        confidence=float(cfg.metrics.confidence),
        seed=int(cfg.seed),
    )
    return ci.low, ci.high


def score(cfg, task: str, gold_units, pred_units, types) -> tuple[dict, dict, dict]:
    """Metrics with confidence intervals, per-type figures and per-unit counts."""
    metrics: dict[str, MetricValue] = {}
    unit_counts: dict[str, list] = {}
    per_type: dict[str, dict[str, float]] = {}
    confidence = float(cfg.metrics.confidence)
    if task == "ner":
        scores = score_annotations(gold_units, pred_units, types)
        for scheme in SCHEMES:
            total, counts = scores.total(scheme), scores.unit_counts(scheme)
            low, high = _interval(counts, scheme_f1, cfg)
            name = entity_metric("f1", scheme)
            metrics[name] = MetricValue(
                total.f1, total.precision, total.recall, low, high, confidence
            )
            macro = scores.macro_f1(scheme)
            metrics[entity_metric("macro_f1", scheme)] = MetricValue(
                macro, macro, macro, macro, macro, confidence
            )
            unit_counts[name] = counts.tolist()
        for entity_type, counts in scores.per_type("strict").items():
            per_type[entity_type] = {
                "precision": counts.precision,
                "recall": counts.recall,
                "f1": counts.f1,
                "support": counts.possible,
            }
    elif task == "events":
        scores = score_events(gold_units, pred_units)
        for metric in EVENT_METRICS:
            total, counts = scores.total(metric), scores.unit_counts(metric)
            low, high = _interval(counts, f1_from_counts, cfg)
            name = event_metric(metric)
            metrics[name] = MetricValue(
                total.f1, total.precision, total.recall, low, high, confidence
            )
            unit_counts[name] = counts.tolist()
    else:
        raise WartaError(f"unknown task {task!r} (tasks: ner, events)")
    return metrics, per_type, unit_counts


def run(cfg) -> BenchmarkResult:
    """Score one entry and write its result file; returns the result."""
    from omegaconf import OmegaConf

    layout = Layout(Path(cfg.root).resolve()) if cfg.get("root") else Layout.find()
    schema = load_schema(layout.schema_file)
    snapshot = gold_store(layout.annotations_dir).get(str(cfg.data.gold_version))
    split = cfg.data.split if cfg.data.protocol == "test" else "all"
    rows = gold_documents(snapshot, split)
    if not rows:
        raise WartaError(f"gold {snapshot.name} has no documents in split {split!r}")
    gold = {r["doc_id"]: gold_annotation(r) for r in rows}
    units, predictions, unit_kind = predict_units(cfg, rows, gold)
    events = cfg.task.name == "events"
    gold_units = [restrict(gold[u.doc_id], u, all_entities=events) for u in units]
    pred_units = [restrict(predictions[u.unit_id], u, all_entities=events) for u in units]
    types = list(cfg.metrics.types) if cfg.metrics.get("types") else list(schema.entity_types)
    gold_units, pred_units = _only_types(gold_units, types), _only_types(pred_units, types)
    metrics, per_type, unit_counts = score(cfg, cfg.task.name, gold_units, pred_units, types)
    config = OmegaConf.to_container(cfg, resolve=True)
    model_version = (
        next(iter(predictions.values())).provenance.model_version if predictions else "none"
    )
    result = BenchmarkResult(
        entry=str(cfg.entry),
        task=cfg.task.name,
        protocol=cfg.data.protocol,
        unit=unit_kind,
        model_version=model_version or "unknown",
        config=config,
        config_sha256=config_hash(config),
        git_commit=git_commit(layout.root),
        corpus={
            "version": snapshot.manifest["corpus_version"],
            "content_sha256": snapshot.manifest["corpus_content_sha256"],
        },
        gold={
            "version": snapshot.name,
            "content_sha256": snapshot.content_sha256,
            "schema_sha256": snapshot.manifest["schema_sha256"],
        },
        seed=int(cfg.seed),
        metrics=metrics,
        per_type=per_type,
        types_scored=types,
        unit_counts={"units": [u.unit_id for u in units], **unit_counts},
        predictions=[_prediction_record(d) for d in pred_units],
        packages=package_versions(),
    )
    result.write(layout.root / cfg.results_dir)
    return result


def _only_types(docs: list[DocumentAnnotation], types: list[str]) -> list[DocumentAnnotation]:
    """Mentions of types outside the scored set are left out, on both sides (the result lists
    the types scored); event arguments still resolve, as events keep every entity they need."""
    kept = set(types)
    return [
        DocumentAnnotation(
            d.doc_id, [m for m in d.entities if m.type in kept], d.events, d.provenance
        )
        for d in docs
    ]


def _prediction_record(doc: DocumentAnnotation) -> dict:
    return {
        "unit": doc.doc_id,
        "entities": [asdict(m) for m in doc.entities],
        "events": [asdict(e) for e in doc.events],
    }
