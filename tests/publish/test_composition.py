"""Composition blocks: per source, in PROVENANCE.yaml order, every figure from the article rows."""

from __future__ import annotations

import yaml

from tests.publish.conftest import block_rows
from warta.publish import composition


def provenance_order(repo) -> list[str]:
    return [f"`{s}`" for s in yaml.safe_load(repo.provenance_file.read_text())["sources"]]


def test_composition_counts_each_source_and_the_whole(mixed_repo):
    rows = block_rows(composition.composition_block(mixed_repo))
    articles = mixed_repo.corpus().read("articles").to_pylist()
    assert [r[0] for r in rows] == [*provenance_order(mixed_repo), "all"]
    for row in rows[:-1]:
        mine = [a for a in articles if f"`{a['source']}`" == row[0]]
        assert row[1] == str(len(mine))
        assert row[3] == str(sum(len(a["sentences"]) for a in mine))
        assert row[4] == str(sum(len(a["tokens"]) for a in mine))
    assert rows[-1][1:3] == [str(len(articles)), "100.0%"]
    assert rows[-1][4] == str(sum(len(a["tokens"]) for a in articles))


def test_language_counts_the_parallel_layer_and_pretokenised_spacing(mixed_repo):
    rows = {r[0]: r for r in block_rows(composition.language_block(mixed_repo))}
    assert rows["`ntrex-128`"][3:5] == ["2 (en)", "5 of 5"]
    assert rows["`seed`"][3] == "-" and rows["`seed`"][5].endswith("(0.0%)")
    assert rows["`indosum`"][5] == "3 of 3 (100.0%)"  # ` ,` ` .` ` .`: every mark after a space


def test_topics_are_the_categories_a_source_gives(mixed_repo):
    rows = block_rows(composition.topics_block(mixed_repo))
    assert rows == [
        ["`indosum`", "olahraga", "1", "50.0%"],
        ["`indosum`", "tajuk utama", "1", "50.0%"],
    ]


def test_outlets_say_where_they_are_read_from(mixed_repo):
    rows = {(r[0], r[1]): r[2:] for r in block_rows(composition.outlets_block(mixed_repo))}
    assert rows[("`indosum`", "antaranews")] == ["1", "50.0%", "`source_metadata.source`"]
    assert rows[("`ntrex-128`", "bbc")] == ["1", "50.0%", "prefix of the document id"]
    assert rows[("`seed`", "TASS")] == ["1", "100.0%", "`outlets` (credits in the text)"]


def test_the_time_span_comes_from_ids_or_datelines_and_says_which(mixed_repo):
    rows = {r[0]: r[1:] for r in block_rows(composition.time_span_block(mixed_repo))}
    assert rows["`indosum`"] == ["2 of 2", "2016-10-08", "2017-03-28", "2016: 1, 2017: 1",
                                 "Unix time at the start of the id (UTC)"]  # fmt: skip
    assert rows["`ntrex-128`"] == ["0 of 2", "-", "-", "-", "no date in the data"]
    assert rows["`seed`"][1:3] == ["2021-07-06", "2021-07-06"]


def test_rights_are_what_the_rows_carry(mixed_repo):
    rows = {r[0]: r[1:] for r in block_rows(composition.rights_block(mixed_repo))}
    assert rows["`ntrex-128`"] == ["2", "CC BY-SA 4.0", "NTREX-128 (2022)."]
    assert rows["`seed`"][1] == "research use with takedown (no license granted)"
