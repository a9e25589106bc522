"""Document-level splits of the gold, recorded in ``annotations/splits.yaml``.

Each gold document has exactly one split; a recorded assignment is never changed by a later
snapshot, so a model evaluated on ``test`` can never have been trained on it through a reshuffle.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from warta.errors import WartaError

SPLITS = ("train", "validation", "test")
DEFAULT_SPLIT = "test"


HEADER = (
    "# Split of every gold document (doc_id: split), frozen: a document never moves. The gold\n"
    "# sample was split by source with `warta annotate sample`; other new gold goes to test.\n"
)


def assign_splits(path: Path, doc_ids) -> dict[str, str]:
    """Each gold document's split, from the recorded assignments; new documents go to test."""
    assigned = read_splits(path)
    new = {doc_id: DEFAULT_SPLIT for doc_id in doc_ids if doc_id not in assigned}
    if new:
        assigned = record_splits(path, new)
    return {doc_id: assigned[doc_id] for doc_id in doc_ids}


# The gold sample's split, by source: at least a quarter in test (issue: >= 25%, >= 56 documents),
# a validation set for model selection, the rest to train on.
FRACTIONS = {"train": 0.55, "validation": 0.15, "test": 0.30}


def stratified_splits(
    sources: dict[str, str],
    assigned: dict[str, str],
    *,
    fractions: dict[str, float] = FRACTIONS,
    seed: int = 0,
) -> dict[str, str]:
    """Splits for the documents of ``sources`` (doc_id -> source) not yet ``assigned``.

    Within each source the new documents are shuffled with ``seed`` and cut so that each source's
    documents (assigned ones included) come as close as possible to ``fractions``. Assigned
    documents never move.
    """
    import random

    new: dict[str, str] = {}
    by_source: dict[str, list[str]] = {}
    for doc_id, source in sorted(sources.items()):
        by_source.setdefault(source, []).append(doc_id)
    for source, doc_ids in sorted(by_source.items()):
        counts = {split: 0 for split in SPLITS}
        for doc_id in doc_ids:
            if doc_id in assigned:
                counts[assigned[doc_id]] += 1
        todo = [d for d in doc_ids if d not in assigned]
        random.Random(f"{seed}:{source}").shuffle(todo)
        for doc_id in todo:
            total = sum(counts.values()) + 1
            split = max(SPLITS, key=lambda s: (fractions[s] * total - counts[s], -SPLITS.index(s)))
            counts[split] += 1
            new[doc_id] = split
    return new


def record_splits(path: Path, new: dict[str, str]) -> dict[str, str]:
    """Add ``new`` assignments to the splits file; refuses to move a recorded document."""
    from warta.store import write_atomic

    assigned = read_splits(path)
    moved = {d: (assigned[d], s) for d, s in new.items() if d in assigned and assigned[d] != s}
    if moved:
        doc_id, (old, split) = next(iter(moved.items()))
        raise WartaError(
            f"{path}: {len(moved)} document(s) would move between splits, e.g. {doc_id} from "
            f"{old} to {split}; splits are frozen"
        )
    assigned.update(new)
    write_atomic(path, (HEADER + yaml.safe_dump(dict(sorted(assigned.items())))).encode())
    return assigned


def read_splits(path: Path) -> dict[str, str]:
    """The recorded splits (doc_id -> split), checked."""
    assigned = {}
    if path.exists():
        try:
            assigned = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as err:
            raise WartaError(f"{path}: not YAML ({' '.join(str(err).split())})") from None
    if not isinstance(assigned, dict):
        raise WartaError(f"{path}: expected doc_id: split lines")
    for doc_id, split in assigned.items():
        if split not in SPLITS:
            raise WartaError(
                f"{path}: {doc_id} has unknown split {split!r} (splits: {', '.join(SPLITS)})"
            )
    return assigned
