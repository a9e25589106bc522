"""Who annotates: ``annotations/annotators.yaml`` names every Label Studio account whose annotations
may reach gold, and what kind of annotator it is, so a gold row can say who made it and how.

Kinds: ``human`` (a person), ``llm-session`` (a session of a large language model working only
from the guidelines and the text, as a named account), ``curator`` (the account that loads
existing gold or runs the tools). A model's output is never an annotator: it is a prediction.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from warta.errors import WartaError

KINDS = ("human", "llm-session", "curator")
UNREGISTERED = "unregistered"


@dataclass(frozen=True)
class Annotator:
    name: str
    kind: str
    description: str = ""


def read_annotators(path: Path) -> dict[str, Annotator]:
    """The registry (empty if the file does not exist); a wrong kind names the file and account."""
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise WartaError(f"{path}: not readable YAML ({' '.join(str(err).split())})") from None
    if not isinstance(data, dict):
        raise WartaError(f"{path}: expected 'name: {{kind: ..., description: ...}}' entries")
    registry = {}
    for name, entry in data.items():
        kind = entry.get("kind") if isinstance(entry, dict) else None
        if kind not in KINDS:
            raise WartaError(
                f"{path}: {name}: kind must be one of {', '.join(KINDS)}, got {kind!r}"
            )
        registry[str(name)] = Annotator(str(name), kind, str(entry.get("description", "")))
    return registry


def kind_of(registry: dict[str, Annotator], name: str | None) -> str:
    annotator = registry.get(name) if name else None
    return annotator.kind if annotator else UNREGISTERED
