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
    assert choices["realis"] == ["actual", "generic", "other"]
    assert set(choices["mode"]) == {m for e in SCHEMA.event_types.values() for m in e.modes}
