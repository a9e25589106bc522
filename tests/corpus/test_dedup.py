"""Near-duplicates: the same story in other words or as an excerpt is caught, other stories not."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from warta.corpus.dedup import NearDuplicateIndex, _Multimap, paragraph_fingerprints, shingles
from warta.corpus.pipeline import ingest
from warta.store import VersionedStore

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

STORY = "\n\n".join(
    [
        "Jakarta , CNN Indonesia - - Komisi Pemberantasan Korupsi memeriksa Direktur Utama PT "
        "Pertani dalam kasus dugaan suap uji materi Undang-Undang Peternakan , Rabu ( 15 / 3 ) .",
        '" Ada satu saksi yang kami panggil hari ini untuk tersangka Basuki Hariman , " kata Juru '
        "Bicara KPK Febri Diansyah di gedung KPK , Jakarta .",
        "Menurut Febri , penyidik perlu memperdalam fakta terkait indikasi kepentingan bisnis "
        "Basuki Hariman dalam perkara suap uji materi di Mahkamah Konstitusi itu .",
        "Sebelumnya , KPK memeriksa sekretaris Patrialis Akbar sebagai saksi untuk tersangka "
        "Basuki Hariman dalam perkara yang sama pada Senin ( 13 / 3 ) .",
    ]
)
OTHER = "\n\n".join(
    [
        "Persib Bandung menang 2 - 1 atas Bali United dalam laga pekan ketiga Liga 1 di Stadion "
        "Gelora Bandung Lautan Api , Sabtu malam .",
        "Gol kemenangan Persib dicetak Atep pada menit ke - 80 setelah menerima umpan silang dari "
        "sisi kanan lapangan yang gagal dihalau bek lawan .",
    ]
)


def test_shingles_ignore_tokenisation_and_case():
    assert shingles("Senin ( 27 / 3 ) kata Presiden Jokowi") == shingles(
        "senin (27/3), kata presiden jokowi"
    )
    assert shingles("dua kata") == {"dua kata"} and shingles("") == set()


def test_exact_copy_and_lightly_edited_copy_are_near_duplicates_of_the_first():
    index = NearDuplicateIndex()
    assert index.check("a", STORY) is None
    copy = index.check("b", STORY)
    assert (copy.duplicate_of, copy.similarity, copy.measure) == ("a", 1.0, "jaccard")
    edited = STORY.replace("Rabu ( 15 / 3 )", "Rabu (15/3)").replace("memeriksa", "memanggil")
    match = index.find("c", edited)
    assert match.duplicate_of == "a" and 0.5 <= match.similarity < 1.0
    assert len(index) == 1  # duplicates are not indexed


def test_another_story_is_no_duplicate_and_is_indexed():
    index = NearDuplicateIndex()
    index.check("a", STORY)
    assert index.check("b", OTHER) is None and len(index) == 2


def test_an_excerpt_is_caught_by_containment_either_way_round():
    first_two = "\n\n".join(STORY.split("\n\n")[:2])  # Jaccard with the whole below 0.5
    index = NearDuplicateIndex()
    index.add("whole", STORY)
    match = index.find("part", first_two)
    assert (match.duplicate_of, match.measure, match.similarity) == ("whole", "containment", 1.0)
    index = NearDuplicateIndex()
    index.add("part", first_two)
    assert index.find("whole", STORY).duplicate_of == "part"


def test_a_shared_short_paragraph_or_a_formula_makes_no_duplicate():
    index = NearDuplicateIndex()
    quote = STORY.split("\n\n")[1]
    index.add("a", f"{OTHER}\n\n{quote}")
    assert index.find("b", f"{quote}\n\nParagraf lain yang berbeda sama sekali isinya .") is None
    assert paragraph_fingerprints("Babak pertama\n\nSusunan pemain") == {}


def test_multimap_finds_keys_in_runs_and_in_the_latest_pairs():
    multimap = _Multimap(flush_at=4)
    for number in range(10):
        multimap.add([number % 3, 100 + number], number)
    assert multimap.get([0, 1, 105, 999]) == [[0, 3, 6, 9], [1, 4, 7], [5], []]


@pytest.fixture
def store(scratch_repo: Path):
    return VersionedStore.for_corpus(scratch_repo / "corpus" / "versions")


def test_blog_page_of_the_seed_is_kept_out_as_the_seed(scratch_repo, store, tmp_path):
    seed = ingest([scratch_repo / "corpus" / "raw"], store).version
    (seed_id,) = seed.diff.added
    page = tmp_path / "blog_page.html"
    shutil.copy(FIXTURES / "blog_page.html", page)
    report = ingest([page], store)
    assert report.version is None and report.articles == 0
    ((source, match),) = report.near_duplicates
    assert source == str(page) and match.duplicate_of == seed_id
    assert match.measure == "containment" and match.similarity >= 0.8


def test_near_duplicates_in_one_batch_go_to_the_manifest_and_can_be_kept(store, tmp_path):
    lines = [{"text": STORY}, {"text": STORY.replace("Rabu", "Rabu pagi")}, {"text": OTHER}]
    batch = tmp_path / "batch.jsonl"
    batch.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    report = ingest([batch], store)
    assert report.version.rows("articles") == 2
    (record,) = report.version.manifest["batch"]["near_duplicates"]
    assert record["source"] == f"{batch}:2" and record["measure"] == "jaccard"
    assert record["duplicate_of"] in report.diff.added and record["kept"] is False
    assert record["doc_id"] not in report.diff.added and record["similarity"] >= 0.5
    kept = ingest([batch], VersionedStore.for_corpus(tmp_path / "kept"), keep_near_duplicates=True)
    assert kept.version.rows("articles") == 3
    assert kept.version.manifest["batch"]["near_duplicates"][0]["kept"] is True


def test_a_later_batch_is_checked_against_the_parent_version(store, tmp_path):
    first = tmp_path / "first.jsonl"
    first.write_text(json.dumps({"text": STORY}) + "\n", encoding="utf-8")
    v1 = ingest([first], store).version
    second = tmp_path / "second.jsonl"
    edited = STORY.replace("Rabu ( 15 / 3 )", "Rabu ( 15/3 )")
    second.write_text(
        "\n".join(json.dumps({"text": t}) for t in (edited, OTHER)) + "\n", encoding="utf-8"
    )
    report = ingest([second], store)
    ((_, match),) = report.near_duplicates
    assert match.duplicate_of == v1.diff.added[0]
    assert report.version.rows("articles") == 2 and len(report.diff.added) == 1
    again = ingest([first], store)  # the parent's own document is unchanged, not a duplicate
    assert again.version is None and again.unchanged == 1 and again.near_duplicates == []
