"""Shared fixtures: paths to the seed article and external corpora, scratch repositories, tiny
token-classification checkpoints, and real Label Studio servers (one slow template data dir per
session, a copy per test)."""

from __future__ import annotations

import json
import re
import secrets
import shutil
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from warta.annotations.server import (
    AdminCredentials,
    Annotator,
    LabelStudioServer,
    add_annotator,
    check_connection,
)

pytest_plugins = ["tests.benchmarks.gold"]  # the gold with splits the benchmark's tests share

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED = REPO / "corpus" / "raw" / "000_bb4a5094ef9681cd.txt"
IDNER = SHARED / "external" / "idner-news-2k"


SEED_ID = "wrt-fd09ad9a1571522e"  # the seed's doc_id (from its text) in every corpus version


def shipped_seed_row(version: str = "latest") -> dict:
    """The seed article's row in a shipped corpus version (the one document of the gold v0001)."""
    from warta.repository import Repository

    rows = Repository(REPO).corpus(version).iter_rows("articles")
    return next(row for row in rows if row["doc_id"] == SEED_ID)


def shipped_seed_gold() -> dict:
    """The seed article's row in the newest shipped gold snapshot's ``documents`` table."""
    from warta.repository import Repository

    rows = Repository(REPO).gold_store().latest().iter_rows("documents")
    return next(row for row in rows if row["doc_id"] == SEED_ID)


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def scratch_repo(tmp_path: Path) -> Path:
    """An empty Warta repository layout in a temporary folder (no versions yet), its raw folder
    holding the seed article and a PROVENANCE.yaml that lists only the seed."""
    root = tmp_path / "repo"
    (root / "corpus" / "raw").mkdir(parents=True)
    (root / "annotations").mkdir()
    (root / "pyproject.toml").write_text("[project]\nname = 'scratch'\n")
    (root / "README.md").write_text("# scratch\n")
    shutil.copy(SEED, root / "corpus" / "raw" / SEED.name)
    write_provenance(root / "corpus" / "raw", {"seed": seed_source()})
    return root


def seed_source() -> dict:
    """The seed's entry in the shipped PROVENANCE.yaml."""
    provenance = yaml.safe_load((REPO / "corpus" / "raw" / "PROVENANCE.yaml").read_text("utf-8"))
    return provenance["sources"]["seed"]


def write_provenance(raw: Path, sources: dict[str, dict]) -> Path:
    """A PROVENANCE.yaml in ``raw`` with these sources (each with license, attribution, files)."""
    path = raw / "PROVENANCE.yaml"
    path.write_text(yaml.safe_dump({"sources": sources}, allow_unicode=True), encoding="utf-8")
    return path


def listed(raw: Path, *names: str, role: str | None = None) -> dict[str, dict]:
    """``files`` entries of a source for files in ``raw``, with their sha256."""
    import hashlib

    entries = {}
    for name in names:
        entries[name] = {"sha256": hashlib.sha256((raw / name).read_bytes()).hexdigest()}
        if role:
            entries[name]["role"] = role
    return entries


@pytest.fixture
def hf_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private `datasets` cache, and no network: loads must come from the files on disk."""
    cache = tmp_path / "hf-cache"
    monkeypatch.setenv("HF_DATASETS_CACHE", str(cache))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    return cache


# Tiny token-classification checkpoints, built on the spot (nothing is downloaded).
WARTA_LABELS = ["O"] + [
    f"{p}-{t}"
    for t in ("PER", "ORG", "GPE", "LOC", "FAC", "NORP", "DATE", "CARDINAL")
    for p in "BI"
]


def vocabulary(texts: list[str]) -> list[str]:
    """BERT specials, lowercased words of the texts, and single characters so any word splits."""
    words = sorted({w for t in texts for w in re.findall(r"\w+|[^\w\s]", t.lower())})
    pieces = [*string.ascii_lowercase, *string.digits]
    return [
        "[PAD]",
        "[UNK]",
        "[CLS]",
        "[SEP]",
        "[MASK]",
        *words,
        *(p for p in pieces if p not in words),
        *(f"##{p}" for p in pieces),
    ]


def build_checkpoint(
    folder: Path,
    labels: list[str],
    *,
    texts: list[str] | None = None,
    seed: int = 0,
    favour: str | None = None,
):
    """A 2-layer BERT with random weights (fixed seed) saved with ``save_pretrained``; ``favour``
    makes the classifier predict that one label everywhere. Returns (folder, tokenizer, model)."""
    import torch
    from transformers import BertConfig, BertForTokenClassification, BertTokenizerFast

    folder.mkdir(parents=True, exist_ok=True)
    vocab = folder / "vocab.txt"
    vocab.write_text("\n".join(vocabulary(texts or [SEED.read_text("utf-8")])) + "\n", "utf-8")
    tokenizer = BertTokenizerFast(vocab=str(vocab))  # transformers 5 ignores vocab_file=
    config = BertConfig(
        vocab_size=len(tokenizer.get_vocab()),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
        id2label=dict(enumerate(labels)),
        label2id={label: i for i, label in enumerate(labels)},
    )
    torch.manual_seed(seed)
    model = BertForTokenClassification(config)
    if favour is not None:
        with torch.no_grad():
            model.classifier.weight.zero_()
            model.classifier.bias.fill_(-10.0)
            model.classifier.bias[labels.index(favour)] = 10.0
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder, tokenizer, model


@pytest.fixture(scope="session")
def make_checkpoint(tmp_path_factory) -> Callable[..., Path]:
    """Build a tiny checkpoint in a fresh folder: ``make_checkpoint(labels, seed=, favour=)``."""

    def make(labels: list[str] = WARTA_LABELS, **options) -> Path:
        folder = tmp_path_factory.mktemp("checkpoint")
        return build_checkpoint(folder, labels, **options)[0]

    return make


@pytest.fixture(scope="session")
def tiny_checkpoint(make_checkpoint) -> Path:
    return make_checkpoint()


# Real Label Studio servers (tests marked ``labelstudio``: the annotation loop and its commands).
FIXTURE_FILE = "warta-fixture.json"
ANNOTATOR_EMAIL = "annotator2@warta.local"


@dataclass(frozen=True)
class LiveLabelStudio:
    """A running server with two users: the admin and a second annotator who can log in."""

    server: LabelStudioServer
    admin: AdminCredentials
    admin_id: int
    annotator: Annotator
    annotator_password: str

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def admin_token(self) -> str:
        return self.admin.token


@pytest.fixture(scope="session")
def label_studio_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir made by one first start (20-24 s of migrations), with a second user signed up.

    The admin's email, password and token are made up for this session only.
    """
    data_dir = tmp_path_factory.mktemp("label-studio-template")
    admin = AdminCredentials.load_or_create(data_dir)
    annotator_password = secrets.token_urlsafe(12)
    with LabelStudioServer(data_dir, admin.token, admin.email, admin.password).start(120) as server:
        admin_id = check_connection(server.url, admin.token)
        annotator = add_annotator(server.url, admin.token, ANNOTATOR_EMAIL, annotator_password)
    record = {
        "admin_id": admin_id,
        "annotator": {"user_id": annotator.user_id, "email": annotator.email},
        "annotator_token": annotator.token,
        "annotator_password": annotator_password,
    }
    (data_dir / FIXTURE_FILE).write_text(json.dumps(record, indent=2))
    return data_dir


@pytest.fixture
def label_studio_data_dir(label_studio_template: Path, tmp_path: Path) -> Path:
    """A private copy of the template data dir: starting on it takes about 2-3 s."""
    return Path(shutil.copytree(label_studio_template, tmp_path / "label-studio"))


@pytest.fixture
def label_studio(label_studio_data_dir: Path) -> Iterator[LiveLabelStudio]:
    """A fresh server on a free port, stopped after the test."""
    record = json.loads((label_studio_data_dir / FIXTURE_FILE).read_text())
    admin = AdminCredentials.load_or_create(label_studio_data_dir)
    server = LabelStudioServer(label_studio_data_dir, admin.token, admin.email, admin.password)
    with server.start(timeout=60):
        yield LiveLabelStudio(
            server=server,
            admin=admin,
            admin_id=record["admin_id"],
            annotator=Annotator(**record["annotator"], token=record["annotator_token"]),
            annotator_password=record["annotator_password"],
        )
