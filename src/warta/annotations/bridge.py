"""Push documents to Label Studio and pull its native JSON export back.

URL and token come from the environment (``LABEL_STUDIO_URL``, ``LABEL_STUDIO_API_KEY``) and never
appear in a message, log, provenance record or saved export. One task is one corpus document
(the whole article, so arguments in neighbouring sentences can be linked); a task's ``data`` holds
``text``, ``doc_id``, ``corpus_version`` and ``title``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from warta.annotations.convert import Problem, read_annotation, to_results
from warta.annotations.server import (
    API_KEY_ENV,
    URL_ENV,
    LabelStudioAuthError,
    LabelStudioError,
    check_connection,
)
from warta.errors import WartaError
from warta.schema.annotation import AnnotationSchema
from warta.schema.mentions import DocumentAnnotation, Provenance
from warta.store import Version, write_atomic

DEFAULT_URL = "http://127.0.0.1:8080"
IMPORT_BATCH = 1000


@dataclass(frozen=True)
class Connection:
    url: str
    token: str = field(repr=False)

    @classmethod
    def from_env(cls) -> Connection:
        token = os.environ.get(API_KEY_ENV)
        if not token:
            raise LabelStudioAuthError(
                f"no Label Studio token: set {API_KEY_ENV} (see `warta annotate serve`)"
            )
        return cls(os.environ.get(URL_ENV, DEFAULT_URL).rstrip("/"), token)

    def client(self):
        from label_studio_sdk import LabelStudio

        return LabelStudio(base_url=self.url, api_key=self.token, timeout=120)


def _api_error(what: str, error: Exception) -> LabelStudioError:
    status = getattr(error, "status_code", None)
    body = getattr(error, "body", None)
    detail = json.dumps(body, ensure_ascii=False)[:300] if body else type(error).__name__
    return LabelStudioError(f"Label Studio refused to {what} ({status}): {detail}")


def project_by_title(connection: Connection, title: str):
    """The Label Studio project with this title, or None."""
    return next((p for p in connection.client().projects.list() if p.title == title), None)


def ensure_project(connection: Connection, title: str, config: str) -> tuple[int, str]:
    """The project's id, created or updated from the schema's config; and what was done."""
    from label_studio_sdk.core.api_error import ApiError

    check_connection(connection.url, connection.token)
    client = connection.client()
    project = project_by_title(connection, title)
    try:
        if project is None:
            project = client.projects.create(title=title, label_config=config)
            return int(project.id), "created"
        if (project.label_config or "").strip() != config.strip():
            client.projects.update(id=project.id, label_config=config)
            return int(project.id), "config updated"
        return int(project.id), "unchanged"
    except ApiError as error:
        raise _api_error(f"create or update project {title!r}", error) from None


def project_doc_ids(connection: Connection, project_id: int) -> set[str]:
    """Document ids already imported into a project."""
    client = connection.client()
    return {
        (task.data or {}).get("doc_id")
        for task in client.tasks.list(project=project_id, page_size=1000, fields="all")
    } - {None}


def build_task(article: dict, corpus: Version, predictions: list[dict] | None = None) -> dict:
    task = {
        "data": {
            "text": article["text"],
            "doc_id": article["doc_id"],
            "corpus_version": corpus.name,
            "title": article["title"] or "",
        }
    }
    if predictions:
        task["predictions"] = predictions
    return task


def prediction(
    doc: DocumentAnnotation, model_version: str, schema: AnnotationSchema, text: str
) -> dict:
    """A model's output as a Label Studio prediction, checked like any annotation first."""
    results = to_results(doc)
    _, problems = read_annotation(schema, doc.doc_id, text, results, Provenance())
    if problems:
        raise WartaError(f"model {model_version} predicted invalid annotations: {problems[0]}")
    return {"model_version": model_version, "result": results}


def batched(items: Iterable[dict], size: int) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def import_tasks(connection: Connection, project_id: int, tasks: Iterable[dict]) -> int:
    from label_studio_sdk.core.api_error import ApiError

    client = connection.client()
    count = 0
    for batch in batched(tasks, IMPORT_BATCH):
        try:
            client.projects.import_tasks(id=project_id, request=batch, return_task_ids=True)
        except ApiError as error:
            raise _api_error(f"import {len(batch)} tasks", error) from None
        count += len(batch)
    return count


def download_export(connection: Connection, project_id: int) -> bytes:
    """The project's native JSON export, as the bytes the server sent (every task included)."""
    import requests

    headers = {"Authorization": f"Token {connection.token}"}
    if connection.token.count(".") == 2:  # a personal access token (JWT): exchange it first
        refreshed = requests.post(
            f"{connection.url}/api/token/refresh", json={"refresh": connection.token}, timeout=30
        )
        if not refreshed.ok:
            raise LabelStudioAuthError(f"Label Studio at {connection.url} refused the token")
        headers = {"Authorization": f"Bearer {refreshed.json()['access']}"}
    response = requests.get(
        f"{connection.url}/api/projects/{project_id}/export",
        params={"exportType": "JSON", "download_all_tasks": "true"},
        headers=headers,
        timeout=600,
    )
    if response.status_code in (401, 403):
        raise LabelStudioAuthError(f"Label Studio at {connection.url} refused the token")
    if not response.ok:
        raise LabelStudioError(
            f"Label Studio export of project {project_id} failed ({response.status_code})"
        )
    return response.content


def save_export(data: bytes, exports_dir: Path, project_id: int, token: str) -> Path:
    """Keep the raw export before anything is converted; a token inside it is never written."""
    if token and token.encode() in data:
        raise LabelStudioError("the export contains the API token; refusing to save it")
    exports_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = exports_dir / f"project-{project_id}-{stamp}.json"
    write_atomic(path, data)
    return path


def download_users(connection: Connection) -> dict[str, dict]:
    """Label Studio user id -> ``{username, email, name}`` of everyone in the organisation."""
    users = {}
    for user in connection.client().users.list():
        name = " ".join(p for p in (user.first_name, user.last_name) if p) or None
        users[str(user.id)] = {"username": user.username, "email": user.email, "name": name}
    return users


def users_file(export: Path) -> Path:
    """Where the user names of an export are kept (beside it, in ``users/``)."""
    return export.parent / "users" / export.name


def annotator_names(export: Path) -> dict[int, str]:
    """User id -> the name an agreement report or gold row shows (username, else email);
    empty for an export saved without its users."""
    path = users_file(export)
    if not path.exists():
        return {}
    try:
        users = json.loads(path.read_text(encoding="utf-8"))
        return {
            int(i): u.get("username") or u.get("email") or f"user {i}" for i, u in users.items()
        }
    except (ValueError, AttributeError, TypeError) as err:
        raise WartaError(f"{path}: not a users file ({err})") from None


def newest_export(exports_dir: Path) -> Path:
    exports = sorted(exports_dir.glob("project-*.json"))
    if not exports:
        raise WartaError(f"{exports_dir}: no export yet: run `warta annotate pull`")
    return exports[-1]


@dataclass
class ParsedExport:
    """Every completed annotation of an export, by document, with the problems found."""

    annotations: dict[str, list[DocumentAnnotation]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    tasks: int = 0
    cancelled: int = 0
    taken_down: list[str] = field(default_factory=list)  # documents skipped: taken down


PROVENANCE_TYPES = {
    "id": (int,), "completed_by": (int, type(None)), "created_at": (str, type(None)),
    "updated_at": (str, type(None)), "lead_time": (int, float, type(None)),
}  # fmt: skip


def _provenance(task_id, annotation, problems: list[Problem]) -> Provenance | None:
    """Who made an annotation and when; None (and a problem) if the export garbled it."""
    if not isinstance(annotation, dict):
        problems.append(Problem(task_id, None, None, "an annotation must be an object"))
        return None
    fields = dict(annotation)
    if isinstance(fields.get("completed_by"), dict):  # snapshot exports give the user object
        fields["completed_by"] = fields["completed_by"].get("id")
    for key, types in PROVENANCE_TYPES.items():
        value = fields.get(key)
        if not isinstance(value, types) or isinstance(value, bool):
            annotation_id = fields.get("id") if isinstance(fields.get("id"), int) else None
            got = f"{type(value).__name__} {value!r}"[:60]
            problems.append(Problem(task_id, annotation_id, None, f"{key} is {got}"))
            return None
    return Provenance(
        task_id=task_id,
        annotation_id=fields["id"],
        annotator=fields["completed_by"],
        created_at=fields.get("created_at"),
        updated_at=fields.get("updated_at"),
        lead_time=fields.get("lead_time"),
        ground_truth=bool(fields.get("ground_truth")),
    )


def parse_export(
    path: Path,
    schema: AnnotationSchema,
    corpus_texts: dict[str, str],
    corpus_name: str,
    data: bytes | None = None,
    taken_down: set[str] | frozenset[str] = frozenset(),
) -> ParsedExport:
    """Convert and validate an export (its bytes, if already read) against the schema and the
    corpus text of each document. Tasks of documents in ``taken_down`` are skipped: the server
    keeps them until someone deletes them, and they must never reach gold again."""
    try:
        tasks = json.loads(path.read_bytes() if data is None else data)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise WartaError(f"{path}: not a Label Studio JSON export ({err})") from None
    if not isinstance(tasks, list):
        raise WartaError(f"{path}: not a Label Studio JSON export (expected a list of tasks)")
    parsed = ParsedExport(tasks=len(tasks))
    for number, task in enumerate(tasks, start=1):
        if not isinstance(task, dict) or not isinstance(task.get("data") or {}, dict):
            parsed.problems.append(
                Problem(None, None, None, f"entry {number} of the export is not a task object")
            )
            continue
        task_id = task.get("id")
        data = task.get("data") or {}
        doc_id, text = data.get("doc_id"), data.get("text")
        if not isinstance(doc_id, str):
            parsed.problems.append(Problem(task_id, None, None, "task data has no doc_id (a text)"))
            continue
        if doc_id in taken_down:
            parsed.taken_down.append(doc_id)
            continue
        if doc_id not in corpus_texts:
            parsed.problems.append(
                Problem(task_id, None, None, f"document {doc_id!r} is not in corpus {corpus_name}")
            )
            continue
        if text != corpus_texts[doc_id]:
            parsed.problems.append(
                Problem(
                    task_id,
                    None,
                    None,
                    f"task text differs from corpus {corpus_name} text of {doc_id}",
                )
            )
            continue
        parsed.texts[doc_id] = text
        annotations = task.get("annotations") or []
        if not isinstance(annotations, list):
            parsed.problems.append(Problem(task_id, None, None, "annotations must be a list"))
            continue
        for annotation in annotations:
            provenance = _provenance(task_id, annotation, parsed.problems)
            if provenance is None:
                continue
            if annotation.get("was_cancelled"):
                parsed.cancelled += 1
                continue
            doc, problems = read_annotation(
                schema, doc_id, text, annotation.get("result") or [], provenance
            )
            parsed.problems.extend(problems)
            parsed.annotations.setdefault(doc_id, []).append(doc)
    return parsed
