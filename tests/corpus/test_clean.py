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


def test_seed_cleaning_is_the_shipped_record(seed_text):
    """New rules leave the seed exactly as the shipped corpus holds it: text, blocks, removals."""
    from tests.conftest import REPO, SEED
    from warta.store import VersionedStore

    shipped = VersionedStore.for_corpus(REPO / "corpus" / "versions").latest()
    (row,) = [r for r in shipped.iter_rows("articles") if r["source_file"].endswith(SEED.name)]
    article = segment(normalise(seed_text))
    assert article.text == row["text"] and article.removed == row["removed"]
    assert [{"type": b.type, "start": b.start, "end": b.end} for b in article.blocks] == row[
        "blocks"
    ]


# Real-looking IndoSum lines (pre-tokenised: a space before every colon and bracket).
LEAD = "Jakarta , CNN Indonesia - - Ketua MPR Zulkifli Hasan menyesalkan kisruh transportasi ."
BODY = '" Tidak hanya tarif tapi apa saja harus diatur , " ucap Zulkifli , Senin ( 27 / 3 ) .'


def removed_texts(text: str) -> list[str]:
    return [r["text"] for r in segment(normalise(text)).removed]


@pytest.mark.parametrize(
    "line",
    [
        "Baca juga : Setya Novanto : Jangan Sampai Kisruh Taksi dan Ojek Online Jadi Besar",
        "[ Baca Juga : Hall of Fame Teruntuk Philipp Lahm ]",
        "( Baca Juga : Malaysia Masters 2018 - Taklukkan Wakil Denmark , Fajar / Rian Melaju )",
        "( Baca : Jusuf Kalla ingin prestasi di Asian Games 2018 meningkat )",
        "SIMAK JUGA : Oblak Kiper Terbaik UCL 2016 / 17 ?",
        "SIMAK JUGA - INDRA SJAFRI OGAH SPEKULASI SOAL TIMNAS",
        "Lihat juga : Jadwal Siaran Langsung Liga 1",
        "Baca_Juga",
        "( ugo / ugo )",
        "( ant )",
        "( mdk / ard )",
        "[ feb ]",
        "( Yendhi / win )",
        "( Awita Ekasari Larasati / ard )",
        "( Uu . C003 )",
        "( T.K010/R010 )",
        "( gk - 48 )",
        "Penulis : Anggun Pratama",
        "Editor : Memey Mega",
        "Reporter : Fair Cholis",
        "Laporan wartawan Tribunnews.com , Fahmi Ramadhan",
        "Laporan langsung Diya Farida Purnawangsuni dari Kuala Lumpur",
        "Oleh Redaksi",
        "DailySocial.id adalah portal berita startup dan inovasi teknologi . Kamu bisa menjadi member "
        "komunitas startup dan inovasi DailySocial.id , mengunduh laporan riset .",
        "–Disclosure : DailySocial merupakan media partner Creative Business Cup 2017 Indonesia .",
        "Video :",
        "/ / < ! [ CDATA [",
        'Romelu Lukaku " src="https://cdns.klimg.com / bola.net / lukaku.jpg " style="height : 234 px" / >',
    ],
)
def test_furniture_lines_are_removed_whole_and_recorded(line):
    article = segment(normalise(f"{LEAD}\n\n{line}\n\n{BODY}"))
    assert article.removed == [{"kind": "boilerplate", "text": line, "line": 3}]
    assert article.text == f"{LEAD}\n\n{BODY}"


@pytest.mark.parametrize(
    "line",
    [
        "Baca juga buku itu sebelum ujian , kata guru tersebut .",  # "Baca" starting a sentence
        "Bacaan Alquran terdengar dari masjid itu .",
        "Lihat - lihat dulu sebelum membeli , ujar dia .",  # reduplication, not a label
        "Simak video berikut untuk melihat aksi para pemain .",
        "Oleh karena itu , pemerintah akan menindak tegas pelaku .",
        "Penulis buku itu mengatakan , ia tidak menyangka bukunya laris .",
        "Laporan wartawan BBC menyebutkan , korban tewas mencapai 20 orang .",
        "Editor video itu kini diperiksa polisi .",
        "Partai Amanat Nasional ( PAN )",  # an acronym, not initials
        "( Antara )",  # an outlet's tag is a credit, not initials
        "( 2016 )",
        "Video itu disutradarai oleh Moume Arias .",
    ],
)
def test_content_that_looks_like_furniture_stays(line):
    article = segment(normalise(f"{LEAD}\n\n{line}\n\n{BODY}"))
    assert article.removed == [] and line in article.text.split("\n\n")


@pytest.mark.parametrize(
    ("line", "kept", "pieces"),
    [
        (f"{BODY} ( ugo / ugo )", BODY, ["( ugo / ugo )"]),
        (f"{BODY} [ rhm ]", BODY, ["[ rhm ]"]),
        (f"{BODY} ( Uu . G005 )", BODY, ["( Uu . G005 )"]),
        (
            f"{BODY} ( Baca : KPK Siapkan Posisi Strategis untuk TNI ) ( agk / agk )",
            BODY,
            ["( Baca : KPK Siapkan Posisi Strategis untuk TNI )", "( agk / agk )"],
        ),
        (
            f"{BODY} SIMAK JUGA - Cassano : Inter Juara",
            BODY,
            ["SIMAK JUGA - Cassano : Inter Juara"],
        ),
        (f"Baca_Juga {BODY}", BODY, ["Baca_Juga"]),
    ],
)
def test_furniture_glued_to_a_paragraph_is_trimmed_and_offsets_stay_exact(line, kept, pieces):
    article = segment(normalise(f"{LEAD}\n\n{line}"))
    assert article.text == f"{LEAD}\n\n{kept}"
    assert article.removed == [{"kind": "boilerplate", "text": p, "line": 3} for p in pieces]
    (paragraph,) = [b for b in article.blocks if article.text[b.start : b.end] == kept]
    assert paragraph.type == "paragraph"


@pytest.mark.parametrize(
    "line",
    [
        f"{BODY} ( Antara )",  # the outlet's tag stays: the annotators mark it
        "Ia bermain sebagai kapten , Alonso ( c )",  # no sentence end before the brackets
        f"{BODY} ( 27 / 3 )",
        "Chelsea menang 2 - 1 . ( Reuters / ANTARA )",
    ],
)
def test_brackets_at_a_paragraph_end_that_are_not_initials_stay(line):
    assert removed_texts(f"{LEAD}\n\n{line}") == []


def test_headlines_under_a_bare_link_label_go_with_it_and_the_list_ends_at_a_sentence():
    text = (
        f"{LEAD}\n\nBaca juga :\n\nSelamat ! Nia Ramadhani Melahirkan Anak Ketiga\n\n"
        "Inikah Sosok Pria yang Bikin Aming Cemburu ?\n\n"
        "Dalam jumpa pers tersebut sebagian pemilik dan tamu ikut dihadirkan .\n\n"
        "Subjudul Sesudah Daftar"
    )
    assert removed_texts(text) == [
        "Baca juga :",
        "Selamat ! Nia Ramadhani Melahirkan Anak Ketiga",
        "Inikah Sosok Pria yang Bikin Aming Cemburu ?",
    ]


def test_a_link_list_inside_the_label_paragraph_ends_with_that_paragraph():
    text = (
        f"{LEAD}\n\nbaca :\nKemenangan Trump Akhir Mimpi Palestina\nBerisi Caci Maki\n\n"
        "Ratna Sari Dewi Soekarno\n\nIbu negara Indonesia juga pernah berpose di depan kamera ."
    )
    article = segment(normalise(text))
    assert [r["text"] for r in article.removed] == [
        "baca :", "Kemenangan Trump Akhir Mimpi Palestina", "Berisi Caci Maki",
    ]  # fmt: skip
    assert article.blocks_of("subheading") == ["Ratna Sari Dewi Soekarno"]


def test_photo_and_source_credits_are_typed_credit_not_removed():
    article = segment(
        normalise(
            f"{LEAD}\n\nTesla ( Foto : Tesla )\n\nFoto : Shutterstock\n\n{BODY}\n\n"
            "Sumber : DPReview .\n\nSumber berita Gizmochina ."
        )
    )
    assert article.removed == []
    assert article.blocks_of("caption") == ["Tesla"]
    assert article.blocks_of("credit") == [
        "( Foto : Tesla )", "Foto : Shutterstock", "Sumber : DPReview .", "Sumber berita Gizmochina .",
    ]  # fmt: skip


def test_a_url_in_a_paragraph_is_no_credit():
    line = "Informasi lebih lanjut bisa mengunjungi situs resmi DMSS melalui https://www.dmss.io ."
    assert segment(normalise(f"{LEAD}\n\n{line}")).blocks_of("paragraph") == [LEAD, line]


def test_only_the_headline_is_dropped_when_repeated_never_a_repeated_body_line():
    results = "Dani Pedrosa ( Repsol Honda ) - finis 5"
    article = segment(
        normalise(
            f"Judul Berita Balapan\n\nJudul Berita Balapan\n\n{LEAD}\n\nHasil kualifikasi\n\n"
            f"{results}\n\nHasil balapan\n\n{results}"
        )
    )
    assert article.removed == [
        {"kind": "duplicate_headline", "text": "Judul Berita Balapan", "line": 3}
    ]
    assert article.text.count(results) == 2


def test_without_a_title_a_short_line_after_the_body_is_a_subheading_not_the_headline():
    article = segment(normalise(f"{LEAD}\n\nSusunan pemain\n\n{BODY}"))
    assert article.blocks_of("headline") == [] and article.blocks_of("subheading") == [
        "Susunan pemain"
    ]


def test_every_line_is_its_kept_text_and_removed_pieces_joined(seed_text):
    """Nothing is dropped silently, trimmed lines included."""
    text = normalise(
        f"{LEAD}\n\nBaca juga : Judul Lain\n\n{BODY} ( ugo / ugo )\n\nBaca_Juga {BODY}\n\n"
        f"{BODY} ( Baca : Judul ) ( agk / agk )\n\n( res )"
    )
    article = segment(text)
    kept = iter(article.text.split("\n\n"))
    for number, line in enumerate(text.split("\n"), start=1):
        if not line:
            continue
        pieces = [r["text"] for r in article.removed if r["line"] == number]
        if pieces == [line]:
            continue
        paragraph = next(kept)
        head = [p for p in pieces if line.startswith(p + " ")]
        assert " ".join([*head, paragraph, *pieces[len(head) :]]) == line
