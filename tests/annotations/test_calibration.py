"""Calibration against idner-news-2k's human gold: sentence ids, the type map, scores per type."""

from __future__ import annotations

import json

import pytest

from tests.conftest import IDNER, REPO
from warta.annotations.calibration import idner_sentences, score_export, type_map
from warta.annotations.convert import to_results
from warta.errors import WartaError
from warta.schema.annotation import load_schema
from warta.schema.mentions import DocumentAnnotation, EntityMention

SCHEMA = load_schema(REPO / "annotations" / "schema.yaml")
GOLD = IDNER / "test.txt"
IDS = ("idner-test-0001", "idner-test-0005", "idner-test-0009")


def test_sentence_ids_are_positions_and_texts_are_joined_tokens():
    sentences = idner_sentences(GOLD)
    first = sentences["idner-test-0001"]
    assert first.text.startswith("Presiden terpilih Joko Widodo")
    assert (first.text[first.spans[0][0] : first.spans[0][1]], first.spans[0][2]) == (
        "Joko Widodo",
        "PER",
    )


def test_the_type_map_is_the_schema_s_idner_column():
    mapping = type_map(SCHEMA)
    assert mapping["GPE"] == mapping["LOC"] == mapping["FAC"] == "LOC"
    assert mapping["PER"] == "PER" and mapping["ORG"] == "ORG"
    assert mapping["NORP"] is None and mapping["DATE"] is None


def export_of(tmp_path, annotate):
    """A saved export: one task per sentence, one annotation made by ``annotate``."""
    sentences = idner_sentences(GOLD)
    tasks = []
    for number, sid in enumerate(IDS, start=1):
        sentence = sentences[sid]
        doc = DocumentAnnotation(sid, annotate(sentence), [])
        tasks.append(
            {
                "id": number,
                "data": {"text": sentence.text, "doc_id": sid},
                "annotations": [{"id": number, "completed_by": 2, "result": to_results(doc)}],
            }
        )
    path = tmp_path / "project-2-20261125T000000000000Z.json"
    path.write_text(json.dumps(tasks))
    return path


def test_copying_the_human_gold_scores_one_and_a_gpe_counts_as_loc(tmp_path):
    def as_warta(sentence):
        kinds = {"PER": "PER", "ORG": "ORG", "LOC": "GPE"}
        return [
            EntityMention(f"m{i}", kinds[t], s, e, sentence.text[s:e])
            for i, (s, e, t) in enumerate(sentence.spans)
        ] + [EntityMention("date", "DATE", 0, 1, sentence.text[0])]  # dropped by the map

    result = score_export(
        export_of(tmp_path, as_warta), SCHEMA, idner_sentences(GOLD), gold_file="t", n_resamples=50
    )
    assert result.overall["f1"] == 1.0 and result.overall["fp"] == 0
    assert result.sentences == 3 and result.annotations == 3
    assert result.by_annotator["user 2"]["sentences"] == 3


def test_missing_and_extra_mentions_lower_recall_and_precision(tmp_path):
    def half(sentence):
        kept = [
            EntityMention(f"m{i}", "PER" if t == "PER" else "ORG", s, e, sentence.text[s:e])
            for i, (s, e, t) in enumerate(sentence.spans)
            if t != "LOC"
        ]
        return kept

    result = score_export(
        export_of(tmp_path, half), SCHEMA, idner_sentences(GOLD), gold_file="t", n_resamples=50
    )
    gold_loc = sum(1 for sid in IDS for *_, t in idner_sentences(GOLD)[sid].spans if t == "LOC")
    assert result.by_type["LOC"]["fn"] == gold_loc and result.by_type["LOC"]["tp"] == 0
    assert result.by_type["PER"]["f1"] == 1.0


def test_a_task_that_is_not_a_sentence_of_the_gold_file_is_refused(tmp_path):
    path = tmp_path / "project-2-x.json"
    path.write_text(
        json.dumps([{"id": 7, "data": {"text": "Lain .", "doc_id": "idner-test-0001"}}])
    )
    with pytest.raises(WartaError, match=r"task 7: 'idner-test-0001' is not a sentence of t"):
        score_export(path, SCHEMA, idner_sentences(GOLD), gold_file="t")
    path.write_text("{")
    with pytest.raises(WartaError, match="not a Label Studio JSON export"):
        score_export(path, SCHEMA, idner_sentences(GOLD), gold_file="t")


def test_overlap_matching_sets_boundary_conventions_aside_one_to_one():
    from warta.annotations.calibration import overlap_counts

    gold = {(0, 9, "ORG"), (20, 29, "PER")}  # "(Bawaslu)", "Jokowi-JK"
    ours = {(1, 8, "ORG"), (20, 26, "PER"), (27, 29, "PER"), (40, 45, "LOC")}
    counts = overlap_counts(gold, ours)
    assert (counts.tp, counts.fp, counts.fn) == (2, 2, 0)  # the second half of a pair is extra
    assert overlap_counts(gold, {(1, 8, "PER")}).tp == 0  # the type must still agree
