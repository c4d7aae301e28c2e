"""The collusion classifier in the scan: ``ml_collusion`` (collusion family, medium).

Each tender with at least ``[ml] min_bids`` submitted bids gets the probability of
:func:`bidwatch.model.scoring.score_tenders` (the shipped model, ``src/bidwatch/model/MODEL_CARD.md``,
or a model trained on the user's own confirmed cases with ``bidwatch model train``, ``[ml] model``).
A tender is alerted when its probability is at least ``[ml] threshold`` **and** it is among the
``[ml] alert_share`` highest of the scanned tenders (probability levels do not carry over to a market
unlike the training ones; the rank cap bounds the alerts whatever the level). The evidence names the
screens that drove the probability: for each, the tender's value and how many percentage points the
probability drops when that screen (with its subset summaries) is set to its training median.

Everything is vectorised: the features and the model run once over all tenders; only the alerted
tenders get evidence (one extra model evaluation per screen family over those tenders).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pandas as pd

from bidwatch.indicators.base import ScanContext, indicator
from bidwatch.indicators.screens import SCREEN_ZH

ALERT_COLS = ["tender_id", "project_id", "company_ids", "score", "severity", "evidence"]
#: Chinese names of the evidence features (screens, number of bids, lowest bid / estimate)
FEATURE_ZH: dict[str, str] = {**SCREEN_ZH, "n": "有效报价家数", "BE": "最低报价与估算价之比"}


def _model(cfg: Mapping[str, Any]) -> Any:
    from bidwatch.model.scoring import TrainedModel, load_default_model

    path = str(cfg.get("model") or "").strip()
    return TrainedModel.load(Path(path)) if path else load_default_model()


def _bids(ctx: ScanContext, with_estimate: bool) -> pd.DataFrame:
    """Valid bids with a price (withdrawn and disqualified bids left out, as ``bidwatch model train``
    reads a contract dataset), with the tender's estimate if the model uses one.

    The estimate is ``tenders.estimate`` if that column has values, else ``tenders.ceiling_price``
    (one meaning per dataset, as ``bidwatch model train`` reads contract datasets).
    """
    estimate = "NULL"
    if with_estimate:
        for col in ("estimate", "ceiling_price"):
            if ctx.has("tenders", col) and int(ctx.engine.query(
                    f"SELECT count({col}) AS k FROM tenders WHERE {col} > 0")["k"].iloc[0]) > 0:
                estimate = f"t.{col}"
                break
    return ctx.engine.query(
        f"SELECT b.tender_id, b.price, {estimate} AS estimate FROM bids b "
        "LEFT JOIN tenders t ON t.tender_id = b.tender_id "
        "WHERE coalesce(b.status, 'valid') = 'valid' AND b.price IS NOT NULL AND b.price > 0")


def _value_text(name: str, value: float) -> str:
    if name == "n":
        return f"{int(value)}家"
    return f"{value:.3g}"


def ml_message(row: Mapping[str, Any]) -> str:
    """One Chinese sentence: probability, threshold, rank, then the features that drove it."""
    ev = row["evidence"]
    parts = "、".join(
        f"{f['name_zh']}{'' if f['name'] == 'n' else f['name']}={_value_text(f['name'], f['value'])}"
        f"（使概率提高{f['contribution'] * 100:.1f}个百分点）"
        for f in ev.get("features", [])
    )
    basis = f"，主要依据：{parts}" if parts else ""
    return (f"串通识别模型估计本标段{ev['n_bids']}家报价属于串通投标的概率为{ev['probability']:.0%}"
            f"（预警阈值{ev['threshold']:.0%}，在{ev['scored_tenders']}个标段中排第{ev['rank']}位）{basis}。"
            f"模型结果是统计线索，须结合投标文件、资金往来等证据核实")


@indicator(
    code="ml_collusion",
    name_zh="串通投标识别模型预警",
    name_en="Collusion classifier: high probability of bid rigging",
    family="collusion",
    legal_basis="招标投标法实施条例 第39条、第40条第(四)项（统计线索）",
    severity="medium",
    kind="python",
    requires={"bids": ("price",)},
    message=ml_message,
    background=True,  # 10–20 s of numpy and trees at 1M bids: overlapped with the SQL indicators
)
def ml_collusion(ctx: ScanContext) -> pd.DataFrame:
    """串通投标识别模型（在真实卡特尔案件的投标数据上训练，见模型说明书）根据报价的变异系数、极差、最低两价差、
    相对距离、偏度、峰度等及其3家、4家子集统计，估计每个标段（至少4家有效报价）属于串通投标的概率；
    概率不低于阈值且位列本次扫描全部标段的前10%时预警（中风险），证据列出推高概率的主要指标及其数值。"""
    from bidwatch.model.scoring import score_tenders

    cfg = ctx.p("ml")
    if not bool(cfg.get("enabled", True)):
        return pd.DataFrame(columns=ALERT_COLS)
    model = _model(cfg)
    bids = _bids(ctx, with_estimate=bool(getattr(model.builder, "estimate", True)))
    if bids.empty:
        return pd.DataFrame(columns=ALERT_COLS)
    bids = bids.astype({"price": float, "estimate": float})
    # A number, or "model": the recommendation stored in the model file (its card explains it).
    threshold = float(model.threshold) if str(cfg["threshold"]).strip() == "model" else float(cfg["threshold"])
    scored = score_tenders(bids, model, estimate_col="estimate", top_k=int(cfg["top_features"]),
                           alert_share=float(cfg["alert_share"]), threshold=threshold, explain="alerts")
    scored = scored[scored["probability"].notna()].reset_index(drop=True)
    if scored.empty:
        return pd.DataFrame(columns=ALERT_COLS)
    # Rank among all scored tenders (1 = highest probability); the alert needs enough bids as well.
    scored["rank"] = scored["probability"].rank(ascending=False, method="min").astype(int)
    hit = scored[scored["above_threshold"] & (scored["n_bids"] >= int(cfg["min_bids"]))]
    if hit.empty:
        return pd.DataFrame(columns=ALERT_COLS)
    ctx.engine.register("_bw_ml_hit", hit[["tender_id"]].reset_index(drop=True))
    named = ctx.engine.query(
        "SELECT b.tender_id, list_sort(list(DISTINCT b.company_id)) AS companies FROM bids b "
        "JOIN _bw_ml_hit h ON h.tender_id = b.tender_id "
        "WHERE coalesce(b.status, 'valid') = 'valid' AND b.price > 0 GROUP BY b.tender_id")
    bidders = {t: [str(c) for c in cs] for t, cs in zip(named["tender_id"], named["companies"], strict=True)}
    total = len(scored)
    evidence = [
        orjson.dumps({
            "probability": round(float(p), 4), "threshold": threshold, "rank": int(rank),
            "scored_tenders": total, "n_bids": int(n),
            "features": [{"name": f, "name_zh": FEATURE_ZH.get(f, f), "value": v, "contribution": c}
                         for f, v, c in feats],
        }).decode()
        for p, rank, n, feats in zip(hit["probability"], hit["rank"], hit["n_bids"], hit["top_features"],
                                     strict=True)
    ]
    return pd.DataFrame({
        "tender_id": hit["tender_id"].to_numpy(), "project_id": None,
        "company_ids": [bidders.get(t, []) for t in hit["tender_id"]],
        "score": hit["probability"].to_numpy(dtype=float), "severity": None, "evidence": evidence,
    }, columns=ALERT_COLS)
