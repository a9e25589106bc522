"""Calibration against human gold: Warta's annotation process, run blind on sentences of an
external corpus annotated by people (idner-news-2k: PER, ORG, LOC), scored after a stated type map.

The sentences go to their own Label Studio project (one task per sentence, text = tokens joined
by single spaces, so the corpus's offsets are exact); annotators label entities under Warta's
guidelines without seeing that corpus's tags. ``calibrate`` keeps the raw export, maps each
Warta type through the schema's ``idner`` column (GPE, LOC and FAC become LOC; types the other
corpus does not tag are dropped) and scores every annotation against the human gold: precision,
recall and F1 per type, with bootstrap intervals over sentences. The external corpus stays
outside the repository; only its sentence ids and the scores are kept.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from warta.annotations.bridge import (
    Connection,
    annotator_names,
    download_export,
    download_users,
    ensure_project,
    import_tasks,
    project_doc_ids,
    save_export,
    users_file,
)
from warta.annotations.convert import read_annotation
from warta.corpus.conll import TaggedSentence, read_conll
from warta.errors import WartaError
from warta.metrics.counts import Counts, set_counts
from warta.repository import Repository
from warta.schema.annotation import AnnotationSchema
from warta.schema.mentions import Provenance
from warta.store import write_atomic

IDNER_TYPES = {"PER": "PER", "ORG": "ORG", "LOC": "LOC"}
SENTENCE_ID = "idner-test-{:04d}"


def idner_sentences(path: Path) -> dict[str, TaggedSentence]:
    """Sentence id (its 1-based position in the file) -> the sentence with its human tags."""
    return {
        SENTENCE_ID.format(i): sentence
        for i, sentence in enumerate(read_conll(path, IDNER_TYPES), start=1)
    }


def push_sentences(
    connection: Connection, title: str, config: str, sentences: dict[str, TaggedSentence]
) -> int:
    """Import the sentences the project does not have yet (text only: never the tags)."""
    project_id, _ = ensure_project(connection, title, config)
    present = project_doc_ids(connection, project_id)
    tasks = (
        {"data": {"text": s.text, "doc_id": sid, "title": f"calibration sentence {sid}"}}
        for sid, s in sentences.items()
        if sid not in present
    )
    return import_tasks(connection, project_id, tasks)


@dataclass
class Calibration:
    export: Path
    gold_file: str
    type_map: dict[str, str | None]
    sentences: int
    annotations: int
    by_type: dict[str, dict]
    overall: dict
    by_annotator: dict[str, dict]
    overlap: dict[str, dict]  # type ("" for all) -> figures when overlapping spans match

    def as_dict(self) -> dict:
        return {
            "export": self.export.name,
            "gold_file": self.gold_file,
            "type_map": self.type_map,
            "sentences": self.sentences,
            "annotations": self.annotations,
            "unit": "sentence",
            "overall": self.overall,
            "by_type": self.by_type,
            "by_annotator": self.by_annotator,
            "overlap": {t or "all": m for t, m in self.overlap.items()},
        }


def overlap_counts(gold: set, predicted: set) -> Counts:
    """Spans of the same type that overlap match, one to one (in order): a lenient match that
    tells boundary conventions (brackets, a title, ``Jokowi-JK`` as one name) from misses."""
    free = sorted(gold)
    tp = 0
    for start, end, kind in sorted(predicted):
        hit = next((g for g in free if g[2] == kind and g[0] < end and start < g[1]), None)
        if hit is not None:
            free.remove(hit)
            tp += 1
    return Counts(tp, len(predicted) - tp, len(gold) - tp)


def type_map(schema: AnnotationSchema) -> dict[str, str | None]:
    """Warta type -> idner-news-2k type (None: that corpus leaves it untagged)."""
    return schema.entity_map("idner")


def score_export(
    path: Path,
    schema: AnnotationSchema,
    sentences: dict[str, TaggedSentence],
    *,
    gold_file: str,
    n_resamples: int = 1000,
    seed: int = 0,
) -> Calibration:
    """Every (not cancelled) annotation of the calibration export against the human gold."""
    from warta.annotations.agreement import _f1_with_interval

    try:
        tasks = json.loads(path.read_bytes())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise WartaError(f"{path}: not a Label Studio JSON export ({err})") from None
    if not isinstance(tasks, list):
        raise WartaError(f"{path}: not a Label Studio JSON export (expected a list of tasks)")
    mapping = type_map(schema)
    names = annotator_names(path)
    units: list[tuple[str, set, set]] = []  # (annotator, gold spans, mapped spans) per annotation
    annotated: set[str] = set()
    problems = []
    for task in tasks:
        data = task.get("data") or {}
        sid = data.get("doc_id")
        sentence = sentences.get(sid)
        if sentence is None or data.get("text") != sentence.text:
            problems.append(f"task {task.get('id')}: {sid!r} is not a sentence of {gold_file}")
            continue
        gold = {(s, e, t) for s, e, t in sentence.spans}
        for annotation in task.get("annotations") or []:
            if annotation.get("was_cancelled"):
                continue
            who = annotation.get("completed_by")
            who = who.get("id") if isinstance(who, dict) else who
            doc, found = read_annotation(
                schema, sid, sentence.text, annotation.get("result") or [],
                Provenance(task_id=task.get("id"), annotation_id=annotation.get("id")),
            )  # fmt: skip
            problems += [str(p) for p in found]
            predicted = {
                (m.start, m.end, mapping[m.type]) for m in doc.entities if mapping.get(m.type)
            }
            units.append((names.get(who, f"user {who}"), gold, predicted))
            annotated.add(sid)
    if problems:
        raise WartaError(f"{path}: {len(problems)} problem(s); first: {problems[0]}")
    if not units:
        raise WartaError(f"{path}: no calibration sentence is annotated yet")

    def score(selected: Iterable[tuple[str, set, set]], kind: str | None, match=set_counts) -> dict:
        counts = []
        for _, gold, predicted in selected:
            keep = (lambda x: x[2] == kind) if kind else (lambda x: True)
            c = match(set(filter(keep, gold)), set(filter(keep, predicted)))
            counts.append((c.tp, c.fp, c.fn))
        return _f1_with_interval(counts, 0.95, n_resamples, seed)

    by_annotator: dict[str, dict] = {}
    for name in sorted({u[0] for u in units}):
        mine = [u for u in units if u[0] == name]
        by_annotator[name] = {"sentences": len(mine), **score(mine, None)}
    return Calibration(
        export=path,
        gold_file=gold_file,
        type_map=mapping,
        sentences=len(annotated),
        annotations=len(units),
        by_type={t: score(units, t) for t in dict.fromkeys(IDNER_TYPES.values())},
        overall=score(units, None),
        overlap={
            t: score(units, t or None, overlap_counts)
            for t in (*dict.fromkeys(IDNER_TYPES.values()), "")
        },
        by_annotator=by_annotator,
    )


def calibrate(
    repo: Repository, connection: Connection, title: str, gold: Path
) -> tuple[Calibration, Path]:
    """Download and keep the calibration project's export, score it, write the scores."""
    from warta.annotations.bridge import project_by_title

    project = project_by_title(connection, title)
    if project is None:
        raise WartaError(
            f"no Label Studio project {title!r}: run `warta annotate calibration push`"
        )
    data = download_export(connection, int(project.id))
    path = save_export(data, repo.exports_dir / "calibration", int(project.id), connection.token)
    users_file(path).parent.mkdir(exist_ok=True)
    users = json.dumps(download_users(connection), indent=1, sort_keys=True).encode()
    write_atomic(users_file(path), users + b"\n")
    return score_and_write(repo, path, gold)


def score_and_write(repo: Repository, export: Path, gold: Path) -> tuple[Calibration, Path]:
    """Score a saved calibration export and write ``annotations/calibration/<export>.json``."""
    result = score_export(
        export, repo.schema(), idner_sentences(gold), gold_file=f"idner-news-2k/{gold.name}"
    )
    body = result.as_dict()
    body["gold_sha256"] = hashlib.sha256(gold.read_bytes()).hexdigest()
    out = repo.calibration_dir / f"{export.stem}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(out, json.dumps(body, indent=2).encode() + b"\n")
    return result, out
