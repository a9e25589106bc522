"""Dates from English and Indonesian datelines, outlets from credits, language identification."""

from __future__ import annotations

from datetime import date

import pytest

from warta.corpus.metadata import credited_outlets, detect_language, is_dateline, parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tuesday, 6 July 2021", date(2021, 7, 6)),
        ("Selasa, 6 Juli 2021", date(2021, 7, 6)),
        ("Jumat, 14 Februari 2003 | 10:30 WIB", date(2003, 2, 14)),
        ("Jum'at, 1 Agustus 2025", date(2025, 8, 1)),
        ("Minggu, 17 Agt 2025", date(2025, 8, 17)),
        ("Rabu, 25 Desember 2019", date(2019, 12, 25)),
        ("July 6, 2021", date(2021, 7, 6)),
        ("Kamis, 3 Mei 2018", date(2018, 5, 3)),
        ("31 Februari 2021", None),
        ("Senin pagi", None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def test_dateline_is_a_whole_line_date_not_a_sentence_with_a_date():
    assert is_dateline("Tuesday, 6 July 2021")
    assert is_dateline("Selasa, 6 Juli 2021 pukul 10.30 WIB")
    assert not is_dateline("Pada 1 Juli 2021, Dewan Majelis Parlemen CSTO mengadopsi pernyataan.")


def test_credited_outlets_are_canonical_and_ordered():
    credits = [
        "©Sergei Ilyin/Kantor Pers dan Informasi Kepresidenan Rusia/TASS",
        "Kementerian Pertahanan Afghanistan // Handout via REUTERS",
        "REUTERS/Willy Kurniawan",
        "ANTARA FOTO/Aditya Pradana Putra",
    ]
    assert credited_outlets(credits) == ["TASS", "Reuters", "ANTARA"]
    assert credited_outlets(["Foto: dokumentasi pribadi"]) == []


def test_language_identification_with_confidence():
    best, best_p, indonesian = detect_language(
        "Presiden Tajikistan memerintahkan mobilisasi 20.000 tentara cadangan untuk memperkuat "
        "perbatasan dengan Afghanistan."
    )
    assert best == "id" and 0.5 < best_p == indonesian <= 1.0
    best, best_p, indonesian = detect_language(
        "The president ordered the mobilisation of reservists."
    )
    assert best == "en" and best_p > 0.9 and indonesian < 0.05
    malay = "Kerajaan Malaysia mengumumkan perintah kawalan pergerakan bermula esok, kata Perdana Menteri."
    best, _, indonesian = detect_language(malay)
    assert best == "ms" and indonesian < 0.05
