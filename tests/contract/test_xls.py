"""Old Excel 97–2003 workbooks (.xls), as WPS and platforms' exports save them: read as the .xlsx they convert to.

The workbooks are written here with xlwt (a dev dependency: nothing else writes the BIFF8 format)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from bidwatch.contract import load_dataset
from bidwatch.contract.notices import map_notices

from .conftest import problems_of

xlwt = pytest.importorskip("xlwt", reason="xlwt (dev dependency) writes the .xls test workbooks")


def _xls(path: Path, sheets: dict[str, list[list[object]]], *, formats: dict[tuple[str, int, int], str] | None = None,
         hidden_rows: dict[str, list[int]] | None = None, merges: dict[str, list[tuple[int, int, int, int]]] | None = None
         ) -> Path:
    wb = xlwt.Workbook(encoding="utf-8")
    for name, rows in sheets.items():
        ws = wb.add_sheet(name)
        merged = {(r1, c1): (r2, c2) for r1, r2, c1, c2 in (merges or {}).get(name, [])}
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                fmt = (formats or {}).get((name, r, c))
                if fmt is None and isinstance(value, dt.datetime):
                    fmt = "yyyy-mm-dd"
                style = xlwt.easyxf(num_format_str=fmt) if fmt else xlwt.Style.default_style
                if (r, c) in merged:
                    ws.write_merge(r, merged[(r, c)][0], c, merged[(r, c)][1], value, style)
                else:
                    ws.write(r, c, value, style)
        for r in (hidden_rows or {}).get(name, []):
            ws.row(r).hidden = True
    wb.save(str(path))
    return path


SHEETS: dict[str, list[list[object]]] = {
    "企业": [["企业编号", "企业名称"], [1001, "甲建设（集团）有限公司"], [1002, "乙建设有限公司"]],
    "标段": [["某县道路改造工程标段一览", None, None], ["标段编号", "标段名称", "公告发布日期"],
           ["T1", "一标段", dt.datetime(2024, 4, 20)]],
    "投标": [["投标编号", "标段编号", "企业编号", "投标报价"], ["B1", "T1", 1001, 123.45], ["B2", "T1", 1002, 1240000],
           ["B3", "T1", 1002, 1250000]],
}


def test_an_xls_workbook_loads_as_its_xlsx_would(tmp_path: Path):
    # it was refused ("save it as .xlsx"): the ids, the 万元 of a number format, a date, a title row over a merged
    # range and a hidden row are read as the .xlsx reader reads them
    path = _xls(tmp_path / "台账.xls", SHEETS, formats={("投标", 1, 3): '0.00"万元"'},
                merges={"标段": [(0, 0, 0, 2)]}, hidden_rows={"投标": [3]})
    ds = load_dataset(path)
    assert ds.row_counts == {"companies": 2, "tenders": 1, "bids": 3}
    assert ds.con.execute("SELECT bid_id, company_id, price FROM bids ORDER BY bid_id").fetchall() == [
        ("B1", "1001", 1234500.0), ("B2", "1002", 1240000.0), ("B3", "1002", 1250000.0)]
    assert ds.con.execute("SELECT CAST(announced_on AS VARCHAR) FROM tenders").fetchall() == [("2024-04-20",)]
    notes = [(n.table, n.row) for n in ds.notices]
    assert ("标段", 1) in notes and ("投标", 4) in notes  # the title row skipped, the hidden row read and said


def test_an_xls_in_a_folder_and_one_renamed_xlsx_load(tmp_path: Path):
    folder = tmp_path / "ds"
    folder.mkdir()
    for name, rows in SHEETS.items():
        _xls(folder / f"{name}.xls", {name: rows})
    assert load_dataset(folder).row_counts == {"companies": 2, "tenders": 1, "bids": 3}
    renamed = tmp_path / "book.xlsx"  # a platform's export named .xlsx that is an old .xls inside
    shutil.copy(_xls(tmp_path / "book.xls", SHEETS), renamed)
    assert load_dataset(renamed).row_counts["bids"] == 3


def test_a_damaged_xls_is_a_problem_naming_the_file(tmp_path: Path):
    # near miss: an .xls cut short is no workbook: one problem, named by the file, saying what to do
    whole = _xls(tmp_path / "whole.xls", SHEETS).read_bytes()
    cut = tmp_path / "坏.xls"
    cut.write_bytes(whole[: len(whole) // 3])
    (problem,) = problems_of(cut)
    assert problem.table == "坏.xls" and "另存为 .xlsx" in problem.expected


def test_a_bid_opening_record_saved_as_xls_is_imported(tmp_path: Path):
    path = _xls(tmp_path / "开标记录.xls", {"一标段": [["某县道路改造工程一标段开标记录表", None],
                                                  ["投标人名称", "投标报价（元）"],
                                                  ["甲建设有限公司", 1234500], ["乙建设有限公司", 1240000.5]]})
    result = map_notices(path)
    assert [b["price"] for b in result.tables["bids"]] == ["1234500", "1240000.5"]
    assert result.tables["tenders"][0]["bid_list"] == "all"


def test_a_two_row_header_over_merged_cells_is_read_from_an_xls(tmp_path: Path):
    # 投标报价 merged over its 大写 | 小写 columns, the other headers merged down two rows: the merges carry over
    bids = [["投标编号", "标段编号", "企业编号", "投标报价", None], [None, None, None, "大写", "小写"],
            ["B1", "T1", 1001, "壹佰贰拾叁万肆仟伍佰元整", 1243500], ["B2", "T1", 1002, "壹佰贰拾肆万元整", 1240000]]
    path = _xls(tmp_path / "开标.xls", {**SHEETS, "投标": bids},
                merges={"投标": [(0, 1, 0, 0), (0, 1, 1, 1), (0, 1, 2, 2), (0, 0, 3, 4)]})
    ds = load_dataset(path)
    # the words stand where the figure differs (评标委员会和评标方法暂行规定 第十九条), with a notice naming the row
    assert ds.con.execute("SELECT bid_id, price FROM bids ORDER BY 1").fetchall() == [("B1", 1234500.0),
                                                                                   ("B2", 1240000.0)]
    assert any(n.table == "投标" and n.row == 3 and "大写" in n.expected for n in ds.notices)
