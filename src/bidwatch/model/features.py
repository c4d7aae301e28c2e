"""Tender-level features for the collusion classifier (串通投标识别特征).

One row per tender, computed only from the bids' prices and, where one exists, the tender's
estimate. Tender ids, dates, bidder ids and any other column never become features: in the
labelled cartel data they give away the cartel period instead of the bidding behaviour.

Feature groups (column names):

* ``n`` – number of bids with a price;
* the nine screens of :mod:`bidwatch.model.screens` (``CV`` ... ``KSTEST``);
* the screens over the 3- and 4-bid subsets, summarised by mean, median, min and max
  (``S3_CV_mean`` ... ``S4_KSTEST_max``; at most ``max_subsets`` subsets of each size per tender);
* ``BE_MIN`` and ``BE_MEDIAN`` – lowest and median bid divided by the estimate (NaN without one);
* ``Z_<col>`` – features standardised within their market (robust z-score: minus the market
  median, divided by the market IQR). This uses no labels: a market is standardised with its own
  tenders, also at prediction time, so a model trained on several markets compares a tender with
  its own market (Huber, Imhof & Ishii 2022 demeaned per market). Small markets (fewer than
  ``min_market_tenders``) use reference statistics stored at training time instead of their own.

The default (``standardise="market"``) keeps ``n`` raw and otherwise uses only the ``Z_``
versions (``Z_n`` included): within one market this loses nothing for tree models (a per-market affine map
does not change their splits), and across markets, unweighted, it transferred best
(leave-one-market-out ROC-AUC 0.54–0.78 against 0.39–0.48 with raw features). The shipped scan
model uses ``standardise="all"`` (raw and standardised) without the estimate ratios, with markets
and classes weighted equally: among the weighted variants it transferred about as well as the best
and ranked real cartel tenders planted in a random market higher (docs/model-results.md).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from bidwatch.model.screens import (
    DEFAULT_MAX_SUBSETS,
    SCREEN_NAMES,
    screens_by_tender,
    subset_screen_names,
    subset_screens_by_tender,
)

ESTIMATE_FEATURES: tuple[str, ...] = ("BE_MIN", "BE_MEDIAN")
STANDARDISED_BASE: tuple[str, ...] = ("n", *SCREEN_NAMES, *ESTIMATE_FEATURES)
MIN_MARKET_TENDERS = 30
"""Below this many tenders a market's own median/IQR are too noisy: reference statistics are used."""


def raw_feature_names(max_subsets: int | None = DEFAULT_MAX_SUBSETS, estimate: bool = True) -> list[str]:
    """Names of the market-independent features, in column order (``estimate=False``: no BE ratios)."""
    names = ["n", *SCREEN_NAMES]
    if max_subsets:
        names += subset_screen_names()
    return [*names, *ESTIMATE_FEATURES] if estimate else names


STANDARDISE_MODES: tuple[str, ...] = ("market", "both", "all", "none")


def feature_names(max_subsets: int | None = DEFAULT_MAX_SUBSETS, standardise: str = "market",
                  estimate: bool = True) -> list[str]:
    """Names of all features produced by :class:`FeatureBuilder`, in column order.

    ``standardise`` = "market": ``n`` plus every other feature standardised within its market;
    "both": the raw features plus the standardised ``n``, screens and estimate ratios;
    "all": every raw feature plus its standardised version (the shipped scan model: the raw screens
    are scale-free ratios that mean the same in every market, the ``Z_`` ones place a tender in its
    market; docs/model-results.md, "The shipped scan model");
    "none": the raw features only. ``estimate=False`` leaves the bid/estimate ratios out.
    """
    raw = raw_feature_names(max_subsets, estimate)
    if standardise == "market":
        return ["n", *(f"Z_{c}" for c in raw)]
    if standardise == "both":
        return [*raw, *(f"Z_{c}" for c in STANDARDISED_BASE if c in raw)]
    if standardise == "all":
        return [*raw, *(f"Z_{c}" for c in raw)]
    if standardise == "none":
        return raw
    raise ValueError(f"standardise must be one of {STANDARDISE_MODES}, got {standardise!r}")


def standardised_columns(max_subsets: int | None, standardise: str, estimate: bool = True) -> list[str]:
    """Raw columns that get a ``Z_`` version in this mode."""
    return [c[2:] for c in feature_names(max_subsets, standardise, estimate) if c.startswith("Z_")]


def tender_features(
    bids: pd.DataFrame,
    tender_col: str = "tender_id",
    price_col: str = "price",
    estimate_col: str | None = "estimate",
    *,
    max_subsets: int | None = DEFAULT_MAX_SUBSETS,
) -> pd.DataFrame:
    """Market-independent features of every tender, indexed by the tender key.

    Parameters
    ----------
    bids : DataFrame
        One row per bid with the tender key, the price and optionally the tender's estimate
        repeated on each bid (the median over the tender's rows is used; missing or non-positive
        means no estimate).
    tender_col, price_col, estimate_col : str
        Column names; ``estimate_col`` may be None or absent from ``bids``.
    max_subsets : int or None
        Cap on the 3- and 4-bid subsets per tender; None or 0 leaves subset screens out.

    Returns
    -------
    DataFrame
        Index ``tender_col`` (sorted), columns :func:`raw_feature_names`.

    Examples
    --------
    >>> bids = pd.DataFrame({"tender_id": ["a"] * 4, "price": [90.0, 95.0, 97.0, 99.0],
    ...                      "estimate": 100.0})
    >>> f = tender_features(bids)
    >>> f.loc["a", ["n", "BE_MIN", "BE_MEDIAN"]].tolist()
    [4.0, 0.9, 0.96]
    """
    frame = screens_by_tender(bids, tender_col, price_col).set_index(tender_col)
    frame["n"] = frame["n"].astype(float)
    if max_subsets:
        subsets = subset_screens_by_tender(bids, tender_col, price_col, max_subsets=max_subsets)
        frame = frame.join(subsets.set_index(tender_col))
    prices = pd.to_numeric(bids[price_col], errors="coerce")
    if estimate_col and estimate_col in bids.columns:
        estimate = pd.to_numeric(bids[estimate_col], errors="coerce")
        estimate = estimate.where(estimate > 0).groupby(bids[tender_col]).median()
    else:
        estimate = pd.Series(np.nan, index=frame.index)
    grouped = prices.groupby(bids[tender_col])
    frame["BE_MIN"] = (grouped.min() / estimate).reindex(frame.index)
    frame["BE_MEDIAN"] = (grouped.median() / estimate).reindex(frame.index)
    return frame[raw_feature_names(max_subsets)]


@dataclass
class MarketStats:
    """Robust location and scale of the standardised columns in one reference population."""

    median: dict[str, float] = field(default_factory=dict)
    iqr: dict[str, float] = field(default_factory=dict)

    @classmethod
    def of(cls, features: pd.DataFrame, columns: Sequence[str] = STANDARDISED_BASE) -> MarketStats:
        """Median and IQR of ``columns`` over the finite values of ``features``."""
        med, iqr = {}, {}
        for c in columns:
            v = features[c].to_numpy(dtype=float)
            v = v[np.isfinite(v)]
            if len(v) == 0:
                med[c], iqr[c] = np.nan, np.nan
                continue
            q1, q2, q3 = np.percentile(v, [25, 50, 75])
            med[c] = float(q2)
            # A zero IQR (e.g. a market where n is nearly constant) falls back to the sd, then 1.
            scale = q3 - q1 if q3 > q1 else float(np.std(v))
            iqr[c] = float(scale) if scale > 0 else 1.0
        return cls(med, iqr)

    def apply(self, features: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame(
            {f"Z_{c}": (features[c] - self.median.get(c, np.nan)) / self.iqr.get(c, np.nan) for c in self.median},
            index=features.index,
        )


def standardise_by_market(
    features: pd.DataFrame,
    market: pd.Series | np.ndarray | None = None,
    *,
    columns: Sequence[str] = STANDARDISED_BASE,
    reference: MarketStats | None = None,
    min_market_tenders: int = MIN_MARKET_TENDERS,
) -> pd.DataFrame:
    """Append the ``Z_`` columns: each market standardised with its own median and IQR.

    Label-free, so applying it to a whole market before cross-validation leaks no label. A
    market with fewer than ``min_market_tenders`` tenders uses ``reference`` (if given) instead.
    For the estimate ratios, only tenders with an estimate count; a market without any estimate
    gets NaN there.
    """
    if market is None:
        market = np.zeros(len(features), dtype=int)
    market = np.asarray(market)
    parts = []
    for m in pd.unique(market):
        mask = market == m
        sub = features.loc[mask]
        if mask.sum() >= min_market_tenders or reference is None:
            parts.append(MarketStats.of(sub, columns).apply(sub))
        else:
            z = reference.apply(sub)
            # Estimate ratios have no common scale across markets (Italy's file stores bids as
            # percentages of the estimate): without the market's own statistics they are unknown.
            z[[f"Z_{c}" for c in ESTIMATE_FEATURES if f"Z_{c}" in z.columns]] = np.nan
            parts.append(z)
    z = pd.concat(parts).reindex(features.index) if parts else pd.DataFrame(index=features.index)
    return pd.concat([features, z], axis=1)


@dataclass
class FeatureBuilder:
    """Bids → feature matrix, with the settings a trained model must reuse at prediction time.

    Parameters
    ----------
    max_subsets : int or None
        Cap on the subsets of each size per tender (None: no subset screens).
    standardise : {"market", "both", "all", "none"}
        Which per-market ``Z_`` columns to build (see :func:`feature_names`).
    min_market_tenders : int
        Markets smaller than this are standardised with ``reference``.
    reference : MarketStats or None
        Typical per-market statistics of the training data (set by :meth:`fit_reference`).
    estimate : bool
        Whether the bid/estimate ratios ``BE_MIN`` and ``BE_MEDIAN`` are features (the shipped
        scan model leaves them out: "estimate" means different things in the training markets).

    Examples
    --------
    >>> bids = pd.DataFrame({"tender_id": [1, 1, 1, 2, 2, 2], "price": [10, 11, 13, 20, 20, 26.0]})
    >>> builder = FeatureBuilder(max_subsets=None)
    >>> X = builder.complete(builder.raw(bids))
    >>> X.shape  # n + 12 standardised features (9 screens, 2 bid/estimate ratios, n)
    (2, 13)
    """

    max_subsets: int | None = DEFAULT_MAX_SUBSETS
    standardise: str = "market"
    min_market_tenders: int = MIN_MARKET_TENDERS
    reference: MarketStats | None = None
    estimate: bool = True  # a class default, so models pickled before this field load unchanged

    @property
    def names(self) -> list[str]:
        return feature_names(self.max_subsets, self.standardise, self.estimate)

    @property
    def standardised(self) -> list[str]:
        return standardised_columns(self.max_subsets, self.standardise, self.estimate)

    def raw(self, bids: pd.DataFrame, tender_col: str = "tender_id", price_col: str = "price",
            estimate_col: str | None = "estimate") -> pd.DataFrame:
        """Market-independent features (:func:`tender_features`)."""
        raw = tender_features(bids, tender_col, price_col, estimate_col, max_subsets=self.max_subsets)
        return raw if self.estimate else raw.drop(columns=list(ESTIMATE_FEATURES))

    def fit_reference(self, raw: pd.DataFrame, market: np.ndarray | None = None) -> FeatureBuilder:
        """Store the median over markets of each market's statistics as the fallback reference."""
        cols = self.standardised
        if market is None:
            self.reference = MarketStats.of(raw, cols)
            return self
        market = np.asarray(market)
        per_market = [MarketStats.of(raw[market == m], cols) for m in pd.unique(market)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a column without values in any market
            self.reference = MarketStats(
                {c: float(np.nanmedian([s.median[c] for s in per_market])) for c in cols},
                {c: float(np.nanmedian([s.iqr[c] for s in per_market])) for c in cols},
            )
        return self

    def complete(self, raw: pd.DataFrame, market: np.ndarray | None = None) -> pd.DataFrame:
        """Raw features → the full feature matrix in :attr:`names` order (one market if None)."""
        if self.standardised:
            raw = standardise_by_market(
                raw, market, columns=self.standardised, reference=self.reference,
                min_market_tenders=self.min_market_tenders,
            )
        return raw[self.names]
