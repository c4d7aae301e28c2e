"""Benchmark of the collusion classifier on labelled cartel files (模型基准测试).

Input files follow ``/work/shared/datasets/cartels/``: one row per bid with ``Tender``,
``Bid_value`` and ``Collusive_competitor`` (a tender-level label: a tender is collusive when any
of its rows says so); ``Pre-Tender Estimate (PTE)`` is used as the estimate when present; other
columns are ignored (never the tender id or the date). Each file is one market, named after the
file without its extension.

Protocol: tender level, tenders with at least two priced bids (as the README's reference run),
stratified 5-fold cross-validation repeated 5 times with fixed seeds; every fold fits a fresh
:class:`CollusionClassifier` on the training tenders only. The per-market standardisation (the
``Z_`` features) uses no labels and is computed on the whole market, the way it is computed on a
user's market at scan time. ``--transfer`` trains on all markets but one (each standardised with
its own statistics) and tests on the one left out.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.metrics import accuracy_score, balanced_accuracy_score, f1_score, roc_auc_score
from sklearn.model_selection import RepeatedStratifiedKFold
from threadpoolctl import threadpool_limits

from bidwatch.i18n import bilingual as _
from bidwatch.model.estimator import CollusionClassifier
from bidwatch.model.features import FeatureBuilder

TENDER_COL, PRICE_COL, LABEL_COL = "Tender", "Bid_value", "Collusive_competitor"
ESTIMATE_COLS = ("Pre-Tender Estimate (PTE)", "estimate", "PTE")
METRICS = ("accuracy", "balanced_accuracy", "f1", "roc_auc")
MIN_BIDS = 2

# README of ../shared/datasets: random forest on seven screens + n, 5-fold x 5, means.
REFERENCE: dict[str, dict[str, float]] = {
    "DB_Collusion_Italy_processed": {"accuracy": 0.828, "balanced_accuracy": 0.828, "f1": 0.831, "roc_auc": 0.899},
    "DB_Collusion_Japan_processed": {"accuracy": 0.871, "balanced_accuracy": 0.674, "f1": 0.424, "roc_auc": 0.814},
    "DB_Collusion_Switzerland_GR_and_See-Gaster_processed": {
        "accuracy": 0.703, "balanced_accuracy": 0.609, "f1": 0.801, "roc_auc": 0.698,
    },
    "DB_Collusion_Switzerland_Ticino_processed": {
        "accuracy": 0.872, "balanced_accuracy": 0.789, "f1": 0.921, "roc_auc": 0.901,
    },
}


def log(message: str) -> None:
    """Progress goes to stderr so that stdout stays a clean table."""
    print(message, file=sys.stderr, flush=True)


@dataclass
class Market:
    """One labelled market at tender level."""

    name: str
    raw: pd.DataFrame  # market-independent features, one row per tender (n >= MIN_BIDS)
    y: np.ndarray
    n_bids: int
    dropped: int  # tenders with fewer than MIN_BIDS priced bids


def read_cartel_file(path: str | Path) -> pd.DataFrame:
    """Bids of one file in the cartel format as columns ``tender_id, price, estimate, label``."""
    path = Path(path)
    frame = pd.read_csv(path, low_memory=False)
    missing = [c for c in (TENDER_COL, PRICE_COL, LABEL_COL) if c not in frame.columns]
    if missing:
        raise ValueError(_("%(file)s: missing column(s) %(columns)s", file=path.name, columns=missing))
    estimate_col = next((c for c in ESTIMATE_COLS if c in frame.columns), None)
    label = pd.to_numeric(frame[LABEL_COL], errors="coerce")
    return pd.DataFrame(
        {
            "tender_id": frame[TENDER_COL],
            "price": pd.to_numeric(frame[PRICE_COL], errors="coerce"),
            "estimate": pd.to_numeric(frame[estimate_col], errors="coerce") if estimate_col else np.nan,
            "label": label.fillna(0).astype(int).clip(0, 1),
        }
    )


def _read_table(folder: Path, table: str) -> pd.DataFrame | None:
    """``<table>.csv`` (UTF-8, UTF-8 with BOM or GB18030) or ``<table>.parquet``; None if absent."""
    parquet = folder / f"{table}.parquet"
    if parquet.exists():
        return pd.read_parquet(parquet)
    path = folder / f"{table}.csv"
    if not path.exists():
        return None
    try:
        return pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    except UnicodeDecodeError:
        return pd.read_csv(path, dtype=str, encoding="gb18030", keep_default_na=False)


def parse_money(values: pd.Series) -> pd.Series:
    """Yuan amounts: ``1,234.50``, ``1234.5元`` and ``123.45万元`` (x 10,000); others NaN."""
    text = values.astype(str).str.strip().str.replace(",", "", regex=False).str.replace("，", "", regex=False)
    wan = text.str.endswith("万元") | text.str.endswith("万")
    number = pd.to_numeric(text.str.replace(r"(万元|万|元)$", "", regex=True), errors="coerce")
    return number.where(~wan, number * 10_000)


def read_contract_dataset(folder: str | Path) -> pd.DataFrame:
    """Labelled bids of a contract dataset: ``tender_id, price, estimate, label``.

    ``bids`` (tender_id, price, optional status: withdrawn and disqualified bids are left out),
    ``tenders`` (optional estimate, else ceiling_price, as the estimate) and ``labels``
    (tender_id, scheme): tenders with scheme ``collusion`` are positive, all others negative.
    English column names only; the full contract loader (aliases, validation) lives elsewhere.
    """
    folder = Path(folder)
    bids, tenders, labels = (_read_table(folder, t) for t in ("bids", "tenders", "labels"))
    if bids is None or labels is None:
        raise ValueError(_("%(folder)s: a contract dataset needs bids and labels", folder=folder))
    for table, cols in (("bids", ("tender_id", "price")), ("labels", ("tender_id", "scheme"))):
        frame = bids if table == "bids" else labels
        missing = [c for c in cols if c not in frame.columns]
        if missing:
            raise ValueError(_("%(file)s: missing column(s) %(columns)s",
                               file=f"{folder}/{table}", columns=missing))
    bids = bids.copy()
    if "status" in bids.columns:
        status = bids["status"].astype(str).str.strip().str.lower()
        bids = bids[status.isin(["", "valid", "有效", "nan", "none"])]
    out = pd.DataFrame({"tender_id": bids["tender_id"].astype(str).str.strip(),
                        "price": parse_money(bids["price"])})
    out["estimate"] = np.nan
    if tenders is not None and "tender_id" in tenders.columns:
        est = pd.Series(np.nan, index=tenders.index)
        # One meaning per dataset: the estimate if the column has values, else the ceiling price.
        for col in ("estimate", "ceiling_price"):
            if col in tenders.columns and parse_money(tenders[col]).notna().any():
                est = parse_money(tenders[col])
                break
        mapping = pd.Series(est.to_numpy(), index=tenders["tender_id"].astype(str).str.strip())
        out["estimate"] = out["tender_id"].map(mapping[~mapping.index.duplicated()])
    schemes = labels["scheme"].astype(str).str.strip().str.lower()
    collusive = set(labels.loc[schemes == "collusion", "tender_id"].astype(str).str.strip())
    out["label"] = out["tender_id"].isin(collusive).astype(int)
    return out.reset_index(drop=True)


def read_labelled(path: str | Path) -> pd.DataFrame:
    """A contract dataset folder or a file in the cartel format."""
    path = Path(path)
    return read_contract_dataset(path) if path.is_dir() else read_cartel_file(path)


def tender_labels(bids: pd.DataFrame) -> pd.Series:
    """Tender-level label: 1 when any bid row of the tender is marked collusive."""
    return bids.groupby("tender_id")["label"].max().astype(int)


def load_market(name: str, bids: pd.DataFrame, builder: FeatureBuilder) -> Market:
    raw = builder.raw(bids)
    labels = tender_labels(bids).reindex(raw.index).to_numpy()
    keep = raw["n"].to_numpy() >= MIN_BIDS
    return Market(name, raw.loc[keep], labels[keep], len(bids), int((~keep).sum()))


def market_names(paths: Sequence[str | Path]) -> list[str]:
    """File (or folder) names without extension, made unique with a suffix when two share one."""
    names: list[str] = []
    for p in paths:
        stem = Path(p).resolve().name if Path(p).is_dir() else Path(p).name
        for ext in (".csv.gz", ".csv", ".txt"):
            if stem.lower().endswith(ext):
                stem = stem[: -len(ext)]
                break
        name, k = stem, 2
        while name in names:
            name, k = f"{stem}_{k}", k + 1
        names.append(name)
    return names


def scores(y: np.ndarray, proba: np.ndarray, threshold: float = 0.5) -> dict[str, float]:
    """The four benchmark metrics of one test set (collusive = positive class)."""
    pred = (proba >= threshold).astype(int)
    both = len(np.unique(y)) == 2
    return {
        "accuracy": float(accuracy_score(y, pred)),
        "balanced_accuracy": float(balanced_accuracy_score(y, pred)) if both else float("nan"),
        "f1": float(f1_score(y, pred, pos_label=1, zero_division=0)),
        "roc_auc": float(roc_auc_score(y, proba)) if both else float("nan"),
    }


def balanced_weights(market: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Tender weights giving every (market, class) cell the same total weight (mean weight 1).

    The labelled markets are 11–82 % collusive: unweighted, a model pooled over them learns which
    market a tender resembles (its prior) instead of what separates rigged from clean tenders
    inside a market. With these weights each market counts equally and is 50/50 collusive.
    A cell without tenders gets nothing.
    """
    market, y = np.asarray(market), np.asarray(y)
    w = np.zeros(len(y), dtype=float)
    for m in pd.unique(market):
        for c in np.unique(y):
            cell = (market == m) & (y == c)
            if cell.any():
                w[cell] = 1.0 / cell.sum()
    return w / w.mean() if len(w) and w.mean() > 0 else w


def _fit_score(estimator: CollusionClassifier, X: np.ndarray, y: np.ndarray,
               train: np.ndarray, test: np.ndarray, seed: int,
               weight: np.ndarray | None = None) -> tuple[dict[str, float], np.ndarray]:
    # One fit per process, one thread each: 2 workers use the 2 cores without oversubscription.
    with threadpool_limits(1):
        model = clone(estimator).set_params(n_jobs=1, random_state=seed).fit(
            X[train], y[train], sample_weight=None if weight is None else weight)
        proba = model.predict_proba(X[test])[:, 1]
        return scores(y[test], proba), proba


def summarise(folds: Iterable[dict[str, float]]) -> dict[str, float]:
    """Mean and sample sd of each metric over folds: keys ``accuracy`` and ``accuracy_sd`` ..."""
    table = pd.DataFrame(list(folds))
    out: dict[str, float] = {}
    for m in METRICS:
        out[m] = float(table[m].mean())
        out[f"{m}_sd"] = float(table[m].std(ddof=1)) if len(table) > 1 else 0.0
    out["folds"] = len(table)
    return out


def benchmark(
    paths: Sequence[str | Path],
    *,
    transfer: bool = False,
    n_splits: int = 5,
    n_repeats: int = 5,
    seed: int = 0,
    n_jobs: int = 2,
    estimator: CollusionClassifier | None = None,
    builder: FeatureBuilder | None = None,
    balance: bool = False,
    progress: Callable[[str], None] = log,
) -> dict[str, Any]:
    """Cross-validated (and optionally transfer) metrics per market.

    Parameters
    ----------
    paths : sequence of path
        Files in the cartel format, one market each.
    transfer : bool
        False: stratified ``n_splits``-fold cross-validation repeated ``n_repeats`` times within
        each market. True: for each market, train on all the other markets and test on it,
        ``n_repeats`` times with different model seeds.
    balance : bool
        Weight the training tenders of every fit with :func:`balanced_weights` (each market and
        class the same total weight), as :func:`bidwatch.model.scoring.train_model` does with
        ``balance=True``; probabilities are then on that 50/50 scale.

    Returns
    -------
    dict
        ``{"markets": {MARKET: {metric: mean, metric + "_sd": sd, "folds": k, "tenders": t,
        "collusive": c}}, "meta": {"mode", "runtime_seconds", ...},
        "predictions": {MARKET: (y, probability)}}`` (test-fold predictions, all repeats).
    """
    start = time.perf_counter()
    estimator = estimator if estimator is not None else CollusionClassifier()
    builder = builder if builder is not None else FeatureBuilder()
    markets: list[Market] = []
    for name, path in zip(market_names(paths), paths, strict=True):
        market = load_market(name, read_labelled(path), builder)
        progress(
            f"[{name}] {market.n_bids} 条投标 bids, {len(market.y)} 个标段 tenders "
            f"({int(market.y.sum())} 串通 collusive; {market.dropped} 个少于{MIN_BIDS}家 dropped)"
        )
        markets.append(market)

    # Standardise each market with its own statistics (label-free), then split by market.
    pooled_raw = pd.concat([m.raw.reset_index(drop=True) for m in markets], ignore_index=True)
    market_of = np.concatenate([[m.name] * len(m.y) for m in markets])
    builder.fit_reference(pooled_raw, market_of)
    pooled = builder.complete(pooled_raw, market_of)
    X_all = pooled.to_numpy(dtype=float)
    y_all = np.concatenate([m.y for m in markets])

    tasks: list[tuple[str, np.ndarray, np.ndarray, int]] = []
    if transfer:
        for m in markets:
            test = np.flatnonzero(market_of == m.name)
            train = np.flatnonzero(market_of != m.name)
            if len(np.unique(y_all[train])) < 2:
                progress(f"[{m.name}] 迁移跳过 transfer skipped: the other markets have one class only")
                continue
            # The split is fixed; repeats vary the model's seed (sd = model variance only).
            tasks += [(m.name, train, test, seed + r) for r in range(n_repeats)]
        progress(f"迁移测试 transfer (train on the other markets): {len(tasks)} 次拟合 fits, {n_jobs} 个进程 jobs")
    else:
        for m in markets:
            idx = np.flatnonzero(market_of == m.name)
            y = y_all[idx]
            k = min(n_splits, int(np.bincount(y, minlength=2).min()))
            if k < 2:
                progress(f"[{m.name}] 跳过: 每类至少需要 2 个标段 / skipped: each class needs at least 2 tenders")
                continue
            splitter = RepeatedStratifiedKFold(n_splits=k, n_repeats=n_repeats, random_state=seed)
            tasks += [(m.name, idx[tr], idx[te], seed) for tr, te in splitter.split(idx, y)]
        progress(f"交叉验证 cross-validation: {len(tasks)} 次拟合 fits, {n_jobs} 个进程 jobs")

    # Big trainings first so that the workers finish together.
    order = sorted(range(len(tasks)), key=lambda i: -len(tasks[i][1]))
    done = Parallel(n_jobs=n_jobs, return_as="generator")(
        delayed(_fit_score)(estimator, X_all, y_all, tasks[i][1], tasks[i][2], tasks[i][3],
                            balanced_weights(market_of[tasks[i][1]], y_all[tasks[i][1]]) if balance else None)
        for i in order
    )
    fold_scores: dict[str, list[dict[str, float]]] = {}
    predictions: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {}
    for count, (i, (result, proba)) in enumerate(zip(order, done, strict=True), start=1):
        fold_scores.setdefault(tasks[i][0], []).append(result)
        predictions.setdefault(tasks[i][0], []).append((y_all[tasks[i][2]], proba))
        if count % 10 == 0 or count == len(tasks):
            progress(f"  {count}/{len(tasks)} 完成 done ({time.perf_counter() - start:.0f} s)")

    per_market: dict[str, dict[str, float]] = {}
    for m in markets:
        if m.name in fold_scores:
            row = summarise(fold_scores[m.name])
            row.update(tenders=len(m.y), collusive=int(m.y.sum()))
            per_market[m.name] = row
    meta = {"mode": "transfer" if transfer else "within", "runtime_seconds": round(time.perf_counter() - start, 1),
            "balance": balance, "n_jobs": n_jobs, "n_splits": n_splits, "n_repeats": n_repeats, "seed": seed}
    pooled_predictions = {
        m.name: (np.concatenate([y for y, _ in predictions[m.name]]),
                 np.concatenate([p for _, p in predictions[m.name]]))
        for m in markets if m.name in predictions
    }
    return {"markets": per_market, "meta": meta, "predictions": pooled_predictions}


def format_table(rows: dict[str, dict[str, float]], *, with_sd: bool = True, reference: bool = True) -> str:
    """Plain-text table: one line per market, reference (if known) on the next line."""
    head = f"{'market 市场':<46} {'tenders':>7} {'acc 准确率':>13} {'bal.acc 平衡准确率':>13} {'F1':>13} {'ROC-AUC':>13}"
    lines = [head, "-" * len(head)]
    for name, r in rows.items():
        cells = [
            f"{r[m]:.3f}±{r[m + '_sd']:.3f}" if with_sd and f"{m}_sd" in r else f"{r[m]:.3f}" for m in METRICS
        ]
        lines.append(f"{name:<46} {r.get('tenders', 0):>7} " + " ".join(f"{c:>13}" for c in cells))
        ref = REFERENCE.get(name)
        if reference and ref:
            lines.append(f"{'  reference RF 参考':<46} {'':>7} " + " ".join(f"{ref[m]:>13.3f}" for m in METRICS))
    return "\n".join(lines)


def json_summary(results: dict) -> dict[str, dict[str, float | None]]:
    """The ``--json`` shape: ``{MARKET: {accuracy, balanced_accuracy, f1, roc_auc}}`` (means).

    A metric that is undefined (a test market with one class has no ROC-AUC) is ``null``.
    """
    return {
        name: {m: (round(r[m], 4) if np.isfinite(r[m]) else None) for m in METRICS}
        for name, r in results["markets"].items()
    }
