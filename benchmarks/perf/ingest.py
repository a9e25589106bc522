"""Ingest throughput and peak memory on a synthetic corpus, against a bare `datasets.map` pass.

One command runs everything: it writes N seed-sized articles (varied from the seed article) as
JSONL, times a bare ``map(str.split)`` over them and ``warta.corpus.pipeline.ingest`` with 1 and 2
workers, measures peak memory for N/10 and N articles, and prints a table with PASS/MISS per aim.
Every measured run happens in a fresh spawned process; its peak is the sum of the RSS of that
process and its children (pool workers), sampled every 0.1 s (shared pages count once per process,
so with workers it is an upper bound).

    .venv/bin/python benchmarks/perf/ingest.py [--articles N | --quick] [--profile]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import random
import re
import shutil
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from importlib.metadata import version
from pathlib import Path

from machine import tree
from synthetic import MONTHS, NAME, NUMBER, SEED, SUBSTITUTED, WEEKDAYS

ROOT = Path(__file__).resolve().parents[2]
RESULTS = Path(__file__).resolve().parent / "results"
FILES = 10
AIMS = {"ingest_vs_bare": 0.30, "two_vs_one_worker": 1.6, "peak_growth": 1.25}


def _number(match: re.Match[str], rng: random.Random) -> str:
    """A plausible replacement: years stay years, days stay days, others keep width and format."""
    digits = match.group().replace(".", "")
    value, width = int(digits), len(digits)
    if 1900 <= value <= 2099:
        return str(rng.randint(2000, 2025))
    if value <= 31:
        return str(rng.randint(1, 28))
    new = rng.randint(10 ** (width - 1), 10**width - 1)
    return f"{new:,}".replace(",", ".") if "." in match.group() else str(new)


def _dateline(rng: random.Random) -> str:
    day = date(2015, 1, 1) + timedelta(days=rng.randrange(4000))
    if rng.random() < 0.5:
        return day.strftime("%A, %-d %B %Y")
    month = MONTHS.split()[day.month - 1]
    return f"{WEEKDAYS[day.weekday()]}, {day.day} {month} {day.year}"


def vary(lines: list[str], rng: random.Random) -> str:
    """One article from the seed's paragraphs: new dateline, names, numbers; body shuffled a bit."""
    names = {old: rng.choice(pool) for old, pool in SUBSTITUTED.items()}
    head, body, footer = lines[1:5], lines[5:-1], lines[-1]
    body = [p for p in body if rng.random() > 0.06]  # drop about two paragraphs
    for _ in range(6):  # swap neighbours: the text reads on, yet differs in order
        i = rng.randrange(len(body) - 1)
        body[i], body[i + 1] = body[i + 1], body[i]
    text = "\n\n\n".join([*head, *body])
    text = NUMBER.sub(lambda m: _number(m, rng), NAME.sub(lambda m: names[m.group()], text))
    return f"{_dateline(rng)}\n\n{text}\n\n{footer}\n"


def write_corpus(folder: Path, articles: int, seed: int = 2021) -> tuple[list[Path], list[int]]:
    """JSONL files of varied articles, written as generated; returns the files and text bytes each."""
    from tqdm import tqdm

    lines = [line for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    rng = random.Random(seed)
    per_file = -(-articles // FILES)
    files, sizes = [], []
    with tqdm(total=articles, desc="generate", unit=" articles") as bar:
        for start in range(0, articles, per_file):
            path = folder / f"synthetic-{len(files):03d}.jsonl"
            size = 0
            with path.open("w", encoding="utf-8") as handle:
                for number in range(start, min(start + per_file, articles)):
                    text = vary(lines, rng)
                    size += len(text.encode())
                    record = {"text": text, "url": f"https://contoh.example/berita/{number}"}
                    handle.write(json.dumps(record, ensure_ascii=False) + "\n")
                    bar.update()
            files.append(path)
            sizes.append(size)
    return files, sizes


def split_texts(batch: dict) -> dict:
    return {"tokens": [text.split() for text in batch["text"]]}


def bare_run(files: list[Path], scratch: Path, num_proc: int) -> dict:
    """Reference: `load_dataset("json")` (not timed), then a batched `map(str.split)` (timed)."""
    from datasets import load_dataset

    data = load_dataset(
        "json", data_files=[str(f) for f in files], split="train", cache_dir=scratch
    )
    start = time.perf_counter()
    done = data.map(split_texts, batched=True, num_proc=num_proc if num_proc > 1 else None)
    return {"seconds": time.perf_counter() - start, "rows": len(done)}


def ingest_run(files: list[Path], scratch: Path, workers: int) -> dict:
    """Ingest end to end: read, clean, tokenize, write shards and commit a version (all timed)."""
    from warta.corpus.pipeline import ingest
    from warta.store import VersionedStore

    start = time.perf_counter()
    report = ingest(
        files,
        VersionedStore.for_corpus(scratch / "versions"),
        workers=workers,
        keep_near_duplicates=True,  # variants of one seed: near-duplicates, checked but all kept
        progress=True,
    )
    seconds = time.perf_counter() - start
    rows = report.version.rows("articles")
    return {"seconds": seconds, "rows": rows, "duplicates": len(report.duplicates)}


def tree_rss(pid: int) -> int:
    """Bytes resident in `pid` and all its descendants (from /proc)."""
    total = 0
    for member in tree(pid):
        try:
            total += int(Path(f"/proc/{member}/statm").read_text().split()[1])
        except (OSError, IndexError):
            continue
    return total * os.sysconf("SC_PAGE_SIZE")


def _child(conn, target, args) -> None:
    try:
        conn.send(target(*args))
    except BaseException as err:
        conn.send({"error": repr(err)})
        raise


def measured(target, files: list[Path], scratch_root: Path, param: int) -> dict:
    """Run `target(files, scratch, param)` in a fresh process; add its tree's peak RSS in MB."""
    scratch = Path(tempfile.mkdtemp(dir=scratch_root))
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(send, target, (files, scratch, param)))
    process.start()
    peak = 0
    while not receive.poll(0.1):
        if not process.is_alive():
            raise RuntimeError(f"{target.__name__} died with exit code {process.exitcode}")
        peak = max(peak, tree_rss(process.pid))
    result = receive.recv()
    process.join()
    shutil.rmtree(scratch, ignore_errors=True)
    if "error" in result:
        raise RuntimeError(f"{target.__name__} failed: {result['error']}")
    return {**result, "peak_mb": peak / 2**20}


def run_all(files: list[Path], sizes: list[int], articles: int, scratch: Path) -> list[dict]:
    small = max(1, articles // FILES)
    plan = [
        ("bare map, 1 proc", "map pass only", bare_run, files, 1),
        ("bare map, 2 procs", "map pass only", bare_run, files, 2),
        ("ingest, 1 worker", "end to end", ingest_run, files, 1),
        ("ingest, 2 workers", "end to end", ingest_run, files, 2),
        ("ingest, 1 worker", "end to end", ingest_run, files[:1], 1),
        ("ingest, 2 workers", "end to end", ingest_run, files[:1], 2),
    ]
    runs = []
    for name, timed, target, subset, param in plan:
        n = articles if len(subset) == len(files) else small
        mb = sum(sizes[: len(subset)]) / 1e6
        print(f"-- {name}, {n:,} articles", file=sys.stderr, flush=True)
        result = measured(target, subset, scratch, param)
        if result["rows"] != n:
            raise RuntimeError(f"{name}: {result['rows']} rows written, expected {n}")
        seconds = result["seconds"]
        runs.append({"run": name, "timed": timed, "articles": n, "text_mb": mb, **result,
                     "articles_per_s": n / seconds, "mb_per_s": mb / seconds})  # fmt: skip
    return runs


def ratios(runs: list[dict]) -> list[dict]:
    bare1, _, ing1, ing2, small1, small2 = runs
    n, small = ing1["articles"], small1["articles"]
    rows = [
        ("ingest(1w) / bare(1 proc), articles/s", ing1["articles_per_s"] / bare1["articles_per_s"],
         "ingest_vs_bare", ">="),
        ("ingest(2w) / ingest(1w), articles/s", ing2["articles_per_s"] / ing1["articles_per_s"],
         "two_vs_one_worker", ">="),
        (f"peak({n:,}) / peak({small:,}), 1 worker", ing1["peak_mb"] / small1["peak_mb"],
         "peak_growth", "<="),
        (f"peak({n:,}) / peak({small:,}), 2 workers", ing2["peak_mb"] / small2["peak_mb"],
         "peak_growth", "<="),
    ]  # fmt: skip
    out = []
    for name, value, aim, sense in rows:
        met = value >= AIMS[aim] if sense == ">=" else value <= AIMS[aim]
        out.append({"ratio": name, "value": value, "aim": f"{sense} {AIMS[aim]}", "met": met})
    return out


def print_tables(runs: list[dict], checks: list[dict]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Warta ingest vs bare datasets.map(str.split)")
    for column in ("run", "timed", "articles", "MB text", "s", "articles/s", "MB/s", "peak RSS MB"):
        table.add_column(column, justify="left" if column in ("run", "timed") else "right")
    for r in runs:
        table.add_row(r["run"], r["timed"], f"{r['articles']:,}", f"{r['text_mb']:.1f}",
                      f"{r['seconds']:.1f}", f"{r['articles_per_s']:,.0f}", f"{r['mb_per_s']:.2f}",
                      f"{r['peak_mb']:,.0f}")  # fmt: skip
    aims = Table(title="Aims")
    for column in ("ratio", "value", "aim", "result"):
        aims.add_column(column)
    for c in checks:
        aims.add_row(c["ratio"], f"{c['value']:.3f}", c["aim"], "PASS" if c["met"] else "MISS")
    console = Console(width=120)  # the full table, also when written to a log file
    console.print(table)
    console.print(aims)


def machine() -> dict:
    packages = ("warta", "datasets", "pyarrow", "py3langid", "tqdm", "rich")
    return {"cpu_count": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform(), "packages": {p: version(p) for p in packages}}  # fmt: skip


def profile(scratch: Path, articles: int = 2000) -> None:
    """cProfile of one ingest (1 worker) over `articles` articles: the hot path by own time."""
    import cProfile
    import pstats

    from warta.corpus.pipeline import ingest
    from warta.store import VersionedStore

    files, _ = write_corpus(scratch, articles)
    profiler = cProfile.Profile()
    profiler.runcall(ingest, files, VersionedStore.for_corpus(scratch / "versions"))
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("tottime").print_stats(20)
    stats.sort_stats("cumulative").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="5,000 articles, a smoke run")
    parser.add_argument("--profile", action="store_true", help="only profile 2,000 articles")
    args = parser.parse_args()
    articles = 5_000 if args.quick else args.articles
    os.environ.update(HF_DATASETS_OFFLINE="1", HF_HUB_OFFLINE="1")
    with tempfile.TemporaryDirectory(prefix="warta-ingest-bench-") as tmp:
        scratch = Path(tmp)
        os.environ["HF_HOME"] = str(scratch / "hf-home")
        if args.profile:
            return profile(scratch)
        files, sizes = write_corpus(scratch, articles)
        runs = run_all(files, sizes, articles, scratch)
    checks = ratios(runs)
    print_tables(runs, checks)
    RESULTS.mkdir(parents=True, exist_ok=True)
    # A smoke run never overwrites the published full-size figures.
    out = RESULTS / ("ingest-quick.json" if args.quick else "ingest.json")
    payload = {"benchmark": "ingest", "date": datetime.now(UTC).isoformat(timespec="seconds"),
               "articles": articles, "seed_article": str(SEED.relative_to(ROOT)),
               "machine": machine(), "runs": runs, "aims": checks}  # fmt: skip
    out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"figures written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
