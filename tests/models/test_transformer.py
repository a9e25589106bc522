"""The transformers adapter on tiny checkpoints built in the test: valid, deterministic, versioned."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.conftest import IDNER, REPO, SEED, build_checkpoint, shipped_seed_row
from warta.corpus.conll import bio_from_spans, read_conll
from warta.errors import WartaError
from warta.models import get_model
from warta.models.transformer import label_tags, word_windows
from warta.schema.annotation import load_schema

SCHEMA = load_schema(REPO / "annotations" / "schema.yaml")


@pytest.fixture(scope="module")
def seed() -> dict:
    row = shipped_seed_row()
    return row


def spans(doc) -> list[tuple[int, int, str]]:
    return [(m.start, m.end, m.type) for m in doc.entities]


def test_predictions_on_the_seed_article_are_valid(tiny_checkpoint, seed):
    model = get_model("transformers", checkpoint=str(tiny_checkpoint), batch_size=4)
    (doc,) = model.predict([seed])
    assert doc.entities, "a random tiny model still tags something"
    for m in doc.entities:
        assert seed["text"][m.start : m.end] == m.text
        assert m.type in SCHEMA.entity_types
    assert len({m.mention_id for m in doc.entities}) == len(doc.entities)
    assert doc.provenance.model_version == model.model_version
    assert model.model_version.startswith(f"transformers-{tiny_checkpoint.name}-")


def test_the_same_checkpoint_predicts_the_same_twice(tiny_checkpoint, seed):
    first = get_model("transformers", checkpoint=str(tiny_checkpoint)).predict([seed])
    second = get_model("transformers", checkpoint=str(tiny_checkpoint)).predict([seed])
    assert first == second


def test_model_version_changes_with_the_weights(tmp_path):
    folder = tmp_path / "tiny"
    build_checkpoint(folder, ["O", "B-PER", "I-PER"], seed=0)
    before = get_model("transformers", checkpoint=str(folder)).model_version
    assert get_model("transformers", checkpoint=str(folder)).model_version == before
    build_checkpoint(folder, ["O", "B-PER", "I-PER"], seed=1)
    after = get_model("transformers", checkpoint=str(folder)).model_version
    assert after != before and after.startswith("transformers-tiny-")


def test_a_missing_or_wrong_checkpoint_is_a_clear_error(tmp_path):
    with pytest.raises(WartaError, match=r"nowhere: checkpoint folder not found"):
        get_model("transformers", checkpoint=str(tmp_path / "nowhere"))
    with pytest.raises(WartaError, match=r"empty: not a checkpoint folder \(needs config.json"):
        (tmp_path / "empty").mkdir()
        get_model("transformers", checkpoint=str(tmp_path / "empty"))
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.json").write_text('{"model_type": "no-such-model"}')
    (broken / "model.safetensors").write_bytes(b"not weights")
    model = get_model("transformers", checkpoint=str(broken))
    with pytest.raises(WartaError, match=r"broken: cannot load a token-classification checkpoint"):
        model.predict([])


def test_damaged_weights_or_a_bad_device_are_clear_errors(tiny_checkpoint, tmp_path):
    damaged = tmp_path / "damaged"
    shutil.copytree(tiny_checkpoint, damaged)
    (damaged / "model.safetensors").write_bytes(b"\x10" * 100)
    with pytest.raises(WartaError, match=r"damaged: cannot load a token-classification"):
        get_model("transformers", checkpoint=str(damaged)).predict([])
    with pytest.raises(WartaError, match=r"device 'gpu9' cannot be used"):
        get_model("transformers", checkpoint=str(tiny_checkpoint), device="gpu9").predict([])


def test_label_map_renames_and_drops_types(make_checkpoint, seed):
    folder = make_checkpoint(["O", "B-LOC", "I-LOC"], favour="B-LOC")
    as_gpe = get_model("transformers", checkpoint=str(folder), label_map={"LOC": "GPE"})
    (doc,) = as_gpe.predict([seed])
    assert len(doc.entities) == len(seed["tokens"])  # B- everywhere: one mention per token
    assert {m.type for m in doc.entities} == {"GPE"}
    (doc,) = get_model("transformers", checkpoint=str(folder)).predict([seed])
    assert {m.type for m in doc.entities} == {"LOC"}  # a Warta type maps to itself
    dropped = get_model("transformers", checkpoint=str(folder), label_map={"LOC": None})
    assert dropped.predict([seed])[0].entities == []
    assert dropped.model_version != as_gpe.model_version


def test_labels_outside_the_schema_need_a_map(make_checkpoint, seed):
    folder = make_checkpoint(["O", "B-LOCATION", "I-LOCATION"])
    with pytest.raises(WartaError, match=r"labels LOCATION are not Warta entity types"):
        get_model("transformers", checkpoint=str(folder)).predict([seed])
    with pytest.raises(WartaError, match=r"label_map targets PLACE are not entity types"):
        get_model("transformers", checkpoint=str(folder), label_map={"LOCATION": "PLACE"}).predict(
            [seed]
        )


def test_long_sentences_are_cut_into_windows_and_joined_again(make_checkpoint, seed):
    # Prefix-less IO labels, PER everywhere: each sentence is one span, however it was windowed.
    folder = make_checkpoint(["O", "PER"], favour="PER")
    (doc,) = get_model("transformers", checkpoint=str(folder), max_length=6).predict([seed])
    expected = [
        (seed["token_starts"][s["token_start"]], seed["token_ends"][s["token_end"] - 1], "PER")
        for s in seed["sentences"]
        if s["token_end"] > s["token_start"]
    ]
    assert spans(doc) == expected


def test_word_windows_fit_the_budget():
    assert word_windows([3, 3, 3, 10, 1], 6) == [(0, 2), (2, 3), (3, 4), (4, 5)]
    assert word_windows([1, 1], 6) == [(0, 2)]
    assert word_windows([], 6) == []


def test_label_tags_read_iob2_and_io_labels():
    mapping = {"PER": "PER", "LOC": "GPE", "MISC": None}
    assert label_tags(["B-PER", "I-PER", "O", "I-LOC", "B-MISC"], mapping) == [
        "B-PER",
        "I-PER",
        "O",
        "I-GPE",
        "O",
    ]
    assert label_tags(["PER", "PER", "LOC", "O", "PER"], mapping) == [
        "B-PER",
        "I-PER",
        "B-GPE",
        "O",
        "B-PER",
    ]


def test_the_registry_does_not_import_torch():
    code = (
        "import sys, warta.models, warta.models.transformer; "
        "assert not {'torch', 'transformers'} & set(sys.modules), 'heavy import'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.slow
def test_a_briefly_fine_tuned_model_finds_a_training_entity(tmp_path):
    import torch
    from transformers import AutoModelForTokenClassification

    labels = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-GPE", "I-GPE"]
    conll = read_conll(IDNER / "dev.txt", {"PER": "PER", "ORG": "ORG", "LOC": "GPE"})
    sentences = [s for s in conll if s.spans and len(s.tokens) <= 30][:8]
    folder, tokenizer, _ = build_checkpoint(
        tmp_path / "tuned", labels, texts=[s.text for s in sentences] + [SEED.read_text("utf-8")]
    )
    model = AutoModelForTokenClassification.from_pretrained(folder, local_files_only=True)
    encoding = tokenizer(
        [s.tokens for s in sentences], is_split_into_words=True, padding=True, return_tensors="pt"
    )
    targets = torch.full(encoding["input_ids"].shape, -100)
    for row, sentence in enumerate(sentences):
        tags = _tags(sentence)
        seen = set()
        for position, word in enumerate(encoding.word_ids(row)):
            if word is not None and word not in seen:
                seen.add(word)
                targets[row, position] = labels.index(tags[word])
    torch.manual_seed(0)
    optimiser = torch.optim.AdamW(model.parameters(), lr=3e-3)
    model.train()
    for _ in range(60):
        optimiser.zero_grad()
        model(**encoding, labels=targets).loss.backward()
        optimiser.step()
    model.save_pretrained(folder)

    tagger = get_model("transformers", checkpoint=str(folder))
    articles = [_article(i, s) for i, s in enumerate(sentences)]
    found = {
        (d.doc_id, m.start, m.end, m.type) for d in tagger.predict(articles) for m in d.entities
    }
    gold = {
        (a["doc_id"], *span) for a, s in zip(articles, sentences, strict=True) for span in s.spans
    }
    assert found & gold


def _tags(sentence) -> list[str]:
    return bio_from_spans(sentence.starts, sentence.ends, sentence.spans)


def _article(index: int, sentence) -> dict:
    """A training sentence as a one-sentence corpus article."""
    n = len(sentence.tokens)
    return {
        "doc_id": f"idner-{index}",
        "text": sentence.text,
        "tokens": sentence.tokens,
        "token_starts": sentence.starts,
        "token_ends": sentence.ends,
        "sentences": [
            {"start": 0, "end": len(sentence.text), "block": 0, "token_start": 0, "token_end": n}
        ],
    }
