"""The nine screens against hand-computed values, and the grouped and subset versions."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from bidwatch.model import screens
from bidwatch.model.screens import (
    MIN_BIDS,
    SCREEN_NAMES,
    screens_by_tender,
    subset_index,
    subset_screen_names,
    subset_screens_by_tender,
    tender_screens,
)

# b = 100, 110, 120, 140: mean 117.5, deviations -17.5 -7.5 2.5 22.5, sum of squares 875,
# s = sqrt(875 / 3); L = 110, 120, 140: mean 123.33, sd = sqrt(466.67 / 2) = 15.2753;
# m2 = 218.75, m3 = 1406.25, m4 = 88320.3125 (population moments).
HAND = {
    "CV": math.sqrt(875 / 3) / 117.5,                      # 0.145347
    "SPD": 40 / 100,
    "DIFFP": 10 / 100,
    "RD": 10 / math.sqrt((13 + 1 / 3) ** 2 / 2 + (3 + 1 / 3) ** 2 / 2 + (16 + 2 / 3) ** 2 / 2),  # 0.654654
    "RDNOR": 3 * 10 / 40,                                  # 0.75
    "RDALT": 2 * 10 / 30,                                  # 0.666667
    "SKEW": 1406.25 / 218.75**1.5 * math.sqrt(4 * 3) / 2,  # G1 = 0.752837
    "KURT": ((4 + 1) * (88320.3125 / 218.75**2 - 3) + 6) * 3 / (2 * 1),  # G2 = 0.342857
    "KSTEST": 0.25,  # u = 0, .25, .5, 1 against ECDF steps .25 .5 .75 1
}


def test_each_screen_matches_the_hand_computed_value():
    got = tender_screens([140.0, 100.0, 120.0, 110.0])  # order of the input does not matter
    assert list(got) == list(SCREEN_NAMES)
    for name, value in HAND.items():
        assert got[name] == pytest.approx(value, rel=1e-12), name
    assert got["RD"] == pytest.approx(0.654654, abs=1e-6)
    assert got["SKEW"] == pytest.approx(0.752837, abs=1e-6)
    assert got["KURT"] == pytest.approx(0.342857, abs=1e-6)


@pytest.mark.parametrize("bids", [[100, 110, 120, 140], [100, 100, 110, 120], [90, 100, 100, 100, 130.5],
                                  [5.0, 7.0, 7.5, 9.0, 20.0, 21.0]])
def test_moments_and_ks_agree_with_scipy(bids):
    got = tender_screens(bids)
    b = np.sort(np.asarray(bids, float))
    assert got["SKEW"] == pytest.approx(stats.skew(b, bias=False))
    assert got["KURT"] == pytest.approx(stats.kurtosis(b, bias=False))
    assert got["CV"] == pytest.approx(b.std(ddof=1) / b.mean())
    assert got["KSTEST"] == pytest.approx(stats.kstest((b - b[0]) / (b[-1] - b[0]), "uniform").statistic)


def test_tied_lowest_bids():
    got = tender_screens([100, 100, 110, 120])
    assert got["DIFFP"] == 0 and got["RD"] == 0 and got["RDNOR"] == 0 and got["RDALT"] == 0
    # u = 0, 0, .5, 1: the ECDF jumps to .5 at 0, so D = .5 (ties form one step).
    assert got["KSTEST"] == pytest.approx(0.5)
    assert got["SKEW"] == pytest.approx(0.854563, abs=1e-6)
    assert got["KURT"] == pytest.approx(-1.289256, abs=1e-6)


def test_equal_losing_bids_give_nan_rd_and_rdalt():
    got = tender_screens([90, 100, 100, 100])
    assert math.isnan(got["RD"])      # sd(L) = 0
    assert math.isnan(got["RDALT"])   # bn == b2
    assert got["RDNOR"] == pytest.approx(3 * 10 / 10)
    assert got["SKEW"] == pytest.approx(-2.0) and got["KURT"] == pytest.approx(4.0)
    assert got["KSTEST"] == pytest.approx(0.75)


@pytest.mark.parametrize("n", [2, 3, 4, 7])
def test_all_bids_equal(n):
    got = tender_screens([250_000.1] * n)
    assert got["CV"] == 0 and got["SPD"] == 0 and got["DIFFP"] == 0
    for name in ("RD", "RDNOR", "RDALT", "KURT", "SKEW", "KSTEST"):
        assert math.isnan(got[name]), name


def test_below_the_minimum_number_of_bids_is_nan():
    assert all(math.isnan(v) for v in tender_screens([]).values())
    assert all(math.isnan(v) for v in tender_screens([100.0]).values())
    two = tender_screens([100.0, 120.0])
    for name, need in MIN_BIDS.items():
        assert math.isnan(two[name]) == (need > 2), name
    assert two["CV"] == pytest.approx(math.sqrt(200) / 110)
    assert two["RDNOR"] == pytest.approx(1.0) and two["KSTEST"] == pytest.approx(0.5)
    three = tender_screens([100.0, 110.0, 130.0])
    assert math.isnan(three["KURT"]) and not math.isnan(three["SKEW"]) and not math.isnan(three["RD"])
    assert three["RD"] == pytest.approx(10 / math.sqrt(200))
    assert three["RDALT"] == pytest.approx(1 * 10 / 20)


def test_missing_prices_are_dropped_and_non_positive_lowest_bid():
    with_nan, without = tender_screens([100.0, np.nan, 120.0]), tender_screens([100.0, 120.0])
    np.testing.assert_array_equal(list(with_nan.values()), list(without.values()))
    zero = tender_screens([0.0, 10.0, 20.0])
    assert math.isnan(zero["SPD"]) and math.isnan(zero["DIFFP"])
    assert zero["RDNOR"] == pytest.approx(1.0)


def test_grouped_screens_equal_the_single_tender_function():
    rng = np.random.default_rng(3)
    sizes = [1, 2, 3, 4, 5, 5, 9, 30]
    rows = []
    for t, n in enumerate(sizes):
        prices = rng.lognormal(12, 0.1, n).round(-2)  # rounding makes ties
        rows += [{"tender_id": f"T{t}", "price": p} for p in prices]
    rows.append({"tender_id": "T9", "price": np.nan})  # a tender without any price
    df = pd.DataFrame(rows).sample(frac=1.0, random_state=1)  # rows in any order
    out = screens_by_tender(df).set_index("tender_id")
    assert list(out.columns) == ["n", *SCREEN_NAMES]
    assert out.loc["T9", "n"] == 0 and out.loc["T9"].drop("n").isna().all()
    for t, n in enumerate(sizes):
        expected = tender_screens(df.loc[df.tender_id == f"T{t}", "price"].to_numpy())
        assert out.loc[f"T{t}", "n"] == n
        np.testing.assert_allclose(out.loc[f"T{t}", list(SCREEN_NAMES)].to_numpy(float),
                                   [expected[s] for s in SCREEN_NAMES], rtol=1e-10, equal_nan=True)


def test_subset_screens_by_hand():
    # 3-bid subsets of 100, 101, 110, 120: SPD = .10, .20, .20, 19/101.
    bids = pd.DataFrame({"tender_id": ["A"] * 4, "price": [120.0, 101.0, 110.0, 100.0]})
    out = subset_screens_by_tender(bids).iloc[0]
    spd = np.array([0.10, 0.20, 0.20, 19 / 101])
    assert out["S3_SPD_mean"] == pytest.approx(spd.mean())
    assert out["S3_SPD_median"] == pytest.approx(np.median(spd))
    assert out["S3_SPD_min"] == pytest.approx(0.10) and out["S3_SPD_max"] == pytest.approx(0.20)
    # n == k: the only 4-bid subset is the tender itself.
    full = tender_screens(bids["price"])
    for s in SCREEN_NAMES:
        for stat in ("mean", "median", "min", "max"):
            assert out[f"S4_{s}_{stat}"] == pytest.approx(full[s]), s


def test_subset_screens_need_k_bids_and_skip_undefined_screens():
    names = subset_screen_names()
    assert "S3_KURT_mean" not in names and "S4_KURT_mean" in names
    assert len(names) == (8 + 9) * 4
    bids = pd.DataFrame({"tender_id": ["A", "A", "B", "B", "B"], "price": [1.0, 2.0, 1.0, 2.0, 4.0]})
    out = subset_screens_by_tender(bids).set_index("tender_id")
    assert list(out.columns) == names
    assert out.loc["A"].isna().all()                       # 2 bids: no 3- or 4-bid subset
    assert out.loc["B", [c for c in names if c.startswith("S4_")]].isna().all()
    assert out.loc["B", "S3_RDNOR_mean"] == pytest.approx(2 * 1 / 3)


def test_subset_screens_ignore_undefined_values_of_some_subsets():
    # 5 bids with three equal: subsets (100,100,100) have no RDNOR, the others do.
    bids = pd.DataFrame({"tender_id": ["A"] * 5, "price": [100.0, 100.0, 100.0, 110.0, 130.0]})
    out = subset_screens_by_tender(bids, sizes=(3,)).iloc[0]
    assert not math.isnan(out["S3_RDNOR_mean"]) and out["S3_RDNOR_min"] == 0.0


def test_subset_cap_samples_a_fixed_set_of_distinct_subsets():
    assert subset_index(6, 3).shape == (20, 3)            # all C(6, 3) = 20
    idx = subset_index(12, 4, max_subsets=128)             # C(12, 4) = 495 > 128
    assert idx.shape == (128, 4)
    assert len({tuple(r) for r in idx}) == 128
    assert (np.diff(idx, axis=1) > 0).all() and idx.max() < 12
    np.testing.assert_array_equal(idx, subset_index(12, 4, max_subsets=128))
    assert subset_index(3, 4).shape == (0, 4)
    # A big tender: results do not depend on the other tenders in the data.
    rng = np.random.default_rng(0)
    big = pd.DataFrame({"tender_id": "X", "price": rng.normal(100, 5, 70)})
    other = pd.DataFrame({"tender_id": "Y", "price": rng.normal(100, 5, 8)})
    alone = subset_screens_by_tender(big, max_subsets=32)
    together = subset_screens_by_tender(pd.concat([other, big]), max_subsets=32).set_index("tender_id")
    np.testing.assert_allclose(alone.iloc[0, 1:].to_numpy(float), together.loc["X"].to_numpy(float))


def test_fast_median_matches_numpy_with_missing_values() -> None:
    import warnings

    from bidwatch.model.screens import _nanmedian_axis1

    rng = np.random.default_rng(3)
    values = rng.normal(size=(300, 7, 5))
    values[rng.random(values.shape) < 0.3] = np.nan
    values[4, :, 1] = np.nan  # a screen undefined on every subset of a tender
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        expected = np.nanmedian(values, axis=1)
    np.testing.assert_allclose(_nanmedian_axis1(values), expected, equal_nan=True)
    assert np.isnan(_nanmedian_axis1(values)[4, 1])
    # even and odd counts of valid values
    np.testing.assert_allclose(_nanmedian_axis1(np.array([[[1.0], [np.nan], [3.0], [10.0]]])), [[3.0]])
    np.testing.assert_allclose(_nanmedian_axis1(np.array([[[1.0], [np.nan], [3.0]]])), [[2.0]])


@pytest.mark.parametrize("n", range(2, 13))
def test_row_reductions_by_column_are_bit_identical_to_numpys(n: int,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The short-row fast path (columns added in order) gives exactly NumPy's axis reductions: the screens,
    and so the model's probabilities and every ml_collusion / price_screen alert, do not move by one bit
    (issue 19)."""
    rng = np.random.default_rng(n)
    p = rng.lognormal(0, rng.uniform(0.001, 1, (5000, 1)), (5000, n)) * 10.0 ** rng.integers(-3, 9, (5000, 1))
    p[::5] = np.round(p[::5], 0)
    p[::11] = p[::11, :1]          # all bids equal
    p[::13, :2] = p[::13, :1]      # tied lowest bids
    p[::23, -2:] = p[::23, -1:]    # tied highest bids
    p[::17, 0] = 0.0
    p = np.sort(p, axis=1)
    fast = screens.screens_of_sorted(p)
    monkeypatch.setattr(screens, "_SEQUENTIAL_SUM_MAX", 0)  # every reduction through NumPy's own axis=1 path
    reference = screens.screens_of_sorted(p)
    assert np.array_equal(fast.view(np.int64), reference.view(np.int64))


def test_subset_screens_do_not_depend_on_the_block_size(monkeypatch) -> None:
    # the blocks only bound memory and keep the temporaries in the cache: one tender per block and all tenders in
    # one block give the same bits
    rng = np.random.default_rng(7)
    sizes = rng.integers(2, 12, size=60)
    bids = pd.DataFrame({"tender_id": np.repeat([f"T{i:03d}" for i in range(len(sizes))], sizes),
                         "price": rng.uniform(9e5, 1.1e6, size=int(sizes.sum())).round(2)})
    bids.loc[::17, "price"] = np.nan
    monkeypatch.setattr(screens, "_BLOCK_ELEMENTS", 1)
    small = subset_screens_by_tender(bids)
    monkeypatch.setattr(screens, "_BLOCK_ELEMENTS", 10**9)
    large = subset_screens_by_tender(bids)
    pd.testing.assert_frame_equal(small, large, check_exact=True)
    assert small.iloc[:, 1:].notna().to_numpy().any()
