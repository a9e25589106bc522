"""Versioned metric names: a change to how a metric is scored makes a new name, never a new value.

A name ends in ``_v<version>``; the leaderboard stores values under these names only, so two rows
carry the same name only when they were scored by the same rule. Bump the version (and keep the old
entry) whenever matching, counting or averaging changes.
"""

from __future__ import annotations

from dataclasses import dataclass

SCHEMES = ("strict", "exact", "partial", "type")
EVENT_METRICS = (
    "trigger_id",
    "trigger_cls",
    "argument_id",
    "argument_cls",
    "argument_id_attached",
    "argument_cls_attached",
)


@dataclass(frozen=True)
class MetricSpec:
    name: str
    task: str
    version: int
    description: str


def _entity_specs() -> list[MetricSpec]:
    """Micro P/R/F1 and macro F1 for each SemEval-2013 scheme (see warta.metrics.entities)."""
    rule = "set-based, exact pairs first, then greedy in (start, end, type) order"
    specs = []
    for scheme in SCHEMES:
        for stat in ("f1", "precision", "recall"):
            specs.append(
                MetricSpec(f"entity_{stat}_{scheme}_v1", "entities", 1, f"micro {stat}, {rule}")
            )
        specs.append(
            MetricSpec(
                f"entity_macro_f1_{scheme}_v1",
                "entities",
                1,
                f"mean per-type F1 over types seen in gold or prediction, {rule}",
            )
        )
    return specs


def _event_specs() -> list[MetricSpec]:
    """TextEE's end-to-end trigger and argument F1 (see warta.metrics.events)."""
    specs = []
    for metric in EVENT_METRICS:
        kind, level, *attached = metric.split("_")
        name = f"{kind}_f1_{level}{'_attached' if attached else ''}_v1"
        specs.append(MetricSpec(name, "events", 1, f"TextEE {metric} F1 on per-document sets"))
    return specs


METRICS: dict[str, MetricSpec] = {spec.name: spec for spec in _entity_specs() + _event_specs()}


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
