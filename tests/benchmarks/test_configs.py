"""Every Hydra config group composes, and every node with a ``_target_`` instantiates."""

from __future__ import annotations

import pytest
from hydra import compose, initialize_config_dir

from tests.conftest import IDNER, REPO
from warta.benchmarks.runner import build_model
from warta.models.base import ExtractionModel

CONFIGS = REPO / "configs"


def options(group: str) -> list[str]:
    return sorted(p.stem for p in (CONFIGS / group).glob("*.yaml"))


def compose_with(*overrides: str, hydra_node: bool = False):
    with initialize_config_dir(config_dir=str(CONFIGS), version_base="1.3"):
        return compose(
            "config",
            overrides=[f"data.train_path={IDNER / 'dev.txt'}", *overrides],
            return_hydra_config=hydra_node,
        )


# Models that read a file or checkpoint named on the command line (``???`` in their config).
PREDICTIONS = REPO / "tests" / "fixtures" / "predictions" / "seed.jsonl"
REQUIRED = {"predictions": [f"model.path={PREDICTIONS}"], "transformers": ["model.checkpoint={}"]}


@pytest.mark.parametrize("model", options("model"))
def test_every_model_config_instantiates(model, tiny_checkpoint):
    required = [o.format(tiny_checkpoint) for o in REQUIRED.get(model, [])]
    cfg = compose_with(f"model={model}", *required)
    assert cfg.model.entry == model
    assert isinstance(build_model(cfg.model), ExtractionModel)


@pytest.mark.parametrize(
    ("group", "option"), [(g, o) for g in ("task", "data", "metrics") for o in options(g)]
)
def test_every_group_option_composes(group, option):
    cfg = compose_with(f"{group}={option}")
    assert cfg[group] is not None and cfg.seed == 13


def test_baselines_experiment_is_a_sweep_over_models():
    cfg = compose_with("+experiment=baselines", hydra_node=True)
    assert "rules" in cfg.hydra.sweeper.params.model and "crf" in cfg.hydra.sweeper.params.model


def test_cv_protocol_inherits_the_test_data_settings():
    cfg = compose_with("data=warta_cv")
    assert cfg.data.protocol == "cv" and cfg.data.folds == 5 and cfg.data.label_map.LOC == "GPE"
