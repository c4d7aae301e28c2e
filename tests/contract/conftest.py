"""Small datasets for the contract tests, written in the tests so that row numbers are visible."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bidwatch.contract import DatasetInvalid, Problem, load_dataset

VALID_USCC = "91350100M000100Y43"  # the GB 32100-2015 worked example
VALID_USCC_2 = "91110000600037341L"

# A minimal valid dataset as CSV text: header is row 1, so B1 is row 2 of bids.csv.
BASE_CSV = {
    "companies": (
        "company_id,name,uscc,region_code\n"
        f"C1,甲建设有限公司,{VALID_USCC},350100\n"
        "C2,乙工程有限公司,,110105\n"
        "C3,丙公司,,\n"
    ),
    "tenders": (
        "tender_id,title,ceiling_price,announced_on,bid_deadline,winner_id,procedure\n"
        "T1,标段一,1000000,2024-01-02,2024-02-01 09:30,C1,open\n"
    ),
    "bids": (
        "bid_id,tender_id,company_id,price,status\n"
        "B1,T1,C1,900000,valid\n"
        "B2,T1,C2,950000,\n"
        "B3,T1,C3,,withdrawn\n"
    ),
}


def write_dataset(folder: Path, tables: dict[str, str | bytes | None], *, base: bool = True,
                  encoding: str = "utf-8") -> Path:
    """Write CSV texts (``None`` removes a base table) into ``folder``; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    merged: dict[str, str | bytes | None] = {**(BASE_CSV if base else {}), **tables}
    for name, text in merged.items():
        if text is None:
            continue
        data = text if isinstance(text, bytes) else text.encode(encoding)
        (folder / f"{name}.csv").write_bytes(data)
    return folder


def write_workbook(sheets: dict[str, list[list[object]]], path: Path, merge_first: set[str] = frozenset()) -> Path:
    """An .xlsx of ``sheets`` (title -> rows), the first row of the sheets in ``merge_first`` merged across."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
        if title in merge_first:
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(len(r) for r in rows))
    wb.save(path)
    return path


def problems_of(path: Path, **kwargs: object) -> list[Problem]:
    with pytest.raises(DatasetInvalid) as info:
        load_dataset(path, **kwargs)  # type: ignore[arg-type]
    return info.value.problems


def find(problems: list[Problem], table: str, column: str | None = None, row: int | None = -1) -> list[Problem]:
    return [p for p in problems if p.table == table and (column is None or p.column == column)
            and (row == -1 or p.row == row)]


def full_tables() -> dict[str, pd.DataFrame]:
    """Every contract table, valid and cross-referenced, with every kind of column."""
    companies = pd.DataFrame({
        "company_id": ["C1", "C2", "C3", "C4"],
        "name": ["甲建设有限公司", "乙工程有限公司", "丙建筑公司", "丁招标代理"],
        "uscc": [VALID_USCC, VALID_USCC_2, None, None],
        "legal_rep": ["张三", "李四", "王五", None],
        "legal_rep_id": ["h1", "h2", "h3", None],
        "phone": ["0591-1234567", None, "13800000000", None],
        "email": [None, "a@b.cn", None, None],
        "address": ["福州市", "北京市", None, None],
        "region_code": ["350100", "110105", None, "350102"],
        "founded_on": [dt.date(2001, 5, 1), dt.date(2010, 1, 31), None, dt.date(2019, 12, 1)],
        "registered_capital": [50_000_000.0, 1_234_567.89, np.nan, 100.5],
    })
    people = pd.DataFrame({
        "person_id": ["P1", "P1", "P2", "P3"],
        "name": ["张三", "张三", "李四", "赵六"],
        "company_id": ["C1", "C2", "C2", "C3"],
        "role": ["legal_rep", "shareholder", "project_manager", "agent"],
        "share_pct": [np.nan, 35.5, np.nan, 0.0],
        "since": [dt.date(2015, 1, 1), None, dt.date(2020, 6, 30), None],
        "until": [None, None, None, dt.date(2023, 1, 1)],
    })
    projects = pd.DataFrame({
        "project_id": ["PR1", "PR2"],
        "name": ["某某道路工程", "某某学校"],
        "owner_id": ["C4", None],
        "owner_name": ["某某城投", "某某教育局"],
        "sector": ["transport", "housing"],
        "estimated_amount": [12_345_678.9, 3_000_000.0],
        "state_funded": [True, False],
        "approved_on": [dt.date(2023, 3, 1), None],
        "permit_on": [dt.date(2023, 9, 1), None],
        "works_started_on": [dt.date(2023, 8, 15), None],
        "region_code": ["350100", None],
    })
    tenders = pd.DataFrame({
        "tender_id": ["T1", "T2"],
        "project_id": ["PR1", "PR2"],
        "title": ["道路工程一标段", "学校施工"],
        "category": ["works", "services"],
        "procedure": ["open", "negotiated"],
        "tenderer_id": ["C4", None],
        "agency": ["丁招标代理", None],
        "ceiling_price": [10_000_000.0, 2_500_000.55],
        "estimate": [9_800_000.0, np.nan],
        "bid_bond": [200_000.0, np.nan],
        "announced_on": [dt.date(2023, 10, 1), dt.date(2023, 11, 5)],
        "docs_from": [dt.date(2023, 10, 2), None],
        "docs_until": [dt.date(2023, 10, 9), None],
        "bid_deadline": pd.to_datetime(["2023-10-25 09:30:00", "2023-11-25 14:00:05"]),
        "award_method": ["lowest_price", "comprehensive"],
        "candidates_published_on": [dt.date(2023, 10, 27), None],
        "publicity_until": [dt.date(2023, 10, 30), None],
        "awarded_on": [dt.date(2023, 11, 1), None],
        "winner_id": ["C1", None],
        "award_price": [9_500_000.0, np.nan],
        "contract_signed_on": [dt.date(2023, 11, 10), None],
        "requirements_text": ["具有市政公用工程施工总承包二级及以上资质", None],
    })
    bids = pd.DataFrame({
        "bid_id": ["B1", "B2", "B3", "B4", "B5"],
        "tender_id": ["T1", "T1", "T1", "T2", "T2"],
        "company_id": ["C1", "C2", "C3", "C1", "C2"],
        "price": [9_500_000.0, 9_612_345.67, np.nan, 2_400_000.0, 0.1 + 0.2],
        "submitted_at": pd.to_datetime(["2023-10-24 10:00:00", "2023-10-24 10:00:30", None,
                                        "2023-11-20 08:00:00", "2023-11-20 08:01:00"]),
        "status": ["valid", "disqualified", "withdrawn", "valid", "valid"],
        "disqualify_reason": [None, "未按要求提交保证金", None, None, None],
        "rank": pd.array([1, None, None, 1, 2], dtype="Int64"),
        "score": [95.5, np.nan, np.nan, 88.0, 80.25],
        "project_manager_id": ["P2", None, None, None, "P2"],
        "agent_id": [None, "P3", None, None, None],
    })
    bid_files = pd.DataFrame({
        "bid_id": ["B1", "B2"],
        "file_hash": ["ab" * 32, "cd" * 32],
        "ip": ["10.0.0.1", "10.0.0.1"],
        "mac": ["AA:BB:CC:DD:EE:FF", "AA:BB:CC:DD:EE:FF"],
        "machine_code": ["M1", "M1"],
        "disk_serial": ["D1", None],
        "ca_lock_id": ["CA1", "CA2"],
        "author": ["user", "user"],
        "tool_serial": ["S1", "S1"],
        "created_at": pd.to_datetime(["2023-10-20 18:00:00", "2023-10-20 18:05:00"]),
        "text_path": [None, None],
    })
    bid_items = pd.DataFrame({
        "bid_id": ["B1", "B1", "B2"],
        "item_code": ["010101001001", "010101001002", "010101001001"],
        "unit_price": [12.5, 1_000.0, 12.75],
        "quantity": [100.0, 2.5, np.nan],
    })
    bonds = pd.DataFrame({
        "bid_id": ["B1", "B2"],
        "payer_account": ["6222000011112222", "6222000011112222"],
        "payer_name": ["甲建设有限公司", "甲建设有限公司"],
        "amount": [200_000.0, 200_000.0],
        "paid_at": pd.to_datetime(["2023-10-20 10:00:00", "2023-10-20 10:01:00"]),
    })
    experts = pd.DataFrame({
        "expert_id": ["E1", "E2"],
        "name": ["钱七", "孙八"],
        "employer_id": ["C4", None],
        "specialty": ["市政", "房建"],
    })
    evaluations = pd.DataFrame({
        "tender_id": ["T1", "T1", "T1"],
        "expert_id": ["E1", "E2", "E1"],
        "company_id": ["C1", "C1", "C2"],
        "score": [90.0, 85.5, 70.0],
    })
    contracts = pd.DataFrame({
        "contract_id": ["K1", "K2"],
        "project_id": ["PR1", None],
        "tender_id": ["T1", None],
        "buyer_id": ["C4", "C4"],
        "supplier_id": ["C1", "C3"],
        "category": ["works", "goods"],
        "procedure": ["open", "direct"],
        "amount": [9_500_000.0, 380_000.0],
        "signed_on": [dt.date(2023, 11, 10), dt.date(2024, 1, 5)],
        "subject": ["道路工程施工", "办公设备"],
    })
    sanctions = pd.DataFrame({
        "sanction_id": ["S1", "S2"],
        "company_id": ["C3", None],
        "uscc": [None, VALID_USCC_2],
        "person_id": [None, None],
        "measure": ["debarment", "dishonest_debtor"],
        "authority": ["某某住建局", "某某法院"],
        "reason": ["串通投标", None],
        "start_on": [dt.date(2022, 1, 1), dt.date(2023, 6, 1)],
        "end_on": [dt.date(2024, 12, 31), None],
    })
    return {
        "companies": companies, "people": people, "projects": projects, "tenders": tenders,
        "bids": bids, "bid_files": bid_files, "bid_items": bid_items, "bonds": bonds,
        "evaluations": evaluations, "experts": experts, "contracts": contracts, "sanctions": sanctions,
    }


@pytest.fixture
def base_dir(tmp_path: Path) -> Path:
    return write_dataset(tmp_path / "ds", {})
