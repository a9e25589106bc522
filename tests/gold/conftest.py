"""A scratch repository with two ingested articles and adjudicated gold for both: the seed article
(test split) and a short flood report (train split)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass

import pytest

from tests.conftest import REPO
from warta.corpus.pipeline import ingest
from warta.gold.snapshot import GoldInput
from warta.repository import Repository
from warta.schema.mentions import Argument, DocumentAnnotation, EntityMention, EventMention
from warta.store import Version

FLOOD = "Banjir melanda Jakarta pada hari Senin, kata BNPB. Ribuan warga mengungsi ke masjid."


def mention(text: str, needle: str, kind: str, mention_id: str, **extra) -> EntityMention:
    start = text.index(needle)
    return EntityMention(mention_id, kind, start, start + len(needle), needle, **extra)


@dataclass
class GoldRepo:
    repo: Repository
    corpus: Version
    articles: dict[str, dict]  # by doc_id
    seed_id: str
    flood_id: str

    def gold(self) -> dict[str, DocumentAnnotation]:
        seed, flood = self.articles[self.seed_id]["text"], self.articles[self.flood_id]["text"]
        putin = mention(seed, "Vladimir Putin", "PER", "putin", entity_id="putin",
                        canonical_name="Vladimir Putin")  # fmt: skip
        rahmon = mention(seed, "Emomali Rahmon", "PER", "rahmon", entity_id="rahmon",
                         canonical_name="Emomali Rahmon")  # fmt: skip
        tajikistan = mention(seed, "Tajikistan", "GPE", "tjk")
        call = mention(seed, "panggilan telepon", "PER", "unused")
        consult = EventMention(
            "call", "CONSULT", call.start, call.end, call.text, "actual", "phone",
            (Argument("actor", "putin"), Argument("recipient", "rahmon")),
        )  # fmt: skip
        jakarta = mention(flood, "Jakarta", "GPE", "jkt")
        senin = mention(flood, "hari Senin", "DATE", "senin")
        bnpb = mention(flood, "BNPB", "ORG", "bnpb")
        return {
            self.seed_id: DocumentAnnotation(self.seed_id, [putin, rahmon, tajikistan], [consult]),
            self.flood_id: DocumentAnnotation(self.flood_id, [jakarta, senin, bnpb], []),
        }

    def gold_input(self, gold: dict[str, DocumentAnnotation] | None = None) -> GoldInput:
        gold = self.gold() if gold is None else gold
        return GoldInput(
            corpus=self.corpus,
            schema=self.repo.schema(),
            gold=gold,
            adjudication={doc_id: "single" for doc_id in gold},
            splits={self.seed_id: "test", self.flood_id: "train"},
            export={"path": "annotations/exports/none.json", "sha256": "0" * 64},
        )


@pytest.fixture
def gold_repo(scratch_repo, tmp_path) -> GoldRepo:
    repo = Repository(scratch_repo)
    shutil.copy(REPO / "annotations" / "schema.yaml", repo.schema_file)
    flood = tmp_path / "flood.txt"
    flood.write_text(FLOOD, encoding="utf-8")
    corpus = ingest([repo.raw_dir, flood], repo.corpus_store()).version
    articles = {r["doc_id"]: r for r in corpus.iter_rows("articles")}
    flood_id = next(d for d, r in articles.items() if r["text"].startswith("Banjir"))
    (seed_id,) = set(articles) - {flood_id}
    return GoldRepo(repo, corpus, articles, seed_id, flood_id)
