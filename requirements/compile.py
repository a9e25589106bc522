"""Write one lock per need (runtime.txt, annotate.txt, ...) from pyproject.toml, all consistent.

pip resolves Warta with every extra at once (its own resolver, index settings and wheel cache, so
the locks say what `pip install` would install here); then each need is resolved again, constrained
to that one solution. runtime.txt holds the runtime closure; each extra's file holds only what that
extra adds to it, so any combination of files installs together with no conflict.

Pins already in requirements/*.txt are kept (given to pip as constraints) unless --upgrade, or
--upgrade-package NAME for one package. Run with Python 3.11 on Linux x86_64: `make locks`.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import subprocess
import sys
import tempfile
import textwrap
import tomllib
from pathlib import Path

try:
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
except ImportError:  # pip always carries its own copy
    from pip._vendor.packaging.requirements import Requirement
    from pip._vendor.packaging.utils import canonicalize_name

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = (3, 11)
PIP = "26.3"  # the resolver; older pips skip extras spelled unnormalised, e.g. lxml[html_clean]

# need -> (extra, what it is for, notes written under the header)
NEEDS: dict[str, tuple[str | None, str, list[str]]] = {
    "runtime": (
        None,
        "Warta's runtime: `warta`, `warta-bench` with the joblib launcher, the Delta Lake store.",
        [],
    ),
    "annotate": (
        "annotate",
        "the Label Studio annotation loop (`warta annotate`): label-studio-sdk and what it brings.",
        [],
    ),
    "transformers": (
        "transformers",
        "the transformers model adapter (torch CPU build, transformers).",
        [
            "torch is the CPU build (+cpu, from the machine's wheel cache); PyPI's torch 2.13.0 is",
            "the CUDA build and would pull the nvidia-* packages.",
        ],
    ),
    "ray": (
        "ray",
        "Ray Data and `hydra/launcher=ray_local` (ray[data], hydra-ray-launcher).",
        [
            "hydra-ray-launcher 1.2.2 (the newest) requires cloudpickle<3 and joblib 1.6 requires",
            "cloudpickle>=3: the ray extra caps joblib<1.6, so runtime.txt pins joblib 1.5.3 (it",
            "vendors its own cloudpickle, through loky) and this file cloudpickle 2.2.1.",
            "hydra-ray-launcher also requires boto3, whose botocore requires python-dateutil<3:",
            "runtime.txt pins python-dateutil 2.9.0.post0.",
        ],
    ),
    "slurm": (
        "slurm",
        "`hydra/launcher=slurm` and `hydra/launcher=submitit_local` (hydra-submitit-launcher).",
        [],
    ),
    "test": (
        "test",
        "the test and lint tools: pytest, hypothesis, seqeval, nervaluate, ruff, playwright.",
        [
            "playwright drives Debian's /usr/bin/chromium (`make chromium`); it downloads no browser."
        ],
    ),
}


def existing_pins() -> dict[str, str]:
    pins = {}
    for lock in sorted(HERE.glob("*.txt")):
        for line in lock.read_text(encoding="utf-8").splitlines():
            match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", line)
            if match:
                pins[canonicalize_name(match[1])] = f"{match[1]}=={match[2]}"
    return pins


def resolver(scratch: Path) -> Path:
    """A Python whose pip is PIP, in a throwaway virtualenv."""
    subprocess.run([sys.executable, "-m", "venv", str(scratch / "venv")], check=True)
    python = scratch / "venv" / "bin" / "python"
    quiet = ("--quiet", "--disable-pip-version-check")
    subprocess.run([python, "-m", "pip", "install", *quiet, f"pip=={PIP}"], check=True)
    return python


def resolve(python: Path, target: str, constraints: list[str], scratch: Path) -> list[dict]:
    """pip's own resolution of `target` ("." plus extras) as its --report lists it."""
    constraint_file = scratch / "constraints.txt"
    constraint_file.write_text("\n".join(constraints) + "\n", encoding="utf-8")
    report = scratch / "report.json"
    command = [
        *(python, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet"),
        *("--disable-pip-version-check", "--report", str(report), "-c", str(constraint_file)),
        f"{ROOT}{target}",
    ]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{done.stdout}{done.stderr}pip could not resolve Warta{target} (try --upgrade)")
    items = json.loads(report.read_text(encoding="utf-8"))["install"]
    return [i for i in items if canonicalize_name(i["metadata"]["name"]) != "warta"]


def parents(items: list[dict], extra: str | None) -> dict[str, set[str]]:
    """Which packages of the set require each package (markers and extras evaluated)."""
    meta = {canonicalize_name(i["metadata"]["name"]): i["metadata"] for i in items}
    warta = project_table()
    requires = {"warta": [*warta["dependencies"], *warta["optional-dependencies"].get(extra, [])]}
    requires |= {name: m.get("requires_dist", []) for name, m in meta.items()}
    extras: dict[str, set[str]] = {"warta": {extra or ""}}
    via: dict[str, set[str]] = {name: set() for name in meta}
    changed = True
    while changed:  # extras named by a parent switch on more of the child's requirements
        changed = False
        for parent, lines in requires.items():
            for line in lines:
                req = Requirement(line)
                child = canonicalize_name(req.name)
                wanted = extras.get(parent, {""}) | {""}
                if child not in via or not any(
                    req.marker is None or req.marker.evaluate({"extra": e}) for e in wanted
                ):
                    continue
                label = f"warta[{extra}]" if parent == "warta" and extra else parent
                new_extras = set(req.extras) - extras.get(child, set())
                if label not in via[child] or new_extras:
                    via[child].add(label)
                    extras.setdefault(child, set()).update(req.extras)
                    changed = True
    return via


def project_table() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def write_lock(need: str, items: list[dict], via: dict[str, set[str]]) -> None:
    extra, purpose, notes = NEEDS[need]
    install = "pip install -r requirements/runtime.txt"
    if extra:
        install += f" -r requirements/{need}.txt"
        purpose = f"what the `{extra}` extra adds to runtime.txt for {purpose}"
    header = [
        *textwrap.wrap(f"requirements/{need}.txt: {purpose}", 98),
        f"Install set: {install}",
        f"Generated by `make locks` (requirements/compile.py) from pyproject.toml with pip {PIP}",
        f"on CPython {PYTHON[0]}.{PYTHON[1]}, Linux {platform.machine()}. Every lock comes from one "
        "resolution of all extras,",
        "so any set of them installs together. Do not edit by hand.",
        *notes,
    ]
    header = [f"# {line}" for line in header]
    lines = []
    for item in sorted(items, key=lambda i: canonicalize_name(i["metadata"]["name"])):
        name, version = item["metadata"]["name"], item["metadata"]["version"]
        sources = sorted(via.get(canonicalize_name(name), set()))
        lines.append(f"{name}=={version}" + (f"  # via {', '.join(sources)}" if sources else ""))
    (HERE / f"{need}.txt").write_text("\n".join([*header, *lines]) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upgrade", action="store_true", help="ignore the current pins")
    parser.add_argument("--upgrade-package", action="append", default=[], metavar="NAME")
    args = parser.parse_args()
    if sys.version_info[:2] != PYTHON or sys.platform != "linux":
        sys.exit(f"run with CPython {PYTHON[0]}.{PYTHON[1]} on Linux (the locks are for that)")

    keep = {} if args.upgrade else existing_pins()
    for name in args.upgrade_package:
        keep.pop(canonicalize_name(name), None)
    extras = ",".join(e for e, _, _ in NEEDS.values() if e)
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        python = resolver(scratch)
        union = resolve(python, f"[{extras}]", sorted(keep.values()), scratch)
        pins = [f"{i['metadata']['name']}=={i['metadata']['version']}" for i in union]
        closures = {}
        for need, (extra, _, _) in NEEDS.items():
            closures[need] = resolve(python, f"[{extra}]" if extra else "", pins, scratch)
    runtime = {canonicalize_name(i["metadata"]["name"]) for i in closures["runtime"]}
    for need, (extra, _, _) in NEEDS.items():
        items = closures[need]
        if extra:
            items = [i for i in items if canonicalize_name(i["metadata"]["name"]) not in runtime]
        write_lock(need, items, parents(closures[need], extra))
        print(f"requirements/{need}.txt: {len(items)} packages", file=sys.stderr)


if __name__ == "__main__":
    main()
