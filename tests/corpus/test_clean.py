"""Cleaning and block segmentation, on the seed article and on the variants real pages show."""

from __future__ import annotations

import unicodedata

import pytest

from warta.corpus.clean import normalise, segment


@pytest.fixture
def seed(seed_text):
    return segment(normalise(seed_text))


def test_every_block_reproduces_its_text_and_blocks_are_ordered(seed):
    assert unicodedata.is_normalized("NFC", seed.text) and "\r" not in seed.text
    last_end = 0
    for block in seed.blocks:
        assert last_end <= block.start < block.end <= len(seed.text)
        assert seed.text[block.start : block.end] == seed.text[block.start : block.end].strip()
        last_end = block.end


def test_seed_blocks_are_typed(seed):
    kinds = [b.type for b in seed.blocks]
    assert kinds[:4] == ["dateline", "headline", "credit", "paragraph"]
    assert seed.blocks_of("dateline") == ["Tuesday, 6 July 2021"]
    assert seed.blocks_of("headline") == [
        "Kremlin - Putin dan Rahmon fokus pada situasi di perbatasan Tajik-Afghanistan"
    ]
    assert seed.blocks_of("credit") == [
        "©Sergei Ilyin/Kantor Pers dan Informasi Kepresidenan Rusia/TASS",
        "Kementerian Pertahanan Afghanistan // Handout via REUTERS",
    ]
    (caption,) = seed.blocks_of("caption")
    assert caption.startswith("Pasukan Komando Afghanistan tiba")
    assert caption.endswith("gambar diambil 4 Juli 2021.")
    assert "Situasi di perbatasan Tajik-Afghanistan" in seed.blocks_of("subheading")
    assert "'TEMPAT PERGI'" in seed.blocks_of("subheading")


def test_repeated_headline_kept_once_and_footer_removed_with_a_record(seed):
    headline = "Kremlin - Putin dan Rahmon fokus pada situasi di perbatasan Tajik-Afghanistan"
    assert seed.text.count(headline) == 1
    assert "No comments:" not in seed.text
    assert seed.removed == [
        {"kind": "duplicate_headline", "text": headline, "line": 5},
        {"kind": "duplicate_headline", "text": headline, "line": 7},
        {"kind": "boilerplate", "text": "No comments:", "line": 130},
    ]


def test_nothing_is_dropped_silently(seed_text, seed):
    """Every non-blank raw line is either in the clean text or in the removal record."""
    kept = seed.text.split("\n\n")
    removed = [r["text"] for r in seed.removed]
    for line in normalise(seed_text).split("\n"):
        if line:
            assert line in kept or line in removed, line


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\r\nb\rc", "a\nb\nc"),
        ("Rp\u00a01.000  dan\t\tlain", "Rp 1.000 dan lain"),
        ("zero\u200bwidth\ufeff", "zerowidth"),
        ("Jakarta Pu\u0301sat", "Jakarta Púsat"),
        ("  \n  judul  \n\n\n", "judul"),
    ],
)
def test_normalise(raw, expected):
    assert normalise(raw) == expected


def test_indonesian_dateline_agency_credits_and_caption_without_credit():
    text = normalise(
        "Selasa, 6 Juli 2021 10.30 WIB\n\nJudul berita tentang banjir\n\n"
        "Warga mengungsi ke masjid. REUTERS/Willy Kurniawan\n\n"
        "ANTARA FOTO/Aditya Pradana Putra\n\n"
        "Foto diambil pada Senin pagi di Jakarta.\n\n"
        "Banjir melanda Jakarta pada hari Senin, kata BNPB."
    )
    article = segment(text)
    assert [b.type for b in article.blocks] == [
        "dateline", "headline", "caption", "credit", "credit", "caption", "paragraph",
    ]  # fmt: skip
    assert article.blocks_of("credit") == [
        "REUTERS/Willy Kurniawan",
        "ANTARA FOTO/Aditya Pradana Putra",
    ]


def test_title_from_metadata_marks_the_headline_even_after_other_lines():
    article = segment(
        "Oleh Redaksi\n\nTaliban merebut distrik\n\nIsi berita.", title="Taliban merebut distrik"
    )
    assert article.blocks_of("headline") == ["Taliban merebut distrik"]
