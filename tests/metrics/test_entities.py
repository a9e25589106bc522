"""SemEval entity scoring: hand-checked cases, invariants, and cross-checks with seqeval/nervaluate."""

from __future__ import annotations

import random
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nervaluate import Evaluator
from seqeval.metrics import f1_score
from seqeval.metrics.v1 import precision_recall_fscore_support
from seqeval.scheme import IOB2

from warta.metrics.counts import SchemeCounts
from warta.metrics.entities import (
    match_spans,
    score_annotations,
    score_entities,
)
from warta.metrics.registry import METRICS, SCHEMES
from warta.schema.mentions import DocumentAnnotation, EntityMention

TYPES = ("A", "B", "C")
NERVALUATE = {"strict": "strict", "exact": "exact", "partial": "partial", "type": "ent_type"}

# The SemEval scenarios of Batista's blog post (and nervaluate's README), character offsets in
# "... of warfarin ... propranolol ... phenytoin ... oral contraceptives ... healthy ... tikosyn".
BLOG = {
    "III": ([(100, 107, "BRAND")], []),  # tikosyn missed
    "II": ([], [(80, 87, "BRAND")]),  # healthy hypothesised
    "V": ([(3, 11, "DRUG")], [(0, 11, "DRUG")]),  # warfarin vs "of warfarin"
    "IV": ([(20, 31, "DRUG")], [(20, 31, "BRAND")]),  # propranolol, wrong type
    "I": ([(40, 49, "DRUG")], [(40, 49, "DRUG")]),  # phenytoin, right
    "VI": ([(65, 79, "GROUP")], [(60, 79, "DRUG")]),  # contraceptives vs "oral contraceptives"
}
BLOG_TABLE = {  # scenario -> (type, partial, exact, strict) as in the blog's table
    "III": ("mis", "mis", "mis", "mis"),
    "II": ("spu", "spu", "spu", "spu"),
    "V": ("cor", "par", "inc", "inc"),
    "IV": ("inc", "cor", "cor", "inc"),
    "I": ("cor", "cor", "cor", "cor"),
    "VI": ("inc", "par", "inc", "inc"),
}


def one_field(field: str) -> SchemeCounts:
    return SchemeCounts(**{field: 1})


@pytest.mark.parametrize("scenario", list(BLOG))
def test_blog_scenarios_one_by_one(scenario):
    gold, pred = BLOG[scenario]
    for scheme, field in zip(
        ("type", "partial", "exact", "strict"), BLOG_TABLE[scenario], strict=True
    ):
        assert match_spans(gold, pred, scheme) == one_field(field), scheme


def test_blog_scenarios_together():
    gold = [s for g, _ in BLOG.values() for s in g]
    pred = [s for _, p in BLOG.values() for s in p]
    expected = {  # hand-summed from the table: POSSIBLE = ACTUAL = 5
        "strict": (SchemeCounts(1, 3, 0, 1, 1), 0.2),
        "exact": (SchemeCounts(2, 2, 0, 1, 1), 0.4),
        "partial": (SchemeCounts(2, 0, 2, 1, 1), 0.6),
        "type": (SchemeCounts(2, 2, 0, 1, 1), 0.4),
    }
    for scheme, (counts, value) in expected.items():
        got = match_spans(gold, pred, scheme)
        assert got == counts
        assert got.possible == got.actual == 5
        assert got.precision == pytest.approx(value) and got.recall == pytest.approx(value)
        assert got.f1 == pytest.approx(value)


def test_blog_summary_table_with_a_second_correct_entity():
    """The README's "putting all together" figures count one more scenario-I entity."""
    gold = [s for g, _ in BLOG.values() for s in g] + [(200, 205, "DRUG")]
    pred = [s for _, p in BLOG.values() for s in p] + [(200, 205, "DRUG")]
    f1 = {s: match_spans(gold, pred, s).f1 for s in SCHEMES}
    assert f1 == pytest.approx({"type": 0.5, "partial": 4 / 6, "exact": 0.5, "strict": 1 / 3})


def test_identical_input_scores_one():
    docs = [{(0, 4, "A"), (5, 9, "B")}, set(), {(2, 3, "C"), (2, 6, "A")}]
    scores = score_entities(docs, docs)
    for scheme in SCHEMES:
        assert scores.total(scheme).f1 == 1.0 and scores.macro_f1(scheme) == 1.0
        assert all(c.f1 == 1.0 for c in scores.per_type(scheme).values())


def test_empty_input_scores_zero_without_errors():
    scores = score_entities([set(), set()], [set(), set()])
    assert scores.types == () and scores.total("strict") == SchemeCounts()
    assert scores.metrics()["entity_f1_partial_v1"] == 0.0


def test_duplicates_count_once():
    assert match_spans([(0, 3, "A")], [(0, 3, "A"), (0, 3, "A")], "strict") == one_field("cor")


def test_exact_match_is_never_stolen_by_an_overlapping_prediction():
    """nervaluate issue #40: its result depends on which prediction comes first; ours does not."""
    gold, preds = [(0, 10, "A")], [(0, 4, "A"), (0, 10, "A")]
    ours = {match_spans(gold, order, "strict") for order in (preds, preds[::-1])}
    assert ours == {SchemeCounts(cor=1, spu=1)}

    def nervaluate_strict(pred):
        as_dicts = [[{"label": t, "start": s, "end": e - 1} for s, e, t in doc] for doc in pred]
        result = Evaluator(as_dicts[:1], as_dicts[1:], tags=["A"], loader="dict").evaluate()
        return result["overall"]["strict"].correct

    assert {nervaluate_strict([gold, order]) for order in (preds, preds[::-1])} == {0, 1}


def test_type_scheme_follows_prediction_order_rule_and_is_not_symmetric():
    """A wrong-type prediction first in canonical order takes the gold (nervaluate's rule)."""
    gold, pred = [(0, 10, "A")], [(0, 3, "B"), (5, 8, "A")]
    assert match_spans(gold, pred, "type") == SchemeCounts(inc=1, spu=1)
    assert match_spans(pred, gold, "type") == SchemeCounts(cor=1, mis=1)


def test_type_scheme_prefers_closest_same_type_gold():
    gold = [(0, 4, "A"), (6, 9, "A")]
    assert match_spans(gold, [(3, 9, "A")], "type") == SchemeCounts(cor=1, mis=1)
    assert match_spans(gold, [(3, 9, "B")], "type") == SchemeCounts(inc=1, mis=1)


def test_per_type_restricts_both_sides():
    scores = score_entities([{(0, 5, "A")}], [{(0, 5, "B")}])
    assert scores.total("exact") == one_field("cor")
    assert scores.total("exact", "A") == one_field("mis")
    assert scores.total("exact", "B") == one_field("spu")
    assert scores.macro_f1("exact") == 0.0


def test_rejects_bad_spans_and_unknown_types():
    with pytest.raises(ValueError, match="empty"):
        match_spans([(3, 3, "A")], [], "strict")
    with pytest.raises(ValueError, match="scheme"):
        match_spans([], [], "lenient")
    with pytest.raises(ValueError, match="not in types"):
        score_entities([{(0, 1, "Z")}], [set()], types=("A",))


def test_metrics_are_registered_names():
    scores = score_entities([{(0, 2, "A")}], [{(0, 2, "A")}])
    assert set(scores.metrics()) <= set(METRICS)
    assert scores.metrics()["entity_f1_strict_v1"] == 1.0


def test_score_annotations_uses_mentions_and_checks_doc_ids():
    gold = [DocumentAnnotation("d1", [EntityMention("m1", "PER", 0, 4, "Budi")])]
    pred = [DocumentAnnotation("d1", [EntityMention("x", "ORG", 0, 4, "Budi")])]
    scores = score_annotations(gold, pred)
    assert scores.total("exact").f1 == 1.0 and scores.total("strict").f1 == 0.0
    with pytest.raises(ValueError, match="doc_ids"):
        score_annotations(gold, [DocumentAnnotation("d2")])


# --- properties -------------------------------------------------------------------------------

span = st.builds(
    lambda s, n, t: (s, s + n, t),
    st.integers(0, 25),
    st.integers(1, 6),
    st.sampled_from(TYPES),
)
docs = st.lists(st.lists(span, max_size=6), min_size=1, max_size=4)


@settings(max_examples=100, deadline=None)
@given(gold=docs)
def test_identical_input_scores_one_on_any_input(gold):
    scores = score_entities(gold, gold, TYPES)
    for scheme in SCHEMES:
        total = scores.total(scheme)
        assert total.f1 == (1.0 if total.possible else 0.0)
        assert total.precision == total.recall == total.f1


@settings(max_examples=150, deadline=None)
@given(gold=docs, data=st.data())
def test_order_of_predictions_and_gold_does_not_matter(gold, data):
    pred = data.draw(st.lists(st.lists(span, max_size=6), min_size=len(gold), max_size=len(gold)))
    rng = random.Random(data.draw(st.integers(0, 2**32)))
    shuffled = [rng.sample(d, len(d)) + d[: rng.randint(0, len(d))] for d in pred]
    gold_shuffled = [rng.sample(d, len(d)) for d in gold]
    a = score_entities(gold, pred, TYPES)
    b = score_entities(gold_shuffled, shuffled, TYPES)
    assert (a.counts == b.counts).all()


@settings(max_examples=150, deadline=None)
@given(gold=docs, data=st.data())
def test_swapping_gold_and_prediction_swaps_precision_and_recall(gold, data):
    """Always for strict and exact (P = COR/|pred|, R = COR/|gold|); see partial below."""
    pred = data.draw(st.lists(st.lists(span, max_size=6), min_size=len(gold), max_size=len(gold)))
    forward, backward = score_entities(gold, pred, TYPES), score_entities(pred, gold, TYPES)
    for scheme in ("strict", "exact"):
        for entity_type in (None, *TYPES):
            f, b = forward.total(scheme, entity_type), backward.total(scheme, entity_type)
            assert (f.precision, f.recall, f.f1) == (b.recall, b.precision, b.f1)


# Well-formed IOB2 sequences: an I-X that does not continue an X entity becomes B-X.
TAGS = ["O", "O", "O", *(f"{p}-{t}" for p in "BI" for t in TYPES)]
raw_tags = st.lists(st.sampled_from(TAGS), min_size=1, max_size=14)


def well_formed(tags: list[str]) -> list[str]:
    out = []
    for tag in tags:
        if tag.startswith("I-") and (not out or out[-1][2:] != tag[2:] or out[-1] == "O"):
            tag = "B-" + tag[2:]
        out.append(tag)
    return out


def iob2_spans(tags: list[str]) -> set[tuple[int, int, str]]:
    spans, start = set(), None
    for i, tag in enumerate([*tags, "O"]):
        if start is not None and not tag.startswith("I-"):
            spans.add((start, i, tags[start][2:]))
            start = None
        if tag.startswith("B-"):
            start = i
    return spans


@st.composite
def tagged_corpus(draw):
    """Gold and predicted IOB2 sequences of equal lengths, predictions a noisy copy or random."""
    gold, pred = [], []
    for _ in range(draw(st.integers(1, 5))):
        g = well_formed(draw(raw_tags))
        noise = draw(st.lists(st.sampled_from(TAGS), min_size=len(g), max_size=len(g)))
        keep = draw(st.lists(st.booleans(), min_size=len(g), max_size=len(g)))
        gold.append(g)
        pred.append(well_formed([a if k else b for a, b, k in zip(g, noise, keep, strict=True)]))
    return gold, pred


@settings(max_examples=200, deadline=None)
@given(tagged_corpus())
def test_strict_matches_seqeval_strict_iob2(corpus):
    gold_tags, pred_tags = corpus
    scores = score_entities([iob2_spans(t) for t in gold_tags], [iob2_spans(t) for t in pred_tags])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        micro = f1_score(gold_tags, pred_tags, mode="strict", scheme=IOB2, zero_division=0)
        p, r, f, _ = precision_recall_fscore_support(
            gold_tags, pred_tags, average=None, scheme=IOB2, zero_division=0
        )
    assert scores.total("strict").f1 == micro
    per_type = [scores.total("strict", t) for t in scores.types]
    assert [(c.precision, c.recall, c.f1) for c in per_type] == list(zip(p, r, f, strict=True))
    assert scores.macro_f1("strict") == (float(f.mean()) if len(f) else 0.0)


def nervaluate_result(gold, pred):
    """nervaluate on our half-open spans: its scorer treats ``end`` as inclusive, so end - 1."""

    def convert(docs):
        return [[{"label": t, "start": s, "end": e - 1} for s, e, t in sorted(d)] for d in docs]

    return Evaluator(convert(gold), convert(pred), tags=list(TYPES), loader="dict").evaluate()


def same_as_nervaluate(ours: SchemeCounts, theirs) -> bool:
    fields = ("correct", "incorrect", "partial", "missed", "spurious")
    counts = ours.astuple() == tuple(getattr(theirs, f) for f in fields)
    return counts and (ours.precision, ours.recall, ours.f1) == (
        theirs.precision,
        theirs.recall,
        theirs.f1,
    )


@settings(max_examples=200, deadline=None)
@given(tagged_corpus())
def test_all_schemes_match_nervaluate_on_non_overlapping_predictions(corpus):
    gold = [iob2_spans(t) for t in corpus[0]]
    pred = [iob2_spans(t) for t in corpus[1]]
    ours = score_entities(gold, pred)
    theirs = nervaluate_result(gold, pred)
    for scheme, name in NERVALUATE.items():
        assert same_as_nervaluate(ours.total(scheme), theirs["overall"][name]), scheme
        for entity_type in ours.types:
            got = ours.total(scheme, entity_type)
            assert same_as_nervaluate(got, theirs["entities"][entity_type][name]), entity_type


@settings(max_examples=150, deadline=None)
@given(tagged_corpus())
def test_partial_swaps_precision_and_recall_when_neither_side_overlaps_itself(corpus):
    gold = [iob2_spans(t) for t in corpus[0]]
    pred = [iob2_spans(t) for t in corpus[1]]
    f, b = score_entities(gold, pred, TYPES), score_entities(pred, gold, TYPES)
    for entity_type in (None, *TYPES):
        x, y = f.total("partial", entity_type), b.total("partial", entity_type)
        assert (x.precision, x.recall, x.f1) == (y.recall, y.precision, y.f1)
