"""How clean the corpus is: the cleaning and duplicate blocks of DATASHEET.md.

Cleaning figures come from the judgements read by hand on a fixed IndoSum sample
(``benchmarks/quality/cleaning-sample.yaml``, drawn by ``benchmarks/quality/cleaning.py``), checked
against the cleaning the newest corpus version stored: a judgement that no longer matches the
stored text is counted, so a changed cleaner shows up here instead of leaving old figures standing.
Duplicate figures come from what each ingest recorded in its version's manifest, and from the raw
records it skipped.
"""

from __future__ import annotations

import json
from collections import Counter
from functools import cache
from pathlib import Path

from warta.publish.composition import by_source, metadata, needs_corpus
from warta.publish.markdown import share, table
from warta.repository import Repository


@needs_corpus
def cleaning_block(repo: Repository) -> str:
    import yaml

    path = repo.cleaning_judgements
    if not path.is_file():
        return "No cleaning judgements yet.\n"
    judged = yaml.safe_load(path.read_text(encoding="utf-8"))["articles"]
    version, sources = by_source(repo, ["source_metadata", "text", "removed"])
    stored = {metadata(r).get("id"): r for rows in sources.values() for r in rows}
    found = [doc for doc in judged if doc in stored]
    removed = remaining = wrongly = stale = 0
    left_in = set()
    for doc in found:
        row, judgement = stored[doc], judged[doc]
        # by text: the script numbers an IndoSum record's lines with blank lines between its
        # paragraphs, the reader without, so the same piece has another line number here
        pieces = {r["text"] for r in row["removed"]}
        removed += len(row["removed"])
        for entry in judgement.get("remaining_boilerplate") or []:
            remaining += 1
            left_in.add(doc)
            stale += entry["text"] in pieces or entry["text"] not in row["text"]
        for entry in judgement.get("wrongly_removed") or []:
            wrongly += 1
            stale += entry["text"] not in pieces
    sample = table(
        ["", "figure"],
        [
            ["articles judged", len(judged)],
            [f"of them in corpus {version.name}", len(found)],
            ["pieces cleaning removed from them", removed],
            ["boilerplate lines left in", f"{remaining} (in {len(left_in)} articles)"],
            ["content lines wrongly removed", wrongly],
            ["judgements that no longer match the stored text", stale],
        ],
    )
    kinds = sorted({r["kind"] for rows in sources.values() for a in rows for r in a["removed"]})
    rows = []
    for name, articles in sources.items():
        counts = Counter(r["kind"] for a in articles for r in a["removed"])
        touched = sum(1 for a in articles if a["removed"])
        rows.append([f"`{name}`", f"{touched} of {len(articles)} ({share(touched, len(articles))})",
                     *(counts.get(k, 0) for k in kinds)])  # fmt: skip
    removals = table(["source", "documents with a removal", *kinds], rows)
    return (
        f"Judged by reading (`{repo.relative(path)}`), against the cleaning stored in corpus "
        f"{version.name}:\n\n{sample}\nEverything cleaning removed in corpus {version.name} "
        f"(`removed`), pieces by kind:\n\n{removals}"
    )


@cache
def _lines(path: Path) -> tuple[str, ...]:
    return tuple(path.read_text(encoding="utf-8").splitlines())


def raw_paragraphs(repo: Repository, source_file: str, line: int | None) -> list | None:
    """The ``paragraphs`` of a raw JSONL record (IndoSum), or None for any other input."""
    path = repo.root / source_file
    if line is None or path.suffix != ".jsonl" or not path.is_file():
        return None
    record = json.loads(_lines(path)[line - 1])
    return record.get("paragraphs") if isinstance(record, dict) else None


def _words(paragraphs: list) -> int:
    return sum(len(sentence) for paragraph in paragraphs for sentence in paragraph)


@needs_corpus
def duplicates_block(repo: Repository) -> str:
    """Per version: what its ingest skipped, and which skipped copies differ from the kept one."""
    rows = []
    _lines.cache_clear()
    for version in repo.corpus_store().versions():
        batch = version.manifest.get("batch") or {}
        skipped = batch.get("duplicates") or []
        kept = {}
        if skipped:
            columns = ["doc_id", "source_file", "source_line"]
            kept = {r["doc_id"]: r for r in version.read("articles", columns).to_pylist()}
        other = shorter = 0
        cut: set[int] = set()
        for entry in skipped:
            where, _, line = entry["source"].rpartition(":")
            copy = raw_paragraphs(repo, where, int(line)) if line.isdigit() else None
            row = kept.get(entry["doc_id"])
            first = raw_paragraphs(repo, row["source_file"], row["source_line"]) if row else None
            if copy is None or first is None or copy == first:
                continue
            other += 1
            short = min((first, copy), key=_words)
            shorter += short is first
            cut.add(len(short))
        near = batch.get("near_duplicates") or []
        paragraphs = "-" if not cut else "-".join(str(n) for n in sorted({min(cut), max(cut)}))
        rows.append([version.name, len(skipped), other, shorter, paragraphs,
                     sum(1 for n in near if not n.get("kept")), len(batch.get("rejected") or [])])  # fmt: skip
    _lines.cache_clear()
    header = ["version", "skipped as duplicates", "of them, another text under the same id",
              "the kept copy the shorter", "paragraphs of the shorter copy",
              "near-duplicates kept out", "inputs rejected"]  # fmt: skip
    return "What each ingest recorded in its version's manifest:\n\n" + table(header, rows)
