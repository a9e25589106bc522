"""A benchmark result and its provenance, as one JSON file per leaderboard entry.

A result records the resolved config and its hash, the git commit, the corpus and gold versions
with their content hashes, package versions, seed, date, every metric with its confidence
interval, per-unit counts (for paired tests) and each unit's source (for per-source figures),
per-type figures, the most frequent errors per type, what the entry was trained on (reproduced by
the runner, or self-reported by a submission's manifest) and the per-document predictions.
Format 2 added the source, errors and training records; a format 1 file is refused by name.
"""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from warta.errors import WartaError
from warta.store import write_atomic

RESULT_FORMAT = "warta-result/2"
PACKAGES = (
    "warta",
    "datasets",
    "pyarrow",
    "numpy",
    "hydra-core",
    "scikit-learn",
    "sklearn-crfsuite",
)


@dataclass
class MetricValue:
    value: float
    precision: float
    recall: float
    ci_low: float
    ci_high: float
    confidence: float


@dataclass
class BenchmarkResult:
    entry: str
    task: str
    protocol: str
    unit: str
    model_version: str
    config: dict
    config_sha256: str
    git_commit: str | None
    corpus: dict
    gold: dict
    seed: int
    metrics: dict[str, MetricValue]
    per_type: dict[str, dict[str, float]]
    types_scored: list[str]
    unit_counts: dict[str, dict[str, list[int]]]
    predictions: list[dict]
    packages: dict[str, str] = field(default_factory=dict)
    unit_sources: dict[str, str] = field(default_factory=dict)  # unit_id -> corpus source
    errors: dict[str, list[list]] = field(default_factory=dict)  # type -> [[label, count]]
    training: dict = field(default_factory=dict)  # kind, model, training_data, warta_test_seen
    n_resamples: int = 1000
    date: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    python: str = field(default_factory=platform.python_version)
    format: str = RESULT_FORMAT

    def path_in(self, results_dir: Path) -> Path:
        return (
            results_dir / self.task / self.protocol / f"{self.entry}-{self.config_sha256[:10]}.json"
        )

    def write(self, results_dir: Path) -> Path:
        path = self.path_in(results_dir)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(asdict(self), indent=1, ensure_ascii=False).encode() + b"\n")
        return path

    @classmethod
    def read(cls, path: Path) -> BenchmarkResult:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != RESULT_FORMAT:
                raise WartaError(
                    f"{path}: not a {RESULT_FORMAT} result (format {data.get('format')!r}): "
                    "rerun it"
                )
            data["metrics"] = {k: MetricValue(**v) for k, v in data["metrics"].items()}
            return cls(**data)
        except (OSError, ValueError, TypeError) as err:
            raise WartaError(f"{path}: unreadable result ({type(err).__name__}: {err})") from None


def config_hash(config: dict) -> str:
    return hashlib.sha256(json.dumps(config, sort_keys=True, default=str).encode()).hexdigest()


def git_commit(root: Path) -> str | None:
    """The checkout's commit, with ``+dirty`` when tracked files changed since it."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return f"{commit}+dirty" if dirty else commit


def package_versions() -> dict[str, str]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions
