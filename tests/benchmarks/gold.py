"""A gold with real splits for the benchmark's tests (a pytest plugin of tests/conftest.py): a
scratch repository (schema v2, the shipped configs) whose corpus has documents from three sources
(``seed``, ``ntrex-128``, ``indosum``), ingested for real, and a gold snapshot with train,
validation and test documents.

Documents are written in a small markup: ``[text|TYPE]`` is an entity mention and
``{trigger|EVENT|mode|role=mention text,...}`` an event, its arguments named by the text of a
mention of the same document. Some names occur only in test documents (``TEST_ONLY``): no model's
resources may contain them.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from hydra import compose, initialize_config_dir

from tests.conftest import IDNER, REPO
from warta.corpus.pipeline import ingest
from warta.gold.snapshot import GoldInput, write_gold_snapshot
from warta.repository import Repository
from warta.schema.mentions import Argument, DocumentAnnotation, EntityMention, EventMention

TEST_ONLY = ("Wibisono Hadikusumo", "Larasati Kencana", "Wonorejo", "Partai Tirtonadi")


def story(per: str, per2: str, org: str, gpe: str, gpe2: str, money: str, pct: str) -> str:
    return (
        f"Kabar dari [{gpe}|GPE]\n\n"
        f"[{per}|PER] dari [{org}|ORG] {{mengunjungi|CONSULT|visit|actor={per},place={gpe}}} "
        f"[{gpe}|GPE] pada [hari Senin|DATE]. Polisi {{menangkap|COERCE|arrest|recipient={per2}}} "
        f"[{per2}|PER] di [{gpe2}|GPE] dalam kasus korupsi senilai [{money}|MONEY].\n\n"
        f"Harga beras naik [{pct}|PERCENT], kata [{per}|PER]. [{org}|ORG] "
        f"{{mendukung|SUPPORT||actor={org}}} rencana itu.\n"
    )


DOCUMENTS = {  # (source, split) -> stories
    ("ntrex-128", "train"): [
        story("Budi Santoso", "Agus Salim", "Bank Indonesia", "Surabaya", "Bandung", "Rp 5 miliar", "12 persen"),
        story("Siti Rahayu", "Dewi Lestari", "Komisi Pemberantasan Korupsi", "Jepang", "Medan", "Rp 2 miliar", "3 persen"),
        story("Agus Salim", "Budi Santoso", "Polda Metro Jaya", "Malaysia", "Surabaya", "Rp 9 miliar", "7 persen"),
    ],
    ("indosum", "train"): [
        story("Dewi Lestari", "Siti Rahayu", "Bank Indonesia", "Bandung", "Jepang", "Rp 4 miliar", "5 persen"),
        story("Rudi Hartono", "Agus Salim", "Komisi Pemberantasan Korupsi", "Medan", "Malaysia", "Rp 8 miliar", "9 persen"),
        story("Budi Santoso", "Rudi Hartono", "Polda Metro Jaya", "Surabaya", "Medan", "Rp 6 miliar", "4 persen"),
    ],
    ("ntrex-128", "validation"): [
        story("Siti Rahayu", "Rudi Hartono", "Bank Indonesia", "Medan", "Bandung", "Rp 3 miliar", "6 persen"),
    ],
    ("indosum", "validation"): [
        story("Rudi Hartono", "Dewi Lestari", "Polda Metro Jaya", "Jepang", "Surabaya", "Rp 7 miliar", "8 persen"),
    ],
    ("ntrex-128", "test"): [
        story("Wibisono Hadikusumo", "Budi Santoso", "Partai Tirtonadi", "Wonorejo", "Bandung", "Rp 1 miliar", "2 persen"),
        story("Siti Rahayu", "Larasati Kencana", "Bank Indonesia", "Surabaya", "Wonorejo", "Rp 5 miliar", "11 persen"),
    ],
    ("indosum", "test"): [
        story("Larasati Kencana", "Agus Salim", "Komisi Pemberantasan Korupsi", "Medan", "Jepang", "Rp 2 miliar", "10 persen"),
        story("Dewi Lestari", "Wibisono Hadikusumo", "Partai Tirtonadi", "Bandung", "Malaysia", "Rp 6 miliar", "15 persen"),
    ],
    ("seed", "test"): [
        story("Agus Salim", "Siti Rahayu", "Polda Metro Jaya", "Malaysia", "Medan", "Rp 4 miliar", "13 persen"),
    ],
}  # fmt: skip

MARKUP = re.compile(r"\[([^\]|]+)\|([A-Z]+)\]|\{([^}|]+)\|([A-Z_]+)\|([^|]*)\|([^}]*)\}")


def plain(marked: str) -> tuple[str, list[tuple]]:
    """The text without markup, and the marked items in order: ("entity", text, type) or
    ("event", trigger, type, mode, {role: mention text})."""
    items = []

    def replace(match: re.Match) -> str:
        if match.group(1):
            items.append(("entity", match.group(1), match.group(2)))
            return match.group(1)
        roles = dict(pair.split("=", 1) for pair in match.group(6).split(",") if pair)
        items.append(("event", match.group(3), match.group(4), match.group(5) or None, roles))
        return match.group(3)

    return MARKUP.sub(replace, marked), items


def annotate(doc_id: str, text: str, items: list[tuple]) -> DocumentAnnotation:
    """Mentions and events at their places in the ingested text, found in order."""
    entities, events, position = [], [], 0
    for item in items:
        start = text.index(item[1], position)
        position = start + len(item[1])
        if item[0] == "entity":
            entities.append(EntityMention(f"m{start}", item[2], start, position, item[1]))
        else:
            events.append((start, position, item))
    annotated = []
    for start, end, (_, trigger, kind, mode, roles) in events:
        arguments = []
        for role, name in roles.items():
            nearest = min(
                (m for m in entities if m.text == name), key=lambda m: abs(m.start - start)
            )
            arguments.append(Argument(role, nearest.mention_id))
        annotated.append(
            EventMention(f"v{start}", kind, start, end, trigger, "actual", mode, tuple(arguments))
        )
    return DocumentAnnotation(doc_id, entities, annotated)


@dataclass
class BenchGold:
    root: Path
    repo: Repository
    splits: dict[str, str]  # doc_id -> split
    sources: dict[str, str]  # doc_id -> source
    gold: dict[str, DocumentAnnotation]
    rows: dict[str, dict]  # doc_id -> corpus row

    def ids(self, split: str) -> set[str]:
        return {d for d, s in self.splits.items() if s == split}


@pytest.fixture(scope="session")
def bench_gold(tmp_path_factory) -> BenchGold:
    root = tmp_path_factory.mktemp("bench") / "repo"
    raw = root / "corpus" / "raw"
    (root / "annotations").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'scratch'\n")
    shutil.copy(REPO / "annotations" / "schema.yaml", root / "annotations" / "schema.yaml")
    shutil.copytree(REPO / "configs", root / "configs")
    provenance, marked = {}, {}
    for (source, split), stories in DOCUMENTS.items():
        for index, text in enumerate(stories):
            folder = raw / source
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{split}-{index}.txt"
            body, items = plain(text)
            path.write_text(body, encoding="utf-8")
            entry = provenance.setdefault(
                source, {"license": "test", "attribution": "test", "files": {}}
            )
            entry["files"][path.name] = {"sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
            assert " ".join(body.split()) not in marked, f"a fixture document twice: {body}"
            marked[" ".join(body.split())] = (source, split, items)
    (raw / "PROVENANCE.yaml").write_text(yaml.safe_dump({"sources": provenance}), encoding="utf-8")
    repo = Repository(root)
    corpus = ingest(
        [repo.raw_dir], repo.corpus_store(), repository=repo, keep_near_duplicates=True
    ).version
    rows = {r["doc_id"]: r for r in corpus.iter_rows("articles")}
    gold, splits, sources = {}, {}, {}
    for doc_id, row in rows.items():
        source, split, items = marked[" ".join(row["text"].split())]
        gold[doc_id] = annotate(doc_id, row["text"], items)
        splits[doc_id], sources[doc_id] = split, source
        assert row["source"] == source
    write_gold_snapshot(
        repo.gold_store(),
        GoldInput(corpus, repo.schema(), gold, {d: "single" for d in gold}, splits,
                  {"path": "annotations/exports/none.json", "sha256": "0" * 64}),
    )  # fmt: skip
    return BenchGold(root, repo, splits, sources, gold, rows)


def configured(root: Path, results: Path, *overrides: str):
    """A composed benchmark config on that repository, fast settings."""
    with initialize_config_dir(config_dir=str(REPO / "configs"), version_base="1.3"):
        return compose(
            "config",
            overrides=[
                f"results_dir={results}",
                f"root={root}",
                f"data.train_path={IDNER / 'dev.txt'}",
                "metrics.bootstrap_samples=200",
                *overrides,
            ],
        )
