"""Extraction models behind one interface, registered by name (``get_model("rules")``).

``MODELS`` is the one list of models: the CLI, the Hydra configs (``_target_: warta.models.get_model``
with the registered ``name``) and pre-annotation all build models through it. Heavy imports (torch,
transformers, crfsuite) happen inside the adapter that needs them, so listing the registry costs
nothing.
"""

from __future__ import annotations

from warta.models.base import ExtractionModel
from warta.registry import Registry

MODELS: Registry[type[ExtractionModel]] = Registry(
    "model",
    {
        "rules": "warta.models.rules:RulesModel",
        "crf": "warta.models.crf:CrfModel",
        "event_lexicon": "warta.models.event_lexicon:EventLexiconModel",
        "transformers": "warta.models.transformer:TransformersModel",
        "transformers_scratch": "warta.models.scratch:ScratchTransformersModel",
        "predictions": "warta.models.predictions:PredictionsFile",
    },
)


def model_names() -> list[str]:
    return MODELS.names()


def get_model(name: str, **options: object) -> ExtractionModel:
    """A model by its registered name; options go to its constructor."""
    return MODELS.get(name)(**options)
