"""Taking documents out of a release folder (a takedown): its Parquet files rewritten, its
``release.json`` updated, the release still a self-contained, loadable dataset folder.

A release has no Delta log, so a rewritten file is not padded: ``release.json`` is the only
authority on its files, and gets each file's new SHA-256 and size, the article count, the gold
figures and a ``purges`` entry (purge id, ids, reason, date, and per file the old and new SHA-256
and rows). Order: the rewritten files beside the originals (``.<name>.<purge>.purge``, fsynced),
then ``release.json`` (the point of no return), then each file renamed into place, then the card.
Killed before ``release.json``: only the copies, which ``finish_release_purges`` removes. Killed
after: ``release_checksum_problems`` names each file still at its pre-purge checksum as a leftover
of the interrupted purge, and ``finish_release_purges`` (run by `warta corpus vacuum`) swaps it in.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from warta.dataset.card import described_release_configs, read_front_matter, render_card
from warta.dataset.release import (
    MANIFEST,
    read_release_manifest,
    release_card_body,
    release_checksum_problems,
)
from warta.errors import WartaError
from warta.repository import Repository
from warta.store import fsync_dir, parquet_file, read_parquet, sha256_file, write_atomic
from warta.store.purge import rewrite_without
from warta.store.purgelog import temporary_copy


@dataclass(frozen=True)
class PurgedReleaseFile:
    path: Path
    rows_before: int
    rows_after: int


def purge_release(
    repo: Repository, folder: Path, keys: set[str], *, purge_id: str, reason: str, purged_at: str
) -> list[PurgedReleaseFile]:
    """Rewrite the release's files without the rows of ``keys``; nothing if it has none."""
    finish_release_purges(folder)
    problems = release_checksum_problems(folder)
    if problems:
        raise WartaError(f"release {folder.name} is damaged, not purged: {problems[0]}")
    manifest = read_release_manifest(folder)
    rewrites, recorded = [], False
    try:
        for entry in manifest["files"]:
            path = folder / entry["path"]
            if path.suffix == ".parquet":
                rows = parquet_file(path).metadata.num_rows
                rewrite = rewrite_without(path, "doc_id", keys, temporary_copy(path, purge_id))
                if rewrite is not None:
                    rewrites.append((entry, rows, rewrite))
        if not rewrites:
            return []
        changes = {}
        for entry, rows, rewrite in rewrites:
            changes[entry["path"]] = {"old_sha256": entry["sha256"], "old_rows": rows,
                                      "sha256": rewrite.sha256, "rows": rewrite.rows}  # fmt: skip
            entry["sha256"] = rewrite.sha256
            entry["bytes"] = rewrite.temporary.stat().st_size
            if entry["path"].startswith("data/articles/"):
                manifest["corpus"]["rows"] -= rows - rewrite.rows
        manifest["counts"] = _gold_counts(repo, manifest)
        manifest.setdefault("purges", []).append(
            {"purge": purge_id, "doc_ids": sorted(keys), "reason": reason,
             "purged_at": purged_at, "files": changes}
        )  # fmt: skip
        _write_manifest(folder, manifest)  # the point of no return
        recorded = True
    except BaseException:
        if not recorded:  # nothing recorded: the rewritten copies are only clutter
            for _, _, rewrite in rewrites:
                rewrite.temporary.unlink(missing_ok=True)
        raise
    for _, _, rewrite in rewrites:
        _swap(rewrite.temporary, rewrite.path)
    for parent in {rewrite.path.parent for _, _, rewrite in rewrites}:
        fsync_dir(parent)
    write_release_card(folder, manifest)
    return [PurgedReleaseFile(r.path, rows, r.rows) for _, rows, r in rewrites]


def _gold_counts(repo: Repository, manifest: dict) -> dict:
    """The release's gold figures, from its pinned snapshot (purged before its releases are)."""
    from warta.gold.stats import gold_stats

    snapshot = repo.gold_store().get(manifest["gold"]["version"])
    return gold_stats(snapshot).get("all", {}) if snapshot.rows("documents") else {}


def _write_manifest(folder: Path, manifest: dict) -> None:
    body = json.dumps(manifest, indent=1, ensure_ascii=False).encode() + b"\n"
    write_atomic(folder / MANIFEST, body)


def _swap(temporary: Path, path: Path) -> None:
    temporary.replace(path)


def write_release_card(folder: Path, manifest: dict) -> None:
    """The release's README with its configs and figures as they are after a purge (the card
    metadata it was released with is kept)."""
    readme = folder / "README.md"
    meta, _ = read_front_matter(readme)
    taken = taken_down(manifest)
    body = release_card_body(manifest["release"], manifest) + (
        f"\n{len(taken)} document(s) were taken down after this release was made; its files no "
        "longer hold them (`purges` in `release.json`).\n"
    )
    write_atomic(readme, render_card(meta, described_release_configs(folder), body).encode())


def taken_down(manifest: dict) -> list[str]:
    """The documents purged from a release since it was made."""
    return sorted({d for purge in manifest.get("purges", []) for d in purge["doc_ids"]})


def finish_release_purges(folder: Path) -> list[Path]:
    """Finish a purge of this release interrupted after its ``release.json`` was written, and
    remove the rewritten copies of one interrupted before. Returns the files swapped in."""
    manifest = read_release_manifest(folder)
    swapped = []
    for purge in manifest.get("purges", []):
        for name, change in purge["files"].items():
            path = folder / name
            temporary = temporary_copy(path, purge["purge"])
            if not path.exists() or sha256_file(path) != change["old_sha256"]:
                continue
            if not temporary.exists() or sha256_file(temporary) != change["sha256"]:
                raise WartaError(
                    f"{path}: cannot finish purge {purge['purge']}: its rewritten copy is gone"
                )
            _swap(temporary, path)
            swapped.append(path)
    for copy in (folder / "data").glob("*/.*.purge"):
        copy.unlink(missing_ok=True)
    if swapped:
        write_release_card(folder, manifest)
    return swapped


def release_doc_ids(folder: Path) -> dict[Path, set[str]]:
    """The document ids each Parquet file of the release holds."""
    return {
        path: set(read_parquet(path, ["doc_id"]).column(0).to_pylist())
        for path in sorted((folder / "data").glob("*/*.parquet"))
    }
