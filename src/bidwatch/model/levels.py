"""The probability at which the model may alert on its own (模型单独预警水平), found on markets it never saw.

A probability level chosen on held-out folds of the training markets does not carry over to a market
unlike them: the shipped model's 0.691 alerts 76 % of Japan's clean tenders when Japan is left out of
the training data (MODEL_CARD.md, transfer). A level that a regulator can rely on for *another* market
must be shown to hold on markets the model was not trained on. So:

1. **Leave one market out.** For each labelled market ``M`` (the training markets of the shipped model,
   and markets kept out of its training, such as Italy), a model of the shipped configuration is trained
   on the training markets other than ``M`` and scores ``M`` exactly as the scan scores a dataset
   (:meth:`TrainedModel.features`: ``M`` standardised with its own statistics, no labels).
2. **The level.** The lowest probability ``L`` (0.001 steps) at which, in *every* held-out market, at
   most ``max_clean_share`` (5 %) of the clean tenders that the scan can alert (at least ``min_bids``
   priced bids) have a probability ≥ ``L`` — the worst market sets it, not the average: a regulator's
   market may be like any of them — **and** the alert is evidence there: in every held-out market where
   ``L`` alerts anything, the share of its collusive tenders alerted is at least ``min_ratio`` (2) times
   the share of its clean tenders alerted (an alert at least doubles the odds of collusion), and at least
   one held-out collusive tender is alerted. A level that alerts few clean tenders but collusive ones no
   more often is a lottery, not a finding. If no ``L`` ≤ 1 satisfies both, there is no such level
   (``None``): the model then never alerts medium on its own.

The level is measured on held-out models and applied to the shipped model, which was trained on more
data (one market more): its probabilities on a new market are of the same kind (same features, weights
and calibration), which is the assumption this rests on; the table of :func:`level_table` shows the
margin per market.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from bidwatch.model.features import FeatureBuilder
from bidwatch.model.scoring import MIN_BIDS, TrainedModel, train_model

MAX_CLEAN_SHARE = 0.05
"""At the standalone level, at most this share of a held-out market's clean tenders is alerted."""
MIN_RATIO = 2.0
"""At the standalone level, a held-out market's collusive tenders are alerted at least this many times as
often as its clean ones (where it alerts anything)."""
ALERT_MIN_BIDS = 4
"""Tenders with fewer priced bids are never alerted by ``ml_collusion`` (``[ml] min_bids``)."""


@dataclass
class HeldOut:
    """Probabilities of one market from a model that never saw it."""

    market: str
    trained_on: list[str]
    scores: pd.DataFrame  # tender_id, n_bids, label, probability
    model: TrainedModel


def scan_configuration() -> FeatureBuilder:
    """The feature settings of the shipped scan model (``--standardise all --no-estimate``)."""
    return FeatureBuilder(standardise="all", estimate=False)


def leave_one_market_out(
    train: Sequence[tuple[str, pd.DataFrame]],
    test_only: Sequence[tuple[str, pd.DataFrame]] = (),
    *,
    builder: Callable[[], FeatureBuilder] = scan_configuration,
    balance: bool = True,
    progress: Callable[[str], None] | None = None,
) -> dict[str, HeldOut]:
    """Score each market with a model trained on the ``train`` markets other than it.

    ``train`` and ``test_only`` are ``(name, bids)`` with ``tender_id, price, label`` (as
    :func:`bidwatch.model.benchmark.read_labelled` gives); a ``test_only`` market is scored by the model
    trained on all ``train`` markets. Models are fitted with fixed seeds: reruns give the same numbers.
    """
    out: dict[str, HeldOut] = {}
    full: TrainedModel | None = None
    for name, bids in [*train, *test_only]:
        others = [(n, b) for n, b in train if n != name]
        if len(others) == len(train) and full is not None:
            model = full
        else:
            if progress:
                progress(f"[{name}] training on {', '.join(n for n, _ in others)} ...")
            model = train_model(others, builder=builder(), balance=balance,
                                metadata={"held_out": name})
            if len(others) == len(train):
                full = model
        raw = model.builder.raw(bids)
        raw = raw[raw["n"] >= MIN_BIDS]
        proba = model.estimator.predict_proba(model.builder.complete(raw, None).to_numpy(dtype=float))[:, 1]
        labels = bids.groupby("tender_id")["label"].max().reindex(raw.index).fillna(0).astype(int)
        out[name] = HeldOut(name, [n for n, _ in others], pd.DataFrame({
            "tender_id": raw.index.to_numpy(), "n_bids": raw["n"].to_numpy().astype(int),
            "label": labels.to_numpy(), "probability": proba}), model)
    return out


def clean_share_at(scores: pd.DataFrame, level: float, min_bids: int = ALERT_MIN_BIDS) -> float:
    """Share of the market's clean alertable tenders (≥ ``min_bids`` bids) with probability ≥ ``level``."""
    clean = scores[(scores["label"] == 0) & (scores["n_bids"] >= min_bids)]
    return float((clean["probability"] >= level - 1e-12).mean()) if len(clean) else 0.0


def collusive_share_at(scores: pd.DataFrame, level: float, min_bids: int = ALERT_MIN_BIDS) -> float:
    """Share of the market's collusive alertable tenders with probability ≥ ``level``."""
    rigged = scores[(scores["label"] == 1) & (scores["n_bids"] >= min_bids)]
    return float((rigged["probability"] >= level - 1e-12).mean()) if len(rigged) else 0.0


def holds(held_out: dict[str, HeldOut], level: float, max_clean_share: float = MAX_CLEAN_SHARE,
          min_ratio: float = MIN_RATIO, min_bids: int = ALERT_MIN_BIDS) -> bool:
    """Whether ``level`` meets both conditions of the module docstring on every held-out market."""
    alerted_any = False
    for h in held_out.values():
        clean = clean_share_at(h.scores, level, min_bids)
        rigged = collusive_share_at(h.scores, level, min_bids)
        if clean > max_clean_share:
            return False
        if (clean > 0 or rigged > 0) and rigged < min_ratio * clean:
            return False
        alerted_any = alerted_any or rigged > 0
    return alerted_any


def standalone_level(held_out: dict[str, HeldOut], max_clean_share: float = MAX_CLEAN_SHARE,
                     min_ratio: float = MIN_RATIO, min_bids: int = ALERT_MIN_BIDS) -> float | None:
    """The lowest level (0.001 steps) that :func:`holds`, or None when none does."""
    for level in np.arange(0, 1001) / 1000:
        if holds(held_out, float(level), max_clean_share, min_ratio, min_bids):
            return float(level)
    return None


def level_curve(held_out: dict[str, HeldOut], levels: Sequence[float], min_bids: int = ALERT_MIN_BIDS
                ) -> list[dict[str, float | str]]:
    """For each level and held-out market: the shares of its clean and collusive tenders alerted."""
    return [{"level": float(level), "market": name,
             "clean_alerted": round(clean_share_at(h.scores, level, min_bids), 4),
             "collusive_alerted": round(collusive_share_at(h.scores, level, min_bids), 4)}
            for level in levels for name, h in held_out.items()]


def level_table(held_out: dict[str, HeldOut], level: float | None, min_bids: int = ALERT_MIN_BIDS
                ) -> list[dict[str, float | int | str | None]]:
    """Per held-out market at ``level``: clean and collusive alertable tenders, the share of each alerted,
    and the 95th percentile of the clean tenders' probabilities (the market's own 5 % level)."""
    rows = []
    for name, h in held_out.items():
        s = h.scores[h.scores["n_bids"] >= min_bids]
        clean, rigged = s[s["label"] == 0], s[s["label"] == 1]
        at = 1.01 if level is None else level

        def share(frame: pd.DataFrame, at: float = at) -> float | None:
            return round(float((frame["probability"] >= at - 1e-12).mean()), 4) if len(frame) else None

        rows.append({
            "market": name, "trained_on": " + ".join(h.trained_on),
            "clean": int(len(clean)), "collusive": int(len(rigged)),
            "clean_p95": round(float(np.quantile(clean["probability"], 0.95)), 3) if len(clean) else None,
            "clean_max": round(float(clean["probability"].max()), 3) if len(clean) else None,
            "clean_alerted": share(clean), "collusive_alerted": share(rigged),
        })
    return rows
