"""The figures of DATASHEET.md, generated from the data between marked lines.

A block ``<!-- warta:begin NAME -->`` ... ``<!-- warta:end NAME -->`` is rewritten by
``warta datasheet``; everything outside the markers is prose and stays as written. A test fails
when a block differs from what the data gives, so no figure can go stale.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from warta.errors import WartaError
from warta.publish import composition, quality
from warta.publish.markdown import table
from warta.repository import Repository

BLOCK = re.compile(
    r"(<!-- warta:begin (?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- warta:end (?P=name) -->)", re.S
)


def corpus_block(repo: Repository) -> str:
    from warta.corpus.summary import corpus_summary

    rows = []
    for version in repo.corpus_store().versions():
        s = corpus_summary(version)
        blocks = ", ".join(
            f"{k.split(': ')[1]} {v}" for k, v in s.items() if k.startswith("blocks: ")
        )
        removed = ", ".join(
            f"{k.split(': ')[1]} {v}" for k, v in s.items() if k.startswith("removed: ")
        )
        rows.append([version.name, version.created_at[:10], version.manifest.get("pipeline_version", "-"),
                     s["documents"], s["sentences"], s["tokens"], s["characters"], blocks, removed or "-"])  # fmt: skip
    header = [
        "version",
        "date",
        "pipeline",
        "documents",
        "sentences",
        "tokens",
        "characters",
        "blocks",
        "removed",
    ]
    return table(header, rows)


def gold_block(repo: Repository) -> str:
    from warta.gold.stats import gold_stats

    snapshot = repo.gold_store().latest()
    if snapshot is None:
        return "No gold snapshot yet.\n"
    stats = gold_stats(snapshot)
    splits = [s for s in stats if s != "all"] + ["all"]
    keys = list(dict.fromkeys(k for s in splits for k in stats[s]))
    intro = (
        f"Gold snapshot {snapshot.name} (corpus {snapshot.manifest['corpus_version']}, "
        f"schema_version {snapshot.manifest['schema_version']}), per split:\n\n"
    )
    return intro + table(["", *splits], [[k, *(stats[s].get(k, 0) for s in splits)] for k in keys])


def _f1(m: dict) -> str:
    interval = "n/a" if m.get("ci_low") is None else f"{m['ci_low']:.3f}-{m['ci_high']:.3f}"
    return f"{m['f1']:.3f} ({interval})"


def agreement_block(repo: Repository) -> str:
    """Pooled blind agreement of the newest agreement file, with intervals over documents; the
    pairs of earlier files (before pooling) as one line each."""
    files = sorted(repo.agreement_dir.glob("*.json"))
    if not files:
        return "No agreement measured yet.\n"
    reports = [(path, json.loads(path.read_text(encoding="utf-8"))) for path in files]
    pooled = [(path, data) for path, data in reports if data.get("pooled")]
    parts = []
    if pooled:
        _, data = pooled[-1]
        p = data["pooled"]
        pairs = ", ".join(f"{k} ({len(v)})" for k, v in p["pairs"].items())
        parts.append(
            f"{len(p['documents'])} documents annotated blind by two annotators "
            f"({data['export']}); pairs and their documents: {pairs}. F1 of one pass against the "
            f"other (symmetric), {p['confidence']:.0%} bootstrap interval over documents "
            f"({p['n_resamples']} resamples):\n\n"
        )
        rows = [[name, _f1(m), m["tp"], m["fn"], m["fp"]] for name, m in p["measures"].items()]
        kappa = p["token_kappa"]
        rows.append(["token kappa (entity type per token)", _f1({**kappa, "f1": kappa["value"]}),
                     kappa["tokens"], "", ""])  # fmt: skip
        parts.append(table(["measure", "F1 (CI)", "agreed", "only first", "only second"], rows))
        by_type = [
            [t, _f1(m), m["tp"], m["fn"] + m["fp"]] for t, m in p["entities_by_type"].items()
        ]
        parts.append("\nPer entity type:\n\n")
        parts.append(table(["entity type", "F1 (CI)", "agreed", "disagreed"], by_type))
        events = [
            [t, _f1(m), m["tp"], m["fn"] + m["fp"]] for t, m in p["triggers_by_event_type"].items()
        ]
        parts.append("\nTriggers per event type:\n\n")
        parts.append(table(["event type", "F1 (CI)", "agreed", "disagreed"], events))
    earlier = [(path, data) for path, data in reports if not data.get("pooled")]
    if earlier:
        rows = []
        for _, data in earlier:
            for pair in data["pairs"]:
                a, b = pair["annotators"]
                rows.append([data["export"], f"{a} vs {b}", len(pair["documents"]),
                             f"{pair['entity_f1_strict']['f1']:.3f}", f"{pair['token_kappa']:.3f}",
                             f"{pair['trigger_f1']['f1']:.3f}", f"{pair['argument_f1']['f1']:.3f}"])  # fmt: skip
        parts.append("\nEarlier exports (gold v0001, the seed article, guidelines v1-v2):\n\n")
        parts.append(table(["export", "users", "documents", "entity F1", "token kappa",
                            "trigger F1", "argument F1"], rows))  # fmt: skip
    return "".join(parts)


def annotators_block(repo: Repository) -> str:
    """Who made the gold of the newest snapshot: each document's gold annotation by author and
    kind, and how it was settled."""
    from collections import Counter

    from warta.annotations.annotators import read_annotators

    snapshot = repo.gold_store().latest()
    if snapshot is None:
        return "No gold snapshot yet.\n"
    registry = read_annotators(repo.annotators_file)
    import pyarrow.parquet as pq

    columns = ["annotated_by", "annotator_kind", "adjudication"]
    if "annotated_by" in pq.read_schema(snapshot.files("documents")[0]).names:
        rows = list(snapshot.iter_rows("documents", columns))
    else:  # a snapshot from before authors were recorded
        rows = [
            {
                "annotated_by": None,
                "annotator_kind": "unregistered",
                "adjudication": r["adjudication"],
            }
            for r in snapshot.iter_rows("documents", ["adjudication"])
        ]
    counts = Counter(
        (r["annotated_by"] or "-", r["annotator_kind"], r["adjudication"]) for r in rows
    )
    body = [[name, kind, rule, n] for (name, kind, rule), n in sorted(counts.items())]
    out = table(["gold annotation by", "kind", "how it became gold", "documents"], body)
    kinds = Counter(a.kind for a in registry.values())
    listed = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
    return out + f"\nRegistered accounts (annotations/annotators.yaml): {listed or 'none'}.\n"


def calibration_block(repo: Repository) -> str:
    """The newest calibration against human gold: per type, and per annotator."""
    files = sorted(repo.calibration_dir.glob("*.json"))
    if not files:
        return "No calibration against human gold yet.\n"
    data = json.loads(files[-1].read_text(encoding="utf-8"))
    mapped = ", ".join(f"{k} as {v}" for k, v in data["type_map"].items() if v)
    dropped = ", ".join(k for k, v in data["type_map"].items() if not v)
    intro = (
        f"{data['annotations']} annotations of {data['sentences']} sentences of "
        f"{data['gold_file']} ({data['export']}), scored against its human gold after the type "
        f"map {mapped} (not tagged there, dropped: {dropped}); exact span and type, 95% "
        "bootstrap interval over sentences:\n\n"
    )
    rows = [[t, f"{m['precision']:.3f}", f"{m['recall']:.3f}", _f1(m), m["tp"], m["fp"], m["fn"]]
            for t, m in [*data["by_type"].items(), ("all", data["overall"])]]  # fmt: skip
    per = [[name, m["sentences"], _f1(m)] for name, m in data["by_annotator"].items()]
    lenient = ", ".join(f"{t} {_f1(m)}" for t, m in data.get("overlap", {}).items())
    return (
        intro
        + table(["type", "precision", "recall", "F1 (CI)", "tp", "fp", "fn"], rows)
        + (
            f"\nWith overlapping spans of the same type counted as matches (boundary conventions "
            f"set aside): {lenient}.\n"
            if lenient
            else ""
        )
        + "\nPer annotator:\n\n"
        + table(["annotator", "sentences", "F1 (CI)"], per)
    )


def leaderboard_block(repo: Repository) -> str:
    from warta.benchmarks.leaderboard import build_boards, load_results

    folder = repo.results_dir
    gold = repo.gold_store().latest()
    if gold is None:
        return "No benchmark results yet.\n"
    rows = []
    results = load_results(folder) if folder.is_dir() else []
    boards = build_boards(results, gold.name, gold.content_sha256)
    for board in boards:
        for rank, entry in enumerate(board.entries, start=1):
            rows.append([f"{board.task}/{board.protocol}", rank, entry.result.model_version, board.primary,
                         entry.score(board.primary).text(), f"{entry.units} {entry.result.unit}s"])  # fmt: skip
    if not rows:
        rows.append(["-", "-", "-", "-", f"no results on gold {gold.name} yet", "-"])
    levels = sorted({board.confidence for board in boards if board.entries})
    interval = f"F1 ({'/'.join(levels) or '-'} CI)"
    return table(["task/protocol", "rank", "model", "metric", interval, "units"], rows)


BLOCKS: dict[str, Callable[[Repository], str]] = {
    "corpus": corpus_block,
    "gold": gold_block,
    "agreement": agreement_block,
    "annotators": annotators_block,
    "calibration": calibration_block,
    "leaderboard": leaderboard_block,
    "composition": composition.composition_block,
    "language": composition.language_block,
    "topics": composition.topics_block,
    "outlets": composition.outlets_block,
    "time_span": composition.time_span_block,
    "rights": composition.rights_block,
    "cleaning": quality.cleaning_block,
    "duplicates": quality.duplicates_block,
}


def render(repo: Repository, text: str) -> str:
    """The datasheet with every marked block regenerated from the data."""

    def fill(match: re.Match) -> str:
        name = match.group("name")
        if name not in BLOCKS:
            raise WartaError(
                f"DATASHEET.md: unknown generated block {name!r} (blocks: {', '.join(BLOCKS)})"
            )
        return f"{match.group(1)}{BLOCKS[name](repo)}{match.group(4)}"

    return BLOCK.sub(fill, text)
