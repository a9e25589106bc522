"""`datasets` features of the gold layers: ``documents``, ``entities`` and ``events``.

Built from the annotation schema (ClassLabel names come from its entity types) and written into
each Parquet file's metadata, so ``load_dataset`` returns typed features without a loading script.
Offsets: ``documents`` uses character offsets into the document text; ``entities`` and ``events``
rows are sentences, with character offsets into the sentence text and TextEE-style token indices.
"""

from __future__ import annotations

from warta.schema.annotation import AnnotationSchema


def _v(dtype: str):
    from datasets import Value

    return Value(dtype)


def _values(**dtypes: str) -> dict:
    """``Value`` features by name, in the order given."""
    return {name: _v(dtype) for name, dtype in dtypes.items()}


def _provenance() -> dict:
    return _values(task_id="int64", annotation_id="int64", annotator="int64")


def _mention_span() -> dict:
    """A mention's id, type, span and text: shared by entity mentions and event arguments."""
    return _values(mention_id="string", type="string", start="int32", end="int32", text="string")


def entity_mention_feature() -> dict:
    return {
        **_mention_span(),
        **_values(entity_id="string", canonical_name="string"),
        **_provenance(),
    }


def event_mention_feature() -> dict:
    from datasets import List

    argument = {"role": _v("string"), **_mention_span()}
    return {
        **_values(event_id="string", type="string", mode="string", realis="string"),
        **_values(trigger_start="int32", trigger_end="int32", trigger_text="string"),
        "arguments": List(argument),
        **_provenance(),
    }


def _sentence_row() -> dict:
    """The fields that open every per-sentence row (``entities`` and ``events``)."""
    from datasets import List

    row = _values(id="string", doc_id="string", sentence="int32", text="string")
    return {**row, "tokens": List(_v("string"))}


def documents_features():
    from datasets import Features, List

    span = _values(start="int32", end="int32")
    sentence = {**span, **_values(block="int32", token_start="int32", token_end="int32")}
    return Features(
        {
            **_values(doc_id="string", corpus_version="string", title="string"),
            **_values(published="date32", text="string"),
            "blocks": List({"type": _v("string"), **span}),
            "sentences": List(sentence),
            "tokens": List(_v("string")),
            "token_starts": List(_v("int32")),
            "token_ends": List(_v("int32")),
            "entities": List(entity_mention_feature()),
            "events": List(event_mention_feature()),
            **_values(adjudication="string", source="string"),
            **_values(annotated_by="string", annotator_kind="string", record_sha256="string"),
        }
    )


def entities_features(schema: AnnotationSchema):
    from datasets import ClassLabel, Features, List

    return Features(
        {
            **_sentence_row(),
            "token_starts": List(_v("int32")),
            "token_ends": List(_v("int32")),
            "ner_tags": List(ClassLabel(names=schema.bio_labels)),
            "entities": List({**_mention_span(), "entity_id": _v("string")}),
        }
    )


def events_features():
    from datasets import Features, List

    # start/end: token indices in the sentence (None outside it); char_start/char_end: character
    # offsets in the sentence text (may be < 0 outside it)
    located = _values(
        start="int32", end="int32", char_start="int32", char_end="int32", text="string"
    )
    return Features(
        {
            **_sentence_row(),
            "entity_mentions": List({**_values(id="string", entity_type="string"), **located}),
            "event_mentions": List(
                {
                    **_values(id="string", event_type="string", mode="string", realis="string"),
                    "trigger": located,
                    "arguments": List(
                        {**_values(entity_id="string", role="string", in_window="bool"), **located}
                    ),
                }
            ),
        }
    )
