"""No model's resources (gazetteers, trigger lexicons, trained vocabularies) contain a name that
occurs only in test documents: every model trained as the benchmark trains it, on a gold built
for the test (with names only its test documents have) and on the shipped gold."""

from __future__ import annotations

import re

import pytest

from tests.benchmarks.gold import TEST_ONLY
from tests.conftest import IDNER, REPO, build_checkpoint
from warta.benchmarks.runner import split_rows
from warta.models import get_model
from warta.models.base import TrainingGold
from warta.models.rules import territories
from warta.repository import Repository
from warta.schema.records import annotation_from_record

NAME_TYPES = {"PER", "ORG", "GPE", "LOC", "FAC", "NORP"}


def words(text: str) -> set[str]:
    """Lowercased words of letters (numbers and dates are not names)."""
    return {w for w in re.findall(r"[^\W\d_]{3,}", text.lower())}


def names_only_in_test(rows: dict[str, list[dict]], gold) -> tuple[set[str], set[str]]:
    """Names (mentions of name types) and trigger phrases of test documents that no train or
    validation text contains, and their words that no train or validation text has."""
    # compared without case: resources are often lowercased ("twitter" in a test document's
    # lower-case mention is no leak when train has "Twitter")
    seen_text = "\n".join(r["text"] for s in ("train", "validation") for r in rows[s]).lower()
    seen_words = words(seen_text)
    names, only_words = set(), set()
    for row in rows["test"]:
        doc = gold[row["doc_id"]]
        names_of = [m.text for m in doc.entities if m.type in NAME_TYPES]
        for text in names_of + [e.trigger_text for e in doc.events]:
            if text.lower() not in seen_text:
                names.add(text)
                only_words |= words(text) - seen_words
    return names, only_words


def leaks(resources: dict[str, set[str]], names: set[str], only_words: set[str]) -> list[str]:
    found = []
    lowered = {name.lower() for name in names}
    for kind, strings in resources.items():
        for string in strings:
            if string.lower() in lowered or words(string) & only_words:
                found.append(f"{kind}: {string}")
    return sorted(found)


def train_as_the_runner(model, rows, gold):
    model.train(TrainingGold.whole(rows["train"], gold, rows["validation"]))
    return model


def fixture_rows(bench_gold):
    rows = {s: [] for s in ("train", "validation", "test")}
    for doc_id, split in bench_gold.splits.items():
        rows[split].append(bench_gold.rows[doc_id])
    return rows


MODELS = {
    "rules": lambda: get_model("rules"),
    "crf": lambda: get_model("crf", max_iterations=20),
    "crf_idner": lambda: get_model("crf", train_path=str(IDNER / "dev.txt"), max_iterations=20),
    "event_lexicon": lambda: get_model("event_lexicon"),
}


def scratch(bench_gold):
    return get_model("transformers_scratch", hidden_size=16, heads=2, epochs=1, max_length=64,
                     schema_path=str(bench_gold.repo.schema_file))  # fmt: skip


def test_a_transformer_built_from_scratch_learns_only_from_train(bench_gold):
    """Its vocabulary comes from the allowed training sentences: no test-only name, and the words
    of train documents are there."""
    rows = fixture_rows(bench_gold)
    names, only_words = names_only_in_test(rows, bench_gold.gold)
    model = train_as_the_runner(scratch(bench_gold), rows, bench_gold.gold)
    assert (
        model.model_version.startswith("transformers_scratch-") and "+ft1-" in model.model_version
    )
    vocabulary = model.resources()["vocabulary"]
    assert leaks({"vocabulary": vocabulary}, names, only_words) == []
    assert words(rows["train"][0]["text"]) <= vocabulary
    (doc,) = model.predict([rows["test"][0]])
    assert all(m.type in bench_gold.repo.schema().entity_types for m in doc.entities)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_no_model_resource_holds_a_test_only_name(bench_gold, name):
    rows = fixture_rows(bench_gold)
    names, only_words = names_only_in_test(rows, bench_gold.gold)
    assert set(TEST_ONLY) <= names and {"wibisono", "wonorejo"} <= only_words
    model = train_as_the_runner(MODELS[name](), rows, bench_gold.gold)
    resources = model.resources()
    assert resources and any(resources.values())
    # words of the public data a model declares (idner-news-2k's file) are not taken from test
    public = words(IDNER.joinpath("dev.txt").read_text("utf-8")) if name == "crf_idner" else set()
    assert leaks(resources, names, only_words - public) == []
    assert leaks(resources, set(TEST_ONLY), words(" ".join(TEST_ONLY)) - public) == []


def test_the_leak_test_catches_a_model_trained_on_test(bench_gold):
    rows = fixture_rows(bench_gold)
    names, only_words = names_only_in_test(rows, bench_gold.gold)
    model = get_model("rules")
    model.train(TrainingGold.whole(rows["train"] + rows["test"], bench_gold.gold))
    assert "gazetteer: Wibisono Hadikusumo" in leaks(model.resources(), names, only_words)
    crf = get_model("crf", max_iterations=5)
    crf.train(TrainingGold.whole(rows["test"], bench_gold.gold))
    assert "vocabulary: wibisono" in leaks(crf.resources(), names, only_words)


def test_a_fine_tuned_transformer_holds_no_test_only_name(bench_gold, tmp_path):
    rows = fixture_rows(bench_gold)
    names, only_words = names_only_in_test(rows, bench_gold.gold)
    texts = [r["text"] for r in rows["train"] + rows["validation"]]
    labels = bench_gold.repo.schema().bio_labels
    folder = build_checkpoint(tmp_path / "ckpt", labels, texts=texts)[0]
    model = get_model("transformers", checkpoint=str(folder), epochs=1, max_length=64,
                      schema_path=str(bench_gold.repo.schema_file))  # fmt: skip
    train_as_the_runner(model, rows, bench_gold.gold)
    assert "+ft1-" in model.model_version
    assert leaks(model.resources(), names, only_words) == []


@pytest.mark.parametrize("name", ["rules", "crf", "event_lexicon"])
def test_models_trained_on_the_shipped_gold_hold_no_test_only_name(name):
    """On whatever gold is shipped: names from the declared public list (Babel's territories)
    are allowed, anything else a model holds must come from train or validation documents."""
    snapshot = Repository(REPO).gold_store().latest()
    rows = split_rows(snapshot)
    gold = {r["doc_id"]: annotation_from_record(r) for rs in rows.values() for r in rs}
    if name == "crf" and not rows["train"]:
        pytest.skip("the shipped gold has no train split yet: the crf has nothing to learn")
    names, only_words = names_only_in_test(rows, gold)
    model = train_as_the_runner(MODELS[name](), rows, gold)
    public = set(territories())
    resources = {k: v - public for k, v in model.resources().items()}
    assert leaks(resources, names - public, only_words) == []
