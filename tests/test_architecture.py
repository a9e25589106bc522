"""The layers of ARCHITECTURE.md hold: no module imports a package of a higher layer."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO

SRC = REPO / "src" / "warta"
LAYERS = {
    "__init__": 0, "errors": 0,
    "registry": 1,
    "schema": 2, "store": 2,
    "repository": 3,
    "corpus": 4, "metrics": 4, "gold": 4,
    "models": 5,
    "annotations": 6, "dataset": 6,
    "benchmarks": 7,
    "publish": 8,
    "cli": 9,
    "__main__": 10,
}  # fmt: skip


def package_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("warta"):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("warta")}
    return found


def test_every_package_has_a_layer():
    packages = {
        p.stem if p.is_file() else p.name
        for p in SRC.iterdir()
        if p.suffix == ".py" or (p / "__init__.py").exists()
    }
    assert packages <= LAYERS.keys(), f"add {sorted(packages - LAYERS.keys())} to ARCHITECTURE.md"


def test_no_module_imports_a_higher_layer():
    upward = []
    for path in sorted(SRC.rglob("*.py")):
        own = path.relative_to(SRC).parts[0].removesuffix(".py")
        for module in imports(path):
            target = package_of(module)
            if target != own and LAYERS[target] >= LAYERS[own]:
                upward.append(f"{path.relative_to(REPO)} imports {module}")
    assert upward == [], "\n".join(upward)
