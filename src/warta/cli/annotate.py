"""``warta annotate ...``: the Label Studio loop (config, serve, push, pull, agreement)."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from warta.cli.common import console, refresh_card, repository
from warta.errors import WartaError

app = typer.Typer(
    help="Annotate in Label Studio and turn its export into gold.", no_args_is_help=True
)

ProjectOption = Annotated[str, typer.Option("--project", help="Label Studio project title.")]
DEFAULT_PROJECT = "Warta gold"


@app.command("config")
def config(
    check: Annotated[
        bool, typer.Option("--check", help="Only check that it is up to date.")
    ] = False,
) -> None:
    """Generate the Label Studio labeling config from annotations/schema.yaml."""
    from warta.annotations.labelconfig import label_config
    from warta.store import write_atomic

    repo = repository()
    generated = label_config(repo.schema())
    path = repo.label_config_file
    current = path.read_text(encoding="utf-8") if path.exists() else None
    if check:
        if current != generated:
            raise WartaError(f"{path}: stale; run `warta annotate config` to regenerate it")
        console.print(f"up to date: {path}")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, generated.encode())
    console.print(f"{'unchanged' if current == generated else 'wrote'} {path}")


@app.command("serve")
def serve(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8080,
    data_dir: Annotated[Path | None, typer.Option(help="Label Studio data dir.")] = None,
) -> None:
    """Run a local Label Studio (loopback only) until Ctrl-C."""
    from warta.annotations.server import serve_forever

    folder = data_dir or repository().labelstudio_data_dir
    serve_forever(folder, port=port, echo=console.print)


@app.command("stop")
def stop(
    data_dir: Annotated[Path | None, typer.Option(help="Label Studio data dir.")] = None,
) -> None:
    """End the Label Studio that `serve` started on the data dir (one left running when `serve`
    was killed)."""
    from warta.annotations.server import stop_recorded_server

    folder = data_dir or repository().labelstudio_data_dir
    record = stop_recorded_server(folder)
    if record is None:
        console.print(f"no Label Studio runs on {folder}", highlight=False)
        return
    console.print(
        f"stopped Label Studio (pid {record['pid']}, http://{record['host']}:{record['port']})",
        highlight=False,
    )


@app.command("push")
def push(
    project: ProjectOption = DEFAULT_PROJECT,
    model: Annotated[
        str | None, typer.Option(help="Pre-annotate with this model (stored as predictions).")
    ] = None,
    gold_sample: Annotated[
        bool,
        typer.Option(
            "--gold-sample", help="Only the gold sample's documents (see `warta annotate sample`)."
        ),
    ] = False,
) -> None:
    """Create/update the project from the schema and import documents it does not have yet.

    Documents with gold arrive with their current gold as a ground-truth annotation."""
    from tqdm import tqdm

    from warta.annotations.bridge import Connection
    from warta.annotations.roundtrip import push as run_push
    from warta.annotations.sample import gold_sample as sample_of
    from warta.models import get_model

    repo = repository()
    only = set(sample_of(repo)) if gold_sample else None
    with tqdm(desc="push", unit=" tasks", disable=not sys.stderr.isatty()) as bar:
        report = run_push(
            repo,
            Connection.from_env(),
            title=project,
            model=get_model(model) if model else None,
            progress=bar.update,
            only=only,
        )
    predicted = f" with predictions of {report.model_version}" if report.model_version else ""
    console.print(
        f"project {report.project!r} (id {report.project_id}): imported {report.pushed} document(s) "
        f"of corpus {report.corpus_version}{predicted}; {report.already} were already there"
    )
    if report.with_gold:
        console.print(
            f"{len(report.with_gold)} of them start from their current gold (ground truth): "
            + ", ".join(report.with_gold[:5])
            + (" ..." if len(report.with_gold) > 5 else "")
        )


ReplaceOption = Annotated[
    bool,
    typer.Option("--replace", help="Accept a pull that removes gold mentions or events."),
]


DryRunOption = Annotated[
    bool,
    typer.Option("--dry-run", help="Keep the export and show what would change; write no gold."),
]


@app.command("pull")
def pull(
    project: ProjectOption = DEFAULT_PROJECT,
    replace: ReplaceOption = False,
    dry_run: DryRunOption = False,
) -> None:
    """Save the native JSON export, validate it, adjudicate and write a gold snapshot.

    Prints, per document, the mentions and events added and removed; refuses to remove gold
    unless --replace."""
    from warta.annotations.bridge import Connection
    from warta.annotations.roundtrip import pull as run_pull

    report = run_pull(
        repository(), Connection.from_env(), title=project, replace=replace, dry_run=dry_run
    )
    _report(report, dry_run=dry_run)


@app.command("gold")
def gold(
    export: Annotated[Path, typer.Argument(help="A saved Label Studio JSON export.")],
    replace: ReplaceOption = False,
) -> None:
    """Rebuild gold from a saved export (what `pull` does after downloading)."""
    from warta.annotations.roundtrip import gold_from_export

    _report(gold_from_export(repository(), export.resolve(), replace=replace))


def _report(report, dry_run: bool = False) -> None:
    console.print(f"saved export {report.export} ({report.parsed.tasks} tasks)")
    for doc_id in report.parsed.taken_down:
        console.print(
            f"[yellow]skipped[/] the task of {doc_id}: taken down (delete it in Label Studio)",
            highlight=False,
        )
    for doc_id, why in report.adjudication.conflicts.items():
        console.print(f"[yellow]conflict[/] {doc_id}: {why}", highlight=False)
    for change in report.changes:
        console.print(f"  {change}", highlight=False)
    gold = report.adjudication.gold
    if dry_run:
        console.print(f"dry run: {len(gold)} document(s) adjudicated; no gold snapshot written")
        return
    if report.snapshot is None:
        console.print(f"gold unchanged: {len(gold)} document(s) adjudicated")
        return
    refresh_card()
    diff = report.diff
    console.print(
        f"wrote gold snapshot [bold]{report.snapshot.name}[/]: {len(gold)} document(s); "
        f"{len(diff.added)} added, {len(diff.changed)} changed, {len(diff.removed)} removed"
    )


@app.command("sample")
def sample(seed: Annotated[int, typer.Option(help="Shuffle seed for new documents.")] = 0) -> None:
    """Split the gold sample (seed, NTREX-128, listed IndoSum ids) by source; frozen splits."""
    from collections import Counter

    from warta.annotations.sample import split_sample
    from warta.gold.splits import SPLITS

    repo = repository()
    chosen, splits = split_sample(repo, seed)
    counts = Counter((source, splits[doc_id]) for doc_id, source in chosen.items())
    table = Table(title=f"gold sample: {len(chosen)} documents")
    table.add_column("source")
    for split in SPLITS:
        table.add_column(split, justify="right")
    for source in sorted({s for s, _ in counts}):
        table.add_row(source, *(str(counts[source, split]) for split in SPLITS))
    console.print(table)
    console.print(f"splits recorded in {repo.relative(repo.splits_file)}")


@app.command("check")
def check(
    sheets: Annotated[list[Path], typer.Argument(help="Worksheets (YAML) or folders of them.")],
    texts: Annotated[
        Path | None,
        typer.Option(help="A folder of <doc_id>.txt texts (default: the newest corpus version)."),
    ] = None,
) -> None:
    """Check offline worksheets against the text: every problem, one line each."""
    from warta.annotations.worksheet import WorksheetError, read_worksheet, worksheet_annotation

    repo = repository()
    schema = repo.schema()
    files = [p for s in sheets for p in (sorted(s.glob("*.yaml")) if s.is_dir() else [s])]
    corpus: dict[str, str] = {}
    if texts is None:
        rows = repo.corpus().iter_rows("articles", ["doc_id", "text"])
        corpus = {r["doc_id"]: r["text"] for r in rows}
    failed = 0
    for path in files:
        try:
            data = read_worksheet(path)
        except WartaError as error:
            console.print(str(error), highlight=False, markup=False, style="red")
            failed += 1
            continue
        source = texts / f"{data['doc_id']}.txt" if texts else None
        if source is not None:
            body = source.read_text(encoding="utf-8") if source.is_file() else None
        else:
            body = corpus.get(data["doc_id"])
        if body is None:
            where = source or "the corpus"
            console.print(f"{path}: no text of {data['doc_id']} in {where}", highlight=False)
            failed += 1
            continue
        try:
            located = worksheet_annotation(path, data, body, schema)
        except WorksheetError as error:
            console.print(str(error), highlight=False, markup=False, style="red")
            failed += 1
            continue
        doc = located.annotation
        console.print(
            f"ok {path}: {len(doc.entities)} entities, "
            f"{len({m.entity_id for m in doc.entities if m.entity_id})} clusters, "
            f"{len(doc.events)} events",
            highlight=False,
        )
        for note in located.unbounded:
            console.print(f"  note: {note}", highlight=False)
    if failed:
        raise WartaError(f"{failed} of {len(files)} worksheet(s) have problems")


@app.command("upload")
def upload(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Worksheets (YAML), JSON {doc_id, entities, events}, or folders."),
    ],
    project: ProjectOption = DEFAULT_PROJECT,
    ground_truth: Annotated[
        bool, typer.Option("--ground-truth", help="Mark them ground truth (adjudication).")
    ] = False,
) -> None:
    """Submit annotations made offline, as the user whose token is in LABEL_STUDIO_API_KEY."""
    from warta.annotations.bridge import Connection
    from warta.annotations.roundtrip import upload_annotations

    files = [
        f
        for p in paths
        for f in (sorted([*p.glob("*.yaml"), *p.glob("*.json")]) if p.is_dir() else [p])
    ]
    uploads = upload_annotations(
        repository(), Connection.from_env(), files, title=project, ground_truth=ground_truth
    )
    flag = " (ground truth)" if ground_truth else ""
    for item in uploads:
        if item.annotation_id is None:
            console.print(f"task {item.task_id}: skipped {item.path}: you annotated it already")
        else:
            console.print(
                f"task {item.task_id}: created annotation {item.annotation_id}{flag} from {item.path}"
            )


@app.command("agreement")
def agreement(
    export: Annotated[
        Path | None, typer.Argument(help="Export (default: the newest saved).")
    ] = None,
) -> None:
    """Agreement between blind annotators, pooled over documents with bootstrap CIs, and per pair."""
    from warta.annotations.roundtrip import agreement as run_agreement
    from warta.store import write_atomic

    repo = repository()
    report = run_agreement(repo, export.resolve() if export else None)
    if not report.pairs:
        console.print(f"{report.export}: no document was annotated by two annotators")
        return
    out = repo.agreement_dir / f"{report.export.stem}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    body = json.dumps(report.as_dict(), indent=2, allow_nan=True).encode() + b"\n"
    write_atomic(out, body)
    if report.pooled is not None:
        _print_pooled(report.pooled)
    for pair in report.pairs:
        _print_pair(pair, report.names)
    console.print(f"wrote {out}")


def _interval(m: dict) -> str:
    if m.get("ci_low") is None:
        return "n/a"
    return f"{m['ci_low']:.3f}-{m['ci_high']:.3f}"


def _print_pooled(pooled) -> None:
    table = Table(
        title=f"blind double annotation: {len(pooled.documents)} document(s), "
        f"{len(pooled.pairs)} pair(s) of annotators; {pooled.confidence:.0%} CI over documents"
    )
    for column in ("measure", "F1", "CI", "agree", "only A", "only B"):
        table.add_column(column, justify="right" if column != "measure" else "left")
    rows = [*pooled.measures.items()]
    rows += [(f"  entity {t}", m) for t, m in pooled.by_type.items()]
    rows += [(f"  trigger {t}", m) for t, m in pooled.by_event_type.items()]
    for name, m in rows:
        table.add_row(
            name, f"{m['f1']:.3f}", _interval(m), str(m["tp"]), str(m["fn"]), str(m["fp"])
        )
    kappa = pooled.token_kappa
    value = "n/a" if math.isnan(kappa["value"]) else f"{kappa['value']:.3f}"
    table.add_row("token kappa", value, _interval(kappa), str(kappa["tokens"]), "", "")
    console.print(table)


def _print_pair(pair, names: dict[int, str]) -> None:
    a, b = (names.get(x, f"user {x}") for x in pair.annotators)
    table = Table(title=f"annotators {a} and {b}: {len(pair.documents)} shared document(s)")
    for column in ("measure", "P", "R", "F1", "agree", "only A", "only B"):
        table.add_column(column, justify="right" if column != "measure" else "left")
    rows = [("entities (strict)", pair.entities)]
    rows += [(f"  {t}", c) for t, c in pair.entities_by_type.items()]
    rows += [
        ("event triggers", pair.triggers),
        ("event arguments", pair.arguments),
        ("arguments (attached)", pair.arguments_attached),
    ]
    for name, c in rows:
        table.add_row(
            name,
            f"{c.precision:.3f}",
            f"{c.recall:.3f}",
            f"{c.f1:.3f}",
            str(c.tp),
            str(c.fn),
            str(c.fp),
        )
    kappa = "n/a" if math.isnan(pair.token_kappa) else f"{pair.token_kappa:.3f}"
    table.add_row("token kappa", "", "", kappa, str(pair.tokens), "", "")
    console.print(table)


calibration_app = typer.Typer(
    help="Calibration against human gold (idner-news-2k), annotated blind in its own project.",
    no_args_is_help=True,
)
app.add_typer(calibration_app, name="calibration")
CALIBRATION_PROJECT = "Warta calibration"
GoldFile = Annotated[
    Path,
    typer.Option(
        "--gold", help="The human-gold CoNLL file (stays outside the repository).", exists=True
    ),
]
DEFAULT_GOLD = Path("../shared/external/idner-news-2k/test.txt")


@calibration_app.command("push")
def calibration_push(
    sentence_ids: Annotated[
        Path, typer.Argument(help="A file of sentence ids (idner-test-NNNN), one a line.")
    ],
    gold: GoldFile = DEFAULT_GOLD,
    project: ProjectOption = CALIBRATION_PROJECT,
) -> None:
    """Import the listed sentences' text (never their tags) as calibration tasks."""
    from warta.annotations.bridge import Connection
    from warta.annotations.calibration import idner_sentences, push_sentences
    from warta.annotations.labelconfig import label_config

    repo = repository()
    sentences = idner_sentences(gold)
    lines = [line.strip() for line in sentence_ids.read_text().splitlines()]
    wanted = [line for line in lines if line and not line.startswith("#")]
    unknown = [sid for sid in wanted if sid not in sentences]
    if unknown:
        raise WartaError(f"{sentence_ids}: {len(unknown)} id(s) not in {gold}, e.g. {unknown[0]}")
    chosen = {sid: sentences[sid] for sid in wanted}
    pushed = push_sentences(Connection.from_env(), project, label_config(repo.schema()), chosen)
    console.print(f"project {project!r}: imported {pushed} of {len(chosen)} sentence(s)")


@calibration_app.command("pull")
def calibration_pull(
    gold: GoldFile = DEFAULT_GOLD,
    project: ProjectOption = CALIBRATION_PROJECT,
    export: Annotated[
        Path | None, typer.Option(help="Score this saved export instead of downloading one.")
    ] = None,
) -> None:
    """Keep the export, score every annotation against the human gold, write the scores."""
    from warta.annotations.bridge import Connection
    from warta.annotations.calibration import calibrate, score_and_write

    repo = repository()
    if export is None:
        result, out = calibrate(repo, Connection.from_env(), project, gold)
    else:
        result, out = score_and_write(repo, export.resolve(), gold)
    table = Table(
        title=f"calibration: {result.annotations} annotation(s) of {result.sentences} sentence(s) "
        f"against {result.gold_file} (95% CI over sentences)"
    )
    for column in ("type", "P", "R", "F1", "CI", "tp", "fp", "fn"):
        table.add_column(column, justify="left" if column == "type" else "right")
    for name, m in [*result.by_type.items(), ("all", result.overall)]:
        table.add_row(
            name, f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}", _interval(m),
            str(m["tp"]), str(m["fp"]), str(m["fn"]),
        )  # fmt: skip
    console.print(table)
    mapped = ", ".join(f"{k}->{v}" for k, v in result.type_map.items() if v)
    console.print(f"type map: {mapped}; other types are not tagged there and are dropped")
    console.print(f"wrote {out}")
