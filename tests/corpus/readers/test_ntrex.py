"""NTREX-128 folders: one article per document id, headline and body, the originals aligned."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import REPO
from warta.corpus.readers import RawArticle, read_articles
from warta.corpus.steps import ArticlePipeline
from warta.errors import InputError
from warta.repository import Repository

DOCUMENTS = {
    "bbc.1": [
        ("Banjir melanda Jakarta", "Floods hit Jakarta"),
        ("Hujan deras turun sejak Senin pagi.", "Heavy rain has fallen since Monday morning."),
        ("Ribuan warga mengungsi ke masjid.", "Thousands of residents fled to mosques."),
    ],
    "reuters.2": [
        ("Gempa mengguncang Palu", "Earthquake shakes Palu"),
        ("BMKG mencatat gempa bermagnitudo 7,4.", "BMKG recorded a magnitude 7.4 quake."),
    ],
}


def write_ntrex(folder: Path, documents: dict = DOCUMENTS, *, ids: list[str] | None = None) -> Path:
    """An NTREX folder as published: CRLF text files, LF id file, a SOURCE.txt beside them."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [(doc_id, ind, eng) for doc_id, pairs in documents.items() for ind, eng in pairs]
    ids = ids if ids is not None else [doc_id for doc_id, _, _ in lines]
    (folder / "DOCUMENT_IDS.tsv").write_bytes("".join(f"{i}\n" for i in ids).encode())
    (folder / "newstest2019-ref.ind.txt").write_bytes(
        "".join(f"{ind}\r\n" for _, ind, _ in lines).encode()
    )
    (folder / "newstest2019-src.eng.txt").write_bytes(
        "".join(f"{eng}\r\n" for _, _, eng in lines).encode()
    )
    (folder / "SOURCE.txt").write_text("NTREX-128, Indonesian references.\n")
    return folder


def test_one_article_per_document_in_file_order_with_headline_body_and_originals(tmp_path):
    folder = write_ntrex(tmp_path / "ntrex")
    items = list(read_articles([tmp_path]))  # the folder is found inside its parent
    assert all(isinstance(a, RawArticle) for a in items), items
    first, second = items
    assert [a.source_id for a in items] == ["bbc.1", "reuters.2"]
    assert first.source_format == "ntrex" and first.rights is None
    assert first.source_file == str(folder / "newstest2019-ref.ind.txt")
    assert (first.source_line, second.source_line) == (1, 4)
    assert first.metadata == {"id": "bbc.1", "title": "Banjir melanda Jakarta", "lines": [1, 3]}
    assert first.text.split("\n") == [ind for ind, _ in DOCUMENTS["bbc.1"]]
    assert first.segmentation == tuple((ind,) for ind, _ in DOCUMENTS["bbc.1"])
    assert first.translation.language == "en"
    assert first.translation.lines == tuple((eng,) for _, eng in DOCUMENTS["bbc.1"])
    assert second.translation.lines[1] == ("BMKG recorded a magnitude 7.4 quake.",)


def test_each_line_stays_one_sentence_with_its_original(tmp_path):
    # Warta's segmenter would split this line in two; NTREX says it is one sentence.
    documents = {"nyt.3": [
        ("Banjir besar melanda Bekasi", "Major floods hit Bekasi"),
        ("Air sungai naik dengan cepat. Warga yang tinggal di bantaran kali panik.",
         "The river rose quickly. Residents living on the banks panicked."),
    ]}  # fmt: skip
    (article,) = read_articles([write_ntrex(tmp_path / "n", documents)])
    row = ArticlePipeline().process(article)
    assert row["title"] == "Banjir besar melanda Bekasi"
    assert [row["text"][s["start"] : s["end"]] for s in row["sentences"]] == [
        "Banjir besar melanda Bekasi",
        "Air sungai naik dengan cepat. Warga yang tinggal di bantaran kali panik.",
    ]
    assert row["translation"] == [
        {"sentence": 0, "language": "en", "text": "Major floods hit Bekasi"},
        {"sentence": 1, "language": "en", "text": documents["nyt.3"][1][1]},
    ]
    assert row["tokens"][4:10] == ["Air", "sungai", "naik", "dengan", "cepat", "."]


@pytest.mark.parametrize(
    ("damage", "file", "line", "problem"),
    [
        ("ids_short", "DOCUMENT_IDS.tsv", 5, "4 document ids but newstest2019-ref.ind.txt has 5 lines"),
        ("eng_long", "DOCUMENT_IDS.tsv", 6, "5 document ids but newstest2019-src.eng.txt has 6 lines"),
        ("latin1", "newstest2019-ref.ind.txt", 2, "not UTF-8: byte 0xe7"),
        ("empty_line", "newstest2019-ref.ind.txt", 3, "empty line: every line is a sentence (document bbc.1)"),
        ("empty_article", "newstest2019-ref.ind.txt", 4, "empty article (document reuters.2)"),
        ("split_id", "DOCUMENT_IDS.tsv", 4, "document bbc.1 starts again"),
        ("no_id", "DOCUMENT_IDS.tsv", 2, "no document id"),
    ],
)  # fmt: skip
def test_bad_ntrex_input_is_one_line_naming_file_and_line(tmp_path, damage, file, line, problem):
    folder = write_ntrex(tmp_path / "ntrex")
    ids_path, ref = folder / "DOCUMENT_IDS.tsv", folder / "newstest2019-ref.ind.txt"
    ids, text = ids_path.read_bytes().split(b"\n"), ref.read_bytes().split(b"\r\n")
    if damage == "ids_short":
        ids_path.write_bytes(b"\n".join(ids[:3] + ids[4:]))
    elif damage == "eng_long":
        with (folder / "newstest2019-src.eng.txt").open("ab") as handle:
            handle.write(b"One line too many.\r\n")
    elif damage == "latin1":
        ref.write_bytes(
            b"\r\n".join([text[0], "Hujan turun di Bogor ç".encode("latin-1"), *text[2:]])
        )
    elif damage == "empty_line":
        ref.write_bytes(b"\r\n".join([*text[:2], b"  ", *text[3:]]))
    elif damage == "empty_article":
        ref.write_bytes(b"\r\n".join([*text[:3], b"", b" ", b""]))
    elif damage == "split_id":
        ids_path.write_bytes(b"\n".join([ids[0], ids[1], ids[3], ids[2], ids[4], b""]))
    elif damage == "no_id":
        ids_path.write_bytes(b"\n".join([ids[0], b"  ", *ids[2:]]))
    errors = [x for x in read_articles([folder]) if isinstance(x, InputError)]
    assert len(errors) == 1, errors
    (error,) = errors
    assert error.source == str(folder / file) and error.line == line
    assert problem in error.problem
    assert str(error).startswith(f"{folder / file}:{line}: ")


def test_an_incomplete_folder_and_a_file_of_a_folder_are_refused(tmp_path):
    folder = write_ntrex(tmp_path / "ntrex")
    (folder / "newstest2019-src.eng.txt").unlink()
    (error,) = read_articles([folder])
    assert error.source == str(folder) and "found 1 and 0" in error.problem
    (error,) = read_articles([folder / "newstest2019-ref.ind.txt"])
    assert "part of an NTREX folder" in error.problem


def test_an_english_document_is_refused_naming_file_line_and_document(tmp_path):
    documents = {**DOCUMENTS, "guardian.9": [
        ("Floods hit Jakarta", "Floods hit Jakarta"),
        ("Heavy rain has fallen on the capital since Monday morning, officials said.", "x"),
        ("Thousands of residents have fled their homes to shelter in mosques.", "y"),
    ]}  # fmt: skip
    folder = write_ntrex(tmp_path / "ntrex", documents)
    *_, english = read_articles([folder])
    with pytest.raises(InputError) as refused:
        ArticlePipeline().process(english)
    message = str(refused.value)
    assert message.startswith(f"{folder / 'newstest2019-ref.ind.txt'}:6: not Indonesian")
    assert message.endswith("(document guardian.9)")


def test_bundled_ntrex_every_english_sentence_aligned_offsets_exact():
    repository = Repository(REPO)
    articles = list(read_articles([REPO / "corpus" / "raw" / "ntrex-128"], repository))
    assert len(articles) == 123 and all(isinstance(a, RawArticle) for a in articles)
    english = (REPO / "corpus/raw/ntrex-128/newstest2019-src.eng.txt").read_bytes().decode()
    english_lines = english.split("\r\n")[:-1]
    pipeline = ArticlePipeline()
    aligned = 0
    for article in articles:
        assert article.source_file == "corpus/raw/ntrex-128/newstest2019-ref.ind.txt"
        assert article.rights.source == "ntrex-128" and article.rights.license == "CC BY-SA 4.0"
        row = pipeline.process(article)
        text, first, last = row["text"], *article.metadata["lines"]
        assert len(row["sentences"]) == len(row["translation"]) == last - first + 1
        for index, (sentence, translation) in enumerate(
            zip(row["sentences"], row["translation"], strict=True)
        ):
            assert translation["sentence"] == index and translation["language"] == "en"
            assert translation["text"] == " ".join(english_lines[first - 1 + index].split())
            assert text[sentence["start"] : sentence["end"]].strip()
        for token, start, end in zip(
            row["tokens"], row["token_starts"], row["token_ends"], strict=True
        ):
            assert text[start:end] == token
        aligned += len(row["translation"])
    assert aligned == len(english_lines) == 1997
