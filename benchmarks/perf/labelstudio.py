"""Label Studio round trip at scale: Warta push and pull against the bare SDK bulk import and export.

One command runs everything against a real Label Studio started in a temporary data dir on a free
loopback port (stopped at the end, also on error). It builds a temporary Warta repository with a
synthetic corpus of N short articles (2-3 paragraphs varied from the seed article, shorter than the
seed so the server's sqlite database stays small) and precomputes the rules model's predictions for
every document once, so both sides import byte-identical task payloads. Not timed: corpus
generation, ingestion, predictions, server start, making the annotated project.

After a warm-up (a 50-task import and both exports on a throwaway project), timed, in this order
(the bare side first, so Warta never runs on the smaller database):
  push  bare   ``projects.import_tasks`` in batches of 1000 into a fresh project B
        warta  ``roundtrip.push`` with a model replaying the precomputed predictions (project A)
  pull  bare   ``projects.exports.as_json`` of project C (every task carries one annotation)
        warta  ``roundtrip.pull`` of project C: download, save, validate, adjudicate, gold snapshot
        warta  ``bridge.download_export`` of project C alone (where the time goes)
The Warta side's own steps are timed by wrapping the functions ``roundtrip`` calls; the table
shows seconds, tasks/s and warta/bare with PASS/MISS against the 1.5x aim.

    .venv/bin/python benchmarks/perf/labelstudio.py [--tasks N | --quick] [--profile]
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import platform
import random
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from synthetic import MONTHS, NAME, NUMBER, SEED, SUBSTITUTED, WEEKDAYS

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "annotations" / "schema.yaml"
RESULTS = Path(__file__).resolve().parent / "results"
AIM = 1.5  # warta seconds / bare seconds
BATCH = 1000  # bridge.IMPORT_BATCH, repeated so the bare side is visibly the same
PROJECT_WARTA, PROJECT_BARE, PROJECT_ANNOTATED = "bench A warta push", "bench B bare", "bench C"


def log(message: str) -> None:
    print(f"-- {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- synthetic corpus (not timed)


def short_article(paragraphs: list[str], title: str, rng: random.Random) -> str:
    """Dateline, title and 2-3 consecutive body paragraphs of the seed, with new names and numbers."""
    names = {old: rng.choice(pool) for old, pool in SUBSTITUTED.items()}
    count = rng.choice((2, 3))
    first = rng.randrange(len(paragraphs) - count + 1)
    body = "\n\n".join([title, *paragraphs[first : first + count]])
    body = NAME.sub(lambda m: names[m.group()], body)
    body = NUMBER.sub(
        lambda m: str(rng.randint(2, 9999)) if len(m.group()) > 2 else m.group(), body
    )
    day = rng.randint(1, 28)
    dateline = (
        f"{rng.choice(WEEKDAYS)}, {day} {rng.choice(MONTHS.split())} {rng.randint(2000, 2025)}"
    )
    return f"{dateline}\n\n{body}\n"


def write_corpus(path: Path, count: int, seed: int = 2024) -> int:
    """A JSONL file of `count` distinct short articles; returns the text bytes written."""
    from tqdm import tqdm

    lines = [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line]
    title, paragraphs = lines[1], [line for line in lines[5:-1] if len(line) > 80]
    rng, seen, size = random.Random(seed), set(), 0
    with path.open("w", encoding="utf-8") as handle, tqdm(total=count, desc="generate") as bar:
        while len(seen) < count:
            text = short_article(paragraphs, title, rng)
            if text in seen:
                continue
            seen.add(text)
            size += len(text.encode())
            handle.write(json.dumps({"text": text}, ensure_ascii=False) + "\n")
            bar.update()
    return size


def make_repo(root: Path, count: int):
    """A Warta repository with the project's schema and one corpus version of `count` articles."""
    from warta.corpus.pipeline import ingest
    from warta.repository import Repository

    layout = Repository(root)
    layout.raw_dir.mkdir(parents=True)
    layout.annotations_dir.mkdir()
    (root / "pyproject.toml").write_text("[project]\nname = 'warta-bench'\n")
    (root / "README.md").write_text("# Label Studio benchmark scratch repository\n")
    shutil.copy(SCHEMA, layout.annotations_dir / "schema.yaml")
    jsonl = root / "synthetic.jsonl"
    text_bytes = write_corpus(jsonl, count)
    # Variants of one seed are near-duplicates of each other: checked, and all kept.
    report = ingest([jsonl], layout.corpus_store(), keep_near_duplicates=True, progress=True)
    if report.version is None or report.version.rows("articles") != count:
        raise RuntimeError(f"ingest kept {report.articles} of {count} articles")
    return layout, text_bytes


class ReplayModel:
    """Hands `push` the precomputed rules predictions, so no model runs inside the timed push."""

    def __init__(self, docs: dict, model_version: str) -> None:
        self.docs, self.model_version = docs, model_version

    def predict(self, articles: list[dict]) -> list:
        return [self.docs[article["doc_id"]] for article in articles]


def precompute(layout) -> tuple[ReplayModel, list[dict]]:
    """The rules model's predictions for every document, and the task dicts Warta would import."""
    from tqdm import tqdm

    from warta.annotations.bridge import build_task, prediction
    from warta.models import get_model

    schema, corpus, model = layout.schema(), layout.corpus(), get_model("rules")
    docs, tasks = {}, []
    for article in tqdm(list(corpus.iter_rows("articles")), desc="predict"):
        (doc,) = model.predict([article])
        docs[article["doc_id"]] = doc
        predicted = prediction(doc, model.model_version, schema, article["text"])
        tasks.append(build_task(article, corpus, [predicted]))
    return ReplayModel(docs, model.model_version), tasks


# ---------------------------------------------------------------- timing


class StepClock:
    """Cumulative wall time of named functions, by wrapping them where their callers look them up.

    A generator's time is the time spent inside its `next`, wherever it is consumed.
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    def _iterate(self, name: str, items: Iterator) -> Iterator:
        while True:
            start = time.perf_counter()
            try:
                item = next(items)
            except StopIteration:
                return
            finally:
                self.seconds[name] += time.perf_counter() - start
            yield item

    @contextmanager
    def wrapping(self, module, names: list[str]) -> Iterator[StepClock]:
        originals = {name: getattr(module, name) for name in names}

        def timed(name, function):
            def call(*args, **kwargs):
                start = time.perf_counter()
                try:
                    result = function(*args, **kwargs)
                finally:
                    self.seconds[name] += time.perf_counter() - start
                return self._iterate(name, result) if inspect.isgenerator(result) else result

            return call

        for name, function in originals.items():
            setattr(module, name, timed(name, function))
        try:
            yield self
        finally:
            for name, function in originals.items():
                setattr(module, name, function)


def push_bare(client, config: str, tasks: list[dict]) -> dict:
    from tqdm import tqdm

    project = client.projects.create(title=PROJECT_BARE, label_config=config)  # not timed
    ids = []
    start = time.perf_counter()
    for first in tqdm(range(0, len(tasks), BATCH), desc="push bare", unit=" batch"):
        batch = tasks[first : first + BATCH]
        response = client.projects.import_tasks(id=project.id, request=batch, return_task_ids=True)
        ids.extend(response.task_ids or [])
    seconds = time.perf_counter() - start
    if len(ids) != len(tasks):
        raise RuntimeError(f"bare import made {len(ids)} tasks of {len(tasks)}")
    return {"seconds": seconds, "tasks": len(ids), "project_id": project.id}


def push_warta(layout, connection, model: ReplayModel, count: int) -> dict:
    from label_studio_sdk.projects.client import ProjectsClient
    from tqdm import tqdm

    from warta.annotations import roundtrip
    from warta.store import Version

    clock = StepClock()
    names = ["ensure_project", "project_doc_ids", "prediction", "build_task"]
    with (
        clock.wrapping(roundtrip, names),
        clock.wrapping(Version, ["iter_rows"]),
        clock.wrapping(ProjectsClient, ["import_tasks"]),
        tqdm(total=count, desc="push warta") as bar,
    ):
        start = time.perf_counter()
        report = roundtrip.push(
            layout, connection, title=PROJECT_WARTA, model=model, progress=bar.update
        )
        seconds = time.perf_counter() - start
    if report.pushed != count:
        raise RuntimeError(f"warta push imported {report.pushed} tasks of {count}")
    steps = dict(clock.seconds)
    steps["SDK import_tasks calls (as bare)"] = steps.pop("import_tasks")
    steps["prediction (to_results + validate)"] = steps.pop("prediction")
    steps["other (model replay, batching, progress)"] = seconds - sum(steps.values())
    return {"seconds": seconds, "tasks": report.pushed, "project_id": report.project_id,
            "steps": steps}  # fmt: skip


def make_annotated_project(client, config: str, tasks: list[dict]) -> int:
    """Project C: every task with its predictions and one completed annotation (their results)."""
    from tqdm import tqdm

    project = client.projects.create(title=PROJECT_ANNOTATED, label_config=config)
    for first in tqdm(range(0, len(tasks), BATCH), desc="annotate", unit=" batch"):
        batch = [
            {**task, "annotations": [{"result": task["predictions"][0]["result"], "lead_time": 30}]}
            for task in tasks[first : first + BATCH]
        ]
        client.projects.import_tasks(id=project.id, request=batch, return_task_ids=True)
    return int(project.id)


def warm_up(client, connection, config: str, tasks: list[dict]) -> None:
    """One small import and both exports first, so neither side pays the fresh server's first calls."""
    from warta.annotations.bridge import download_export

    project = client.projects.create(title="bench warm-up", label_config=config)
    client.projects.import_tasks(id=project.id, request=tasks[:50], return_task_ids=True)
    client.projects.exports.as_json(project.id)
    download_export(connection, project.id)


def pull_bare(client, project_id: int, count: int) -> dict:
    start = time.perf_counter()
    exported = client.projects.exports.as_json(project_id, timeout=600)
    seconds = time.perf_counter() - start
    annotated = sum(1 for task in exported if task.get("annotations"))
    if annotated != count:
        raise RuntimeError(f"bare export has {annotated} annotated tasks of {count}")
    return {"seconds": seconds, "tasks": len(exported)}


def pull_warta(layout, connection, count: int) -> dict:
    from warta.annotations import roundtrip
    from warta.repository import Repository
    from warta.store import Version

    clock = StepClock()
    names = ["find_project", "download_export", "save_export", "parse_export", "adjudicate",
             "assign_splits", "write_gold_snapshot"]  # fmt: skip
    with (
        clock.wrapping(roundtrip, names),
        clock.wrapping(Repository, ["corpus"]),
        clock.wrapping(Version, ["iter_rows"]),
    ):
        start = time.perf_counter()
        report = roundtrip.pull(layout, connection, title=PROJECT_ANNOTATED)
        seconds = time.perf_counter() - start
    if report.snapshot is None or len(report.adjudication.gold) != count:
        raise RuntimeError(f"warta pull made no gold snapshot of {count} documents")
    steps = dict(clock.seconds)
    steps["corpus texts (corpus + iter_rows)"] = steps.pop("corpus") + steps.pop("iter_rows")
    steps["other (check_connection, sha256, schema)"] = seconds - sum(steps.values())
    export_mb = report.export.stat().st_size / 1e6
    return {"seconds": seconds, "tasks": report.parsed.tasks, "export_mb": export_mb,
            "snapshot": report.snapshot.name, "steps": steps}  # fmt: skip


def download_only(connection, project_id: int, count: int) -> dict:
    from warta.annotations.bridge import download_export

    start = time.perf_counter()
    data = download_export(connection, project_id)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "tasks": count, "bytes": len(data)}


# ---------------------------------------------------------------- report


def comparisons(runs: dict) -> list[dict]:
    rows = []
    for phase, warta, bare in (
        ("push", "push warta", "push bare"),
        ("pull", "pull warta", "pull bare"),
        ("pull, download only", "download warta", "pull bare"),
    ):
        ratio = runs[warta]["seconds"] / runs[bare]["seconds"]
        aimed = phase != "pull, download only"
        rows.append({"phase": phase, "warta_s": runs[warta]["seconds"],
                     "bare_s": runs[bare]["seconds"], "ratio": ratio,
                     "aim": f"<= {AIM}" if aimed else "-",
                     "met": ratio <= AIM if aimed else None})  # fmt: skip
    return rows


def print_tables(runs: dict, checks: list[dict], count: int, text_mb: float) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=120)  # the full table, also when written to a log file
    table = Table(title=f"Label Studio round trip, {count:,} tasks (short articles, {text_mb:.1f} MB"
                  " text; seed article trimmed to 2-3 paragraphs)")  # fmt: skip
    for column in ("run", "what is timed", "tasks", "s", "tasks/s"):
        table.add_column(column, justify="left" if column in ("run", "what is timed") else "right")
    for name, run in runs.items():
        table.add_row(name, run["timed"], f"{run['tasks']:,}", f"{run['seconds']:.2f}",
                      f"{run['tasks'] / run['seconds']:,.0f}")  # fmt: skip
    console.print(table)
    aims = Table(title=f"warta / bare (aim: within {AIM}x)")
    for column in ("phase", "warta s", "bare s", "ratio", "aim", "result"):
        aims.add_column(column, justify="left" if column == "phase" else "right")
    for c in checks:
        result = "-" if c["met"] is None else "PASS" if c["met"] else "MISS"
        aims.add_row(c["phase"], f"{c['warta_s']:.2f}", f"{c['bare_s']:.2f}", f"{c['ratio']:.2f}x",
                     c["aim"], result)  # fmt: skip
    console.print(aims)
    for name in ("push warta", "pull warta"):
        steps = Table(title=f"{name}: where the time goes")
        for column in ("step", "s", "share"):
            steps.add_column(column, justify="left" if column == "step" else "right")
        total = runs[name]["seconds"]
        for step, seconds in sorted(runs[name]["steps"].items(), key=lambda kv: -kv[1]):
            steps.add_row(step, f"{seconds:.2f}", f"{seconds / total:.0%}")
        console.print(steps)


def machine(client) -> dict:
    packages = ("warta", "label-studio-sdk", "pyarrow", "requests", "rich", "tqdm")
    server = client.versions.get()
    return {"cpu_count": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform(), "packages": {p: version(p) for p in packages},
            "label_studio_server": getattr(server, "release", None)}  # fmt: skip


def profile(layout, connection, model: ReplayModel) -> None:
    """cProfile of one more Warta push (new project) and pull (fresh gold store): top functions."""
    import cProfile
    import pstats

    from warta.annotations.roundtrip import pull, push

    shutil.rmtree(layout.annotations_dir / "gold", ignore_errors=True)
    (layout.annotations_dir / "splits.yaml").unlink(missing_ok=True)
    for name, call in (
        ("push", lambda: push(layout, connection, title="bench A profiled", model=model)),
        ("pull", lambda: pull(layout, connection, title=PROJECT_ANNOTATED)),
    ):
        profiler = cProfile.Profile()
        profiler.runcall(call)
        print(f"\n==== cProfile: warta {name} ====")
        stats = pstats.Stats(profiler).strip_dirs()
        stats.sort_stats("tottime").print_stats(15)
        stats.sort_stats("cumulative").print_stats(30)


# ---------------------------------------------------------------- main


def run(scratch: Path, count: int, want_profile: bool) -> tuple[dict, dict, float]:
    from label_studio_sdk import LabelStudio

    from warta.annotations.bridge import Connection
    from warta.annotations.labelconfig import label_config
    from warta.annotations.server import AdminCredentials, LabelStudioServer

    log(f"synthetic corpus of {count:,} short articles (2-3 paragraphs of the seed each)")
    layout, text_bytes = make_repo(scratch / "repo", count)
    model, tasks = precompute(layout)
    config = label_config(layout.schema())
    data_dir = scratch / "label-studio"
    admin = AdminCredentials.load_or_create(data_dir)
    log("starting Label Studio on an empty data dir (about 25 s of migrations)")
    with LabelStudioServer(data_dir, admin.token, admin.email, admin.password).start(180) as server:
        connection = Connection(server.url, admin.token)
        client = LabelStudio(base_url=server.url, api_key=admin.token, timeout=600)
        warm_up(client, connection, config, tasks)
        runs = {}
        runs["push bare"] = {
            "timed": "import_tasks, 1000 a batch",
            **push_bare(client, config, tasks),
        }
        runs["push warta"] = {"timed": "roundtrip.push (project, predictions, import)",
                              **push_warta(layout, connection, model, count)}  # fmt: skip
        log("annotating: project C imported with one annotation per task (not timed)")
        annotated = make_annotated_project(client, config, tasks)
        log("pull bare: exports.as_json")
        runs["pull bare"] = {"timed": "exports.as_json (download + json parse)",
                             **pull_bare(client, annotated, count)}  # fmt: skip
        log("pull warta: roundtrip.pull")
        runs["pull warta"] = {"timed": "roundtrip.pull (download ... gold snapshot)",
                              **pull_warta(layout, connection, count)}  # fmt: skip
        log("download warta: bridge.download_export")
        runs["download warta"] = {"timed": "bridge.download_export only",
                                  **download_only(connection, annotated, count)}  # fmt: skip
        info = machine(client)
        info["sqlite_mb"] = (data_dir / "label_studio.sqlite3").stat().st_size / 1e6
        if want_profile:
            profile(layout, connection, model)
    return runs, info, text_bytes / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--quick", action="store_true", help="500 tasks, a smoke run")
    parser.add_argument(
        "--profile", action="store_true", help="also cProfile a Warta push and pull"
    )
    args = parser.parse_args()
    count = 500 if args.quick else args.tasks
    with tempfile.TemporaryDirectory(prefix="warta-labelstudio-bench-") as tmp:
        runs, info, text_mb = run(Path(tmp), count, args.profile)
    checks = comparisons(runs)
    print_tables(runs, checks, count, text_mb)
    RESULTS.mkdir(parents=True, exist_ok=True)
    # A smoke run never overwrites the published full-size figures.
    out = RESULTS / ("labelstudio-quick.json" if args.quick else "labelstudio.json")
    payload = {"benchmark": "labelstudio", "date": datetime.now(UTC).isoformat(timespec="seconds"),
               "tasks": count, "text_mb": text_mb, "seed_article": str(SEED.relative_to(ROOT)),
               "articles": "2-3 paragraphs of the seed each (shorter than the seed)",
               "order": "bare before warta in each phase", "machine": info, "runs": runs,
               "aims": checks}  # fmt: skip
    out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"figures written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
