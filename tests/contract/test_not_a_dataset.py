"""A file given as the dataset that is none: a single CSV (a notices export or one contract table) and a web page saved
as .xls (QA, item 4): each refused with one problem saying what to do."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bidwatch.cli import main
from bidwatch.contract.reader import web_page_as_xls

from .conftest import problems_of

CANDIDATES = "项目名称,标段编号,中标候选人,排名,投标报价\n某县道路工程,BD1,甲建设有限公司,1,123.45万元\n"


def test_a_notices_export_given_to_scan_points_to_bidwatch_notices(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    cand = tmp_path / "cand.csv"
    cand.write_bytes(CANDIDATES.encode("gb18030"))  # as the platform saves it
    (problem,) = problems_of(cand)
    assert "bidwatch notices cand.csv --out" in problem.expected and "平台公告导出" in problem.expected
    assert main(["scan", str(cand), "--out", str(tmp_path / "x"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "bidwatch notices cand.csv --out" in err and "Traceback" not in err


def test_a_single_contract_table_is_told_to_go_in_a_folder_not_to_notices(tmp_path: Path) -> None:
    # near miss: one contract table (English headers naming tender_id and price, as a notices export may) is no notices
    # export: the folder hint, not bidwatch notices
    bids = tmp_path / "bids.csv"
    bids.write_text("bid_id,tender_id,company_id,price,rank\nB1,T1,C1,100,1\n", encoding="utf-8")
    (problem,) = problems_of(bids)
    assert "文件夹" in problem.expected and "put the contract tables in one folder" in problem.expected
    assert "投标表 bids" in problem.expected and "bidwatch notices" not in problem.expected
    text = tmp_path / "导出.txt"
    text.write_text("a\tb\n1\t2\n", encoding="utf-8")
    (problem,) = problems_of(text)
    assert "文件夹" in problem.expected and "bidwatch notices" not in problem.expected


def test_a_web_page_saved_as_xls_is_named_as_such(tmp_path: Path) -> None:
    page = tmp_path / "导出.xls"
    page.write_text('<html><head><meta charset="utf-8"></head><body><table><tr><td>标段编号</td></tr></table>'
                    "</body></html>", encoding="utf-8")
    (problem,) = problems_of(page)
    assert "网页" in problem.expected and ".xlsx" in problem.expected and "web page" in problem.expected
    assert "BOF" not in problem.expected
    # a bare table with a BOM, and an Excel 2003 XML spreadsheet
    bare = tmp_path / "b.xls"
    bare.write_bytes(b"\xef\xbb\xbf\r\n  <TABLE border=1><tr><td>x</td></tr></TABLE>")
    assert "网页" in web_page_as_xls(bare).expected
    xml = tmp_path / "x.xls"
    xml.write_text('<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>')
    assert "XML" in web_page_as_xls(xml).expected
    # in a folder, the problem is the table's, naming the file
    folder = tmp_path / "ds"
    folder.mkdir()
    shutil.copy(page, folder / "投标.xls")
    found = [p for p in problems_of(folder) if p.value == "投标.xls"]
    assert found and found[0].table == "bids" and "网页" in found[0].expected


def test_a_real_xls_or_another_file_is_no_web_page(tmp_path: Path) -> None:
    # near miss: an OLE workbook (its signature), a damaged file and a .xlsx starting like HTML go their usual way
    ole = tmp_path / "real.xls"
    ole.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504)
    assert web_page_as_xls(ole) is None
    named = tmp_path / "page.xlsx"
    named.write_text("<html></html>")
    assert web_page_as_xls(named) is None
    text = tmp_path / "t.xls"
    text.write_text("标段编号\t名称\n")
    assert web_page_as_xls(text) is None
