"""Who annotates what for gold v0002 (guidelines v3): writes annotations/assignments.yaml.

Every document of the gold sample gets one annotator; a quarter of them (stratified by source and
split, the seed included) get a second, blind one for agreement; each annotator also annotates, blind,
50 of 300 sentences drawn from idner-news-2k's test file for the calibration against human gold.
Work is balanced by words; each list puts the double-annotated documents first, then the
calibration sentences, then the rest. Run from the repo root with the project's virtualenv.
"""

import random
from collections import defaultdict
from pathlib import Path

import yaml

from warta.annotations.sample import gold_sample
from warta.corpus.conll import read_conll
from warta.gold.splits import read_splits
from warta.repository import Repository

ANNOTATORS = [f"ann-{c}" for c in "abcdef"]
DOUBLE_SHARE = 0.25
CALIBRATION_SENTENCES = 300
IDNER_TEST = Path("../shared/external/idner-news-2k/test.txt")
SEED = 3

repo = Repository.find()
sample = gold_sample(repo)
splits = read_splits(repo.splits_file)
words = {
    r["doc_id"]: len(r["tokens"])
    for r in repo.corpus().iter_rows("articles", ["doc_id", "tokens"])
    if r["doc_id"] in sample
}
rng = random.Random(SEED)

cells = defaultdict(list)
for doc_id in sorted(sample):
    cells[sample[doc_id], splits[doc_id]].append(doc_id)
double = []
for key in sorted(cells):
    docs = cells[key]
    rng.shuffle(docs)
    double += docs[: max(1, round(len(docs) * DOUBLE_SHARE))] if key[0] != "seed" else docs

load = dict.fromkeys(ANNOTATORS, 0)
work = defaultdict(list)
first = {}
order = sorted(sample, key=lambda d: (d not in double, -words[d], d))
for doc_id in order:
    who = min(ANNOTATORS, key=lambda a: (load[a], a))
    first[doc_id] = who
    work[who].append(doc_id)
    load[who] += words[doc_id]
    if doc_id in double:
        second = min((a for a in ANNOTATORS if a != who), key=lambda a: (load[a], a))
        work[second].append(doc_id)
        load[second] += words[doc_id]

sentences = list(read_conll(IDNER_TEST, {"PER": "PER", "ORG": "ORG", "LOC": "LOC"}))
chosen = sorted(rng.sample(range(len(sentences)), CALIBRATION_SENTENCES))
calibration = {a: [] for a in ANNOTATORS}
for position, index in enumerate(chosen):
    calibration[ANNOTATORS[position % len(ANNOTATORS)]].append(f"idner-test-{index + 1:04d}")

plan = {
    "about": __doc__.split("\n\n")[0],
    "double_annotated": sorted(double),
    "calibration": {"file": "idner-news-2k/test.txt", "sentences": CALIBRATION_SENTENCES, "seed": SEED},
    "annotators": {
        a: {"documents": work[a], "calibration": calibration[a], "words": load[a]} for a in ANNOTATORS
    },
}
repo.assignments_file.write_text(yaml.safe_dump(plan, sort_keys=False, width=100))
print(f"{len(sample)} documents, {len(double)} double; words per annotator: {load}")
