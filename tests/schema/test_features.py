"""The `datasets` features of the gold layers are exactly what the shipped gold Parquet holds:
its Arrow schema, and the features `load_dataset` reads from the file's metadata."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest
from datasets import ClassLabel, Features

from tests.conftest import REPO
from warta.schema.annotation import load_schema
from warta.schema.features import documents_features, entities_features, events_features
from warta.store import VersionedStore

SCHEMA = load_schema(REPO / "annotations" / "schema.yaml")
GOLD = VersionedStore.for_gold(REPO / "annotations" / "gold").latest()
WRITTEN_UNDER_THIS_SCHEMA = GOLD.manifest.get("schema_sha256") == SCHEMA.sha256
LAYERS = {
    "documents": documents_features,
    "entities": lambda: entities_features(SCHEMA),
    "events": events_features,
}


@pytest.mark.parametrize("layer", LAYERS)
@pytest.mark.skipif(
    not WRITTEN_UNDER_THIS_SCHEMA,
    reason="the newest gold snapshot predates annotations/schema.yaml",
)
def test_arrow_schema_equals_the_shipped_gold_files(layer):
    (shipped,) = {pq.read_schema(path) for path in GOLD.files(layer)}
    assert LAYERS[layer]().arrow_schema.equals(shipped, check_metadata=False)


@pytest.mark.parametrize("layer", LAYERS)
@pytest.mark.skipif(
    not WRITTEN_UNDER_THIS_SCHEMA,
    reason="the newest gold snapshot predates annotations/schema.yaml",
)
def test_features_in_the_shipped_metadata_are_the_same(layer):
    metadata = pq.read_schema(GOLD.files(layer)[0]).metadata[b"huggingface"]
    stored = json.loads(metadata)["info"]["features"]
    assert Features.from_dict(stored) == LAYERS[layer]()


def test_ner_tags_are_the_schema_s_bio_labels():
    tags = entities_features(SCHEMA)["ner_tags"].feature
    assert isinstance(tags, ClassLabel)
    assert tags.names == SCHEMA.bio_labels
    assert tags.names[0] == "O" and {f"B-{t}" for t in SCHEMA.entity_types} <= set(tags.names)
