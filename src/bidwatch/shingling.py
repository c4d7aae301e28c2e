"""Character shingles and MinHash for comparing documents: shared by the scan's text indicators
(:mod:`bidwatch.indicators.textsim`, 第40条(四)) and the bid-file comparison (:mod:`bidwatch.documents`).

Kept apart from the indicator catalogue so that a document worker process imports numpy and datasketch
only (importing ``bidwatch.indicators`` registers every indicator and pulls in scikit-learn).
"""

from __future__ import annotations

import functools
import re
from typing import Any

import numpy as np

MINHASH_SEED = 20240501
_NOT_TEXT = re.compile(r"[\W_]+", re.UNICODE)


def normalise_text(text: str) -> str:
    """Letters and digits only: layout, spaces and punctuation do not make documents differ."""
    return _NOT_TEXT.sub("", text)


def shingles(text: str, k: int = 3) -> np.ndarray:
    """Sorted unique k-character shingles of a normalised text, each packed exactly into a uint64."""
    # one sort and a mask: np.unique's hash table and the sort of its result cost twice as much here
    packed = np.sort(shingles_in_order(text, k))
    if len(packed) < 2:
        return packed
    return packed[np.concatenate(([True], packed[1:] != packed[:-1]))]


def _mix32(values: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser, top 32 bits: the 32-bit hash datasketch's MinHash expects."""
    with np.errstate(over="ignore"):
        z = values + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return z >> np.uint64(32)


@functools.cache
def _permutations(num_perm: int) -> tuple[Any, str]:
    # drawing the permutations costs more than hashing a document: draw them once per size. datasketch is imported
    # here, on first use: its package imports scipy.integrate (0.5 s), which a scan without documents never needs
    from datasketch import MinHash

    template = MinHash(num_perm=num_perm, seed=MINHASH_SEED)
    return template.permutations, template.scheme


_U32_MAX = np.uint32(0xFFFFFFFF)


def _fmix32(hv: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser, as datasketch's ``affine32`` scheme applies it before its permutations."""
    hv = hv ^ (hv >> np.uint32(16))
    hv = hv * np.uint32(0x85EBCA6B)
    hv = hv ^ (hv >> np.uint32(13))
    hv = hv * np.uint32(0xC2B2AE35)
    return hv ^ (hv >> np.uint32(16))


def minhash_signature(shingle_set: np.ndarray, num_perm: int) -> np.ndarray:
    """The datasketch MinHash of the shingles (its permutations, seed and scheme), as uint64.

    For datasketch's ``affine32`` scheme the same arithmetic runs here on the whole array: ``update_batch`` takes
    a Python list and hashes it value by value, two thirds of the MinHash time of a scan's 5,875 documents.
    tests/test_shingling.py checks the values against datasketch's own for every scheme it may return."""
    permutations, scheme = _permutations(num_perm)
    if scheme == "affine32":
        if not len(shingle_set):
            return np.full(num_perm, _U32_MAX, dtype=np.uint64)
        a, b = permutations
        hv = _fmix32(_mix32(shingle_set).astype(np.uint32))
        with np.errstate(over="ignore"):
            return (hv[:, None] * a + b).min(axis=0).astype(np.uint64)
    from datasketch import MinHash

    m = MinHash(num_perm=num_perm, seed=MINHASH_SEED, hashfunc=int, permutations=permutations, scheme=scheme)
    if len(shingle_set):
        m.update_batch(_mix32(shingle_set).tolist())
    return np.asarray(m.hashvalues, dtype=np.uint64)


def band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """One int64 key per (document, band): the band's rows folded with odd multipliers."""
    sig = signatures[:, : bands * rows].reshape(len(signatures), bands, rows)
    key = np.zeros(sig.shape[:2], dtype=np.uint64)
    with np.errstate(over="ignore"):
        for r in range(rows):
            key = key * np.uint64(0x100000001B3) + sig[:, :, r] + np.uint64(r + 1)
    return key.view(np.int64)


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    if not len(a) or not len(b):
        return 0.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter)


def shared_passages(text_a: str, own_b: np.ndarray, k: int = 3, top: int = 3, min_len: int = 12) -> list[str]:
    """The longest runs of ``text_a`` made of shingles that document B also has (outside the template)."""
    sh = shingles_in_order(text_a, k)
    if not len(sh):
        return []
    hit = np.isin(sh, own_b)
    runs: list[tuple[int, int]] = []
    start = None
    for i, h in enumerate(np.append(hit, False)):
        if h and start is None:
            start = i
        elif not h and start is not None:
            runs.append((i - start + k - 1, start))
            start = None
    runs.sort(reverse=True)
    return [text_a[s : s + n] for n, s in runs[:top] if n >= min_len]


def shingles_in_order(text: str, k: int = 3) -> np.ndarray:
    """The k-character shingles of ``text`` in text order; 21 bits hold any code point, so k ≤ 3 fits."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < k:
        return np.empty(0, dtype=np.uint64)
    packed = np.zeros(len(codes) - k + 1, dtype=np.uint64)
    for i in range(k):
        packed = (packed << np.uint64(21)) | codes[i : len(codes) - k + 1 + i]
    return packed
