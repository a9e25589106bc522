"""Reading .txt, .html and .jsonl sources; every bad input is named with its file and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from warta.corpus.readers import RawArticle, read_articles
from warta.errors import InputError

FIXTURES = Path(__file__).parents[2] / "fixtures"


def read_one(path: Path) -> RawArticle | InputError:
    (item,) = list(read_articles([path]))
    return item


def test_txt_is_read_as_received(tmp_path, seed_text):
    path = tmp_path / "a.txt"
    path.write_text(seed_text, encoding="utf-8")
    article = read_one(path)
    assert isinstance(article, RawArticle)
    assert article.text == seed_text and article.source_format == "txt"
    assert article.source_file == str(path) and len(article.source_sha256) == 64


def test_html_main_text_is_extracted_without_page_furniture():
    article = read_one(FIXTURES / "blog_page.html")
    assert isinstance(article, RawArticle) and article.source_format == "html"
    assert article.text.startswith("Kremlin - Putin dan Rahmon fokus pada situasi")
    assert "Moskow - Presiden Rusia Vladimir Putin" in article.text
    assert "tingkatan." in article.text
    for furniture in ("Blog Archive", "Popular Posts", "No comments", "Newer Post", "Powered by"):
        assert furniture not in article.text
    assert article.metadata["title"].startswith("Kremlin - Putin dan Rahmon")


def test_jsonl_reads_each_line_with_its_metadata(tmp_path):
    path = tmp_path / "batch.jsonl"
    lines = [
        {"text": "Presiden Jokowi meresmikan bendungan di Jawa Tengah.", "url": "https://x.id/1"},
        {"text": "Banjir melanda Jakarta pada hari Senin.", "published": "2021-07-05"},
    ]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    items = list(read_articles([path]))
    assert [a.source_line for a in items] == [1, 2]
    assert items[0].metadata == {"url": "https://x.id/1"}
    assert items[1].metadata == {"published": "2021-07-05"}


@pytest.mark.parametrize(
    ("name", "content", "line", "problem"),
    [
        ("empty.txt", b"  \n\n", None, "empty file"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", None, "binary file"),
        ("latin1.txt", "Berita tentang Bogor dan Depok ç".encode("latin-1"), None, "not UTF-8: byte 0xe7"),
        ("nothing.html", b"<html><body><div><a href='/'>Home</a></div></body></html>", None,
         "no main text found"),
        ("batch.jsonl", b'{"text": "Baik."}\n{"title": "tanpa teks"}\n', 2, "no 'text' field"),
        ("broken.jsonl", b'{"text": "Baik."}\n{"text": \n', 2, "invalid JSON"),
        ("blank.jsonl", b'{"text": "   "}\n', 1, "'text' is empty"),
        ("notes.docx", b"PK\x03\x04", None, "unsupported file type '.docx'"),
    ],
)  # fmt: skip
def test_bad_input_is_named_with_file_and_line(tmp_path, name, content, line, problem):
    path = tmp_path / name
    path.write_bytes(content)
    errors = [x for x in read_articles([path]) if isinstance(x, InputError)]
    assert len(errors) == 1
    (error,) = errors
    assert error.source == str(path) and error.line == line and problem in error.problem
    where = f"{path}:{line}" if line else str(path)
    assert str(error).startswith(where + ": ")


def test_missing_path_and_folder_expansion(tmp_path):
    (tmp_path / "a.txt").write_text("Satu.", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.jsonl").write_text('{"text": "Dua."}\n', encoding="utf-8")
    (tmp_path / "notes.md").write_text("ignored in folders", encoding="utf-8")
    items = list(read_articles([tmp_path, tmp_path / "missing.txt"]))
    assert [type(x).__name__ for x in items] == ["RawArticle", "RawArticle", "InputError"]
    assert "no such file" in str(items[2])


def test_files_of_a_folder_that_are_not_read_are_listed_with_the_reason(tmp_path):
    (tmp_path / "a.txt").write_text("Banjir melanda Jakarta pada hari Senin.", encoding="utf-8")
    (tmp_path / "README.md").write_text("# about\n")
    (tmp_path / "train.conll").write_text("Jokowi B-PER\n")
    (tmp_path / "notes").write_text("x")
    skipped = []
    (article,) = read_articles([tmp_path], skipped=skipped)
    assert article.source_file == str(tmp_path / "a.txt")
    assert [str(s) for s in skipped] == [
        f"{tmp_path / 'README.md'}: file type '.md' is not read (articles: .txt, .html, .htm, "
        ".jsonl)",
        f"{tmp_path / 'notes'}: file type without a suffix is not read (articles: .txt, .html, "
        ".htm, .jsonl)",
        f"{tmp_path / 'train.conll'}: a CoNLL file is training data, not articles: "
        "`warta corpus import-conll` reads it",
    ]


# --- fuzz: arbitrary bytes are read as articles or refused with one clear InputError ------------

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.strategies import FUZZ, any_bytes, json_lines  # noqa: E402
from warta.corpus.steps import ArticlePipeline  # noqa: E402

INDOSUM_KEYS = ["id", "category", "source", "source_url", "paragraphs", "summary", "gold_labels"]


def read_everything(path: Path) -> list[RawArticle | InputError]:
    """What ingest makes of the file: the reader's items, then each article through the steps."""
    items = list(read_articles([path]))
    assert items and all(isinstance(i, RawArticle | InputError) for i in items)
    processed = ArticlePipeline().process_chunk(items)
    assert all(str(e).startswith(str(path)) for e in processed.errors), processed.errors
    assert len(processed.keys) + len(processed.errors) == len(items)
    return items


NEWS = "Banjir melanda Jakarta pada hari Senin, kata Badan Nasional Penanggulangan Bencana. "
NEWS_WITH_NOISE = st.lists(st.just(NEWS) | st.text(max_size=30), max_size=12).map(
    lambda parts: "".join(parts).encode()
)  # Indonesian enough to reach every step, with anything in between


@FUZZ
@given(
    data=any_bytes("Banjir Jakarta.<p>\n\r\t \x00é") | NEWS_WITH_NOISE,
    suffix=st.sampled_from([".txt", ".html"]),
)
def test_fuzz_text_and_html_files(tmp_path, data, suffix):
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    read_everything(path)


@FUZZ
@given(data=json_lines(["text", "url", "title", "published", *INDOSUM_KEYS]))
def test_fuzz_jsonl_files(tmp_path, data):
    path = tmp_path / "fuzz.jsonl"
    path.write_bytes(data)
    read_everything(path)


@FUZZ
@given(
    ids=any_bytes("doc1\t\n"),
    ref=any_bytes("Banjir melanda.\n"),
    src=any_bytes("Floods hit.\n"),
)
def test_fuzz_ntrex_folders(tmp_path, ids, ref, src):
    folder = tmp_path / "ntrex"
    folder.mkdir(exist_ok=True)
    for name, data in (("DOCUMENT_IDS.tsv", ids), ("t-ref.ind.txt", ref), ("t-src.eng.txt", src)):
        (folder / name).write_bytes(data)
    read_everything(folder)
