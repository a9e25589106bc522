"""Ingest speed on the real bundled articles (IndoSum dev folds, NTREX-128) against spaCy.

One process, one core: Warta's whole ingest (``warta.corpus.pipeline.ingest`` with one local
worker: reading, cleaning, language id, the source's or Warta's tokens and sentences, hashing, the
near-duplicate check, Parquet writing and the Delta commit, into a fresh store) against spaCy's
``blank("id")`` tokenizer plus its rule-based ``sentencizer`` (``nlp.pipe``) over the same texts
(the ``RawArticle.text`` the readers give Warta; reading them is not timed for spaCy). The two
alternate, best of ``--rounds``; each side is timed by wall clock and by this process's CPU time
(all its threads), and articles/s and MB/s per core use CPU time (a core shared with other users
stretches wall time, not CPU time). Also per source, each side alone, and, for scale, Warta's
tokenizer and sentence splitter alone over the same texts (IndoSum's own tokens are kept by the
ingest, so its whole pipeline never runs them there).

Then where Warta's time goes: one ingest with every step timed (no profiler; the near-duplicate
check and the writer timed the same way), and one under cProfile: top functions by cumulative
and by own time, and cumulative time grouped by step.

    PYTHONPATH=src:. .venv/bin/python benchmarks/perf/real_articles.py [--rounds N]
        [--profile-only] [--records FILE]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from machine import LoadMonitor, describe

ROOT = Path(__file__).resolve().parents[2]
RESULTS = Path(__file__).resolve().parent / "results"
SOURCES = {"indosum": ROOT / "corpus/raw/indosum", "ntrex-128": ROOT / "corpus/raw/ntrex-128"}
AIMS = {"warta_vs_spacy": 1.0}
SPACY_BATCH = 64


def read(paths: list[Path]) -> list:
    from warta.corpus.readers import RawArticle, read_articles
    from warta.repository import Repository

    items = list(read_articles(paths, Repository(ROOT)))
    return [item for item in items if isinstance(item, RawArticle)]


def clock(function) -> tuple[float, float, object]:
    """Wall and CPU seconds (this process, every thread) of one call, and its result."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def warta_ingest(paths: list[Path], scratch: Path, executor=None):
    from warta.corpus.executors import LocalExecutor
    from warta.corpus.pipeline import ingest
    from warta.repository import Repository
    from warta.store import VersionedStore

    store = VersionedStore.for_corpus(Path(tempfile.mkdtemp(dir=scratch)))
    return ingest(paths, store, executor=executor or LocalExecutor(1), repository=Repository(ROOT))


def spacy_pass(nlp, texts: list[str]) -> tuple[int, int]:
    tokens = sentences = 0
    for doc in nlp.pipe(texts, batch_size=SPACY_BATCH):
        tokens += len(doc)
        sentences += sum(1 for _ in doc.sents)
    return tokens, sentences


def tokenizer_pass(texts: list[str]) -> tuple[int, int]:
    """Warta's tokenizer and sentence splitter alone, line by line over the same texts (what
    the Tokenize and Segment steps run when a source gives no segmentation)."""
    from warta.corpus.tokenize import split_sentences, tokenize

    tokens = sentences = 0
    for text in texts:
        for line in text.split("\n"):
            spans = tokenize(line)
            tokens += len(spans)
            sentences += len(split_sentences(line, spans))
    return tokens, sentences


def compare(name: str, paths: list[Path], nlp, scratch: Path, rounds: int) -> dict:
    """Warta's whole ingest and spaCy's tokenizer + sentencizer on one set of sources."""
    articles = read(paths)
    texts = [a.text for a in articles]
    mb = sum(len(t.encode()) for t in texts) / 1e6
    warta, spacy, tokenizer = [], [], []
    for number in range(rounds):
        print(f"-- {name}: round {number + 1} of {rounds}", file=sys.stderr, flush=True)
        spacy.append(clock(lambda: spacy_pass(nlp, texts)))
        warta.append(clock(lambda: warta_ingest(paths, scratch)))
        tokenizer.append(clock(lambda: tokenizer_pass(texts)))
    report = warta[0][2]
    tokens, sentences = spacy[0][2]
    best_warta, best_spacy = min(warta, key=lambda r: r[1]), min(spacy, key=lambda r: r[1])
    rows = report.version.rows("articles")
    return {
        "sources": name, "inputs": len(articles), "text_mb": mb,
        "warta": {"articles_written": rows, "near_duplicates": len(report.near_duplicates),
                  "duplicates": len(report.duplicates), "wall_s": best_warta[0],
                  "cpu_s": best_warta[1], "rounds_cpu_s": [r[1] for r in warta],
                  "rounds_wall_s": [r[0] for r in warta]},
        "spacy": {"tokens": tokens, "sentences": sentences, "wall_s": best_spacy[0],
                  "cpu_s": best_spacy[1], "rounds_cpu_s": [r[1] for r in spacy],
                  "rounds_wall_s": [r[0] for r in spacy]},
        # per core: inputs over CPU seconds (Warta's articles include the near-duplicates it
        # checked and kept out, like spaCy's texts)
        "warta_articles_per_cpu_s": len(articles) / best_warta[1],
        "warta_mb_per_cpu_s": mb / best_warta[1],
        "spacy_articles_per_cpu_s": len(articles) / best_spacy[1],
        "spacy_mb_per_cpu_s": mb / best_spacy[1],
        "warta_vs_spacy_cpu": best_spacy[1] / best_warta[1],
        "warta_vs_spacy_wall": best_spacy[0] / best_warta[0],
        "warta_tokenizer": {"tokens": tokenizer[0][2][0], "sentences": tokenizer[0][2][1],
                            "cpu_s": min(r[1] for r in tokenizer),
                            "rounds_cpu_s": [r[1] for r in tokenizer]},
        "warta_tokenizer_vs_spacy_cpu": best_spacy[1] / min(r[1] for r in tokenizer),
    }  # fmt: skip


class Timed:
    """A step (or any callable) that adds the CPU seconds of each call to ``seconds[name]``."""

    def __init__(self, name: str, function, seconds: dict[str, float]) -> None:
        self.name, self.function, self.seconds = name, function, seconds

    def __call__(self, *args, **kwargs):
        start = time.process_time()
        try:
            return self.function(*args, **kwargs)
        finally:
            self.seconds[self.name] = self.seconds.get(self.name, 0.0) + time.process_time() - start


def step_times(paths: list[Path], scratch: Path) -> dict[str, float]:
    """One ingest (one worker, in this process) with each step, the chunk, the near-duplicate
    check and the writer timed in CPU seconds: where the time goes, without a profiler."""
    from warta.corpus import dedup, pipeline, steps
    from warta.corpus.executors import LocalExecutor
    from warta.repository import Repository
    from warta.store import VersionedStore, write

    seconds: dict[str, float] = {}
    timed_steps = tuple(Timed(s.name, s, seconds) for s in steps.DEFAULT_STEPS)
    patched = [
        (steps.ArticlePipeline, "process_chunk", "chunk (steps, rows to Arrow)"),
        (dedup.NearDuplicateIndex, "check", "dedup (check, index)"),
        (write.FileWriter, "write_batch", "parquet: write_batch"),
        (write.Staging, "commit", "parquet+delta: commit"),
    ]
    originals = [(owner, attr, getattr(owner, attr)) for owner, attr, _ in patched]
    try:
        for owner, attr, label in patched:
            setattr(owner, attr, _method(Timed(label, getattr(owner, attr), seconds)))
        store = VersionedStore.for_corpus(Path(tempfile.mkdtemp(dir=scratch)))
        cpu = time.process_time()
        pipeline.ingest(paths, store, executor=LocalExecutor(1),
                        pipeline=steps.ArticlePipeline(steps=timed_steps),
                        repository=Repository(ROOT))  # fmt: skip
        seconds["ingest (whole)"] = time.process_time() - cpu
    finally:
        for owner, attr, original in originals:
            setattr(owner, attr, original)
    chunk = seconds.pop("chunk (steps, rows to Arrow)")
    seconds["arrow: rows to RecordBatch"] = chunk - sum(seconds[s.name] for s in timed_steps)
    seconds["read (readers), driver, rest"] = (
        seconds["ingest (whole)"] - chunk - sum(seconds[label] for _, _, label in patched[1:])
    )
    return seconds


def _method(timed: Timed):
    def method(self, *args, **kwargs):
        return timed(self, *args, **kwargs)

    return method


GROUPS = {
    "read (readers)": [("readers/__init__.py", "read_articles")],
    "clean": [("steps.py", "__call__", "Clean")],
    "identify_language": [("steps.py", "__call__", "IdentifyLanguage")],
    "tokenize": [("steps.py", "__call__", "Tokenize")],
    "segment": [("steps.py", "__call__", "Segment")],
    "hash": [("steps.py", "__call__", "Hash")],
    "arrow: rows to RecordBatch": [("~", "from_pylist")],
    "read (readers), driver, rest": [],
    "dedup (check, index)": [("dedup.py", "check")],
    "parquet: write_batch": [("write.py", "write_batch")],
    "parquet+delta: commit": [("write.py", "commit")],
    "ingest (whole)": [("pipeline.py", "ingest")],
}
"""Profile entries whose cumulative time is a step's: (file suffix, function[, class by line])."""


def profile(paths: list[Path], scratch: Path, top: int = 30) -> dict:
    """cProfile of one ingest: top functions by cumulative and own time, and time by step."""
    import inspect

    from warta.corpus import steps

    profiler = cProfile.Profile()
    profiler.runcall(warta_ingest, paths, scratch)
    stats = pstats.Stats(profiler, stream=sys.stderr)
    lines = {cls.__name__: inspect.getsourcelines(cls.__call__)[1]
             for cls in (steps.Clean, steps.IdentifyLanguage, steps.Tokenize, steps.Segment,
                         steps.Hash)}  # fmt: skip
    by_step = {}
    for group, patterns in GROUPS.items():
        total = 0.0
        for pattern in patterns:
            suffix, function = pattern[0], pattern[1]
            line = lines[pattern[2]] if len(pattern) > 2 else None
            for (file, number, name), (_, _, _, cumulative, _) in stats.stats.items():
                found = function in name if suffix == "~" else name == function
                if found and file.endswith(suffix) and line in (None, number):
                    total += cumulative
        by_step[group] = total

    def table(key: str) -> list[dict]:
        rows = sorted(stats.stats.items(), key=lambda kv: kv[1][3 if key == "cum" else 2],
                      reverse=True)[:top]  # fmt: skip
        return [{"function": f"{Path(f).name}:{n}({name})", "calls": nc, "own_s": round(tt, 3),
                 "cumulative_s": round(ct, 3)}
                for (f, n, name), (_, nc, tt, ct, _) in rows]  # fmt: skip

    return {"by_step_cumulative_s": by_step, "top_cumulative": table("cum"),
            "top_own": table("own")}  # fmt: skip


def print_report(comparisons: list[dict], timings: dict, prof: dict) -> list[dict]:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=170)
    table = Table(title="Warta's whole ingest vs spaCy blank('id') tokenizer + sentencizer "
                  "(one core; per CPU second)")  # fmt: skip
    for column in ("sources", "inputs", "MB", "Warta CPU s", "Warta art/s", "Warta MB/s",
                   "spaCy CPU s", "spaCy art/s", "spaCy MB/s", "Warta/spaCy (CPU)",
                   "Warta/spaCy (wall)", "Warta tokenizer+splitter only / spaCy (CPU)"):  # fmt: skip
        table.add_column(column, justify="left" if column == "sources" else "right")
    for c in comparisons:
        table.add_row(c["sources"], f"{c['inputs']:,}", f"{c['text_mb']:.2f}",
                      f"{c['warta']['cpu_s']:.2f}", f"{c['warta_articles_per_cpu_s']:,.0f}",
                      f"{c['warta_mb_per_cpu_s']:.2f}", f"{c['spacy']['cpu_s']:.2f}",
                      f"{c['spacy_articles_per_cpu_s']:,.0f}", f"{c['spacy_mb_per_cpu_s']:.2f}",
                      f"{c['warta_vs_spacy_cpu']:.2f}", f"{c['warta_vs_spacy_wall']:.2f}",
                      f"{c['warta_tokenizer_vs_spacy_cpu']:.2f}")  # fmt: skip
    console.print(table)
    steps = Table(title="Where Warta's time goes (one ingest of all sources)")
    for column in ("part", "CPU s (no profiler)", "share", "cProfile cumulative s", "share"):
        steps.add_column(column, justify="left" if column == "part" else "right")
    whole_t, whole_p = timings["ingest (whole)"], prof["by_step_cumulative_s"]["ingest (whole)"]
    for part in GROUPS:
        t, p = timings.get(part), prof["by_step_cumulative_s"].get(part, 0.0)
        steps.add_row(part, "" if t is None else f"{t:.2f}",
                      "" if t is None else f"{t / whole_t:.0%}", f"{p:.2f}", f"{p / whole_p:.0%}")  # fmt: skip
    console.print(steps)
    for key, title in (("top_own", "own time"), ("top_cumulative", "cumulative time")):
        top = Table(title=f"Top functions by {title} (cProfile)")
        for column in ("function", "calls", "own s", "cumulative s"):
            top.add_column(column, justify="left" if column == "function" else "right")
        for row in prof[key][:20]:
            top.add_row(row["function"], f"{row['calls']:,}", f"{row['own_s']:.2f}",
                        f"{row['cumulative_s']:.2f}")  # fmt: skip
        console.print(top)
    aims = Table(title="Aims")
    for column in ("ratio", "value", "aim", "result"):
        aims.add_column(column)
    out = []
    for c in comparisons:
        value = c["warta_vs_spacy_cpu"]
        met = value >= AIMS["warta_vs_spacy"]
        name = (
            f"{c['sources']}: Warta whole ingest / spaCy tokenizer+sentencizer, articles per CPU s"
        )
        aims.add_row(
            name, f"{value:.3f}", f">= {AIMS['warta_vs_spacy']}", "PASS" if met else "MISS"
        )
        out.append({"ratio": name, "value": value, "aim": f">= {AIMS['warta_vs_spacy']}",
                    "met": met})  # fmt: skip
    console.print(aims)
    return out


def records(paths: list[Path], scratch: Path, out: Path) -> None:
    """Every record of one ingest, minus ``ingested_at``, as JSON lines: to check that a change
    to the code leaves every byte of every record as it was."""
    report = warta_ingest(paths, scratch)
    rows = report.version.read("articles").drop_columns(["ingested_at"]).to_pylist()
    with out.open("w", encoding="utf-8") as handle:
        for row in sorted(rows, key=lambda r: r["doc_id"]):
            handle.write(json.dumps(row, ensure_ascii=False, sort_keys=True, default=str) + "\n")
    print(f"{len(rows):,} records written to {out}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile-only", action="store_true", help="only time steps and profile")
    parser.add_argument("--records", type=Path, help="only write every record (JSONL) here")
    parser.add_argument("--output", default="real_articles.json", help="results file name")
    args = parser.parse_args()
    paths = list(SOURCES.values())
    with tempfile.TemporaryDirectory(prefix="warta-real-bench-") as tmp:
        scratch = Path(tmp)
        if args.records:
            return records(paths, scratch, args.records)
        comparisons = []
        with LoadMonitor() as load:
            if not args.profile_only:
                import spacy

                nlp = spacy.blank("id")
                nlp.add_pipe("sentencizer")
                spacy_pass(nlp, ["Pemanasan."])
                warta_ingest(paths[1:], scratch)  # warm: imports, regexes, language model
                comparisons.append(compare("indosum + ntrex-128", paths, nlp, scratch, args.rounds))
                for name, path in SOURCES.items():
                    comparisons.append(compare(name, [path], nlp, scratch, args.rounds))
            print("-- step timers", file=sys.stderr, flush=True)
            timings = step_times(paths, scratch)
            print("-- cProfile", file=sys.stderr, flush=True)
            prof = profile(paths, scratch)
    checks = print_report(comparisons, timings, prof) if comparisons else []
    if not comparisons:
        print_report([], timings, prof)
    summary = load.summary()
    print(f"load: {summary['machine_busy_cores']} of 2 cores busy on average, "
          f"{summary['others_busy_cores']} of them other users' (loadavg "
          f"{summary['loadavg_1min_start_end']})")  # fmt: skip
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / args.output
    payload = {"benchmark": "real_articles", "date": datetime.now(UTC).isoformat(timespec="seconds"),
               "sources": {k: str(v.relative_to(ROOT)) for k, v in SOURCES.items()},
               "rounds": args.rounds, "comparisons": comparisons, "step_seconds": timings,
               "profile": prof, "aims": checks, "load": summary,
               "machine": describe(("warta", "spacy", "pyarrow", "deltalake", "py3langid",
                                    "datasketch"))}  # fmt: skip
    out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"figures written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
