"""The collusion classifier in the scan: ``ml_collusion`` (collusion family; low, or medium when it holds).

Each tender whose bids are the whole bid list (:func:`complete_bid_lists`: where only the winning
candidates were published, a missing bid is not checked) gets the probability of
:func:`bidwatch.model.scoring.score_tenders` (the shipped model, ``src/bidwatch/model/MODEL_CARD.md``, or a
model trained on the user's own confirmed cases with ``bidwatch model train``, ``[ml] model``). Only
tenders with at least ``[ml] min_bids`` valid priced bids can be alerted. No quota decides an alert:

- **medium on its own** when the probability is at least ``[ml] standalone_level``: the level at which,
  with the model trained on the other labelled cartel markets, at most 5 % of a held-out market's clean
  tenders are alerted — in every one of the four markets (``bidwatch model level``,
  :mod:`bidwatch.model.levels`; docs/model-results.md gives the table a legal reader can follow).
  Probability levels chosen on the training markets do not carry over to an unlike market (0.691 alerts
  76 % of Japan's clean tenders when Japan is left out), so only a level shown to hold out of sample may
  accuse on its own; ``standalone_level = "none"`` turns this off.
- otherwise **low**, a ranking lead counted in the risk score: probability ≥ ``[ml] threshold`` and among
  the ``[ml] alert_share`` highest of the scanned tenders (a ranking for review, never an accusation);
- raised to **medium** when independent evidence corroborates it on the same tender: another
  collusion-family indicator raised a medium or high alert on that tender (``[ml] corroborate``; the
  price screens, which read the same price statistics, do not count: ``[ml] not_corroborating``). This
  step runs after every indicator, on the gathered alerts (:func:`corroborate`, called by the scan), so
  it is the same on DuckDB and Spark and does not run any indicator twice; the evidence names the
  corroborating alerts.

The evidence names the screens that drove the probability: for each, the tender's value and how many
percentage points the probability drops when that screen (with its subset summaries) is set to its
training median. Everything is vectorised: the features and the model run once over all tenders; only
the alerted tenders get evidence (one extra model evaluation per screen family over those tenders).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pandas as pd

from bidwatch.indicators.base import Coverage, ScanContext, complete_bid_lists, indicator
from bidwatch.indicators.screens import SCREEN_ZH

ALERT_COLS = ["tender_id", "project_id", "company_ids", "score", "severity", "evidence"]
CODE = "ml_collusion"
VALID_PRICED = "coalesce(b.status, 'valid') = 'valid' AND b.price IS NOT NULL AND b.price > 0"
#: Chinese names of the evidence features (screens, number of bids, lowest bid / estimate)
FEATURE_ZH: dict[str, str] = {**SCREEN_ZH, "n": "有效报价家数", "BE": "最低报价与估算价之比"}


def _model(cfg: Mapping[str, Any]) -> Any:
    from bidwatch.model.scoring import TrainedModel, load_default_model

    path = str(cfg.get("model") or "").strip()
    return TrainedModel.load(Path(path)) if path else load_default_model()


def prewarm(settings: Mapping[str, Any]) -> Any:
    """Start importing scikit-learn and unpickling the model on a thread of its own; returns the thread
    (or None).

    The scan calls it before it loads the dataset: the ≈ 1–1.5 CPU s of imports and unpickling then overlap
    DuckDB's reading (which releases the GIL) on the second core instead of delaying ``ml_collusion``. Nothing
    else changes: :func:`_model` gets the same model, and a failure here is left for it to report."""
    import threading

    cfg = settings.get("ml", {}) if isinstance(settings, Mapping) else {}
    if not bool(cfg.get("enabled", True)):
        return None

    def warm() -> None:
        try:
            from bidwatch.model.scoring import load_default_model

            if not str(cfg.get("model") or "").strip():
                load_default_model()
        except Exception:  # noqa: BLE001 - reported by ml_collusion when it loads the model itself
            pass

    thread = threading.Thread(target=warm, name="bidwatch-ml-prewarm", daemon=True)
    thread.start()
    return thread


def _bids(ctx: ScanContext, with_estimate: bool) -> pd.DataFrame:
    """Valid bids with a price (withdrawn and disqualified bids left out, as ``bidwatch model train``
    reads a contract dataset) of the tenders with a complete bid list, with the tender's estimate if the
    model uses one.

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
        f"WHERE {VALID_PRICED} AND b.tender_id IN ({complete_bid_lists(ctx)})")


def ml_coverage(ctx: ScanContext) -> Coverage:
    """What the classifier could check: tenders with a complete bid list and at least ``[ml] min_bids``
    valid priced bids (the others are not scored for an alert: absent bids are not evidence)."""
    min_bids = int(ctx.p("ml")["min_bids"])
    checked = (f"SELECT b.tender_id AS id FROM bids b WHERE {VALID_PRICED} "
               f"AND b.tender_id IN ({complete_bid_lists(ctx)}) "
               f"GROUP BY b.tender_id HAVING count(*) >= {min_bids}")
    return Coverage("tenders", "SELECT t.tender_id AS id FROM tenders t", checked)


def standalone_level(cfg: Mapping[str, Any]) -> float | None:
    """``[ml] standalone_level`` as a probability, or None ("none": the model never alerts medium alone)."""
    value = cfg.get("standalone_level", "none")
    if value is None or str(value).strip().lower() in ("", "none"):
        return None
    return float(value)


def _value_text(name: str, value: float) -> str:
    if name == "n":
        return f"{int(value)}家"
    return f"{value:.3g}"


def ml_message(row: Mapping[str, Any]) -> str:
    """One Chinese sentence: probability, why it is (or is not) an alert of its own, then the features."""
    ev = row["evidence"]
    parts = "、".join(
        f"{f['name_zh']}{'' if f['name'] == 'n' else f['name']}={_value_text(f['name'], f['value'])}"
        f"（使概率提高{f['contribution'] * 100:.1f}个百分点）"
        for f in ev.get("features", [])
    )
    basis = f"，主要依据：{parts}" if parts else ""
    level = ev.get("standalone_level")
    rank = f"在{ev['scored_tenders']}个标段中排第{ev['rank']}位"
    head = f"串通识别模型估计本标段{ev['n_bids']}家报价属于串通投标的概率为{ev['probability']:.0%}"
    corroborated = ev.get("corroborated_by") or []
    if level is not None and ev["probability"] >= level:
        why = (f"（{rank}；达到单独预警水平{level:.1%}：在模型未训练过的卡特尔市场上，该水平下被预警的"
               f"非串通标段不超过5%）")
    elif corroborated:
        others = "、".join(sorted({c["name_zh"] for c in corroborated}))
        why = f"（{rank}；本标段另有{others}预警，相互印证）"
    else:
        why = f"（{rank}，排序阈值{ev['threshold']:.0%}；仅为排序线索，未达单独预警水平，亦无其他串通证据印证）"
    return f"{head}{why}{basis}。模型结果是统计线索，须结合投标文件、资金往来等证据核实"


@indicator(
    code=CODE,
    name_zh="串通投标识别模型预警",
    name_en="Collusion classifier: high probability of bid rigging",
    family="collusion",
    legal_basis="招标投标法实施条例 第39条、第40条第(四)项（统计线索）",
    severity="low",
    kind="python",
    requires={"bids": ("price",)},
    message=ml_message,
    background=True,  # 10–20 s of numpy and trees at 1M bids: overlapped with the SQL indicators
    coverage=ml_coverage,
)
def ml_collusion(ctx: ScanContext) -> pd.DataFrame:
    """串通投标识别模型（在真实卡特尔案件的投标数据上训练，见模型说明书）根据报价的变异系数、极差、最低两价差、
    相对距离、偏度、峰度等及其3家、4家子集统计，估计投标人名单完整、至少4家有效报价的标段属于串通投标的概率。
    概率达到单独预警水平（在模型未训练过的市场上验证：该水平下被预警的非串通标段不超过5%）时为中风险预警；
    否则仅对本次扫描概率最高的标段作排序提示（低风险），本标段另有其他串通投标中、高风险预警相互印证时升为中风险。
    证据列出推高概率的主要指标及其数值。"""
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
    level = standalone_level(cfg)
    scored = score_tenders(bids, model, estimate_col="estimate", top_k=int(cfg["top_features"]),
                           alert_share=float(cfg["alert_share"]), threshold=threshold, explain="alerts",
                           explain_at=level)
    scored = scored[scored["probability"].notna()].reset_index(drop=True)
    if scored.empty:
        return pd.DataFrame(columns=ALERT_COLS)
    # Rank among all scored tenders (1 = highest probability); an alert needs enough bids as well.
    scored["rank"] = scored["probability"].rank(ascending=False, method="min").astype(int)
    alone = (scored["probability"] >= level) if level is not None else pd.Series(False, index=scored.index)
    hit = scored[(scored["above_threshold"] | alone) & (scored["n_bids"] >= int(cfg["min_bids"]))]
    if hit.empty:
        return pd.DataFrame(columns=ALERT_COLS)
    ctx.engine.register("_bw_ml_hit", hit[["tender_id"]].reset_index(drop=True))
    named = ctx.engine.query(
        "SELECT b.tender_id, list_sort(list(DISTINCT b.company_id)) AS companies FROM bids b "
        "JOIN _bw_ml_hit h ON h.tender_id = b.tender_id "
        f"WHERE {VALID_PRICED} GROUP BY b.tender_id")
    bidders = {t: [str(c) for c in cs] for t, cs in zip(named["tender_id"], named["companies"], strict=True)}
    total = len(scored)
    evidence = [
        orjson.dumps({
            "probability": round(float(p), 4), "threshold": threshold, "standalone_level": level,
            "rank": int(rank), "scored_tenders": total, "n_bids": int(n), "corroborated_by": [],
            "features": [{"name": f, "name_zh": FEATURE_ZH.get(f, f), "value": v, "contribution": c}
                         for f, v, c in feats],
        }).decode()
        for p, rank, n, feats in zip(hit["probability"], hit["rank"], hit["n_bids"], hit["top_features"],
                                     strict=True)
    ]
    return pd.DataFrame({
        "tender_id": hit["tender_id"].to_numpy(), "project_id": None,
        "company_ids": [bidders.get(t, []) for t in hit["tender_id"]],
        "score": hit["probability"].to_numpy(dtype=float),
        "severity": np.where(alone.loc[hit.index].to_numpy(), "medium", "low"), "evidence": evidence,
    }, columns=ALERT_COLS)


def corroborate(alerts: pd.DataFrame, settings: Mapping[str, Any]) -> pd.DataFrame:
    """Raise ``ml_collusion``'s low alerts to medium where independent evidence stands on the same tender.

    ``alerts`` are the scan's gathered alerts (after every indicator ran, severities filled in). A low
    ``ml_collusion`` alert becomes medium when another collusion-family indicator, not listed in
    ``[ml] not_corroborating`` (the price screens: the same price statistics, not independent), raised a
    medium or high alert on the same tender; its evidence lists those alerts (indicator, name, severity).
    Pure pandas over the alert rows, so DuckDB and Spark give the same result. Returns a new frame.
    """
    cfg = settings.get("ml", {}) if isinstance(settings, Mapping) else {}
    if alerts.empty or not bool(cfg.get("corroborate", True)):
        return alerts
    is_ml = (alerts["indicator"] == CODE).to_numpy()
    low_ml = is_ml & (alerts["severity"] == "low").to_numpy()
    if not low_ml.any():
        return alerts
    excluded = {CODE, *(str(c) for c in cfg.get("not_corroborating", ()))}
    support = alerts[(alerts["family"] == "collusion") & alerts["severity"].isin(("medium", "high"))
                     & ~alerts["indicator"].isin(excluded) & alerts["tender_id"].notna()]
    if support.empty:
        return alerts
    by_tender: dict[Any, list[dict[str, str]]] = {}
    rows = zip(support["tender_id"], support["indicator"], support["name_zh"], support["severity"], strict=True)
    for t, code, name, sev in sorted(rows, key=lambda r: (str(r[0]), r[1], r[3])):
        entry = {"indicator": str(code), "name_zh": str(name), "severity": str(sev)}
        if entry not in by_tender.setdefault(t, []):
            by_tender[t].append(entry)
    out = alerts.reset_index(drop=True).copy()  # a new frame: the caller's is untouched
    # whole columns as lists, changed, then set back: a cell at a time (``.at``) on pyarrow-backed columns
    # took a second on the 1M-bid scan's 12k model alerts
    tender_ids = out["tender_id"].tolist()
    evidence = out["evidence"].tolist()
    severity = out["severity"].tolist()
    changed = False
    for i in np.flatnonzero(low_ml):
        found = by_tender.get(tender_ids[i])
        if not found:
            continue
        ev = evidence[i]
        ev = orjson.loads(ev) if isinstance(ev, str | bytes) else dict(ev or {})
        ev["corroborated_by"] = found
        evidence[i] = orjson.dumps(ev).decode()
        severity[i] = "medium"
        changed = True
    if changed:
        out["evidence"] = pd.Series(evidence, index=out.index, dtype=out["evidence"].dtype)
        out["severity"] = pd.Series(severity, index=out.index, dtype=out["severity"].dtype)
    return out
