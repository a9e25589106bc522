"""The annotation schema (``annotations/schema.yaml``): entity types, event types, roles, realis.

Read once and shared: the Label Studio config, the ``datasets`` ClassLabel names and every
validator are derived from this object, so a type or role exists everywhere or nowhere.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml

from warta.errors import WartaError


@dataclass(frozen=True)
class EventType:
    name: str
    description: str
    roles: tuple[str, ...]
    modes: tuple[str, ...]
    source: str
    maps: dict


@dataclass(frozen=True)
class Role:
    name: str
    description: str
    entity_types: tuple[str, ...]


@dataclass(frozen=True)
class AnnotationSchema:
    """Everything an annotation may contain; ``sha256`` identifies the file it was read from."""

    version: int
    entity_types: dict[str, str]
    event_types: dict[str, EventType]
    roles: dict[str, Role]
    realis: dict[str, str]
    sha256: str
    # other schemes' names for each entity type: scheme -> {Warta type: their type or None}
    entity_maps: dict[str, dict[str, str | None]] = field(default_factory=dict)

    @cached_property
    def modes(self) -> tuple[str, ...]:
        return tuple(sorted({m for e in self.event_types.values() for m in e.modes}))

    @cached_property
    def bio_labels(self) -> list[str]:
        """BIO tag names in a fixed order: ``O``, then ``B-X``, ``I-X`` per entity type."""
        labels = ["O"]
        for name in self.entity_types:
            labels += [f"B-{name}", f"I-{name}"]
        return labels

    def role_allows(self, event_type: str, role: str, entity_type: str) -> str | None:
        """Why an argument is not allowed, or None if it is."""
        event = self.event_types.get(event_type)
        if event is None:
            return f"event type {event_type!r} is not in the schema"
        if role not in self.roles:
            return f"role {role!r} is not in the schema"
        if role not in event.roles:
            return f"role {role!r} is not a role of {event_type} (roles: {', '.join(event.roles)})"
        allowed = self.roles[role].entity_types
        if entity_type not in allowed:
            return f"role {role!r} takes {'/'.join(allowed)}, not {entity_type}"
        return None


def load_schema(path: Path) -> AnnotationSchema:
    """Read and check the schema file; a broken reference is an error naming the file and key."""
    try:
        data = path.read_bytes()
        raw = yaml.safe_load(data)
    except FileNotFoundError:
        raise WartaError(f"{path}: annotation schema not found") from None
    except yaml.YAMLError as err:
        raise WartaError(f"{path}: not valid YAML ({err})") from None
    try:
        entity_types = {k: v["description"] for k, v in raw["entity_types"].items()}
        roles = {
            k: Role(k, v["description"], tuple(v["entity_types"])) for k, v in raw["roles"].items()
        }
        events = {
            k: EventType(
                k,
                " ".join(str(v["description"]).split()),
                tuple(v["roles"]),
                tuple(v.get("modes") or ()),
                v.get("source", "Warta"),
                v.get("maps") or {},
            )
            for k, v in raw["event_types"].items()
        }
        schema = AnnotationSchema(
            version=int(raw["schema_version"]),
            entity_types=entity_types,
            event_types=events,
            roles=roles,
            realis=dict(raw["realis"]),
            sha256=hashlib.sha256(data).hexdigest(),
            entity_maps=_entity_maps(raw["entity_types"]),
        )
    except (KeyError, TypeError, AttributeError) as err:
        raise WartaError(f"{path}: malformed schema (missing or wrong key {err})") from None
    for role in roles.values():
        for entity_type in role.entity_types:
            if entity_type not in entity_types:
                raise WartaError(
                    f"{path}: role {role.name!r} names unknown entity type {entity_type!r}"
                )
    for event in events.values():
        for role in event.roles:
            if role not in roles:
                raise WartaError(f"{path}: event type {event.name!r} names unknown role {role!r}")
    return schema


def _entity_maps(entity_types: dict) -> dict[str, dict[str, str | None]]:
    """The mapping columns of the entity types (``ontonotes: PERSON``, ``idner: null``, ...)."""
    maps: dict[str, dict[str, str | None]] = {}
    for name, entry in entity_types.items():
        for key, value in entry.items():
            if key not in ("description", "example"):
                maps.setdefault(key, {})[name] = value
    return maps
