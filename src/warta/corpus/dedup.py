"""Near-duplicates: the same story must not enter the corpus twice under two ids.

Exact duplicates share a ``doc_id`` (the hash of the normalised text) and the ingest driver drops
them. This index catches the rest, on the clean text of each article, in two ways:

- **Similar as a whole** (a story from an HTML page and a .txt, two IndoSum folds, an agency text
  in two outlets): MinHash (``datasketch``, 128 permutations) of the word 5-grams of the text, its
  words lowercased and punctuation dropped, so pre-tokenised "Senin ( 27 / 3 )" and "Senin (27/3)"
  shingle alike. An LSH index gives the candidates; a candidate is a near-duplicate when the
  MinHash estimate of the Jaccard similarity of the two shingle sets is at least 0.5.
- **One inside the other** (a page carrying the first paragraphs of an article, a fold that
  truncates it): the Jaccard similarity of an excerpt and the whole is as small as the excerpt is
  short (the seed's blog page, three of its paragraphs: 0.09), so the paragraphs are fingerprinted
  too: the words of each paragraph of 8 words or more hash to 64 bits, and a document is a
  near-duplicate when at least 80% of the fingerprinted words of the shorter one are in paragraphs
  of the other, 40 words at least.

Thresholds measured on the 2,996 records of IndoSum's four dev folds, the 123 NTREX-128 documents
and the seed with its blog page (``benchmarks/quality/near_duplicates.py``): the 12 pairs of one
id in two folds with different texts have Jaccard 0.73-0.99 and containment 1.0, the next pair
0.24 and 0.06 (two different stories on one topic), the blog page 0.09 and 1.0.

Cost: the index is built by streaming (the parent version a record batch at a time) and keeps no
text: a 512-byte signature, 25 band keys and the paragraph fingerprints at about 12 bytes each, a
document; 0.9 KB a document measured at 10^5 documents (1.3 KB with fixed buffers). A signature
takes about 1 ms for a seed-sized article (7 KB); a lookup 0.7 ms among 10^5 documents.
"""

from __future__ import annotations

import hashlib
import re
from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

SHINGLE_WORDS = 5
NUM_PERM = 128
MINHASH_SEED = 1
JACCARD_THRESHOLD = 0.5
CONTAINMENT_THRESHOLD = 0.8
MIN_PARAGRAPH_WORDS = 8
"""Shorter paragraphs ("Babak pertama", "Susunan pemain") recur across unrelated stories."""
MIN_SHARED_WORDS = 40
MAX_PARAGRAPH_DOCUMENTS = 100
"""A paragraph in more documents than this is a formula, not a story: it counts for none."""

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class NearDuplicate:
    """A document kept out (or flagged) as the same story as one already in the index."""

    doc_id: str
    duplicate_of: str
    similarity: float  # the estimated Jaccard similarity, or the containment of the shorter
    measure: str  # "jaccard" or "containment"


def words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[str]:
    """Word n-grams of a text (the whole text if it is shorter than one)."""
    tokens = words(text)
    if len(tokens) <= size:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


def signature(text: str):
    """The MinHash of the text's shingles (``datasketch.MinHash``, affine32 scheme: uint32 values)."""
    from datasketch import MinHash

    minhash = MinHash(num_perm=NUM_PERM, scheme="affine32", permutations=_template().permutations)
    minhash.update_batch([s.encode() for s in shingles(text)])
    return minhash


@lru_cache(maxsize=1)
def _template():
    """A MinHash whose permutations every signature shares (drawing them costs more than hashing)."""
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, scheme="affine32")


def paragraph_fingerprints(text: str) -> dict[int, int]:
    """64-bit fingerprint -> word count of each paragraph long enough to identify a story."""
    prints = {}
    for paragraph in text.split("\n\n"):
        tokens = words(paragraph)
        if len(tokens) >= MIN_PARAGRAPH_WORDS:
            digest = hashlib.blake2b(" ".join(tokens).encode(), digest_size=8).digest()
            prints[int.from_bytes(digest, "big")] = len(tokens)
    return prints


class _Multimap:
    """64-bit keys to document numbers, about 12 bytes a pair: sorted numpy runs, plus a dict of
    the latest pairs that becomes a run when it fills; runs of like size merge, so a lookup
    searches a logarithmic number of them."""

    def __init__(self, flush_at: int = 1 << 16) -> None:
        self._flush_at = flush_at
        self._latest: dict[int, list[int]] = {}
        self._latest_pairs = 0
        self._runs: list[tuple[np.ndarray, np.ndarray]] = []

    def add(self, keys: list[int], number: int) -> None:
        for key in keys:
            self._latest.setdefault(key, []).append(number)
        self._latest_pairs += len(keys)
        if self._latest_pairs >= self._flush_at:
            self._flush()

    def get(self, keys: list[int]) -> list[list[int]]:
        """The document numbers under each key."""
        found: list[list[int]] = [list(self._latest.get(key, ())) for key in keys]
        wanted = np.array(keys, dtype=np.uint64)
        for run_keys, run_numbers in self._runs:
            lo = np.searchsorted(run_keys, wanted, "left")
            hi = np.searchsorted(run_keys, wanted, "right")
            for i in np.flatnonzero(hi > lo):
                found[i].extend(run_numbers[lo[i] : hi[i]].tolist())
        return found

    def _flush(self) -> None:
        pairs = [(key, number) for key, numbers in self._latest.items() for number in numbers]
        keys = np.fromiter((k for k, _ in pairs), dtype=np.uint64, count=len(pairs))
        numbers = np.fromiter((n for _, n in pairs), dtype=np.int32, count=len(pairs))
        order = np.argsort(keys, kind="stable")
        self._runs.append((keys[order], numbers[order]))
        self._latest, self._latest_pairs = {}, 0
        while len(self._runs) > 1 and len(self._runs[-2][0]) <= 2 * len(self._runs[-1][0]):
            (k1, n1), (k2, n2) = self._runs.pop(), self._runs.pop()
            keys, numbers = np.concatenate([k2, k1]), np.concatenate([n2, n1])
            order = np.argsort(keys, kind="stable")
            self._runs.append((keys[order], numbers[order]))


class _Signatures:
    """MinHash values of every indexed document, 512 bytes each, in blocks that never move."""

    BLOCK = 4096

    def __init__(self) -> None:
        self._blocks: list[np.ndarray] = []
        self._count = 0

    def append(self, values: np.ndarray) -> None:
        if self._count % self.BLOCK == 0:
            self._blocks.append(np.empty((self.BLOCK, NUM_PERM), dtype=np.uint32))
        self._blocks[-1][self._count % self.BLOCK] = values
        self._count += 1

    def rows(self, numbers: list[int]) -> np.ndarray:
        return np.stack([self._blocks[n // self.BLOCK][n % self.BLOCK] for n in numbers])


class NearDuplicateIndex:
    """Documents seen so far (the parent version's, then the batch's), queried one at a time.

    The LSH banding is datasketch's for the threshold (``MinHashLSH``'s bands and rows: 25 bands
    of 5 values for 0.5), kept in compact sorted runs rather than in ``MinHashLSH``'s own tables,
    which hold about 8 KB a document in Python sets (measured): too much for a corpus of 10^5.
    """

    def __init__(
        self, jaccard: float = JACCARD_THRESHOLD, containment: float = CONTAINMENT_THRESHOLD
    ) -> None:
        from datasketch import MinHashLSH

        self.jaccard = jaccard
        self.containment = containment
        parameters = MinHashLSH(threshold=jaccard, num_perm=NUM_PERM)
        self._band_count, self._band_rows = parameters.b, parameters.r
        self._ids: list[str] = []
        self._signatures = _Signatures()
        self._bands = _Multimap()
        self._paragraphs = _Multimap()
        self._printed_words = array("I")

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, doc_id: str, text: str, minhash=None) -> None:
        """Index a document; the caller adds each id once (ingest has already dropped repeats)."""
        minhash = minhash if minhash is not None else signature(text)
        values = minhash.hashvalues.astype(np.uint32)
        number = len(self._ids)
        self._ids.append(doc_id)
        self._signatures.append(values)
        self._bands.add(self._band_keys(values), number)
        prints = paragraph_fingerprints(text)
        self._paragraphs.add(list(prints), number)
        self._printed_words.append(sum(prints.values()))

    def add_all(self, documents: Iterable[tuple[str, str]]) -> None:
        for doc_id, text in documents:
            self.add(doc_id, text)

    def find(self, doc_id: str, text: str, minhash=None) -> NearDuplicate | None:
        """The indexed document this one duplicates (the most similar), or None."""
        minhash = minhash if minhash is not None else signature(text)
        return self._most_similar(doc_id, minhash) or self._containing(doc_id, text)

    def check(
        self, doc_id: str, text: str, *, add_if_duplicate: bool = False
    ) -> NearDuplicate | None:
        """``find``, and index the document when it duplicates nothing (or when asked to)."""
        minhash = signature(text)
        match = self.find(doc_id, text, minhash)
        if match is None or add_if_duplicate:
            self.add(doc_id, text, minhash)
        return match

    def _band_keys(self, values: np.ndarray) -> list[int]:
        """One 64-bit key per band: its rows and its index, mixed (a collision only costs a check)."""
        used = self._band_count * self._band_rows
        bands = values[:used].reshape(self._band_count, self._band_rows).astype(np.uint64)
        with np.errstate(over="ignore"):
            keys = (bands * _ROW_MULTIPLIERS[: self._band_rows]).sum(axis=1, dtype=np.uint64)
            keys = _mix(keys ^ _BAND_SALTS[: self._band_count])
        return keys.tolist()

    def _most_similar(self, doc_id: str, minhash) -> NearDuplicate | None:
        values = minhash.hashvalues.astype(np.uint32)
        candidates = sorted({n for hits in self._bands.get(self._band_keys(values)) for n in hits})
        candidates = [n for n in candidates if self._ids[n] != doc_id]
        if not candidates:
            return None
        scores = (self._signatures.rows(candidates) == values).sum(axis=1) / NUM_PERM
        best = int(np.argmax(scores))  # the first (earliest indexed) of the most similar
        if scores[best] < self.jaccard:
            return None
        return NearDuplicate(
            doc_id, self._ids[candidates[best]], round(float(scores[best]), 4), "jaccard"
        )

    def _containing(self, doc_id: str, text: str) -> NearDuplicate | None:
        prints = paragraph_fingerprints(text)
        if not prints:
            return None
        shared: Counter[int] = Counter()
        for count, holders in zip(prints.values(), self._paragraphs.get(list(prints)), strict=True):
            if len(holders) <= MAX_PARAGRAPH_DOCUMENTS:
                for number in set(holders):
                    shared[number] += count
        total = sum(prints.values())
        best: tuple[float, int] | None = None
        for number, common in sorted(shared.items()):
            if common < MIN_SHARED_WORDS or self._ids[number] == doc_id:
                continue
            score = min(common / min(total, self._printed_words[number]), 1.0)
            if score >= self.containment and (best is None or score > best[0]):
                best = (score, number)
        if best is None:
            return None
        return NearDuplicate(doc_id, self._ids[best[1]], round(best[0], 4), "containment")


_RANDOM = np.random.default_rng(20240601)
_ROW_MULTIPLIERS = _RANDOM.integers(1, 2**63, size=NUM_PERM, dtype=np.uint64) | np.uint64(1)
_BAND_SALTS = _RANDOM.integers(0, 2**63, size=NUM_PERM, dtype=np.uint64)


def _mix(keys: np.ndarray) -> np.ndarray:
    """The 64-bit MurmurHash3 finaliser: spreads the linear band sums over all 64 bits."""
    keys = keys ^ (keys >> np.uint64(33))
    keys = keys * np.uint64(0xFF51AFD7ED558CCD)
    keys = keys ^ (keys >> np.uint64(33))
    keys = keys * np.uint64(0xC4CEB9FE1A85EC53)
    return keys ^ (keys >> np.uint64(33))
