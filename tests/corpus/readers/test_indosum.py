"""IndoSum JSONL: recognised by its keys, the given sentences and tokens kept, bad lines named."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from warta.corpus.readers import RawArticle, read_articles
from warta.corpus.steps import ArticlePipeline
from warta.errors import InputError

PARAGRAPHS = [
    [
        ["Presiden", "Joko", "Widodo", "meresmikan", "bendungan", "di", "Jawa", "Tengah", ",",
         "Senin", "(", "27", "/", "3", ")", "."],
        ["Bendungan", "itu", "menelan", "biaya", "Rp5.000", "miliar", "."],
    ],
    [["\xa0"], ["\n", "Warga", "\u200b", "menyambut", "\r\n", "baik", "."]],
    [["\"", "Ini", "untuk", "petani", ",", "\"", "kata", "Jokowi", "."],
     ["dia", "lalu", "pulang", "."]],
]  # fmt: skip


def record(doc_id: str = "1490674536-presiden-resmikan-bendungan", **fields) -> dict:
    return {
        "category": "tajuk utama",
        "gold_labels": [[True, False], [False], [False, False]],
        "id": doc_id,
        "paragraphs": PARAGRAPHS,
        "source": "kumparan",
        "source_url": "https://kumparan.com/x/presiden-resmikan-bendungan",
        "summary": [["Presiden", "meresmikan", "bendungan", "."]],
        **fields,
    }


def write_jsonl(path: Path, lines: list) -> Path:
    path.write_bytes(
        b"".join(
            (x if isinstance(x, bytes) else json.dumps(x, ensure_ascii=False).encode()) + b"\n"
            for x in lines
        )
    )
    return path


def test_record_keeps_given_sentences_tokens_and_metadata(tmp_path):
    path = write_jsonl(tmp_path / "dev.01.jsonl", [record()])
    (article,) = read_articles([path])
    assert isinstance(article, RawArticle) and article.source_format == "indosum"
    assert (article.source_file, article.source_line) == (str(path), 1)
    assert article.source_id == "1490674536-presiden-resmikan-bendungan"
    assert article.metadata == {
        "category": "tajuk utama",
        "id": "1490674536-presiden-resmikan-bendungan",
        "source": "kumparan",
        "source_url": "https://kumparan.com/x/presiden-resmikan-bendungan",
    }
    # Tokens joined by single spaces as given, one paragraph a line, spacing-only tokens dropped.
    assert article.text.split("\n") == [
        "Presiden Joko Widodo meresmikan bendungan di Jawa Tengah , Senin ( 27 / 3 ) . "
        "Bendungan itu menelan biaya Rp5.000 miliar .",
        "Warga menyambut baik .",
        '" Ini untuk petani , " kata Jokowi . dia lalu pulang .',
    ]
    assert article.segmentation[1] == (("Warga", "menyambut", "baik", "."),)
    assert article.has_headline is False


def test_pipeline_keeps_the_given_segmentation_with_exact_offsets(tmp_path):
    path = write_jsonl(tmp_path / "dev.01.jsonl", [record()])
    row = ArticlePipeline().process(next(read_articles([path])))
    text = row["text"]
    given = [[t for t in s if t.strip() and t != "\u200b"] for p in PARAGRAPHS for s in p]
    given = [s for s in given if s]
    assert row["tokens"] == [t for s in given for t in s]
    for token, start, end in zip(
        row["tokens"], row["token_starts"], row["token_ends"], strict=True
    ):
        assert text[start:end] == token
    # Warta would split "Rp5.000" and would not end a sentence before "dia": the source does both.
    assert "Rp5.000" in row["tokens"]
    sentences = [row["tokens"][s["token_start"] : s["token_end"]] for s in row["sentences"]]
    assert sentences == given
    assert row["title"] is None and {b["type"] for b in row["blocks"]} == {"paragraph"}
    assert row["url"] == "https://kumparan.com/x/presiden-resmikan-bendungan"
    assert text.count("\n\n") == 2


def test_tokens_are_normalised_like_the_text(tmp_path):
    decomposed = unicodedata.normalize("NFD", "Café")
    paragraphs = [[["Mereka", "makan", "di", decomposed, "Jakarta", "pada", "hari", "Senin",
                    "bersama", "warga", "kota", "."]]]  # fmt: skip
    path = write_jsonl(tmp_path / "dev.jsonl", [record(paragraphs=paragraphs)])
    row = ArticlePipeline().process(next(read_articles([path])))
    assert "Café" in row["tokens"] and unicodedata.is_normalized("NFC", row["text"])


def test_generic_jsonl_is_still_read_as_before(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [{"text": "Banjir melanda Jakarta.", "paragraphs": 3}])
    (article,) = read_articles([path])
    assert article.source_format == "jsonl" and article.segmentation is None
    assert article.metadata == {"paragraphs": 3}


@pytest.mark.parametrize(
    ("lines", "line", "problem"),
    [
        ([record(), {"id": "x", "text": "Banjir."}], 2, "no 'paragraphs' field (an IndoSum file, as line 1 shows)"),
        ([record(), record("b", paragraphs=[[["Satu", 2]]])], 2, "paragraph 1, sentence 1, token 2 is int (document b)"),
        ([record(), record("c", paragraphs=[["Satu"]])], 2, "paragraph 1, sentence 1 is not a list (document c)"),
        ([record(), record("d", paragraphs=[[["\xa0", " "]], []])], 2, "empty article: no tokens in 'paragraphs' (document d)"),
        ([record(), record(None)], 2, "no 'id'"),
        ([record(), json.dumps(record("e"))[:-1].encode() + "ç}".encode("latin-1")], 2, "not UTF-8"),
    ],
)  # fmt: skip
def test_bad_indosum_lines_are_named_with_file_and_line(tmp_path, lines, line, problem):
    path = write_jsonl(tmp_path / "dev.01.jsonl", lines)
    items = list(read_articles([path]))
    assert isinstance(items[0], RawArticle)
    errors = [x for x in items if isinstance(x, InputError)]
    assert len(errors) == 1
    (error,) = errors
    assert error.source == str(path) and error.line == line and problem in error.problem
    assert str(error).startswith(f"{path}:{line}: ")


def test_an_english_article_among_indonesian_ones_is_refused_naming_file_line_and_document(
    tmp_path,
):
    english = [[["The", "president", "opened", "a", "dam", "in", "Central", "Java", "on",
                 "Monday", ",", "officials", "said", "."],
                ["It", "cost", "five", "trillion", "rupiah", "and", "will", "water", "the",
                 "fields", "of", "thousands", "of", "farmers", "."]]]  # fmt: skip
    path = write_jsonl(tmp_path / "dev.01.jsonl", [record(), record("en-1", paragraphs=english)])
    indonesian, foreign = read_articles([path])
    ArticlePipeline().process(indonesian)
    with pytest.raises(InputError) as refused:
        ArticlePipeline().process(foreign)
    message = str(refused.value)
    assert message.startswith(f"{path}:2: not Indonesian: language detected 'en'")
    assert message.endswith("(document en-1)")
