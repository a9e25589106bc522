"""One leaderboard entry: build the model, train it as the protocol allows, predict, score.

``run(cfg)`` is a plain function of a composed Hydra config (tests call it with ``compose()``);
the ``@hydra.main`` entry point in ``warta.cli.bench`` only calls it.

Protocols: ``test`` trains on anything outside the Warta test split (the configured CoNLL corpus
and any Warta train split) and evaluates on the test split, one unit per document. ``cv`` is k-fold
cross-validation over documents, or over blocks (paragraphs, captions, headlines ...) while the
corpus has fewer documents than folds; each fold's model may also train on the other folds' gold.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from warta.benchmarks.data import Unit, block_units, document_units, folds, restrict
from warta.benchmarks.results import (
    BenchmarkResult,
    MetricValue,
    config_hash,
    git_commit,
    package_versions,
)
from warta.errors import WartaError
from warta.gold.snapshot import gold_documents
from warta.metrics.bootstrap import bootstrap_ci
from warta.metrics.entities import score_annotations
from warta.metrics.events import score_events
from warta.metrics.registry import metrics_of
from warta.models.base import TrainingGold
from warta.repository import Repository
from warta.schema.mentions import DocumentAnnotation
from warta.schema.records import annotation_from_record, annotation_record


@dataclass(frozen=True)
class ScoringSettings:
    """What scoring needs from the config: the types scored and how intervals are drawn."""

    types: list[str]
    confidence: float
    n_resamples: int
    seed: int


def build_model(model_cfg):
    """Instantiate ``cfg.model`` through the model registry (``_target_: warta.models.get_model``).

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
    try:
        return instantiate(options, _convert_="all")
    except InstantiationException as err:
        cause = err.__cause__
        if isinstance(cause, WartaError):
            raise cause from None
        raise WartaError(f"cannot build model {model_cfg.get('name')!r}: {cause or err}") from None


def training_gold(rows: list[dict], gold: dict[str, DocumentAnnotation], units: list[Unit]):
    """The gold a model may learn from: the given units of the given documents."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for unit in units:
        spans.setdefault(unit.doc_id, []).append((unit.start, unit.end))
    return TrainingGold(rows, gold, spans)


def predict_units(cfg, rows, gold) -> tuple[list[Unit], dict[str, DocumentAnnotation], str]:
    """Units, and per unit the prediction for its whole document made by a model that never saw
    that unit's gold; the caller cuts each prediction to its unit."""
    protocol = cfg.data.protocol
    if protocol == "test":
        model = build_model(cfg.model)
        model.train(training_gold(rows, gold, []))
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
        model.train(training_gold(rows, gold, [u for u in units if u not in fold]))
        for doc in model.predict(rows):
            for unit in fold:
                if unit.doc_id == doc.doc_id:
                    predictions[unit.unit_id] = doc
    return units, predictions, "document" if by_document else "block"


SCORERS = {
    "ner": lambda gold, pred, types: score_annotations(gold, pred, types),
    "events": lambda gold, pred, types: score_events(gold, pred),
}


def score(task: str, gold_units, pred_units, settings: ScoringSettings) -> tuple[dict, dict, dict]:
    """Every reported metric of the task with its confidence interval, per-type figures and
    per-unit counts (the input of paired tests)."""
    if task not in SCORERS:
        raise WartaError(f"unknown task {task!r} (tasks: {', '.join(SCORERS)})")
    scores = SCORERS[task](gold_units, pred_units, settings.types)
    metrics: dict[str, MetricValue] = {}
    unit_counts: dict[str, list] = {}
    for spec in metrics_of(task, reported=True):
        value = spec.compute(scores)
        if spec.interval is None:
            metrics[spec.name] = MetricValue(value, value, value, value, value, settings.confidence)
            continue
        counts = scores.unit_counts(spec.key)
        ci = bootstrap_ci(
            counts,
            spec.interval,
            n_resamples=settings.n_resamples,
            confidence=settings.confidence,
            seed=settings.seed,
        )
        total = scores.total(spec.key)
        metrics[spec.name] = MetricValue(
            total.f1, total.precision, total.recall, ci.low, ci.high, settings.confidence
        )
        unit_counts[spec.name] = counts.tolist()
    per_type: dict[str, dict[str, float]] = {}
    if task == "ner":
        for entity_type, counts in scores.per_type("strict").items():
            per_type[entity_type] = {
                "precision": counts.precision,
                "recall": counts.recall,
                "f1": counts.f1,
                "support": counts.possible,
            }
    return metrics, per_type, unit_counts


def run(cfg) -> BenchmarkResult:
    """Score one entry and write its result file; returns the result."""
    from omegaconf import OmegaConf

    repo = Repository(Path(cfg.root).resolve()) if cfg.get("root") else Repository.find()
    schema = repo.schema()
    snapshot = repo.gold_store().get(str(cfg.data.gold_version))
    split = cfg.data.split if cfg.data.protocol == "test" else "all"
    rows = gold_documents(snapshot, split)
    if not rows:
        raise WartaError(f"gold {snapshot.name} has no documents in split {split!r}")
    gold = {r["doc_id"]: annotation_from_record(r) for r in rows}
    units, predictions, unit_kind = predict_units(cfg, rows, gold)
    events = cfg.task.name == "events"
    gold_units = [restrict(gold[u.doc_id], u, all_entities=events) for u in units]
    pred_units = [restrict(predictions[u.unit_id], u, all_entities=events) for u in units]
    types = list(cfg.metrics.types) if cfg.metrics.get("types") else list(schema.entity_types)
    gold_units, pred_units = _only_types(gold_units, types), _only_types(pred_units, types)
    settings = ScoringSettings(
        types, float(cfg.metrics.confidence), int(cfg.metrics.bootstrap_samples), int(cfg.seed)
    )
    metrics, per_type, unit_counts = score(cfg.task.name, gold_units, pred_units, settings)
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
        git_commit=git_commit(repo.root),
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
        predictions=[annotation_record(d) for d in pred_units],
        packages=package_versions(),
    )
    result.write(repo.root / cfg.results_dir)
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
