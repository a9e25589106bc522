"""`warta corpus remove`: take documents down from the corpus, its history, the gold and releases.

A takedown leaves no version, gold snapshot or release of the repository able to serve the
document, and keeps a tombstone (``corpus/TOMBSTONES.yaml``: id, text hash, reason, dates, what was
purged) so it is never ingested again. In order:

1. Check every id (in some corpus version, or already tombstoned); an unknown id stops everything
   before anything is written.
2. Write the tombstones, ``pending``: from here on the takedown is known, and finished by
   `warta corpus vacuum` (or by running the command again) if this process dies.
3. A new corpus version without the documents, and a new gold snapshot without them pinned to it
   (``warta.gold.snapshot.remove_gold_documents``), if the newest ones hold them.
4. Purge the history of both stores (``warta.store.purge``: the files holding the rows rewritten
   in place, padded to their size so Delta readers still read every version, and recorded), then
   each release (``release_purge``: files rewritten, ``release.json`` updated).
5. The card refreshed (file lists, and descriptions that say what was taken down); then the
   tombstones ``done``, listing what was purged.

It only ever goes forward: each step is all-or-nothing (a commit, or a purge that an interrupted
process leaves for ``vacuum`` to finish), and running it again skips what is done. Undoing a
takedown would mean putting the text back, which nothing here does.

The splits file keeps the id: frozen splits say where a document was; if a takedown were ever
lifted, the document must come back to the same split, never reshuffled into another one.

Not reached from here, and listed in the report: the raw source file that held the article (its
checksum is pinned by PROVENANCE.yaml), Label Studio exports and results that name the document,
and the Label Studio server's task.
"""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from warta.corpus.pipeline import remove_documents
from warta.corpus.tombstones import Tombstone, read_tombstones, write_tombstones
from warta.dataset.card import refresh_card
from warta.dataset.release import read_release_manifest, releases
from warta.dataset.release_purge import (
    finish_release_purges,
    purge_release,
    release_doc_ids,
    taken_down,
)
from warta.errors import WartaError
from warta.gold.snapshot import remove_gold_documents
from warta.repository import Repository
from warta.store import Version, read_parquet
from warta.store.files import try_lock


@dataclass
class TakedownReport:
    """What one takedown wrote and rewrote."""

    doc_ids: list[str]
    purge_id: str
    corpus_version: Version | None = None
    gold_version: Version | None = None
    rewritten: list[tuple[Path, int, int]] = field(default_factory=list)  # path, rows before/after
    elsewhere: list[str] = field(default_factory=list)  # files holding it that are not changed


@contextlib.contextmanager
def takedown_lock(repo: Repository, *, wait: bool = True):
    """Held by a takedown; without ``wait``, yields False when another process holds it."""
    with try_lock(repo.takedown_lock) as held:
        if not held and wait:
            raise WartaError(f"another takedown is running (lock {repo.takedown_lock})")
        yield held


def take_down(
    repo: Repository, doc_ids: list[str], reason: str, *, today: str | None = None
) -> TakedownReport:
    """Take the documents down everywhere in the repository (see the module docstring)."""
    wanted = sorted(set(doc_ids))
    with takedown_lock(repo):
        tombstones = read_tombstones(repo.tombstones_file)
        for purge in sorted({t.purge for t in tombstones.values() if t.status == "pending"}):
            _resume(repo, purge)  # an earlier takedown killed midway is finished first
        tombstones = read_tombstones(repo.tombstones_file)
        found = _find(repo, [d for d in wanted if d not in tombstones])
        unknown = [d for d in wanted if d not in tombstones and d not in found]
        if unknown:
            raise WartaError(
                f"no corpus version has document {', '.join(unknown)}: nothing was taken down"
            )
        today = today or date.today().isoformat()
        purge_id = uuid.uuid4().hex[:8]
        for doc_id, content_sha256 in found.items():
            tombstones[doc_id] = Tombstone(doc_id, content_sha256, reason, today, purge_id)
        write_tombstones(repo.tombstones_file, tombstones)
        return _run(repo, wanted, purge_id, reason, today)


def finish_takedowns(repo: Repository) -> list[TakedownReport]:
    """Finish takedowns a killed process left ``pending`` (`warta corpus vacuum`); nothing while
    another takedown runs."""
    if not repo.tombstones_file.exists():
        return []  # no takedown ever started: nothing to finish (and no lock file made)
    with takedown_lock(repo, wait=False) as locked:
        if not locked:
            return []
        for folder in releases(repo):
            finish_release_purges(folder)
        tombstones = read_tombstones(repo.tombstones_file)
        pending = sorted({t.purge for t in tombstones.values() if t.status == "pending"})
        return [_resume(repo, purge) for purge in pending]


def _resume(repo: Repository, purge_id: str) -> TakedownReport:
    tombstones = read_tombstones(repo.tombstones_file)
    group = sorted(d for d, t in tombstones.items() if t.purge == purge_id)
    first = tombstones[group[0]]
    return _run(repo, group, purge_id, first.reason, date.today().isoformat())


def _run(
    repo: Repository, doc_ids: list[str], purge_id: str, reason: str, today: str
) -> TakedownReport:
    """Every step for these documents, each skipped where done; ``today`` dates completion."""
    keys = set(doc_ids)
    report = TakedownReport(doc_ids, purge_id)
    corpus, gold = repo.corpus_store(), repo.gold_store()
    sources = _source_files(repo, keys)
    latest = corpus.latest()
    if latest is not None:
        present = keys & latest.key_hashes("articles", corpus.key, corpus.row_hash).keys()
        if present:
            report.corpus_version = remove_documents(corpus, sorted(present), reason)
            latest = report.corpus_version
    if latest is not None and gold.latest() is not None:
        report.gold_version = remove_gold_documents(gold, keys, latest, reason)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    for store in (s for s in (corpus, gold) if s.tables()):
        for purged in store.purge(keys, purge_id=purge_id, reason=reason, purged_at=now):
            report.rewritten.append((purged.path, purged.rows_before, purged.rows_after))
    for folder in releases(repo):
        for purged in purge_release(repo, folder, keys, purge_id=purge_id, reason=reason,
                                    purged_at=now):  # fmt: skip
            report.rewritten.append((purged.path, purged.rows_before, purged.rows_after))
    refresh_card(repo)
    _mark_done(repo, keys, today)  # last: until then the takedown is pending, and resumed
    report.elsewhere = _elsewhere(repo, keys, sources)
    return report


def _find(repo: Repository, doc_ids: list[str]) -> dict[str, str]:
    """The text hash of each id that some corpus version holds (the newest version first)."""
    wanted = set(doc_ids)
    found: dict[str, str] = {}
    seen: set[Path] = set()
    for version in reversed(repo.corpus_store().versions()):
        for path in version.checked_files("articles"):
            if path in seen or len(found) == len(wanted):
                continue
            seen.add(path)
            rows = read_parquet(path, ["doc_id", "content_sha256"]).to_pylist()
            for row in rows:
                if row["doc_id"] in wanted:
                    found.setdefault(row["doc_id"], row["content_sha256"])
    return found


def _source_files(repo: Repository, keys: set[str]) -> set[str]:
    """The raw files the documents were read from, as their rows name them."""
    files: set[str] = set()
    for path in _store_files(repo.corpus_store(), "articles"):
        for row in read_parquet(path, ["doc_id", "source_file"]).to_pylist():
            if row["doc_id"] in keys and row["source_file"]:
                files.add(row["source_file"])
    return files


def _store_files(store, table: str) -> list[Path]:
    log = store.log(table)
    return [e.path for e in log.every_entry(table) if e.path.exists()]


def _mark_done(repo: Repository, keys: set[str], today: str) -> None:
    corpus, gold = repo.corpus_store(), repo.gold_store()
    purged_from = {
        "corpus": {d: [v.name for v in corpus.versions() if d in v.purged] for d in keys},
        "gold": {d: [v.name for v in gold.versions() if d in v.purged] for d in keys},
        "releases": {
            d: [f.name.removeprefix("warta-") for f in releases(repo) if d in _release_purged(f)]
            for d in keys
        },
    }
    tombstones = read_tombstones(repo.tombstones_file)
    for doc_id in keys:
        old = tombstones[doc_id]
        purged = {where: by_doc[doc_id] for where, by_doc in purged_from.items() if by_doc[doc_id]}
        tombstones[doc_id] = Tombstone(
            doc_id, old.content_sha256, old.reason, old.requested, old.purge,
            status="done", completed=old.completed or today, purged=purged,
        )  # fmt: skip
    write_tombstones(repo.tombstones_file, tombstones)


def _release_purged(folder: Path) -> set[str]:
    return set(taken_down(read_release_manifest(folder)))


def _elsewhere(repo: Repository, keys: set[str], sources: set[str]) -> list[str]:
    """Files outside versions and releases that still hold the documents or name them."""
    found = [
        f"{source}: the raw source it was ingested from (PROVENANCE.yaml pins its checksum)"
        for source in sorted(sources)
        if (repo.root / source).is_file()
    ]
    for folder, what in ((repo.exports_dir, "a Label Studio export (a gold snapshot may pin it)"),
                         (repo.agreement_dir, "agreement figures"),
                         (repo.results_dir, "benchmark results (per-document predictions)")):  # fmt: skip
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            data = path.read_bytes()
            if any(k.encode() in data for k in keys):
                found.append(f"{repo.relative(path)}: {what}")
    return found


def takedown_problems(repo: Repository) -> list[str]:
    """Takedowns not finished, and taken-down documents still in a file of a version, snapshot
    or release (`warta corpus verify`)."""
    tombstones = read_tombstones(repo.tombstones_file)
    if not tombstones:
        return []
    problems = [
        f"{repo.relative(repo.tombstones_file)}: takedown of {t.describe()} is unfinished; "
        "`warta corpus vacuum` finishes it"
        for t in tombstones.values()
        if t.status == "pending"
    ]
    keys = set(tombstones)
    held: dict[Path, set[str]] = {}
    for store in (repo.corpus_store(), repo.gold_store()):
        for table in store.tables():
            for path in _store_files(store, table):
                held[path] = set(read_parquet(path, [store.key]).column(0).to_pylist())
    for folder in releases(repo):
        held.update(release_doc_ids(folder))
    for path, ids in held.items():
        for doc_id in sorted(ids & keys):
            if tombstones[doc_id].status == "done":
                problems.append(f"{path}: still holds {tombstones[doc_id].describe()}")
    return problems
