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


def assign_splits(path: Path, doc_ids) -> dict[str, str]:
    """Each gold document's split, from the recorded assignments; new documents go to test."""
    from warta.store import write_atomic

    assigned: dict[str, str] = {}
    if path.exists():
        assigned = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for doc_id, split in assigned.items():
        if split not in SPLITS:
            raise WartaError(
                f"{path}: {doc_id} has unknown split {split!r} (splits: {', '.join(SPLITS)})"
            )
    new = {doc_id: DEFAULT_SPLIT for doc_id in doc_ids if doc_id not in assigned}
    if new:
        assigned.update(new)
        header = "# Split of every gold document (doc_id: split). New gold documents go to test.\n"
        write_atomic(path, (header + yaml.safe_dump(dict(sorted(assigned.items())))).encode())
    return {doc_id: assigned[doc_id] for doc_id in doc_ids}
