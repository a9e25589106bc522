"""True/false positive counts that know how to become precision, recall and F1."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass


class _Rates:
    """Precision, recall and F1 as one dict, for counts that define the three."""

    precision: float
    recall: float
    f1: float

    def rates(self) -> dict[str, float]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1}


@dataclass(frozen=True)
class Counts(_Rates):
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        denominator = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / denominator if denominator else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, **self.rates()}


def set_counts(gold: Iterable[Hashable], predicted: Iterable[Hashable]) -> Counts:
    """Counts of an exact match between two sets (duplicates count once)."""
    gold, predicted = set(gold), set(predicted)
    both = len(gold & predicted)
    return Counts(both, len(predicted) - both, len(gold) - both)


SEMEVAL_FIELDS = ("cor", "inc", "par", "mis", "spu")


@dataclass(frozen=True)
class SchemeCounts(_Rates):
    """SemEval-2013 9.1 counts: correct, incorrect, partial, missed, spurious (nervaluate's names)."""

    cor: int = 0
    inc: int = 0
    par: int = 0
    mis: int = 0
    spu: int = 0

    def __add__(self, other: SchemeCounts) -> SchemeCounts:
        return SchemeCounts(*(a + b for a, b in zip(self.astuple(), other.astuple(), strict=True)))

    def astuple(self) -> tuple[int, int, int, int, int]:
        return (self.cor, self.inc, self.par, self.mis, self.spu)

    @property
    def possible(self) -> int:
        return self.cor + self.inc + self.par + self.mis

    @property
    def actual(self) -> int:
        return self.cor + self.inc + self.par + self.spu

    @property
    def precision(self) -> float:
        # PAR is 0 under strict and exact, so one formula serves all four schemes bit for bit.
        return (self.cor + 0.5 * self.par) / self.actual if self.actual else 0.0

    @property
    def recall(self) -> float:
        return (self.cor + 0.5 * self.par) / self.possible if self.possible else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            **dict(zip(SEMEVAL_FIELDS, self.astuple(), strict=True)),
            "possible": self.possible,
            "actual": self.actual,
            **self.rates(),
        }
