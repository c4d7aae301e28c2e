"""Recall and precision of a scan against planted ground truth (labels.csv of evaluation data).

A label (tender, scheme) is *found* when an alert of that family names that tender (contract-level
labels, with no tender, match on the project). An alert is *right* when its tender (or project) carries
a label of the alert's family. Per indicator, recall counts the labels whose ``mechanism`` is that
indicator's code. The product reads labels.csv only here.
"""

from __future__ import annotations

from typing import Any

import pandas as pd


def _key(tender: Any, project: Any) -> str:
    if isinstance(tender, str) and tender:
        return f"T:{tender}"
    return f"P:{project}" if isinstance(project, str) and project else ""


def read_labels(path: Any) -> pd.DataFrame:
    labels = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    for col in ("tender_id", "scheme", "company_ids", "mechanism", "project_id"):
        if col not in labels:
            labels[col] = ""
    return labels


def evaluate_alerts(alerts: pd.DataFrame, labels: pd.DataFrame) -> dict[str, Any]:
    labels = labels.copy()
    labels["key"] = [_key(t, p) for t, p in zip(labels["tender_id"], labels["project_id"], strict=True)]
    a = alerts.copy()
    a["tkey"] = [_key(t, None) for t in a["tender_id"]]
    a["pkey"] = [_key(None, p) for p in a["project_id"]]
    labelled = {(k, s) for k, s in zip(labels["key"], labels["scheme"], strict=True)}

    def right(row: Any) -> bool:
        return (row.tkey, row.family) in labelled or (row.pkey, row.family) in labelled

    a["right"] = [right(r) for r in a.itertuples(index=False)] if len(a) else []
    found_by_family = {(k, f) for k, f in zip(a["tkey"], a["family"], strict=True)} | {
        (k, f) for k, f in zip(a["pkey"], a["family"], strict=True)
    }
    found_by_indicator = {(k, i) for k, i in zip(a["tkey"], a["indicator"], strict=True)} | {
        (k, i) for k, i in zip(a["pkey"], a["indicator"], strict=True)
    }
    families: dict[str, Any] = {}
    for fam in sorted(set(labels["scheme"]) | set(a["family"])):
        lab = labels[labels["scheme"] == fam].drop_duplicates("key")
        fa = a[a["family"] == fam]
        found = sum((k, fam) in found_by_family for k in lab["key"])
        families[fam] = {
            "labels": int(len(lab)),
            "found": int(found),
            "recall": round(found / len(lab), 4) if len(lab) else None,
            "alerts": int(len(fa)),
            "precision": round(float(fa["right"].mean()), 4) if len(fa) else None,
        }
    indicators: dict[str, Any] = {}
    for code in sorted(set(labels["mechanism"]) - {""} | set(a["indicator"])):
        lab = labels[labels["mechanism"] == code].drop_duplicates("key")
        ia = a[a["indicator"] == code]
        found = sum((k, code) in found_by_indicator for k in lab["key"])
        indicators[code] = {
            "labels": int(len(lab)),
            "found": int(found),
            "recall": round(found / len(lab), 4) if len(lab) else None,
            "alerts": int(len(ia)),
            "precision": round(float(ia["right"].mean()), 4) if len(ia) else None,
        }
    high = a[a["severity"] == "high"]
    return {
        "families": families,
        "indicators": indicators,
        "high_severity": {
            "alerts": int(len(high)),
            "right": int(high["right"].sum()) if len(high) else 0,
            "precision": round(float(high["right"].mean()), 4) if len(high) else None,
        },
    }


def format_evaluation(ev: dict[str, Any]) -> str:
    def fmt(v: Any) -> str:
        return "  -  " if v is None else f"{v:.3f}"

    lines = ["类别 family                 标注 found  召回 recall  预警 alerts  精确 precision"]
    for fam, m in ev["families"].items():
        lines.append(f"{fam:<26} {m['labels']:>4} {m['found']:>5}  {fmt(m['recall']):>10}  {m['alerts']:>10}"
                     f"  {fmt(m['precision']):>12}")
    lines.append("")
    lines.append("指标 indicator               标注 found  召回 recall  预警 alerts  精确 precision")
    for code, m in ev["indicators"].items():
        lines.append(f"{code:<26} {m['labels']:>4} {m['found']:>5}  {fmt(m['recall']):>10}  {m['alerts']:>10}"
                     f"  {fmt(m['precision']):>12}")
    h = ev["high_severity"]
    lines.append("")
    lines.append(f"高风险预警正确率 high-severity precision: {h['right']}/{h['alerts']} = {fmt(h['precision'])}")
    return "\n".join(lines)
