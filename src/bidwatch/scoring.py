"""Risk scores of tenders and companies from their alerts (documented in docs/scoring.md).

score = 100 × (1 − Π(1 − w(severity) × w(indicator) × alert score × decay^k)), where k counts the earlier
alerts of the same indicator on the same tender (or company): a second identical finding adds less than
the first, and many weak signals never outweigh one piece of hard evidence by much. Companies also get a
``network_risk``: the same formula over the network indicators only (抱团、轮流坐庄、陪标、关联企业圈).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

LEVEL_ZH = {"high": "高", "medium": "中", "low": "低", "none": "无"}


def _contributions(alerts: pd.DataFrame, key: str, settings: Mapping[str, Any]) -> pd.DataFrame:
    weights = settings["scoring"]["severity_weight"]
    per_indicator = settings["scoring"].get("indicator_weight", {})
    decay = float(settings["scoring"]["repeat_decay"])
    a = alerts[[key, "indicator", "severity", "score", "name_zh"]].copy()
    a["w"] = (a["severity"].map(weights).astype(float) * a["score"].astype(float).clip(0, 1)
              * a["indicator"].map(lambda code: float(per_indicator.get(code, 1.0))))
    a = a.sort_values([key, "indicator", "w"], ascending=[True, True, False])
    a["k"] = a.groupby([key, "indicator"]).cumcount()
    a["c"] = (a["w"] * decay ** a["k"]).clip(0, 0.999)
    return a


def _join_by(keys: pd.Series, values: pd.Series | list[str], sep: str) -> pd.Series:
    """``sep``-joined values per key, in the given row order, keys in order of first appearance.

    Pure Python (pandas' string agg is slow), a run of equal keys at a time: the callers pass rows sorted by
    key, so that is one slice per key, not one append per row (0.6 s less on the 1M-bid scan).
    """
    ks = keys.tolist()
    vs = values.tolist() if isinstance(values, pd.Series) else list(values)
    if len(ks) != len(vs):
        raise ValueError(f"_join_by: {len(ks)} keys, {len(vs)} values")
    starts = [i for i in range(len(ks)) if i == 0 or ks[i] != ks[i - 1]]
    out: dict[Any, list[str]] = {}
    for a, b in zip(starts, [*starts[1:], len(ks)]):
        out.setdefault(ks[a], []).extend(vs[a:b])
    return pd.Series({k: sep.join(v) for k, v in out.items()}, dtype=object)


def risk_table(alerts: pd.DataFrame, key: str, settings: Mapping[str, Any]) -> pd.DataFrame:
    """Per ``key`` (tender_id or company_id): risk_score, level, counts, top indicators, explanation."""
    cols = ["risk_score", "risk_level", "risk_level_zh", "n_alerts", "n_high", "n_medium", "n_low",
            "families", "top_indicators", "explanation"]
    network = set(settings["scoring"].get("network_indicators", ())) if key == "company_id" else set()
    if network:
        cols.append("network_risk")
    if alerts.empty:
        return pd.DataFrame(columns=[key, *cols])
    a = _contributions(alerts, key, settings)
    a["log1m"] = np.log1p(-a["c"])
    g = a.groupby(key)
    out = pd.DataFrame({"risk_score": (100 * (1 - np.exp(g["log1m"].sum()))).round(1)})
    if network:
        net = a[a["indicator"].isin(network)].groupby(key)["log1m"].sum()
        out["network_risk"] = (100 * (1 - np.exp(net.reindex(out.index, fill_value=0.0)))).round(1)
    counts = a.pivot_table(index=key, columns="severity", values="indicator", aggfunc="count", fill_value=0)
    for sev in ("high", "medium", "low"):
        out[f"n_{sev}"] = counts.get(sev, 0)
    out["n_alerts"] = g.size()
    fam_pairs = alerts[[key, "family"]].drop_duplicates().sort_values([key, "family"])
    out["families"] = _join_by(fam_pairs[key], fam_pairs["family"], ";")
    per_ind = (
        a.groupby([key, "indicator", "name_zh"], sort=False)
        .agg(n=("c", "size"), c=("c", "sum"), sev=("severity", "first"))
        .reset_index()
        .sort_values([key, "c"], ascending=[True, False])
    )
    top = per_ind.groupby(key).head(3)
    n_ind = per_ind.groupby(key).size()
    out["top_indicators"] = _join_by(top[key], top["indicator"], ";")
    levels = settings["scoring"]["levels"]
    score = out["risk_score"]
    out["risk_level"] = np.select(
        [score >= levels["high"], score >= levels["medium"], score >= levels["low"]], ["high", "medium", "low"], "none"
    )
    out["risk_level_zh"] = out["risk_level"].map(LEVEL_ZH)
    # plain string building (a groupby.apply per key takes minutes on 100k tenders)
    listed = _join_by(top[key], [f"{name}{n}条（{LEVEL_ZH.get(sev, sev)}风险）"
                                 for name, n, sev in zip(top["name_zh"], top["n"], top["sev"], strict=True)], "；")
    more = n_ind.reindex(out.index).fillna(0).astype(int) - top.groupby(key).size().reindex(out.index).fillna(0).astype(int)
    out["explanation"] = [
        f"{LEVEL_ZH[lv]}风险（{sc:.1f}分）：{text}" + (f"；另有{m}类预警" if m > 0 else "")
        + (f"。关联网络风险{nr:.1f}分" if network and nr > 0 else "")
        for lv, sc, text, m, nr in zip(
            out["risk_level"], out["risk_score"], listed.reindex(out.index).fillna(""), more,
            out["network_risk"] if network else [0.0] * len(out), strict=True)
    ]
    return out.reset_index()[[key, *cols]]
