"""``warta corpus ...``: ingest articles and inspect corpus versions."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from warta.cli.common import console, err_console, print_counts, refresh_card, repository
from warta.errors import WartaError

app = typer.Typer(help="Ingest articles and inspect corpus versions.", no_args_is_help=True)


def _store():
    return repository().corpus_store()


@app.command("ingest")
def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help=".txt, .html, .jsonl files, NTREX folders or folders")
    ],
    workers: Annotated[int, typer.Option(help="Worker processes (local executor).")] = 1,
    executor: Annotated[
        str, typer.Option(help="Where the steps run: local (this machine) or ray.")
    ] = "local",
    address: Annotated[
        str | None,
        typer.Option(help="Ray cluster address (ray://head:10001 or auto); default: a local Ray."),
    ] = None,
    skip_bad: Annotated[
        bool, typer.Option("--skip-bad", help="Ingest the good inputs; record the bad ones.")
    ] = False,
    keep_near_duplicates: Annotated[
        bool,
        typer.Option(
            "--keep-near-duplicates", help="Ingest near-duplicates too (they are still listed)."
        ),
    ] = False,
) -> None:
    """Clean, segment and tokenize articles into a new immutable corpus version."""
    from warta.corpus.executors import EXECUTORS

    if executor == "local" and address is not None:
        raise WartaError("--address names a Ray cluster: use it with --executor ray")
    chosen = EXECUTORS.get(executor)
    runner = chosen(workers) if executor == "local" else chosen(address)
    _ingest(
        paths,
        runner,
        skip_bad=skip_bad,
        keep_near_duplicates=keep_near_duplicates,
        progress=sys.stderr.isatty(),
    )


def _ingest(
    paths: list[Path],
    executor,
    *,
    skip_bad: bool,
    progress: bool,
    keep_near_duplicates: bool = False,
) -> None:
    from warta.corpus.pipeline import ingest as run_ingest
    from warta.corpus.summary import UNLISTED, corpus_summary

    report = run_ingest(
        paths,
        _store(),
        executor=executor,
        skip_bad=skip_bad,
        keep_near_duplicates=keep_near_duplicates,
        progress=progress,
        repository=repository(),
    )
    for skipped in report.skipped:
        console.print(f"not read: {skipped}", highlight=False)
    for problem in report.rejected:
        err_console.print(f"[yellow]skipped[/] {problem}", highlight=False)
    for source, tombstone in report.taken_down:
        err_console.print(
            f"[yellow]skipped[/] {source}: {tombstone.describe()}; it is never ingested again",
            highlight=False,
        )
    for source, doc_id in report.duplicates[:MAX_LISTED_DUPLICATES]:
        console.print(f"duplicate of {doc_id} in this batch, skipped: {source}", highlight=False)
    if len(report.duplicates) > MAX_LISTED_DUPLICATES:
        console.print(f"... and {len(report.duplicates) - MAX_LISTED_DUPLICATES} more duplicates")
    for source, match in report.near_duplicates[:MAX_LISTED_DUPLICATES]:
        console.print(
            f"near-duplicate of {match.duplicate_of} ({match.measure} {match.similarity:.2f}), "
            f"{'kept' if keep_near_duplicates else 'skipped'}: {source}",
            highlight=False,
        )
    _print_sources(report.sources)
    if UNLISTED in report.sources and report.sources[UNLISTED].articles:
        err_console.print(
            f"[yellow]warning:[/] {report.sources[UNLISTED].articles} article(s) from files that "
            "no source in corpus/raw/PROVENANCE.yaml lists: no license or attribution "
            "(`warta release` refuses them)",
            highlight=False,
        )
    if report.version is None:
        where = report.parent.name if report.parent else "no version"
        console.print(f"no change: {report.articles} article(s) already in {where}")
        return
    refresh_card()
    diff = report.diff
    console.print(
        f"wrote corpus [bold]{report.version.name}[/] "
        f"(parent {report.parent.name if report.parent else '-'}): "
        f"{len(diff.added)} added, {len(diff.changed)} changed, {report.unchanged} unchanged"
    )
    print_counts(f"corpus {report.version.name}", corpus_summary(report.version))


MAX_LISTED_DUPLICATES = 20


def _print_sources(sources: dict) -> None:
    """Per source: articles added, changed, unchanged, skipped as duplicates, lines removed."""
    from warta.schema.documents import REMOVAL_KINDS

    table = Table(title="this batch per source: articles, duplicates skipped, lines removed")
    columns = ["source", "added", "changed", "unchanged", "duplicates"]
    for column in columns + [k.replace("_", " ") for k in REMOVAL_KINDS]:
        table.add_column(
            column, justify="left" if column == "source" else "right", min_width=len(column)
        )
    for name, c in sources.items():
        figures = [c.added, c.changed, c.unchanged, c.duplicates]
        table.add_row(name, *map(str, figures), *(str(c.removed[k]) for k in REMOVAL_KINDS))
    console.print(table)


@app.command("versions")
def versions() -> None:
    """List corpus versions with their row counts and diffs."""
    store = _store()
    table = Table(title=f"corpus versions in {store.root}")
    for column in ("version", "created", "parent", "articles", "added", "changed", "removed"):
        table.add_column(column)
    for v in store.versions():
        d = v.diff
        table.add_row(
            v.name,
            v.created_at,
            v.parent or "-",
            str(v.rows("articles")),
            str(len(d.added)),
            str(len(d.changed)),
            str(len(d.removed)),
        )
    console.print(table)


@app.command("diff")
def diff(old: str, new: str) -> None:
    """Document ids added, removed and changed between two versions."""
    for kind, ids in _store().diff(old, new).as_dict().items():
        console.print(f"{kind}: {len(ids)}")
        for doc_id in ids:
            console.print(f"  {doc_id}", highlight=False)


@app.command("verify")
def verify(version: Annotated[str | None, typer.Argument()] = None) -> None:
    """Check the corpus and gold stores (data file, log and purge checksums, row counts, schemas,
    content hashes), the releases' checksums, the takedowns and the dataset card. Exit 1 on damage,
    on a taken-down document still held anywhere or on a stale card; leftovers of an interrupted
    write, purge or release are only reported (`warta corpus vacuum` removes or finishes them, and
    rewrites a stale card)."""
    from warta.dataset.card import stale_card
    from warta.dataset.release import release_checksum_problems, release_leftovers, releases
    from warta.dataset.takedown import takedown_problems
    from warta.store.table import is_leftover

    repo = repository()
    found = {"damaged": 0, "leftover": 0}

    def report(problem: str, tag: str = "") -> None:
        tag = tag or ("leftover" if is_leftover(problem) else "damaged")
        found["leftover" if tag == "leftover" else "damaged"] += 1
        colour = "yellow" if tag == "leftover" else "red"
        err_console.print(f"[{colour}]{tag}[/] {problem}", highlight=False)

    for label, store in (("", repo.corpus_store()), ("gold ", repo.gold_store())):
        problems = store.verify(version if not label else None)
        for problem in problems:
            report(problem)
        if not all(map(is_leftover, problems)):
            continue
        names = [version] if version and not label else [v.name for v in store.versions()]
        if names or not label:
            console.print(f"ok: {label}{', '.join(names) or 'no versions'}")
    for folder in releases(repo):
        for problem in release_checksum_problems(folder):
            report(problem)
    for path in release_leftovers(repo):
        report(f"{path}: leftover of an interrupted release (not a release; removed by vacuum)")
    if not found["damaged"]:  # both read every store: on damage, its own line says it already
        for problem in takedown_problems(repo):  # the text is still served: never a leftover
            report(problem, "not taken down")
        if problem := stale_card(repo):
            report(problem, "stale card")
    else:
        err_console.print("not checked on damage: takedowns and the dataset card", highlight=False)
    if found["leftover"]:
        err_console.print(
            f"note: {found['leftover']} leftover(s) of interrupted commands, harmless to every "
            "version: `warta corpus vacuum` removes them",
            highlight=False,
        )
    if found["damaged"]:
        raise typer.Exit(1)


@app.command("vacuum")
def vacuum() -> None:
    """Remove what interrupted writes and releases left behind (never a file a version needs);
    finish interrupted purges and takedowns; rewrite a stale dataset card."""
    from warta.dataset.card import refresh_card as refresh
    from warta.dataset.release import remove_release_leftovers
    from warta.dataset.takedown import finish_takedowns

    repo = repository()
    for store in (repo.corpus_store(), repo.gold_store()):
        for record in store.finish_purges():
            console.print(f"finished the purge of {repo.relative(record)}", highlight=False)
        for path in store.vacuum():
            console.print(f"removed {repo.relative(path)}", highlight=False)
    for path in remove_release_leftovers(repo):
        console.print(f"removed {repo.relative(path)}", highlight=False)
    for report in finish_takedowns(repo):
        console.print(f"finished the takedown of {', '.join(report.doc_ids)}", highlight=False)
    if refresh(repo):
        console.print(f"rewrote the dataset card in {repo.relative(repo.readme)}", highlight=False)
    console.print("vacuumed: the stores hold only what their versions need")


def demo() -> None:
    """The main job on the bundled corpus: ingest corpus/raw and summarise the current version."""
    console.rule("Warta demo: ingest the bundled articles")
    from warta.corpus.executors import LocalExecutor

    _ingest([repository().raw_dir], LocalExecutor(1), skip_bad=False, progress=True)
    version = _store().latest()
    problems = _store().verify(version.name)
    if problems:
        raise WartaError(f"corpus {version.name} is damaged: {problems[0]}")
    console.print(f"verified corpus {version.name}: checksums and content hash match")
    stats(as_json=False)


@app.command("stats")
def stats(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """Corpus counts and, per split, gold mentions, events, arguments, clusters and tokens."""
    import json

    from warta.corpus.summary import corpus_summary
    from warta.gold.stats import gold_stats

    repo = repository()
    corpus = _store().get("latest")
    snapshot = repo.gold_store().latest()
    figures = {
        "corpus_version": corpus.name,
        "corpus": corpus_summary(corpus),
        "gold_version": snapshot.name if snapshot else None,
        "gold": gold_stats(snapshot) if snapshot else {},
    }
    if as_json:
        console.print_json(json.dumps(figures, ensure_ascii=False))
        return
    print_counts(f"corpus {corpus.name}", figures["corpus"])
    if not snapshot:
        console.print("no gold snapshot yet: see `warta annotate pull`")
        return
    splits = list(figures["gold"])
    table = Table(title=f"gold {snapshot.name} (corpus {snapshot.manifest['corpus_version']})")
    table.add_column("what")
    for split in splits:
        table.add_column(split, justify="right")
    keys = list(dict.fromkeys(k for split in splits for k in figures["gold"][split]))
    for key in keys:
        table.add_row(key, *(str(figures["gold"][s].get(key, 0)) for s in splits))
    console.print(table)


def datasheet(
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 if any figure is out of date.")
    ] = False,
) -> None:
    """Regenerate the figures of DATASHEET.md from the data (between its marked lines)."""
    from warta.publish.datasheet import render
    from warta.store import write_atomic

    path = repository().datasheet
    if not path.is_file():
        raise WartaError(f"{path}: no datasheet to fill in (its prose and marked blocks)")
    current = path.read_text(encoding="utf-8")
    generated = render(repository(), current)
    if check:
        if generated != current:
            raise WartaError(f"{path}: figures are out of date; run `warta datasheet`")
        console.print(f"up to date: {path}")
        return
    write_atomic(path, generated.encode())
    console.print(f"{'unchanged' if generated == current else 'updated'} {path}")


def release(
    version: Annotated[str, typer.Argument(help="Release version X.Y.Z")],
    corpus: Annotated[str, typer.Option(help="Corpus version to pin.")] = "latest",
    gold: Annotated[str, typer.Option(help="Gold snapshot to pin.")] = "latest",
) -> None:
    """Check and pin a corpus version and a gold snapshot as dist/warta-X.Y.Z/."""
    from warta.dataset.release import make_release

    folder = make_release(repository(), version, corpus=corpus, gold=gold)
    refresh_card()
    console.print(f"wrote release {version} to {folder}")


@app.command("import-conll")
def import_conll(
    path: Annotated[Path, typer.Argument(help="A CoNLL/BIO file (token first, tag last).")],
    out: Annotated[
        Path,
        typer.Option(help="Parquet file to write (keep external text outside the repository)."),
    ],
    label: Annotated[
        list[str],
        typer.Option("--label", help="Label map entry SOURCE=WARTA or SOURCE= (drop); repeatable."),
    ] = ["PER=PER", "ORG=ORG", "LOC=GPE"],  # noqa: B006 (typer reads the default)
    repair_iob: Annotated[
        bool,
        typer.Option(
            "--repair-iob", help="Read an I-X that continues no X as B-X (default: an error)."
        ),
    ] = False,
) -> None:
    """Check a CoNLL training corpus and convert it to Parquet in the `entities` repo. Every
    problem of the file is listed, one `file:line` each; nothing is written unless there is none."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from warta.corpus.conll import bio_from_spans, read_conll

    label_map = {}
    for entry in label:
        source, sep, target = entry.partition("=")
        if not sep:
            raise WartaError(
                f"--label {entry!r}: expected SOURCE=WARTA_TYPE (or SOURCE= to drop it)"
            )
        label_map[source] = target or None
    schema = repository().schema()
    unknown = {t for t in label_map.values() if t and t not in schema.entity_types}
    if unknown:
        raise WartaError(f"--label maps onto {sorted(unknown)}, not entity types of the schema")
    if out.resolve().is_relative_to(repository().root):
        raise WartaError(
            f"{out}: external text is never copied into the repository; write it elsewhere"
        )
    labels = schema.bio_labels
    rows = []
    for sentence in read_conll(path, label_map, repair_iob=repair_iob):
        tags = bio_from_spans(sentence.starts, sentence.ends, sentence.spans)
        rows.append({
            "id": sentence.sentence_id, "text": sentence.text, "tokens": sentence.tokens,
            "token_starts": sentence.starts, "token_ends": sentence.ends,
            "ner_tags": [labels.index(t) for t in tags],
            "entities": [{"type": k, "start": s, "end": e, "text": sentence.text[s:e]} for s, e, k in sentence.spans],
        })  # fmt: skip
    table = pa.Table.from_pylist(rows)
    pq.write_table(table, out, compression="zstd")
    counts = {
        k: sum(1 for r in rows for m in r["entities"] if m["type"] == k)
        for k in schema.entity_types
    }
    console.print(
        f"wrote {len(rows)} sentences to {out}; mentions: "
        + ", ".join(f"{k} {v}" for k, v in counts.items() if v)
    )


@app.command("remove")
def remove(
    doc_ids: Annotated[list[str], typer.Argument(help="Document ids to take down.")],
    reason: Annotated[
        str, typer.Option(help="Why (recorded with each purge and tombstone), e.g. a request.")
    ],
) -> None:
    """Take documents down: a corpus version and gold snapshot without them, their rows purged
    from every older version, snapshot and release, and a tombstone in corpus/TOMBSTONES.yaml."""
    from warta.dataset.takedown import take_down

    repo = repository()
    _print_takedown(repo, take_down(repo, doc_ids, reason))


def _print_takedown(repo, report) -> None:
    if report.corpus_version is not None:
        removed = ", ".join(report.corpus_version.diff.removed)
        console.print(f"wrote corpus {report.corpus_version.name}: removed {removed}")
    if report.gold_version is not None:
        removed = ", ".join(report.gold_version.diff.removed)
        console.print(f"wrote gold snapshot {report.gold_version.name}: removed {removed}")
    for path, before, after in report.rewritten:
        console.print(f"rewrote {repo.relative(path)} ({before} -> {after} rows)", highlight=False)
    if not (report.corpus_version or report.gold_version or report.rewritten):
        console.print(f"already taken down, nothing held them: {', '.join(report.doc_ids)}")
    console.print(
        f"tombstone(s) in {repo.relative(repo.tombstones_file)} (purge {report.purge_id})",
        highlight=False,
    )
    for line in report.elsewhere:
        err_console.print(f"[yellow]still holds it, not changed:[/] {line}", highlight=False)
    err_console.print(
        "[yellow]not reached from here:[/] its task on the Label Studio server, and `datasets` "
        "caches made before (the card changed, so loads do not reuse them; delete them)"
    )
