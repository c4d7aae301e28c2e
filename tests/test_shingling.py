"""The MinHash and shingles of bidwatch.shingling against datasketch's and numpy's own (they are computed on whole
arrays for speed; these tests keep them equal)."""

from __future__ import annotations

import numpy as np
import pytest
from datasketch import MinHash

from bidwatch import shingling
from bidwatch.shingling import MINHASH_SEED, _mix32, minhash_signature, shingles, shingles_in_order


def _datasketch(shingle_set: np.ndarray, num_perm: int, scheme: str) -> np.ndarray:
    m = MinHash(num_perm=num_perm, seed=MINHASH_SEED, hashfunc=int, scheme=scheme)
    if len(shingle_set):
        m.update_batch(_mix32(shingle_set).tolist())
    return np.asarray(m.hashvalues, dtype=np.uint64)


@pytest.mark.parametrize("size", [0, 1, 7, 500, 5000])
def test_signature_equals_datasketch(size):
    rng = np.random.default_rng(size)
    values = np.unique(rng.integers(0, 2**63, size=size, dtype=np.uint64))
    scheme = shingling._permutations(128)[1]
    assert np.array_equal(minhash_signature(values, 128), _datasketch(values, 128, scheme))


def test_signature_of_another_scheme_goes_through_datasketch(monkeypatch):
    template = MinHash(num_perm=64, seed=MINHASH_SEED, scheme="affine64")
    monkeypatch.setattr(shingling, "_permutations", lambda n: (template.permutations, "affine64"))
    values = np.arange(1, 300, dtype=np.uint64) * np.uint64(7919)
    assert np.array_equal(minhash_signature(values, 64), _datasketch(values, 64, "affine64"))


def test_signature_tells_near_duplicates_from_strangers():
    a = shingles("本工程投标文件由我公司编制施工组织设计详见附件第三章质量保证措施" * 3)
    b = shingles("本工程投标文件由我公司编制施工组织设计详见附件第三章安全保证措施" * 3)
    c = shingles("桥梁养护工程监理服务报价说明与人员配置计划书另册装订")
    sa, sb, sc = (minhash_signature(x, 128) for x in (a, b, c))
    assert (sa == sb).mean() > 0.6 > (sa == sc).mean()


@pytest.mark.parametrize("text", ["", "ab", "abc", "aaaa", "投标文件投标文件投标", "x1y2z3x1y2z3" * 40])
def test_shingles_are_numpys_unique(text):
    assert np.array_equal(shingles(text), np.unique(shingles_in_order(text)))
