"""The annotation loop as the CLI runs it: push, pull (export -> validate -> adjudicate -> gold),
and agreement. Each step reads the schema and the newest corpus version from the repository; tasks
of documents taken down (``corpus/TOMBSTONES.yaml``) are skipped, so gold never gets them back.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from warta.annotations.adjudicate import Adjudication, adjudicate
from warta.annotations.agreement import (
    PairAgreement,
    PooledAgreement,
    pairwise_agreement,
    pooled_agreement,
)
from warta.annotations.bridge import (
    Connection,
    ParsedExport,
    build_task,
    download_export,
    download_users,
    ensure_project,
    import_tasks,
    newest_export,
    parse_export,
    prediction,
    project_by_title,
    project_doc_ids,
    save_export,
    users_file,
)
from warta.annotations.convert import Problem, to_results
from warta.annotations.labelconfig import label_config
from warta.corpus.tombstones import read_tombstones
from warta.errors import ListedProblems, WartaError
from warta.gold.snapshot import GoldInput, write_gold_snapshot
from warta.gold.splits import assign_splits
from warta.repository import Repository
from warta.schema.mentions import DocumentAnnotation, Provenance
from warta.schema.records import annotation_from_record
from warta.store import Version, VersionDiff, write_atomic


@dataclass
class PushReport:
    project_id: int
    project: str
    corpus_version: str
    pushed: int
    already: int
    model_version: str | None
    with_gold: list[str] = field(default_factory=list)  # documents whose gold was loaded


def current_gold(repo: Repository) -> dict[str, DocumentAnnotation]:
    """The newest gold snapshot's annotation of each document (empty without gold)."""
    newest = repo.gold_store().latest()
    if newest is None:
        return {}
    rows = newest.iter_rows("documents", ["doc_id", "entities", "events"])
    return {row["doc_id"]: annotation_from_record(row) for row in rows}


def push(
    repo: Repository,
    connection: Connection,
    *,
    title: str,
    model: object | None = None,
    progress: Callable[[int], None] | None = None,
    only: set[str] | None = None,
) -> PushReport:
    """Create or update the project from the schema and import the documents it does not have.

    A document that already has gold arrives with that gold as its starting annotation (flagged
    ground truth), so a pull from a fresh Label Studio gives the same gold back instead of losing
    it. ``only`` restricts the push to those documents (the gold sample).
    """
    schema = repo.schema()
    corpus = repo.corpus()
    project_id, _ = ensure_project(connection, title, label_config(schema))
    present = project_doc_ids(connection, project_id)
    model_version = model.model_version if model is not None else None
    gold = current_gold(repo)
    seeded: list[str] = []

    def tasks():
        for article in corpus.iter_rows("articles"):
            doc_id = article["doc_id"]
            if doc_id in present or (only is not None and doc_id not in only):
                continue
            predictions = None
            if model is not None:
                (doc,) = model.predict([article])
                predictions = [prediction(doc, model_version, schema, article["text"])]
            if progress:
                progress(1)
            task = build_task(article, corpus, predictions)
            if doc_id in gold:
                task["annotations"] = [{"result": to_results(gold[doc_id]), "ground_truth": True}]
                seeded.append(doc_id)
            yield task

    pushed = import_tasks(connection, project_id, tasks())
    return PushReport(
        project_id, title, corpus.name, pushed, len(present), model_version, sorted(seeded)
    )


class ExportInvalid(ListedProblems):
    """An export with problems: the raw file is kept, no gold snapshot is written."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        summary = (
            f"{len(problems)} problem(s) in the export; it is kept, no gold snapshot was written"
        )
        super().__init__(path, problems, summary)


@dataclass
class PullReport:
    export: Path
    parsed: ParsedExport
    adjudication: Adjudication
    snapshot: Version | None
    diff: VersionDiff = field(default_factory=VersionDiff)
    changes: list[GoldChange] = field(default_factory=list)


def find_project(connection: Connection, title: str) -> int:
    project = project_by_title(connection, title)
    if project is not None:
        return int(project.id)
    raise WartaError(
        f"no Label Studio project {title!r} at {connection.url}: run `warta annotate push`"
    )


def pull(
    repo: Repository,
    connection: Connection,
    *,
    title: str,
    replace: bool = False,
    dry_run: bool = False,
) -> PullReport:
    """Save the native export untouched, then validate it and write a gold snapshot from it."""
    from warta.annotations.server import check_connection

    check_connection(connection.url, connection.token)
    project_id = find_project(connection, title)
    data = download_export(connection, project_id)
    path = save_export(data, repo.exports_dir, project_id, connection.token)
    users = json.dumps(download_users(connection), indent=1, sort_keys=True).encode()
    users_file(path).parent.mkdir(exist_ok=True)
    write_atomic(users_file(path), users + b"\n")
    return gold_from_export(repo, path, project_id=project_id, replace=replace, dry_run=dry_run)


@dataclass(frozen=True)
class GoldChange:
    """What a pull does to one document's gold: mentions and events added and removed."""

    doc_id: str
    entities_added: int
    entities_removed: int
    events_added: int
    events_removed: int

    @property
    def removes(self) -> bool:
        return bool(self.entities_removed or self.events_removed)

    def __str__(self) -> str:
        return (
            f"{self.doc_id}: entities +{self.entities_added} -{self.entities_removed}, "
            f"events +{self.events_added} -{self.events_removed}"
        )


def _keys(doc: DocumentAnnotation) -> tuple[set, set]:
    entities = {(m.type, m.start, m.end, m.entity_id) for m in doc.entities}
    events = {
        (e.type, e.trigger_start, e.trigger_end, e.realis, e.mode, len(e.arguments))
        for e in doc.events
    }
    return entities, events


def gold_changes(
    old: dict[str, DocumentAnnotation], new: dict[str, DocumentAnnotation]
) -> list[GoldChange]:
    """Per document whose gold differs, what is added and removed (a changed cluster id, realis,
    mode or argument count counts as one removed and one added)."""
    changes = []
    for doc_id in sorted(new):
        before = _keys(old[doc_id]) if doc_id in old else (set(), set())
        after = _keys(new[doc_id])
        counts = (
            len(after[0] - before[0]),
            len(before[0] - after[0]),
            len(after[1] - before[1]),
            len(before[1] - after[1]),
        )
        if any(counts) or doc_id not in old:
            changes.append(GoldChange(doc_id, *counts))
    return changes


class GoldWouldShrink(ListedProblems):
    """A pull that would remove gold mentions or events, refused without ``--replace``."""

    def __init__(self, path: Path, shrinking: list[GoldChange]) -> None:
        self.shrinking = shrinking
        summary = (
            f"this pull would remove gold from {len(shrinking)} document(s); nothing was written "
            "(the export is kept). Check them, then pull again with --replace to accept"
        )
        super().__init__(path, shrinking, summary)


def gold_from_export(
    repo: Repository,
    path: Path,
    *,
    project_id: int | None = None,
    replace: bool = False,
    dry_run: bool = False,
) -> PullReport:
    """Validate a saved export, adjudicate it and write a new gold snapshot if gold changed.

    Gold is never lost silently: documents of the current gold that the export does not settle
    (absent, or in conflict) keep their gold, and a pull that removes mentions or events from a
    document's gold is refused unless ``replace``. ``dry_run`` reports what would change and
    writes no snapshot.
    """
    from warta.annotations.annotators import kind_of, read_annotators
    from warta.annotations.bridge import annotator_names

    schema = repo.schema()
    corpus = repo.corpus()
    texts = {row["doc_id"]: row["text"] for row in corpus.iter_rows("articles", ["doc_id", "text"])}
    data = path.read_bytes()
    taken_down = set(read_tombstones(repo.tombstones_file))
    parsed = parse_export(path, schema, texts, corpus.name, data, taken_down)
    if parsed.problems:
        raise ExportInvalid(path, parsed.problems)
    result = adjudicate(parsed.annotations)
    previous = {k: v for k, v in current_gold(repo).items() if k not in taken_down}
    changes = gold_changes(previous, result.gold)
    shrinking = [c for c in changes if c.removes]
    if dry_run:
        return PullReport(path, parsed, result, None, changes=changes)
    if shrinking and not replace:
        raise GoldWouldShrink(path, shrinking)
    changed = {c.doc_id for c in changes}
    names = annotator_names(path)
    registry = read_annotators(repo.annotators_file)
    authors = _previous_authors(repo)
    for doc_id, doc in result.gold.items():
        if doc_id in changed or doc_id not in authors:
            name = names.get(doc.provenance.annotator)
            authors[doc_id] = (name, kind_of(registry, name))
    for doc_id, doc in previous.items():  # not settled by this export: kept as it is
        if doc_id not in result.gold:
            result.gold[doc_id] = doc
            result.rule[doc_id] = "kept from the previous snapshot"
    report = PullReport(path, parsed, result, None, changes=changes)
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
        GoldInput(
            corpus,
            schema,
            result.gold,
            result.rule,
            splits,
            export,
            result.conflicts,
            {d: authors.get(d, (None, kind_of(registry, None))) for d in result.gold},
        ),
    )
    return report


def _previous_authors(repo: Repository) -> dict[str, tuple[str | None, str]]:
    newest = repo.gold_store().latest()
    if newest is None:
        return {}
    import pyarrow.parquet as pq

    files = newest.files("documents")
    if not files or "annotated_by" not in pq.read_schema(files[0]).names:
        return {}
    rows = newest.iter_rows("documents", ["doc_id", "annotated_by", "annotator_kind"])
    return {r["doc_id"]: (r["annotated_by"], r["annotator_kind"]) for r in rows}


@dataclass
class AgreementReport:
    export: Path
    names: dict[int, str]
    pairs: list[PairAgreement]
    pooled: PooledAgreement | None

    def as_dict(self) -> dict:
        def named(pair: PairAgreement) -> dict:
            body = pair.as_dict()
            body["annotators"] = [self.names.get(a, f"user {a}") for a in pair.annotators]
            return body

        return {
            "export": self.export.name,
            "pooled": self.pooled.as_dict() if self.pooled else None,
            "pairs": [named(p) for p in self.pairs],
        }


def agreement(
    repo: Repository, export: Path | None = None, *, n_resamples: int = 1000
) -> AgreementReport:
    """Agreement of the blind passes of an export (the newest saved one by default): per pair of
    annotators, and pooled over every document with two of them, with bootstrap intervals.

    Blind passes are the annotations not flagged ground truth (adjudications and gold loaded by
    ``push`` are), by annotators the registry does not list as curators."""
    from warta.annotations.annotators import read_annotators
    from warta.annotations.bridge import annotator_names

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
    names = annotator_names(path)
    registry = read_annotators(repo.annotators_file)
    curators = {n for n, a in registry.items() if a.kind == "curator"}
    by_annotator: dict[int, dict] = {}
    passes = {}
    for doc_id, docs in parsed.annotations.items():
        blind: dict[int, DocumentAnnotation] = {}
        for doc in sorted(docs, key=lambda d: d.provenance.updated_at or ""):
            name = names.get(doc.provenance.annotator)
            if not doc.provenance.ground_truth and name not in curators:
                by_annotator.setdefault(doc.provenance.annotator, {})[doc_id] = doc
                blind.setdefault(doc.provenance.annotator, doc)
        if len(blind) >= 2:
            (x, a), (y, b) = sorted(blind.items())[:2]
            passes[doc_id] = ((names.get(x, f"user {x}"), a), (names.get(y, f"user {y}"), b))
    tokens = {
        doc_id: list(zip(a["token_starts"], a["token_ends"], strict=True))
        for doc_id, a in articles.items()
    }
    pooled = pooled_agreement(passes, tokens, n_resamples=n_resamples) if passes else None
    return AgreementReport(path, names, pairwise_agreement(by_annotator, tokens), pooled)


def read_annotation_file(path: Path) -> DocumentAnnotation:
    """An annotation made offline: ``{doc_id, entities: [...], events: [...]}`` with the fields of
    the ``documents`` config (``id`` is accepted for ``mention_id`` and ``event_id``)."""
    import json

    try:
        return annotation_from_record(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise WartaError(f"{path}: not an annotation file ({type(err).__name__}: {err})") from None


def offline_annotation(repo: Repository, path: Path, text_of: Callable[[str], str]):
    """An offline annotation file as a document annotation: a YAML worksheet (quotes located in
    the text) or JSON with offsets."""
    if path.suffix in (".yaml", ".yml"):
        from warta.annotations.worksheet import read_worksheet, worksheet_annotation

        data = read_worksheet(path)
        return worksheet_annotation(path, data, text_of(data["doc_id"]), repo.schema()).annotation
    return read_annotation_file(path)


@dataclass
class Upload:
    path: Path
    task_id: int
    annotation_id: int | None  # None: skipped, the user has annotated this task already


def upload_annotations(
    repo: Repository,
    connection: Connection,
    paths: list[Path],
    *,
    title: str,
    ground_truth: bool = False,
) -> list[Upload]:
    """Validate offline annotations and create each on its document's task, as the token's user.

    Every file is checked before anything is created; a task the user has already annotated is
    skipped (so a batch can be re-run after an interruption), never annotated twice.
    """
    from label_studio_sdk.core.api_error import ApiError

    from warta.annotations.bridge import _api_error
    from warta.annotations.convert import read_annotation, to_results
    from warta.annotations.server import check_connection
    from warta.annotations.worksheet import read_worksheet

    for path in paths:  # files that cannot be read fail before any call to the server
        read_worksheet(path) if path.suffix in (".yaml", ".yml") else read_annotation_file(path)
    check_connection(connection.url, connection.token)
    client = connection.client()
    project_id = find_project(connection, title)
    tasks = {
        (t.data or {}).get("doc_id"): t for t in client.tasks.list(project=project_id, fields="all")
    }
    me = int(client.users.whoami().id)

    def text_of(doc_id: str) -> str:
        if doc_id not in tasks:
            raise WartaError(f"document {doc_id} has no task in project {title!r}: push it first")
        return tasks[doc_id].data["text"]

    planned = []
    for path in paths:
        try:
            doc = offline_annotation(repo, path, text_of)
            text_of(doc.doc_id)
        except WartaError as error:
            raise WartaError(
                str(error) if str(path) in str(error) else f"{path}: {error}"
            ) from None
        task = tasks[doc.doc_id]
        results = to_results(doc)
        _, problems = read_annotation(
            repo.schema(), doc.doc_id, task.data["text"], results, Provenance(task_id=task.id)
        )
        if problems:
            raise WartaError(
                f"{path}: {len(problems)} problem(s), nothing uploaded; first: {problems[0]}"
            )
        planned.append((path, task, results))
    uploads = []
    for path, task, results in planned:
        mine = [a for a in client.annotations.list(id=task.id) if _user_id(a.completed_by) == me]
        if mine:
            uploads.append(Upload(path, int(task.id), None))
            continue
        try:
            created = client.annotations.create(
                id=task.id, result=results, ground_truth=ground_truth
            )
        except ApiError as error:
            raise _api_error(f"create an annotation on task {task.id}", error) from None
        uploads.append(Upload(path, int(task.id), int(created.id)))
    return uploads


def _user_id(completed_by) -> int | None:
    value = getattr(completed_by, "id", completed_by)
    if isinstance(completed_by, dict):
        value = completed_by.get("id")
    return int(value) if isinstance(value, int | str) and str(value).isdigit() else None
