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


def _provenance() -> dict:
    return {"task_id": _v("int64"), "annotation_id": _v("int64"), "annotator": _v("int64")}


def entity_mention_feature() -> dict:
    return {
        "mention_id": _v("string"),
        "type": _v("string"),
        "start": _v("int32"),
        "end": _v("int32"),
        "text": _v("string"),
        "entity_id": _v("string"),
        "canonical_name": _v("string"),
        **_provenance(),
    }


def event_mention_feature() -> dict:
    from datasets import List

    argument = {
        "role": _v("string"),
        "mention_id": _v("string"),
        "type": _v("string"),
        "start": _v("int32"),
        "end": _v("int32"),
        "text": _v("string"),
    }
    return {
        "event_id": _v("string"),
        "type": _v("string"),
        "mode": _v("string"),
        "realis": _v("string"),
        "trigger_start": _v("int32"),
        "trigger_end": _v("int32"),
        "trigger_text": _v("string"),
        "arguments": List(argument),
        **_provenance(),
    }


def _sentence_row() -> dict:
    """The fields that open every per-sentence row (``entities`` and ``events``)."""
    from datasets import List

    return {
        "id": _v("string"),
        "doc_id": _v("string"),
        "sentence": _v("int32"),
        "text": _v("string"),
        "tokens": List(_v("string")),
    }


def documents_features():
    from datasets import Features, List

    span = {"start": _v("int32"), "end": _v("int32")}
    return Features(
        {
            "doc_id": _v("string"),
            "corpus_version": _v("string"),
            "title": _v("string"),
            "published": _v("date32"),
            "text": _v("string"),
            "blocks": List({"type": _v("string"), **span}),
            "sentences": List(
                {**span, "block": _v("int32"), "token_start": _v("int32"), "token_end": _v("int32")}
            ),
            "tokens": List(_v("string")),
            "token_starts": List(_v("int32")),
            "token_ends": List(_v("int32")),
            "entities": List(entity_mention_feature()),
            "events": List(event_mention_feature()),
            "adjudication": _v("string"),
            "record_sha256": _v("string"),
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
            "entities": List(
                {
                    "mention_id": _v("string"),
                    "type": _v("string"),
                    "start": _v("int32"),
                    "end": _v("int32"),
                    "text": _v("string"),
                    "entity_id": _v("string"),
                }
            ),
        }
    )


def events_features():
    from datasets import Features, List

    located = {
        "start": _v("int32"),  # token index in the sentence (None if outside it)
        "end": _v("int32"),
        "char_start": _v("int32"),  # character offset in the sentence text (may be < 0 outside)
        "char_end": _v("int32"),
        "text": _v("string"),
    }
    return Features(
        {
            **_sentence_row(),
            "entity_mentions": List({"id": _v("string"), "entity_type": _v("string"), **located}),
            "event_mentions": List(
                {
                    "id": _v("string"),
                    "event_type": _v("string"),
                    "mode": _v("string"),
                    "realis": _v("string"),
                    "trigger": located,
                    "arguments": List(
                        {
                            "entity_id": _v("string"),
                            "role": _v("string"),
                            "in_window": _v("bool"),
                            **located,
                        }
                    ),
                }
            ),
        }
    )
