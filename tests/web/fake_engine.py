"""The web tests' stand-in for the scanner: real contract loading, a small deterministic scan.

The web application only depends on the shape of ``ScanResult``; the indicator catalogue has its own
tests. This is a speed-up for the tests whose subject is the web layer: ``test_real_scan.py`` and
``browser/test_real_scan_browser.py`` (fixture ``real_engine``) run the real ``bidwatch.scan`` end to
end on a synthetic dataset and compare with the command line's ``alerts.csv``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from bidwatch.contract import DatasetInvalid, add_sanctions, load_dataset  # noqa: F401  (re-exported for the engine seam)


@dataclass
class FakeScanResult:
    alerts: pd.DataFrame
    tenders: pd.DataFrame
    companies: pd.DataFrame
    summary: dict[str, Any] = field(default_factory=dict)


def run_scan(ds: Any, *, progress: Any = None) -> FakeScanResult:
    con = ds.con
    if progress:
        progress("fake: shared bond accounts", 0.3)
    rows: list[dict[str, Any]] = []
    shared = con.execute(
        """select b.tender_id, list(distinct b.company_id order by b.company_id), any_value(d.payer_account)
           from bonds d join bids b using (bid_id)
           group by b.tender_id, d.payer_account having count(distinct b.company_id) > 1"""
    ).fetchall() if "bonds" in ds.tables else []
    for tender_id, companies, account in shared:
        rows.append({
            "alert_id": f"bond_same_account:{tender_id}:{'-'.join(companies)}", "indicator": "bond_same_account",
            "name_zh": "投标保证金从同一账户转出", "family": "collusion", "severity": "high", "tender_id": tender_id,
            "project_id": None, "company_ids": list(companies), "score": 0.95,
            "legal_basis": "《招标投标法实施条例》第四十条第（六）项",
            "evidence": json.dumps({"payer_account": account, "companies": list(companies)}, ensure_ascii=False),
            "message": f"标段{tender_id}中{len(companies)}家投标人的投标保证金从同一账户{account}转出，视为串通投标。",
        })
    if progress:
        progress("fake: single bids", 0.7)
    for tender_id, company in con.execute(
        "select tender_id, any_value(company_id) from bids group by tender_id having count(*) = 1"
    ).fetchall():
        rows.append({
            "alert_id": f"single_bid:{tender_id}", "indicator": "single_bid", "name_zh": "仅一家投标",
            "family": "exclusion", "severity": "medium", "tender_id": tender_id, "project_id": None,
            "company_ids": [company], "score": 0.5, "legal_basis": "《招标投标法》第二十八条",
            "evidence": json.dumps({"n_bids": 1}), "message": f"标段{tender_id}只有1家投标人，竞争不足。",
        })
    alerts = pd.DataFrame(rows, columns=["alert_id", "indicator", "name_zh", "family", "severity", "tender_id",
                                         "project_id", "company_ids", "score", "legal_basis", "evidence", "message"])
    tender_ids = [r[0] for r in con.execute("select tender_id from tenders order by 1").fetchall()]
    tenders = []
    for tid in tender_ids:
        mine = alerts[alerts["tender_id"] == tid]
        n_high = int((mine["severity"] == "high").sum())
        score = min(100.0, 60.0 * n_high + 25.0 * (len(mine) - n_high))
        tenders.append({"tender_id": tid, "risk_score": score, "n_alerts": len(mine), "n_high": n_high,
                        "risk_level": "high" if score >= 60 else ("medium" if score > 0 else "low"),
                        "top_indicators": ";".join(mine["indicator"]), "explanation": ""})
    companies = []
    for (cid,) in con.execute("select company_id from companies order by 1").fetchall():
        n = sum(cid in ids for ids in alerts["company_ids"])
        companies.append({"company_id": cid, "risk_score": 30.0 * n, "n_alerts": n})
    if progress:
        progress("fake: done", 1.0)
    return FakeScanResult(alerts=alerts, tenders=pd.DataFrame(tenders), companies=pd.DataFrame(companies),
                          summary={"alerts": len(alerts), "engine": "fake"})
