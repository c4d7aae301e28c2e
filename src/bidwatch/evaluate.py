"""Recall and precision of a scan against planted ground truth (labels.csv of evaluation data).

A label (tender, scheme) is *found* when an alert of that family names that tender (contract-level
labels, with no tender, match on the project). An alert is *right* when its tender (or project) carries
a label of the alert's family. Per indicator, recall counts the labels whose ``mechanism`` is that
indicator's code. The product reads labels.csv only here.

Recall alone rewards a detector that accuses everyone, so three more measures say whether a regulator
can trust the alerts (issue 11):

* **high-severity precision per family**: of a family's high alerts, the share that are right — a
  high alert is read as "视为串通" and must hold up;
* **collusion pair recall**: a planted collusion label names the colluding companies; each pair of them
  on that tender is *found* when a collusion-family alert on that tender names both companies (finding
  the tender but accusing the wrong bidders does not count);
* **false-alarm rate**: the share of *unplanted* tenders (no label of any scheme) that carry at least one
  medium or high alert, with the count per indicator of those tenders (and of those where the indicator
  is the only medium/high alert), so that one sees where false alarms come from. Only alerts that name
  a tender count; company- and project-level alerts are not a tender's. Needs the dataset's tender ids.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

import pandas as pd

from bidwatch.i18n import chinese_first as _

ALARM_SEVERITIES = ("medium", "high")


def _key(tender: Any, project: Any) -> str:
    if isinstance(tender, str) and tender:
        return f"T:{tender}"
    return f"P:{project}" if isinstance(project, str) and project else ""


#: the columns of labels.csv: a label names a tender (or, for a contract-level scheme, a project) and its scheme
LABEL_COLUMNS = ("tender_id", "scheme", "company_ids", "mechanism", "project_id")


class LabelsError(ValueError):
    """A labels file that cannot be used: the message names the file and says what to do (Chinese first)."""


def read_labels(path: Any) -> pd.DataFrame:
    """labels.csv (UTF-8, UTF-8 with BOM or GB18030) with at least ``scheme`` and ``tender_id`` or ``project_id``; the
    other columns of :data:`LABEL_COLUMNS` may be left out. A header without a row is a dataset with no planted case.
    An empty file, a header naming none of these columns (a different file given as labels), a folder: LabelsError."""
    from pathlib import Path

    path = Path(path)
    if path.is_dir():
        raise LabelsError(_("labels %(path)s is a folder, not a file: give the path of labels.csv", path=path))
    try:
        try:
            labels = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        except UnicodeDecodeError:
            labels = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="gb18030")
    except pd.errors.EmptyDataError:
        raise LabelsError(_("labels file %(path)s is empty: it needs at least the header %(columns)s",
                            path=path, columns=",".join(LABEL_COLUMNS))) from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise LabelsError(_("labels file %(path)s is not a readable CSV file: save it as UTF-8 CSV", path=path)
                          + f" ({str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__})") from None
    labels.columns = [str(c).strip() for c in labels.columns]
    if "scheme" not in labels or not ({"tender_id", "project_id"} & set(labels.columns)):
        raise LabelsError(_("labels file %(path)s has the columns %(found)s: a labels file needs scheme and tender_id "
                            "(or project_id); its columns are %(columns)s", path=path,
                            found=",".join(labels.columns), columns=",".join(LABEL_COLUMNS)))
    for col in LABEL_COLUMNS:
        if col not in labels:
            labels[col] = ""
    return labels


def unknown_tenders(labels: pd.DataFrame, tenders: Iterable[str]) -> list[str]:
    """The tender ids named by ``labels`` that are not tenders of the dataset (in the order of the file, once each)."""
    known = {str(t) for t in tenders}
    named = [t for t in labels["tender_id"] if t]
    return list(dict.fromkeys(t for t in named if t not in known))


def _companies(value: Any) -> frozenset[str]:
    """An alert's ``company_ids``: a list (scan result) or a ``;``-joined string (alerts.csv)."""
    if isinstance(value, str):
        return frozenset(filter(None, value.split(";")))
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return frozenset()
    return frozenset(str(x) for x in value)


def evaluate_alerts(alerts: pd.DataFrame, labels: pd.DataFrame, tenders: Iterable[str] | None = None
                    ) -> dict[str, Any]:
    """Metrics of ``alerts`` against ``labels``; ``tenders`` (every tender id of the dataset) is needed
    for the false-alarm rate, which is None without it."""
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
            **_high(fa),
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
        "collusion_pairs": pair_recall(alerts, labels),
        "false_alarms": false_alarms(alerts, labels, tenders),
    }


def _high(fa: pd.DataFrame) -> dict[str, Any]:
    h = fa[fa["severity"] == "high"]
    return {"high_alerts": int(len(h)), "high_right": int(h["right"].sum()) if len(h) else 0,
            "high_precision": round(float(h["right"].mean()), 4) if len(h) else None}


def pair_recall(alerts: pd.DataFrame, labels: pd.DataFrame) -> dict[str, Any]:
    """Pairs of companies of planted collusion labels found by a collusion alert naming both on the tender."""
    lab = labels[(labels["scheme"] == "collusion") & (labels["tender_id"] != "")]
    pairs: dict[tuple[str, str, str], str] = {}  # (tender, a, b) -> mechanism (first label wins)
    for t, comps, mech in zip(lab["tender_id"], lab["company_ids"], lab["mechanism"], strict=True):
        for x, y in itertools.combinations(sorted(set(filter(None, comps.split(";")))), 2):
            pairs.setdefault((t, x, y), mech)
    named: dict[str, list[frozenset[str]]] = {}
    col = alerts[alerts["family"] == "collusion"] if len(alerts) else alerts
    for t, comps in zip(col.get("tender_id", []), col.get("company_ids", []), strict=True):
        if isinstance(t, str) and t:
            named.setdefault(t, []).append(_companies(comps))
    by_mech: dict[str, dict[str, Any]] = {}
    found_total = 0
    for (t, x, y), mech in sorted(pairs.items()):
        hit = any(x in c and y in c for c in named.get(t, []))
        found_total += hit
        m = by_mech.setdefault(mech, {"pairs": 0, "found": 0})
        m["pairs"] += 1
        m["found"] += int(hit)
    for m in by_mech.values():
        m["recall"] = round(m["found"] / m["pairs"], 4)
    return {"pairs": len(pairs), "found": int(found_total),
            "recall": round(found_total / len(pairs), 4) if pairs else None, "by_mechanism": by_mech}


def false_alarms(alerts: pd.DataFrame, labels: pd.DataFrame, tenders: Iterable[str] | None) -> dict[str, Any] | None:
    """Unplanted tenders (no label of any scheme) with a medium or high alert, and which indicators."""
    if tenders is None:
        return None
    labelled = set(labels.loc[labels["tender_id"] != "", "tender_id"])
    unplanted = {str(t) for t in tenders} - labelled
    if len(alerts):
        a = alerts[alerts["severity"].isin(ALARM_SEVERITIES) & alerts["tender_id"].isin(unplanted)]
    else:
        a = pd.DataFrame(columns=["tender_id", "indicator", "severity"])
    per = a.groupby("indicator").agg(tenders=("tender_id", "nunique"), alerts=("tender_id", "size"),
                                     high=("severity", lambda s: int((s == "high").sum())))
    only = a.drop_duplicates(["tender_id", "indicator"]).groupby("tender_id")["indicator"].agg(list)
    sole = only[only.map(len) == 1].map(lambda v: v[0]).value_counts()
    per["sole"] = sole.reindex(per.index).fillna(0).astype(int)
    per = per.sort_values(["tenders", "alerts"], ascending=False)
    alarmed = int(a["tender_id"].nunique())
    return {
        "unplanted_tenders": len(unplanted),
        "alarmed_tenders": alarmed,
        "rate": round(alarmed / len(unplanted), 4) if unplanted else None,
        "by_indicator": {str(k): {c: int(v) for c, v in row.items()} for k, row in per.iterrows()},
    }


def format_evaluation(ev: dict[str, Any]) -> str:
    def fmt(v: Any) -> str:
        return "  -  " if v is None else f"{v:.3f}"

    lines = ["类别 family                 标注 found  召回 recall  预警 alerts  精确 precision"
             "  高 high  高精确 high-precision"]
    for fam, m in ev["families"].items():
        lines.append(f"{fam:<26} {m['labels']:>4} {m['found']:>5}  {fmt(m['recall']):>10}  {m['alerts']:>10}"
                     f"  {fmt(m['precision']):>12}  {m.get('high_alerts', 0):>6}  {fmt(m.get('high_precision')):>12}")
    lines.append("")
    lines.append("指标 indicator               标注 found  召回 recall  预警 alerts  精确 precision")
    for code, m in ev["indicators"].items():
        lines.append(f"{code:<26} {m['labels']:>4} {m['found']:>5}  {fmt(m['recall']):>10}  {m['alerts']:>10}"
                     f"  {fmt(m['precision']):>12}")
    h = ev["high_severity"]
    lines.append("")
    lines.append(f"高风险预警正确率 high-severity precision: {h['right']}/{h['alerts']} = {fmt(h['precision'])}")
    p = ev.get("collusion_pairs")
    if p is not None:
        lines.append(f"串通企业对召回率 collusion pair recall: {p['found']}/{p['pairs']} = {fmt(p['recall'])}")
        missed = [f"{k} {m['found']}/{m['pairs']}" for k, m in p["by_mechanism"].items() if m["found"] < m["pairs"]]
        if missed:
            lines.append("  未找全 / pairs missed: " + ", ".join(missed))
    f = ev.get("false_alarms")
    if f is not None:
        lines.append(f"误报率 false-alarm rate (未预置标段中有中/高预警的比例 / unplanted tenders with a medium or "
                     f"high alert): {f['alarmed_tenders']}/{f['unplanted_tenders']} = {fmt(f['rate'])}")
        if f["by_indicator"]:
            lines.append("  指标 indicator               标段 tenders  预警 alerts  高 high  唯一 sole")
            for code, m in f["by_indicator"].items():
                lines.append(f"  {code:<28} {m['tenders']:>8}  {m['alerts']:>10}  {m['high']:>6}  {m['sole']:>8}")
    return "\n".join(lines)
