"""The dataset card's YAML front matter, regenerated from the versions on disk.

``load_dataset(<repo>, "articles")`` reads the newest corpus version; every version stays loadable
as ``articles-vNNNN``. Only the front matter is generated; the README's prose is left alone.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from warta.errors import WartaError
from warta.store import VersionedStore, write_atomic

FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)
CORPUS_SPLIT = "corpus"
"""The articles layer is the whole corpus, not a training split: its one split says so."""


def corpus_configs(store: VersionedStore, root: Path) -> list[dict]:
    configs = []
    versions = store.versions()
    for position, version in enumerate(reversed(versions)):
        files = version.data_files("articles", root, split=CORPUS_SPLIT)
        if position == 0:
            configs.append({"config_name": "articles", "data_files": files, "default": True})
        configs.append({"config_name": f"articles-{version.name}", "data_files": files})
    return configs


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
            if position == 0:
                configs.append({"config_name": layer, "data_files": files})
            configs.append({"config_name": f"{layer}-gold-{version.name}", "data_files": files})
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
    from warta.dataset.release import release_configs, releases

    configs = corpus_configs(repo.corpus_store(), repo.root) + gold_configs(
        repo.gold_store(), repo.root
    )
    for folder in releases(repo):
        version = folder.name.removeprefix("warta-")
        prefix = f"{folder.relative_to(repo.root).as_posix()}/"
        for config in release_configs(folder, prefix):
            configs.append(
                {
                    "config_name": f"{config['config_name']}-{version}",
                    "data_files": config["data_files"],
                }
            )
    return configs


def refresh_card(repo) -> bool:
    """Rewrite the README's card metadata and configs block from what is on disk."""
    from warta.dataset.release import card_metadata

    latest = repo.corpus_store().latest()
    metadata = card_metadata(latest.rows("articles") if latest else 0, [])
    metadata.pop("configs")
    return write_front_matter(repo.readme, repository_configs(repo), **metadata)


def write_front_matter(readme: Path, configs: list[dict], **metadata: object) -> bool:
    """Replace the card's ``configs`` (and any other given keys); True if the file changed."""
    meta, body = read_front_matter(readme)
    # the given metadata first, in its own order, then any other key the card has, configs last
    meta = {**metadata, **{k: v for k, v in meta.items() if k not in metadata}}
    meta.pop("configs", None)
    meta["configs"] = configs
    dumped = yaml.dump(meta, Dumper=_NoAliasDumper, sort_keys=False, allow_unicode=True, width=100)
    new = f"---\n{dumped}---\n{body}"
    if readme.exists() and readme.read_text(encoding="utf-8") == new:
        return False
    write_atomic(readme, new.encode())
    return True
