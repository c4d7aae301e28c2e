"""A tiny two-tender world that each indicator test plants one thing into."""

from __future__ import annotations

import copy
from typing import Any

import pandas as pd

from bidwatch.scan import run_scan

_BASE: dict[str, list[dict[str, Any]]] = {
    "companies": [
        {"company_id": f"C{i}", "name": f"{n}建设工程有限公司", "legal_rep_id": f"LR{i}",
         "phone": f"1390731000{i}", "email": f"bid{i}@{n.lower()}.cn", "address": f"长沙市{n}路{i}号"}
        for i, n in enumerate(["Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta"], start=1)
    ],
    "tenders": [
        {"tender_id": "T1", "title": "一号路提质改造工程", "category": "works", "procedure": "open",
         "ceiling_price": 1_100_000.0, "estimate": 1_100_000.0, "bid_deadline": "2024-05-20 09:30:00",
         "winner_id": "C1"},
        {"tender_id": "T2", "title": "二号中学教学楼", "category": "works", "procedure": "open",
         "ceiling_price": 2_200_000.0, "estimate": 2_200_000.0, "bid_deadline": "2024-06-20 09:30:00",
         "winner_id": "C4"},
    ],
    # T1: C1, C2, C3 at prices 3% apart with no pattern; T2: C4, C5, C6
    "bids": [
        {"bid_id": "B11", "tender_id": "T1", "company_id": "C1", "price": 900_000.0},
        {"bid_id": "B12", "tender_id": "T1", "company_id": "C2", "price": 927_000.0},
        {"bid_id": "B13", "tender_id": "T1", "company_id": "C3", "price": 960_000.0},
        {"bid_id": "B24", "tender_id": "T2", "company_id": "C4", "price": 1_900_000.0},
        {"bid_id": "B25", "tender_id": "T2", "company_id": "C5", "price": 1_985_000.0},
        {"bid_id": "B26", "tender_id": "T2", "company_id": "C6", "price": 2_030_000.0},
    ],
}


def world(**extra: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    tables = copy.deepcopy(_BASE)
    for name, rows in extra.items():
        tables[name] = rows
    return tables


def bid_row(tables: dict[str, list[dict[str, Any]]], bid_id: str) -> dict[str, Any]:
    return next(b for b in tables["bids"] if b["bid_id"] == bid_id)


def scan(ds: Any, code: str, backend: str = "duckdb") -> pd.DataFrame:
    result = run_scan(ds, only=[code], engine=backend)
    assert code not in {s["indicator"] for s in result.skipped}, result.skipped
    return result.alerts


def companies_of(alerts: pd.DataFrame) -> list[list[str]]:
    return sorted(sorted(ids) for ids in alerts["company_ids"])


def company(company_id: str, name: str | None = None, **extra: Any) -> dict[str, Any]:
    """A company row for worlds that need more than the six bidders of ``_BASE``."""
    return {"company_id": company_id, "name": name or f"{company_id}工程有限公司", **extra}


def market(tenders: list[tuple[str, str | None, list[str]]], **extra: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """A world of many tenders: (tender_id, winner or None, bidders); prices rise 3% per bidder in list order.

    Companies are created for every id used; the winner's bid is always the lowest.
    """
    ids = sorted({c for _, w, bs in tenders for c in [*bs, *([w] if w else [])]})
    tables: dict[str, list[dict[str, Any]]] = {
        "companies": [company(c, legal_rep_id=f"LR-{c}", phone=f"1380000{i:04d}") for i, c in enumerate(ids)],
        "tenders": [],
        "bids": [],
    }
    for i, (tid, winner, bidders) in enumerate(tenders):
        day = 1 + i % 27
        tables["tenders"].append({"tender_id": tid, "title": f"{tid}工程", "category": "works", "procedure": "open",
                                  "ceiling_price": 1_100_000.0, "bid_deadline": f"2024-{1 + i // 27 % 12:02d}-{day:02d} 09:30:00",
                                  "winner_id": winner})
        order = ([winner] if winner in bidders else []) + [b for b in bidders if b != winner]
        for k, c in enumerate(order):
            tables["bids"].append({"bid_id": f"{tid}-{c}", "tender_id": tid, "company_id": c,
                                   "price": round(900_000.0 * (1 + 0.031 * k + 0.0007 * i), 2)})
    for name, rows in extra.items():
        tables[name] = rows
    return tables
