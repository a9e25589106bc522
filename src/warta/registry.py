"""A lazy registry by name: ``name -> "module:attribute"``, imported on first use.

Models and metrics are looked up by name from the CLI, Hydra configs and result files; listing the
names costs nothing, and a heavy dependency (torch, crfsuite) is imported only when its entry is
used.
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib import import_module
from typing import Generic, TypeVar

from warta.errors import WartaError

T = TypeVar("T")


class Registry(Generic[T]):
    """Entries of one kind (``model``, ...) by name."""

    def __init__(self, kind: str, entries: dict[str, str] | None = None) -> None:
        self.kind = kind
        self._targets: dict[str, str | T] = dict(entries or {})

    def register(self, name: str, target: str | T) -> None:
        """Add an entry: an object, or ``"module:attribute"`` to import when it is first used."""
        self._targets[name] = target

    def names(self) -> list[str]:
        return sorted(self._targets)

    def __contains__(self, name: object) -> bool:
        return name in self._targets

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def items(self) -> Iterator[tuple[str, T]]:
        for name in self.names():
            yield name, self.get(name)

    def get(self, name: str) -> T:
        if name not in self._targets:
            raise WartaError(
                f"unknown {self.kind} {name!r} ({self.kind}s: {', '.join(self.names())})"
            )
        target = self._targets[name]
        if isinstance(target, str):
            module, _, attribute = target.partition(":")
            target = getattr(import_module(module), attribute)
            self._targets[name] = target
        return target
