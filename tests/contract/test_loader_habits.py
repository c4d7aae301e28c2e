"""Workbook and CSV habits the loader reads or names (probe h4): units 千元/百万元/亿元, Chinese Excel's built-in date
formats, ids Excel cut to 15 digits, a sheet per 标段, .txt and .xlsx files in a folder, a 开标记录's closing lines, a time
without its date, encoding faults in place, ids typed full-width or with an apostrophe. Each with a near miss."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest

from bidwatch.contract import load_dataset
from bidwatch.contract.trailers import SIGNATURE_INSIDE, SIGNATURE_SKIPPED
from bidwatch.contract.validate import (DANGLING, EXCEL_MANGLED_ID, EXCEL_SERIAL, TIME_WITHOUT_DATE,
                                        states_expectation)

from .conftest import problems_of, write_dataset
from .test_clerk import _workbook

COMPANIES = [["企业编号", "企业名称"], ["C1", "甲"], ["C2", "乙"]]
TENDERS = [["标段编号", "标段名称"], ["T1", "一标段工程"]]


def _book(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    return _workbook(sheets, path)  # test_clerk's workbook builder, path first as this module's calls read


def _bids(header: str = "投标报价", *prices: object) -> list[list[object]]:
    rows: list[list[object]] = [["投标编号", "标段编号", "企业编号", header]]
    return rows + [[f"B{i}", "T1", "C1", p] for i, p in enumerate(prices, start=1)]


def _prices(path: Path) -> list[float]:
    return [r[0] for r in load_dataset(path).con.execute("SELECT price FROM bids ORDER BY bid_id").fetchall()]


# --------------------------------------------------------------------------- 1. units 千元, 百万元, 亿元


@pytest.mark.parametrize(("header", "scale"), [("投标报价（千元）", 1e3), ("投标报价(百万元)", 1e6), ("投标报价（亿元）", 1e8),
                                               ("投标报价（单位：人民币千元）", 1e3), ("投标报价（元）", 1), ("投标报价（万元）", 1e4)])
def test_header_units_scale_bare_numbers_exactly(tmp_path: Path, header: str, scale: float):
    path = _book(tmp_path / "d.xlsx", {"企业": COMPANIES, "标段": TENDERS, "投标": _bids(header, 12.34, "80000元", "1.5万元")})
    # a bare number takes the header's unit; a cell that names its own unit keeps it
    assert _prices(path) == [float(f"{12.34 * scale:.10g}"), 80000.0, 15000.0]


def test_a_title_row_in_thousands_scales_money_columns_without_a_unit(tmp_path: Path):
    tenders = [["金额单位：千元"], ["标段编号", "标段名称", "最高投标限价", "投标保证金（元）"], ["T1", "一标段工程", 12500, 80000]]
    path = _book(tmp_path / "d.xlsx", {"企业": COMPANIES, "标段": tenders, "投标": _bids("投标报价", 12100)})
    ds = load_dataset(path)
    assert ds.con.execute("SELECT ceiling_price, bid_bond FROM tenders").fetchall() == [(12_500_000.0, 80_000.0)]
    assert _prices(path) == [12100.0]  # another sheet: its own unit
    assert any("单位：千元" in n.expected for n in ds.notices)


def test_an_unknown_unit_in_a_money_header_is_a_problem_naming_it(tmp_path: Path):
    path = _book(tmp_path / "d.xlsx", {"企业": COMPANIES, "标段": TENDERS, "投标": _bids("投标报价（美元）", 100)})
    problems = problems_of(path)
    assert [(p.table, p.row, p.column, p.value) for p in problems] == [("投标", 1, "price", "投标报价（美元）")]
    assert "（美元）" in problems[0].expected
    # near miss: 单位 and 人民币 before 元 are no unit of their own
    ok = _book(tmp_path / "ok.xlsx", {"企业": COMPANIES, "标段": TENDERS, "投标": _bids("投标报价（单位：人民币元）", 100)})
    assert _prices(ok) == [100.0]


# --------------------------------------------------------------------------- 2. Chinese built-in date formats


def _with_builtin_format(path: Path, fmt_id: int) -> Path:
    """The workbook with its one custom number format (id 164) replaced by the built-in ``fmt_id``, as Chinese Excel
    saves 2024年3月1日: by id only."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/styles.xml":
                text = re.sub(r"<numFmts[^>]*>.*?</numFmts>", "", data.decode("utf-8"), flags=re.S)
                data = text.replace('numFmtId="164"', f'numFmtId="{fmt_id}"').encode("utf-8")
            zout.writestr(item, data)
    shutil.move(tmp, path)
    return path


@pytest.mark.parametrize("fmt_id", [31, 27, 57, 58])
def test_chinese_builtin_date_formats_are_dates(tmp_path: Path, fmt_id: int):
    from openpyxl import load_workbook

    path = _book(tmp_path / "d.xlsx", {"企业": COMPANIES, "标段": [TENDERS[0] + ["公告发布日期"], TENDERS[1] + [45352]],
                                       "投标": _bids("投标报价", 100)})
    wb = load_workbook(path)
    wb["标段"]["C2"].number_format = 'yyyy"年"m"月"d"日"'
    wb.save(path)
    _with_builtin_format(path, fmt_id)
    ds = load_dataset(path)
    assert str(ds.con.execute("SELECT announced_on FROM tenders").fetchone()[0]) == "2024-03-01"


def test_a_plain_number_format_stays_a_number(tmp_path: Path):
    from openpyxl import load_workbook

    path = _book(tmp_path / "d.xlsx", {"企业": COMPANIES, "标段": [TENDERS[0] + ["公告发布日期"], TENDERS[1] + [45352]],
                                       "投标": _bids("投标报价", 100)})
    wb = load_workbook(path)
    wb["标段"]["C2"].number_format = "0.000"  # a custom format, then the built-in 2 (0.00) in its place
    wb.save(path)
    _with_builtin_format(path, 2)
    problems = problems_of(path)
    assert [(p.column, p.value, p.expected) for p in problems] == [
        ("announced_on", "45352", EXCEL_SERIAL.replace("{info}", "2024-03-01"))]


# --------------------------------------------------------------------------- 3. ids Excel cut to 15 digits


def test_ids_excel_kept_as_numbers_are_a_problem(tmp_path: Path):
    tenders = [TENDERS[0], [341100202403250000.0, "一标段"], [3411002024032500, "二标段"], [341100202403, "三标段"]]
    bids = [["投标编号", "标段编号", "企业编号", "投标报价"], ["B1", 341100202403, "C1", 100]]
    path = _book(tmp_path / "d.xlsx", {"企业": COMPANIES, "标段": tenders, "投标": bids})
    problems = [p for p in problems_of(path) if p.expected == EXCEL_MANGLED_ID]
    # the 18- and 16-digit ids; the 12-digit one (row 4, and the bid referring to it) is fine
    assert [(p.table, p.row, p.column, p.value) for p in problems] == [
        ("标段", 2, "tender_id", "3.4110020240325e+17"), ("标段", 3, "tender_id", "3411002024032500")]


def test_ids_in_scientific_notation_in_a_csv_are_a_problem(tmp_path: Path):
    folder = write_dataset(tmp_path / "ds", {
        "tenders": "tender_id,title\n3.411E+17,一\n341100202403,二\n",
        "bids": "bid_id,tender_id,company_id,price\nB1,3.411E+17,C1,100\nB2,341100202403,C2,100\n"})
    problems = [p for p in problems_of(folder) if p.expected == EXCEL_MANGLED_ID]
    assert [(p.table, p.row, p.column, p.value) for p in problems] == [
        ("tenders", 2, "tender_id", "3.411E+17"), ("bids", 2, "tender_id", "3.411E+17")]


# --------------------------------------------------------------------------- 4. a sheet per 标段


def test_several_sheets_per_section_are_named_not_read_as_tenders(tmp_path: Path):
    path = _book(tmp_path / "d.xlsx", {"企业": COMPANIES, "标段": TENDERS, "一标段": _bids("投标报价", 100),
                                       "二标段（开标记录）": _bids("投标报价", 200)})
    problems = problems_of(path)
    assert [(p.table, p.value) for p in problems] == [("bids", "一标段、二标段（开标记录）")]
    assert "同一张表" not in problems[0].expected


def test_one_sheet_per_section_is_read_as_the_bids(tmp_path: Path):
    path = _book(tmp_path / "d.xlsx", {"企业": COMPANIES, "标段": TENDERS, "01标段": _bids("投标报价", 100)})
    ds = load_dataset(path)
    assert ds.row_counts == {"companies": 2, "tenders": 1, "bids": 1}  # near miss: 标段 stays the tenders


# --------------------------------------------------------------------------- 5. 应为 only before an expectation


def test_should_be_only_before_an_expectation(capsys: pytest.CaptureFixture[str]):
    from bidwatch.commands import _report_problems
    from bidwatch.contract import Problem
    from bidwatch.contract.validate import DUPLICATE_KEY, EXPECTED_BY_KIND

    dangling = DANGLING.replace("{ref}", "companies.company_id")
    _report_problems([Problem("bids", 2, "company_id", "C9", dangling),
                      Problem("bids", 3, "bid_id", "B1", DUPLICATE_KEY.replace("{info}", "2")),
                      Problem("bids", 4, "submitted_at", "x", EXPECTED_BY_KIND["timestamp"])], None)
    err = capsys.readouterr().err
    assert "应为 在" not in err and "应为 主键" not in err and f"应为 {EXPECTED_BY_KIND['timestamp']}" in err
    assert states_expectation(EXPECTED_BY_KIND["date"]) and not states_expectation(EXCEL_MANGLED_ID)


# --------------------------------------------------------------------------- 6. .txt and .xlsx files in a folder


def test_a_folder_of_excel_text_exports_and_workbooks_loads(tmp_path: Path):
    folder = tmp_path / "ds"
    folder.mkdir()
    (folder / "企业.txt").write_bytes("企业编号\t企业名称\r\nC1\t甲\r\n".encode("gbk"))
    (folder / "标段.txt").write_bytes("标段编号\t标段名称\r\nT1\t一标段工程\r\n".encode("utf-16"))
    _book(folder / "投标.xlsx", {"Sheet1": _bids("投标报价", 100)})
    ds = load_dataset(folder)
    assert ds.row_counts == {"companies": 1, "tenders": 1, "bids": 1}


def test_a_csv_is_preferred_to_a_text_file_and_unknown_files_are_listed(tmp_path: Path):
    folder = write_dataset(tmp_path / "ds", {"bids": None})
    (folder / "tenders.txt").write_text("not a table", encoding="utf-8")  # a text file beside tenders.csv: not read
    _book(folder / "开标.xlsx", {"Sheet1": _bids("投标报价", 100)})
    problems = problems_of(folder)
    assert [p.table for p in problems] == ["bids"] and "开标.xlsx" in problems[0].expected


# --------------------------------------------------------------------------- 7. a 开标记录's closing lines


FOOTER = [["有效投标人数：2家"], ["最低投标报价：100元"], ["开标时间：2024年3月25日9时30分"], ["开标地点：某中心"],
          ["投标人对开标过程无异议。"]]


def test_bid_opening_footer_lines_are_notes(tmp_path: Path):
    path = _book(tmp_path / "d.xlsx", {"企业": COMPANIES, "标段": TENDERS, "投标": _bids("投标报价", 100, 200) + FOOTER})
    ds = load_dataset(path)
    assert ds.row_counts["bids"] == 2
    assert [n.row for n in ds.notices if n.expected == SIGNATURE_SKIPPED] == [4, 5, 6, 7, 8]


def test_a_bid_after_the_footer_lines_is_a_problem(tmp_path: Path):
    rows = _bids("投标报价", 100) + FOOTER[:2] + [["B9", "T1", "C2", 300]]
    path = _book(tmp_path / "d.xlsx", {"企业": COMPANIES, "标段": TENDERS, "投标": rows})
    assert [(p.row, p.expected) for p in problems_of(path)] == [(3, SIGNATURE_INSIDE), (4, SIGNATURE_INSIDE)]


# --------------------------------------------------------------------------- 8. a time without its date


def test_a_time_without_its_date_says_so(tmp_path: Path):
    import datetime as dt

    bids = [["投标编号", "标段编号", "企业编号", "投标报价", "递交时间"], ["B1", "T1", "C1", 100, dt.time(8, 10)],
            ["B2", "T1", "C2", 100, dt.datetime(2024, 3, 25, 8, 11)]]
    path = _book(tmp_path / "d.xlsx", {"企业": COMPANIES, "标段": TENDERS, "投标": bids})
    assert [(p.row, p.value, p.expected) for p in problems_of(path)] == [(2, "08:10:00", TIME_WITHOUT_DATE)]


# --------------------------------------------------------------------------- 9. encoding faults in place


def test_gbk_rows_appended_to_a_utf8_csv_are_reported_where_they_are(tmp_path: Path):
    text = "bid_id,tender_id,company_id,price,status\nB1,T1,C1,900000,有效\nB2,T1,C2,950000,有效\n"
    folder = write_dataset(tmp_path / "ds", {"bids": text.encode("utf-8") + "B4,T1,C3,1,有效\n".encode("gbk")})
    problems = problems_of(folder)
    assert [(p.table, p.row, p.column, p.value) for p in problems] == [("bids", 4, "status", "有效")]
    assert "UTF-8" in problems[0].expected


def test_a_utf8_bom_before_gbk_text_is_read_as_gbk(tmp_path: Path):
    text = "bid_id,tender_id,company_id,price,status\nB1,T1,C1,900000,有效\nB2,T1,C2,950000,\n"
    folder = write_dataset(tmp_path / "ds", {"bids": b"\xef\xbb\xbf" + text.encode("gbk")})
    assert load_dataset(folder).row_counts["bids"] == 2


# --------------------------------------------------------------------------- 10. ids as clerks type them


def test_full_width_apostrophe_and_pandas_float_ids_are_the_same_key(tmp_path: Path):
    folder = write_dataset(tmp_path / "ds", {
        "companies": "company_id,name\n1001,甲\nC1,乙\nC3,丙\n",
        "bids": "bid_id,tender_id,company_id,price\nB1,T1,1001.0,1\nB2,T1,Ｃ１,1\nB3,T1,'C3,1\n"})
    ds = load_dataset(folder)
    assert ds.con.execute("SELECT company_id FROM bids ORDER BY bid_id").fetchall() == [("1001",), ("C1",), ("C3",)]


def test_an_id_that_only_looks_like_a_float_stays_itself(tmp_path: Path):
    folder = write_dataset(tmp_path / "ds", {
        "companies": "company_id,name\n1001,甲\nC1,乙\n",
        "bids": "bid_id,tender_id,company_id,price\nB1,T1,1001.5,1\nB2,T1,C1',1\n"})
    problems = problems_of(folder)
    assert [(p.row, p.value) for p in problems if "中找不到" in p.expected] == [(2, "1001.5"), (3, "C1'")]


def test_dates_and_amounts_kept_as_text_by_excel_are_read(tmp_path: Path):
    # an e-bidding export writes Excel's text prefix before dates and amounts too: '2024-04-20, ’12,500.00, ="3"
    folder = write_dataset(tmp_path / "ds", {
        "companies": "company_id,name\nC1,甲\n",
        "tenders": "tender_id,name,announced_on,bid_deadline,ceiling_price\n"
                   "T1,一标段,'2024-04-20,'2024-05-10 09:30,'1250000\nT2,二标段,\"=\"\"2024-04-21\"\"\",,\"’12,500.00\"\n",
        "bids": "bid_id,tender_id,company_id,price\nB1,T1,C1,'1200000\n"})
    ds = load_dataset(folder)
    rows = ds.con.execute("SELECT tender_id, CAST(announced_on AS VARCHAR), CAST(bid_deadline AS VARCHAR), "
                          "ceiling_price FROM tenders ORDER BY tender_id").fetchall()
    assert rows == [("T1", "2024-04-20", "2024-05-10 09:30:00", 1250000.0), ("T2", "2024-04-21", None, 12500.0)]
    assert _prices(folder) == [1200000.0]


def test_an_apostrophe_inside_a_date_or_amount_is_still_refused(tmp_path: Path):
    # near miss: only a leading text prefix is Excel's; a quote after the value, or two, is no date or amount
    folder = write_dataset(tmp_path / "ds", {
        "companies": "company_id,name\nC1,甲\n",
        "tenders": "tender_id,name,announced_on\nT1,一标段,2024-04-20'\nT2,二标段,''2024-04-21\n",
        "bids": "bid_id,tender_id,company_id,price\nB1,T1,C1,12'00\n"})
    assert sorted((p.table, p.row, p.value) for p in problems_of(folder)) == [
        ("bids", 2, "12'00"), ("tenders", 2, "2024-04-20'"), ("tenders", 3, "''2024-04-21")]


def test_a_date_with_its_weekday_or_beijing_time_is_read_and_a_wrong_weekday_noted(tmp_path: Path):
    # as notices write them: 2024年4月20日（星期六）, 2024年5月10日（星期五）上午9:30, 周六, 2024-05-10 09:30（北京时间）
    folder = write_dataset(tmp_path / "ds", {
        "companies": "company_id,name\nC1,甲\n",
        "tenders": "tender_id,name,announced_on,bid_deadline\n"
                   "T1,一标段,2024年4月20日（星期六）,2024年5月10日（星期五）上午9:30\n"
                   "T2,二标段,2024-04-20 周六,2024-05-10 09:30（北京时间）\n"
                   "T3,三标段,2024年4月20日(星期五),北京时间2024年5月10日9时30分\n",
        "bids": "bid_id,tender_id,company_id,price\nB1,T1,C1,1200000\n"})
    ds = load_dataset(folder)
    rows = ds.con.execute("SELECT CAST(announced_on AS VARCHAR), CAST(bid_deadline AS VARCHAR) FROM tenders "
                          "ORDER BY tender_id").fetchall()
    assert rows == [("2024-04-20", "2024-05-10 09:30:00")] * 3
    # 2024-04-20 is a Saturday: T3's 星期五 is a slip, noted; T1's and T2's right weekdays are not (near miss)
    noted = [(n.row, n.column, n.value, n.expected.split(" / ")[0]) for n in ds.notices if "星期" in n.expected]
    assert noted == [(4, "announced_on", "2024年4月20日(星期五)", "星期与日期不符（该日为星期六）：按日期读取，请核对")]


def _announced(tmp_path: Path, *dates: str) -> Path:
    """A dataset of one company, one bid and a tender per announcement date, as written."""
    rows = "".join(f"T{i},第{i}标段,{d}\n" for i, d in enumerate(dates, start=1))
    return write_dataset(tmp_path / "ds", {"companies": "company_id,name\nC1,甲\n",
                                           "tenders": "tender_id,name,announced_on\n" + rows,
                                           "bids": "bid_id,tender_id,company_id,price\nB1,T1,C1,1200000\n"})


def test_a_weekday_alone_is_no_date(tmp_path: Path):
    folder = _announced(tmp_path, "星期六", "周六（北京时间）")
    assert [(p.row, p.value) for p in problems_of(folder)] == [(2, "星期六"), (3, "周六（北京时间）")]


def test_enumerations_as_a_bid_opening_record_writes_them_with_a_reason_kept(tmp_path: Path):
    folder = write_dataset(tmp_path / "ds", {
        "companies": "company_id,name\nC1,甲\nC2,乙\n",
        "tenders": "tender_id,name,category,procedure,award_method\nT1,一标段,施工总承包,单一来源采购,最低价中标\n"
                   "T2,二标段,货物采购,公开招标（资格后审）,综合评估法（技术标暗标）\n",
        "bids": "bid_id,tender_id,company_id,price,status,disqualify_reason\n"
                "B1,T1,C1,1200000,合格,\nB2,T1,C2,1100000,无效（未按要求递交投标保证金）,\n"
                "B3,T2,C1,1100000,否决（资格不符）,业绩不满足\nB4,T2,C2,1100000,不合格,\n"})
    ds = load_dataset(folder)
    assert ds.con.execute("SELECT category, procedure, award_method FROM tenders ORDER BY tender_id").fetchall() == [
        ("works", "single_source", "lowest_price"), ("goods", "open", "comprehensive")]
    # the reason in brackets becomes the disqualify_reason where none is given; a given one is kept (near miss)
    assert ds.con.execute("SELECT bid_id, status, disqualify_reason FROM bids ORDER BY bid_id").fetchall() == [
        ("B1", "valid", None), ("B2", "disqualified", "未按要求递交投标保证金"), ("B3", "disqualified", "业绩不满足"),
        ("B4", "disqualified", None)]


def test_a_bracket_does_not_make_a_value_of_an_enumeration(tmp_path: Path):
    # near miss: what is left without the note must still be a value; an accountant's "(空)" is none
    folder = write_dataset(tmp_path / "ds", {
        "companies": "company_id,name\nC1,甲\n",
        "bids": "bid_id,tender_id,company_id,price,status\nB1,T1,C1,1200000,（空）\nB2,T1,C1,1200000,待定（复核中）\n"})
    assert [(p.row, p.value) for p in problems_of(folder)] == [(2, "（空）"), (3, "待定（复核中）")]


def test_a_sanction_as_a_penalty_decision_words_it_and_a_score_in_marks(tmp_path: Path):
    folder = write_dataset(tmp_path / "ds", {
        "sanctions": "sanction_id,company_id,measure,authority,start_on,end_on\n"
                     "S1,C1,暂停投标资格,住建局,2024年1月1日,长期\nS2,C2,取消投标资格,住建局,2024-01-01,至2025年12月31日\n",
        "experts": "expert_id,name\nE1,钱\n",
        "evaluations": "tender_id,expert_id,company_id,score\nT1,E1,C1,85.5分\n"})
    ds = load_dataset(folder)
    # 长期: no end (in force, as the scan reads an empty end_on); 至…: the end date
    assert ds.con.execute("SELECT sanction_id, measure, CAST(end_on AS VARCHAR) FROM sanctions ORDER BY 1").fetchall() \
        == [("S1", "debarment", None), ("S2", "debarment", "2025-12-31")]
    assert ds.con.execute("SELECT score FROM evaluations").fetchall() == [(85.5,)]


def test_a_separator_that_groups_thousands_is_dropped_and_any_other_refuses_the_cell(tmp_path: Path):
    # 1,234,500 / 1 234 500 / １，２３４，５００元 / 12,345.50 group thousands: read; 90,5 (a decimal comma), 12,34 and
    # 1,2345 (slips) and 1.234,56 (a European amount) are no thousands: refused, never read as 905 or 1234
    folder = write_dataset(tmp_path / "ds", {
        "companies": "company_id,name\nC1,甲\n",
        "tenders": "tender_id,name\nT1,一标段\n",
        "bids": "bid_id,tender_id,company_id,price\n"
                "B1,T1,C1,\"1,234,500\"\nB2,T1,C1,1 234 500\nB3,T1,C1,１，２３４，５００元\nB4,T1,C1,\"12,345.50\"\n"
                "B5,T1,C1,\"90,5\"\nB6,T1,C1,\"12,34万元\"\nB7,T1,C1,\"1,2345\"\nB8,T1,C1,\"1.234,56\"\n",
        "experts": "expert_id,name\nE1,钱\n",
        "evaluations": "tender_id,expert_id,company_id,score\nT1,E1,C1,\"85,5\"\n"})
    problems = problems_of(folder)
    assert sorted((p.table, p.row, p.value) for p in problems) == [
        ("bids", 6, "90,5"), ("bids", 7, "12,34万元"), ("bids", 8, "1,2345"), ("bids", 9, "1.234,56"),
        ("evaluations", 2, "85,5")]
    good = write_dataset(tmp_path / "good", {
        "companies": "company_id,name\nC1,甲\n", "tenders": "tender_id,name\nT1,一标段\n",
        "bids": "bid_id,tender_id,company_id,price\n"
                "B1,T1,C1,\"1,234,500\"\nB2,T1,C1,1 234 500\nB3,T1,C1,１，２３４，５００元\nB4,T1,C1,\"12,345.50\"\n"})
    assert _prices(good) == [1234500.0, 1234500.0, 1234500.0, 12345.5]
    from bidwatch.contract.values import money_decimal
    assert money_decimal("1,234,500元") == 1234500 and money_decimal("90,5") is None


def test_open_ended_words_are_no_date_elsewhere(tmp_path: Path):
    # near miss: 长期 ends a sanction, but is no announcement date; 至 before no date is none either
    folder = _announced(tmp_path, "长期", "至今")
    assert [(p.row, p.value) for p in problems_of(folder)] == [(2, "长期"), (3, "至今")]


# --------------------------------------------------------------------------- 11. hidden rows and sheets


def test_hidden_rows_and_sheets_load_with_a_notice(tmp_path: Path):
    from openpyxl import load_workbook

    path = _book(tmp_path / "d.xlsx", {"企业": COMPANIES, "标段": TENDERS, "投标": _bids("投标报价", 1, 2, 3),
                                       "专家": [["专家编号", "姓名"], ["E1", "钱"]]})
    wb = load_workbook(path)
    wb["投标"].row_dimensions[3].hidden = True
    wb["专家"].sheet_state = "hidden"
    wb.save(path)
    ds = load_dataset(path)
    assert ds.row_counts["bids"] == 3 and ds.row_counts["experts"] == 1
    hidden = [(n.table, n.row, n.value) for n in ds.notices if "hidden" in n.expected]
    # near miss: the visible sheets and rows have none
    assert hidden == [("投标", 3, "3"), ("专家", None, "专家")]


# --------------------------------------------------------------------------- 12. CR line ends


@pytest.mark.parametrize("end", ["\r", "\n"])
def test_an_empty_line_in_a_cr_file_keeps_the_row_numbers(tmp_path: Path, end: str):
    text = end.join(["bid_id,tender_id,company_id,price", "B1,T1,C1,1", "", "B2,T1,C2,abc", ""])
    folder = write_dataset(tmp_path / "ds", {"bids": text})
    assert [(p.row, p.value) for p in problems_of(folder)] == [(4, "abc")]


# --------------------------------------------------------------------------- 13. the 1904 date system


@pytest.mark.parametrize(("mac", "day"), [(True, "2028-03-02"), (False, "2024-03-01")])
def test_the_serial_number_hint_follows_the_workbook_s_date_system(tmp_path: Path, mac: bool, day: str):
    from openpyxl import load_workbook
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    path = _book(tmp_path / "d.xlsx", {"企业": COMPANIES, "标段": [TENDERS[0] + ["公告发布日期"], TENDERS[1] + [45352]],
                                       "投标": _bids("投标报价", 100)})
    if mac:
        wb = load_workbook(path)
        wb.epoch = CALENDAR_MAC_1904
        wb.save(path)
    assert [p.expected for p in problems_of(path)] == [EXCEL_SERIAL.replace("{info}", day)]


# --------------------------------------------------------------------------- 14. failed tenders


def test_failed_tender_markers_are_read_as_no_winner(tmp_path: Path):
    tenders = [TENDERS[0] + ["中标人编号", "中标价", "中标通知书日期"], ["T1", "一", "流标", "/", "—"],
               ["T2", "二", "C1", 100, "2024-04-01"], ["T3", "三", "废标", "终止", None]]
    path = _book(tmp_path / "d.xlsx", {"企业": COMPANIES, "标段": tenders, "投标": _bids("投标报价", 100)})
    ds = load_dataset(path)
    assert ds.con.execute("SELECT tender_id, winner_id, award_price FROM tenders ORDER BY 1").fetchall() == [
        ("T1", None, None), ("T2", "C1", 100.0), ("T3", None, None)]
    assert [(n.row, n.value) for n in ds.notices if "流标" in n.expected] == [(2, "流标、/、—"), (4, "废标、终止")]


def test_a_winner_that_is_no_marker_is_still_checked(tmp_path: Path):
    tenders = [TENDERS[0] + ["中标人编号", "中标价"], ["T1", "一", "流标公司", "流标价"]]
    path = _book(tmp_path / "d.xlsx", {"企业": COMPANIES, "标段": tenders, "投标": _bids("投标报价", 100)})
    assert [(p.column, p.value) for p in problems_of(path)] == [("winner_id", "流标公司"), ("award_price", "流标价")]


# --------------------------------------------------------------------------- 15. a second table on a sheet


def test_a_second_table_on_the_sheet_is_named(tmp_path: Path):
    rows = _bids("投标报价", 100) + [[None], ["二标段开标记录表"], ["投标编号", "企业编号", "标段编号", "投标报价"],
                                      ["B7", "C1", "T1", 5]]
    path = _book(tmp_path / "d.xlsx", {"企业": COMPANIES, "标段": TENDERS, "投标": rows})
    problems = problems_of(path)
    assert [(p.table, p.row) for p in problems] == [("投标", 5)] and "第二张表" in problems[0].expected


def test_the_header_repeated_in_its_own_order_is_no_second_table(tmp_path: Path):
    rows = _bids("投标报价", 100) + [_bids("投标报价")[0], ["B2", "T1", "C2", 5]]
    path = _book(tmp_path / "d.xlsx", {"企业": COMPANIES, "标段": TENDERS, "投标": rows})
    assert load_dataset(path).row_counts["bids"] == 2


def test_a_folder_holding_one_workbook_is_that_workbook(tmp_path: Path) -> None:
    """``bidwatch synth --format xlsx OUT`` writes OUT/dataset.xlsx, and ``scan OUT`` refused the folder; near miss: a
    folder with two workbooks and no tables still names what it lacks."""
    from bidwatch.contract import DatasetInvalid, load_dataset
    from bidwatch.synth import write_synthetic

    write_synthetic(tmp_path / "book", 100, 3, texts=False, fmt="xlsx")
    assert [p.name for p in (tmp_path / "book").glob("*.xlsx")] == ["dataset.xlsx"]
    assert load_dataset(tmp_path / "book").row_counts["tenders"] == 100
    (tmp_path / "book" / "另一个.xlsx").write_bytes((tmp_path / "book" / "dataset.xlsx").read_bytes())
    with pytest.raises(DatasetInvalid):
        load_dataset(tmp_path / "book")


def test_a_bid_opening_record_missing_its_ids_is_pointed_to_the_notices_import(tmp_path: Path):
    # a 开标记录 names its bidders without 投标编号/企业编号: the problem says how to import it as it is
    folder = write_dataset(tmp_path / "ds", {
        "companies": "company_id,name\nC1,甲\n", "tenders": "tender_id,name\nT1,一标段\n",
        "bids": "tender_id,投标人名称,price\nT1,甲建设有限公司,1234500\n"})
    hinted = {p.column: p.expected for p in problems_of(folder) if p.table == "bids"}
    assert set(hinted) == {"bid_id", "company_id"} and all("bidwatch notices" in e for e in hinted.values())
    # near miss: ids missing from a table that names no bidder get the plain message
    plain = write_dataset(tmp_path / "plain", {
        "companies": "company_id,name\nC1,甲\n", "tenders": "tender_id,name\nT1,一标段\n",
        "bids": "tender_id,price\nT1,1234500\n"})
    assert not any("notices" in p.expected for p in problems_of(plain))
