"""The checked-in Label Studio config is generated from the schema and must not go stale."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from tests.conftest import REPO
from warta.annotations.labelconfig import label_config
from warta.repository import Repository
from warta.schema.annotation import load_schema

SCHEMA = load_schema(REPO / "annotations" / "schema.yaml")


def test_checked_in_config_is_not_stale():
    checked_in = Repository(REPO).label_config_file.read_text(encoding="utf-8")
    assert checked_in == label_config(SCHEMA), "run `warta annotate config` and commit the result"


def test_config_offers_exactly_the_schema():
    root = ET.fromstring(label_config(SCHEMA).split("-->", 1)[1])
    labels = {tag.get("name"): [x.get("value") for x in tag] for tag in root.iter("Labels")}
    assert labels["entity"] == list(SCHEMA.entity_types)
    assert labels["trigger"] == list(SCHEMA.event_types)
    assert [r.get("value") for r in root.iter("Relation")] == list(SCHEMA.roles)
    choices = {c.get("name"): [x.get("value") for x in c] for c in root.iter("Choices")}
    assert choices.pop("realis") == ["actual", "generic", "other"]
    assert choices.pop("mode") == list(SCHEMA.modes)  # the older configs' list, kept hidden
    assert choices == {
        f"mode_{name}": list(event.modes)
        for name, event in SCHEMA.event_types.items()
        if event.modes
    }


def test_a_trigger_shows_only_the_modes_of_its_type():
    root = ET.fromstring(label_config(SCHEMA).split("-->", 1)[1])
    for view in root.iter("View"):
        (choices,) = view.findall("Choices") or [None]
        if choices is None or not choices.get("name").startswith("mode_"):
            continue
        assert view.get("visibleWhen") == "region-selected" and view.get("whenTagName") == "trigger"
        assert choices.get("name") == f"mode_{view.get('whenLabelValue')}"
    hidden = next(v for v in root.iter("View") if v.find("Choices[@name='mode']") is not None)
    assert hidden.get("style") == "display: none"


def test_fields_and_labels_stay_in_view_and_a_relation_has_one_role():
    root = ET.fromstring(label_config(SCHEMA).split("-->", 1)[1])
    parent = {child: view for view in root.iter("View") for child in view}
    for tag in ("entity", "trigger", "entity_id", "realis", "mode_CONSULT"):
        control = next(c for c in root.iter() if c.get("name") == tag)
        columns = [v for v in _ancestors(parent, control) if "sticky" in (v.get("style") or "")]
        assert columns, f"{tag} is not in a column that stays in view"
    assert root.find("Relations").get("choice") == "single"


def _ancestors(parent: dict, node):
    while node in parent:
        node = parent[node]
        yield node
