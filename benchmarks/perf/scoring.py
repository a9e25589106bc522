"""Entity scoring speed against seqeval and nervaluate on one synthetic corpus, with a number check.

One process: it writes N synthetic sentences of well-formed IOB2 tags (gold, and a noisy
prediction with wrong types, shifted boundaries, misses, splits, merges and spurious spans), then
times on the same data: seqeval strict ``f1_score`` (IOB2), nervaluate ``Evaluator.evaluate`` (all
schemes, per type), Warta's numpy scorer over integer-coded spans (all four schemes, micro and per
type, per-document counts) and Warta's pure-Python scorer. It checks the numbers are identical
(seqeval strict micro and per-type P/R/F1; nervaluate COR/INC/PAR/MIS/SPU and P/R/F1 for all four
schemes, overall and per type; numpy path == Python path count for count), times 1,000 bootstrap
resamples over 1,000 documents against one scoring pass of those documents (documents of one
sentence, and of 40 sentences joined, the size of a news article), prints a table with
PASS/MISS per aim and writes JSON.

    .venv/bin/python benchmarks/perf/scoring.py [--sentences N | --quick]
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import time
import warnings
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import numpy as np

from warta.metrics.bootstrap import bootstrap_ci, scheme_f1
from warta.metrics.entities import EntityScores, score_entities
from warta.metrics.entity_arrays import SpanArrays, score_span_arrays
from warta.metrics.registry import SCHEMES

RESULTS = Path(__file__).resolve().parent / "results"
TYPES = ("CARDINAL", "DATE", "FAC", "GPE", "LOC", "NORP", "ORG", "PER")
AIMS = {"vs_seqeval_strict": 50.0, "vs_nervaluate": 20.0, "bootstrap_vs_pass": 5.0}
NERVALUATE_SCHEME = {"strict": "strict", "exact": "exact", "partial": "partial", "type": "ent_type"}


def gold_spans(rng: random.Random, length: int) -> list[tuple[int, int, str]]:
    """Disjoint gold entities, 0-4 per sentence, 1-4 tokens each; neighbours may touch."""
    spans, pos = [], rng.choice([0, 0, 1, 2])
    for _ in range(rng.choice([0, 1, 1, 2, 2, 2, 3, 3, 4])):
        start = pos + rng.choice([0, 1, 1, 2, 3, 4])
        end = start + rng.choice([1, 1, 2, 2, 3, 4])
        if end > length:
            break
        spans.append((start, end, rng.choice(TYPES)))
        pos = end
    return spans


def noisy(rng: random.Random, gold: list, length: int) -> list[tuple[int, int, str]]:
    """A prediction: mostly right, with the errors NER models make."""
    out = []
    for i, (s, e, t) in enumerate(gold):
        r = rng.random()
        if r < 0.76:
            out.append((s, e, t))
        elif r < 0.82:
            out.append((s, e, rng.choice(TYPES)))
        elif r < 0.88:
            s2, e2 = s + rng.choice([-1, 0, 1]), e + rng.choice([-1, 0, 1])
            out.append((max(s2, 0), min(max(e2, s2 + 1), length), t))
        elif r < 0.93:
            continue
        elif r < 0.965 and e - s >= 2:
            cut = rng.randrange(s + 1, e)
            out += [(s, cut, t), (cut, e, t)]
        elif i + 1 < len(gold) and gold[i + 1][0] - e <= 1:
            out.append((s, gold[i + 1][1], t))
        else:
            out.append((s, e, t))
    if rng.random() < 0.15:
        s = rng.randrange(length)
        out.append((s, min(s + rng.choice([1, 2]), length), rng.choice(TYPES)))
    return out


def to_tags(spans: list, length: int) -> list[str]:
    """IOB2 tags; a span that would overlap an earlier one is dropped, so tags stay well formed."""
    tags = ["O"] * length
    for s, e, t in sorted(spans):
        if s < e and all(tag == "O" for tag in tags[s:e]):
            tags[s:e] = [f"B-{t}"] + [f"I-{t}"] * (e - s - 1)
    return tags


def from_tags(tags: list[str]) -> set[tuple[int, int, str]]:
    """Spans of well-formed IOB2 tags, half-open token offsets."""
    spans, start = set(), None
    for i, tag in enumerate([*tags, "O"]):
        if start is not None and not tag.startswith("I-"):
            spans.add((start, i, tags[start][2:]))
            start = None
        if tag.startswith("B-"):
            start = i
    return spans


def make_corpus(n: int, seed: int = 2013) -> tuple[list[list[str]], list[list[str]]]:
    rng = random.Random(seed)
    gold_tags, pred_tags = [], []
    for _ in range(n):
        length = rng.randint(12, 28)
        gold = gold_spans(rng, length)
        gold_tags.append(to_tags(gold, length))
        pred_tags.append(to_tags(noisy(rng, gold, length), length))
    return gold_tags, pred_tags


def timed(fn, repeats: int = 1):
    """Best wall time over ``repeats`` calls, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def run_seqeval(gold, pred):
    from seqeval.metrics import f1_score
    from seqeval.scheme import IOB2

    return f1_score(gold, pred, mode="strict", scheme=IOB2)


def run_nervaluate(gold, pred):
    from nervaluate import Evaluator

    return Evaluator(gold, pred, tags=list(TYPES), loader="list").evaluate()


def check_seqeval(scores: EntityScores, gold, pred, f1: float) -> dict:
    """Strict micro F1 and per-type P/R/F1 against seqeval strict IOB2 mode."""
    from seqeval.metrics.v1 import precision_recall_fscore_support  # the strict-mode code path
    from seqeval.scheme import IOB2

    p, r, f, _ = precision_recall_fscore_support(
        gold, pred, average=None, scheme=IOB2, zero_division=0
    )
    ours = [scores.total("strict", t) for t in TYPES]
    per_type = all(
        (c.precision, c.recall, c.f1) == (float(a), float(b), float(x))
        for c, a, b, x in zip(ours, p, r, f, strict=True)
    )
    micro = bool(scores.total("strict").f1 == f1)
    macro = bool(scores.macro_f1("strict") == float(np.mean(f)))
    return {"micro_f1": micro, "per_type_prf": per_type, "macro_f1": macro}


def check_nervaluate(scores: EntityScores, result: dict) -> dict:
    """COR/INC/PAR/MIS/SPU and P/R/F1 for all four schemes, overall and per type."""

    def same(ours, theirs) -> bool:
        fields = ("correct", "incorrect", "partial", "missed", "spurious")
        counts = ours.astuple() == tuple(getattr(theirs, f) for f in fields)
        prf = (ours.precision, ours.recall, ours.f1) == (theirs.precision, theirs.recall, theirs.f1)
        return counts and prf

    out = {}
    for scheme, theirs in NERVALUATE_SCHEME.items():
        overall = same(scores.total(scheme), result["overall"][theirs])
        per_type = all(same(scores.total(scheme, t), result["entities"][t][theirs]) for t in TYPES)
        out[scheme] = overall and per_type
    return out


def first_docs(arrays: tuple[SpanArrays, SpanArrays], docs: int) -> tuple[SpanArrays, ...]:
    return tuple(
        SpanArrays(*(getattr(a, f)[a.doc < docs] for f in ("doc", "start", "end", "type")))
        for a in arrays
    )


def as_articles(arrays, lengths: np.ndarray, per_doc: int = 40) -> tuple[SpanArrays, ...]:
    """Join runs of ``per_doc`` sentences into one document each, shifting the token offsets."""
    starts = np.cumsum(lengths) - lengths
    base = starts - starts[(np.arange(len(lengths)) // per_doc) * per_doc]
    return tuple(
        SpanArrays(a.doc // per_doc, a.start + base[a.doc], a.end + base[a.doc], a.type)
        for a in arrays
    )


def bootstrap_cost(gold: SpanArrays, pred: SpanArrays, docs: int) -> dict:
    """1,000 resamples over ``docs`` documents against one scoring pass of the same documents."""
    pass_s, scores = timed(lambda: score_span_arrays(gold, pred, n_docs=docs, types=TYPES), 20)
    gold_docs, pred_docs = gold.to_documents(docs, TYPES), pred.to_documents(docs, TYPES)
    python_s, _ = timed(lambda: score_entities(gold_docs, pred_docs, TYPES), 3)
    units = scores.unit_counts("strict")
    boot_s, ci = timed(lambda: bootstrap_ci(units, scheme_f1, n_resamples=1000, seed=1), 15)
    return {
        "documents": docs,
        "spans": len(gold) + len(pred),
        "distinct_unit_rows": len(np.unique(units, axis=0)),
        "resamples": 1000,
        "bootstrap_s": boot_s,
        "numpy_pass_s": pass_s,
        "python_pass_s": python_s,
        "ratio_vs_numpy_pass": boot_s / pass_s,
        "ratio_vs_python_pass": boot_s / python_s,
        "ci_strict_f1": [ci.low, ci.estimate, ci.high],
    }


def measure(n: int) -> dict:
    gold_tags, pred_tags = make_corpus(n)
    gold_docs = [from_tags(t) for t in gold_tags]
    pred_docs = [from_tags(t) for t in pred_tags]
    encode_s, arrays = timed(
        lambda: tuple(SpanArrays.from_documents(d, TYPES) for d in (gold_docs, pred_docs))
    )
    fast_s, fast = timed(lambda: score_span_arrays(*arrays, n_docs=n, types=TYPES), 7)
    lengths = np.array([len(t) for t in gold_tags])
    articles = first_docs(as_articles(arrays, lengths), min(1000, n // 40))
    python_s, slow = timed(lambda: score_entities(gold_docs, pred_docs, TYPES))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        seqeval_s, seqeval_f1 = timed(lambda: run_seqeval(gold_tags, pred_tags))
        nerv_s, nerv = timed(lambda: run_nervaluate(gold_tags, pred_tags))
        seqeval_check = check_seqeval(fast, gold_tags, pred_tags, seqeval_f1)
    return {
        "sentences": n,
        "gold_spans": len(arrays[0]),
        "predicted_spans": len(arrays[1]),
        "seconds": {
            "seqeval_strict_f1": seqeval_s,
            "nervaluate_all": nerv_s,
            "warta_numpy": fast_s,
            "warta_python": python_s,
            "encode_spans_to_arrays": encode_s,
        },
        "checks": {
            "numpy_equals_python": bool(np.array_equal(fast.counts, slow.counts)),
            "seqeval_strict": seqeval_check,
            "nervaluate": check_nervaluate(fast, nerv),
        },
        "f1": {s: fast.total(s).f1 for s in SCHEMES},
        "bootstrap": {
            "sentences": bootstrap_cost(*first_docs(arrays, 1000), 1000),
            "articles": bootstrap_cost(*articles, min(1000, n // 40)),
        },
    }


def verdicts(m: dict) -> list[dict]:
    sec, boot = m["seconds"], m["bootstrap"]["sentences"]
    article = m["bootstrap"]["articles"]
    checks = m["checks"]
    identical = (
        checks["numpy_equals_python"]
        and all(checks["seqeval_strict"].values())
        and all(checks["nervaluate"].values())
    )
    rows = [
        ("numpy vs seqeval strict f1_score", sec["seqeval_strict_f1"] / sec["warta_numpy"], ">=", AIMS["vs_seqeval_strict"]),
        ("numpy vs nervaluate (all schemes)", sec["nervaluate_all"] / sec["warta_numpy"], ">=", AIMS["vs_nervaluate"]),
        ("bootstrap / numpy pass, 1,000 sentences", boot["ratio_vs_numpy_pass"], "<=", AIMS["bootstrap_vs_pass"]),
        ("bootstrap / Python pass, 1,000 sentences", boot["ratio_vs_python_pass"], "<=", AIMS["bootstrap_vs_pass"]),
        (f"bootstrap / numpy pass, {article['documents']:,} articles", article["ratio_vs_numpy_pass"], "<=", AIMS["bootstrap_vs_pass"]),
    ]  # fmt: skip
    out = [
        {"aim": name, "value": value, "target": f"{op} {target:g}",
         "pass": bool(value >= target if op == ">=" else value <= target)}
        for name, value, op, target in rows
    ]  # fmt: skip
    out.append(
        {
            "aim": "identical numbers",
            "value": bool(identical),
            "target": "all checks",
            "pass": identical,
        }
    )
    return out


def print_tables(m: dict, aims: list[dict]) -> None:
    from rich.console import Console
    from rich.table import Table

    sec = m["seconds"]
    table = Table(title=f"Entity scoring, {m['sentences']:,} sentences, "
                  f"{m['gold_spans']:,} gold + {m['predicted_spans']:,} predicted spans")  # fmt: skip
    for col in ("scorer", "what", "seconds", "x numpy"):
        table.add_column(col, justify="left" if col in ("scorer", "what") else "right")
    what = {
        "seqeval_strict_f1": "strict micro F1 only (IOB2 tags)",
        "nervaluate_all": "4 schemes, overall + per type (tags)",
        "warta_numpy": "4 schemes, micro + per type, per-doc counts",
        "warta_python": "same, pure-Python reference path",
        "encode_spans_to_arrays": "span sets -> integer arrays (not in numpy time)",
    }
    for name, seconds in sec.items():
        table.add_row(name, what[name], f"{seconds:.4f}", f"{seconds / sec['warta_numpy']:.1f}")
    for unit, boot in m["bootstrap"].items():
        docs = f"{boot['documents']:,} {unit} ({boot['spans']:,} spans)"
        table.add_row("bootstrap", f"1,000 resamples x {docs}", f"{boot['bootstrap_s']:.4f}", "")
        table.add_row("  one pass", f"numpy scorer, same {unit}", f"{boot['numpy_pass_s']:.4f}", "")
        table.add_row(
            "  one pass", f"Python scorer, same {unit}", f"{boot['python_pass_s']:.4f}", ""
        )
    console = Console()
    console.print(table)
    checks = Table(title="Number checks (identical = equal counts and bit-equal P/R/F1)")
    checks.add_column("check")
    checks.add_column("result")
    flat = {"numpy == python (all counts, every doc)": m["checks"]["numpy_equals_python"]}
    flat |= {f"seqeval strict {k}": v for k, v in m["checks"]["seqeval_strict"].items()}
    flat |= {
        f"nervaluate {k} (overall + per type)": v for k, v in m["checks"]["nervaluate"].items()
    }
    for name, ok in flat.items():
        checks.add_row(name, "[green]identical[/]" if ok else "[red]DIFFERENT[/]")
    console.print(checks)
    aims_table = Table(title="Aims")
    for col in ("aim", "value", "target", "verdict"):
        aims_table.add_column(col)
    for a in aims:
        value = a["value"] if isinstance(a["value"], bool) else f"{a['value']:.1f}"
        verdict = "[green]PASS[/]" if a["pass"] else "[red]MISS[/]"
        aims_table.add_row(a["aim"], str(value), a["target"], verdict)
    console.print(aims_table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=50_000)
    parser.add_argument("--quick", action="store_true", help="5,000 sentences")
    args = parser.parse_args()
    n = 5_000 if args.quick else args.sentences
    m = measure(n)
    aims = verdicts(m)
    print_tables(m, aims)
    packages = ("warta", "numpy", "seqeval", "nervaluate", "rich")
    payload = {
        "benchmark": "scoring",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "packages": {p: version(p) for p in packages},
        },
        **m,
        "aims": aims,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / ("scoring-quick.json" if args.quick else "scoring.json")
    out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(RESULTS.parents[2])}")


if __name__ == "__main__":
    main()
