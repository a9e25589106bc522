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
) -> None:
    """Create/update the project from the schema and import documents it does not have yet."""
    from tqdm import tqdm

    from warta.annotations.bridge import Connection
    from warta.annotations.roundtrip import push as run_push
    from warta.models import get_model

    with tqdm(desc="push", unit=" tasks", disable=not sys.stderr.isatty()) as bar:
        report = run_push(
            repository(),
            Connection.from_env(),
            title=project,
            model=get_model(model) if model else None,
            progress=bar.update,
        )
    predicted = f" with predictions of {report.model_version}" if report.model_version else ""
    console.print(
        f"project {report.project!r} (id {report.project_id}): imported {report.pushed} document(s) "
        f"of corpus {report.corpus_version}{predicted}; {report.already} were already there"
    )


@app.command("pull")
def pull(project: ProjectOption = DEFAULT_PROJECT) -> None:
    """Save the native JSON export, validate it, adjudicate and write a gold snapshot."""
    from warta.annotations.bridge import Connection
    from warta.annotations.roundtrip import pull as run_pull

    _report(run_pull(repository(), Connection.from_env(), title=project))


@app.command("gold")
def gold(export: Annotated[Path, typer.Argument(help="A saved Label Studio JSON export.")]) -> None:
    """Rebuild gold from a saved export (what `pull` does after downloading)."""
    from warta.annotations.roundtrip import gold_from_export

    _report(gold_from_export(repository(), export.resolve()))


def _report(report) -> None:
    console.print(f"saved export {report.export} ({report.parsed.tasks} tasks)")
    for doc_id in report.parsed.taken_down:
        console.print(
            f"[yellow]skipped[/] the task of {doc_id}: taken down (delete it in Label Studio)",
            highlight=False,
        )
    for doc_id, why in report.adjudication.conflicts.items():
        console.print(f"[yellow]conflict[/] {doc_id}: {why}", highlight=False)
    gold = report.adjudication.gold
    if report.snapshot is None:
        console.print(f"gold unchanged: {len(gold)} document(s) adjudicated")
        return
    refresh_card()
    diff = report.diff
    console.print(
        f"wrote gold snapshot [bold]{report.snapshot.name}[/]: {len(gold)} document(s); "
        f"{len(diff.added)} added, {len(diff.changed)} changed, {len(diff.removed)} removed"
    )


@app.command("upload")
def upload(
    path: Annotated[Path, typer.Argument(help="JSON: {doc_id, entities: [...], events: [...]}")],
    project: ProjectOption = DEFAULT_PROJECT,
    ground_truth: Annotated[
        bool, typer.Option("--ground-truth", help="Mark it ground truth.")
    ] = False,
) -> None:
    """Submit an annotation made offline, as the user whose token is in LABEL_STUDIO_API_KEY."""
    from warta.annotations.bridge import Connection
    from warta.annotations.roundtrip import upload_annotation

    task_id, annotation_id = upload_annotation(
        repository(), Connection.from_env(), path, title=project, ground_truth=ground_truth
    )
    flag = " (ground truth)" if ground_truth else ""
    console.print(f"task {task_id}: created annotation {annotation_id}{flag} from {path}")


@app.command("agreement")
def agreement(
    export: Annotated[
        Path | None, typer.Argument(help="Export (default: the newest saved).")
    ] = None,
) -> None:
    """Pairwise agreement between annotators: entity F1, token kappa, trigger/argument F1."""
    from warta.annotations.roundtrip import agreement as run_agreement
    from warta.store import write_atomic

    repo = repository()
    path, pairs = run_agreement(repo, export.resolve() if export else None)
    if not pairs:
        console.print(f"{path}: no document was annotated by two annotators")
        return
    out = repo.agreement_dir / f"{path.stem}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    body = {"export": path.name, "pairs": [p.as_dict() for p in pairs]}
    write_atomic(out, json.dumps(body, indent=2, allow_nan=True).encode() + b"\n")
    for pair in pairs:
        _print_pair(pair)
    console.print(f"wrote {out}")


def _print_pair(pair) -> None:
    a, b = pair.annotators
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
