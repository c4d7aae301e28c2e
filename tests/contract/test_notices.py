"""Platform notices (中标候选人公示 / 中标结果公告) mapped to the contract tables (issue 12 item 3)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from bidwatch.contract import load_dataset
from bidwatch.contract.notices import (LOG_FILE, NoticesUnreadable, map_notices, stable_id, write_import)

HEADER = ["公告标题", "公告类型", "项目名称", "标段名称", "招标人", "招标代理机构", "最高投标限价（万元）",
          "中标候选人", "统一社会信用代码", "排名", "投标报价（万元）", "下浮率", "公示开始时间", "公示截止时间"]
ROAD = ["某路改造工程施工一标段中标候选人公示", "中标候选人公示", "某路改造工程", "施工一标段", "某区住建局",
        "甲招标代理有限公司", "1000"]
ROAD_RESULT = ["某路改造工程施工一标段中标结果公告", "中标结果公告", "某路改造工程", "施工一标段", "某区住建局",
               "甲招标代理有限公司", "1000"]
ROWS = [
    ["某市公共资源交易中心 公告导出"],  # a title row above the header
    HEADER,
    ROAD + ["甲建设有限公司", "91350100M000100Y43", "第一中标候选人", "950.5", "", "2025年06月13日 18时00分", "2025年6月16日"],
    ROAD + ["乙建设有限公司", "", "第二中标候选人", "960", "", "2025年06月13日 18时00分", "2025年6月16日"],
    ROAD + ["丙建设有限公司", "", "第三中标候选人", "", "下浮率 3%", "2025年06月13日 18时00分", "2025年6月16日"],
    ROAD_RESULT + ["甲建设有限公司", "91350100M000100Y43", "1", "950.5", "", "2025年6月20日", ""],
    # a result notice alone: it names only the winner
    ["某学校食堂改造中标结果公告", "中标结果公告", "某学校食堂改造", "", "某学校", "", "", "丁工程有限公司", "", "",
     "120", "", "2025-06-01", ""],
    # a row whose notice type cannot be told
    ["某某项目", "", "某某项目", "", "", "", "", "戊公司", "", "", "1", "", "", ""],
]


def _csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def _by(rows: list[dict], key: str) -> dict:
    return {r[key]: r for r in rows}


def test_candidates_and_results_become_tenders_with_their_bid_list(tmp_path: Path):
    result = map_notices(_csv(tmp_path / "notices.csv", ROWS))
    tenders = result.tables["tenders"]
    assert len(tenders) == 2
    road, school = tenders
    # both notices of the road tender meet in one tender, with a stable id
    assert road["tender_id"] == stable_id("NT", "某路改造工程", "施工一标段")
    assert road["bid_list"] == "candidates" and school["bid_list"] == "none"
    companies = _by(result.tables["companies"], "name")
    assert road["winner_id"] == "91350100M000100Y43" == companies["甲建设有限公司"]["company_id"]
    assert road["tenderer_id"] == companies["某区住建局"]["company_id"]
    assert road["candidates_published_on"] == "2025年06月13日 18时00分" and road["result_published_on"] == "2025年6月20日"
    assert school["winner_id"] == companies["丁工程有限公司"]["company_id"] and school["award_price"] == "120万元"
    bids = result.tables["bids"]
    assert [(b["bid_id"], b["rank"], b["price"]) for b in bids] == [
        (f"{road['tender_id']}-1", "1", "950.5万元"), (f"{road['tender_id']}-2", "2", "960万元")]
    assert not [b for b in bids if b["tender_id"] == school["tender_id"]]  # no bid is made up
    # what was not imported is said, with its row
    assert [(r, "下浮率" in what or "费率" in what) for _, r, what in result.log] == [(5, True), (8, False)]
    assert "公告类型" in result.log[1][2]


def test_the_import_loads_with_typed_values(tmp_path: Path):
    out = write_import(map_notices(_csv(tmp_path / "notices.csv", ROWS)), tmp_path / "ds")
    ds = load_dataset(out)
    assert ds.row_counts == {"companies": 6, "projects": 2, "tenders": 2, "bids": 2}
    rows = ds.con.execute("SELECT bid_list, ceiling_price, award_price, candidates_published_on, publicity_until "
                          "FROM tenders ORDER BY bid_list").fetchall()
    assert rows == [("candidates", 10_000_000.0, 9_505_000.0, dt.date(2025, 6, 13), dt.date(2025, 6, 16)),
                    ("none", None, 1_200_000.0, None, None)]
    assert ds.con.execute("SELECT price FROM bids ORDER BY rank").fetchall() == [(9_505_000.0,), (9_600_000.0,)]
    with (out / LOG_FILE).open(encoding="utf-8-sig") as fh:
        assert [r["row"] for r in csv.DictReader(fh)] == ["5", "8"]


def test_price_from_rate_is_computed_only_when_asked_and_says_so(tmp_path: Path):
    result = map_notices(_csv(tmp_path / "notices.csv", ROWS), price_from_rate=True)
    third = [b for b in result.tables["bids"] if b["rank"] == "3"]
    assert len(third) == 1
    assert third[0]["price"] == "9700000.00"  # 1000万元 × (1 − 3%)
    assert "下浮率" in third[0]["价格来源"] and third[0]["下浮率"] == "下浮率 3%"
    assert [r for _, r, _ in result.log] == [8]


def test_ids_are_stable_across_imports_and_notice_titles_alone_suffice(tmp_path: Path):
    rows = [["公告标题", "中标候选人", "排名", "投标报价"],
            ["某桥梁工程中标候选人公示", "甲公司", "1", "100"],
            ["某桥梁工程中标结果公告", "甲公司", "1", "100"]]
    a = map_notices(_csv(tmp_path / "a.csv", rows))
    b = map_notices(_csv(tmp_path / "b.csv", [rows[0], rows[2], rows[1]]))  # the other order
    assert [t["tender_id"] for t in a.tables["tenders"]] == [t["tender_id"] for t in b.tables["tenders"]] == [
        stable_id("NT", "某桥梁工程", "")]
    assert a.tables["tenders"][0]["bid_list"] == "candidates" and a.tables["tenders"][0]["winner_id"]


def test_xlsx_export_is_read_too(tmp_path: Path):
    from openpyxl import Workbook

    wb = Workbook()
    for row in ROWS:
        wb.active.append(row)
    wb.save(tmp_path / "notices.xlsx")
    result = map_notices(tmp_path / "notices.xlsx")
    assert [t["bid_list"] for t in result.tables["tenders"]] == ["candidates", "none"]
    assert len(result.tables["bids"]) == 2


def test_an_export_without_a_company_column_is_refused_by_name(tmp_path: Path):
    with pytest.raises(NoticesUnreadable) as info:
        map_notices(_csv(tmp_path / "x.csv", [["公告标题", "项目名称"], ["某公告", "某项目"]]))
    assert "x.csv" in str(info.value) and "中标候选人" in str(info.value)


def test_a_wide_export_with_candidates_side_by_side(tmp_path: Path):
    rows = [["公告标题", "项目名称", "标段名称", "最高投标限价（万元）", "第一中标候选人", "第一中标候选人报价（万元）",
             "第二中标候选人", "第二中标候选人报价（万元）", "第三中标候选人", "第三中标候选人下浮率", "公示开始时间"],
            ["某桥梁工程一标段中标候选人公示", "某桥梁工程", "一标段", "500", "甲公司", "480", "乙公司", "485", "丙公司",
             "2%", "2025年6月1日"],
            ["某桥梁工程二标段中标候选人公示", "某桥梁工程", "二标段", "300", "乙公司", "290", "", "", "", "", "2025年6月2日"]]
    result = map_notices(_csv(tmp_path / "wide.csv", rows), price_from_rate=True)
    assert [t["bid_list"] for t in result.tables["tenders"]] == ["candidates", "candidates"]
    one, two = (t["tender_id"] for t in result.tables["tenders"])
    got = [(b["tender_id"], b["rank"], b["price"]) for b in result.tables["bids"]]
    assert got == [(one, "1", "480万元"), (one, "2", "485万元"), (one, "3", "4900000.00"), (two, "1", "290万元")]
    assert len({b["company_id"] for b in result.tables["bids"]}) == 3  # 乙公司 is one company in both
    ds = load_dataset(write_import(result, tmp_path / "ds"))
    assert ds.con.execute("SELECT sum(price) FROM bids").fetchone() == (4_800_000 + 4_850_000 + 4_900_000 + 2_900_000.0,)


@pytest.mark.parametrize("header, value", [("费率", "3.5%"), ("下浮率", "0.05"), ("下浮率", "费率3%")])
def test_fee_rates_and_ambiguous_rates_never_become_prices(tmp_path: Path, header: str, value: str):
    rows = [["公告标题", "最高投标限价", "中标候选人", "排名", header],
            ["某监理服务中标候选人公示", "1000000", "甲公司", "1", value]]
    result = map_notices(_csv(tmp_path / "n.csv", rows), price_from_rate=True)
    assert result.tables["bids"] == [] and result.tables["tenders"][0]["bid_list"] == "candidates"
    assert [r for _, r, _ in result.log] == [2]


def test_dates_in_an_order_that_cannot_be_are_noticed_with_their_row_and_the_tender_still_loads(tmp_path: Path):
    from bidwatch.contract import load_dataset
    from bidwatch.contract.validate import DATE_ORDER

    from .conftest import write_dataset

    tenders = ("tender_id,title,announced_on,docs_from,docs_until,bid_deadline,candidates_published_on,publicity_until\n"
               "T1,一,2024-07-05,,,2024-05-20 09:30,,\n"                       # deadline 46 days before the notice
               "T2,二,2024-05-01,2024-05-03,2024-05-01,2024-05-30 09:30,,\n"    # sale ends before it starts
               "T3,三,2024-05-01,,,2024-05-30 09:30,2024-06-10,2024-06-08\n"    # publicity ends before it starts
               "T4,四,2024-05-01,2024-05-06,2024-05-11,2024-05-30 09:30,2024-06-10,2024-06-13\n")  # in order
    bids = "bid_id,tender_id,company_id,price\nB1,T1,C1,100\n"
    ds = load_dataset(write_dataset(tmp_path / "d", {"tenders": tenders, "bids": bids}))
    assert ds.row_counts["tenders"] == 4
    notes = [(n.row, n.column, n.value, n.expected) for n in ds.notices if n.table == "tenders"]
    assert notes == [(2, "bid_deadline", "2024-05-20 < 2024-07-05", DATE_ORDER[0][2]),
                     (3, "docs_until", "2024-05-01 < 2024-05-03", DATE_ORDER[1][2]),
                     (4, "publicity_until", "2024-06-08 < 2024-06-10", DATE_ORDER[2][2])]


def test_a_supervision_platforms_candidate_and_result_tables(tmp_path: Path):
    """GGZY's GY_TENDER_CANDIDATE and GY_WIN_RESULT_ANNO under their field codes: no type or title column, the
    company column's header says which notice the rows are (near miss: 投标人 says neither, the rows are refused)."""
    candidates = _csv(tmp_path / "candidates.csv", [
        ["BID_SECTION_CODE", "BID_SECTION_NAME", "WIN_CANDIDATE_NAME", "WIN_CANDIDATE_CODE", "WIN_CANDIDATE_ORDER",
         "BID_PRICE", "PUBLICITY_START_TIME", "PUBLICITY_END_TIME"],
        ["S1", "施工一标段", "甲建设有限公司", "91350100M000100Y43", "1", "9505000", "2025-06-13", "2025-06-16"],
        ["S1", "施工一标段", "乙建设有限公司", "", "2", "9600000", "2025-06-13", "2025-06-16"],
    ])
    got = map_notices(candidates)
    (tender,) = got.tables["tenders"]
    assert tender["tender_id"] == "S1" and tender["bid_list"] == "candidates"
    assert tender["publicity_until"] == "2025-06-16" and not got.log
    assert [(b["rank"], b["price"]) for b in got.tables["bids"]] == [("1", "9505000"), ("2", "9600000")]
    result = _csv(tmp_path / "result.csv", [["BID_SECTION_CODE", "WIN_BIDDER_NAME", "BID_AMOUNT", "WIN_NOTICE_SEND_TIME"],
                                            ["S2", "丙工程有限公司", "1200000", "2025-07-01"]])
    (tender,) = map_notices(result).tables["tenders"]
    assert tender["bid_list"] == "none" and tender["awarded_on"] == "2025-07-01" and tender["award_price"] == "1200000"
    bidders = _csv(tmp_path / "bidders.csv", [["BID_SECTION_CODE", "投标人", "BID_PRICE"], ["S3", "丁公司", "1"]])
    refused = map_notices(bidders)
    assert not refused.tables["tenders"] and "公告类型" in refused.log[0][2]


# --- real exports tried (宜昌 ggzy, 全国公共资源交易平台): session 11 ---------------------------------------------


def test_an_export_of_result_notices_only_loads_with_empty_bids(tmp_path: Path):
    rows = [["公告标题", "标段(包)编号", "标段(包)名称", "招标人", "中标人", "中标价(元)", "公告发布日期"],
            ["某县柑橘灌区工程中标结果公告", "XSA070002-202402-01(2)", "某县柑橘灌区工程", "某县水务有限公司",
             "湖北某某建设工程有限公司", "20797381.58", "2025-03-24"]]
    out = write_import(map_notices(_csv(tmp_path / "r.csv", rows)), tmp_path / "ds")
    ds = load_dataset(out)  # an empty bids table is a header, not a missing one
    assert ds.row_counts["bids"] == 0 and ds.row_counts["tenders"] == 1
    assert ds.con.execute("SELECT bid_list, award_price FROM tenders").fetchall() == [("none", 20797381.58)]


def test_the_winner_and_award_price_columns_beside_the_candidates_ones(tmp_path: Path):
    rows = [["公告标题", "项目名称", "排名", "中标候选人", "投标报价", "中标人", "中标价", "发布日期"],
            ["某道路工程施工中标候选人公示", "某道路工程施工", "1", "甲建设有限公司", "8558961.56", "", "", "2025-06-17"],
            ["某道路工程施工中标候选人公示", "某道路工程施工", "2", "乙路桥有限公司", "8602878.51", "", "", "2025-06-17"],
            ["某道路工程施工中标结果公告", "某道路工程施工", "", "", "", "甲建设有限公司", "8558000.00", "2025-06-24"]]
    result = map_notices(_csv(tmp_path / "r.csv", rows))
    (tender,) = result.tables["tenders"]
    companies = _by(result.tables["companies"], "name")
    assert tender["winner_id"] == companies["甲建设有限公司"]["company_id"] and tender["award_price"] == "8558000.00"
    assert [b["price"] for b in result.tables["bids"]] == ["8558961.56", "8602878.51"]
    assert not result.log


@pytest.mark.parametrize("placeholder", ["未提供", "/", "详见附件", "—"])
def test_a_placeholder_price_is_no_price_and_the_rest_imports(tmp_path: Path, placeholder: str):
    rows = [["公告标题", "中标候选人", "排名", "投标报价"],
            ["某桥梁工程中标候选人公示", "甲公司", "1", "1,000,000.00"],
            ["某桥梁工程中标候选人公示", "乙公司", "2", placeholder]]
    result = map_notices(_csv(tmp_path / "r.csv", rows))
    assert [b["price"] for b in result.tables["bids"]] == ["1,000,000.00"]
    assert [(r, "不是金额" in what) for _, r, what in result.log] == [(3, True)]
    load_dataset(write_import(result, tmp_path / "ds"))  # the dataset is valid


def test_a_discount_rate_is_the_share_paid_and_a_fee_sentence_is_no_rate(tmp_path: Path):
    rows = [["公告标题", "中标候选人", "排名", "最高投标限价", "折扣率"],
            ["某设计项目中标候选人公示", "甲设计院", "1", "1000000", "76%"]]
    result = map_notices(_csv(tmp_path / "r.csv", rows), price_from_rate=True)
    assert [b["price"] for b in result.tables["bids"]] == ["760000.00"]  # 76 % of the ceiling, not 24 %
    assert "折扣率" in result.tables["bids"][0]["价格来源"]
    # a 下浮率 of the same figure is the share taken off (near miss of the rule)
    rows[0][4] = "下浮率"
    assert [b["price"] for b in map_notices(_csv(tmp_path / "d.csv", rows), price_from_rate=True
                                            ).tables["bids"]] == ["240000.00"]
    fee = [["公告标题", "中标候选人", "排名", "最高投标限价", "投标报价"],
           ["某设计项目中标候选人公示", "甲设计院", "1", "1000000",
            "按《工程勘察设计收费管理规定》（计价格[2002]10号）收费标准的50%计取"]]
    result = map_notices(_csv(tmp_path / "f.csv", fee), price_from_rate=True)
    assert not result.tables["bids"] and "报价为文字" in result.log[0][2]


def test_a_title_row_giving_the_unit_makes_bare_amounts_wan(tmp_path: Path):
    rows = [["宜昌市公共资源交易中心 中标候选人公示汇总表"], ["金额单位：万元"],
            ["公告标题", "中标候选人", "排名", "投标报价"],
            ["某给水管网工程设计项目中标候选人公示", "甲国际工程有限公司", "1", "58.90"],
            ["某给水管网工程设计项目中标候选人公示", "乙设计研究有限责任公司", "2", "590000元"]]
    out = write_import(map_notices(_csv(tmp_path / "r.csv", rows)), tmp_path / "ds")
    assert load_dataset(out).con.execute("SELECT price FROM bids ORDER BY rank").fetchall() == [(589000.0,),
                                                                                                (590000.0,)]
    with (out / LOG_FILE).open(encoding="utf-8-sig") as fh:
        assert [(r["row"], "万元" in r["what"]) for r in csv.DictReader(fh)] == [("2", True)]
    # near miss: without the title row the same 58.90 is yuan
    plain = map_notices(_csv(tmp_path / "p.csv", rows[2:]))
    assert plain.tables["bids"][0]["price"] == "58.90"


def test_rows_are_numbered_by_their_first_line_after_a_cell_with_line_breaks(tmp_path: Path):
    rows = [["公告标题", "中标候选人", "排名", "投标报价", "中标范围"],
            ["某工程中标候选人公示", "甲公司", "1", "下浮率 3%", "土建\n安装\n市政"],
            ["某工程中标候选人公示", "乙公司", "2", "下浮率 4%", ""]]
    result = map_notices(_csv(tmp_path / "r.csv", rows))
    # the second record starts on line 5 of the file (line 1: the header, whose unused 中标范围 is named)
    assert [r for _, r, _ in result.log] == [1, 2, 5]


def test_bracket_variants_are_one_company_and_a_paragraph_is_no_name(tmp_path: Path):
    rows = [["公告标题", "中标候选人", "排名", "投标报价"],
            ["甲工程中标候选人公示", "某某（中国）建设有限公司", "1", "100"],
            ["乙工程中标候选人公示", "某某(中国)建设有限公司", "1", "200"],
            ["丙工程中标候选人公示", "评标委员会按照招标文件规定的评标办法" * 6, "1", "300"]]
    result = map_notices(_csv(tmp_path / "r.csv", rows))
    assert len(result.tables["companies"]) == 1 and len(result.tables["bids"]) == 2
    assert [(r, "说明文字" in what) for _, r, what in result.log] == [(4, True)]


def test_a_publicity_period_in_one_cell_gives_its_start_and_end(tmp_path: Path):
    rows = [["公告标题", "中标候选人", "排名", "投标报价", "公示期"],
            ["某工程中标候选人公示", "甲公司", "1", "100", "2025年6月13日至2025年6月16日"],
            ["乙工程中标候选人公示", "乙公司", "1", "100", "2025-06-13 ~ 2025-06-16"],
            ["丙工程中标候选人公示", "丙公司", "1", "100", "三个工作日"]]
    result = map_notices(_csv(tmp_path / "r.csv", rows))
    got = [(t.get("candidates_published_on"), t.get("publicity_until")) for t in result.tables["tenders"]]
    assert got == [("2025年6月13日", "2025年6月16日"), ("2025-06-13", "2025-06-16"), (None, None)]
    assert [(r, "公示期" in what) for _, r, what in result.log] == [(4, True)]  # a period that is no two dates


def test_a_notice_without_the_section_code_takes_the_one_its_tenders_other_notice_gives(tmp_path: Path):
    # 宜昌: the candidates notice omits the 标段编号 that the result notice of the same tender gives
    rows = [["公告标题", "标段(包)编号", "项目名称", "标段(包)名称", "排名", "中标候选人", "中标人", "投标报价", "中标价(元)"],
            ["某小区室外配套工程施工中标候选人公示", "", "某小区室外配套工程施工", "", "1", "甲公司", "", "1799255.53", ""],
            ["某小区室外配套工程施工中标候选人公示", "", "某小区室外配套工程施工", "", "2", "乙公司", "", "1809900.75", ""],
            ["某小区室外配套工程施工中标结果公告", "YDA010005-202501-01", "", "某小区室外配套工程施工", "", "", "甲公司", "",
             "1799255.53"]]
    result = map_notices(_csv(tmp_path / "r.csv", rows))
    (tender,) = result.tables["tenders"]
    assert tender["tender_id"] == "YDA010005-202501-01" and tender["bid_list"] == "candidates" and tender["winner_id"]
    assert [r for _, r, what in result.log if "另一份公告" in what] == [2, 3]
    # near miss: a project of two sections, each with its code: a notice naming only the project is matched to neither
    two = [["公告标题", "标段编号", "项目名称", "标段名称", "中标候选人", "投标报价"],
           ["某路一标段中标结果公告", "S1", "某路", "一标段", "甲公司", "100"],
           ["某路二标段中标结果公告", "S2", "某路", "二标段", "乙公司", "100"],
           ["某路中标候选人公示", "", "某路", "", "丙公司", "100"]]
    ids = sorted(t["tender_id"] for t in map_notices(_csv(tmp_path / "t.csv", two)).tables["tenders"])
    assert ids[1:] == ["S1", "S2"] and ids[0].startswith("NT")


def test_totals_and_signature_rows_of_a_workbook_are_said_as_such(tmp_path: Path):
    rows = [["公告标题", "中标候选人", "排名", "投标报价"],
            ["某桥梁工程中标候选人公示", "甲公司", "1", "100"],
            ["合计", "", "", "100"],
            ["制表人：张三", "", "", ""]]
    result = map_notices(_csv(tmp_path / "r.csv", rows))
    assert len(result.tables["bids"]) == 1
    assert [(r, "totals" in what or "合计" in what, "signature" in what or "签" in what) for _, r, what in result.log
            ] == [(3, True, False), (4, False, True)]


@pytest.mark.parametrize("wan", [False, True])
def test_the_notices_amount_is_the_loaders_own_reading(wan: bool):
    # one money grammar: the exact amount the notices import computes with is what the loader reads from the cell
    from decimal import Decimal

    import duckdb

    from bidwatch.contract.values import layered_select, money_decimal, money_parts, trimmed

    cells = ["1,234.50", "123.45万元", "¥ 98,000", "人民币28.38万元", "28.38万元 人民币", "１２３４元", "60\n万元",
             "1.5e3", "-2", "1234元", "0.9", "rmb1000", "未提供", "/", "详见附件", "万元", "", "5%",
             "9.955 万元（人民币）", "￥:99，550.00元", "（人民币）", ":"]
    con = duckdb.connect()
    con.execute("CREATE TABLE c AS SELECT * FROM (VALUES " + ", ".join(f"({i}, ?)" for i in range(len(cells)))
                + ") t(i, v)", cells)
    source = f"SELECT i, {trimmed('v')} AS __t FROM c"
    loader = dict(con.execute(layered_select(money_parts("__t", wan), source, "i")).fetchall())
    for i, text in enumerate(cells):
        exact = money_decimal(text, wan)
        if loader[i] is None:
            assert exact is None, text
        else:
            assert exact is not None and float(exact) == loader[i], (text, exact, loader[i])
    assert money_decimal("123.45万元") == Decimal("1234500") and money_decimal("58.9", True) == Decimal("589000")
    assert money_decimal("1234元", True) == Decimal("1234")  # 元 said beside the figure overrides the header's 万元


def test_a_wide_result_notice_keeps_its_winner_and_award_price(tmp_path: Path):
    # 重庆's 拟中标结果公示表: the three candidates side by side, and the winner's and the award's own columns
    rows = [["公告标题", "项目名称", "招标人", "第一中标候选人", "第二中标候选人", "第三中标候选人", "中标人", "中标金额(万元)"],
            ["珞璜工业园道路路灯工程施工中标结果公告", "珞璜工业园道路路灯工程施工", "某开发建设有限公司", "黄石建设有限公司",
             "金傲建筑工程有限公司", "中林国际建设有限公司", "黄石建设有限公司", "221.533 "]]
    result = map_notices(_csv(tmp_path / "w.csv", rows))
    (tender,) = result.tables["tenders"]
    assert tender["award_price"] == "221.533万元"
    assert tender["winner_id"] == stable_id("NC", "黄石建设有限公司")
    # near miss: the same notice without the candidates' columns reads the same
    narrow = map_notices(_csv(tmp_path / "n.csv", [[r[i] for i in (0, 1, 2, 6, 7)] for r in rows]))
    assert narrow.tables["tenders"][0]["award_price"] == "221.533万元"


def test_lots_of_one_notice_are_tenders_of_their_own(tmp_path: Path):
    rows = [["公告标题", "公告类型", "项目名称", "包号", "招标人", "中标供应商", "成交金额（元）"],
            ["某采购结果公告", "结果公告", "某实训系统", "1包", "某学院", "", ""],
            ["某采购结果公告", "结果公告", "某实训系统", "2包", "某学院", "四川长虹智能制造技术有限公司", "￥1,283,000.00"],
            ["某采购结果公告", "结果公告", "某实训系统", "3包", "某学院", "某某科技有限公司", "￥500,000.00"]]
    result = map_notices(_csv(tmp_path / "lots.csv", rows))
    tenders = _by(result.tables["tenders"], "title")
    assert sorted(tenders) == ["某实训系统 1包", "某实训系统 2包", "某实训系统 3包"]
    assert tenders["某实训系统 3包"]["winner_id"] == stable_id("NC", "某某科技有限公司")
    assert tenders["某实训系统 3包"]["award_price"] == "￥500,000.00"
    assert not any("不一致" in what for _, _, what in result.log)


@pytest.mark.parametrize("kind, expected", [("中标", "result"), ("成交", "result"), ("中标（成交）", "result"),
                                            ("招标", None), ("合同", None)])
def test_a_bare_notice_type_of_a_result(tmp_path: Path, kind: str, expected):
    rows = [["公告标题", "公告类型", "招标人", "中标人", "中标金额"],
            ["梅州市人民医院手术行为管理系统建设项目", kind, "梅州市人民医院", "杭州盈网科技有限公司", "2491000"]]
    result = map_notices(_csv(tmp_path / "k.csv", rows))
    winners = [t.get("winner_id") for t in result.tables["tenders"]]
    if expected == "result":
        assert winners == [stable_id("NC", "杭州盈网科技有限公司")]
    else:  # 招标 and 合同 notices are neither candidates nor a result: logged, not guessed
        assert winners == [] and any("无法判断公告类型" in what for _, _, what in result.log)


@pytest.mark.parametrize("period", ["2014年7月18日-2014年7月23日", "2014年7月18日－2014年7月23日",
                                    "2014年7月18日——2014年7月23日", "2014年7月18日 - 2014年7月23日"])
def test_a_publicity_period_with_a_hyphen_between_chinese_dates(tmp_path: Path, period: str):
    rows = [["公告标题", "项目名称", "中标候选人", "排名", "投标报价", "公示期"],
            ["某道路工程中标候选人公示", "某道路工程", "甲建设有限公司", "1", "1000000", period]]
    (tender,) = map_notices(_csv(tmp_path / "p.csv", rows)).tables["tenders"]
    assert (tender["candidates_published_on"], tender["publicity_until"]) == ("2014年7月18日", "2014年7月23日")


def test_an_iso_period_is_not_split_at_its_hyphens(tmp_path: Path):
    # near miss: 2017-01-09-2017-01-11 is ambiguous at every hyphen: not split, logged
    rows = [["公告标题", "项目名称", "中标候选人", "排名", "投标报价", "公示期"],
            ["某道路工程中标候选人公示", "某道路工程", "甲建设有限公司", "1", "1000000", "2017-01-09-2017-01-11"]]
    result = map_notices(_csv(tmp_path / "p.csv", rows))
    assert result.tables["tenders"][0].get("publicity_until") is None
    assert any("公示期" in what for _, _, what in result.log)


def test_a_result_notices_publicity_end_is_logged_not_used(tmp_path: Path):
    rows = [["公告标题", "项目名称", "招标人", "中标人", "中标金额", "公示期"],
            ["某道路工程中标结果公告", "某道路工程", "某某建设单位", "甲建设有限公司", "1000000", "2017年1月9日至2017年1月11日"]]
    result = map_notices(_csv(tmp_path / "r.csv", rows))
    assert result.tables["tenders"][0].get("publicity_until") is None
    assert any("结果公告的公示截止日期" in what for _, _, what in result.log)


def test_one_award_published_by_the_tenderer_and_by_its_agency_is_one_tender(tmp_path: Path):
    # 剑鱼: the same result twice, once as "关于…" and once as "<agency>公司关于…"; a platform code after a title
    rows = [["公告标题", "公告类型", "招标人", "中标人", "中标金额"],
            ["关于绍兴市中心医院手术行为管理系统项目中标(成交)结果公告", "成交", "绍兴市中心医院", "医惠科技有限公司", "950000"],
            ["浙江中兴工程项目管理有限公司关于绍兴市中心医院手术行为管理系统项目中标(成交)结果公告", "中标", "绍兴市中心医院",
             "医惠科技有限公司", "950000"],
            ["松阳县人民医院改扩建项目-医疗专项净化工程中标结果公告[A3311011160016130001001]", "中标", "松阳县人民医院",
             "某净化工程有限公司", "1200000"],
            ["淮滨县人民医院保洁服务项目-中标公告", "中标", "淮滨县人民医院", "某物业公司", "4728247"]]
    result = map_notices(_csv(tmp_path / "j.csv", rows))
    titles = sorted(t["title"] for t in result.tables["tenders"])
    assert titles == ["松阳县人民医院改扩建项目-医疗专项净化工程", "淮滨县人民医院保洁服务项目", "绍兴市中心医院手术行为管理系统项目"]
    # near miss: two different projects of one agency stay two tenders
    rows[2][0] = "浙江中兴工程项目管理有限公司关于绍兴市人民医院手术行为管理系统项目中标(成交)结果公告"
    result = map_notices(_csv(tmp_path / "k.csv", rows))
    assert len(result.tables["tenders"]) == 4


# --------------------------------------------------------------------------- a bid-opening record (开标记录)

OPENING_HEADER = ["项目名称", "标段名称", "序号", "投标人名称", "投标报价（元）", "工期（日历天）", "项目经理"]
OPENING_ROWS = [["某县道路改造工程", "一标段", "1", "甲建设（集团）有限公司", "1,234,500.00", "180", "张三"],
                ["某县道路改造工程", "一标段", "2", "乙建设有限公司", "1,240,000.00", "180", "李四"],
                ["某县道路改造工程", "一标段", "3", "丙建设有限公司", "1,251,000.00", "170", "王五"]]


def test_a_bid_opening_record_is_the_whole_bid_list(tmp_path: Path):
    # a 开标记录 names every bidder and price read out at the opening (招标投标法 第36条): it was refused row by row
    # ("notice type unknown"), and the loader refuses it for its missing 投标编号/企业编号
    result = map_notices(_csv(tmp_path / "开标记录.csv", [OPENING_HEADER, *OPENING_ROWS]))
    (tender,) = result.tables["tenders"]
    assert tender["bid_list"] == "all" and tender["title"] == "某县道路改造工程 一标段"
    bids = result.tables["bids"]
    assert [(b["price"], b["rank"], b["项目经理"]) for b in bids] == [
        ("1,234,500.00", None, "张三"), ("1,240,000.00", None, "李四"), ("1,251,000.00", None, "王五")]
    write_import(result, tmp_path / "out")
    ds = load_dataset(tmp_path / "out")
    assert ds.con.execute("SELECT bid_list, count(*) FROM tenders GROUP BY 1").fetchall() == [("all", 1)]
    assert sorted(p for (p,) in ds.con.execute("SELECT price FROM bids").fetchall()) == [1234500.0, 1240000.0, 1251000.0]


def test_an_opening_record_named_by_its_title_row_gives_its_tender(tmp_path: Path):
    rows = [["某县道路改造工程一标段开标记录表"], ["投标人名称", "投标报价（元）"]] + [r[3:5] for r in OPENING_ROWS]
    result = map_notices(_csv(tmp_path / "export.csv", rows))
    (tender,) = result.tables["tenders"]
    assert tender["bid_list"] == "all" and tender["title"] == "某县道路改造工程一标段"
    assert len(result.tables["bids"]) == 3


def test_bidders_and_prices_alone_are_no_opening_record(tmp_path: Path):
    # near miss: 投标人名称 and 投标报价 in a file that says nothing of an opening: not guessed to be the whole list
    result = map_notices(_csv(tmp_path / "投标人.csv", [OPENING_HEADER, *OPENING_ROWS]))
    assert result.tables["tenders"] == [] and result.tables["bids"] == []
    assert all("开标记录" in what for _, r, what in result.log if r and r > 1)


def test_the_candidates_of_a_tender_whose_opening_record_is_given_are_its_bids(tmp_path: Path):
    header = ["公告类型", "项目名称", "标段名称", "投标人名称", "排名", "投标报价（元）"]
    rows = [header] + [["开标记录", *r[:2], r[3], "", r[4]] for r in OPENING_ROWS] + [
        ["中标候选人公示", "某县道路改造工程", "一标段", "乙建设有限公司", "第一中标候选人", "1,240,000.00"],
        ["中标候选人公示", "某县道路改造工程", "一标段", "甲建设（集团）有限公司", "第二中标候选人", "1,234,500.00"]]
    result = map_notices(_csv(tmp_path / "notices.csv", rows))
    (tender,) = result.tables["tenders"]
    assert tender["bid_list"] == "all"
    names = {c["company_id"]: c["name"] for c in result.tables["companies"]}
    assert sorted((names[b["company_id"]], b["rank"]) for b in result.tables["bids"]) == [
        ("丙建设有限公司", None), ("乙建设有限公司", "1"), ("甲建设（集团）有限公司", "2")]


def test_a_workbook_with_a_sheet_per_section_is_read_sheet_by_sheet(tmp_path: Path):
    # a 开标记录 workbook with a sheet per 标段: only the first sheet was read and the others left out without a word
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "一标段"
    for row in [["某县道路改造工程一标段开标记录表"], ["投标人名称", "投标报价（元）"], ["甲建设有限公司", "1234500"],
                ["乙建设有限公司", "1240000"]]:
        wb.active.append(row)
    second = wb.create_sheet("二标段")
    for row in [["某县道路改造工程二标段开标记录表"], ["投标人名称", "投标报价（元）"], ["乙建设有限公司", "2234500"],
                ["丙建设有限公司", "2240000"]]:
        second.append(row)
    notes = wb.create_sheet("说明")  # near miss: a sheet that names no bidder is said not to be imported
    notes.append(["本表由交易中心导出，仅供参考"])
    wb.create_sheet("空白")  # and an empty one is nothing at all
    wb.save(tmp_path / "开标.xlsx")
    result = map_notices(tmp_path / "开标.xlsx")
    tenders = {t["title"]: t for t in result.tables["tenders"]}
    assert set(tenders) == {"某县道路改造工程一标段", "某县道路改造工程二标段"}
    assert {t["bid_list"] for t in tenders.values()} == {"all"}
    assert len(result.tables["bids"]) == 4 and len(result.tables["companies"]) == 3  # 乙 once, in both tenders
    sheets = {f for f, _, what in result.log if "未导入" in what}
    assert sheets == {"开标.xlsx［说明］"}
    # a problem of the imported dataset names the sheet and its row
    write_import(result, tmp_path / "out")
    from bidwatch.contract.notices import input_place
    from bidwatch.contract.problems import Problem
    second_bid = next(i for i, b in enumerate(result.tables["bids"], start=2) if b["price"] == "2240000")
    placed = input_place(result, Problem("bids", second_bid, "price", "2240000", "x"))
    assert (placed.table, placed.row) == ("开标.xlsx［二标段］", 4)


def test_an_opening_record_with_a_bidder_left_out_is_no_whole_list(tmp_path: Path):
    # a bidder of the record whose price is no amount is not imported as a bid: counting the rest as the whole list
    # would say "only 2 bidders" of a tender that had 3
    rows = [OPENING_HEADER, *OPENING_ROWS[:2], [*OPENING_ROWS[2][:4], "详见附件", *OPENING_ROWS[2][5:]]]
    result = map_notices(_csv(tmp_path / "开标记录.csv", rows))
    (tender,) = result.tables["tenders"]
    assert tender["bid_list"] == "none" and len(result.tables["bids"]) == 2
    assert any("投标名单不完整" in what for _, _, what in result.log)
    # near miss: a bidder read out twice is no bidder missing
    result = map_notices(_csv(tmp_path / "开标记录2.csv",
                              [OPENING_HEADER, *OPENING_ROWS, OPENING_ROWS[0]]))
    assert result.tables["tenders"][0]["bid_list"] == "all"


def test_the_one_filled_sheet_is_read_wherever_it_stands(tmp_path: Path):
    # an export whose first sheet is empty (a cover sheet cleared): the filled one is the notices
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "封面"
    data = wb.create_sheet("开标记录")
    for row in [OPENING_HEADER, *OPENING_ROWS]:
        data.append(row)
    wb.save(tmp_path / "export.xlsx")
    result = map_notices(tmp_path / "export.xlsx")
    assert len(result.tables["bids"]) == 3 and result.tables["tenders"][0]["bid_list"] == "all"
