"""The gold sample: which corpus documents get gold, and their frozen splits.

The sample is the seed article, every NTREX-128 document and the IndoSum articles listed by id in
``corpus/raw/indosum/gold_sample.txt`` (category "tajuk utama", 150-600 words).
"""

from __future__ import annotations

import json

from warta.errors import WartaError
from warta.gold.splits import read_splits, record_splits, stratified_splits
from warta.repository import Repository

WHOLE_SOURCES = ("seed", "ntrex-128")
LISTED_SOURCE = "indosum"


def gold_sample(repo: Repository) -> dict[str, str]:
    """doc_id -> source for every document of the gold sample, in the newest corpus version."""
    path = repo.gold_sample_file
    try:
        listed = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    except OSError as err:
        raise WartaError(f"{path}: cannot read the gold sample ({err.strerror})") from None
    wanted = {source_id for source_id in listed if source_id and not source_id.startswith("#")}
    sample: dict[str, str] = {}
    found: set[str] = set()
    rows = repo.corpus().iter_rows("articles", ["doc_id", "source", "source_metadata"])
    for row in rows:
        if row["source"] in WHOLE_SOURCES:
            sample[row["doc_id"]] = row["source"]
        elif row["source"] == LISTED_SOURCE and row["source_metadata"]:
            source_id = json.loads(row["source_metadata"]).get("id")
            if source_id in wanted:
                sample[row["doc_id"]] = row["source"]
                found.add(source_id)
    missing = sorted(wanted - found)
    if missing:
        raise WartaError(
            f"{path}: {len(missing)} listed IndoSum id(s) are not in the corpus, e.g. {missing[0]}"
        )
    return sample


def split_sample(repo: Repository, seed: int = 0) -> tuple[dict[str, str], dict[str, str]]:
    """Record splits for the sample's documents that have none; (sample, all splits)."""
    sample = gold_sample(repo)
    new = stratified_splits(sample, read_splits(repo.splits_file), seed=seed)
    return sample, record_splits(repo.splits_file, new) if new else read_splits(repo.splits_file)
