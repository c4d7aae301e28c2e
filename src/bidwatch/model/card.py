"""Model card (模型说明书) of a trained collusion model, as Markdown."""

from __future__ import annotations

import numpy as np

from bidwatch.model.benchmark import METRICS, REFERENCE
from bidwatch.model.scoring import TARGET_FALSE_POSITIVE_RATE, TrainedModel, alert_mask

_LABELS = {"accuracy": "acc", "balanced_accuracy": "bal. acc", "f1": "F1 (collusive)", "roc_auc": "ROC-AUC"}


def _metric_table(rows: dict[str, dict[str, float]], *, reference: bool) -> list[str]:
    head = "| market | tenders | collusive | " + " | ".join(_LABELS[m] for m in METRICS) + " |"
    lines = [head, "|" + "---|" * (3 + len(METRICS))]
    for name, r in rows.items():
        with_sd = r.get("folds", 2) > 1
        cells = [
            f"{r[m]:.3f} ± {r[m + '_sd']:.3f}" if with_sd and f"{m}_sd" in r else f"{r[m]:.3f}" for m in METRICS
        ]
        lines.append(f"| {name} | {r.get('tenders', '')} | {r.get('collusive', '')} | " + " | ".join(cells) + " |")
        ref = REFERENCE.get(name)
        if reference and ref:
            lines.append("| ↳ reference RF (README) | | | " + " | ".join(f"{ref[m]:.3f}" for m in METRICS) + " |")
    return lines


def threshold_table(predictions: dict[str, tuple[np.ndarray, np.ndarray]], threshold: float,
                    alert_share: float | None = None) -> list[str]:
    """Share of collusive and of clean tenders alerted per market (with the rank cap if given)."""
    lines = ["| market | recall (collusive alerted) | false-positive rate (clean alerted) |", "|---|---|---|"]
    for name, (y, p) in predictions.items():
        flagged = alert_mask(p, threshold, alert_share) if alert_share is not None else p >= threshold
        rec = f"{np.mean(flagged[y == 1]):.2f}" if (y == 1).any() else "–"
        fpr = f"{np.mean(flagged[y == 0]):.2f}" if (y == 0).any() else "–"
        lines.append(f"| {name} | {rec} | {fpr} |")
    return lines


def render_card(
    model: TrainedModel,
    *,
    within: dict | None = None,
    transfer: dict | None = None,
    notes: str = "",
) -> str:
    """The model card: data, features, estimator, protocol, metrics, threshold, limits.

    Parameters
    ----------
    model : TrainedModel
    within, transfer : dict, optional
        Results of :func:`bidwatch.model.benchmark.benchmark` (cross-validation within each
        market, and leave-one-market-out).
    notes : str
        Extra Markdown appended under "Notes".
    """
    meta = model.metadata
    est = model.estimator
    lines = [
        "# Model card — bidwatch collusion classifier (串通投标识别模型说明书)",
        "",
        (f"Trained {meta.get('trained_at', '?')} · scikit-learn {meta.get('versions', {}).get('scikit-learn', '?')} · "
        f"numpy {meta.get('versions', {}).get('numpy', '?')} · pandas {meta.get('versions', {}).get('pandas', '?')} · "
        f"Python {meta.get('versions', {}).get('python', '?')}"),
        "",
        "## Purpose 用途",
        "",
        ("Gives each tender a calibrated probability that its bids were rigged, computed only from the "
        "bid prices (and the tender's estimate where there is one). In the scan this probability is the "
        "indicator `ml_collusion` (family collusion 串通投标); the screens that drove it are its evidence. "
        "It is a lead for review (线索), never proof: a high probability means the bids look like those "
        "of the confirmed cartel tenders it was trained on."),
        "",
        "## Training data 训练数据",
        "",
        "| market | tenders (≥ 2 bids) | collusive |",
        "|---|---|---|",
    ]
    for name, m in meta.get("markets", {}).items():
        lines.append(f"| {name} | {m['tenders']} | {m['collusive']} |")
    if any(name in REFERENCE for name in meta.get("markets", {})):
        lines += [
            "",
            ("Source of the cartel files: García Rodríguez, Rodríguez-Montequín, Ballesteros-Pérez, Love and "
            "Signor (2022), \"Collusion detection in public procurement auctions with machine learning "
            "algorithms\", *Automation in Construction* 133:104047 — research use, cite the paper "
            "(article CC BY-NC-ND 4.0). Screens are recomputed from `Bid_value` (the stored RD and DIFFP "
            "are defective); `Tender` and `Date` are never used."),
        ]
    lines += [
        "",
        ("A tender is one example; its label is 1 when any of its bids is marked collusive (cartel files) "
        "or when `labels.csv` gives it scheme `collusion` (contract datasets; every other tender is 0). "
        "Tenders with fewer than two priced bids are left out (no screen is defined); they get no "
        "probability at scan time."),
        "",
        "## Features 特征",
        "",
        f"{len(model.feature_names)} columns, all from bid prices: the number of bids `n`; the nine screens "
        "CV, SPD, DIFFP, RD, RDNOR, RDALT, KURT, SKEW, KSTEST (formulas in `bidwatch/model/screens.py`); "
        f"the same screens over the 3- and 4-bid subsets (at most {model.builder.max_subsets} subsets of each "
        "size per tender, drawn with a fixed seed) summarised by mean, median, min and max"
        + ("; lowest and median bid divided by the estimate. " if model.builder.estimate else
           ". No bid/estimate ratio (what \"estimate\" means differs between the training markets). ")
        + {
            "market": "Every feature except `n` is standardised within its market (median 0, IQR 1), "
            "using no labels; at scan time the scanned data are the market "
            f"(below {model.builder.min_market_tenders} scorable tenders, typical training-market statistics "
            "are used instead).",
            "both": "The raw features plus the screens standardised within their market.",
            "all": "Every feature twice: raw (the screens are ratios without a currency, so a value means "
            "the same in every market) and standardised within its market (median 0, IQR 1, no labels; "
            "at scan time the scanned data are the market; below "
            f"{model.builder.min_market_tenders} scorable tenders typical training-market statistics are "
            "used instead).",
            "none": "No per-market standardisation: the screens are ratios without a currency, so a "
            "screen value means the same in every market.",
        }[model.builder.standardise]
        + " Never the tender id, dates, bidder ids or any other column.",
        "",
        "## Estimator 模型",
        "",
        ("`CollusionClassifier`: soft vote of a histogram gradient-boosting model "
        f"({est.max_iter} iterations, learning rate {est.learning_rate}, {est.max_leaf_nodes} leaves) and an "
        f"extra-trees forest ({est.n_trees} trees, ≤ {est.et_max_leaf_nodes} leaves), calibrated with "
        f"{est.calibration} calibration over {est.cv} stratified folds (`CalibratedClassifierCV`, "
        "ensemble of the fold models). Missing screens are handled natively by both tree models."
        + (" Training tenders are weighted so that every market and each class within it has the same "
           "total weight (`--balance`): the model learns what separates collusive from clean tenders "
           "inside a market, not which market is more often collusive; probabilities are on that "
           "50/50 scale." if meta.get("balance") else "")),
        "",
        "## Evaluation protocol 评估方法",
        "",
        ("Tender level. Within a market: stratified 5-fold cross-validation repeated "
        f"{(within or {}).get('meta', {}).get('n_repeats', '?')} times (fixed seeds); every fold fits a new "
        "model on the training tenders only; the per-market standardisation is label-free and computed "
        "on the whole market, as at scan time. Transfer: train on all markets but one, test on it. "
        "Accuracy, balanced accuracy and F1 use the 0.5 cut of the calibrated probability."),
        "",
    ]
    if within:
        lines += ["## Results within each market 市场内交叉验证", "", *_metric_table(within["markets"], reference=True), ""]
        weak = [n for n, r in within["markets"].items() if r["roc_auc"] < 0.85]
        if weak:
            lines += [f"Weaker markets (ROC-AUC < 0.85): {', '.join(weak)}.", ""]
        lines += [f"Runtime: {within['meta']['runtime_seconds']:.0f} s with {within['meta']['n_jobs']} processes.", ""]
    if transfer:
        lines += [
            "## Transfer to an unseen market 跨市场迁移",
            "",
            "Trained on the other markets (each standardised with its own statistics), tested on this one:",
            "",
            *_metric_table(transfer["markets"], reference=False),
            "",
        ]
    share = model.alert_share
    lines += [
        "## Alert threshold 预警阈值",
        "",
        (f"Ranking rule for `ml_collusion` (severity **low** 低, a lead counted in the risk score): "
        f"**probability ≥ {model.threshold:.3f}** and the tender among the top {share:.0%} of the scanned tenders "
        "by probability (`score_tenders(...)['above_threshold']`). The probability raises a **medium** alert "
        "on its own only at `[ml] standalone_level`, a level shown to hold on markets the model was not "
        "trained on (`bidwatch model level`: leave one market out; at that level at most 5 % of every "
        "held-out market's clean tenders are alerted and its collusive ones at least twice as often), and "
        "otherwise only where another collusion indicator's medium or high alert corroborates it on the "
        "same tender. The threshold and the rank cap below decide what is *ranked*, never what is alleged."),
        "",
        (f"Why the probability threshold: on held-out tenders of the training markets (cross-validation "
        f"above) it alerts at most {TARGET_FALSE_POSITIVE_RATE:.0%} of the clean tenders, averaged over the "
        "markets with equal weight. A target on clean tenders does not depend on how common cartels "
        "are (11–82 % in these markets; far less in a regulator's market), unlike a cut chosen for "
        "accuracy or F1; the 0.5 cut of the tables above would alert most tenders of a mostly collusive "
        "market."),
        "",
        (f"Why the rank cap: probability levels do not carry over to a market unlike the training ones — "
        "the transfer predictions below sit far above or below the threshold as a whole, depending on the "
        f"market. Ranking only the top {share:.0%} keeps the share of a new market's tenders that carry the "
        "low lead near that figure whatever the level. Set `alert_share=1.0` for a model trained on the "
        "user's own market."),
        "",
    ]
    if within and within.get("predictions"):
        lines += ["Held-out predictions within each market, probability ≥ threshold:", "",
                  *threshold_table(within["predictions"], model.threshold), ""]
    if transfer and transfer.get("predictions"):
        lines += ["Unseen market (transfer predictions), probability ≥ threshold alone:", "",
                  *threshold_table(transfer["predictions"], model.threshold), "",
                  f"Unseen market, with the top-{share:.0%} cap as well:", "",
                  *threshold_table(transfer["predictions"], model.threshold, share), ""]
    lines += [
        "## Limits 局限",
        "",
        ("- Trained on confirmed cartel cases of the markets above; a scheme that does not show in "
        "bid prices (bid rotation at normal margins, cover bidding by outsiders) is not seen."),
        ("- Price screens need several bids: with 2–3 bids most screens are undefined and the probability "
        "rests on few features."),
        ("- Markets differ: in average-bid auctions (Italy) cartels widen the spread of bids, elsewhere they "
        "narrow it. A model carries over to an unseen market only partly (see the transfer table); "
        "retrain on the user's own confirmed cases with `bidwatch model train` when there are enough "
        "(tens of collusive tenders and of clean ones)."),
        ("- Probabilities are calibrated to the training mix of collusive and clean tenders, not to the "
        "prevalence in a regulator's market."),
        ("- The labels of the cartel files mark the tenders of the investigated period and firms; tenders "
        "labelled clean may still be rigged (label noise), which caps the reachable accuracy."),
        "",
    ]
    if notes:
        lines += ["## Notes 说明", "", notes.strip(), ""]
    lines += [
        "## Reproduce 复现",
        "",
        "```",
        meta.get("command", "bidwatch model train FILE... --out MODEL.joblib"),
        "```",
        "",
    ]
    return "\n".join(lines)
