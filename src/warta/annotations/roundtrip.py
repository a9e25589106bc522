"""The annotation loop as the CLI runs it: push, pull (export -> validate -> adjudicate -> gold),
and agreement. Each step reads the schema and the newest corpus version from the repository.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

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
from warta.annotations.gold import DEFAULT_SPLIT, SPLITS, GoldInput, gold_store, write_gold_snapshot
from warta.annotations.labelconfig import label_config
from warta.corpus.pipeline import corpus_store
from warta.errors import WartaError, listed_problems
from warta.layout import Layout
from warta.schema.annotation import AnnotationSchema, load_schema
from warta.schema.mentions import (
    Argument,
    DocumentAnnotation,
    EntityMention,
    EventMention,
    Provenance,
)
from warta.store import Version, VersionDiff, write_atomic


def schema_of(layout: Layout) -> AnnotationSchema:
    return load_schema(layout.schema_file)


def newest_corpus(layout: Layout) -> Version:
    return corpus_store(layout.corpus_versions).get("latest")


def corpus_articles(corpus: Version, columns: list[str] | None = None) -> Iterator[dict]:
    """Rows of a corpus version (plain dicts of ``ARTICLE_SCHEMA``), one batch in memory at a time."""
    for batch in corpus.iter_batches("articles", columns):
        yield from batch.to_pylist()


@dataclass
class PushReport:
    project_id: int
    project: str
    corpus_version: str
    pushed: int
    already: int
    model_version: str | None


def push(
    layout: Layout,
    connection: Connection,
    *,
    title: str,
    model: object | None = None,
    progress: Callable[[int], None] | None = None,
) -> PushReport:
    """Create or update the project from the schema and import the documents it does not have."""
    schema = schema_of(layout)
    corpus = newest_corpus(layout)
    project_id, _ = ensure_project(connection, title, label_config(schema))
    present = project_doc_ids(connection, project_id)
    model_version = model.model_version if model is not None else None

    def tasks():
        for article in corpus_articles(corpus):
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


def pull(layout: Layout, connection: Connection, *, title: str) -> PullReport:
    """Save the native export untouched, then validate it and write a gold snapshot from it."""
    from warta.annotations.server import check_connection

    check_connection(connection.url, connection.token)
    project_id = find_project(connection, title)
    data = download_export(connection, project_id)
    path = save_export(data, layout.annotations_dir / "exports", project_id, connection.token)
    return gold_from_export(layout, path, project_id=project_id)


def gold_from_export(layout: Layout, path: Path, *, project_id: int | None = None) -> PullReport:
    """Validate a saved export, adjudicate it and write a new gold snapshot if gold changed."""
    schema = schema_of(layout)
    corpus = newest_corpus(layout)
    texts = {row["doc_id"]: row["text"] for row in corpus_articles(corpus, ["doc_id", "text"])}
    data = path.read_bytes()
    parsed = parse_export(path, schema, texts, corpus.name, data)
    if parsed.problems:
        raise ExportInvalid(path, parsed.problems)
    result = adjudicate(parsed.annotations)
    report = PullReport(path, parsed, result, None)
    if not result.gold:
        return report
    splits = assign_splits(layout.annotations_dir / "splits.yaml", result.gold)
    export = {
        "path": path.relative_to(layout.root).as_posix()
        if path.is_relative_to(layout.root)
        else str(path),
        "sha256": hashlib.sha256(data).hexdigest(),
        "project_id": project_id,
        "tasks": parsed.tasks,
        "cancelled_annotations": parsed.cancelled,
    }
    report.snapshot, report.diff = write_gold_snapshot(
        gold_store(layout.annotations_dir),
        GoldInput(corpus, schema, result.gold, result.rule, splits, export, result.conflicts),
    )
    return report


def assign_splits(path: Path, gold: dict) -> dict[str, str]:
    """Each gold document's split, from the recorded assignments; new documents go to test."""
    assigned: dict[str, str] = {}
    if path.exists():
        assigned = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for doc_id, split in assigned.items():
        if split not in SPLITS:
            raise WartaError(
                f"{path}: {doc_id} has unknown split {split!r} (splits: {', '.join(SPLITS)})"
            )
    new = {doc_id: DEFAULT_SPLIT for doc_id in gold if doc_id not in assigned}
    if new:
        assigned.update(new)
        header = "# Split of every gold document (doc_id: split). New gold documents go to test.\n"
        write_atomic(path, (header + yaml.safe_dump(dict(sorted(assigned.items())))).encode())
    return {doc_id: assigned[doc_id] for doc_id in gold}


def agreement(layout: Layout, export: Path | None = None) -> tuple[Path, list[PairAgreement]]:
    """Pairwise agreement over an export (the newest saved one by default)."""
    schema = schema_of(layout)
    corpus = newest_corpus(layout)
    path = export or newest_export(layout.annotations_dir / "exports")
    rows = corpus_articles(corpus, ["doc_id", "text", "token_starts", "token_ends"])
    articles = {r["doc_id"]: r for r in rows}
    parsed = parse_export(path, schema, {k: v["text"] for k, v in articles.items()}, corpus.name)
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
    """An annotation made offline: ``{doc_id, entities: [...], events: [...]}`` (mention fields as
    in the ``documents`` config; arguments as ``{role, mention_id}``)."""
    import json

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entities = [
            EntityMention(
                e["id"],
                e["type"],
                e["start"],
                e["end"],
                e["text"],
                e.get("entity_id"),
                e.get("canonical_name"),
            )
            for e in data["entities"]
        ]
        events = [
            EventMention(
                v["id"], v["type"], v["trigger_start"], v["trigger_end"], v["trigger_text"], v["realis"],
                v.get("mode"), tuple(Argument(a["role"], a["mention_id"]) for a in v.get("arguments", [])),
            )
            for v in data["events"]
        ]  # fmt: skip
        return DocumentAnnotation(data["doc_id"], entities, events)
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise WartaError(f"{path}: not an annotation file ({type(err).__name__}: {err})") from None


def upload_annotation(
    layout: Layout, connection: Connection, path: Path, *, title: str, ground_truth: bool = False
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
        schema_of(layout), doc.doc_id, task.data["text"], results, Provenance(task_id=task.id)
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
