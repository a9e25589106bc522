"""The annotation loop as the CLI runs it: push, pull (export -> validate -> adjudicate -> gold),
and agreement. Each step reads the schema and the newest corpus version from the repository; tasks
of documents taken down (``corpus/TOMBSTONES.yaml``) are skipped, so gold never gets them back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from warta.annotations.adjudicate import Adjudication, adjudicate
from warta.annotations.agreement import PairAgreement, pairwise_agreement
from warta.annotations.bridge import (
    Connection,
    ParsedExport,
    build_task,
    download_export,
    ensure_project,
    import_tasks,
    newest_export,
    parse_export,
    prediction,
    project_by_title,
    project_doc_ids,
    save_export,
)
from warta.annotations.convert import Problem
from warta.annotations.labelconfig import label_config
from warta.corpus.tombstones import read_tombstones
from warta.errors import WartaError, listed_problems
from warta.gold.snapshot import GoldInput, write_gold_snapshot
from warta.gold.splits import assign_splits
from warta.repository import Repository
from warta.schema.mentions import DocumentAnnotation, Provenance
from warta.schema.records import annotation_from_record
from warta.store import Version, VersionDiff


@dataclass
class PushReport:
    project_id: int
    project: str
    corpus_version: str
    pushed: int
    already: int
    model_version: str | None


def push(
    repo: Repository,
    connection: Connection,
    *,
    title: str,
    model: object | None = None,
    progress: Callable[[int], None] | None = None,
) -> PushReport:
    """Create or update the project from the schema and import the documents it does not have."""
    schema = repo.schema()
    corpus = repo.corpus()
    project_id, _ = ensure_project(connection, title, label_config(schema))
    present = project_doc_ids(connection, project_id)
    model_version = model.model_version if model is not None else None

    def tasks():
        for article in corpus.iter_rows("articles"):
            if article["doc_id"] in present:
                continue
            predictions = None
            if model is not None:
                (doc,) = model.predict([article])
                predictions = [prediction(doc, model_version, schema, article["text"])]
            if progress:
                progress(1)
            yield build_task(article, corpus, predictions)

    pushed = import_tasks(connection, project_id, tasks())
    return PushReport(project_id, title, corpus.name, pushed, len(present), model_version)


class ExportInvalid(WartaError):
    """An export with problems: the raw file is kept, no gold snapshot is written."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(
            f"{path}: {len(problems)} problem(s) in the export; it is kept, no gold snapshot "
            f"was written:\n{listed_problems(problems)}"
        )


@dataclass
class PullReport:
    export: Path
    parsed: ParsedExport
    adjudication: Adjudication
    snapshot: Version | None
    diff: VersionDiff = field(default_factory=VersionDiff)


def find_project(connection: Connection, title: str) -> int:
    project = project_by_title(connection, title)
    if project is not None:
        return int(project.id)
    raise WartaError(
        f"no Label Studio project {title!r} at {connection.url}: run `warta annotate push`"
    )


def pull(repo: Repository, connection: Connection, *, title: str) -> PullReport:
    """Save the native export untouched, then validate it and write a gold snapshot from it."""
    from warta.annotations.server import check_connection

    check_connection(connection.url, connection.token)
    project_id = find_project(connection, title)
    data = download_export(connection, project_id)
    path = save_export(data, repo.exports_dir, project_id, connection.token)
    return gold_from_export(repo, path, project_id=project_id)


def gold_from_export(repo: Repository, path: Path, *, project_id: int | None = None) -> PullReport:
    """Validate a saved export, adjudicate it and write a new gold snapshot if gold changed."""
    schema = repo.schema()
    corpus = repo.corpus()
    texts = {row["doc_id"]: row["text"] for row in corpus.iter_rows("articles", ["doc_id", "text"])}
    data = path.read_bytes()
    taken_down = set(read_tombstones(repo.tombstones_file))
    parsed = parse_export(path, schema, texts, corpus.name, data, taken_down)
    if parsed.problems:
        raise ExportInvalid(path, parsed.problems)
    result = adjudicate(parsed.annotations)
    report = PullReport(path, parsed, result, None)
    if not result.gold:
        return report
    splits = assign_splits(repo.splits_file, list(result.gold))
    export = {
        "path": repo.relative(path),
        "sha256": hashlib.sha256(data).hexdigest(),
        "project_id": project_id,
        "tasks": parsed.tasks,
        "cancelled_annotations": parsed.cancelled,
    }
    report.snapshot, report.diff = write_gold_snapshot(
        repo.gold_store(),
        GoldInput(corpus, schema, result.gold, result.rule, splits, export, result.conflicts),
    )
    return report


def agreement(repo: Repository, export: Path | None = None) -> tuple[Path, list[PairAgreement]]:
    """Pairwise agreement over an export (the newest saved one by default)."""
    schema = repo.schema()
    corpus = repo.corpus()
    path = export or newest_export(repo.exports_dir)
    rows = corpus.iter_rows("articles", ["doc_id", "text", "token_starts", "token_ends"])
    articles = {r["doc_id"]: r for r in rows}
    texts = {k: v["text"] for k, v in articles.items()}
    taken_down = set(read_tombstones(repo.tombstones_file))
    parsed = parse_export(path, schema, texts, corpus.name, taken_down=taken_down)
    if parsed.problems:
        raise ExportInvalid(path, parsed.problems)
    by_annotator: dict[int, dict] = {}
    for doc_id, docs in parsed.annotations.items():
        for doc in sorted(docs, key=lambda d: d.provenance.updated_at or ""):
            by_annotator.setdefault(doc.provenance.annotator, {})[doc_id] = doc
    tokens = {
        doc_id: list(zip(a["token_starts"], a["token_ends"], strict=True))
        for doc_id, a in articles.items()
    }
    return path, pairwise_agreement(by_annotator, tokens)


def read_annotation_file(path: Path) -> DocumentAnnotation:
    """An annotation made offline: ``{doc_id, entities: [...], events: [...]}`` with the fields of
    the ``documents`` config (``id`` is accepted for ``mention_id`` and ``event_id``)."""
    import json

    try:
        return annotation_from_record(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise WartaError(f"{path}: not an annotation file ({type(err).__name__}: {err})") from None


def upload_annotation(
    repo: Repository, connection: Connection, path: Path, *, title: str, ground_truth: bool = False
) -> tuple[int, int]:
    """Validate an offline annotation and create it on its document's task; (task id, annotation id)."""
    from label_studio_sdk.core.api_error import ApiError

    from warta.annotations.bridge import _api_error
    from warta.annotations.convert import read_annotation, to_results

    doc = read_annotation_file(path)
    client = connection.client()
    project_id = find_project(connection, title)
    task = next(
        (
            t
            for t in client.tasks.list(project=project_id, fields="all")
            if (t.data or {}).get("doc_id") == doc.doc_id
        ),
        None,
    )
    if task is None:
        raise WartaError(
            f"{path}: document {doc.doc_id} has no task in project {title!r}: push it first"
        )
    results = to_results(doc)
    _, problems = read_annotation(
        repo.schema(), doc.doc_id, task.data["text"], results, Provenance(task_id=task.id)
    )
    if problems:
        raise WartaError(
            f"{path}: {len(problems)} problem(s), nothing uploaded; first: {problems[0]}"
        )
    try:
        created = client.annotations.create(id=task.id, result=results, ground_truth=ground_truth)
    except ApiError as error:
        raise _api_error(f"create an annotation on task {task.id}", error) from None
    return int(task.id), int(created.id)
