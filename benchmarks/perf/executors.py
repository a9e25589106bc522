"""Ingest on a local Ray against the local executor: throughput, the near-duplicate check's cost,
and peak memory from 10k to 100k articles.

One command runs everything on synthetic articles (``ingest.write_corpus``: the seed varied, JSONL,
10 files; cached in ``--cache``). Every measured run is a fresh spawned process started by this one
(runs alternate, so other users' load hits every executor alike): it starts its executor (a local
Ray with 2 CPUs on loopback, ``RayExecutor(num_cpus=2)``), ingests a small warm-up batch (Ray
starts its workers, every worker imports Warta and loads the language model; none of this timed),
then times ``ingest(..., keep_near_duplicates=True)`` into a fresh store. Synthetic articles are
variants of one seed, so they are near-duplicates of one another: all are kept, but each is still
checked. That check runs in the driver (``NearDuplicateIndex.check``, timed inside the run), and
``ingest`` has no switch for it, so the runs "without the check" replace the driver's index by one
that finds nothing (this script's stand-in; the records written are the same).

Throughput: N/10 articles, ``--rounds`` rounds of the six runs (three executors, with and without
the check), the order reversed every other round. Other users' load moves articles/s a lot, so
three figures per ratio: best runs, the median over rounds of the ratio of the two runs of a
round (run back to back), and CPU seconds per article of the whole tree during the timed ingest
(``machine.tree_cpu_seconds``; what throughput on idle cores would follow if both kept them
busy). Also: the check's CPU cost per check as its index grows on these articles, where a check's
time goes, and the index's size at N articles.

Memory: this process samples, every 0.5 s, the whole tree of the run's process (the driver; with
Ray, its gcs_server and raylet and their children: Ray's agents and task workers) from ``/proc``:
RSS summed over the tree (shared pages counted once per process: an upper bound) and PSS summed
(shared pages divided among their sharers, Ray's object store included: the fair total), and keeps
the peak, split by kind (driver, Ray workers, Ray's services). Ray on N/10 and N articles,
without the check: on these articles every check compares with every article indexed so far (all
are near-duplicates), so N with it would take hours; its index's size at N is measured instead.

    PYTHONPATH=src:. .venv/bin/python benchmarks/perf/executors.py [--articles N] [--rounds R]
        [--recompute results/executors.json]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from statistics import median

from machine import LoadMonitor, describe, tree_cpu_seconds

ROOT = Path(__file__).resolve().parents[2]
RESULTS = Path(__file__).resolve().parent / "results"
DEFAULT_CACHE = Path(tempfile.gettempdir()) / "warta-perf-cache"
WARM_UP = 256
AIMS = {"ray_vs_local": 0.8, "peak_growth": 1.25}
"""Ray at least 0.8x the local executor's articles/s (2 workers each); the ingest benchmark's bound
on peak memory growth from N/10 to N articles."""


def corpus(cache: Path, articles: int) -> tuple[list[Path], list[Path]]:
    """The synthetic JSONL files (10) and a small warm-up batch, written once into ``cache``."""
    from ingest import FILES, write_corpus

    files = []
    for count in (articles, WARM_UP):
        folder = cache / f"jsonl-{count}"
        done = folder / "complete"
        if not done.exists():
            folder.mkdir(parents=True, exist_ok=True)
            write_corpus(folder, count)
            done.touch()
        files.append(sorted(folder.glob("synthetic-*.jsonl"))[:FILES])
    return files[0], files[1]


class _NoNearDuplicates:
    """Stands in for the driver's near-duplicate index: finds nothing, costs nothing."""

    def check(self, doc_id, text, *, add_if_duplicate=False):
        return None


def run_ingest(executor_name: str, files: list[Path], warm: list[Path], check: bool) -> dict:
    """In a fresh process: start the executor, warm it up, then time one ingest of ``files``."""
    from warta.corpus import dedup, pipeline
    from warta.corpus.executors import LocalExecutor, RayExecutor
    from warta.store import VersionedStore

    scratch = Path(tempfile.mkdtemp(prefix="warta-executors-"))
    if executor_name == "ray":
        start = time.perf_counter()
        from warta.corpus.executors import start_ray

        start_ray(num_cpus=2)
        ray_start_s = time.perf_counter() - start
        executor = RayExecutor(num_cpus=2)
    else:
        ray_start_s = None
        executor = LocalExecutor(int(executor_name.split("-")[1]))
    if not check:
        pipeline._near_duplicate_index = lambda parent: _NoNearDuplicates()
    spent = {"wall": 0.0, "cpu": 0.0}
    original = dedup.NearDuplicateIndex.check

    def timed_check(self, *args, **kwargs):
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            return original(self, *args, **kwargs)
        finally:
            spent["wall"] += time.perf_counter() - wall
            spent["cpu"] += time.thread_time() - cpu

    dedup.NearDuplicateIndex.check = timed_check
    start = time.perf_counter()
    pipeline.ingest(warm, VersionedStore.for_corpus(scratch / "warm"), executor=executor,
                    keep_near_duplicates=True)  # fmt: skip
    warm_s = time.perf_counter() - start
    spent.update(wall=0.0, cpu=0.0)
    store = VersionedStore.for_corpus(scratch / "versions")
    start, cpu, tree_cpu = time.perf_counter(), time.process_time(), tree_cpu_seconds()
    report = pipeline.ingest(files, store, executor=executor, keep_near_duplicates=True)
    seconds, driver_cpu = time.perf_counter() - start, time.process_time() - cpu
    tree_cpu = tree_cpu_seconds() - tree_cpu
    rows = report.version.rows("articles")
    if executor_name == "ray":
        import ray

        ray.shutdown()
    return {"seconds": seconds, "rows": rows, "driver_cpu_s": driver_cpu, "tree_cpu_s": tree_cpu,
            "check_wall_s": spent["wall"], "check_cpu_s": spent["cpu"],
            "warm_up_s": warm_s, "ray_start_s": ray_start_s}  # fmt: skip


def _child(conn, args) -> None:
    try:
        conn.send(run_ingest(*args))
    except BaseException as err:
        conn.send({"error": repr(err)})
        raise


def measured(executor_name: str, files: list[Path], warm: list[Path], check: bool) -> dict:
    """One run in a fresh spawned process, its tree sampled for memory and CPU while it runs."""
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(send, (executor_name, files, warm, check)))
    process.start()
    with LoadMonitor(process.pid) as load:
        while not receive.poll(0.2):
            if not process.is_alive():
                raise RuntimeError(f"{executor_name} run died with exit code {process.exitcode}")
        result = receive.recv()
    process.join()
    if "error" in result:
        raise RuntimeError(f"{executor_name} run failed: {result['error']}")
    return {**result, "load": load.summary()}


def runs(files: list[Path], warm: list[Path], articles: int, rounds: int) -> list[dict]:
    small = files[:1]
    plan = []
    for number in range(rounds):  # throughput: alternating, each order reversed every round
        order = [("local-1", True), ("local-2", True), ("ray", True),
                 ("local-1", False), ("local-2", False), ("ray", False)]  # fmt: skip
        for executor, check in order if number % 2 == 0 else order[::-1]:
            plan.append(("throughput", number, executor, check, small))
    # memory: Ray on N/10 and N articles, without the check (on these articles its cost grows
    # with the index: see ``check_growth``; N with it would take hours)
    plan += [("memory", 0, "ray", False, small), ("memory", 0, "ray", False, files)]
    out = []
    for number, (kind, round_, executor, check, subset) in enumerate(plan, start=1):
        n = articles // len(files) * len(subset)
        label = f"{executor}, {'with' if check else 'without'} near-duplicate check, {n:,} articles"
        print(f"-- run {number}/{len(plan)} ({kind}): {label}", file=sys.stderr, flush=True)
        result = measured(executor, subset, warm, check)
        if result["rows"] != n:
            raise RuntimeError(f"{label}: {result['rows']} rows written, expected {n}")
        out.append({"kind": kind, "round": round_, "executor": executor, "check": check,
                    "articles": n, "articles_per_s": n / result["seconds"],
                    "cpu_ms_per_article": result["tree_cpu_s"] * 1000 / n, **result})  # fmt: skip
        print(f"   {n / result['seconds']:,.0f} articles/s, peak PSS "
              f"{result['load']['peak_pss_mb']:,.0f} MB, others' load "
              f"{result['load']['others_busy_cores']} cores", file=sys.stderr, flush=True)  # fmt: skip
    return out


def best(results: list[dict], executor: str, check: bool) -> dict:
    """The fastest throughput run of one executor (the least disturbed by other users)."""
    candidates = [r for r in results if r["kind"] == "throughput" and r["executor"] == executor
                  and r["check"] == check]  # fmt: skip
    return max(candidates, key=lambda r: r["articles_per_s"])


def paired(results: list[dict], a: str, b: str, check: bool) -> float:
    """Median over rounds of ``a``'s articles/s over ``b``'s in the same round (run back to
    back, so under about the same load)."""
    rates = {(r["round"], r["executor"]): r["articles_per_s"] for r in results
             if r["kind"] == "throughput" and r["check"] == check}  # fmt: skip
    rounds = sorted({number for number, _ in rates})
    return median(rates[n, a] / rates[n, b] for n in rounds)


def paired_check(results: list[dict], executor: str) -> float:
    """Median over rounds of the executor's articles/s with the check over its articles/s
    without it in the same round."""
    rates = {(r["round"], r["check"]): r["articles_per_s"] for r in results
             if r["kind"] == "throughput" and r["executor"] == executor}  # fmt: skip
    return median(rates[n, True] / rates[n, False] for n in sorted({n for n, _ in rates}))


def check_share(results: list[dict], executor: str) -> float:
    """The check's CPU seconds in the driver over the whole tree's CPU seconds (runs with it)."""
    return median(r["check_cpu_s"] / r["tree_cpu_s"] for r in results if r["kind"] == "throughput"
                  and r["executor"] == executor and r["check"])  # fmt: skip


def cpu_ratio(results: list[dict], a: str, b: str, check: bool) -> float:
    """``b``'s median CPU seconds per article (the whole tree, timed ingest only) over ``a``'s:
    what ``a``'s throughput would be relative to ``b``'s on cores no one else uses, if both kept
    the cores busy."""
    cpu = {e: median(r["cpu_ms_per_article"] for r in results if r["kind"] == "throughput"
                     and r["executor"] == e and r["check"] == check) for e in (a, b)}  # fmt: skip
    return cpu[b] / cpu[a]


def ratios(results: list[dict], growth: dict) -> list[dict]:
    rows = []
    for check in (True, False):
        suffix = ", with the near-duplicate check" if check else ", without it"
        ray, two, one = (best(results, e, check) for e in ("ray", "local-2", "local-1"))
        rows += [
            (f"Ray(2 CPUs) / LocalExecutor(2), articles/s, best runs{suffix}",
             ray["articles_per_s"] / two["articles_per_s"], "ray_vs_local", ">="),
            (f"Ray(2 CPUs) / LocalExecutor(2), articles/s, median of the rounds' pairs{suffix}",
             paired(results, "ray", "local-2", check), "ray_vs_local", ">="),
            (f"Ray(2 CPUs) / LocalExecutor(2), tree CPU per article, inverted (median){suffix}",
             cpu_ratio(results, "ray", "local-2", check), "ray_vs_local", ">="),
            (f"Ray(2 CPUs) / LocalExecutor(1), articles/s{suffix}",
             ray["articles_per_s"] / one["articles_per_s"], None, None),
            (f"LocalExecutor(2) / LocalExecutor(1), articles/s{suffix}",
             two["articles_per_s"] / one["articles_per_s"], None, None),
        ]  # fmt: skip
    for executor in ("local-1", "local-2", "ray"):
        rows.append((f"{executor}: with / without the near-duplicate check, articles/s "
                     "(median of the rounds' pairs)",
                     paired_check(results, executor), None, None))  # fmt: skip
    for executor in ("local-1", "local-2", "ray"):
        rows.append((f"{executor}: the check's CPU in the driver / the tree's CPU, per article "
                     "(medians)", check_share(results, executor), None, None))  # fmt: skip
    small, large = sorted(
        (r for r in results if r["kind"] == "memory"), key=lambda r: r["articles"]
    )
    for measure, sense in (("peak_pss_mb", "<="), ("peak_rss_mb", None)):
        rows.append((f"Ray peak {measure[5:8].upper()} of the tree, {large['articles']:,} / "
                     f"{small['articles']:,} articles (without the check)",
                     large["load"][measure] / small["load"][measure], "peak_growth", sense))  # fmt: skip
    share = small["articles"] / large["articles"]
    for key, what in (("index_mb", "its index"), ("index_rss_growth_mb", "the RSS it grew by")):
        index = growth[key]
        rows.append((f"Ray peak PSS estimated with the check: ({large['articles']:,} + {what}) / "
                     f"({small['articles']:,} + {what})",
                     (large["load"]["peak_pss_mb"] + index)
                     / (small["load"]["peak_pss_mb"] + index * share), "peak_growth", None))  # fmt: skip
    out = []
    for name, value, aim, sense in rows:
        met = None if sense is None else value >= AIMS[aim] if sense == ">=" else value <= AIMS[aim]
        out.append({"ratio": name, "value": value,
                    "aim": f"{sense} {AIMS[aim]}" if sense else None, "met": met})  # fmt: skip
    return out


def check_growth(files: list[Path], articles: int, block: int = 1_000) -> dict:
    """The near-duplicate check on these articles, in this process: CPU ms per check as the index
    grows (blocks of ``block``; all kept, as ingest keeps them), where a check's time goes
    (cProfile of the last block), and the index's memory with all ``articles`` added (``add``
    only: the signatures and paragraph prints a check leaves behind, without the lookups)."""
    import cProfile
    import pstats

    from warta.corpus.dedup import NearDuplicateIndex

    def texts(limit: int):
        count = 0
        for path in files:
            with path.open(encoding="utf-8") as handle:
                for line in handle:
                    if count == limit:
                        return
                    count += 1
                    yield json.loads(line)["text"]

    before = _rss_mb()  # first, so no freed memory of a previous index is reused
    index = NearDuplicateIndex()
    for number, text in enumerate(texts(articles)):
        index.add(str(number), text)
    index_rss_mb = _rss_mb() - before
    index_mb = index_bytes(index) / 2**20
    del index
    index, per_block, profiler = NearDuplicateIndex(), [], cProfile.Profile()
    small = articles // 10
    start = time.process_time()
    for number, text in enumerate(texts(small), start=1):
        if number > small - block:
            profiler.enable()
        index.check(str(number), text, add_if_duplicate=True)
        profiler.disable()
        if number % block == 0:
            per_block.append((time.process_time() - start) * 1000 / block)
            start = time.process_time()
    stats = pstats.Stats(profiler).stats
    parts = {name: sum(ct for (f, _, n), (_, _, _, ct, _) in stats.items()
                       if f.endswith("dedup.py") and n == name)
             for name in ("signature", "_most_similar", "_containing", "add")}  # fmt: skip
    return {"block": block, "ms_per_check_by_block": per_block,
            "last_block_profile_s": parts, "index_articles": articles,
            "index_mb": index_mb, "index_kb_per_article": index_mb * 1024 / articles,
            "index_rss_growth_mb": index_rss_mb}  # fmt: skip


def index_bytes(index) -> int:
    """What a ``NearDuplicateIndex`` holds: its arrays' bytes plus its Python objects' sizes."""
    from sys import getsizeof

    total = sum(block.nbytes for block in index._signatures._blocks)
    for multimap in (index._bands, index._paragraphs):
        total += sum(keys.nbytes + numbers.nbytes for keys, numbers in multimap._runs)
        total += getsizeof(multimap._latest) + sum(
            getsizeof(key) + getsizeof(numbers) for key, numbers in multimap._latest.items()
        )
    total += getsizeof(index._ids) + sum(getsizeof(doc_id) for doc_id in index._ids)
    return total + index._printed_words.buffer_info()[1] * index._printed_words.itemsize


def _rss_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def print_tables(results: list[dict], checks: list[dict]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=170)
    table = Table(title="Ingest by executor (each run a fresh process; synthetic articles)")
    columns = ("kind", "executor", "near-dup check", "articles", "s", "articles/s",
               "check in driver s (CPU)", "driver CPU s", "peak PSS MB (driver/workers/Ray svc)",
               "peak RSS MB", "tree CPU ms/article", "others' cores")  # fmt: skip
    for column in columns:
        table.add_column(column, justify="left" if column in columns[:3] else "right")
    for r in results:
        load, parts = r["load"], r["load"]["peak_pss_mb_by_kind"]
        split = "/".join(f"{parts.get(k, 0):,.0f}" for k in ("driver", "worker", "ray_worker",
                                                               "ray_services") if k in parts)  # fmt: skip
        table.add_row(r["kind"], r["executor"], "yes" if r["check"] else "no", f"{r['articles']:,}",
                      f"{r['seconds']:.1f}", f"{r['articles_per_s']:,.0f}",
                      f"{r['check_wall_s']:.1f} ({r['check_cpu_s']:.1f})",
                      f"{r['driver_cpu_s']:.1f}", f"{load['peak_pss_mb']:,.0f} ({split})",
                      f"{load['peak_rss_mb']:,.0f}", f"{r['cpu_ms_per_article']:.2f}",
                      f"{load['others_busy_cores']:.2f}")  # fmt: skip
    console.print(table)
    aims = Table(title="Ratios")
    for column in ("ratio", "value", "aim", "result"):
        aims.add_column(column)
    for c in checks:
        verdict = "" if c["met"] is None else "PASS" if c["met"] else "MISS"
        aims.add_row(c["ratio"], f"{c['value']:.3f}", c["aim"] or "", verdict)
    console.print(aims)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000, help="the memory runs' N")
    parser.add_argument("--rounds", type=int, default=3, help="throughput rounds")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--recompute", type=Path,
                        help="no runs: derive the ratios again from this results file")  # fmt: skip
    args = parser.parse_args()
    if args.recompute:
        payload = json.loads(args.recompute.read_text(encoding="utf-8"))
        payload["aims"] = ratios(payload["runs"], payload["check_growth"])
        print_tables(payload["runs"], payload["aims"])
        args.recompute.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        return
    os.environ.update(HF_DATASETS_OFFLINE="1", HF_HUB_OFFLINE="1")
    files, warm = corpus(args.cache, args.articles)
    with LoadMonitor() as load:
        results = runs(files, warm, args.articles, args.rounds)
        print("-- the near-duplicate check as its index grows", file=sys.stderr, flush=True)
        growth = check_growth(files, args.articles)
    checks = ratios(results, growth)
    print_tables(results, checks)
    blocks = ", ".join(f"{ms:.1f}" for ms in growth["ms_per_check_by_block"])
    print(
        f"near-duplicate check, CPU ms per check by {growth['block']:,} articles indexed: {blocks}"
    )
    print(f"  where the last block's time went (s): {growth['last_block_profile_s']}")
    print(f"  index of {growth['index_articles']:,} articles: {growth['index_mb']:.0f} MB "
          f"({growth['index_kb_per_article']:.2f} KB an article; the process grew "
          f"{growth['index_rss_growth_mb']:.0f} MB building it)")  # fmt: skip
    summary = load.summary()
    print(f"load over all runs: {summary['machine_busy_cores']} of 2 cores busy on average, "
          f"{summary['others_busy_cores']} of them other users'")  # fmt: skip
    RESULTS.mkdir(parents=True, exist_ok=True)
    default = args.articles == 100_000
    out = RESULTS / ("executors.json" if default else f"executors-{args.articles}.json")
    payload = {"benchmark": "executors", "date": datetime.now(UTC).isoformat(timespec="seconds"),
               "articles": args.articles, "rounds": args.rounds, "runs": results,
               "check_growth": growth, "aims": checks, "load": summary,
               "machine": describe(("warta", "ray", "pyarrow", "deltalake", "datasketch"))}  # fmt: skip
    out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"figures written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
