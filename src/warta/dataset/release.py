"""`warta release X.Y.Z`: pin one corpus version and one gold snapshot into a citable release.

A release is checked (checksums and the integrity checks), then written as ``dist/warta-X.Y.Z/``:
a complete dataset repository (card, Parquet per config and split, DATASHEET, CITATION, release
manifest) that a dataset hub takes as is. It is built in a staging folder under a lock and renamed
into place; an existing release is never overwritten.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import shutil
import uuid
from datetime import UTC, datetime
from pathlib import Path

import yaml

from warta import __version__
from warta.errors import StoreError, WartaError
from warta.repository import Repository
from warta.store import fsync_dir, parquet_file, sha256_file, write_atomic

SEMVER = re.compile(r"^\d+\.\d+\.\d+$")
CARD_METADATA = {
    "pretty_name": "Warta",
    # English too: NTREX-128's English originals are the `translation` layer of its articles
    "language": ["id", "en"],
    # The Hub takes a list of its license ids; `other` (with a name and a link) is the seed
    # article, whose text has no license. DATASHEET.md, "License", gives the reasons.
    "license": ["cc-by-sa-4.0", "other"],
    "license_name": "warta-seed-research-use",
    "license_link": "DATASHEET.md",
    "license_details": (
        "Article text of NTREX-128 and IndoSum (source ntrex-128, indosum): CC BY-SA 4.0 (for "
        "IndoSum as stated by its authors; copyright of the text stays with the outlets), adapted "
        "by Warta (normalised, cleaned, segmented, tokenised). The seed article (source seed): no "
        "license; copyright TASS, Thomson Reuters and the blog's author; included for "
        "non-commercial research with attribution, removed on request. Annotations: CC BY-SA 4.0 "
        "(release 0.1.0: CC BY 4.0). Code (not among the dataset files): MIT. Each article's "
        "source, license and attribution fields say which terms apply; DATASHEET.md, "
        '"Distribution", explains.'
    ),
    "multilinguality": ["monolingual", "translation"],
    "task_categories": ["token-classification"],
    "task_ids": ["named-entity-recognition"],
    "tags": [
        "indonesian",
        "news",
        "event-extraction",
        "plover",
        "label-studio",
        "gold-annotations",
    ],
}
LAYERS = {"documents": "documents", "entities": "entities", "events": "events"}


def size_category(rows: int) -> str:
    return "n<1K" if rows < 1_000 else "1K<n<10K" if rows < 10_000 else "10K<n<100K"


def releases(repo: Repository) -> list[Path]:
    folder = repo.dist_dir
    return (
        sorted(p for p in folder.glob("warta-*") if (p / MANIFEST).is_file())
        if folder.is_dir()
        else []
    )


MANIFEST = "release.json"


def read_release_manifest(folder: Path) -> dict:
    """A release's ``release.json``; a file that is not one is a ``WartaError`` naming it."""
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        files = manifest["files"]
        if not all(isinstance(f["path"], str) and isinstance(f["sha256"], str) for f in files):
            raise TypeError("a file entry without path and sha256")
        if not all(isinstance(p["files"], dict) for p in manifest.get("purges", [])):
            raise TypeError("a purge without its files")
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, IndexError) as err:
        raise WartaError(f"{path}: damaged, not readable as a release manifest ({err!r})") from None
    return manifest


def release_leftovers(repo: Repository) -> list[Path]:
    """What a killed `warta release` left under ``dist/``: its staging folders (a release is
    renamed into place whole, so nothing else of it can be half written)."""
    folder = repo.dist_dir
    return sorted(folder.glob(".staging-*")) if folder.is_dir() else []


def remove_release_leftovers(repo: Repository) -> list[Path]:
    """Remove the staging folders of killed releases (none while a release is being written)."""
    with _release_lock(repo):
        leftovers = release_leftovers(repo)
        for path in leftovers:
            shutil.rmtree(path)
    return leftovers


@contextlib.contextmanager
def _release_lock(repo: Repository):
    from filelock import FileLock, Timeout

    repo.dist_dir.mkdir(exist_ok=True)
    lock = FileLock(repo.release_lock, timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise StoreError(
            f"{repo.dist_dir}: another release is being written (lock {repo.release_lock})"
        ) from None
    try:
        yield
    finally:
        lock.release()


def make_release(
    repo: Repository, version: str, *, corpus: str = "latest", gold: str = "latest"
) -> Path:
    """Check the pinned versions and write ``dist/warta-<version>/``; returns its path."""
    from warta.dataset.integrity import corpus_problems, gold_problems

    if not SEMVER.match(version):
        raise WartaError(f"release version {version!r} is not X.Y.Z")
    corpus_version = repo.corpus(corpus)
    snapshot = repo.gold_store().get(gold)
    schema = repo.schema()
    problems = (
        repo.corpus_store().verify(corpus_version.name)
        + repo.gold_store().verify(snapshot.name)
        + corpus_problems(corpus_version)
        + gold_problems(repo, snapshot, corpus_version, schema)
    )
    if problems:
        raise WartaError(
            f"release {version} refused: {len(problems)} problem(s); first: {problems[0]}"
        )
    with _release_lock(repo):
        target = repo.release_dir(version)
        if target.exists():
            raise WartaError(f"{target}: release {version} exists; releases are immutable")
        for leftover in release_leftovers(repo):
            shutil.rmtree(leftover, ignore_errors=True)
        staging = repo.dist_dir / f".staging-{version}-{uuid.uuid4().hex[:8]}"
        try:
            _write_release(repo, staging, version, corpus_version, snapshot, schema)
            fsync_dir(staging)
            staging.rename(target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return target


def _write_release(repo, folder: Path, version: str, corpus, snapshot, schema) -> None:
    from warta.gold.stats import gold_stats
    from warta.metrics.registry import METRICS

    data = folder / "data"
    files = []

    def copy(source: Path, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
        files.append(
            {
                "path": target.relative_to(folder).as_posix(),
                "sha256": sha256_file(target),
                "bytes": target.stat().st_size,
            }
        )

    for index, source in enumerate(corpus.files("articles")):
        copy(source, data / "articles" / f"corpus-{index:05d}.parquet")
    for layer in LAYERS:
        for prefix in snapshot.prefixes(layer):  # a prefix per split
            for index, source in enumerate(snapshot.files(layer, prefix)):
                copy(source, data / layer / f"{prefix}-{index:05d}.parquet")
    configs = release_configs(folder)
    manifest = {
        "release": version,
        "date": datetime.now(UTC).date().isoformat(),
        "warta_version": __version__,
        "corpus": {"version": corpus.name, "content_sha256": corpus.content_sha256, "rows": corpus.rows("articles"),
                   "pipeline_version": corpus.manifest.get("pipeline_version")},
        "gold": {"version": snapshot.name, "content_sha256": snapshot.content_sha256,
                 "schema_sha256": snapshot.manifest["schema_sha256"], "schema_version": schema.version,
                 "export_sha256": snapshot.manifest["export"]["sha256"]},
        "metric_versions": sorted(METRICS),
        "counts": gold_stats(snapshot).get("all", {}),
        "files": files,
    }  # fmt: skip
    write_atomic(
        folder / MANIFEST, json.dumps(manifest, indent=1, ensure_ascii=False).encode() + b"\n"
    )
    for document in repo.release_documents:
        if document.exists():
            shutil.copy2(document, folder / document.name)
    card = card_metadata(corpus.rows("articles"), configs)
    body = release_card_body(version, manifest)
    write_atomic(
        folder / "README.md",
        (
            "---\n" + yaml.safe_dump(card, sort_keys=False, allow_unicode=True) + "---\n" + body
        ).encode(),
    )


def release_configs(folder: Path, prefix: str = "") -> list[dict]:
    """Configs of a release folder (paths relative to ``folder``, or under ``prefix``). A split
    whose files have no rows (taken down) is left out while the config has others: `datasets`
    cannot build an empty split, and one would fail the whole config."""
    configs = [
        {
            "config_name": "articles",
            "data_files": [{"split": "corpus", "path": f"{prefix}data/articles/*.parquet"}],
        }
    ]
    for layer in LAYERS:
        splits = _splits_with_rows(folder / "data" / layer)
        configs.append(
            {
                "config_name": layer,
                "data_files": [
                    {"split": s, "path": f"{prefix}data/{layer}/{s}-*.parquet"} for s in splits
                ],
            }
        )
    configs[1]["default"] = True
    return configs


def _splits_with_rows(folder: Path) -> list[str]:
    """The splits of a layer's files that have rows (all of them if none has)."""

    files = sorted(folder.glob("*.parquet"))
    full = [p for p in files if parquet_file(p).metadata.num_rows] or files
    return sorted({p.name.rsplit("-", 1)[0] for p in full})


def card_metadata(rows: int, configs: list[dict]) -> dict:
    return {**CARD_METADATA, "size_categories": [size_category(rows)], "configs": configs}


def release_card_body(version: str, manifest: dict) -> str:
    counts = manifest["counts"]
    return f"""# Warta {version}

Gold entity and event annotations of Indonesian news (corpus {manifest["corpus"]["version"]},
gold {manifest["gold"]["version"]}, schema_version {manifest["gold"]["schema_version"]}):
{counts.get("documents", 0)} document(s), {counts.get("tokens", 0)} tokens,
{counts.get("entity mentions", 0)} entity mentions, {counts.get("event mentions", 0)} event mentions.

```python
from datasets import load_dataset

load_dataset("path/to/warta-{version}", "entities")   # or "documents", "events", "articles"
```

`load_dataset` checks nothing by default: a damaged file loads as whatever its bytes decode to.
Every Parquet page carries a CRC; to have a damaged page fail the load, ask for the check:

```python
import pyarrow.dataset

checked = pyarrow.dataset.ParquetFragmentScanOptions(page_checksum_verification=True)
load_dataset("path/to/warta-{version}", "entities", fragment_scan_options=checked)
```

`release.json` lists every file with its SHA-256 (`sha256sum` checks a file whole), the corpus
and gold versions with their content hashes, and the metric versions the leaderboard used. See DATASHEET.md for how the data was made,
its limits and the takedown process, and CITATION.cff to cite it.
"""


def release_checksum_problems(folder: Path) -> list[str]:
    """Files of a release that are missing or changed since it was written (or purged: a file
    still at its checksum from before a recorded purge is that purge, interrupted)."""
    try:
        manifest = read_release_manifest(folder)
    except WartaError as err:
        return [str(err)]
    before = {
        (name, change["old_sha256"]): purge["purge"]
        for purge in manifest.get("purges", [])
        for name, change in purge["files"].items()
    }
    problems = []
    for entry in manifest["files"]:
        path = folder / entry["path"]
        if not path.exists():
            problems.append(f"{path}: missing")
        elif (digest := hashlib.sha256(path.read_bytes()).hexdigest()) != entry["sha256"]:
            purge = before.get((entry["path"], digest))
            problems.append(
                f"{path}: leftover of interrupted purge {purge} (the file is not rewritten yet); "
                "`warta corpus vacuum` finishes it"
                if purge
                else f"{path}: checksum mismatch"
            )
    return problems
