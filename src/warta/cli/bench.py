"""``warta-bench``: the Hydra entry point. It only composes the config and calls ``run``."""

from __future__ import annotations

import os
import sys
import traceback

from warta.errors import WartaError
from warta.repository import Repository


def _report(cfg) -> None:
    from warta.benchmarks.leaderboard import Interval
    from warta.benchmarks.runner import run
    from warta.metrics.registry import PRIMARY

    try:
        result = run(cfg)
    except WartaError as err:
        if os.environ.get("WARTA_VERBOSE"):
            traceback.print_exc()
        print(f"error: {err}", file=sys.stderr)
        sys.exit(1)
    primary = PRIMARY[result.task]
    value = result.metrics[primary]
    units = len(result.unit_counts["units"])
    score = Interval(value.value, value.ci_low, value.ci_high, units)
    print(
        f"{result.entry} [{result.task}/{result.protocol}, {units} "
        f"{result.unit}s, gold {result.gold['version']}]: {primary} = {value.value:.3f} "
        f"({value.confidence:.0%} CI {score.interval_text()})"
    )


def main() -> None:
    import hydra

    try:
        configs = Repository.find().configs_dir
    except WartaError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(1)
    hydra.main(version_base="1.3", config_path=str(configs), config_name="config")(_report)()


if __name__ == "__main__":
    main()
