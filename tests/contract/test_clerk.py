"""A clerk's workbook and CSV (issue 12): title rows, 万元, Chinese dates and words, totals and
signature rows, sheets named in Chinese — read as the plain table would be, each habit noticed."""

from __future__ import annotations

import datetime as dt
import math
import re
import resource
import time
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from bidwatch.contract import TABLES, DatasetInvalid, load_dataset
from bidwatch.contract.schema import BID_STATUS, CATEGORY, PROCEDURE, AWARD_METHOD, ROLE, SECTOR, MEASURE
from bidwatch.contract.trailers import SIGNATURE_INSIDE, SIGNATURE_SKIPPED, TOTALS_SKIPPED
from bidwatch.contract.validate import RATE_NOT_AMOUNT

from .conftest import BASE_CSV, problems_of, write_dataset, write_workbook


def _workbook(sheets: dict[str, list[list[object]]], path: Path, merge_first: set[str] = frozenset()) -> Path:
    return write_workbook(sheets, path, merge_first)


def _notes(notices, expected: str) -> list[tuple[str, int | None]]:
    return [(n.table, n.row) for n in notices if n.expected == expected]


# --------------------------------------------------------------------------- header below titles


def test_header_below_merged_title_rows_is_found_and_noticed(tmp_path: Path):
    path = _workbook({
        "企业": [["2025年度某区投标企业汇总表"], [None], ["序号", "企业编号", "企业名称"], [1, "C1", "甲"], [2, "C2", "乙"]],
        "标段": [["某区标段"], ["标段编号", "标段名称"], ["T1", "一标段"]],
        "投标": [["投标编号", "标段编号", "企业编号", "投标报价"], ["B1", "T1", "C1", 100]],
    }, tmp_path / "d.xlsx", merge_first={"企业", "标段"})
    ds = load_dataset(path)
    assert ds.con.execute("SELECT company_id, name FROM companies ORDER BY 1").fetchall() == [("C1", "甲"), ("C2", "乙")]
    titles = [(n.table, n.row, n.value) for n in ds.notices if "title row" in n.expected]
    assert titles == [("企业", 1, "2025年度某区投标企业汇总表"), ("标段", 1, "某区标段")]
    assert "第 3 行" in ds.notices[0].expected  # the header's row, blank row 2 counted


def test_header_problem_rows_are_the_header_row(tmp_path: Path):
    path = _workbook({
        "companies": [["汇总表"], ["company_id", "name", "企业编号"], ["C1", "甲", "C1"]],
        "tenders": [["tender_id"], ["T1"]],
        "bids": [["bid_id", "tender_id", "company_id", "price"], ["B1", "T1", "C1", 1]],
    }, tmp_path / "d.xlsx")
    p = problems_of(path)
    assert [(x.table, x.row, x.column) for x in p] == [("companies", 2, "company_id")]


def test_csv_title_rows_and_unit_line(tmp_path: Path):
    tenders = ("某区招标项目汇总表,,,\n"
               "单位：万元,,,\n"
               "标段编号,标段名称,最高投标限价,投标保证金（元）\n"
               "T1,一标段,100.5,20000\n")
    ds = load_dataset(write_dataset(tmp_path, {"tenders": tenders}))
    assert ds.con.execute("SELECT ceiling_price, bid_bond FROM tenders").fetchall() == [(1005000.0, 20000.0)]
    assert [(n.table, n.row) for n in ds.notices] == [("tenders", 1), ("tenders", 2)]
    assert "万元" in ds.notices[1].expected


def test_csv_rows_after_titles_keep_file_line_numbers(tmp_path: Path):
    bids = ("投标情况一览表\n\nbid_id,tender_id,company_id,price\nB1,T1,C1,1\nB2,T1,C2,abc\n")
    p = problems_of(write_dataset(tmp_path, {"bids": bids}))
    assert [(x.table, x.row, x.column, x.value) for x in p] == [("bids", 5, "price", "abc")]


# --------------------------------------------------------------------------- totals and signatures


def test_totals_and_signature_rows_never_become_records(tmp_path: Path):
    path = _workbook({
        "companies": [["company_id", "name"], ["C1", "甲"], ["C2", "乙"]],
        "招标项目": [
            ["序号", "标段编号", "标段名称", "投标保证金"],
            [1, "T1", "合计", 100],          # a tender titled 合计 keeps its key: a record
            [2, "T2", "二标段", 200],
            ["小计", None, None, 300],        # a subtotal between records
            [3, "T3", "三标段", 50],
            ["合  计：350元", None, None, 350],
            ["填表人：张三", None, "审核人：李四", None],
            ["填报日期 2025年6月1日"],
            ["备注：保证金单位为元"],
        ],
        "bids": [["bid_id", "tender_id", "company_id", "price"], ["B1", "T1", "C1", 1], ["总计", None, None, 1]],
    }, tmp_path / "d.xlsx")
    ds = load_dataset(path)
    assert ds.con.execute("SELECT tender_id, title, bid_bond FROM tenders ORDER BY 1").fetchall() == [
        ("T1", "合计", 100.0), ("T2", "二标段", 200.0), ("T3", "三标段", 50.0)]
    assert ds.row_counts["bids"] == 1
    assert _notes(ds.notices, TOTALS_SKIPPED) == [("招标项目", 4), ("招标项目", 6), ("bids", 3)]
    assert _notes(ds.notices, SIGNATURE_SKIPPED) == [("招标项目", 7), ("招标项目", 8), ("招标项目", 9)]
    signed = [n for n in ds.notices if n.row == 7][0]
    assert signed.value == "填表人：张三  审核人：李四"


def test_note_row_between_records_is_an_error_not_skipped(tmp_path: Path):
    path = _workbook({
        "companies": [["company_id", "name"], ["C1", "甲"]],
        "tenders": [["tender_id", "title"], ["T1", "一"], ["备注：以下为补录", None], ["T2", "二"]],
        "bids": [["bid_id", "tender_id", "company_id", "price"], ["B1", "T1", "C1", 1]],
    }, tmp_path / "d.xlsx")
    p = problems_of(path)
    assert [(x.table, x.row, x.value, x.expected) for x in p] == [("tenders", 3, "备注：以下为补录", SIGNATURE_INSIDE)]


def test_csv_totals_and_short_signature_lines_are_skipped(tmp_path: Path):
    bids = ("bid_id,tender_id,company_id,price\n"
            "B1,T1,C1,100\n"
            ",,,\n"                        # Excel's blank row
            "B2,T1,C2,200\n"
            "合计,,,300\n"
            "填表人：张三  审核人：李四\n")  # one field: a broken record to DuckDB
    ds = load_dataset(write_dataset(tmp_path, {"bids": bids}))
    assert ds.con.execute("SELECT bid_id, price FROM bids ORDER BY 1").fetchall() == [("B1", 100.0), ("B2", 200.0)]
    assert _notes(ds.notices, TOTALS_SKIPPED) == [("bids", 5)]
    assert _notes(ds.notices, SIGNATURE_SKIPPED) == [("bids", 6)]


def test_broken_csv_record_before_the_end_is_still_a_problem(tmp_path: Path):
    bids = "bid_id,tender_id,company_id,price\n填表人：张三\nB1,T1,C1,100\n"
    p = problems_of(write_dataset(tmp_path, {"bids": bids}))
    assert {(x.table, x.row) for x in p} == {("bids", 2)} and "broken CSV record" in p[0].expected


# --------------------------------------------------------------------------- sheet names


@pytest.mark.parametrize("names", [
    ("企业", "招标项目", "投标"),
    ("市场主体", "标段", "投标记录"),
    ("1.企业信息表", "表2 标段信息", "附表3、投标明细"),
    ("Companies", "TENDERS", "Bids"),
    ("企业名录", "招标项目（2024年）", "开标一览表"),   # 开标一览 + 表; a bracket after the name
    ("企业 (2)", "2024年标段", "2024年度开标记录"),   # Excel's copy of a sheet; a year before the name
])
def test_sheets_named_in_chinese_and_variants(tmp_path: Path, names: tuple[str, str, str]):
    path = _workbook({
        names[0]: [["企业编号", "企业名称"], ["C1", "甲"]],
        names[1]: [["标段编号"], ["T1"]],
        names[2]: [["投标编号", "标段编号", "企业编号", "投标报价"], ["B1", "T1", "C1", 1]],
        "说明": [["这张工作表不是数据"]],
    }, tmp_path / "d.xlsx")
    assert load_dataset(path).tables == {"companies", "tenders", "bids"}


def test_csv_files_named_in_chinese(tmp_path: Path):
    folder = tmp_path / "ds"
    folder.mkdir()
    for name, stem in (("companies", "企业"), ("tenders", "标段"), ("bids", "投标")):
        (folder / f"{stem}.csv").write_text(BASE_CSV[name], encoding="utf-8")
    assert load_dataset(folder).tables == {"companies", "tenders", "bids"}


def test_missing_sheet_names_the_accepted_sheet_names_and_the_unrecognised(tmp_path: Path):
    path = _workbook({
        "企业": [["企业编号", "企业名称"], ["C1", "甲"]],
        "标段": [["标段编号"], ["T1"]],
        "开标情况": [["投标编号", "标段编号", "企业编号", "投标报价"], ["B1", "T1", "C1", 1]],
    }, tmp_path / "d.xlsx")
    p = problems_of(path)
    assert [(x.table, x.row) for x in p] == [("bids", None)]
    assert "工作表名可为" in p[0].expected and "投标" in p[0].expected and "bids" in p[0].expected
    assert "开标情况" in p[0].expected and ".csv" not in p[0].expected


def test_missing_file_names_the_accepted_file_names(tmp_path: Path):
    p = problems_of(write_dataset(tmp_path, {"bids": None}))
    assert [(x.table, x.row) for x in p] == [("bids", None)]
    assert ".csv" in p[0].expected and "投标" in p[0].expected


def test_problems_name_the_sheet(tmp_path: Path):
    path = _workbook({
        "企业": [["企业编号", "企业名称"], ["C1", "甲"]],
        "标段": [["标段编号"], ["T1"]],
        "投标": [["投标编号", "标段编号", "企业编号", "投标报价"], ["B1", "T1", "C9", "abc"]],
    }, tmp_path / "d.xlsx")
    p = problems_of(path)
    assert sorted((x.table, x.row, x.column) for x in p) == [("投标", 2, "company_id"), ("投标", 2, "price")]


# --------------------------------------------------------------------------- values


@pytest.mark.parametrize("text, expected", [
    ("2025年06月13日 18时00分", dt.datetime(2025, 6, 13, 18, 0)),
    ("2025年6月13日 18时0分", dt.datetime(2025, 6, 13, 18, 0)),
    ("2025年6月3日18时05分30秒", dt.datetime(2025, 6, 3, 18, 5, 30)),
    ("2025年06月13日 09时30分整", dt.datetime(2025, 6, 13, 9, 30)),
    ("2025年6月13日 9点", dt.datetime(2025, 6, 13, 9, 0)),
    ("2025-06-13 18时00分", dt.datetime(2025, 6, 13, 18, 0)),
    ("2025年6月13日 18:00", dt.datetime(2025, 6, 13, 18, 0)),
    # a 12-hour clock, as notices write it
    ("2024年3月26日上午9:30", dt.datetime(2024, 3, 26, 9, 30)),
    ("2024年3月26日下午2:30", dt.datetime(2024, 3, 26, 14, 30)),
    ("2024-03-26 下午2时30分", dt.datetime(2024, 3, 26, 14, 30)),
    ("2024年3月26日 下午12:30", dt.datetime(2024, 3, 26, 12, 30)),
])
def test_chinese_date_times(tmp_path: Path, text: str, expected: dt.datetime):
    tenders = f"tender_id,bid_deadline,candidates_published_on\nT1,{text},{text}\n"
    ds = load_dataset(write_dataset(tmp_path, {"tenders": tenders}))
    assert ds.con.execute("SELECT bid_deadline, candidates_published_on FROM tenders").fetchone() == (
        expected, expected.date())


@pytest.mark.parametrize("text", ["2025年6月13日 18:", "2025-06-1318:00", "2025年6月13日 25时", "2025年6月13日下午"])
def test_malformed_date_times_are_refused(tmp_path: Path, text: str):
    tenders = f"tender_id,bid_deadline\nT1,{text}\n"
    p = problems_of(write_dataset(tmp_path, {"tenders": tenders}))
    assert [(x.table, x.row, x.column, x.value) for x in p] == [("tenders", 2, "bid_deadline", text)]


@pytest.mark.parametrize("header", ["投标报价（万元）", "投标报价(万元)", "price (万元)", "投标报价（万）",
                                    "投标报价/万元", "投标报价（单位：万元）", "投标报价（人民币万元）", "投标 报价（万元）"])
def test_wan_in_the_header(tmp_path: Path, header: str):
    bids = f"投标编号,标段编号,企业编号,{header}\nB1,T1,C1,90.5\nB2,T1,C2,1000元\n"
    ds = load_dataset(write_dataset(tmp_path, {"bids": bids}))
    assert ds.con.execute("SELECT price FROM bids ORDER BY bid_id").fetchnumpy()["price"].tolist() == [905000.0, 1000.0]


@pytest.mark.parametrize("value", ["下浮率 5%", "5%", "费率3.5%", "下浮5％", "3‰"])
def test_a_rate_in_a_money_column_is_named_as_such(tmp_path: Path, value: str):
    bids = f"bid_id,tender_id,company_id,price\nB1,T1,C1,100\nB2,T1,C2,{value}\nB3,T1,C3,abc\n"
    p = problems_of(write_dataset(tmp_path, {"bids": bids}))
    assert [(x.table, x.row, x.column, x.value) for x in p] == [
        ("bids", 3, "price", value), ("bids", 4, "price", "abc")]
    assert p[0].expected == RATE_NOT_AMOUNT and "这是费率/下浮率，不是金额" in p[0].expected
    assert p[1].expected != RATE_NOT_AMOUNT


def test_invalid_workbook_lists_every_problem_and_loads_nothing(tmp_path: Path):
    import duckdb

    path = _workbook({
        "企业": [["某区企业表"], ["企业编号", "企业名称"], ["C1", "甲"], ["C1", "乙"]],
        "标段": [["标段编号", "投标截止时间"], ["T1", "2025年13月1日 9时"]],
        "投标": [["投标编号", "标段编号", "企业编号", "投标报价"], ["B1", "T1", "C1", "下浮率 5%"], ["合计", None, None, 5]],
    }, tmp_path / "d.xlsx")
    con = duckdb.connect()
    with pytest.raises(DatasetInvalid) as info:
        load_dataset(path, con)
    got = [(x.table, x.row, x.column) for x in info.value.problems]
    assert got == [("企业", 4, "company_id"), ("标段", 2, "bid_deadline"), ("投标", 2, "price")]
    assert [(n.table, n.row) for n in info.value.notices] == [("企业", 1), ("投标", 3)]
    assert con.execute("SELECT count(*) FROM information_schema.tables").fetchone()[0] == 0


# --------------------------------------------------------------------------- the done criterion


def _cell(v: object) -> object:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    if hasattr(v, "item"):  # numpy scalars
        return v.item()
    return v


def _wan(x: float) -> float:
    """The amount in 万元 as a clerk types it: the same digits, the point moved four places."""
    return float(Decimal(repr(x)).scaleb(-4))


def _chinese_time(v: dt.datetime, padded: bool) -> str:
    if padded:
        return f"{v.year}年{v.month:02d}月{v.day:02d}日 {v.hour:02d}时{v.minute:02d}分" + (
            f"{v.second:02d}秒" if v.second else "")
    return f"{v.year}年{v.month}月{v.day}日{v.hour}时{v.minute}分" + (f"{v.second}秒" if v.second else "")


_ENUMS = {"category": CATEGORY, "procedure": PROCEDURE, "award_method": AWARD_METHOD, "status": BID_STATUS,
          "role": ROLE, "sector": SECTOR, "measure": MEASURE}
_CLERK_SHEETS = {"companies": "企业信息表", "tenders": "标段", "bids": "投标记录", "contracts": "合同台账",
                 "bonds": "保证金", "projects": "项目"}


def _plain_rows(name: str, df: pd.DataFrame) -> list[list[object]]:
    return [list(df.columns)] + [[_cell(v) for v in row] for row in df.itertuples(index=False)]


def _clerk_rows(name: str, df: pd.DataFrame) -> list[list[object]]:
    table = TABLES[name]
    cols = [table.column(c) for c in df.columns]
    header = ["序号"] + [c.zh + ("（万元）" if c.kind == "money" else "") for c in cols]
    rows: list[list[object]] = [[f"2025年度某区{table.zh}汇总表"], ["填报单位：某区住房和城乡建设局"], header]
    for i, record in enumerate(df.itertuples(index=False), start=1):
        out: list[object] = [i]
        for c, v in zip(cols, record):
            v = _cell(v)
            if v is None:
                out.append(None)
            elif c.kind == "money":
                out.append(_wan(v))
            elif c.kind in ("date", "timestamp"):
                out.append(_chinese_time(v, i % 2 == 0) if c.kind == "timestamp"
                           else f"{v.year}年{v.month}月{v.day}日")
            elif c.kind == "enum" and c.name in _ENUMS:
                out.append(_ENUMS[c.name][v].split("/")[0])
            elif c.kind == "bool":
                out.append("是" if v else "否")
            else:
                out.append(v)
        rows.append(out)
        if i == 3:
            rows.append([None] * len(header))  # a blank row between records
    totals = ["合计"] + [round(sum(_wan(x) for x in df[c.name].dropna()), 6) if c.kind == "money" else None
                         for c in cols]
    rows += [totals, ["填表人：王五", None, "审核人：赵六", None, "填报日期：2025年6月30日"], ["备注：金额单位为万元"]]
    return rows


def test_clerks_workbook_gives_the_alerts_of_the_plain_workbook(tmp_path: Path):
    from bidwatch.scan import run_scan
    from bidwatch.synth import generate

    tables, _ = generate(100, 7, texts=False)
    tables["bid_files"]["text_path"] = None  # planted document cases refer to texts not written here
    plain = _workbook({name: _plain_rows(name, df) for name, df in tables.items()}, tmp_path / "plain.xlsx")
    clerk_sheets = {(_CLERK_SHEETS.get(name, TABLES[name].zh)): (
        _clerk_rows(name, df) if name in _CLERK_SHEETS else _plain_rows(name, df)) for name, df in tables.items()}
    clerk = _workbook(clerk_sheets, tmp_path / "clerk.xlsx", merge_first=set(_CLERK_SHEETS.values()))

    a, b = load_dataset(plain), load_dataset(clerk)
    assert a.row_counts == b.row_counts == {name: len(df) for name, df in tables.items()}
    assert not a.notices
    # every habit is noticed, per clerk sheet: two title rows, totals, three signature/note rows
    for sheet in _CLERK_SHEETS.values():
        mine = [n for n in b.notices if n.table == sheet]
        assert sum("title row" in n.expected for n in mine) == 2, sheet
        assert sum(n.expected == TOTALS_SKIPPED for n in mine) == 1, sheet
        assert sum(n.expected == SIGNATURE_SKIPPED for n in mine) == 2, sheet
    for name in ("tenders", "bids", "contracts"):
        pd.testing.assert_frame_equal(a.con.table(name).df(), b.con.table(name).df().drop(columns="序号"),
                                      check_exact=True, obj=name)
    # One thread: cobidding_group's avg(dominance) is summed in a thread-dependent order and its
    # 3-decimal rounding then differs between two scans of the *same* dataset (network.py).
    for ds in (a, b):
        ds.con.execute("SET threads = 1")
    ra, rb = run_scan(a), run_scan(b)
    assert len(ra.alerts) > 0
    cols = ["indicator", "severity", "tender_id", "company_ids", "score", "evidence", "message"]
    pd.testing.assert_frame_equal(ra.alerts[cols], rb.alerts[cols])


# --------------------------------------------------------------------------- bounds (issue 18)


def test_a_stray_cell_in_column_xfd_costs_neither_time_nor_memory(tmp_path: Path):
    """20,000 rows with one cell in column XFD: openpyxl would pad each to 16,384 cells (GBs)."""
    import zipfile

    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    wb.create_sheet("companies").append(["company_id", "name"])
    wb.worksheets[0].append(["C1", "甲"])
    wb.create_sheet("tenders").append(["tender_id"])
    wb.worksheets[1].append(["T1"])
    bids = wb.create_sheet("bids")
    bids.append(["bid_id", "tender_id", "company_id", "price"])
    for i in range(20_000):
        bids.append([f"B{i}", "T1", "C1", i])
    plain, stray = tmp_path / "plain.xlsx", tmp_path / "xfd.xlsx"
    wb.save(plain)
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(stray, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet3.xml":
                text = re.sub(r'(<row r="(\d+)"[^>]*>.*?)</row>',
                              lambda m: m.group(1) + (f'<c r="XFD{m.group(2)}" t="n"><v>1</v></c>'
                                                      if m.group(2) != "1" else "") + "</row>", data.decode())
                assert text.count("XFD") == 20_000
                data = text.encode()
            zout.writestr(item, data)
    started = time.perf_counter()
    assert load_dataset(plain).row_counts["bids"] == 20_000
    plain_seconds = time.perf_counter() - started
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    started = time.perf_counter()
    ds = load_dataset(stray)
    seconds = time.perf_counter() - started
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    assert ds.row_counts == {"companies": 1, "tenders": 1, "bids": 20_000}
    assert ds.con.execute("SELECT max(price) FROM bids").fetchone() == (19_999.0,)
    # the peak of the process did not grow by more than 300 MiB (padded rows would take ~2.6 GB)
    assert grown < 300 * 1024, f"max RSS grew by {grown / 1024:.0f} MiB"
    # and the stray cells cost no time: padding every row to XFD took minutes
    assert seconds < 2 * plain_seconds + 5, (seconds, plain_seconds)


def test_a_sheet_beyond_the_bounds_is_refused_with_its_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from bidwatch.contract import xlsx

    monkeypatch.setattr(xlsx, "MAX_CELLS", 40)
    rows = [["bid_id", "tender_id", "company_id", "price"]] + [[f"B{i}", "T1", "C1", i] for i in range(20)]
    path = _workbook({"companies": [["company_id", "name"], ["C1", "甲"]], "tenders": [["tender_id"], ["T1"]],
                      "投标": rows}, tmp_path / "d.xlsx")
    p = problems_of(path)
    assert [(x.table, x.row) for x in p] == [("投标", None)]
    assert "投标" in p[0].expected and "第 12 行" in p[0].expected and "CSV" in p[0].expected


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_rows_below_empty_csv_lines_keep_their_line_numbers(tmp_path: Path, newline: str):
    lines = ["标题", "", "bid_id,tender_id,company_id,price", "B1,T1,C1,1", "", "", "B2,T1,C2,abc", "",
             "B3,T1,C3,x", "B4,T1,C1,2", ""]
    folder = write_dataset(tmp_path, {})
    (folder / "bids.csv").write_bytes(newline.join(lines).encode())
    p = problems_of(folder)
    assert [(x.table, x.row, x.value) for x in p] == [("bids", 7, "abc"), ("bids", 9, "x")]


def test_two_row_header_with_cells_merged_down(tmp_path: Path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "投标"
    ws.append(["投标情况表"])
    ws.append(["投标编号", "标段编号", "投标人", None, "投标报价（万元）"])
    ws.append([None, None, "企业编号", "企业名称", None])
    ws.append(["B1", "T1", "C1", "甲", 95])
    for col in ("A", "B", "E"):
        ws.merge_cells(f"{col}2:{col}3")
    ws.merge_cells("C2:D2")
    wb.create_sheet("企业").append(["企业编号", "企业名称"])
    wb["企业"].append(["C1", "甲"])
    wb.create_sheet("标段").append(["标段编号"])
    wb["标段"].append(["T1"])
    wb.save(tmp_path / "d.xlsx")
    ds = load_dataset(tmp_path / "d.xlsx")
    assert ds.con.execute("SELECT bid_id, tender_id, company_id, price FROM bids").fetchall() == [("B1", "T1", "C1", 950000.0)]
    assert [(n.table, n.row) for n in ds.notices] == [("投标", 1), ("投标", 2)]
    assert "two rows" in ds.notices[1].expected


def test_csv_export_of_a_two_row_header(tmp_path: Path):
    bids = ("投标情况表,,,,\n"
            "投标编号,标段编号,投标人,,投标报价（万元）\n"
            ",,企业编号,企业名称,\n"
            "B1,T1,C1,甲,95\n"
            "B2,T1,C2,乙,x\n")
    p = problems_of(write_dataset(tmp_path, {"bids": bids}))
    assert [(x.table, x.row, x.column, x.value) for x in p] == [("bids", 5, "price", "x")]


@pytest.mark.parametrize("text, expected", [
    (b"a,b\n1,2\n3,4\n", False),
    (b"a,b\n1,2\n\n3,4\n", True),
    (b"a,b\r\n1,2\r\n\r\n3,4\r\n", True),
    (b"a,b\r\n1,2\r\n3,4\r\n", False),
    (b"a,b\n1,\r2\n", False),          # a carriage return inside a line is not an empty line
    (b"\n", False),
    (b"", False),
])
@pytest.mark.parametrize("chunk", [2, 3, 5, 1 << 20])  # the pattern falls across the chunk boundaries too
def test_the_empty_line_search_finds_lf_and_crlf_empty_lines_across_chunks(tmp_path: Path, monkeypatch, text, expected,
                                                                            chunk):
    from bidwatch.contract import reader

    monkeypatch.setattr(reader, "_CHUNK", chunk)
    path = tmp_path / "x.csv"
    path.write_bytes(text)
    assert reader._line_scan(path)[0] is expected


@pytest.mark.parametrize("text, expected", [
    (b"a,b\n1,2\n3,4\n", 3),
    (b"a,b\n1,2\n3,4", 3),          # no newline after the last line
    (b'a,b\r\n1,"x\r\ny"\r\n', 3),
    (b"", 0),
])
@pytest.mark.parametrize("chunk", [2, 3, 1 << 20])
def test_physical_lines_are_counted_across_chunks(tmp_path: Path, monkeypatch, text, expected, chunk):
    from bidwatch.contract import reader

    monkeypatch.setattr(reader, "_CHUNK", chunk)
    path = tmp_path / "x.csv"
    path.write_bytes(text)
    assert reader._line_scan(path)[1] == expected


def test_rows_below_a_cell_over_several_lines_are_numbered_by_their_own_line(tmp_path: Path):
    # 中标范围 written over three lines in record 2 (lines 3-5), an empty line at 7: the bad price of the fourth
    # record is on line 8 of the file
    bids = ('bid_id,tender_id,company_id,price,中标范围\n'
            'B1,T1,C1,900000,土建\n'
            'B2,T1,C2,950000,"土建\n安装\n市政"\n'
            'B3,T1,C3,960000,\n'
            '\n'
            'B4,T1,C1,abc,"含 ""暂列金额"""\n')
    problems = problems_of(write_dataset(tmp_path, {"bids": bids}))
    assert [(p.row, p.value) for p in problems if p.column == "price"] == [(8, "abc")]


@pytest.mark.parametrize("header, column", [
    ("最高投标\n限价（元）", "ceiling_price"), ("投标截止\n时间", "bid_deadline"), ("标段 编号", "tender_id"),
    ("最高投标限价（单位：元）", "ceiling_price"), ("中标人\r\n编号", "winner_id"),
])
def test_a_header_typed_over_two_lines_or_spaced_names_its_column(tmp_path: Path, header: str, column: str):
    # Alt+Enter in a header cell: the column was read as an extra one and its data lost without a word
    tenders = {"ceiling_price": "3856400", "bid_deadline": "2024-03-20 09:30", "tender_id": "T1", "winner_id": "C1"}
    path = _workbook({"标段": [["标段编号", header] if column != "tender_id" else [header],
                               ["T1", tenders[column]] if column != "tender_id" else ["T1"]],
                      "企业": [["企业编号", "企业名称"], ["C1", "甲"]],
                      "投标": [["投标编号", "标段编号", "企业编号", "投标报价"], ["B1", "T1", "C1", 3800000]]},
                     tmp_path / "d.xlsx")
    ds = load_dataset(path)
    value = ds.con.execute(f"SELECT CAST({column} AS VARCHAR) FROM tenders").fetchone()[0]
    assert value is not None and value.startswith(tenders[column][:10].replace(" ", " "))


def test_an_excel_number_format_says_what_the_number_is(tmp_path: Path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    t = wb.create_sheet("标段")
    t.append(["标段编号", "最高投标限价", "投标保证金"])
    t.append(["T1", 385.64, 70000])
    t["B2"].number_format = '0.00"万元"'   # Excel shows 385.64万元: 3,856,400 元, not 385.64 元
    c = wb.create_sheet("企业")
    c.append(["企业编号", "企业名称"])
    c.append(["C1", "甲"])
    b = wb.create_sheet("投标")
    b.append(["投标编号", "标段编号", "企业编号", "投标报价"])
    b.append(["B1", "T1", "C1", 3800000])
    b.append(["B2", "T1", "C1", 0.05])
    b["D3"].number_format = "0%"             # Excel shows 5%: a rate, refused as one, not 0.05 元
    wb.save(tmp_path / "d.xlsx")
    with pytest.raises(DatasetInvalid) as exc:
        load_dataset(tmp_path / "d.xlsx")
    assert [(p.row, p.value, p.expected) for p in exc.value.problems] == [(3, "5%", RATE_NOT_AMOUNT)]
    b.delete_rows(3)
    wb.save(tmp_path / "e.xlsx")
    ds = load_dataset(tmp_path / "e.xlsx")
    # near miss: the bond, a plain number, is yuan
    assert ds.con.execute("SELECT ceiling_price, bid_bond FROM tenders").fetchone() == (3856400.0, 70000.0)


def test_the_rows_of_a_bid_opening_record_that_are_not_bids(tmp_path: Path):
    path = _workbook({
        "企业": [["企业编号", "企业名称"], ["C1", "甲"], ["C2", "乙"]],
        "标段": [["标段编号"], ["LA-01"], ["LA-02"]],
        "开标记录": [
            ["投标编号", "标段编号", "企业编号", "投标报价（元）"],
            ["一标段：半塔镇小型农田水利工程（控制价138万元）"],   # a group heading
            ["B1", "LA-01", "C1", 1256300],
            ["B2", "LA-01", "C2", 1262000],
            ["第2标段：舜山镇村道硬化工程"],
            ["B3", "LA-02", "C1", 2500000],
            ["LA-02有效投标报价算术平均值", None, None, 2500000],  # a summary line that begins with the tender's code
            ["评标基准价（K=0.97）", None, None, 2425000],
            ["以下空白"],
            ["招标人代表：王红", "记录人：孙丽", "监标人：吴刚"],
            ["日期：2024年3月5日"],
        ],
    }, tmp_path / "d.xlsx")
    ds = load_dataset(path)
    assert ds.con.execute("SELECT bid_id FROM bids ORDER BY 1").fetchall() == [("B1",), ("B2",), ("B3",)]
    from bidwatch.contract.trailers import GROUP_SKIPPED
    assert _notes(ds.notices, GROUP_SKIPPED) == [("开标记录", 2), ("开标记录", 5)]
    assert _notes(ds.notices, TOTALS_SKIPPED) == [("开标记录", 7), ("开标记录", 8)]
    assert _notes(ds.notices, SIGNATURE_SKIPPED) == [("开标记录", 9), ("开标记录", 10), ("开标记录", 11)]


def test_a_record_beginning_like_a_group_heading_stays_a_record(tmp_path: Path):
    # near miss: a bid whose id cell reads like a heading but whose other cells are filled is a bid
    path = _workbook({
        "企业": [["企业编号", "企业名称"], ["C1", "甲"]],
        "标段": [["标段编号"], ["T1"]],
        "投标": [["投标编号", "标段编号", "企业编号", "投标报价"], ["一标段：第1家", "T1", "C1", 1256300]],
    }, tmp_path / "d.xlsx")
    assert load_dataset(path).row_counts["bids"] == 1


def _book_with_a_company_and_a_tender(bids_sheet: str) -> tuple[object, object]:
    """A workbook with company C1 and tender T1, and an empty bids sheet: (workbook, bids sheet)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    c = wb.create_sheet("企业")
    c.append(["企业编号", "企业名称"])
    c.append(["C1", "甲"])
    t = wb.create_sheet("标段")
    t.append(["标段编号"])
    t.append(["T1"])
    return wb, wb.create_sheet(bids_sheet)


def _merged_price_book(path: Path, lower: list[str], values: list[object], wan_title: bool = False) -> Path:
    wb, b = _book_with_a_company_and_a_tender("开标记录")
    b.append(["投标编号", "标段编号", "企业编号", "投标报价", None, "工期（天）"])
    b.append([None, None, None, *lower, None])
    b.merge_cells("D1:E1")
    for col in "ABCF":
        b.merge_cells(f"{col}1:{col}2")
    b.append(["B1", "T1", "C1", *values, 180])
    wb.save(path)
    return path


@pytest.mark.parametrize("lower, values, price", [
    (["下浮率", "金额（元）"], ["8.92%", 3512345.67], 3512345.67),      # the rate first: the amount is the price
    (["大写", "小写（元）"], ["叁佰伍拾壹万贰仟叁佰肆拾伍元陆角柒分", 3512345.67], 3512345.67),
    (["报价（万元）", "下浮率(%)"], [351.2, 8.93], 3512000.0),           # the unit of the lower row counts
])
def test_a_price_merged_over_its_sub_columns_is_the_amount_column(tmp_path: Path, lower, values, price):
    ds = load_dataset(_merged_price_book(tmp_path / "d.xlsx", lower, values))
    assert ds.con.execute("SELECT price FROM bids").fetchone()[0] == price
    # the other sub-column is kept beside, named by both rows
    assert any("·" in c for c in ds.con.execute("SELECT * FROM bids").df().columns)


def test_a_first_data_row_is_not_taken_for_a_sub_header(tmp_path: Path):
    # near miss: one-row header, a first record with few filled cells is still a record
    path = _workbook({"企业": [["企业编号", "企业名称", "法定代表人", "注册地址"], ["C1", "甲", None, None]],
                      "标段": [["标段编号"], ["T1"]],
                      "投标": [["投标编号", "标段编号", "企业编号", "投标报价"], ["B1", "T1", "C1", 100000]]},
                     tmp_path / "d.xlsx")
    assert load_dataset(path).row_counts["companies"] == 1


def test_a_macro_workbook_is_read_and_a_file_that_is_no_workbook_says_so_once(tmp_path: Path):
    book = _workbook({"企业": [["企业编号", "企业名称"], ["C1", "甲"]], "标段": [["标段编号"], ["T1"]],
                      "投标": [["投标编号", "标段编号", "企业编号", "投标报价"], ["B1", "T1", "C1", 100000]]},
                     tmp_path / "d.xlsx")
    xlsm = book.rename(tmp_path / "d.xlsm")  # .xlsm: the same workbook with macros allowed; none runs
    assert load_dataset(xlsm).row_counts["bids"] == 1
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(DatasetInvalid) as exc:
        load_dataset(fake)
    # one problem in Chinese first, not openpyxl's "File is not a zip file" and three missing tables
    (problem,) = exc.value.problems
    assert problem.expected.startswith("无法读取 Excel 工作簿") and "不是 .xlsx/.zip 格式" in problem.expected
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(DatasetInvalid) as exc:
        load_dataset(old)
    assert len(exc.value.problems) == 1 and "另存为 .xlsx" in exc.value.problems[0].expected
    # an archive is told to be unzipped (the web import takes it as it is); near miss: a PDF gets neither hint
    for name, said in (("data.zip", "请先解压"), ("data.pdf", None)):
        (tmp_path / name).write_bytes(b"PK\x03\x04" if name.endswith(".zip") else b"%PDF-1.4")
        with pytest.raises(DatasetInvalid) as exc:
            load_dataset(tmp_path / name)
        expected = exc.value.problems[0].expected
        assert (said in expected) if said else ("解压" not in expected and "另存为" not in expected)


def test_a_tender_merged_down_over_its_bids_gives_each_bid_its_tender(tmp_path: Path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    c = wb.create_sheet("企业")
    c.append(["企业编号", "企业名称"])
    for i in range(1, 4):
        c.append([f"C{i}", f"企业{i}"])
    t = wb.create_sheet("标段")
    t.append(["标段编号"])
    t.append(["T1"])
    t.append(["T2"])
    b = wb.create_sheet("开标记录")
    b.append(["投标编号", "标段编号", "企业编号", "投标报价"])
    b.append(["B1", "T1", "C1", 100000])
    b.append(["B2", None, "C2", 110000])
    b.append(["B3", None, "C3", 120000])
    b.append(["B4", "T2", "C1", 200000])
    b.append(["B5", None, "C2", 210000])
    b.merge_cells("B2:B4")
    b.merge_cells("B5:B6")
    wb.save(tmp_path / "d.xlsx")
    ds = load_dataset(tmp_path / "d.xlsx")
    assert ds.con.execute("SELECT bid_id, tender_id FROM bids ORDER BY 1").fetchall() == [
        ("B1", "T1"), ("B2", "T1"), ("B3", "T1"), ("B4", "T2"), ("B5", "T2")]
    assert [(n.row, n.value) for n in ds.notices if "合并单元格" in n.expected] == [(2, "T1"), (5, "T2")]
    # near miss: an empty key that is no merge is still a problem at its row
    b.unmerge_cells("B5:B6")
    wb.save(tmp_path / "e.xlsx")
    with pytest.raises(DatasetInvalid) as exc:
        load_dataset(tmp_path / "e.xlsx")
    assert [(p.row, p.column) for p in exc.value.problems] == [(6, "tender_id")]


def test_a_formula_without_its_computed_value_is_named_not_read_as_empty(tmp_path: Path):
    # openpyxl (like any program) writes formulas without values; Excel and WPS save them with theirs
    book = _workbook({"企业": [["企业编号", "企业名称"], ["C1", "甲"]],
                      "标段": [["标段编号", "估算价", "最高投标限价"], ["T1", 5000000, "=B2*0.97"]],
                      "投标": [["投标编号", "标段编号", "企业编号", "投标报价"], ["B1", "T1", "C1", "=标段!C2*0.95"]]},
                     tmp_path / "d.xlsx")
    with pytest.raises(DatasetInvalid) as exc:
        load_dataset(book)
    from bidwatch.contract.xlsx import FORMULA_WITHOUT_VALUE
    # one problem per cell, naming the contract column and the formula (not also "price required")
    assert sorted((p.table, p.row, p.column, p.value) for p in exc.value.problems) == [
        ("投标", 2, "price", "=标段!C2*0.95"), ("标段", 2, "ceiling_price", "=B2*0.97")]
    assert {p.expected for p in exc.value.problems} == {FORMULA_WITHOUT_VALUE}


def test_a_totals_rows_formula_is_skipped_with_the_row(tmp_path: Path):
    # an export library writes 合计 =SUM(…) without its value: the row is no record, so its formula is no problem
    # (QA, 2026-12-07: the row was skipped and the dataset refused for its formula all the same); the near miss, a
    # record's formula, is refused as above
    sheets = {"企业": [["企业编号", "企业名称"], ["C1", "甲"]],
              "标段": [["标段编号", "最高投标限价"], ["T1", 1000000], ["T2", 2000000], ["合计", "=SUM(B2:B3)"]],
              "投标": [["投标编号", "标段编号", "企业编号", "投标报价"], ["B1", "T1", "C1", 950000]]}
    ds = load_dataset(_workbook(sheets, tmp_path / "d.xlsx"))
    assert ds.row_counts["tenders"] == 2 and [n.row for n in ds.notices if "合计" in str(n.value)] == [4]
    sheets["标段"][2][1] = "=B2*2"
    with pytest.raises(DatasetInvalid) as exc:
        load_dataset(_workbook(sheets, tmp_path / "e.xlsx"))
    assert [(p.row, p.column, p.value) for p in exc.value.problems] == [(3, "ceiling_price", "=B2*2")]


def test_a_formula_saved_with_its_value_is_read(tmp_path: Path):
    # near miss: the cached value (as Excel writes <v>) is what loads
    import shutil
    import zipfile

    book = _workbook({"企业": [["企业编号", "企业名称"], ["C1", "甲"]], "标段": [["标段编号"], ["T1"]],
                      "投标": [["投标编号", "标段编号", "企业编号", "投标报价"], ["B1", "T1", "C1", "=1000*950"]]},
                     tmp_path / "d.xlsx")
    cached = tmp_path / "cached.xlsx"
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(cached, "w") as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.startswith("xl/worksheets/") and b"<f>" in data:
                data = data.replace(b"<v></v>", b"<v>950000</v>").replace(b"</f></c>", b"</f><v>950000</v></c>")
            out.writestr(item, data)
    shutil.rmtree(tmp_path / "none", ignore_errors=True)
    assert load_dataset(cached).con.execute("SELECT price FROM bids").fetchone() == (950000.0,)


@pytest.mark.parametrize("fmt", ['0!.0000"万元"', '0"."0000"万元"', '0.00,,"万元"', '#,##0,"千元"'])
def test_a_format_that_only_displays_yuan_in_wan_leaves_the_yuan(tmp_path: Path, fmt: str):
    # the published Excel trick: 1298765.43 shown as 129.8765万元 — the cell still holds yuan
    wb, b = _book_with_a_company_and_a_tender("投标")
    b.append(["投标编号", "标段编号", "企业编号", "投标报价"])
    b.append(["B1", "T1", "C1", 1298765.43])
    b["D2"].number_format = fmt
    wb.save(tmp_path / "d.xlsx")
    assert load_dataset(tmp_path / "d.xlsx").con.execute("SELECT price FROM bids").fetchone() == (1298765.43,)


def test_a_first_record_with_a_remark_right_of_the_header_stays_a_record(tmp_path: Path):
    # a remark in a column with no header (唱标时更正报价) made the first bid look like a second header row
    path = _workbook({"企业": [["企业编号", "企业名称"], ["C01", "甲"], ["C02", "乙"]], "标段": [["标段编号"], ["T001"]],
                      "投标": [["投标编号", "标段编号", "企业编号", "投标报价", "工期", "质量", "项目经理", "保证金", "递交时间",
                               "状态", "排名"],
                              ["B001", "T001", "C01", "1298765.43元", None, None, None, None, None, None, None,
                               "唱标时更正报价"],
                              ["B002", "T001", "C02", 1310000, 180, "合格", "张三", "已交", None, "有效", 2]]},
                     tmp_path / "d.xlsx")
    assert load_dataset(path).con.execute("SELECT bid_id FROM bids ORDER BY 1").fetchall() == [("B001",), ("B002",)]


def test_a_formula_whose_result_is_empty_text_is_an_empty_cell(tmp_path: Path):
    # LibreOffice saves =IFERROR(VLOOKUP(…),"") as t="str" with an empty value: computed, and empty
    import shutil
    import zipfile

    book = _workbook({"企业": [["企业编号", "企业名称", "法定代表人"], ["C1", "甲", '=IFERROR(VLOOKUP(A2,X!A:B,2,0),"")']],
                      "标段": [["标段编号"], ["T1"]],
                      "投标": [["投标编号", "标段编号", "企业编号", "投标报价"], ["B1", "T1", "C1", 100000]]},
                     tmp_path / "d.xlsx")
    saved = tmp_path / "lo.xlsx"
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(saved, "w") as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = data.replace(b'<c r="C2">', b'<c r="C2" t="str">')
            out.writestr(item, data)
    shutil.rmtree(tmp_path / "none", ignore_errors=True)
    assert load_dataset(saved).con.execute("SELECT legal_rep FROM companies").fetchone() == (None,)


def test_a_sheet_whose_dimension_understates_its_rows_is_read_to_the_end(tmp_path: Path):
    # some writers (fastexcel) say <dimension ref="A1"/>: the streaming reader stopped there and lost every row
    import zipfile

    book = _workbook({"企业": [["企业编号", "企业名称"], ["C1", "甲"]], "标段": [["标段编号"], ["T1"]],
                      "投标": [["投标编号", "标段编号", "企业编号", "投标报价"],
                               *[[f"B{i}", "T1", "C1", 100000 + i] for i in range(8)]]}, tmp_path / "d.xlsx")
    lying = tmp_path / "lying.xlsx"
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(lying, "w") as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:D5"/>', data)
            out.writestr(item, data)
    assert load_dataset(lying).row_counts["bids"] == 8


@pytest.mark.parametrize("text, expected", [
    ("2024/4/10 2:30 PM", dt.datetime(2024, 4, 10, 14, 30)),   # Excel's yyyy/m/d h:mm AM/PM, saved as text
    ("2024/4/10 9:05 AM", dt.datetime(2024, 4, 10, 9, 5)),
    ("2024-04-10 12:05 AM", dt.datetime(2024, 4, 10, 0, 5)),
    ("2024-04-10 12:30 pm", dt.datetime(2024, 4, 10, 12, 30)),
])
def test_a_twelve_hour_clock(tmp_path: Path, text: str, expected: dt.datetime):
    ds = load_dataset(write_dataset(tmp_path, {"tenders": f"tender_id,bid_deadline\nT1,{text}\n"}))
    assert ds.con.execute("SELECT bid_deadline FROM tenders").fetchone() == (expected,)


def test_a_twelve_hour_clock_past_twelve_is_refused(tmp_path: Path):
    with pytest.raises(DatasetInvalid):  # near miss: 13:30 PM is no time
        load_dataset(write_dataset(tmp_path, {"tenders": "tender_id,bid_deadline\nT1,2024/4/10 13:30 PM\n"}))


@pytest.mark.parametrize("title", ["单位：人民币万元", "单位（万元）", "金额单位：万"])
def test_a_title_line_gives_the_unit_in_its_usual_spellings(tmp_path: Path, title: str):
    path = _workbook({"企业": [["企业编号", "企业名称"], ["C1", "甲"]],
                      "标段": [["某区标段汇总表"], [title], ["标段编号", "最高投标限价"], ["T1", 1560]],
                      "投标": [["投标编号", "标段编号", "企业编号", "投标报价"], ["B1", "T1", "C1", 1500000]]},
                     tmp_path / "d.xlsx")
    assert load_dataset(path).con.execute("SELECT ceiling_price FROM tenders").fetchone() == (15600000.0,)


def test_a_password_protected_workbook_is_told_as_such(tmp_path: Path):
    book = tmp_path / "加密.xlsx"
    book.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)  # the OLE container Excel encrypts into
    with pytest.raises(DatasetInvalid) as exc:
        load_dataset(book)
    (problem,) = exc.value.problems
    assert "设有打开密码" in problem.expected and "损坏" not in problem.expected


def test_a_printed_export_repeats_its_title_and_header_on_every_page(tmp_path: Path):
    header = ["投标编号", "标段编号", "企业编号", "投标报价（元）"]
    path = _workbook({"企业": [["企业编号", "企业名称"], ["C1", "甲"], ["C2", "乙"]], "标段": [["标段编号"], ["T1"]],
                      "开标记录": [["开标记录表（第1页）"], header, ["B1", "T1", "C1", 100000], ["B2", "T1", "C2", 110000],
                               ["开标记录表（第2页）"], header, ["B3", "T1", "C1", 120000]]},
                     tmp_path / "d.xlsx")
    ds = load_dataset(path)
    assert ds.row_counts["bids"] == 3
    from bidwatch.contract.trailers import GROUP_SKIPPED, HEADER_REPEATED
    assert _notes(ds.notices, HEADER_REPEATED) == [("开标记录", 6)]
    assert _notes(ds.notices, GROUP_SKIPPED) == [("开标记录", 5)]


def test_a_bid_whose_values_happen_to_read_like_headers_is_a_bid(tmp_path: Path):
    # near miss: one cell equal to its header is no repeated header
    path = _workbook({"企业": [["企业编号", "企业名称"], ["企业编号", "甲"]], "标段": [["标段编号"], ["T1"]],
                      "投标": [["投标编号", "标段编号", "企业编号", "投标报价"], ["B1", "T1", "企业编号", 100000]]},
                     tmp_path / "d.xlsx")
    assert load_dataset(path).row_counts["bids"] == 1


@pytest.mark.parametrize("header, value, expected", [
    ("最高投标限价（含税）", 1380000, 1380000.0), ("最高投标限价（元，含税）", 1380000, 1380000.0),
    ("最高投标限价（含税，万元）", 138, 1380000.0), ("最高投标限价（人民币：元）", 1380000, 1380000.0),
    ("最高投标限价 元", 1380000, 1380000.0), ("最高投标限价（元）（含暂列金额）", 1380000, 1380000.0),
    ("最高投标限价（万元）（含税）", 138, 1380000.0),
])
def test_a_money_header_with_a_qualifier_names_its_column(tmp_path: Path, header: str, value: int, expected: float):
    # 含税 / 含暂列金额 beside the unit: the column was kept as an extra and the ceiling silently missing
    path = _workbook({"企业": [["企业编号", "企业名称"], ["C1", "甲"]], "标段": [["标段编号", header], ["T1", value]],
                      "投标": [["投标编号", "标段编号", "企业编号", "投标报价"], ["B1", "T1", "C1", 1300000]]},
                     tmp_path / "d.xlsx")
    assert load_dataset(path).con.execute("SELECT ceiling_price FROM tenders").fetchone() == (expected,)


def test_a_row_of_units_under_the_header_is_the_headers(tmp_path: Path):
    # （万元） under 投标报价 and 最高投标限价: the unit of the column, not a record (bid_id 必填, '（万元）' 应为金额)
    path = _workbook({"企业": [["企业编号", "企业名称"], ["C1", "甲"]],
                      "标段": [["标段编号", "最高投标限价"], [None, "（万元）"], ["T1", 138]],
                      "投标": [["投标编号", "标段编号", "企业编号", "投标报价"], ["单位：元"], ["B1", "T1", "C1", 1300000]]},
                     tmp_path / "d.xlsx")
    ds = load_dataset(path)
    assert ds.con.execute("SELECT ceiling_price FROM tenders").fetchone() == (1380000.0,)
    assert ds.con.execute("SELECT bid_id, price FROM bids").fetchall() == [("B1", 1300000.0)]


def test_a_short_first_row_above_the_real_header_does_not_end_the_header_search():
    """find_header stops early only when the first row names every cell and the next is a record; a first row
    naming two columns above a wider row (a title block typed as cells, then the header) is searched as before."""
    from bidwatch.contract.schema import TABLES
    from bidwatch.contract.sources import find_header

    bids = TABLES["bids"]
    plain = [["bid_id", "tender_id", "company_id", "price"], ["B1", "T1", "C1", "100"], ["B2", "T1", "C2", "110"]]
    assert find_header(bids, plain) == (0, 1)
    short = [["投标编号", "标段编号"], ["bid_id", "tender_id", "company_id", "price"], ["B1", "T1", "C1", "100"]]
    assert find_header(bids, short) == (1, 1)


def test_an_amount_in_excels_scientific_display_is_refused_not_rounded(tmp_path: Path):
    # a CSV saved from Excel with a narrow price column holds 5.05E+06 for 5,052,000: read as 5,050,000 it was wrong,
    # and two bids rounded alike were identical prices (QA, 2026-12-07). Near misses: a program's exact exponent
    # (1.2345678E7, 1e+16 spelled by Python) and a plain figure are read
    folder = tmp_path / "ds"
    folder.mkdir()
    (folder / "companies.csv").write_text("企业编号,企业名称\nC1,甲\nC2,乙\nC3,丙\n", encoding="utf-8")
    (folder / "tenders.csv").write_text("标段编号,最高投标限价\nT1,6000000\n", encoding="utf-8")
    bids = "投标编号,标段编号,企业编号,投标报价\nB1,T1,C1,{}\nB2,T1,C2,1.2345678E7\nB3,T1,C3,5052000\n"
    (folder / "bids.csv").write_text(bids.format("5.05E+06"), encoding="utf-8")
    with pytest.raises(DatasetInvalid) as exc:
        load_dataset(folder)
    from bidwatch.contract.validate import EXCEL_SCIENTIFIC_MONEY

    assert [(p.table, p.row, p.column, p.value, p.expected) for p in exc.value.problems] == [
        ("bids", 2, "price", "5.05E+06", EXCEL_SCIENTIFIC_MONEY)]
    (folder / "bids.csv").write_text(bids.format("5052000"), encoding="utf-8")
    assert load_dataset(folder).con.execute("SELECT price FROM bids ORDER BY bid_id").fetchall() == [
        (5052000.0,), (12345678.0,), (5052000.0,)]


def test_a_unit_stated_in_a_note_below_the_table_is_not_read_as_yuan(tmp_path: Path):
    # 注：金额单位为万元。 under bids of 14943 (万元): the note row was skipped and the bids read as 14,943 yuan (QA,
    # 2026-12-07). Refused at the note's row; near misses: the unit in the header, a note saying 元, a title row's unit
    def book(header: str, note: str, title: list[list[object]] | None = None) -> Path:
        sheets = {"企业": [["企业编号", "企业名称"], ["C1", "甲"]], "标段": [["标段编号"], ["T1"]],
                  "投标": [*(title or []), ["投标编号", "标段编号", "企业编号", header], ["B1", "T1", "C1", 14943],
                         [note]]}
        return _workbook(sheets, tmp_path / f"{len(list(tmp_path.iterdir()))}.xlsx")

    with pytest.raises(DatasetInvalid) as exc:
        load_dataset(book("投标报价", "注：金额单位为万元。"))
    assert [(p.table, p.row, p.column) for p in exc.value.problems] == [("投标", 3, "price")]
    assert "万元" in exc.value.problems[0].expected
    with pytest.raises(DatasetInvalid):
        load_dataset(book("投标报价", "说明：1.报价单位：万元；2.工期以合同为准"))
    price = "SELECT price FROM bids"
    assert load_dataset(book("投标报价（万元）", "注：金额单位为万元。")).con.execute(price).fetchone() == (149430000.0,)
    assert load_dataset(book("投标报价", "注：金额单位为元。")).con.execute(price).fetchone() == (14943.0,)
    titled = book("投标报价", "注：金额单位为万元。", title=[["单位：万元"]])
    assert load_dataset(titled).con.execute(price).fetchone() == (149430000.0,)
