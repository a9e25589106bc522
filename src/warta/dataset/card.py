"""The dataset card's YAML front matter, regenerated from the versions on disk.

``load_dataset(<repo>, "articles")`` reads the newest corpus version; every version stays loadable
as ``articles-vNNNN``. Only the front matter is generated; the README's prose is left alone.

Takedowns. `datasets` 5.2 refuses to build an empty split ("corresponds to no data"), and one
empty split makes the whole config fail. So a config lists only the files that have rows, and a
split only if it has some. A config with no rows at all (a version whose every document was taken
down) stays listed with its empty file, so every version keeps its config: its ``description``
says it has no rows and loads only with ``streaming=True`` (0 rows, the right features). A version,
snapshot or release that lost documents to a purge says so in its configs' ``description`` too.
That also changes the card, and with it the hash `datasets` keys its cache on: a purged file keeps
its path and size, so nothing else would stop a cache made before the purge from being served.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from warta.errors import WartaError
from warta.store import Version, VersionedStore, parquet_file, write_atomic

FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)
CORPUS_SPLIT = "corpus"
"""The articles layer is the whole corpus, not a training split: its one split says so."""
EMPTY = "no rows: `datasets` loads it only with streaming=True (it refuses an empty split)"


def corpus_configs(store: VersionedStore, root: Path) -> list[dict]:
    configs = []
    versions = store.versions()
    for position, version in enumerate(reversed(versions)):
        files = version.data_files("articles", root, split=CORPUS_SPLIT)
        about = _about(version, "articles")
        if position == 0:
            configs.append(
                {"config_name": "articles", **about, "data_files": files, "default": True}
            )
        configs.append({"config_name": f"articles-{version.name}", **about, "data_files": files})
    return configs


def _about(version: Version, table: str) -> dict:
    """The ``description`` of a config of a version: purged since it was written, or empty."""
    notes = []
    if purged := version.purged:
        kind = "version" if version.store.kind == "corpus" else "snapshot"
        notes.append(
            f"{len(purged)} document(s) taken down after this {kind} was written "
            "(corpus/TOMBSTONES.yaml); its files no longer hold them"
        )
    if not version.rows(table):
        notes.append(EMPTY)
    return {"description": "; ".join(notes)} if notes else {}


class _NoAliasDumper(yaml.SafeDumper):
    """The card is read by people and by the Hub: no YAML anchors, every config spelt out."""

    def ignore_aliases(self, data: object) -> bool:
        return True


GOLD_LAYERS = ("documents", "entities", "events")


def gold_configs(store: VersionedStore, root: Path) -> list[dict]:
    """``documents``/``entities``/``events`` for the newest gold snapshot, and each by version."""
    configs = []
    for position, version in enumerate(reversed(store.versions())):
        for layer in GOLD_LAYERS:
            files = version.data_files(layer, root)
            about = _about(version, layer)
            if position == 0:
                configs.append({"config_name": layer, **about, "data_files": files})
            name = f"{layer}-gold-{version.name}"
            configs.append({"config_name": name, **about, "data_files": files})
    return sorted(configs, key=lambda c: (c["config_name"].count("-"), c["config_name"]))


def read_front_matter(readme: Path) -> tuple[dict, str]:
    text = readme.read_text(encoding="utf-8") if readme.exists() else ""
    match = FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as err:
        raise WartaError(f"{readme}: the YAML front matter does not parse ({err})") from None
    return meta, text[match.end() :]


def repository_configs(repo) -> list[dict]:
    """Every config of a Warta repository: corpus versions, gold snapshots, then releases."""
    from warta.dataset.release import releases

    configs = corpus_configs(repo.corpus_store(), repo.root) + gold_configs(
        repo.gold_store(), repo.root
    )
    for folder in releases(repo):
        version = folder.name.removeprefix("warta-")
        prefix = f"{folder.relative_to(repo.root).as_posix()}/"
        for config in described_release_configs(folder, prefix):
            config = {
                k: v for k, v in config.items() if k != "default"
            }  # the checkout's is articles
            configs.append({**config, "config_name": f"{config['config_name']}-{version}"})
    return configs


def described_release_configs(folder: Path, prefix: str = "") -> list[dict]:
    """A release's configs, each with a ``description`` if documents were purged from the release
    or it has no rows."""

    from warta.dataset.release import read_release_manifest, release_configs

    manifest = read_release_manifest(folder)
    taken = {d for purge in manifest.get("purges", []) for d in purge["doc_ids"]}
    configs = []
    for config in release_configs(folder, prefix):
        notes = []
        if taken:
            notes.append(
                f"{len(taken)} document(s) taken down after this release was made (its "
                "release.json lists the purges); its files no longer hold them"
            )
        layer = folder / "data" / config["config_name"]
        if not any(parquet_file(p).metadata.num_rows for p in layer.glob("*.parquet")):
            notes.append(EMPTY)
        about = {"description": "; ".join(notes)} if notes else {}
        name, rest = config["config_name"], {k: v for k, v in config.items() if k != "config_name"}
        configs.append({"config_name": name, **about, **rest})
    return configs


CARD_LOCK_SECONDS = 120


def refresh_card(repo) -> bool:
    """Rewrite the README's card metadata and configs block from what is on disk; True if it
    changed. Under the card lock, so that two commands that each wrote a version never leave the
    card of the one that read the disk first."""
    from filelock import FileLock, Timeout

    try:
        with FileLock(repo.card_lock, timeout=CARD_LOCK_SECONDS):
            current, card = _cards(repo)
            if current == card:
                return False
            write_atomic(repo.readme, card.encode())
            return True
    except Timeout:
        raise WartaError(
            f"{repo.readme}: not refreshed: another command held {repo.card_lock} for "
            f"{CARD_LOCK_SECONDS} s; `warta corpus vacuum` refreshes it"
        ) from None


def stale_card(repo) -> str | None:
    """Why the README's card does not list the versions on disk (``load_dataset`` would read
    another version than the newest), or None if it does."""
    current, card = _cards(repo)
    if current == card:
        return None
    now = {c["config_name"]: c for c in read_front_matter(repo.readme)[0].get("configs") or []}
    wanted = {c["config_name"]: c for c in repository_configs(repo)}
    missing = [n for n in wanted if n not in now]
    extra = [n for n in now if n not in wanted]
    differ = [n for n in wanted if n in now and now[n] != wanted[n]]
    parts = [f"{label} {', '.join(names)}" for label, names in (
        ("lists no", missing), ("lists gone", extra), ("other files for", differ)) if names]  # fmt: skip
    detail = "; ".join(parts) or "its metadata differs"
    return f"{repo.readme}: dataset card is stale ({detail}); `warta corpus vacuum` rewrites it"


def _cards(repo) -> tuple[str, str]:
    """The README as it is, and as its card says what is on disk (no card at all while the
    repository has no version and no release)."""
    from warta.dataset.release import card_metadata

    current = repo.readme.read_text(encoding="utf-8") if repo.readme.exists() else ""
    configs = repository_configs(repo)
    if not configs and not FRONT_MATTER.match(current):
        return current, current
    latest = repo.corpus_store().latest()
    metadata = card_metadata(latest.rows("articles") if latest else 0, [])
    metadata.pop("configs")
    return current, card_text(repo.readme, configs, **metadata)


def card_text(readme: Path, configs: list[dict], **metadata: object) -> str:
    """The README with its card's ``configs`` (and any other given keys) replaced."""
    meta, body = read_front_matter(readme)
    # the given metadata first, in its own order, then any other key the card has, configs last
    meta = {**metadata, **{k: v for k, v in meta.items() if k not in metadata}}
    return render_card(meta, configs, body)


def write_front_matter(readme: Path, configs: list[dict], **metadata: object) -> bool:
    """Replace the card's ``configs`` (and any other given keys); True if the file changed."""
    new = card_text(readme, configs, **metadata)
    if readme.exists() and readme.read_text(encoding="utf-8") == new:
        return False
    write_atomic(readme, new.encode())
    return True


def render_card(meta: dict, configs: list[dict], body: str) -> str:
    """A card: its metadata, then its configs, then the body."""
    meta = {k: v for k, v in meta.items() if k != "configs"}
    meta["configs"] = configs  # last, after the card metadata
    dumped = yaml.dump(meta, Dumper=_NoAliasDumper, sort_keys=False, allow_unicode=True, width=100)
    return f"---\n{dumped}---\n{body}"
