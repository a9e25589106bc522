"""Scoring units: documents or blocks, mentions cut to a unit, and k folds in which every unit is
in exactly one fold, the same for the same seed."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import shipped_seed_gold
from warta.benchmarks.data import UNIT_BLOCKS, Unit, block_units, document_units, folds, restrict
from warta.schema.mentions import Argument, DocumentAnnotation, EntityMention, EventMention

ROW = shipped_seed_gold()


def test_one_document_unit_spans_the_whole_text():
    (unit,) = document_units([ROW])
    assert unit == Unit(ROW["doc_id"], ROW["doc_id"], 0, len(ROW["text"]))


def test_block_units_are_the_blocks_of_each_document():
    units = block_units([ROW])
    blocks = [b for b in ROW["blocks"] if b["type"] in UNIT_BLOCKS]
    assert [(u.start, u.end) for u in units] == [(b["start"], b["end"]) for b in blocks]
    assert len({u.unit_id for u in units}) == len(units) > 5
    assert all(
        u.unit_id.startswith(f"{ROW['doc_id']}#b") and u.doc_id == ROW["doc_id"] for u in units
    )


PUTIN = EntityMention("p", "PER", 0, 5, "Putin")
RAHMON = EntityMention("r", "PER", 30, 36, "Rahmon")
CALL = EventMention("c", "CONSULT", 6, 15, "menelepon", "actual", None,
                    (Argument("actor", "p"), Argument("recipient", "r")))  # fmt: skip
DOC = DocumentAnnotation("d", [PUTIN, RAHMON], [CALL])


def test_restrict_keeps_the_mentions_inside_the_unit():
    first = restrict(DOC, Unit("d#b0", "d", 0, 20))
    assert first.doc_id == "d#b0" and first.entities == [PUTIN] and first.events == [CALL]
    second = restrict(DOC, Unit("d#b1", "d", 20, 40))
    assert second.entities == [RAHMON] and second.events == []
    straddling = restrict(DOC, Unit("d#b2", "d", 3, 40))
    assert straddling.entities == [RAHMON] and straddling.events == [CALL]


def test_restrict_with_all_entities_keeps_the_arguments_resolvable():
    cut = restrict(DOC, Unit("d#b0", "d", 0, 20), all_entities=True)
    assert cut.entities == [PUTIN, RAHMON] and cut.events == [CALL]


def test_restrict_to_another_document_s_unit_is_empty():
    other = restrict(DOC, Unit("e", "e", 0, 100))
    assert other.doc_id == "e" and other.entities == [] and other.events == []


units = st.lists(st.text(min_size=1, max_size=8), unique=True, max_size=40).map(
    lambda ids: [Unit(i, "d", n, n + 1) for n, i in enumerate(ids)]
)


@settings(max_examples=100, deadline=None)
@given(units, st.integers(1, 7), st.integers(0, 2**32))
def test_every_unit_is_in_exactly_one_fold(given_units, k, seed):
    made = folds(given_units, k, seed)
    assert len(made) == k
    assigned = [u for fold in made for u in fold]
    assert sorted(assigned, key=lambda u: u.unit_id) == sorted(given_units, key=lambda u: u.unit_id)
    assert max(map(len, made)) - min(map(len, made)) <= 1


@settings(max_examples=50, deadline=None)
@given(units, st.integers(1, 7), st.integers(0, 2**32))
def test_folds_depend_on_the_seed_not_the_input_order(given_units, k, seed):
    assert folds(given_units, k, seed) == folds(list(reversed(given_units)), k, seed)


def test_another_seed_gives_other_folds():
    many = [Unit(f"u{i:02d}", "d", i, i + 1) for i in range(30)]
    assert folds(many, 5, 13) == folds(many, 5, 13)
    assert folds(many, 5, 13) != folds(many, 5, 14)
