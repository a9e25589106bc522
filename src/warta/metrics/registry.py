"""Versioned metric names: a change to how a metric is scored makes a new name, never a new value.

A name ends in ``_v<version>``; the leaderboard stores values under these names only, so two rows
carry the same name only when they were scored by the same rule. Bump the version (and keep the old
entry) whenever matching, counting or averaging changes.

Each ``MetricSpec`` carries how it is computed from its task's scores (``EntityScores`` or
``EventScores``) and whether results report it; ``PRIMARY`` names the metric each task is ranked by,
once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from warta.metrics.bootstrap import f1_from_counts, scheme_f1
from warta.registry import Registry

SCHEMES = ("strict", "exact", "partial", "type")
EVENT_METRICS = (
    "trigger_id",
    "trigger_cls",
    "argument_id",
    "argument_cls",
    "argument_id_attached",
    "argument_cls_attached",
)
TASKS = ("ner", "events")


@dataclass(frozen=True)
class MetricSpec:
    """One versioned metric: what it reads from its task's scores and how it is resampled."""

    name: str
    task: str  # "ner" or "events"
    version: int
    description: str
    key: str  # the scheme (entities) or TextEE metric (events) it is computed on
    statistic: str  # "f1", "precision", "recall" or "macro_f1"
    reported: bool  # stored in results (precision and recall ride along with their F1)
    interval: Callable[[np.ndarray], np.ndarray] | None = None  # F1 of resampled unit counts

    def compute(self, scores) -> float:
        """The metric's value from ``EntityScores`` / ``EventScores`` (pure, no I/O)."""
        if self.statistic == "macro_f1":
            return scores.macro_f1(self.key)
        return getattr(scores.total(self.key), self.statistic)


def _entity_specs() -> list[MetricSpec]:
    """Micro P/R/F1 and macro F1 for each SemEval-2013 scheme (see warta.metrics.entities)."""
    rule = "set-based, exact pairs first, then greedy in (start, end, type) order"
    specs = []
    for scheme in SCHEMES:
        for stat in ("f1", "precision", "recall"):
            specs.append(
                MetricSpec(
                    f"entity_{stat}_{scheme}_v1", "ner", 1, f"micro {stat}, {rule}", scheme, stat,
                    reported=stat == "f1", interval=scheme_f1 if stat == "f1" else None,
                )
            )  # fmt: skip
        specs.append(
            MetricSpec(
                f"entity_macro_f1_{scheme}_v1", "ner", 1,
                f"mean per-type F1 over types seen in gold or prediction, {rule}",
                scheme, "macro_f1", reported=True,
            )
        )  # fmt: skip
    return specs


def _event_specs() -> list[MetricSpec]:
    """TextEE's end-to-end trigger and argument F1 (see warta.metrics.events)."""
    specs = []
    for metric in EVENT_METRICS:
        kind, level, *attached = metric.split("_")
        name = f"{kind}_f1_{level}{'_attached' if attached else ''}_v1"
        description = f"TextEE {metric} F1 on per-document sets"
        specs.append(MetricSpec(name, "events", 1, description, metric, "f1", True, f1_from_counts))
    return specs


_SPECS = _entity_specs() + _event_specs()
METRICS: Registry[MetricSpec] = Registry("metric", {spec.name: spec for spec in _SPECS})


def metrics_of(task: str, *, reported: bool = False) -> list[MetricSpec]:
    """The specs of one task in a fixed order (only those results report, if asked)."""
    return [s for s in _SPECS if s.task == task and (s.reported or not reported)]


def entity_metric(stat: str, scheme: str, version: int = 1) -> str:
    """The registered name of an entity metric, e.g. ``entity_f1_strict_v1``."""
    name = f"entity_{stat}_{scheme}_v{version}"
    if name not in METRICS:
        raise KeyError(f"unknown entity metric {name!r}")
    return name


def event_metric(metric: str, version: int = 1) -> str:
    """The registered name of an event metric, e.g. ``argument_f1_cls_attached_v1``."""
    kind, level, *attached = metric.split("_")
    name = f"{kind}_f1_{level}{'_attached' if attached else ''}_v{version}"
    if name not in METRICS:
        raise KeyError(f"unknown event metric {name!r}")
    return name


PRIMARY = {"ner": entity_metric("f1", "strict"), "events": event_metric("trigger_cls")}
"""The metric each task's leaderboard is ranked by."""
