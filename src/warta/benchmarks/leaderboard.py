"""The leaderboard: results ranked per task and protocol, only when they are comparable and honest.

Results rank together only if they were scored on the same gold (content hash), with the same
units and the same versioned metric names; an entry that saw Warta test documents, or a submission
that does not declare its training data, is never ranked. Anything not ranked is listed with the
reason. Each entry is compared with the leader by a paired bootstrap over the same units; per
source (NTREX translations, IndoSum, the seed ...) each entry's score has its own interval. Where
too few units exist for an interval (one document), the board says "n/a (1 unit)".
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from warta.benchmarks.results import BenchmarkResult
from warta.errors import WartaError
from warta.metrics.bootstrap import bootstrap_ci, paired_bootstrap
from warta.metrics.registry import METRICS, PRIMARY

SECONDARY = {"ner": "entity_f1_partial_v1", "events": "argument_f1_cls_v1"}
SIGNIFICANCE = 0.05


@dataclass(frozen=True)
class Interval:
    """A score with its bootstrap interval over ``units`` units (no interval below two)."""

    value: float
    low: float
    high: float
    units: int

    @property
    def estimable(self) -> bool:
        return self.units >= 2

    def interval_text(self) -> str:
        if not self.estimable:
            return not_estimable(self.units)
        return f"{self.low:.3f}-{self.high:.3f}"

    def text(self) -> str:
        return f"{self.value:.3f} ({self.interval_text()})"


def not_estimable(units: int) -> str:
    return f"n/a ({units} unit{'' if units == 1 else 's'})"


@dataclass
class Entry:
    result: BenchmarkResult
    path: Path
    p_vs_leader: float | None = None
    by_source: dict[str, Interval] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.result.entry} ({self.result.config_sha256[:6]})"

    @property
    def units(self) -> int:
        return len(self.result.unit_counts["units"])

    @property
    def kind(self) -> str:
        return self.result.training.get("kind", "reproduced")

    @property
    def trained_on(self) -> str:
        return "; ".join(self.result.training.get("training_data") or ["undeclared"])

    def score(self, metric: str) -> Interval:
        value = self.result.metrics[metric]
        return Interval(value.value, value.ci_low, value.ci_high, self.units)

    def p_text(self, rank: int) -> str:
        if rank == 1:
            return "leader"
        if self.p_vs_leader is None:
            return not_estimable(self.units)
        mark = " *" if self.p_vs_leader < SIGNIFICANCE else ""
        return f"{self.p_vs_leader:.3f}{mark}"


@dataclass
class Board:
    task: str
    protocol: str
    primary: str
    gold: str | None
    entries: list[Entry] = field(default_factory=list)
    excluded: list[tuple[Path, str]] = field(default_factory=list)

    @property
    def key(self) -> str:
        """A plain id for the board (HTML anchors, file names): ``ner-test``."""
        return f"{self.task}-{self.protocol}"

    @property
    def confidence(self) -> str:
        """The confidence level of the entries' intervals, as configured when they were scored."""
        levels = sorted({e.result.metrics[self.primary].confidence for e in self.entries})
        return "/".join(f"{level:.0%}" for level in levels) or "-"

    @property
    def sources(self) -> list[str]:
        return sorted({s for e in self.entries for s in e.by_source})

    @property
    def types(self) -> list[str]:
        return sorted({t for e in self.entries for t in e.result.per_type})


def load_results(results_dir: Path) -> list[tuple[Path, BenchmarkResult | str]]:
    """Every result file; one that cannot be read comes with the reason instead."""
    found: list[tuple[Path, BenchmarkResult | str]] = []
    for path in sorted(results_dir.rglob("*.json")):
        try:
            found.append((path, BenchmarkResult.read(path)))
        except WartaError as err:
            found.append((path, str(err).removeprefix(f"{path}: ")))
    return found


def build_boards(
    results: list[tuple[Path, BenchmarkResult | str]],
    gold_version: str | None,
    gold_sha: str | None,
) -> list[Board]:
    """One board per (task, protocol), ranked by the primary metric, with exclusions explained."""
    groups: dict[tuple[str, str], list] = defaultdict(list)
    for path, result in results:
        if isinstance(result, str):
            groups[path.parent.parent.name, path.parent.name].append((path, result))
        else:
            groups[result.task, result.protocol].append((path, result))
    boards = []
    for (task, protocol), members in sorted(groups.items()):
        if task not in PRIMARY:
            continue
        readable = [(p, r) for p, r in members if not isinstance(r, str)]
        board = Board(task, protocol, PRIMARY[task], gold_version)
        board.excluded += [(p, r) for p, r in members if isinstance(r, str)]
        if protocol.startswith("external-") and readable:
            newest = max(readable, key=lambda m: m[1].date)[1]
            version, sha = newest.gold["version"], newest.gold["content_sha256"]
            board.gold = version
        else:
            version, sha = gold_version, gold_sha
        _rank(board, readable, version, sha)
        boards.append(board)
    return boards


def _rank(board: Board, members, version: str | None, sha: str | None) -> None:
    current = []
    for path, result in members:
        reason = _not_current(result, version, sha) or _dishonest(result)
        if reason:
            board.excluded.append((path, reason))
        else:
            current.append((path, result))
    scored = [r for _, r in current if board.primary in r.metrics]
    reference = max(scored, key=lambda r: r.date) if scored else None
    for path, result in current:
        reason = _incomparable(result, reference, board.primary)
        if reason:
            board.excluded.append((path, reason))
        else:
            board.entries.append(Entry(result, path))
    board.entries.sort(key=lambda e: (-e.result.metrics[board.primary].value, e.result.entry))
    _paired_tests(board)
    for entry in board.entries:
        entry.by_source = source_scores(entry.result, board.primary)


def _not_current(result: BenchmarkResult, version: str | None, sha: str | None) -> str | None:
    if result.gold.get("content_sha256") == sha:
        return None
    return (
        f"scored on gold {result.gold.get('version')} "
        f"({str(result.gold.get('content_sha256'))[:8]}), not the current gold "
        f"{version} ({str(sha)[:8]}): rerun it"
    )


def _dishonest(result: BenchmarkResult) -> str | None:
    """Why an entry may not be ranked for what it was trained on, if so."""
    training = result.training
    if training.get("warta_test_seen") is True:
        return "saw Warta test documents (its manifest says so): never ranked"
    if training.get("kind") == "self-reported" and not training.get("training_data"):
        return (
            "declares no training data: a predictions file needs a manifest line "
            "(see warta.models.predictions)"
        )
    return None


def _incomparable(
    result: BenchmarkResult, reference: BenchmarkResult | None, primary: str
) -> str | None:
    if reference is None or primary not in result.metrics:
        versions = ", ".join(
            sorted(k for k in result.metrics if k.startswith(primary.rsplit("_v", 1)[0]))
        )
        return f"metric {primary} missing (has {versions or 'none'}): scored with another metric version"
    if set(result.metrics) != set(reference.metrics):
        return "metric versions differ from the newest result's: rerun it"
    if (
        result.unit != reference.unit
        or result.unit_counts["units"] != reference.unit_counts["units"]
    ):
        return f"scored on other units ({result.unit}s) than the newest result ({reference.unit}s)"
    return None


def _paired_tests(board: Board) -> None:
    if len(board.entries) < 2:
        return
    leader = board.entries[0].result
    statistic = METRICS.get(board.primary).interval
    counts_leader = np.asarray(leader.unit_counts[board.primary])
    for entry in board.entries[1:]:
        if len(counts_leader) < 2:
            continue  # one unit: every resample is the same, so a p-value would mean nothing
        test = paired_bootstrap(
            counts_leader,
            np.asarray(entry.result.unit_counts[board.primary]),
            statistic,
            n_resamples=leader.n_resamples,
            seed=leader.seed,
        )
        entry.p_vs_leader = test.p_value


def source_scores(result: BenchmarkResult, metric: str) -> dict[str, Interval]:
    """The metric over the units of each source, with a bootstrap interval over those units."""
    statistic = METRICS.get(metric).interval
    counts = np.asarray(result.unit_counts[metric], dtype=np.float64)
    by_source: dict[str, list[int]] = defaultdict(list)
    for index, unit in enumerate(result.unit_counts["units"]):
        by_source[result.unit_sources.get(unit, "unlisted")].append(index)
    found = {}
    for source, indices in sorted(by_source.items()):
        subset = counts[indices]
        value = float(statistic(subset.sum(axis=0)))
        low = high = value
        if len(indices) >= 2:
            ci = bootstrap_ci(
                subset,
                statistic,
                n_resamples=result.n_resamples,
                confidence=result.metrics[metric].confidence,
                seed=result.seed,
            )
            low, high = ci.low, ci.high
        found[source] = Interval(value, low, high, len(indices))
    return found


def protocol_note(board: Board) -> str:
    if board.protocol == "cv" and any(e.result.unit == "block" for e in board.entries):
        return (
            "Protocol cv: k-fold cross-validation over the blocks (paragraphs, captions, "
            "headlines) of the train and validation documents, fewer than the folds."
        )
    if board.protocol == "cv":
        return "Protocol cv: k-fold cross-validation over the train and validation documents."
    if board.protocol.startswith("external-"):
        return (
            f"External human gold ({board.gold}): models trained on the Warta train split, "
            "evaluated on another corpus's sentences, Warta types mapped onto its tag set by a "
            "declared label map (cross-corpus generalisation)."
        )
    return (
        "Protocol test: trained on the Warta train split (validation for model selection) and "
        "on the public data each entry names, evaluated on the test split, one unit per document."
    )
