"""What the corpus is made of, per source: the composition blocks of DATASHEET.md.

Each block is computed from the newest corpus version's rows, in the order the sources are listed
in ``corpus/raw/PROVENANCE.yaml``. Where the data cannot give a figure the block says so and
leaves nothing to guess: NTREX-128 carries no dates, so its time span stays empty here and the
prose cites the source's own documentation instead.
"""

from __future__ import annotations

import functools
import json
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime

from warta.publish.markdown import share, table
from warta.repository import Repository
from warta.store import Version

TOP_OUTLETS = 10
PUNCTUATION = ",.;:!?)"
"""Marks that Indonesian (and English) print straight after a word: a space before one is a
trace of pre-tokenised text (IndoSum's ``Senin ( 27 / 3 ) ,``)."""
MARK = re.compile(rf"(?<=.)[{re.escape(PUNCTUATION)}]", re.S)
SPACED_MARK = re.compile(rf" [{re.escape(PUNCTUATION)}]")
ID_TIMESTAMP = re.compile(r"^(\d{9,10})-")
"""IndoSum ids start with the Unix time of the article (``1490674536-mustahil-...``)."""


def ranked(counts: Counter) -> list[tuple[str, int]]:
    """Largest first, ties by name: the same data always gives the same table."""
    return sorted(counts.items(), key=lambda item: (-item[1], str(item[0])))


def metadata(row: dict) -> dict:
    """The source's own fields of an article (``source_metadata``, a JSON object or null)."""
    return json.loads(row.get("source_metadata") or "{}")


NO_CORPUS = "No corpus version yet.\n"


def needs_corpus(block: Callable[[Repository], str]) -> Callable[[Repository], str]:
    """A block of figures about the newest corpus version says so when there is none."""

    @functools.wraps(block)
    def guarded(repo: Repository) -> str:
        return block(repo) if repo.corpus_store().latest() is not None else NO_CORPUS

    return guarded


def by_source(repo: Repository, columns: list[str]) -> tuple[Version, dict[str, list[dict]]]:
    """The newest corpus version and its rows (these columns) grouped by ``source``, in
    PROVENANCE.yaml order; sources it does not list (or ``None``) come last."""
    import yaml

    version = repo.corpus()
    rows = version.read("articles", ["source", *columns]).to_pylist()
    listed = []
    if repo.provenance_file.is_file():
        declared = yaml.safe_load(repo.provenance_file.read_text(encoding="utf-8")) or {}
        listed = list(declared.get("sources") or {})
    present = {str(r["source"]) for r in rows}
    order = [s for s in listed if s in present] + sorted(present - set(listed))
    grouped: dict[str, list[dict]] = {name: [] for name in order}
    for row in rows:
        grouped[str(row["source"])].append(row)
    return version, grouped


@needs_corpus
def composition_block(repo: Repository) -> str:
    version, sources = by_source(repo, ["text", "sentences", "tokens"])
    figures = {
        name: (
            len(rows),
            sum(len(r["sentences"]) for r in rows),
            sum(len(r["tokens"]) for r in rows),
            sum(len(r["text"]) for r in rows),
            statistics.median(len(r["tokens"]) for r in rows),
        )
        for name, rows in sources.items()
    }
    documents = sum(f[0] for f in figures.values())
    tokens = sum(f[2] for f in figures.values())
    rows = [
        [f"`{name}`", d, share(d, documents), s, t, share(t, tokens), c, f"{m:g}"]
        for name, (d, s, t, c, m) in figures.items()
    ]
    rows.append(["all", documents, "100.0%", sum(f[1] for f in figures.values()), tokens,
                 "100.0%", sum(f[3] for f in figures.values()), "-"])  # fmt: skip
    header = ["source", "documents", "of documents", "sentences", "tokens", "of tokens",
              "characters", "tokens a document (median)"]  # fmt: skip
    return f"Corpus {version.name}, by `source`:\n\n" + table(header, rows)


@needs_corpus
def language_block(repo: Repository) -> str:
    columns = ["text", "language", "language_confidence", "sentences", "translation"]
    version, sources = by_source(repo, columns)
    rows = []
    for name, articles in sources.items():
        confidence = [r["language_confidence"] for r in articles]
        languages = Counter(r["language"] for r in articles)
        parallel = [r for r in articles if r["translation"]]
        aligned = sum(len({t["sentence"] for t in r["translation"]}) for r in articles)
        sentences = sum(len(r["sentences"]) for r in articles)
        marks = sum(len(MARK.findall(r["text"])) for r in articles)
        spaced = sum(len(SPACED_MARK.findall(r["text"])) for r in articles)
        english = sorted({t["language"] for r in parallel for t in r["translation"]})
        rows.append([f"`{name}`", ", ".join(f"{k} {v}" for k, v in sorted(languages.items())),
                     f"{statistics.median(confidence):.3f} ({min(confidence):.3f})",
                     f"{len(parallel)} ({', '.join(english)})" if parallel else "-",
                     f"{aligned} of {sentences}", f"{spaced} of {marks} ({share(spaced, marks)})"])  # fmt: skip
    header = ["source", "`language`", "py3langid P(id): median (min)",
              "documents with a parallel layer", "sentences with their original",
              f"`{' '.join(PUNCTUATION)}` after a space"]  # fmt: skip
    return f"Corpus {version.name}:\n\n" + table(header, rows, "llrlrr")


@needs_corpus
def topics_block(repo: Repository) -> str:
    """Categories the source gives its articles (IndoSum's ``category``)."""
    version, sources = by_source(repo, ["source_metadata"])
    rows = []
    for name, articles in sources.items():
        categories = Counter(metadata(r).get("category") for r in articles)
        categories.pop(None, None)
        rows += [
            [f"`{name}`", category, count, share(count, len(articles))]
            for category, count in ranked(categories)
        ]
    if not rows:
        return f"No source of corpus {version.name} gives its articles a category.\n"
    header = ["source", "category (as the source gives it)", "documents", "of the source"]
    return f"Corpus {version.name}:\n\n" + table(header, rows, "llrr")


def outlets_of(row: dict) -> tuple[list[str], str]:
    """The outlets an article comes from, and where that is read from."""
    meta = metadata(row)
    if meta.get("source"):
        return [str(meta["source"])], "`source_metadata.source`"
    if "." in str(meta.get("id", "")):
        return [str(meta["id"]).split(".", 1)[0]], "prefix of the document id"
    if row.get("outlets"):
        return list(row["outlets"]), "`outlets` (credits in the text)"
    return [], "-"


@needs_corpus
def outlets_block(repo: Repository) -> str:
    version, sources = by_source(repo, ["source_metadata", "outlets"])
    rows = []
    for name, articles in sources.items():
        counts: Counter[str] = Counter()
        found: set[str] = set()
        for row in articles:
            outlets, where = outlets_of(row)
            counts.update(dict.fromkeys(outlets, 1))
            if outlets:
                found.add(where)
        where = ", ".join(sorted(found)) or "-"
        for outlet, count in ranked(counts)[:TOP_OUTLETS]:
            rows.append([f"`{name}`", outlet, count, share(count, len(articles)), where])
        rest = ranked(counts)[TOP_OUTLETS:]
        if rest:
            other = sum(c for _, c in rest)
            rows.append([f"`{name}`", f"{len(rest)} other outlets", other,
                         share(other, len(articles)), where])  # fmt: skip
        if not counts:
            rows.append([f"`{name}`", "none in the data", "-", "-", "-"])
    header = ["source", "outlet", "documents", "of the source", "read from"]
    intro = f"Corpus {version.name}, the {TOP_OUTLETS} largest outlets of each source:\n\n"
    return intro + table(header, rows, "llrrl")


DATINGS: list[tuple[str, Callable[[dict], date | None]]] = [
    (
        "Unix time at the start of the id (UTC)",
        lambda r: (
            datetime.fromtimestamp(int(m.group(1)), UTC).date()
            if (m := ID_TIMESTAMP.match(str(metadata(r).get("id", ""))))
            else None
        ),
    ),
    ("`published` (the dateline)", lambda r: r["published"]),
]
"""Where an article's date is read from, in the order tried: an id's timestamp covers every
article of its source the same way, a dateline only the articles that print one."""


@needs_corpus
def time_span_block(repo: Repository) -> str:
    version, sources = by_source(repo, ["published", "source_metadata"])
    rows = []
    for name, articles in sources.items():
        dates, how = [], set()
        for row in articles:
            for label, dating in DATINGS:
                if (when := dating(row)) is not None:
                    dates.append(when)
                    how.add(label)
                    break
        years = Counter(d.year for d in dates)
        if dates:
            rows.append([f"`{name}`", f"{len(dates)} of {len(articles)}", min(dates).isoformat(),
                         max(dates).isoformat(), ", ".join(f"{y}: {n}" for y, n in sorted(years.items())),
                         ", ".join(sorted(how))])  # fmt: skip
        else:
            rows.append(
                [f"`{name}`", f"0 of {len(articles)}", "-", "-", "-", "no date in the data"]
            )
    header = ["source", "dated documents", "first", "last", "by year", "date read from"]
    return f"Corpus {version.name}:\n\n" + table(header, rows, "lrrrll")


@needs_corpus
def rights_block(repo: Repository) -> str:
    """License and attribution as every article row carries them (from PROVENANCE.yaml)."""
    version, sources = by_source(repo, ["license", "attribution"])
    rows = []
    for name, articles in sources.items():
        terms: dict[tuple, int] = defaultdict(int)
        for row in articles:
            terms[(row["license"] or "none recorded", row["attribution"] or "none recorded")] += 1
        for (license_, attribution), count in terms.items():
            rows.append([f"`{name}`", count, license_, attribution])
    header = ["`source`", "documents", "`license`", "`attribution`"]
    return f"Corpus {version.name}, as the article rows carry them:\n\n" + table(
        header, rows, "lrll"
    )
