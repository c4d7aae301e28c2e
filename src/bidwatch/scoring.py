"""Risk scores of tenders and companies from their alerts (documented in docs/scoring.md).

score = 100 × (1 − Π(1 − w(severity) × alert score × decay^k)), where k counts the earlier alerts of the
same indicator on the same tender (or company): a second identical finding adds less than the first,
and many weak signals never outweigh one piece of hard evidence by much.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

LEVEL_ZH = {"high": "高", "medium": "中", "low": "低", "none": "无"}


def _contributions(alerts: pd.DataFrame, key: str, settings: Mapping[str, Any]) -> pd.DataFrame:
    weights = settings["scoring"]["severity_weight"]
    decay = float(settings["scoring"]["repeat_decay"])
    a = alerts[[key, "indicator", "severity", "score", "name_zh"]].copy()
    a["w"] = a["severity"].map(weights).astype(float) * a["score"].astype(float).clip(0, 1)
    a = a.sort_values([key, "indicator", "w"], ascending=[True, True, False])
    a["k"] = a.groupby([key, "indicator"]).cumcount()
    a["c"] = (a["w"] * decay ** a["k"]).clip(0, 0.999)
    return a


def risk_table(alerts: pd.DataFrame, key: str, settings: Mapping[str, Any]) -> pd.DataFrame:
    """Per ``key`` (tender_id or company_id): risk_score, level, counts, top indicators, explanation."""
    cols = ["risk_score", "risk_level", "risk_level_zh", "n_alerts", "n_high", "n_medium", "n_low",
            "families", "top_indicators", "explanation"]
    if alerts.empty:
        return pd.DataFrame(columns=[key, *cols])
    a = _contributions(alerts, key, settings)
    a["log1m"] = np.log1p(-a["c"])
    g = a.groupby(key)
    out = pd.DataFrame({"risk_score": (100 * (1 - np.exp(g["log1m"].sum()))).round(1)})
    counts = a.pivot_table(index=key, columns="severity", values="indicator", aggfunc="count", fill_value=0)
    for sev in ("high", "medium", "low"):
        out[f"n_{sev}"] = counts[sev] if sev in counts else 0
    out["n_alerts"] = g.size()
    fam = alerts.groupby(key)["family"].agg(lambda s: ";".join(sorted(set(s))))
    out["families"] = fam
    per_ind = (
        a.groupby([key, "indicator", "name_zh"], sort=False)
        .agg(n=("c", "size"), c=("c", "sum"), sev=("severity", "first"))
        .reset_index()
        .sort_values([key, "c"], ascending=[True, False])
    )
    top = per_ind.groupby(key).head(3)
    out["top_indicators"] = top.groupby(key)["indicator"].agg(";".join)
    out["explanation"] = top.groupby(key).apply(
        lambda t: "；".join(
            f"{r.name_zh}{r.n}条（{LEVEL_ZH.get(r.sev, r.sev)}）" for r in t.itertuples(index=False)
        ),
        include_groups=False,
    )
    levels = settings["scoring"]["levels"]
    score = out["risk_score"]
    out["risk_level"] = np.select(
        [score >= levels["high"], score >= levels["medium"], score >= levels["low"]], ["high", "medium", "low"], "none"
    )
    out["risk_level_zh"] = out["risk_level"].map(LEVEL_ZH)
    return out.reset_index()[[key, *cols]]
