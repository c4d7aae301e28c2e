"""Platform field codes and the notice layouts a probe found dropped or misread (公共资源交易平台数据规范 units, times and
procedure codes; 广东's 评标报告, 评定分离 and consortium notices; a sideways table; the input's rows in problems)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from bidwatch.contract import load_dataset
from bidwatch.contract.notices import NoticesUnreadable, main, map_notices, write_import

from .conftest import VALID_USCC, VALID_USCC_2, find, problems_of, write_dataset

CANDIDATES = ["BID_SECTION_CODE", "BID_SECTION_NAME", "WIN_CANDIDATE_NAME", "WIN_CANDIDATE_CODE",
              "WIN_CANDIDATE_ORDER", "BID_PRICE", "PRICE_UNIT", "CONTROL_PRICE", "CONTROL_PRICE_UNIT",
              "PUBLICITY_START_TIME", "PUBLICITY_END_TIME"]


def _csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def _notes(result) -> list[str]:
    return [what for _, _, what in result.log]


# --------------------------------------------------------------------------- 1. unit codes, per row


def test_price_unit_codes_are_honoured_per_row_and_an_unknown_code_is_named(tmp_path: Path):
    rows = [CANDIDATES,
            ["S1", "某快速路", "甲公司", VALID_USCC, "1", "11800.000000", "1", "12500", "1", "20260914090000",
             "20260917180000"],
            # the same amount in 元 on the next row: the code is read per row, not per file
            ["S1", "某快速路", "乙公司", VALID_USCC_2, "2", "119500000", "0", "", "", "20260914090000",
             "20260917180000"],
            # near miss: a code the spec does not define is not guessed
            ["S1", "某快速路", "丙公司", "", "3", "12100", "2", "", "", "20260914090000", "20260917180000"]]
    result = map_notices(_csv(tmp_path / "cand.csv", rows))
    assert [b["price"] for b in result.tables["bids"]] == ["11800.000000万元", "119500000"]
    (tender,) = result.tables["tenders"]
    assert tender["ceiling_price"] == "12500万元"
    (row, what), = [(r, w) for _, r, w in result.log if "PRICE_UNIT" in w]
    assert row == 4 and "PRICE_UNIT“2”" in what and "0 = 元，1 = 万元" in what
    ds = load_dataset(write_import(result, tmp_path / "out"))
    assert ds.con.execute("SELECT price FROM bids ORDER BY rank").fetchall() == [(118_000_000.0,), (119_500_000.0,)]
    assert ds.con.execute("SELECT ceiling_price, candidates_published_on, publicity_until FROM tenders").fetchone() == (
        125_000_000.0, dt.date(2026, 9, 14), dt.date(2026, 9, 17))


def test_margin_amount_and_bid_opening_time_of_a_notice_export(tmp_path: Path):
    rows = [["BID_SECTION_CODE", "WIN_CANDIDATE_NAME", "WIN_CANDIDATE_ORDER", "BID_PRICE", "MARGIN_AMOUNT",
             "MARGIN_AMOUNT_UNIT", "BID_OPEN_TIME", "TENDER_MODE"],
            ["S1", "甲公司", "1", "1000000", "2", "1", "20260912100000", "1"]]
    result = map_notices(_csv(tmp_path / "cand.csv", rows))
    (tender,) = result.tables["tenders"]
    assert (tender["bid_bond"], tender["bid_deadline"], tender["procedure"]) == ("2万元", "20260912100000", "1")
    ds = load_dataset(write_import(result, tmp_path / "out"))
    assert ds.con.execute("SELECT bid_bond, bid_deadline, procedure FROM tenders").fetchone() == (
        20_000.0, dt.datetime(2026, 9, 12, 10, 0), "open")


def test_the_loader_does_not_read_an_amount_whose_unit_is_a_code_as_yuan(tmp_path: Path):
    """CONTRACT_RECKON_PRICE=12500 with PRICE_UNIT=1 is 1.25亿: read as 12,500 元 it made a bid bond of 80万 look
    excessive. The loader keeps it as an extra column; the amount the file gives with its unit (投标保证金) is read."""
    tenders = ("BID_SECTION_CODE,BID_SECTION_NAME,CONTRACT_RECKON_PRICE,PRICE_UNIT,投标保证金,合同估算价\n"
               "T1,标段一,12500.000000,1,800000,\n")
    ds = load_dataset(write_dataset(tmp_path / "a", {"tenders": tenders}))
    assert ds.con.execute('SELECT estimate, bid_bond, "CONTRACT_RECKON_PRICE" FROM tenders').fetchone() == (
        None, 800_000.0, "12500.000000")
    # and says so, naming the column and its code column
    said = [n.expected for n in ds.notices if n.column == "estimate"]
    assert len(said) == 1 and "CONTRACT_RECKON_PRICE" in said[0] and "PRICE_UNIT" in said[0]
    # near miss: the contract's own header of the estimate is read as before
    tenders = "BID_SECTION_CODE,标段合同估算价\nT1,125000000\n"
    ds = load_dataset(write_dataset(tmp_path / "b", {"tenders": tenders}))
    assert ds.con.execute("SELECT estimate FROM tenders").fetchone() == (125_000_000.0,)


# --------------------------------------------------------------------------- 2. times and procedure codes


def test_platform_times_and_tender_mode_codes_load(tmp_path: Path):
    tenders = ("BID_SECTION_CODE,TENDER_MODE,BID_DOC_REFER_END_TIME,PUBLICITY_START_TIME,WIN_NOTICE_SEND_TIME\n"
               "T1,1,20260912100000,20260914090000,20260922\n")
    ds = load_dataset(write_dataset(tmp_path, {"tenders": tenders}))
    assert ds.con.execute("SELECT procedure, bid_deadline, candidates_published_on, awarded_on FROM tenders"
                          ).fetchone() == ("open", dt.datetime(2026, 9, 12, 10, 0), dt.date(2026, 9, 14),
                                           dt.date(2026, 9, 22))


def test_a_fourteen_digit_number_that_is_no_time_stays_a_problem(tmp_path: Path):
    # near misses: month 13, hour 25, and TENDER_MODE 9 (其他), which names no procedure of the contract
    tenders = ("BID_SECTION_CODE,TENDER_MODE,BID_DOC_REFER_END_TIME,PUBLICITY_START_TIME\n"
               "T1,9,20260914250000,20261301090000\n")
    problems = problems_of(write_dataset(tmp_path, {"tenders": tenders}))
    assert [p.value for p in find(problems, "tenders", "bid_deadline", 2)] == ["20260914250000"]
    assert [p.value for p in find(problems, "tenders", "candidates_published_on", 2)] == ["20261301090000"]
    assert [p.value for p in find(problems, "tenders", "procedure", 2)] == ["9"]


def test_a_problem_of_the_imported_tables_names_the_input_file_and_row(tmp_path: Path, capsys):
    rows = [["公告标题", "中标候选人", "排名", "投标报价", "公示截止时间"],
            ["某路工程中标候选人公示", "甲公司", "1", "100000", "2026年9月17日"],
            ["某桥工程中标候选人公示", "乙公司", "1", "200000", "2026年13月17日"]]
    out = tmp_path / "out"
    assert main([str(_csv(tmp_path / "notices.csv", rows)), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "notices.csv 第3行/row 3 [publicity_until]" in err and "tenders.csv 第3行" in err
    # near miss: the row of the first tender, whose date is valid, is named by no problem
    assert "notices.csv 第2行" not in err
    with (out / "problems.csv").open(encoding="utf-8-sig") as fh:
        (problem,) = list(csv.DictReader(fh))
    assert (problem["table"], problem["row"], problem["value"]) == ("notices.csv", "3", "2026年13月17日")


# --------------------------------------------------------------------------- 3. 评标报告 and candidate ranks


def test_an_evaluation_report_or_a_candidate_rank_tells_a_candidates_notice(tmp_path: Path):
    rows = [["公告标题", "推荐排名", "中标候选人名称", "投标报价（元）"],
            ["高州排水管线工程监理评标报告", "第一中标候选人", "甲监理有限公司", "2316935.04"],
            ["高州排水管线工程监理评标报告", "第二中标候选人", "乙顾问有限公司", "2486348.80"],
            # a title that says nothing, with a candidate's rank
            ["某站房改造", "第一中标候选人", "丙公司", "100000"],
            # near miss: a title that says nothing, no rank: not guessed though the header says 中标候选人
            ["某某项目", "", "丁公司", "100000"]]
    result = map_notices(_csv(tmp_path / "gaozhou.csv", rows))
    assert [(b["rank"], b["price"]) for b in result.tables["bids"]] == [
        ("1", "2316935.04"), ("2", "2486348.80"), ("1", "100000")]
    assert {t["bid_list"] for t in result.tables["tenders"]} == {"candidates"}
    assert [r for _, r, w in result.log if "无法判断公告类型" in w] == [5]


# --------------------------------------------------------------------------- 4. price and rate columns


def test_a_total_price_column_is_the_price_and_a_percent_header_makes_the_rate_a_per_cent(tmp_path: Path):
    rows = [["公告标题", "中标候选人", "投标总报价（元）", "下浮率（%）", "项目负责人"],
            ["某勘察设计中标候选人公示", "甲设计集团", "3426871.63", "0.03", "何某"]]
    result = map_notices(_csv(tmp_path / "sz.csv", rows))
    (bid,) = result.tables["bids"]
    assert (bid["price"], bid["下浮率"], bid["项目经理"]) == ("3426871.63", "0.03%", "何某")
    assert not any("0.03" in w for w in _notes(result))


def test_a_rate_without_a_price_is_not_blamed_as_a_text_price(tmp_path: Path):
    # near miss: no price column and a bare 0.03 under a 下浮率 header without a unit (a fraction or 0.03 %?)
    rows = [["公告标题", "中标候选人", "下浮率"], ["某勘察设计中标候选人公示", "甲设计集团", "0.03"]]
    result = map_notices(_csv(tmp_path / "sz.csv", rows))
    assert not result.tables["bids"]
    (note,) = [w for w in _notes(result) if "甲设计集团" in w]
    assert "没有报价（下浮率“0.03”）" in note and "报价为文字" not in note


# --------------------------------------------------------------------------- 5. header variants


def test_candidate_code_manager_and_recommended_rank(tmp_path: Path):
    rows = [["公告标题", "中标候选人名称", "候选人代码", "推荐排名", "投标报价", "拟派项目负责人", "序号"],
            ["某监理中标候选人公示", "甲监理公司", VALID_USCC, "1", "1974252.50元", "张某", "1"],
            # near miss: a code that is no valid 统一社会信用代码 (a platform's own number) is not the company's id
            ["某监理中标候选人公示", "乙监理公司", "91440101716359393X", "2", "1963695.00元", "钱某", "2"]]
    result = map_notices(_csv(tmp_path / "gz.csv", rows))
    first, second = result.tables["bids"]
    assert (first["company_id"], first["rank"], first["项目经理"]) == (VALID_USCC, "1", "张某")
    assert second["company_id"].startswith("NC") and second["rank"] == "2"
    notes = _notes(result)
    assert any("候选人代码“91440101716359393X”不是有效的统一社会信用代码" in w for w in notes)
    # the column the importer does not use is named once, on the header's row
    assert [(r, w) for _, r, w in result.log if "未使用的列" in w] == [(1, "未使用的列：序号 / columns not used: 序号")]


def test_an_assessment_separated_notice_with_consortia_and_an_amount_among_rates(tmp_path: Path):
    rows = [["公告标题", "定标候选人名称", "投标下浮率及投标报价"],
            ["某医院勘察设计评标报告", "(主)甲设计院有限公司;(成)乙勘测院有限公司",
             "勘察费下浮率 0.26%，设计费下浮率 0.26%/4214214.48 元"],
            # near misses: a name with two parts but no (主)/(成) tags stays whole, and two amounts are not guessed
            ["某医院勘察设计评标报告", "丙公司;丁公司", "勘察费 100000 元，设计费 300000 元"]]
    result = map_notices(_csv(tmp_path / "sz.csv", rows))
    (bid,) = result.tables["bids"]
    names = {c["company_id"]: c["name"] for c in result.tables["companies"]}
    assert names[bid["company_id"]] == "甲设计院有限公司" and bid["联合体成员"] == "乙勘测院有限公司"
    assert bid["price"] == "4214214.48元" and "唯一的金额" in bid["价格来源"]
    assert "丙公司;丁公司" in names.values()
    assert any("丙公司;丁公司" in w and "报价为文字" in w for w in _notes(result))


# --------------------------------------------------------------------------- 6. a sideways table


def test_a_sideways_table_is_told_to_be_transposed(tmp_path: Path):
    rows = [["评标委员会推荐的评审结果为："],
            ["中标候选人", "第一中标候选人", "第二中标候选人", "第三中标候选人"],
            ["单位名称", "甲建设有限公司", "乙建设集团有限公司", "丙水利水电工程有限公司"],
            ["项目负责人", "刘某", "陈某", "郑某"],
            ["投标报价（元）", "4716885.29", "4491518.11", "4742375.69"]]
    with pytest.raises(NoticesUnreadable, match="横排.*转置"):
        map_notices(_csv(tmp_path / "zq.csv", rows))


def test_a_flat_table_whose_first_column_is_a_rank_is_not_sideways(tmp_path: Path):
    # near miss: the first column's header names a field (排名), its cells are values
    rows = [["排名", "中标候选人", "投标报价", "公告标题"],
            ["1", "甲公司", "100000", "某工程中标候选人公示"],
            ["2", "乙公司", "110000", "某工程中标候选人公示"],
            ["3", "丙公司", "120000", "某工程中标候选人公示"]]
    assert len(map_notices(_csv(tmp_path / "flat.csv", rows)).tables["bids"]) == 3
