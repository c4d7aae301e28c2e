"""Price screens for bid rigging (价格筛查指标), computed from the bids of each tender.

The nine screens of ``/work/shared/datasets/README.md`` (bids sorted ``b1 <= b2 <= ... <= bn``,
``s`` the sample standard deviation, ``L`` the losing bids ``b2..bn``):

========  ======================================  ======
screen    formula                                 needs
========  ======================================  ======
CV        s / mean                                n >= 2
SPD       (bn - b1) / b1                          n >= 2
DIFFP     (b2 - b1) / b1                          n >= 2
RD        (b2 - b1) / sd(L)                       n >= 3
RDNOR     (n - 1)(b2 - b1) / (bn - b1)            n >= 2
RDALT     (n - 2)(b2 - b1) / (bn - b2)            n >= 3
KURT      bias-corrected excess kurtosis (G2)     n >= 4
SKEW      bias-corrected skewness (G1)            n >= 3
KSTEST    KS distance to the uniform on [b1, bn]  n >= 2
========  ======================================  ======

Conventions (the price-screen indicators rely on them, keep them stable):

* Missing prices (NaN) are dropped before anything else; ``n`` counts the remaining bids.
* Below the minimum ``n`` of a screen the value is NaN.
* A zero denominator gives NaN, never ``inf``: all bids equal (``bn == b1``) gives CV = 0, SPD = 0,
  DIFFP = 0 and NaN for RDNOR, KSTEST, SKEW and KURT (the shape of a point mass is undefined);
  equal losing bids (``sd(L) == 0``) give RD = NaN; ``bn == b2`` gives RDALT = NaN; a non-positive
  lowest bid (or mean) gives NaN for SPD and DIFFP (or CV).
* Ties are kept (two equal lowest bids give DIFFP = 0, RD = 0). KSTEST treats tied bids as one step
  of the empirical distribution function, as ``scipy.stats.kstest`` does.

Every function here works on a matrix of sorted bids, one tender (or one subset of bids) per row,
so that tenders with the same number of bids are computed together: :func:`screens_by_tender`
handles about a million bids in a few seconds. Subset screens (Wallimann, Imhof & Huber 2023)
compute the same screens on every 3- and 4-bid subset of a tender and summarise them; when a
tender has more than ``max_subsets`` subsets of a size, ``max_subsets`` of them are drawn at
random with a fixed seed (the same subsets for every tender of the same size, so results are
reproducible and independent of the other tenders in the data).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from itertools import combinations
from math import comb

import numpy as np
import pandas as pd

SCREEN_NAMES: tuple[str, ...] = ("CV", "SPD", "DIFFP", "RD", "RDNOR", "RDALT", "KURT", "SKEW", "KSTEST")
"""Names of the nine screens, in the column order used everywhere."""

MIN_BIDS: dict[str, int] = {
    "CV": 2, "SPD": 2, "DIFFP": 2, "RD": 3, "RDNOR": 2, "RDALT": 3, "KURT": 4, "SKEW": 3, "KSTEST": 2,
}
"""Smallest number of bids for which each screen is defined."""

SUBSET_SIZES: tuple[int, ...] = (3, 4)
SUBSET_STATS: tuple[str, ...] = ("mean", "median", "min", "max")
DEFAULT_MAX_SUBSETS = 128
"""Cap on the subsets of one size drawn per tender (C(12, 4) = 495 and C(70, 4) = 916,895 exceed it)."""

# Elements per block of the subset computation (subset rows × bids): the ~20 temporaries of a block then take
# ~40 MB and stay in the cache; 2M elements (~320 MB of temporaries) cost 10 % more CPU (bench/README.md, 2026-12-06).
_BLOCK_ELEMENTS = 250_000


def _divide(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den with NaN where den is zero or NaN (never inf)."""
    out = np.full(np.broadcast(num, den).shape, np.nan)
    ok = den != 0
    np.divide(num, den, out=out, where=ok)
    return out


#: Up to this many columns NumPy sums a row one element after the other (its pairwise summation starts
#: at 8), so adding the columns in order gives bit for bit the same sums: the row reductions below use
#: that, because a reduction over a short last axis costs far more per element than adding whole columns
#: (the subset screens reduce 3- and 4-column matrices of millions of rows).
_SEQUENTIAL_SUM_MAX = 7


def _row_sum(a: np.ndarray) -> np.ndarray:
    """``a.sum(axis=1)``, bit for bit."""
    if a.shape[1] > _SEQUENTIAL_SUM_MAX or a.shape[1] < 2:
        return a.sum(axis=1)
    out = a[:, 0] + a[:, 1]
    for j in range(2, a.shape[1]):
        out += a[:, j]
    return out


def _row_mean(a: np.ndarray) -> np.ndarray:
    """``a.mean(axis=1)``, bit for bit (NumPy's mean is the sum divided by the count)."""
    return _row_sum(a) / a.shape[1]


def _row_std1(a: np.ndarray) -> np.ndarray:
    """``a.std(axis=1, ddof=1)``, bit for bit (the steps of NumPy's ``_var``: mean, squared deviations,
    sum)."""
    if a.shape[1] > _SEQUENTIAL_SUM_MAX or a.shape[1] < 2:
        return a.std(axis=1, ddof=1)
    dev = a - _row_mean(a)[:, None]
    return np.sqrt(_row_sum(dev * dev) / (a.shape[1] - 1))


def _row_max(a: np.ndarray) -> np.ndarray:
    """``a.max(axis=1)`` (exact in any order; NaN propagates as in ``max``)."""
    if a.shape[1] > _SEQUENTIAL_SUM_MAX or a.shape[1] < 2:
        return a.max(axis=1)
    out = np.maximum(a[:, 0], a[:, 1])
    for j in range(2, a.shape[1]):
        np.maximum(out, a[:, j], out=out)
    return out


def screens_of_sorted(prices: np.ndarray) -> np.ndarray:
    """The nine screens of each row of a matrix of sorted bids.

    Parameters
    ----------
    prices : ndarray of shape (m, n)
        One tender (or subset of bids) per row, sorted ascending, no NaN.

    Returns
    -------
    ndarray of shape (m, 9)
        Columns in the order of :data:`SCREEN_NAMES`.
    """
    p = np.asarray(prices, dtype=float)
    if p.ndim != 2:
        raise ValueError("prices must be a 2-D matrix of sorted bids")
    m, n = p.shape
    out = np.full((m, len(SCREEN_NAMES)), np.nan)
    if n < 2 or m == 0:
        return out
    b1, b2, bn = p[:, 0], p[:, 1], p[:, -1]
    # Shift by the lowest bid: exact zeros for equal bids, and better precision for large prices.
    x = p - b1[:, None]
    gap, spread = x[:, 1], x[:, -1]
    x_mean = _row_mean(x)
    mean = b1 + x_mean
    d = x - x_mean[:, None]
    d[spread == 0] = 0.0  # all bids equal: no rounding noise in the moments
    d2 = d * d
    m2 = _row_sum(d2) / n
    sd = np.sqrt(m2 * n / (n - 1))
    pos_b1 = np.where(b1 > 0, b1, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        out[:, 0] = _divide(sd, np.where(mean > 0, mean, 0.0))
        out[:, 1] = _divide(spread, pos_b1)
        out[:, 2] = _divide(gap, pos_b1)
        out[:, 4] = _divide((n - 1) * gap, spread)
        u = _divide(x, spread[:, None])
        ranks = np.arange(1, n + 1) / n
        out[:, 8] = np.maximum(_row_max(ranks - u), _row_max(u - (ranks - 1.0 / n)))
        if n >= 3:
            losing = x[:, 1:]
            sd_l = _row_std1(losing)
            sd_l[losing[:, -1] == losing[:, 0]] = 0.0
            out[:, 3] = _divide(gap, sd_l)
            out[:, 5] = _divide((n - 2) * gap, bn - b2)
            # products, not ``d**3``: libm's pow was half of this function's time at 1M bids
            m3 = _row_sum(d2 * d) / n
            g1 = _divide(m3, m2**1.5)
            out[:, 7] = g1 * np.sqrt(n * (n - 1.0)) / (n - 2.0)
        if n >= 4:
            m4 = _row_sum(d2 * d2) / n
            g2 = _divide(m4, m2**2) - 3.0
            out[:, 6] = ((n + 1.0) * g2 + 6.0) * (n - 1.0) / ((n - 2.0) * (n - 3.0))
    return out


def tender_screens(prices: np.ndarray | Sequence[float]) -> dict[str, float]:
    """The nine screens of one tender.

    Parameters
    ----------
    prices : array-like of float
        The tender's bids in any order; NaN entries are ignored.

    Returns
    -------
    dict
        ``{"CV": ..., "SPD": ..., ..., "KSTEST": ...}`` with NaN where undefined.

    Examples
    --------
    >>> s = tender_screens([100.0, 110.0, 120.0, 140.0])
    >>> round(s["SPD"], 2), round(s["DIFFP"], 2), round(s["RDNOR"], 2)
    (0.4, 0.1, 0.75)
    """
    p = np.asarray(prices, dtype=float).ravel()
    p = np.sort(p[~np.isnan(p)])
    values = screens_of_sorted(p[None, :])[0]
    return {name: float(v) for name, v in zip(SCREEN_NAMES, values, strict=True)}


def _sorted_groups(
    df: pd.DataFrame, tender_col: str, price_col: str
) -> tuple[pd.Index, np.ndarray, np.ndarray, np.ndarray]:
    """Tender labels, sorted prices, group starts and group sizes (NaN prices dropped)."""
    prices = pd.to_numeric(df[price_col], errors="coerce").to_numpy(dtype=float)
    codes, labels = pd.factorize(df[tender_col], sort=True)
    keep = ~np.isnan(prices) & (codes >= 0)
    prices, codes = prices[keep], codes[keep]
    order = np.lexsort((prices, codes))
    prices, codes = prices[order], codes[order]
    counts = np.bincount(codes, minlength=len(labels))
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    return labels, prices, starts, counts


def _result_frame(labels: pd.Index, tender_col: str, data: dict[str, np.ndarray]) -> pd.DataFrame:
    frame = pd.DataFrame(data)
    frame.insert(0, tender_col, labels.to_numpy() if hasattr(labels, "to_numpy") else labels)
    return frame


def screens_by_tender(df: pd.DataFrame, tender_col: str = "tender_id", price_col: str = "price") -> pd.DataFrame:
    """The nine screens and the number of bids of every tender, vectorised.

    Parameters
    ----------
    df : DataFrame
        One row per bid.
    tender_col, price_col : str
        Column names of the tender key and the bid price.

    Returns
    -------
    DataFrame
        One row per tender (sorted by ``tender_col``): ``tender_col``, ``n`` and the nine screens.
        A tender whose prices are all missing has ``n = 0`` and NaN screens.

    Examples
    --------
    >>> bids = pd.DataFrame({"tender_id": [1, 1, 1, 2, 2], "price": [10.0, 12.0, 11.0, 5.0, 5.0]})
    >>> screens_by_tender(bids)[["tender_id", "n", "SPD"]]
       tender_id  n  SPD
    0          1  3  0.2
    1          2  2  0.0
    """
    labels, prices, starts, counts = _sorted_groups(df, tender_col, price_col)
    values = np.full((len(labels), len(SCREEN_NAMES)), np.nan)
    for n in np.unique(counts):
        if n < 2:
            continue
        rows = np.flatnonzero(counts == n)
        matrix = prices[starts[rows, None] + np.arange(n)]
        values[rows] = screens_of_sorted(matrix)
    data = {"n": counts.astype(int)}
    data.update({name: values[:, j] for j, name in enumerate(SCREEN_NAMES)})
    return _result_frame(labels, tender_col, data)


def subset_index(n: int, k: int, max_subsets: int = DEFAULT_MAX_SUBSETS, seed: int = 0) -> np.ndarray:
    """Positions (into the sorted bids of an ``n``-bid tender) of the ``k``-bid subsets used.

    All ``C(n, k)`` subsets when there are at most ``max_subsets`` of them, otherwise
    ``max_subsets`` distinct subsets drawn with a generator seeded by ``(seed, n, k)``.
    Each row is sorted, so a subset of sorted bids is itself sorted.
    """
    if k > n:
        return np.empty((0, k), dtype=np.intp)
    if comb(n, k) <= max_subsets:
        return np.array(list(combinations(range(n), k)), dtype=np.intp)
    rng = np.random.default_rng([seed, n, k])
    chosen: set[tuple[int, ...]] = set()
    while len(chosen) < max_subsets:
        draw = np.sort(rng.random((max_subsets, n)).argsort(axis=1)[:, :k], axis=1)
        for row in map(tuple, draw):
            chosen.add(row)
            if len(chosen) == max_subsets:
                break
    return np.array(sorted(chosen), dtype=np.intp)


def subset_screen_names(sizes: Sequence[int] = SUBSET_SIZES, stats: Sequence[str] = SUBSET_STATS) -> list[str]:
    """Column names of :func:`subset_screens_by_tender`, e.g. ``"S3_CV_mean"``.

    Screens undefined for every subset of a size (KURT of 3 bids) are left out.
    """
    return [
        f"S{k}_{name}_{stat}"
        for k in sizes
        for name in SCREEN_NAMES
        if MIN_BIDS[name] <= k
        for stat in stats
    ]


def _nanmedian_axis1(values: np.ndarray) -> np.ndarray:
    """``np.nanmedian(values, axis=1)`` without its masked-array path (5x faster on the
    (tenders, subsets, screens) blocks): sort puts NaN last, then average the middle valid ones."""
    ordered = np.sort(values, axis=1)
    valid = (~np.isnan(values)).sum(axis=1, keepdims=True)
    lo = np.take_along_axis(ordered, np.maximum(valid - 1, 0) // 2, axis=1)
    hi = np.take_along_axis(ordered, valid // 2 - (valid == 0), axis=1)
    out = ((lo + hi) / 2).squeeze(1)
    out[(valid == 0).squeeze(1)] = np.nan
    return out


def _summarise(values: np.ndarray, stat: str) -> np.ndarray:
    """Summary along axis 1 ignoring NaN; all-NaN gives NaN without a warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if stat == "mean":
            return np.nanmean(values, axis=1)
        if stat == "median":
            return _nanmedian_axis1(values)
        if stat == "min":
            return np.nanmin(values, axis=1)
        if stat == "max":
            return np.nanmax(values, axis=1)
    raise ValueError(f"unknown statistic {stat!r}")


def subset_screens_by_tender(
    df: pd.DataFrame,
    tender_col: str = "tender_id",
    price_col: str = "price",
    *,
    sizes: Sequence[int] = SUBSET_SIZES,
    stats: Sequence[str] = SUBSET_STATS,
    max_subsets: int = DEFAULT_MAX_SUBSETS,
    seed: int = 0,
) -> pd.DataFrame:
    """Screens over the ``k``-bid subsets of each tender, summarised per tender.

    For a tender with ``n >= k`` bids the nine screens are computed on each ``k``-bid subset
    (all of them, or ``max_subsets`` drawn with a fixed seed, see :func:`subset_index`) and
    summarised by ``stats`` ignoring undefined values. Tenders with fewer than ``k`` bids get
    NaN. With ``n == k`` the only subset is the tender itself.

    Returns
    -------
    DataFrame
        ``tender_col`` and the columns of :func:`subset_screen_names`, one row per tender sorted
        by ``tender_col`` (same order as :func:`screens_by_tender`).

    Examples
    --------
    >>> bids = pd.DataFrame({"tender_id": [7] * 4, "price": [100.0, 101.0, 110.0, 120.0]})
    >>> out = subset_screens_by_tender(bids, sizes=(3,), stats=("min", "max"))
    >>> float(out.loc[0, "S3_SPD_min"]), float(out.loc[0, "S3_SPD_max"])
    (0.1, 0.2)
    """
    labels, prices, starts, counts = _sorted_groups(df, tender_col, price_col)
    names = subset_screen_names(sizes, stats)
    result = np.full((len(labels), len(names)), np.nan)
    col = 0
    for k in sizes:
        keep = [j for j, name in enumerate(SCREEN_NAMES) if MIN_BIDS[name] <= k]
        width = len(keep) * len(stats)
        for n in np.unique(counts[counts >= k]):
            rows = np.flatnonzero(counts == n)
            idx = subset_index(int(n), k, max_subsets, seed)
            n_sub = len(idx)
            block = max(1, _BLOCK_ELEMENTS // (n_sub * k))
            for lo in range(0, len(rows), block):
                part = rows[lo : lo + block]
                matrix = prices[starts[part, None] + np.arange(n)]  # (t, n) sorted
                subsets = matrix[:, idx].reshape(-1, k)  # (t * n_sub, k), each row sorted
                scr = screens_of_sorted(subsets).reshape(len(part), n_sub, -1)[:, :, keep]
                summary = np.stack([_summarise(scr, stat) for stat in stats], axis=2)  # (t, screens, stats)
                result[part, col : col + width] = summary.reshape(len(part), -1)
        col += width
    data = {name: result[:, j] for j, name in enumerate(names)}
    return _result_frame(labels, tender_col, data)
