"""Metric names are unique, versioned and resolvable."""

from __future__ import annotations

import pytest

from warta.metrics.registry import METRICS, entity_metric, event_metric


def test_every_name_carries_its_version():
    for name, spec in METRICS.items():
        assert name == spec.name and name.endswith(f"_v{spec.version}")


def test_expected_names_exist():
    assert entity_metric("f1", "strict") == "entity_f1_strict_v1"
    assert entity_metric("macro_f1", "type") == "entity_macro_f1_type_v1"
    assert event_metric("argument_cls_attached") == "argument_f1_cls_attached_v1"
    assert event_metric("trigger_id") == "trigger_f1_id_v1"
    assert {"entity_f1_exact_v1", "entity_f1_partial_v1", "trigger_f1_cls_v1"} <= set(METRICS)


def test_unknown_names_are_refused():
    with pytest.raises(KeyError):
        entity_metric("f1", "lenient")
    with pytest.raises(KeyError):
        event_metric("trigger_cls", version=2)
