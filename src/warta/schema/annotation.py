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

ENTITY_TEXT_KEYS = ("description", "example")
"""Keys of an entity type that are prose; every other key names the type in another tag set."""


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
    # Per entity type, its name in other tag sets (``ontonotes``, ``idner`` ...; None: untagged).
    entity_maps: dict[str, dict[str, str | None]] = field(default_factory=dict)

    def entity_map(self, name: str) -> dict[str, str | None]:
        """Warta type -> the type another tag set gives it (None: that set leaves it untagged);
        a map only if every entity type declares it."""
        found = {t: m[name] for t, m in self.entity_maps.items() if name in m}
        if set(found) != set(self.entity_types):
            missing = sorted(set(self.entity_types) - set(found))
            raise WartaError(
                f"the schema declares no {name!r} type for entity type(s) {', '.join(missing)}"
            )
        return found

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
        entity_maps = {
            k: {m: t for m, t in v.items() if m not in ENTITY_TEXT_KEYS}
            for k, v in raw["entity_types"].items()
        }
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
            entity_maps=entity_maps,
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
