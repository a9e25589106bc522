"""The Label Studio labeling config, generated from the annotation schema (never edited by hand).

Entities and event triggers are span labels on the text; event arguments are relations from a
trigger to an entity, labelled with the role; realis, mode, ``entity_id`` and canonical name are
per-region fields. The tag names below are what the export converter reads back.
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from warta.schema.annotation import AnnotationSchema

ENTITY_TAG = "entity"
TRIGGER_TAG = "trigger"
TEXT_TAG = "text"
ENTITY_ID_TAG = "entity_id"
CANONICAL_TAG = "canonical_name"
REALIS_TAG = "realis"
MODE_TAG = "mode"

ENTITY_COLOURS = (
    "#e6194b",
    "#3cb44b",
    "#4363d8",
    "#f58231",
    "#911eb4",
    "#42d4f4",
    "#f032e6",
    "#9a6324",
    "#800000",
    "#469990",
    "#000075",
    "#808000",
)
TRIGGER_COLOUR = "#ffe119"


def _attrs(**values: str) -> str:
    return " ".join(f"{k.rstrip('_')}={quoteattr(str(v))}" for k, v in values.items())


def label_config(schema: AnnotationSchema) -> str:
    """The XML config; deterministic, so the checked-in copy can be compared byte for byte."""
    lines = [
        f"<!-- Generated from annotations/schema.yaml (schema_version {schema.version}, "
        f"sha256 {schema.sha256[:12]}) by `warta annotate config`. Do not edit. -->",
        "<View>",
        '  <Header value="$title"/>',
        f"  <Labels {_attrs(name=ENTITY_TAG, toName=TEXT_TAG, showInline='true')}>",
    ]
    for index, (name, description) in enumerate(schema.entity_types.items()):
        colour = ENTITY_COLOURS[index % len(ENTITY_COLOURS)]
        lines.append(f"    <Label {_attrs(value=name, background=colour, hint=description)}/>")
    lines += [
        "  </Labels>",
        f"  <Labels {_attrs(name=TRIGGER_TAG, toName=TEXT_TAG, showInline='true')}>",
    ]
    for name, event in schema.event_types.items():
        hint = f"{event.description} Roles: {', '.join(event.roles)}."
        lines.append(f"    <Label {_attrs(value=name, background=TRIGGER_COLOUR, hint=hint)}/>")
    lines += [
        "  </Labels>",
        f"  <Text {_attrs(name=TEXT_TAG, value='$text')}/>",
        "  <Relations>",
    ]
    for role in schema.roles.values():
        lines.append(f"    <Relation {_attrs(value=role.name)}/>")
    lines += [
        "  </Relations>",
        f"  <View {_attrs(visibleWhen='region-selected', whenTagName=ENTITY_TAG)}>",
        '    <Header value="Entity cluster (same real-world entity in this document)"/>',
    ]
    for tag, placeholder in (
        (ENTITY_ID_TAG, "cluster id, e.g. rahmon"),
        (CANONICAL_TAG, "canonical name, e.g. Emomali Rahmon"),
    ):
        lines.append(
            f"    <TextArea {_attrs(name=tag, toName=TEXT_TAG, perRegion='true', editable='true', maxSubmissions='1', rows='1', placeholder=placeholder)}/>"
        )
    lines += [
        "  </View>",
        f"  <View {_attrs(visibleWhen='region-selected', whenTagName=TRIGGER_TAG)}>",
        '    <Header value="Realis"/>',
        f"    <Choices {_attrs(name=REALIS_TAG, toName=TEXT_TAG, perRegion='true', choice='single', showInline='true')}>",
    ]
    for name, description in schema.realis.items():
        lines.append(f"      <Choice {_attrs(value=name, hint=description)}/>")
    lines += [
        "    </Choices>",
        '    <Header value="Mode (only the modes listed for the event type)"/>',
        f"    <Choices {_attrs(name=MODE_TAG, toName=TEXT_TAG, perRegion='true', choice='single', showInline='true')}>",
    ]
    for mode in schema.modes:
        lines.append(f"      <Choice {_attrs(value=mode)}/>")
    lines += ["    </Choices>", "  </View>", "</View>", ""]
    return "\n".join(lines)
