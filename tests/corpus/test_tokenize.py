"""Tokenizer and sentence splitter: seed-article cases, invariants, and agreement with idner."""

from __future__ import annotations

import itertools
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warta.corpus.tokenize import ABBREVIATIONS, split_sentences, tokenize

SHARED = Path(__file__).parents[2].parent / "shared"
SEED_ARTICLE = SHARED / "articles" / "000_bb4a5094ef9681cd.txt"
IDNER = SHARED / "external" / "idner-news-2k"


def _paragraphs() -> list[str]:
    """The seed article's non-empty lines, NFC-normalised as the cleaner stores them."""
    text = unicodedata.normalize("NFC", SEED_ARTICLE.read_text(encoding="utf-8"))
    return [line.strip() for line in text.splitlines() if line.strip()]


def _paragraph(containing: str) -> str:
    return next(p for p in _paragraphs() if containing in p)


def _tokens(text: str) -> list[str]:
    return [text[start:end] for start, end in tokenize(text)]


def _sentences(text: str) -> list[str]:
    spans = tokenize(text)
    return [
        text[spans[first][0] : spans[end - 1][1]] for first, end in split_sentences(text, spans)
    ]


def _contains_run(tokens: list[str], run: list[str]) -> bool:
    return any(tokens[i : i + len(run)] == run for i in range(len(tokens) - len(run) + 1))


def _assert_invariants(text: str) -> None:
    """Offsets reproduce the text, nothing is dropped, and sentences partition the tokens."""
    spans = tokenize(text)
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        assert not any(char.isspace() for char in text[start:end])
        assert text[previous_end:start].strip() == ""  # only whitespace between tokens
        previous_end = end
    assert text[previous_end:].strip() == ""

    sentences = split_sentences(text, spans)
    edges = [first for first, _ in sentences] + [len(spans)]
    assert list(itertools.pairwise(edges)) == sentences
    assert edges[0] == 0
    for first, end in sentences:
        assert first < end
        inside = text[spans[first][0] : spans[end - 1][1]]
        assert re.search(r"\n[^\S\n]*\n", inside) is None  # a blank line always ends a sentence


# --- Seed article -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("containing", "run"),
    [
        ("lebih dari 1.000 tentara", ["dari", "1.000", "tentara"]),
        ("mobilisasi 20.000 tentara", ["mobilisasi", "20.000", "tentara"]),
        ("itu 1.037 prajurit", ["itu", "1.037", "prajurit"]),
        ("kota Mazar-i-Sharif", ["kota", "Mazar-i-Sharif", "Afghanistan"]),
        ("dan Kassym-Jomart Tokayev", ["dan", "Kassym-Jomart", "Tokayev"]),
        ("mendirikan kamp-kamp bagi", ["mendirikan", "kamp-kamp", "bagi"]),
        ("Afghanistan, sumber-sumber", ["Afghanistan", ",", "sumber-sumber", "pemerintah"]),
        ("perbatasan Tajik-Afghanistan,", ["perbatasan", "Tajik-Afghanistan", ","]),
        ("orang-orang ini", ["dan", "orang-orang", "ini"]),
        ("Kolektif (CSTO).", ["Kolektif", "(", "CSTO", ")", ".", '"']),
        ("'TEMPAT PERGI'", ["'", "TEMPAT", "PERGI", "'"]),
        ("Afghanistan // Handout", ["Afghanistan", "//", "Handout", "via", "REUTERS"]),
        ('untuk "memberikan', ["untuk", '"', "memberikan"]),
        ("Senin, pusat pers", ["hari", "Senin", ",", "pusat"]),
        ("yang diperlukan - baik", ["diperlukan", "-", "baik"]),
    ],
)
def test_seed_article_tokens(containing: str, run: list[str]) -> None:
    assert _contains_run(_tokens(_paragraph(containing)), run)


def test_photo_credit_splits_symbol_and_slashes() -> None:
    credit = _paragraph("©Sergei")
    assert _tokens(credit) == [
        *("©", "Sergei", "Ilyin", "/", "Kantor", "Pers", "dan", "Informasi"),
        *("Kepresidenan", "Rusia", "/", "TASS"),
    ]


@pytest.mark.parametrize(
    ("containing", "count"),
    [
        ("Kremlin - Putin dan Rahmon fokus", 1),
        ("Moskow - Presiden Rusia", 1),
        ('"(Kedua presiden)', 1),  # the comma inside the quote does not end it
        ("Dalam panggilan telepon", 1),  # ends in (CSTO)." with the quote kept
        ("Selain itu, kedua presiden", 2),
        ("pusat pers Komite Keamanan", 2),
        ("Sebelumnya, Sekretaris Jenderal CSTO", 3),
        ("Pasukan Komando Afghanistan tiba", 2),  # "2021. gambar" does not split
        ("Ratusan anggota pasukan", 2),
        ("pada 1979. Soviet", 2),  # a year before the period
        ("serangan al Qaeda. di", 1),
        ("'TEMPAT PERGI'", 1),
    ],
)
def test_seed_article_sentence_counts(containing: str, count: int) -> None:
    assert len(_sentences(_paragraph(containing))) == count


def test_period_before_lowercase_word_does_not_end_sentence() -> None:
    (sentence,) = _sentences(_paragraph("serangan al Qaeda. di"))
    assert sentence.endswith("serangan al Qaeda. di Amerika Serikat.")


def test_closing_quote_stays_with_ending_sentence() -> None:
    text = _paragraph("(CSTO).") + " " + _paragraph("Selain itu, kedua presiden")
    assert _sentences(text)[0].endswith('(CSTO)."')


def test_abbreviations_keep_periods_and_do_not_end_sentences() -> None:
    # The seed article has no abbreviation, so this paragraph is written in its style.
    text = (
        "Presiden Rusia Vladimir V. Putin bertemu Dr. Budi, S.H., M.Si. di Jl. Merdeka No. 7 "
        "bersama Prof. Ir. Hj. Siti dari A.S. dan Kol. Adi. Bantuan Rp. 1.000.000 untuk makanan, "
        "obat, dll. Bantuan dikirim pukul 10.30 a.n. Sdr. Andi."
    )
    tokens = _tokens(text)
    for abbreviation in ["V.", "Dr.", "S.H.", "M.Si.", "Jl.", "No.", "Prof.", "Ir.", "Hj.", "A.S."]:
        assert abbreviation in tokens
    assert _contains_run(tokens, ["Rp.", "1.000.000", "untuk"])
    assert _contains_run(tokens, ["10.30", "a.n.", "Sdr.", "Andi", "."])
    assert _sentences(text) == [
        "Presiden Rusia Vladimir V. Putin bertemu Dr. Budi, S.H., M.Si. di Jl. Merdeka No. 7 "
        "bersama Prof. Ir. Hj. Siti dari A.S. dan Kol. Adi.",
        "Bantuan Rp. 1.000.000 untuk makanan, obat, dll.",  # dll. may close a sentence
        "Bantuan dikirim pukul 10.30 a.n. Sdr. Andi.",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("naik 50% dari Rp5.000", ["naik", "50", "%", "dari", "Rp", "5.000"]),
        ("harga $10,5 juta", ["harga", "$", "10,5", "juta"]),
        ("3,5 dan 1.000.000 pada 11/9 dan 24/7", ["3,5", "dan", "1.000.000", "pada", "11/9"]),
        ("Jum'at dan Qur'an", ["Jum'at", "dan", "Qur'an"]),
        ("ke-20 COVID-19 non-kader", ["ke-20", "COVID-19", "non-kader"]),
        ("“Ya,” katanya… lalu...", ["“", "Ya", ",", "”", "katanya", "…", "lalu", "..."]),
        ("lihat https://warta.id/a?b=1. Surel: redaksi@warta.co.id", ["https://warta.id/a?b=1"]),
        ("redaksi@warta.co.id, Kompas.com.", ["redaksi@warta.co.id", ",", "Kompas.com", "."]),
    ],
)
def test_conventions(text: str, expected: list[str]) -> None:
    assert _contains_run(_tokens(text), expected)


def test_blank_line_always_ends_sentence() -> None:
    assert _sentences("Kata Dr.\n\nBudi pergi") == ["Kata Dr.", "Budi pergi"]
    assert _sentences("tanpa titik\n \nlalu kecil") == ["tanpa titik", "lalu kecil"]


def test_empty_text() -> None:
    assert tokenize("") == []
    assert tokenize(" \n\t ") == []
    assert split_sentences("", []) == []


# --- Invariants ---------------------------------------------------------------------------------


@pytest.mark.parametrize("paragraph", _paragraphs())
def test_invariants_on_seed_article(paragraph: str) -> None:
    _assert_invariants(paragraph)


def test_invariants_on_whole_seed_article() -> None:
    _assert_invariants(unicodedata.normalize("NFC", SEED_ARTICLE.read_text(encoding="utf-8")))


_ALPHABET = "aAbBdDkKzZéÉíçñßİıŁ中ạ0123456789 .,;:!?-'\"/()[]%$@©…“”‘’«»_\n\t\u00a0#&*+="
_FRAGMENTS = ["Dr.", "A.S.", "V. ", "1.000", "3,5", "www.x.id", "a@b.co", "...", "//", "\n\n"]


@given(
    st.lists(
        st.one_of(
            st.text(alphabet=_ALPHABET, max_size=12),
            st.sampled_from(_FRAGMENTS),
            st.text(max_size=3),  # any code point, whitespace of every kind included
        ),
        max_size=25,
    ).map("".join)
)
def test_invariants_on_arbitrary_text(text: str) -> None:
    _assert_invariants(text)


# --- Reference: idner-news-2k ------------------------------------------------------------------

_NO_SPACE_BEFORE = frozenset(",.):;!?%”’»")
_OPENING = frozenset("(“‘«")
_AMBIGUOUS_QUOTES = frozenset("\"'")


def _idner_sentences(name: str) -> list[list[str]]:
    """Token columns of an idner file (splitlines also takes its CRLF line ends)."""
    sentences: list[list[str]] = [[]]
    for line in (IDNER / name).read_text(encoding="utf-8").splitlines():
        if line.strip():
            sentences[-1].append(line.split(" ")[0])
        elif sentences[-1]:
            sentences.append([])
    return [sentence for sentence in sentences if sentence]


def _detokenize(tokens: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """A natural surface string for idner tokens, and each token's span in it."""
    text, spans, glue_next, open_quotes = "", [], True, set()
    for token in tokens:
        # idner's straight quotes do not say whether they open or close: alternate.
        closing = token in open_quotes
        if token in _AMBIGUOUS_QUOTES:
            open_quotes ^= {token}
        if not (glue_next or token in _NO_SPACE_BEFORE or closing):
            text += " "
        spans.append((len(text), len(text) + len(token)))
        text += token
        glue_next = token in _OPENING or (token in _AMBIGUOUS_QUOTES and not closing)
    return text, spans


_IDNER_GLUED = re.compile(r"([(,$]*)(Rp\.?(?=\d))?(.*?)([)%?!,]*)")
_SLASH_BETWEEN_WORDS = re.compile(r"(?<=[^\W\d])(/)(?=[^\W\d])")


def _in_warta_conventions(tokens: list[str]) -> list[str]:
    """idner tokens re-split where our documented conventions differ (brackets, %, $, Rp, ...)."""
    split: list[str] = []
    for token in tokens:
        lead, currency, core, trail = _IDNER_GLUED.fullmatch(token).groups()
        if not core:
            split.append(token)
            continue
        split += [*lead, *filter(None, [currency]), *_SLASH_BETWEEN_WORDS.split(core), *trail]
    merged: list[str] = []
    for token in split:  # idner splits a final abbreviation's period (Corp .); we keep it
        if token == "." and merged and merged[-1] in ABBREVIATIONS:
            merged[-1] += "."
        else:
            merged.append(token)
    return merged


def _agreement(reference: list[list[str]]) -> tuple[float, float]:
    """Sentence exact-match rate and token-span F1 of tokenize against reference tokens."""
    exact = common = n_reference = n_predicted = 0
    for tokens in reference:
        text, expected = _detokenize(tokens)
        predicted = tokenize(text)
        exact += predicted == expected
        common += len(set(predicted) & set(expected))
        n_reference += len(expected)
        n_predicted += len(predicted)
    precision, recall = common / n_predicted, common / n_reference
    return exact / len(reference), 2 * precision * recall / (precision + recall)


def test_agreement_with_idner_as_published() -> None:
    # Measured on dev.txt: 83.1% of sentences identical, token F1 97.9%. Almost all differences
    # are brackets and symbols idner leaves attached, as the next test shows.
    exact, token_f1 = _agreement(_idner_sentences("dev.txt"))
    assert exact >= 0.82
    assert token_f1 >= 0.97


def test_agreement_with_idner_beyond_documented_differences() -> None:
    # Measured on dev.txt: 100% of sentences identical once idner follows our stated conventions.
    reference = [_in_warta_conventions(tokens) for tokens in _idner_sentences("dev.txt")]
    exact, token_f1 = _agreement(reference)
    assert exact >= 0.99
    assert token_f1 >= 0.999


@pytest.mark.parametrize(
    "token",
    [
        *("1.000", "20.000", "108.000", "8,25", "21,8", "2005-2006", "3-4"),
        *("non-kader", "se-Indonesia", "darat-ke-darat", "Mohajer-4", "ke-XXII", "Al-Qaeda"),
        *("Ir.", "S.A.", "Moody's", "http://suarapal.net"),
    ],
)
def test_idner_tokens_kept_whole(token: str) -> None:
    tokens = next(s for s in _idner_sentences("dev.txt") if token in s)
    text, spans = _detokenize(tokens)
    assert spans[tokens.index(token)] in tokenize(text)
