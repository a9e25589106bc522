"""Near-duplicate thresholds measured: every pair of similar documents among the real sources.

The documents: the 2,996 records of IndoSum's four dev folds (2,821 distinct texts: an id in two
folds is either the same text, an exact duplicate, or a shorter version of it), the 123 NTREX-128
documents (one sentence a line, grouped by DOCUMENT_IDS.tsv), the seed article and its blog page
(``tests/fixtures/blog_page.html``). Each is cleaned as ingest cleans it; exact duplicates (same
normalised text) are counted and set aside.

For every pair of distinct texts that share a word 5-gram the script computes the exact Jaccard
similarity of their shingle sets and the paragraph containment of ``warta.corpus.dedup`` (the
share of the shorter one's fingerprinted words found in paragraphs of the other), prints the
pair counts at a few thresholds and every pair above the lowest one, so each can be read. Then it
streams all texts through ``NearDuplicateIndex.check`` as an ingest would and reports what the
index keeps out, its time per document and its memory per document (tracemalloc).

    PYTHONPATH=src .venv/bin/python benchmarks/quality/near_duplicates.py [--show 0.2]
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import sys
import time
import tracemalloc
from collections import Counter, defaultdict
from pathlib import Path

from warta.corpus.clean import normalise, segment
from warta.corpus.dedup import NearDuplicateIndex, paragraph_fingerprints, shingles
from warta.corpus.readers import read_articles

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = ROOT.parent / "shared" / "articles"
SEED = ROOT / "corpus" / "raw" / "000_bb4a5094ef9681cd.txt"
BLOG_PAGE = ROOT / "tests" / "fixtures" / "blog_page.html"
JACCARD_STEPS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
CONTAINMENT_STEPS = (0.5, 0.6, 0.7, 0.8, 0.9)
MAX_SHINGLE_DOCUMENTS = 50  # a 5-gram in more documents is a formula ("kata dia kepada wartawan")


def indosum_documents(folder: Path):
    for path in sorted(folder.glob("dev.0*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                record = json.loads(line)
                text = "\n\n".join(" ".join(" ".join(s) for s in p) for p in record["paragraphs"])
                yield f"{path.name}:{number} {record['id']}", text, None


def ntrex_documents(folder: Path):
    ids = (folder / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").splitlines()
    lines = (folder / "newstest2019-ref.ind.txt").read_text(encoding="utf-8").splitlines()
    grouped: dict[str, list[str]] = defaultdict(list)
    for doc, line in zip(ids, lines, strict=True):
        grouped[doc.split("\t")[0]].append(line)
    for doc, sentences in grouped.items():
        yield f"ntrex {doc}", "\n\n".join(sentences), None


def seed_documents():
    for article in read_articles([SEED, BLOG_PAGE]):
        yield f"{Path(article.source_file).name}", article.text, article.metadata.get("title")


def clean_texts(articles: Path) -> tuple[dict[str, str], int]:
    """Clean text of each distinct normalised text, and how many exact duplicates were set aside."""
    texts: dict[str, str] = {}
    seen: set[str] = set()
    exact = 0
    sources = [
        indosum_documents(articles / "indosum"),
        ntrex_documents(articles / "ntrex-128"),
        seed_documents(),
    ]
    for name, text, title in itertools.chain(*sources):
        normalised = normalise(text)
        key = hashlib.sha256(normalised.encode()).hexdigest()
        if key in seen:
            exact += 1
            continue
        seen.add(key)
        texts[name] = segment(normalised, title=title).text
    return texts, exact


def similar_pairs(texts: dict[str, str]) -> list[tuple[float, float, str, str]]:
    """(Jaccard, containment, a, b) for each pair sharing a 5-gram, most similar first."""
    sets = {name: shingles(text) for name, text in texts.items()}
    holders: dict[str, list[str]] = defaultdict(list)
    for name, grams in sets.items():
        for gram in grams:
            holders[gram].append(name)
    common: Counter[tuple[str, str]] = Counter()
    for names in holders.values():
        if len(names) <= MAX_SHINGLE_DOCUMENTS:
            common.update(itertools.combinations(names, 2))
    prints = {name: paragraph_fingerprints(text) for name, text in texts.items()}
    pairs = []
    for (a, b), shared in common.items():
        jaccard = shared / len(sets[a] | sets[b])
        pa, pb = prints[a], prints[b]
        words_shared = sum(pa[k] for k in pa.keys() & pb.keys())
        shorter = min(sum(pa.values()), sum(pb.values()))
        containment = words_shared / shorter if shorter else 0.0
        pairs.append((jaccard, containment, a, b))
    return sorted(pairs, reverse=True)


def index_run(texts: dict[str, str]) -> list[str]:
    tracemalloc.start()
    index = NearDuplicateIndex()
    start = time.perf_counter()
    kept_out = [index.check(name, text) for name, text in texts.items()]
    seconds = time.perf_counter() - start
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    matches = [m for m in kept_out if m is not None]
    lines = [
        f"index: {len(texts)} documents streamed in {seconds:.1f} s "
        f"({1000 * seconds / len(texts):.2f} ms a document); {len(index)} indexed, "
        f"{len(matches)} kept out; memory {current / len(index) / 1024:.1f} KB a document "
        f"(tracemalloc, {current / 2**20:.1f} MiB in all, peak {peak / 2**20:.1f} MiB)"
    ]
    lines += [
        f"  kept out {m.doc_id} as {m.duplicate_of} ({m.measure} {m.similarity})" for m in matches
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=Path, default=ARTICLES)
    parser.add_argument("--show", type=float, default=0.2, help="list pairs from this Jaccard")
    args = parser.parse_args(argv)

    texts, exact = clean_texts(args.articles)
    print(f"{len(texts) + exact} documents, {exact} exact duplicates, {len(texts)} distinct texts")
    pairs = similar_pairs(texts)
    for step in JACCARD_STEPS:
        print(f"pairs with Jaccard >= {step}: {sum(1 for p in pairs if p[0] >= step)}")
    for step in CONTAINMENT_STEPS:
        print(f"pairs with containment >= {step}: {sum(1 for p in pairs if p[1] >= step)}")
    print("pairs (Jaccard, containment):")
    for jaccard, containment, a, b in pairs:
        if jaccard >= args.show or containment >= CONTAINMENT_STEPS[0]:
            print(f"  {jaccard:.3f} {containment:.3f}  {a}  |  {b}")
    print("\n".join(index_run(texts)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
