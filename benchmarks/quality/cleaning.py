"""Cleaning quality on a fixed sample of IndoSum articles, judged by reading.

The sample: the distinct IndoSum ids of ``dev.01``-``dev.04``, ordered by the sha256 of the id
(hex), without the ids in ``gold_sample.txt`` (those are read again by the annotators), the first
100. Each article's text is built as the IndoSum reader plans to (tokens joined by a space,
sentences by a space, paragraphs by a blank line) and cleaned with ``warta.corpus.clean``.

For each article the script prints every removed piece (``-``) and every kept line that a broad
boilerplate-suspect pattern matches (``?``), so a reader can redo the judgement; ``--full``
prints the whole cleaned article (``|``) too, which is how the sample was read. The judgements
are in ``cleaning-sample.yaml`` beside this script (per article: boilerplate lines that remain
and content lines wrongly removed, with their text); the script ends with their totals, and with
``--before REV`` it also cleans the sample with the cleaner of git revision REV and derives that
cleaner's figures from the same judgements (the boilerplate of an article is what the current
cleaner removes rightly plus what remains).

    PYTHONPATH=src .venv/bin/python benchmarks/quality/cleaning.py [--full] [--before REV]
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import yaml

from warta.corpus.clean import CleanArticle, normalise, segment

ROOT = Path(__file__).resolve().parents[2]
INDOSUM = ROOT.parent / "shared" / "articles" / "indosum"
JUDGEMENTS = Path(__file__).resolve().parent / "cleaning-sample.yaml"
SAMPLE_SIZE = 100
SUSPECT = re.compile(
    r"^\W*$|[(\[][^()\[\]]{0,40}[)\]]\W*$|^(?:\S+ ){0,3}\S+ ?:|"
    r"\b(?:baca|simak|lihat|klik|tonton|saksikan|video|foto|sumber|kredit|penulis|editor|"
    r"reporter|pewarta|laporan|oleh|bagikan|share|ikuti|follow|download|unduh|copyright|"
    r"disclosure|advertorial)\b|©|https?|www|\.com\b|\.id\b",
    re.IGNORECASE,
)
"""Broad on purpose: a kept line that matches is printed for the reader to judge."""
SHORT_WORDS = 12


def indosum_text(record: dict) -> str:
    return "\n\n".join(" ".join(" ".join(s) for s in p) for p in record["paragraphs"])


def read_indosum(folder: Path) -> dict[str, dict]:
    """Distinct articles by id (the first fold that holds an id wins)."""
    records: dict[str, dict] = {}
    for path in sorted(folder.glob("dev.0*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                records.setdefault(record["id"], record)
    return records


def sample_ids(records: dict[str, dict], folder: Path, size: int = SAMPLE_SIZE) -> list[str]:
    gold_file = folder / "gold_sample.txt"
    gold = set(gold_file.read_text().split()) if gold_file.exists() else set()
    ids = sorted(
        (i for i in records if i not in gold), key=lambda i: hashlib.sha256(i.encode()).hexdigest()
    )
    return ids[:size]


def is_suspect(line: str) -> bool:
    words = len(line.split())
    return bool(SUSPECT.search(line)) or (
        words <= SHORT_WORDS and not re.search(r"[.!?\"”]$", line)
    )


def kept_lines(normalised: str, article: CleanArticle) -> list[tuple[int, str]]:
    """Each kept paragraph with the number of the line it came from (as ``removed`` counts)."""
    whole = {(r["line"], r["text"]) for r in article.removed}
    paragraphs = iter(article.text.split("\n\n") if article.text else [])
    return [
        (number, next(paragraphs))
        for number, line in enumerate(normalised.split("\n"), start=1)
        if line and (number, line) not in whole
    ]


def report_article(
    doc_id: str, record: dict, normalised: str, article: CleanArticle, full: bool
) -> list[str]:
    lines = [f"== {doc_id} ({record.get('source')}, {record.get('category')})"]
    for removal in article.removed:
        lines.append(f"  - line {removal['line']} [{removal['kind']}]: {removal['text']}")
    for number, paragraph in kept_lines(normalised, article):
        if full:
            lines.append(f"  | {number}: {paragraph}")
        elif is_suspect(paragraph):
            lines.append(f"  ? {number}: {paragraph}")
    return lines


def judged_pieces(entries: list[dict] | None) -> set[tuple[int, str]]:
    return {(e["line"], e["text"]) for e in entries or []}


def totals(
    judgements: dict, cleaned: dict[str, CleanArticle], before: dict[str, CleanArticle] | None
) -> list[str]:
    articles = judgements["articles"]
    missing = sorted(set(cleaned) - set(articles))
    remaining = sum(len(a.get("remaining_boilerplate") or []) for a in articles.values())
    wrong = sum(len(a.get("wrongly_removed") or []) for a in articles.values())
    removed = sum(len(a.removed) for a in cleaned.values())
    out = [
        "",
        f"judged articles: {len(articles)} (sample {len(cleaned)}, not judged: {len(missing)})",
        f"now: removed pieces {removed}; boilerplate lines remaining {remaining} "
        f"(in {sum(1 for a in articles.values() if a.get('remaining_boilerplate'))} articles); "
        f"content lines wrongly removed {wrong}",
    ]
    if before is not None:
        left = wrongly = gone = 0
        for doc_id, article in cleaned.items():
            judged = articles.get(doc_id, {})
            now_removed = {(r["line"], r["text"]) for r in article.removed}
            boilerplate = (now_removed - judged_pieces(judged.get("wrongly_removed"))) | (
                judged_pieces(judged.get("remaining_boilerplate"))
            )
            then_removed = {(r["line"], r["text"]) for r in before[doc_id].removed}
            gone += len(then_removed)
            left += len(boilerplate - then_removed)
            wrongly += len(then_removed - boilerplate)
        out.append(
            f"before: removed pieces {gone}; boilerplate lines remaining {left}; "
            f"content lines wrongly removed {wrongly}"
        )
    return out


def cleaner_at(revision: str) -> Callable[[str], CleanArticle]:
    """``segment(normalise(text))`` of the cleaner as it was at a git revision."""
    source = subprocess.run(
        ["git", "show", f"{revision}:src/warta/corpus/clean.py"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    path = Path(tempfile.mkdtemp()) / "clean_before.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("clean_before", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return lambda text: module.segment(module.normalise(text))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--indosum", type=Path, default=INDOSUM)
    parser.add_argument("--judgements", type=Path, default=JUDGEMENTS)
    parser.add_argument("--size", type=int, default=SAMPLE_SIZE)
    parser.add_argument("--full", action="store_true", help="print every kept paragraph")
    parser.add_argument("--before", metavar="REV", help="also judge the cleaner of this revision")
    args = parser.parse_args(argv)

    records = read_indosum(args.indosum)
    ids = sample_ids(records, args.indosum, args.size)
    texts = {i: normalise(indosum_text(records[i])) for i in ids}
    cleaned = {i: segment(texts[i]) for i in ids}
    for i in ids:
        print("\n".join(report_article(i, records[i], texts[i], cleaned[i], args.full)))
    before = None
    if args.before:
        old = cleaner_at(args.before)
        before = {i: old(indosum_text(records[i])) for i in ids}
    if args.judgements.exists():
        judgements = yaml.safe_load(args.judgements.read_text(encoding="utf-8"))
        print("\n".join(totals(judgements, cleaned, before)))
    else:
        print(f"\nno judgements at {args.judgements}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
