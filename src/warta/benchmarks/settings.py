"""The benchmark's settings, checked before anything runs.

Hydra composes the YAML in ``configs/``; ``check_settings`` then reads every setting the runner
uses into one typed ``Settings`` object, so a wrong type, a value out of range, an unknown type
name or an entry name that is a path ends in one line that names the setting (``error:
metrics.confidence=1.5: must be a number strictly between 0 and 1``) instead of a traceback or a
silent 0.000. (Structured configs in Hydra's ConfigStore would reject a type too, but print
several lines and no range; this check covers both and runs as the first thing ``run`` does.)
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from warta.errors import WartaError
from warta.gold.splits import SPLITS
from warta.metrics.registry import TASKS
from warta.models import model_names
from warta.repository import Repository
from warta.schema.annotation import AnnotationSchema

PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
"""An entry or corpus name: letters, digits, ``-``, ``_`` and ``.``, never a path."""
PROTOCOLS = ("test", "cv", "external")


@dataclass(frozen=True)
class ExternalCorpus:
    name: str
    path: Path
    label_map: dict[str, str | None] | None  # Warta type -> the corpus's type (None: schema's)


@dataclass(frozen=True)
class Settings:
    entry: str
    task: str
    model: str
    protocol: str
    split: str
    gold_version: str
    folds: int
    seed: int
    confidence: float
    bootstrap_samples: int
    types: list[str] | None
    results_dir: Path
    external: ExternalCorpus | None = None


class SettingError(WartaError):
    """A setting with a wrong type or value: the message names it as on the command line."""

    def __init__(self, key: str, value: object, expected: str) -> None:
        super().__init__(f"{key}={_shown(value)}: {expected}")


def _shown(value: object) -> str:
    if isinstance(value, list | tuple):
        return "[" + ",".join(map(str, value)) + "]"
    return str(value) if value is not None else "null"


def _get(cfg, key: str):
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    try:
        value = OmegaConf.select(cfg, key, throw_on_missing=True)
    except OmegaConfBaseException as err:
        raise WartaError(f"{key}: cannot be read ({type(err).__name__}: {err})") from None
    if OmegaConf.is_config(value):
        return OmegaConf.to_container(value, resolve=True)
    return value


def integer(cfg, key: str, minimum: int) -> int:
    value = _get(cfg, key)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise SettingError(key, value, f"must be an integer >= {minimum}")
    return value


def fraction(cfg, key: str) -> float:
    value = _get(cfg, key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1:
        raise SettingError(key, value, "must be a number strictly between 0 and 1")
    return float(value)


def choice(cfg, key: str, allowed) -> str:
    value = _get(cfg, key)
    if value not in allowed:
        raise SettingError(key, value, f"must be one of {', '.join(allowed)}")
    return value


def plain_name(cfg, key: str) -> str:
    value = _get(cfg, key)
    if not isinstance(value, str) or not PLAIN_NAME.fullmatch(value):
        raise SettingError(
            key, value, "must be a plain name (letters, digits, -, _, ., at most 100), not a path"
        )
    return value


def entity_types(cfg, key: str, schema: AnnotationSchema) -> list[str] | None:
    value = _get(cfg, key)
    if value is None:
        return None
    if not isinstance(value, list) or not value or not all(isinstance(t, str) for t in value):
        raise SettingError(key, value, "must be null or a non-empty list of entity type names")
    unknown = [t for t in value if t not in schema.entity_types]
    if unknown:
        raise SettingError(
            key,
            value,
            f"unknown entity type(s) {', '.join(unknown)} "
            f"(the schema's: {', '.join(schema.entity_types)})",
        )
    return list(dict.fromkeys(value))


def writable_folder(repo: Repository, cfg, key: str) -> Path:
    """The folder as a path (relative to the repository root), if it can be created and written:
    its nearest existing parent is a folder that takes a new folder."""
    value = _get(cfg, key)
    if not isinstance(value, str) or not value.strip():
        raise SettingError(key, value, "must be a folder path")
    path = repo.root / Path(value).expanduser()
    existing = next((p for p in (path, *path.parents) if p.exists()), None)
    if existing is None or not existing.is_dir():
        raise SettingError(key, value, f"{existing} is not a folder")
    try:
        with tempfile.TemporaryDirectory(dir=existing, prefix=".warta-probe-"):
            pass
    except OSError as err:
        raise SettingError(key, value, f"cannot write in {existing} ({err.strerror})") from None
    return path


def external_corpus(repo: Repository, cfg, schema: AnnotationSchema) -> ExternalCorpus:
    name = plain_name(cfg, "data.external.name")
    value = _get(cfg, "data.external.path")
    if not isinstance(value, str) or not value.strip():
        raise SettingError("data.external.path", value, "must be a file path")
    path = repo.root / Path(value).expanduser()
    if not path.is_file():
        raise SettingError("data.external.path", value, f"no such file ({path})")
    label_map = _get(cfg, "data.external.label_map")
    if label_map is None:
        label_map = schema.entity_map(plain_name(cfg, "data.external.schema_map"))
    elif not isinstance(label_map, dict) or set(label_map) - set(schema.entity_types):
        raise SettingError(
            "data.external.label_map", label_map, "must map Warta entity types to the corpus's"
        )
    return ExternalCorpus(name, path, label_map)


def check_settings(cfg, repo: Repository, schema: AnnotationSchema) -> Settings:
    """Every setting the runner uses, typed and in range, or one ``WartaError`` naming it."""
    protocol = choice(cfg, "data.protocol", PROTOCOLS)
    settings = Settings(
        entry=plain_name(cfg, "entry"),
        task=choice(cfg, "task.name", TASKS),
        model=choice(cfg, "model.name", model_names()),
        protocol=protocol,
        split=choice(cfg, "data.split", (*SPLITS, "all")),
        gold_version=plain_name(cfg, "data.gold_version"),
        folds=integer(cfg, "data.folds", 2),
        seed=integer(cfg, "seed", 0),
        confidence=fraction(cfg, "metrics.confidence"),
        bootstrap_samples=integer(cfg, "metrics.bootstrap_samples", 1),
        types=entity_types(cfg, "metrics.types", schema),
        results_dir=writable_folder(repo, cfg, "results_dir"),
        external=external_corpus(repo, cfg, schema) if protocol == "external" else None,
    )
    if protocol == "test" and settings.split != "test":
        raise SettingError("data.split", settings.split, "the test protocol evaluates on test")
    return settings
