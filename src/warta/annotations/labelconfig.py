"""The Label Studio labeling config, generated from the annotation schema (never edited by hand).

Entities and event triggers are span labels on the text; event arguments are relations from a
trigger to an entity, labelled with the role (one per relation); realis, mode, ``entity_id`` and
canonical name are per-region fields. Each event type with modes has its own Mode control
(``mode_<TYPE>``), shown only on a trigger of that type. The tag names below are what the export
converter reads back.
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


# Two columns that stay in view while the text scrolls (CSS sticky inside Label Studio's scrolling
# main panel): the text under a bar of entity labels on the left; the trigger labels and the
# selected region's fields on the right; both above the relation arrows (their z-index is 100).
# Before, the fields came after the last paragraph and every cluster id or mode meant scrolling
# down and back up (benchmarks/perf/annotator_page.py: 6 scrolls for one event, now none).
PAGE_STYLE = "display: flex; align-items: flex-start; gap: 16px"
TEXT_COLUMN_STYLE = "flex: 1 1 auto; min-width: 0"
LABEL_BAR_STYLE = (
    "position: sticky; top: 0; z-index: 200; background: #ffffff; "
    "padding: 4px 0; border-bottom: 1px solid #e0e0e0"
)
FIELDS_COLUMN_STYLE = (
    "flex: 0 0 340px; position: sticky; top: 0; z-index: 200; max-height: 100vh; overflow-y: auto; "
    "padding: 8px 12px; border-left: 1px solid #e0e0e0"
)

DONE_HINT = "Esc when done with this region (a label clicked now changes it)"
HINT_STYLE = "margin: 8px 0; color: #666666; font-size: 13px; font-weight: normal"


def mode_tag(event_type: str) -> str:
    """The per-region Mode control of one event type (shown only on triggers of that type)."""
    return f"{MODE_TAG}_{event_type}"


def _labels(name: str, labels: list[tuple[str, str, str]]) -> list[str]:
    lines = [f"      <Labels {_attrs(name=name, toName=TEXT_TAG, showInline='true')}>"]
    for value, colour, hint in labels:
        lines.append(f"        <Label {_attrs(value=value, background=colour, hint=hint)}/>")
    return [*lines, "      </Labels>"]


def _choices(name: str, choices: list[tuple[str, str | None]], indent: str) -> list[str]:
    attrs = _attrs(name=name, toName=TEXT_TAG, perRegion="true", choice="single", showInline="true")
    lines = [f"{indent}<Choices {attrs}>"]
    for value, hint in choices:
        extra = {"hint": hint} if hint else {}
        lines.append(f"{indent}  <Choice {_attrs(value=value, **extra)}/>")
    return [*lines, f"{indent}</Choices>"]


def label_config(schema: AnnotationSchema) -> str:
    """The XML config; deterministic, so the checked-in copy can be compared byte for byte."""
    entities = [
        (name, ENTITY_COLOURS[index % len(ENTITY_COLOURS)], description)
        for index, (name, description) in enumerate(schema.entity_types.items())
    ]
    triggers = [
        (name, TRIGGER_COLOUR, f"{event.description} Roles: {', '.join(event.roles)}.")
        for name, event in schema.event_types.items()
    ]
    lines = [
        f"<!-- Generated from annotations/schema.yaml (schema_version {schema.version}, "
        f"sha256 {schema.sha256[:12]}) by `warta annotate config`. Do not edit. -->",
        "<View>",
        '  <Relations choice="single">',
        *(f"    <Relation {_attrs(value=role.name)}/>" for role in schema.roles.values()),
        "  </Relations>",
        f"  <View {_attrs(style=PAGE_STYLE)}>",
        f"    <View {_attrs(style=TEXT_COLUMN_STYLE)}>",
        f"      <View {_attrs(style=LABEL_BAR_STYLE)}>",
        *_labels(ENTITY_TAG, entities),
        "      </View>",
        '      <Header value="$title"/>',
        f"      <Text {_attrs(name=TEXT_TAG, value='$text')}/>",
        "    </View>",
        f"    <View {_attrs(style=FIELDS_COLUMN_STYLE)}>",
        *_labels(TRIGGER_TAG, triggers),
        f"      <View {_attrs(visibleWhen='no-region-selected')}>",
        '        <Header value="Select a region to see its fields here" size="5"/>',
        "      </View>",
        # Clicking a label while a region is selected relabels that region: say how to let go.
        f"      <View {_attrs(visibleWhen='region-selected')}>",
        f"        <Header {_attrs(value=DONE_HINT, size='5', style=HINT_STYLE)}/>",
        "      </View>",
        f"      <View {_attrs(visibleWhen='region-selected', whenTagName=ENTITY_TAG)}>",
        '        <Header value="Entity cluster (same real-world entity in this document)" size="5"/>',
    ]
    for tag, placeholder in (
        (ENTITY_ID_TAG, "cluster id, e.g. rahmon"),
        (CANONICAL_TAG, "canonical name, e.g. Emomali Rahmon"),
    ):
        lines.append(
            f"        <TextArea {_attrs(name=tag, toName=TEXT_TAG, perRegion='true', editable='true', maxSubmissions='1', rows='1', placeholder=placeholder)}/>"
        )
    lines += [
        "      </View>",
        f"      <View {_attrs(visibleWhen='region-selected', whenTagName=TRIGGER_TAG)}>",
        '        <Header value="Realis" size="5"/>',
        *_choices(REALIS_TAG, list(schema.realis.items()), "        "),
        "      </View>",
    ]
    for name, event in schema.event_types.items():
        if not event.modes:
            continue
        when = {
            "visibleWhen": "region-selected",
            "whenTagName": TRIGGER_TAG,
            "whenLabelValue": name,
        }
        lines += [
            f"      <View {_attrs(**when)}>",
            f"        <Header {_attrs(value=f'Mode of {name}', size='5')}/>",
            *_choices(mode_tag(name), [(m, None) for m in event.modes], "        "),
            "      </View>",
        ]
    lines += [
        "    </View>",
        "  </View>",
        "  <!-- The single Mode list of configs before per-type modes: hidden, kept so that annotations",
        "       made with it still pass Label Studio's config check and read back. -->",
        f"  <View {_attrs(style='display: none')}>",
        *_choices(MODE_TAG, [(m, None) for m in schema.modes], "    "),
        "  </View>",
        "</View>",
        "",
    ]
    return "\n".join(lines)
