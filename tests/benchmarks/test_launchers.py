"""Every launcher config composes onto its plugin's schema; sweeps run through Ray and submitit."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir
from hydra.core.config_store import ConfigStore
from hydra.utils import get_class, instantiate
from omegaconf import OmegaConf

from tests.conftest import REPO

CONFIGS = REPO / "configs"
PLUGINS = "hydra_plugins.hydra_{0}_launcher.{0}_launcher"

# override (None: the default of configs/config.yaml) -> (plugin class, the plugin config it extends)
LAUNCHERS = {
    None: (f"{PLUGINS.format('joblib')}.JoblibLauncher", "joblib"),
    "joblib_local": (f"{PLUGINS.format('joblib')}.JoblibLauncher", "joblib"),
    "ray_local": (f"{PLUGINS.format('ray')}.RayLauncher", "ray"),
    "submitit_local": (f"{PLUGINS.format('submitit')}.LocalLauncher", "submitit_local"),
    "slurm": (f"{PLUGINS.format('submitit')}.SlurmLauncher", "submitit_slurm"),
}


def launcher_node(override: str | None):
    overrides = [f"hydra/launcher={override}"] if override else []
    with initialize_config_dir(config_dir=str(CONFIGS), version_base="1.3"):
        cfg = compose("config", overrides=overrides, return_hydra_config=True)
    return cfg.hydra.launcher


def plugin_keys(name: str) -> set[str]:
    """The keys of the plugin's own config (its structured-config schema in Hydra's ConfigStore)."""
    return set(ConfigStore.instance().load(f"hydra/launcher/{name}.yaml").node.keys())


@pytest.mark.parametrize("override", list(LAUNCHERS), ids=str)
def test_launcher_config_builds_its_plugin(override):
    launcher = launcher_node(override)
    target, plugin_config = LAUNCHERS[override]
    assert launcher._target_ == target
    assert isinstance(instantiate(launcher), get_class(target))
    unknown = set(launcher.keys()) - plugin_keys(plugin_config)
    assert not unknown, f"keys the {plugin_config} launcher does not know: {sorted(unknown)}"


def test_only_the_joblib_launcher_sets_n_jobs():
    assert launcher_node(None).n_jobs == 2
    for override in ("ray_local", "submitit_local", "slurm"):
        assert "n_jobs" not in launcher_node(override)


def test_ray_launcher_does_not_cap_the_object_store():
    # hydra-ray-launcher sets 75 MB unless the key is present; ray.init refuses it for a cluster.
    init = launcher_node("ray_local").ray.init
    assert "object_store_memory" in init and init.object_store_memory is None


APP = """
    import os
    from pathlib import Path

    import hydra


    @hydra.main(version_base="1.3", config_path="conf", config_name="app")
    def main(cfg):
        Path(cfg.out, f"job-{cfg.job}.txt").write_text(str(os.getpid()))


    if __name__ == "__main__":
        main()
"""


def sweep_app(folder: Path, launcher: str) -> Path:
    """A tiny Hydra app that finds Warta's launcher configs on its search path."""
    (folder / "conf").mkdir(parents=True)
    app = folder / "app.py"
    app.write_text(textwrap.dedent(APP))
    config = {
        "defaults": [{"override hydra/launcher": launcher}, "_self_"],
        "job": 0,
        "out": str(folder / "out"),
        "hydra": {
            "searchpath": [f"file://{CONFIGS}"],
            "sweep": {"dir": str(folder / "runs"), "subdir": "${hydra.job.num}"},
        },
    }
    (folder / "conf" / "app.yaml").write_text(OmegaConf.to_yaml(config))
    (folder / "out").mkdir()
    return app


@pytest.mark.slow
@pytest.mark.parametrize(
    ("launcher", "options"),
    [
        # "local": a new Ray for this test, never one that `ray start` left on the machine
        (
            "ray_local",
            ["hydra.launcher.ray.init.address=local", "hydra.launcher.ray.init.num_cpus=2"],
        ),
        ("submitit_local", []),
    ],
)
def test_two_job_sweep_runs_outside_the_driver(tmp_path, launcher, options):
    app = sweep_app(tmp_path, launcher)
    # a Ray started here listens on loopback only (Ray's default is the machine's address)
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0", "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"}
    with subprocess.Popen(
        [sys.executable, str(app), "-m", "job=0,1", *options],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as driver:
        output, _ = driver.communicate(timeout=300)
    assert driver.returncode == 0, output
    pids = {p.name: int(p.read_text()) for p in (tmp_path / "out").iterdir()}
    assert set(pids) == {"job-0.txt", "job-1.txt"}, output
    assert driver.pid not in pids.values()  # each job ran in a Ray worker / submitit process
