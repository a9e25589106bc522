"""Extraction models behind one interface, registered by name (``get_model("rules")``).

Heavy imports (torch, transformers, crfsuite) happen inside the adapter that needs them, so
listing or loading the registry costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from warta.errors import WartaError
from warta.models.base import ExtractionModel

_REGISTRY: dict[str, Callable[..., ExtractionModel]] = {}
_MODULES = {
    "rules": "warta.models.rules",
    "crf": "warta.models.crf",
    "event_lexicon": "warta.models.event_lexicon",
    "dummy": "warta.models.dummy",
    "transformers": "warta.models.transformer",
    "predictions": "warta.models.predictions",
}


def register_model(name: str) -> Callable:
    def decorate(factory: Callable[..., ExtractionModel]) -> Callable[..., ExtractionModel]:
        _REGISTRY[name] = factory
        return factory

    return decorate


def model_names() -> list[str]:
    return sorted(_MODULES)


def get_model(name: str, **options: object) -> ExtractionModel:
    """A model by its registered name; options go to its constructor."""
    if name not in _MODULES:
        raise WartaError(f"unknown model {name!r} (models: {', '.join(model_names())})")
    import_module(_MODULES[name])
    return _REGISTRY[name](**options)
