from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bidwatch.contract import load_dataset, save_dataset

from .conftest import full_tables


def test_default_csv_is_plain_english_utf8(tmp_path: Path):
    out = save_dataset(full_tables(), tmp_path / "ds")
    assert out == tmp_path / "ds"
    text = (out / "bids.csv").read_bytes()
    assert not text.startswith(b"\xef\xbb\xbf")
    lines = text.decode("utf-8").splitlines()
    assert lines[0] == ("bid_id,tender_id,company_id,price,submitted_at,status,disqualify_reason,rank,score,"
                        "project_manager_id,agent_id")
    assert lines[1] == "B1,T1,C1,9500000.0,2023-10-24 10:00:00,valid,,1,95.5,P2,"
    assert "2001-05-01" in (out / "companies.csv").read_text(encoding="utf-8")


def test_chinese_wan_options(tmp_path: Path):
    out = save_dataset(full_tables(), tmp_path / "ds", encoding="utf-8-sig", chinese_headers=True, money_unit="wan")
    raw = (out / "bids.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("投标编号,标段编号,企业编号,投标报价,递交时间,状态")
    assert lines[1].startswith("B1,T1,C1,950万元,2023-10-24 10:00:00,有效,")
    assert lines[2].startswith("B2,T1,C2,961.234567万元,")
    assert "0.000030000000000000004万元" in lines[5]
    assert "是" in (out / "projects.csv").read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("value, text", [(0.0, "0万元"), (5.0, "0.0005万元"), (12345.5, "1.23455万元"),
                                         (123456789.0, "12345.6789万元"), (1e-7, "1e-11万元"),
                                         (1.5e17, "1.5e13万元")])
def test_wan_text_is_an_exact_decimal_shift(tmp_path: Path, value: float, text: str):
    tables = full_tables()
    tables["companies"].loc[0, "registered_capital"] = value
    out = save_dataset(tables, tmp_path / "w", money_unit="wan")
    assert (out / "companies.csv").read_text().splitlines()[1].endswith(f",{text}")
    loaded = load_dataset(out).con.execute("SELECT registered_capital FROM companies LIMIT 1").fetchone()[0]
    assert loaded == value


def test_gb18030_encoding(tmp_path: Path):
    out = save_dataset(full_tables(), tmp_path / "ds", encoding="gb18030", chinese_headers=True)
    with pytest.raises(UnicodeDecodeError):
        (out / "companies.csv").read_bytes().decode("utf-8")
    assert (out / "companies.csv").read_bytes().decode("gb18030").startswith("企业编号,企业名称")


def test_xlsx_path_and_sheets(tmp_path: Path):
    from openpyxl import load_workbook

    out = save_dataset(full_tables(), tmp_path / "wb", fmt="xlsx")
    assert out == tmp_path / "wb" / "dataset.xlsx"
    named = save_dataset(full_tables(), tmp_path / "x.xlsx", fmt="xlsx")
    assert named == tmp_path / "x.xlsx"
    assert set(load_workbook(named, read_only=True).sheetnames) == set(full_tables())


def test_unknown_tables_are_written_unchanged_and_ignored_by_the_loader(tmp_path: Path):
    tables = full_tables()
    tables["labels"] = pd.DataFrame({"tender_id": ["T1"], "scheme": ["collusion"], "company_ids": ["C1;C2"]})
    out = save_dataset(tables, tmp_path / "ds", chinese_headers=True)
    assert (out / "labels.csv").read_text().splitlines()[0] == "tender_id,scheme,company_ids"
    assert "labels" not in load_dataset(out).tables


def test_other_format_of_the_same_table_is_replaced(tmp_path: Path):
    save_dataset(full_tables(), tmp_path / "ds", fmt="parquet")
    save_dataset(full_tables(), tmp_path / "ds", fmt="csv")
    assert not list((tmp_path / "ds").glob("*.parquet"))
    load_dataset(tmp_path / "ds")


def test_nan_and_pyarrow_input(tmp_path: Path):
    import pyarrow as pa

    companies = pa.table({"company_id": ["C1", "C2"], "name": ["a", "b"], "registered_capital": [np.nan, 5.0]})
    out = save_dataset({"companies": companies}, tmp_path / "ds")
    assert (out / "companies.csv").read_text().splitlines()[1:] == ["C1,a,", "C2,b,5.0"]


def test_bad_options(tmp_path: Path):
    with pytest.raises(ValueError):
        save_dataset({}, tmp_path, fmt="json")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        save_dataset({}, tmp_path, encoding="latin-1")
    with pytest.raises(ValueError):
        save_dataset({}, tmp_path, money_unit="jiao")  # type: ignore[arg-type]
