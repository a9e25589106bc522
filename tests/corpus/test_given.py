"""Given segmentation through cleaning: whole lines kept or removed, offsets exact, or refused."""

from __future__ import annotations

import pytest

from warta.corpus.clean import Block, CleanArticle, segment
from warta.corpus.given import GivenMismatch, aligned_translation, place_given
from warta.corpus.readers import RawArticle, Translation
from warta.corpus.steps import ArticlePipeline

LINES = (
    (("Banjir", "melanda", "Jakarta", "."), ("Warga", "mengungsi", ".")),
    (("Baca", "juga:", "Gempa", "di", "Palu"),),
    (("BNPB", "mencatat", "1.000", "rumah", "terendam", "."),),
)


def clean_without_line_2() -> tuple[str, CleanArticle]:
    """The normalised text of LINES and a cleaning that removed its second line."""
    normalised = "\n".join(" ".join(" ".join(s) for s in line) for line in LINES)
    kept = [normalised.split("\n")[0], normalised.split("\n")[2]]
    text = "\n\n".join(kept)
    article = CleanArticle(
        text,
        [Block("paragraph", 0, len(kept[0])), Block("paragraph", len(kept[0]) + 2, len(text))],
        [{"kind": "boilerplate", "text": normalised.split("\n")[1], "line": 2}],
    )
    return normalised, article


def test_a_removed_line_takes_its_sentences_and_leaves_the_rest_exact():
    normalised, article = clean_without_line_2()
    placed = place_given(article, normalised, LINES)
    assert placed.tokens == [*LINES[0][0], *LINES[0][1], *LINES[2][0]]
    for token, start, end in zip(placed.tokens, placed.starts, placed.ends, strict=True):
        assert article.text[start:end] == token
    assert [(s["token_start"], s["token_end"], s["block"]) for s in placed.sentences] == [
        (0, 4, 0), (4, 7, 0), (7, 13, 1),
    ]  # fmt: skip
    assert placed.origins == [(0, 0), (0, 1), (2, 0)]
    translation = Translation("en", (("Floods hit Jakarta.", "People fled."), ("See also",),
                                     ("BNPB counted 1,000 flooded houses.",)))  # fmt: skip
    assert [t["text"] for t in aligned_translation(translation, placed.origins)] == [
        "Floods hit Jakarta.", "People fled.", "BNPB counted 1,000 flooded houses.",
    ]  # fmt: skip


def test_cleaning_that_changes_a_line_or_tokens_that_are_not_the_text_are_refused():
    normalised, article = clean_without_line_2()
    changed = CleanArticle(
        article.text.replace("Warga", "Para warga"), article.blocks, article.removed
    )
    with pytest.raises(GivenMismatch, match="cleaning changed line 1"):
        place_given(changed, normalised, LINES)
    wrong = (LINES[0], LINES[1], (("BNPB", "mencatat", "1000", "rumah", "terendam", "."),))
    with pytest.raises(GivenMismatch, match=r"line 3: given '1000' is not the text"):
        place_given(article, normalised, wrong)
    with pytest.raises(GivenMismatch, match="sentences for 2 lines, the text has 3"):
        place_given(article, normalised, LINES[:2])
    short = (LINES[0], LINES[1], (("BNPB", "mencatat"),))
    with pytest.raises(GivenMismatch, match="line 3: text after the given sentences"):
        place_given(article, normalised, short)


def test_the_cleaner_removing_a_line_of_a_pretokenised_article_end_to_end():
    text = "\n".join(" ".join(" ".join(s) for s in line) for line in LINES)
    assert [r["line"] for r in segment(text).removed] == [2]  # the cleaner's own rule
    raw = RawArticle(
        "dev.jsonl", "indosum", text, "0" * 64, source_line=1, source_id="x",
        segmentation=LINES, has_headline=False,
        translation=Translation("en", (("Floods.", "Fled."), ("See also",), ("Counted.",))),
    )  # fmt: skip
    row = ArticlePipeline().process(raw)
    assert row["removed"][0]["line"] == 2 and "Baca" not in row["text"]
    assert [row["tokens"][s["token_start"] : s["token_end"]] for s in row["sentences"]] == [
        list(LINES[0][0]), list(LINES[0][1]), list(LINES[2][0]),
    ]  # fmt: skip
    assert [(t["sentence"], t["text"]) for t in row["translation"]] == [
        (0, "Floods."), (1, "Fled."), (2, "Counted."),
    ]  # fmt: skip
    for token, start, end in zip(
        row["tokens"], row["token_starts"], row["token_ends"], strict=True
    ):
        assert row["text"][start:end] == token
