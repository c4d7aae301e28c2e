"""Train, save, load and apply the collusion model (模型训练与评分).

The saved artefact is a :class:`TrainedModel`: the fitted :class:`CollusionClassifier`, the
:class:`FeatureBuilder` settings and reference statistics it was trained with, the recommended
alert threshold and the metadata the model card is made from. It is a joblib file read from
the package directory: nothing is downloaded.

For the scan: :func:`score_tenders` gives each tender the model's probability and the features
that drove it (evidence for the indicator ``ml_collusion``).
"""

from __future__ import annotations

import datetime as _dt
import platform
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import sklearn

from bidwatch.i18n import bilingual as _
from bidwatch.model.benchmark import balanced_weights
from bidwatch.model.estimator import CollusionClassifier
from bidwatch.model.features import ESTIMATE_FEATURES, FeatureBuilder
from bidwatch.model.screens import SCREEN_NAMES

DEFAULT_MODEL_PATH = Path(__file__).with_name("default_model.joblib")
MIN_BIDS = 2
DEFAULT_THRESHOLD = 0.9
TARGET_FALSE_POSITIVE_RATE = 0.10
"""The recommended threshold flags at most this share of the clean tenders (mean over markets)."""
DEFAULT_ALERT_SHARE = 0.10
"""At most this share of a scanned market's tenders is alerted (the highest probabilities)."""

# Evidence is reported per screen, not per column: a screen, its market z-score and its subset
# summaries carry the same information, so removing one column alone would show no effect.
FEATURE_GROUPS: tuple[str, ...] = ("n", *SCREEN_NAMES, "BE")


def feature_group(column: str) -> str:
    """Screen family of a feature column: ``S4_CV_median`` → ``CV``, ``Z_BE_MIN`` → ``BE``."""
    name = column.removeprefix("Z_")
    if name.startswith(("S3_", "S4_")):
        name = name.split("_")[1]
    if name in ESTIMATE_FEATURES:
        return "BE"
    return name


@dataclass
class TrainedModel:
    """A fitted collusion model with everything needed to score new tenders."""

    estimator: CollusionClassifier
    builder: FeatureBuilder
    threshold: float = DEFAULT_THRESHOLD
    baseline: dict[str, float] = field(default_factory=dict)  # training median of each feature
    alert_share: float = DEFAULT_ALERT_SHARE
    metadata: dict = field(default_factory=dict)

    @property
    def feature_names(self) -> list[str]:
        return self.builder.names

    def features(self, bids: pd.DataFrame, tender_col: str = "tender_id", price_col: str = "price",
                 estimate_col: str | None = "estimate") -> pd.DataFrame:
        """Feature matrix of the tenders with at least two bids; ``bids`` is one market."""
        raw = self.builder.raw(bids, tender_col, price_col, estimate_col)
        raw = raw[raw["n"] >= MIN_BIDS]
        return self.builder.complete(raw, None)

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        joblib.dump(self, path, compress=("zlib", 6))
        return path

    @staticmethod
    def load(path: str | Path) -> TrainedModel:
        model = joblib.load(Path(path))
        if not isinstance(model, TrainedModel):
            raise TypeError(_("%(path)s is not a bidwatch collusion model", path=path))
        return model


def train_model(
    markets: Sequence[tuple[str, pd.DataFrame]],
    *,
    estimator: CollusionClassifier | None = None,
    builder: FeatureBuilder | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    balance: bool = False,
    metadata: dict | None = None,
) -> TrainedModel:
    """Fit a model on labelled markets.

    Parameters
    ----------
    markets : sequence of (name, bids)
        ``bids`` has ``tender_id``, ``price``, ``label`` (1 = collusive tender) and optionally
        ``estimate``; each market is standardised with its own statistics.
    threshold : float
        Recommended alert threshold stored with the model (see :func:`recommend_threshold`).
    balance : bool
        Weight tenders so that every market and every class has the same total weight
        (:func:`bidwatch.model.benchmark.balanced_weights`): the model then learns what separates
        collusive from clean tenders within a market, not which market is more often collusive.
    """
    builder = builder if builder is not None else FeatureBuilder()
    estimator = estimator if estimator is not None else CollusionClassifier()
    raws, ys, names = [], [], []
    for name, bids in markets:
        raw = builder.raw(bids)
        y = bids.groupby("tender_id")["label"].max().reindex(raw.index).fillna(0).astype(int)
        keep = raw["n"].to_numpy() >= MIN_BIDS
        raws.append(raw.loc[keep].reset_index(drop=True))
        ys.append(y.to_numpy()[keep])
        names += [name] * int(keep.sum())
    raw_all = pd.concat(raws, ignore_index=True)
    market = np.asarray(names)
    builder.fit_reference(raw_all, market)
    X = builder.complete(raw_all, market)
    y_all = np.concatenate(ys)
    weight = balanced_weights(market, y_all) if balance else None
    estimator.fit(X.to_numpy(dtype=float), y_all, sample_weight=weight)
    baseline = {c: float(np.nanmedian(X[c])) if X[c].notna().any() else 0.0 for c in X.columns}
    meta = {
        "trained_at": _dt.datetime.now().isoformat(timespec="seconds"),
        "markets": {
            name: {"tenders": int((market == name).sum()), "collusive": int(y_all[market == name].sum())}
            for name, _ in markets
        },
        "features": list(X.columns),
        "balance": bool(balance),
        "builder": {"standardise": builder.standardise, "estimate": builder.estimate,
                    "max_subsets": builder.max_subsets},
        "estimator_params": estimator.get_params(),
        "versions": {"python": platform.python_version(), "scikit-learn": sklearn.__version__,
                     "numpy": np.__version__, "pandas": pd.__version__},
    }
    meta.update(metadata or {})
    return TrainedModel(estimator, builder, float(threshold), baseline, DEFAULT_ALERT_SHARE, meta)


def recommend_threshold(
    predictions: Mapping[str, tuple[np.ndarray, np.ndarray]],
    false_positive_rate: float = TARGET_FALSE_POSITIVE_RATE,
) -> float:
    """Lowest probability (0.001 steps) at which the clean tenders flagged average at most the target.

    ``predictions`` maps each market to ``(y, probability)`` of held-out tenders. The share of
    clean tenders at or above the threshold is computed per market and averaged with equal
    weights, so that one big market does not set the threshold for all. A target on clean
    tenders does not depend on how common cartels are (11–82 % in the labelled markets).
    """
    fprs = []
    grid = np.arange(0, 1001) / 1000
    for y, proba in predictions.values():
        clean = np.sort(np.asarray(proba, dtype=float)[np.asarray(y) == 0])
        if len(clean):
            # share of clean tenders with probability >= t, for every t on the grid
            fprs.append(1.0 - np.searchsorted(clean, grid - 1e-12, side="left") / len(clean))
    if not fprs:
        return DEFAULT_THRESHOLD
    ok = np.flatnonzero(np.mean(fprs, axis=0) <= false_positive_rate)
    return float(grid[ok[0]]) if len(ok) else 1.0


def alert_mask(proba: np.ndarray, threshold: float, alert_share: float = DEFAULT_ALERT_SHARE) -> np.ndarray:
    """Tenders to alert: probability >= ``threshold`` and among the top ``alert_share`` of the market.

    Probability levels do not carry over to a market unlike the training ones (see the model
    card's transfer table), so the rank cap bounds the share of a scanned market that can be
    flagged; at least the single highest tender may be flagged. ``alert_share=1`` disables it.
    """
    proba = np.asarray(proba, dtype=float)
    finite = np.isfinite(proba)
    n = int(finite.sum())
    out = np.zeros(len(proba), dtype=bool)
    if n == 0:
        return out
    allowed = max(1, int(np.floor(alert_share * n + 1e-9)))
    ranked = np.argsort(-np.where(finite, proba, -np.inf), kind="stable")[:allowed]
    out[ranked] = True
    return out & finite & (proba >= threshold)


_DEFAULT_MODEL_LOCK = threading.Lock()


def load_default_model() -> TrainedModel:
    """The shipped model, trained on the four labelled cartel markets (see MODEL_CARD.md).

    Loaded once per process; a caller arriving while another thread loads it (the scan loads it beside the
    dataset, :func:`bidwatch.indicators.ml.prewarm`) waits for that load instead of unpickling it again."""
    with _DEFAULT_MODEL_LOCK:
        return _load_default_model()


@lru_cache(maxsize=1)
def _load_default_model() -> TrainedModel:
    if not DEFAULT_MODEL_PATH.exists():
        raise FileNotFoundError(
            _("%(path)s is missing; train one with `bidwatch model train`", path=DEFAULT_MODEL_PATH)
        )
    return TrainedModel.load(DEFAULT_MODEL_PATH)


#: Rows per model evaluation of the occluded copies (bounds their memory: ~130 features × 8 bytes a row).
_OCCLUSION_ROWS = 262_144


def _group_contributions(model: TrainedModel, X: pd.DataFrame, proba: np.ndarray) -> dict[str, np.ndarray]:
    """Probability change when a screen family is set to its training median (occlusion).

    The occluded copies of all families are stacked and evaluated together (in blocks of at most
    ``_OCCLUSION_ROWS`` rows): one model call instead of one per family. Each row's probability depends on
    that row alone, so the values are exactly those of separate calls; the per-call cost (3 calibration folds,
    a few hundred trees dispatched one by one) was most of the evidence's time on small and mid-size scans."""
    columns = list(X.columns)
    base = X.to_numpy(dtype=float)
    groups: list[str] = []
    copies: list[np.ndarray] = []
    for group in FEATURE_GROUPS:
        cols = [j for j, c in enumerate(columns) if feature_group(c) == group]
        if not cols:
            continue
        Xg = base.copy()
        for j in cols:
            Xg[:, j] = model.baseline.get(columns[j], np.nan)
        groups.append(group)
        copies.append(Xg)
    out: dict[str, np.ndarray] = {}
    per_block = max(1, _OCCLUSION_ROWS // max(1, len(base)))
    for lo in range(0, len(copies), per_block):
        block = copies[lo : lo + per_block]
        occluded = model.estimator.predict_proba(np.vstack(block))[:, 1]
        for i, group in enumerate(groups[lo : lo + per_block]):
            out[group] = proba - occluded[i * len(base) : (i + 1) * len(base)]
    return out


def score_tenders(
    bids: pd.DataFrame,
    model: TrainedModel | None = None,
    *,
    tender_col: str = "tender_id",
    price_col: str = "price",
    estimate_col: str | None = "estimate",
    top_k: int = 3,
    alert_share: float | None = None,
    threshold: float | None = None,
    explain: str = "all",
    explain_at: float | None = None,
) -> pd.DataFrame:
    """Probability of collusion per tender with the features that drove it.

    Parameters
    ----------
    bids : DataFrame
        One row per (valid) bid: ``tender_id``, ``price`` and optionally ``estimate`` (the
        tender's estimate repeated on its bids). All tenders are treated as one market: the
        per-market features are standardised over them (with fewer than 30 scorable tenders,
        over the training reference instead).
    model : TrainedModel, optional
        Defaults to :func:`load_default_model`.
    top_k : int
        Number of evidence entries per tender.
    alert_share : float, optional
        Cap on the share of tenders with ``above_threshold`` (default: the model's, 0.10);
        1.0 turns the cap off. See :func:`alert_mask`.
    threshold : float, optional
        Probability threshold of ``above_threshold`` (default: the model's recommended one).
    explain : {"all", "alerts"}
        Which tenders get ``top_features``: the evidence costs one extra model evaluation per
        screen family (about 30 s of the ~55 s for 1M bids on 2 cores); "alerts" limits it to
        tenders with ``above_threshold`` (the others get an empty list).
    explain_at : float, optional
        With ``explain="alerts"``, also explain the tenders whose probability is at least this level
        whatever their rank (``ml_collusion`` alerts at ``[ml] standalone_level`` without a rank cap).

    Returns
    -------
    DataFrame
        ``tender_id``, ``n_bids``, ``probability`` (NaN for tenders with fewer than two priced
        bids), ``above_threshold`` (probability >= the model's recommended threshold and among
        the top ``alert_share`` of the scored tenders: the rule for ``ml_collusion``) and
        ``top_features``: a list of ``(feature, value, contribution)`` where ``feature`` is a
        screen name (or ``n``, ``BE`` = lowest bid / estimate), ``value`` the tender's value of
        it and ``contribution`` how much the probability drops when that screen (with its subset
        and market-standardised versions) is set to its training median; largest first,
        positive contributions only.

    Examples
    --------
    >>> bids = pd.DataFrame({"tender_id": ["T1"] * 5 + ["T2"] * 5,
    ...                      "price": [100, 100.2, 100.3, 100.5, 100.6, 90, 97, 101, 108, 115]})
    >>> out = score_tenders(bids)                               # doctest: +SKIP
    >>> list(out.columns)                                       # doctest: +SKIP
    ['tender_id', 'n_bids', 'probability', 'above_threshold', 'top_features']
    """
    model = model if model is not None else load_default_model()
    if estimate_col and estimate_col not in bids.columns:
        estimate_col = None
    raw = model.builder.raw(bids, tender_col, price_col, estimate_col)
    result = pd.DataFrame({tender_col: raw.index.to_numpy(), "n_bids": raw["n"].to_numpy().astype(int)})
    result["probability"] = np.nan
    result["above_threshold"] = False
    result["top_features"] = [[] for _ in range(len(result))]
    scorable = raw["n"].to_numpy() >= MIN_BIDS
    if not scorable.any():
        return result
    X = model.builder.complete(raw.loc[scorable], None)
    proba = model.estimator.predict_proba(X.to_numpy(dtype=float))[:, 1]
    share = model.alert_share if alert_share is None else alert_share
    alerts = alert_mask(proba, model.threshold if threshold is None else float(threshold), share)
    if explain not in ("all", "alerts"):
        raise ValueError(f"explain must be 'all' or 'alerts', got {explain!r}")
    explained = np.ones(len(X), dtype=bool) if explain == "all" else alerts.copy()
    if explain_at is not None:
        explained |= proba >= float(explain_at)
    X, proba_x = X.loc[explained], proba[explained]
    contributions = _group_contributions(model, X, proba_x) if len(X) else {}
    groups = list(contributions)
    sub = raw.loc[scorable].loc[explained]
    # The value shown for a screen family is the tender's own screen (BE: lowest bid / estimate).
    values = np.column_stack([sub[g if g in sub.columns else "BE_MIN"].to_numpy(dtype=float) for g in groups]
                             ) if groups else np.empty((len(X), 0))
    contrib = np.column_stack([contributions[g] for g in groups]) if groups else np.empty((len(X), 0))
    # Contributions that round to zero (4 decimals) explain nothing: left out of the evidence.
    contrib = np.where((contrib >= 5e-5) & np.isfinite(values), contrib, -np.inf)
    order = np.argsort(-contrib, axis=1, kind="stable")[:, :top_k]
    evidence = [
        [(groups[j], round(float(values[i, j]), 6), round(float(contrib[i, j]), 4))
         for j in order[i] if np.isfinite(contrib[i, j])]
        for i in range(len(X))
    ]
    rows = np.flatnonzero(scorable)
    result.loc[rows, "probability"] = proba
    result.loc[rows, "above_threshold"] = alerts
    result["top_features"] = pd.Series([[] for _ in range(len(result))], dtype=object)
    explained_rows = rows[explained]
    result.loc[explained_rows, "top_features"] = pd.Series(evidence, index=explained_rows, dtype=object)
    return result
