"""The annotation schema file: what it must contain, and clear errors when it is broken."""

from __future__ import annotations

import pytest

from tests.conftest import REPO
from warta.errors import WartaError
from warta.schema.annotation import load_schema

SCHEMA_FILE = REPO / "annotations" / "schema.yaml"


def test_shipped_schema_has_the_required_types_and_mappings():
    schema = load_schema(SCHEMA_FILE)
    assert list(schema.entity_types) == [
        "PER",
        "ORG",
        "GPE",
        "LOC",
        "FAC",
        "NORP",
        "DATE",
        "CARDINAL",
        "MONEY",
        "PERCENT",
        "QUANTITY",
        "TIME",
    ], "schema_version 2 appends its types after the first eight, so label ids keep their values"
    for plover in (
        "CONSULT",
        "SUPPORT",
        "AGREE",
        "MOBILIZE",
        "RETREAT",
        "ASSAULT",
        "COERCE",
        "SANCTION",
    ):
        assert schema.event_types[plover].source == "PLOVER"
    assert (
        "phone" in schema.event_types["CONSULT"].modes
        and "visit" in schema.event_types["CONSULT"].modes
    )
    assert {"SEIZE_TERRITORY", "DESIGNATE_TERRORIST"} <= set(schema.event_types)
    assert set(schema.realis) == {"actual", "generic", "other"}
    for event in schema.event_types.values():
        assert set(event.maps) == {"plover", "ace2005", "acled"}, event.name
    assert schema.bio_labels[:3] == ["O", "B-PER", "I-PER"] and len(
        schema.bio_labels
    ) == 1 + 2 * len(schema.entity_types)


def test_role_checks_explain_themselves():
    schema = load_schema(SCHEMA_FILE)
    assert schema.role_allows("CONSULT", "actor", "PER") is None
    assert schema.role_allows("CONSULT", "time", "PER") == "role 'time' takes DATE, not PER"
    assert "not a role of CONSULT" in schema.role_allows("CONSULT", "territory", "GPE")
    assert "not in the schema" in schema.role_allows("PICNIC", "actor", "PER")


def test_broken_schema_is_an_error_naming_the_file_and_reference(tmp_path):
    broken = tmp_path / "schema.yaml"
    broken.write_text(
        SCHEMA_FILE.read_text().replace(
            "roles: [actor, recipient, place, time]", "roles: [actor, victim]", 1
        )
    )
    with pytest.raises(
        WartaError, match=rf"{broken}: event type 'CONSULT' names unknown role 'victim'"
    ):
        load_schema(broken)
    broken.write_text("entity_types: [")
    with pytest.raises(WartaError, match="not valid YAML"):
        load_schema(broken)
    with pytest.raises(WartaError, match="annotation schema not found"):
        load_schema(tmp_path / "missing.yaml")
