"""One leaderboard entry: check the settings, build the model, train it as the protocol allows,
predict, score.

``run(cfg)`` is a plain function of a composed Hydra config (tests call it with ``compose()``);
the ``@hydra.main`` entry point in ``warta.cli.bench`` only calls it. The protocols (what a model
trains on, what it is evaluated on) are in ``warta.benchmarks.protocols``; the settings check that
runs first is in ``warta.benchmarks.settings``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from warta.benchmarks.protocols import PROTOCOLS, UNLISTED, Evaluation
from warta.benchmarks.results import (
    BenchmarkResult,
    MetricValue,
    config_hash,
    git_commit,
    package_versions,
)
from warta.benchmarks.settings import Settings, check_settings
from warta.errors import WartaError
from warta.gold.snapshot import gold_documents
from warta.gold.splits import SPLITS
from warta.metrics.bootstrap import bootstrap_ci
from warta.metrics.entities import score_annotations
from warta.metrics.errors import confusions, top_confusions
from warta.metrics.events import per_event_type, score_events
from warta.metrics.registry import metrics_of
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


def build_model(model_cfg, repo: Repository | None = None):
    """Instantiate ``cfg.model`` through the model registry (``_target_: warta.models.get_model``).

    ``entry`` (the leaderboard's default name) is not an option of the model; a ``schema_path``
    left null is the repository's schema. A missing mandatory value or a model's own error comes
    out as one clear ``WartaError``.
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
    options.pop("entry", None)
    if repo is not None and "schema_path" in options and options["schema_path"] is None:
        options["schema_path"] = str(repo.schema_file)
    try:
        return instantiate(options, _convert_="all")
    except InstantiationException as err:
        cause = err.__cause__
        if isinstance(cause, WartaError):
            raise cause from None
        raise WartaError(f"cannot build model {model_cfg.get('name')!r}: {cause or err}") from None


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
    by_type = scores.per_type("strict") if task == "ner" else per_event_type(gold_units, pred_units)
    per_type = {
        kind: {
            "precision": c.precision,
            "recall": c.recall,
            "f1": c.f1,
            "support": c.possible if task == "ner" else c.tp + c.fn,
        }
        for kind, c in by_type.items()
    }
    return metrics, per_type, unit_counts


def split_rows(snapshot) -> dict[str, list[dict]]:
    """The snapshot's documents by split (every split present, maybe empty)."""
    assigned = {d: s for s, ids in snapshot.manifest.get("splits", {}).items() for d in ids}
    rows: dict[str, list[dict]] = {split: [] for split in SPLITS}
    for row in gold_documents(snapshot, None):
        rows.setdefault(assigned.get(row["doc_id"], "unassigned"), []).append(row)
    return rows


def document_sources(repo: Repository, snapshot, doc_ids: set[str]) -> dict[str, str]:
    """Each document's source (``seed``, ``ntrex-128``, ``indosum`` ...) from its corpus version."""
    try:
        corpus = repo.corpus_store().get(snapshot.manifest["corpus_version"])
        rows = corpus.iter_rows("articles", columns=["doc_id", "source"])
        found = {r["doc_id"]: r["source"] or UNLISTED for r in rows if r["doc_id"] in doc_ids}
    except (WartaError, KeyError):
        found = {}
    return {d: found.get(d, UNLISTED) for d in doc_ids}


def declared_training(evaluation: Evaluation, gold_name: str) -> dict:
    """What the entry was trained on: the runner's own record for a model it trained, the
    submission's manifest for a predictions file (self-reported)."""
    model = evaluation.model
    if not model.reproduced:
        manifest = model.declaration() or {}
        return {
            "kind": "self-reported",
            "model": model.model_version,
            "training_data": manifest.get("training_data"),
            "warta_test_seen": manifest.get("warta_test_seen"),
        }
    warta = [
        f"Warta gold {gold_name} {split} ({n} documents{', model selection' if split == 'validation' else ''})"
        for split, n in evaluation.training_documents.items()
        if n
    ]
    return {
        "kind": "reproduced",
        "model": model.model_version,
        "training_data": warta + model.training_data(),
        "warta_test_seen": False,
    }


def run(cfg) -> BenchmarkResult:
    """Score one entry and write its result file; returns the result."""
    from omegaconf import OmegaConf

    repo = Repository(Path(str(cfg.root)).resolve()) if cfg.get("root") else Repository.find()
    schema = repo.schema()
    settings = check_settings(cfg, repo, schema)
    snapshot = repo.gold_store().get(settings.gold_version)
    splits = split_rows(snapshot)
    gold = {r["doc_id"]: annotation_from_record(r) for rows in splits.values() for r in rows}
    evaluation = PROTOCOLS[settings.protocol](
        splits, gold, settings, lambda: build_model(cfg.model, repo)
    )
    if settings.protocol == "external":
        corpus = settings.external
        data = corpus.path.read_bytes()
        gold_info = {
            "version": f"{corpus.name}:{corpus.path.name}",
            "content_sha256": hashlib.sha256(data).hexdigest(),
            "label_map": corpus.label_map,
            "trained_on_gold": snapshot.name,
        }
        protocol = f"external-{corpus.name}"
    else:
        sources = document_sources(repo, snapshot, {u.doc_id for u in evaluation.units})
        evaluation.sources = {u.unit_id: sources[u.doc_id] for u in evaluation.units}
        gold_info = {
            "version": snapshot.name,
            "content_sha256": snapshot.content_sha256,
            "schema_sha256": snapshot.manifest["schema_sha256"],
        }
        protocol = settings.protocol
    types = evaluation.types or settings.types or list(schema.entity_types)
    gold_units = _only_types(evaluation.gold, types)
    pred_units = _only_types(evaluation.predicted, types)
    scoring = ScoringSettings(types, settings.confidence, settings.bootstrap_samples, settings.seed)
    metrics, per_type, unit_counts = score(settings.task, gold_units, pred_units, scoring)
    layer = "entities" if settings.task == "ner" else "events"
    config = OmegaConf.to_container(cfg, resolve=True)
    result = BenchmarkResult(
        entry=settings.entry,
        task=settings.task,
        protocol=protocol,
        unit=evaluation.unit_kind,
        model_version=evaluation.model.model_version or "unknown",
        config=config,
        config_sha256=config_hash(config),
        git_commit=git_commit(repo.root),
        corpus={
            "version": snapshot.manifest["corpus_version"],
            "content_sha256": snapshot.manifest["corpus_content_sha256"],
        },
        gold=gold_info,
        seed=settings.seed,
        metrics=metrics,
        per_type=per_type,
        types_scored=types,
        unit_counts={"units": [u.unit_id for u in evaluation.units], **unit_counts},
        predictions=[annotation_record(d) for d in pred_units],
        packages=package_versions(),
        unit_sources=evaluation.sources,
        errors=top_confusions(confusions(gold_units, pred_units, layer)),
        training=declared_training(evaluation, snapshot.name),
        n_resamples=settings.bootstrap_samples,
    )
    result.write(settings.results_dir)
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


def settings_of(cfg) -> Settings:
    """The checked settings of a composed config (what ``run`` checks first)."""
    repo = Repository(Path(str(cfg.root)).resolve()) if cfg.get("root") else Repository.find()
    return check_settings(cfg, repo, repo.schema())
