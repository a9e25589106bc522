"""Corpus store: bytes a small version writes, what DELTA_BINARY_PACKED saves, verify vs sha256sum.

One command runs everything on N synthetic articles shaped like Warta's (the seed article varied
by ``ingest.vary``, processed by the real steps; 1,000 per source file, in source order; cached as
Parquet in ``--cache``, since making 100k takes minutes) with ``warta.store.VersionedStore``:

- For each file size (rows per data file; the store's ``FILE_ROWS`` and others), v0001 holds N
  articles; then four versions, each measured as bytes written (data files the version adds,
  plus its commit JSON and checksum sidecar) over the bytes of the whole new version: 1% new
  articles; 1% changed in one source file (a re-ingested batch, contiguous in the table); 1%
  changed scattered at random; 10 scattered takedowns. The full-copy store (gone) is represented
  by the figure the issue quotes for it, not measured.
- v0001 written again without DELTA_BINARY_PACKED: bytes saved, overall and on the offsets.
- ``VersionedStore.verify`` (what ``warta corpus verify`` runs; 1 thread and its default threads)
  against ``sha256sum`` over the same files (every data file of every version plus the Delta log),
  page cache warm for both, interleaved, best of 5 (wall clock; CPU seconds too); the store's per-process caches (parsed log,
  checked files) are cleared before every verify, as a fresh ``warta corpus verify`` has none.

    PYTHONPATH=src:. .venv/bin/python benchmarks/perf/store.py [--articles N] [--cache DIR]
        [--file-rows R ...]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from statistics import median

import pyarrow as pa
import pyarrow.parquet as pq
from machine import LoadMonitor, describe

ROOT = Path(__file__).resolve().parents[2]
RESULTS = Path(__file__).resolve().parent / "results"
PER_SOURCE = 1_000
AIMS = {"small_version_share": 0.05, "verify_vs_sha256sum": 1.5}
FULL_COPY_SHARE = 0.985
"""The full-copy store's share for a 1% change, as the issue quotes it (that store is gone)."""
OTHER_FILE_ROWS = (1_000, 5_000, 10_000)
DEFAULT_CACHE = Path(tempfile.gettempdir()) / "warta-perf-cache"


def synthetic_articles(count: int, cache: Path) -> pa.Table:
    """``count`` distinct processed articles (cached as Parquet in ``cache``)."""
    path = cache / f"synthetic-articles-{count}.parquet"
    if path.exists():
        return pq.read_table(path)
    from ingest import vary
    from synthetic import SEED
    from tqdm import tqdm

    from warta.corpus.executors import LocalExecutor
    from warta.corpus.readers import RawArticle
    from warta.corpus.steps import ArticlePipeline

    lines = [line for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    rng = random.Random(2021)

    def raw(number: int) -> RawArticle:
        return RawArticle(
            source_file=f"synthetic-{number // PER_SOURCE:03d}.jsonl",
            source_format="jsonl",
            text=vary(lines, rng),
            source_sha256=f"{number // PER_SOURCE:064d}",
            source_line=number % PER_SOURCE + 1,
            metadata={"url": f"https://contoh.example/berita/{number}"},
        )

    batches, seen = [], set()
    with tqdm(total=count, desc="generate", unit=" articles", file=sys.stderr) as bar:
        number = 0
        while len(seen) < count:
            wanted = count - len(seen)
            items = (raw(n) for n in range(number, number + wanted))
            number += wanted
            for chunk in LocalExecutor(2).run(ArticlePipeline(), items):
                keep = [i for i, key in enumerate(chunk.keys) if key.doc_id not in seen]
                seen.update(chunk.keys[i].doc_id for i in keep)
                batches.append(chunk.batch.take(keep))
                bar.update(len(keep))
    table = pa.Table.from_batches(batches)
    cache.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression="zstd", row_group_size=PER_SOURCE)
    return table


def changed(rows: pa.Table) -> pa.Table:
    """The same articles with a corrected URL: same ids, new record hashes."""
    from warta.corpus.steps import record_hash

    out = []
    for row in rows.to_pylist():
        row["url"] = f"{row['url']}?koreksi=1"
        row["record_sha256"] = record_hash(row)
        out.append(row)
    return pa.Table.from_pylist(out, schema=rows.schema)


def commit(store, hashes: dict[str, str], rows: pa.Table | None, removed=()) -> dict:
    """One version: ``rows`` new or changed, ``removed`` ids gone; bytes and seconds it took."""
    from warta.store import VersionDiff

    start = time.perf_counter()
    with store.stage() as staging:
        parent = staging.parent
        gone = set(removed)
        new = {k: v for k, v in hashes.items() if k not in gone}
        if rows is not None:
            keys = rows.column("doc_id").to_pylist()
            new.update(zip(keys, rows.column("record_sha256").to_pylist(), strict=True))
            staging.writer("articles", rows.schema).write_batch(rows)
        version = staging.commit(
            parent=parent, key_hashes=new, diff=VersionDiff.between(hashes, new)
        )
    seconds = time.perf_counter() - start
    hashes.clear()
    hashes.update(new)
    return {"version": version, "seconds": seconds, **version_bytes(store, version, parent)}


def version_bytes(store, version, parent) -> dict:
    files = set(version.files("articles"))
    added = files - set(parent.files("articles") if parent else [])
    folder = store.table_dir("articles")
    number = version.delta_versions["articles"]
    log = folder / "_delta_log" / f"{number:020d}.json"
    sidecar = folder / "_warta" / "log" / f"{log.name}.sha256"
    return {
        "data_written": sum(p.stat().st_size for p in added),
        "log_written": log.stat().st_size + sidecar.stat().st_size,
        "version_bytes": sum(p.stat().st_size for p in files),
        "files_added": len(added),
        "files": len(files),
    }


def offsets_bytes(files: list[Path]) -> int:
    total = 0
    for path in files:
        meta = pq.ParquetFile(path).metadata
        for group in range(meta.num_row_groups):
            for column in range(meta.num_columns):
                chunk = meta.row_group(group).column(column)
                if chunk.path_in_schema.split(".")[0] in ("token_starts", "token_ends"):
                    total += chunk.total_compressed_size
    return total


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def fresh_process_caches() -> None:
    """Forget what this process parsed and checked, as a new ``warta corpus verify`` would."""
    from warta.store import log

    log._PARSED.clear()
    log._VERIFIED.clear()


def verify_vs_sha256sum(store, rounds: int = 5) -> dict:
    """Best-of-``rounds`` wall and CPU seconds of ``sha256sum`` and of ``verify``, interleaved."""
    versions = store.versions()
    files = sorted({p for v in versions for p in v.files("articles")})
    files += sorted((store.table_dir("articles") / "_delta_log").glob("*.json"))
    command = ["sha256sum", *map(str, files)]
    subprocess.run(command, check=True, capture_output=True)  # warm the page cache
    problems: list[str] = []

    def sha256sum() -> None:
        subprocess.run(command, check=True, capture_output=True)

    def verify(workers: int | None):
        def run() -> None:
            fresh_process_caches()
            problems.extend(store.verify(workers=workers))

        return run

    runs = {"sha256sum": sha256sum, "verify_1_thread": verify(1), "verify_default": verify(None)}
    wall: dict[str, list[float]] = {name: [] for name in runs}
    cpu: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(rounds):  # interleaved, so a burst of other load hits all three alike
        for name, function in runs.items():
            before = _cpu_seconds()
            wall[name].append(timed(function))
            cpu[name].append(_cpu_seconds() - before)
    if problems:
        raise RuntimeError(f"verify found problems: {problems[:3]}")
    return {"files": len(files), "bytes": sum(p.stat().st_size for p in files),
            "versions": len(versions), "default_threads": min(4, os.cpu_count() or 1),
            **{f"{name}_s": min(seconds) for name, seconds in wall.items()},
            **{f"{name}_cpu_s": min(seconds) for name, seconds in cpu.items()},
            "rounds_wall_s": wall, "rounds_cpu_s": cpu}  # fmt: skip


def _cpu_seconds() -> float:
    """CPU seconds of this process (all threads) and of its finished children (sha256sum)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def scenarios(articles: pa.Table, n: int, store, extra: int) -> tuple[dict, list[dict]]:
    """v0001 of ``n`` articles, then the four small versions; the v0001 result and the rows."""
    rng = random.Random(7)
    middle = (n // 2 // PER_SOURCE) * PER_SOURCE
    batch = list(range(middle, middle + extra))  # one source file, re-ingested
    scattered = sorted(rng.sample(range(n), extra))
    takedowns = [articles["doc_id"][i].as_py() for i in rng.sample(range(n), 10)]
    hashes: dict[str, str] = {}
    print(f"-- {store.file_rows:,} rows a file: v0001, {n:,} articles", file=sys.stderr, flush=True)
    full = commit(store, hashes, articles.slice(0, n))
    plan = [
        ("1% new articles", articles.slice(n, extra), ()),
        ("1% changed, one source file", changed(articles.take(batch)), ()),
        ("1% changed, scattered", changed(articles.take(scattered)), ()),
        ("10 takedowns, scattered", None, takedowns),
    ]
    versions = []
    for name, rows, removed in plan:
        print(f"-- {store.file_rows:,} rows a file: {name}", file=sys.stderr, flush=True)
        result = commit(store, hashes, rows, removed)
        share = (result["data_written"] + result["log_written"]) / result["version_bytes"]
        versions.append({"scenario": name, "file_rows": store.file_rows, "share": share,
                         **{k: v for k, v in result.items() if k != "version"}})  # fmt: skip
    return full, versions


def run(n: int, cache: Path, scratch: Path, file_rows: list[int]) -> dict:
    from warta.store import VersionedStore

    extra = max(1, n // 100)
    articles = synthetic_articles(n + extra, cache)
    with LoadMonitor() as load:
        sizes = {}
        for rows in file_rows:
            store = VersionedStore(scratch / f"store-{rows}", "corpus", "articles", file_rows=rows)
            full, versions = scenarios(articles, n, store, extra)
            sizes[rows] = {"store": store, "full": full, "versions": versions}
        default = sizes[file_rows[0]]
        print("-- v0001 without DELTA_BINARY_PACKED", file=sys.stderr, flush=True)
        plain = VersionedStore(
            scratch / "plain", "corpus", "articles", file_rows=file_rows[0], encoded_columns=()
        )
        plain_full = commit(plain, {}, articles.slice(0, n))
        full = default["full"]
        encoding = {
            "bytes_plain": plain_full["version_bytes"],
            "bytes_delta_binary_packed": full["version_bytes"],
            "offsets_plain": offsets_bytes(plain_full["version"].files("articles")),
            "offsets_delta_binary_packed": offsets_bytes(full["version"].files("articles")),
        }
        shutil.rmtree(plain.root)
        for rows in file_rows[1:]:
            shutil.rmtree(sizes[rows]["store"].root)
        print("-- verify vs sha256sum", file=sys.stderr, flush=True)
        checks = verify_vs_sha256sum(default["store"])
    return {"articles": n, "file_rows": file_rows[0],
            "article_mb": articles.slice(0, n).column("text").nbytes / 1e6,
            "v0001_seconds": full["seconds"], "v0001_bytes": full["version_bytes"],
            "versions": [v for size in sizes.values() for v in size["versions"]],
            "v0001_by_file_rows": {r: {"bytes": s["full"]["version_bytes"],
                                       "files": s["full"]["files"],
                                       "seconds": s["full"]["seconds"]}
                                   for r, s in sizes.items()},
            "encoding": encoding, "verify": checks, "load": load.summary()}  # fmt: skip


def report(result: dict) -> list[dict]:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=140)
    table = Table(title=f"Bytes a version writes ({result['articles']:,} articles)")
    columns = ("rows/file", "version", "data MB", "log KB", "version MB", "share", "files added",
               "s")  # fmt: skip
    for column in columns:
        table.add_column(column, justify="left" if column == "version" else "right")
    for v in result["versions"]:
        table.add_row(f"{v['file_rows']:,}", v["scenario"], f"{v['data_written'] / 1e6:.2f}",
                      f"{v['log_written'] / 1e3:.1f}", f"{v['version_bytes'] / 1e6:.1f}",
                      f"{v['share']:.1%}", f"{v['files_added']}/{v['files']}",
                      f"{v['seconds']:.1f}")  # fmt: skip
    console.print(table)
    e, c = result["encoding"], result["verify"]
    default = [v for v in result["versions"] if v["file_rows"] == result["file_rows"]]
    share = {v["scenario"]: v["share"] for v in default}
    ratios = [
        ("new 1% / full version", share["1% new articles"], "small_version_share"),
        ("1% changed in one source file / full version", share["1% changed, one source file"],
         "small_version_share"),
        ("1% changed, scattered / full version", share["1% changed, scattered"],
         "small_version_share"),
        ("10 takedowns, scattered / full version", share["10 takedowns, scattered"], None),
        ("full-copy store, 1% changed / full version (issue's figure, not measured)",
         FULL_COPY_SHARE, None),
        ("version bytes, DELTA_BINARY_PACKED / plain",
         e["bytes_delta_binary_packed"] / e["bytes_plain"], None),
        ("offset columns, DELTA_BINARY_PACKED / plain",
         e["offsets_delta_binary_packed"] / e["offsets_plain"], None),
        ("offset columns / version bytes (plain)", e["offsets_plain"] / e["bytes_plain"], None),
        ("verify (1 thread) / sha256sum", c["verify_1_thread_s"] / c["sha256sum_s"],
         "verify_vs_sha256sum"),
        (f"verify ({c['default_threads']} threads, the default) / sha256sum",
         c["verify_default_s"] / c["sha256sum_s"], "verify_vs_sha256sum"),
        ("verify (1 thread) / sha256sum, CPU seconds",
         c["verify_1_thread_cpu_s"] / c["sha256sum_cpu_s"], None),
        ("verify (1 thread) / sha256sum, medians of the rounds",
         median(c["rounds_wall_s"]["verify_1_thread"]) / median(c["rounds_wall_s"]["sha256sum"]),
         None),
        (f"verify ({c['default_threads']} threads) / sha256sum, medians of the rounds",
         median(c["rounds_wall_s"]["verify_default"]) / median(c["rounds_wall_s"]["sha256sum"]),
         None),
    ]  # fmt: skip
    aims = Table(title=f"Ratios at {result['file_rows']:,} rows a file (verify: {c['files']} "
                 f"files, {c['bytes'] / 1e6:.0f} MB, sha256sum {c['sha256sum_s']:.2f} s)")  # fmt: skip
    for column in ("ratio", "value", "aim", "result"):
        aims.add_column(column)
    out = []
    for name, value, aim in ratios:
        met = None if aim is None else value <= AIMS[aim]
        verdict = "" if met is None else "PASS" if met else "MISS"
        aims.add_row(name, f"{value:.3f}", f"<= {AIMS[aim]}" if aim else "", verdict)
        out.append({"ratio": name, "value": value, "aim": AIMS.get(aim), "met": met})
    console.print(aims)
    saved = e["offsets_plain"] - e["offsets_delta_binary_packed"]
    console.print(f"DELTA_BINARY_PACKED saves {saved / 1e6:.1f} MB on the offset columns "
                  f"({e['bytes_plain'] - e['bytes_delta_binary_packed']:,} bytes of the version)")  # fmt: skip
    load = result["load"]
    console.print(f"load: {load['machine_busy_cores']} cores busy on average, "
                  f"{load['others_busy_cores']} of them other users'")  # fmt: skip
    return out


def main() -> None:
    from warta.store.table import FILE_ROWS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE,
                        help="where the generated articles are kept for reruns")  # fmt: skip
    parser.add_argument("--file-rows", type=int, nargs="*", default=None,
                        help="rows per data file; the first one gets the ratios and verify")  # fmt: skip
    args = parser.parse_args()
    file_rows = args.file_rows or [FILE_ROWS, *OTHER_FILE_ROWS]
    with tempfile.TemporaryDirectory(prefix="warta-store-bench-") as tmp:
        result = run(args.articles, args.cache, Path(tmp), file_rows)
    ratios = report(result)
    RESULTS.mkdir(parents=True, exist_ok=True)
    # Only a default run writes the published figures; others say what they varied.
    default = args.articles == 100_000 and file_rows[0] == FILE_ROWS
    out = RESULTS / ("store.json" if default else f"store-{args.articles}-{file_rows[0]}.json")
    payload = {"benchmark": "store", "date": datetime.now(UTC).isoformat(timespec="seconds"),
               **result, "ratios": ratios, "aims": AIMS, "full_copy_share_quoted": FULL_COPY_SHARE,
               "machine": describe(("warta", "pyarrow", "deltalake", "psutil"))}  # fmt: skip
    out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"figures written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
