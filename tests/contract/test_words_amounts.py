"""Amounts in words (大写金额) beside or instead of the figure: read exactly, and where both are given and differ, the
amount in words stands (《评标委员会和评标方法暂行规定》第十九条). Each with a near miss."""

from __future__ import annotations

from pathlib import Path

import pytest

from bidwatch.contract import load_dataset
from bidwatch.contract.words import WORDS_DIFFER, WORDS_ONLY, WORDS_UNREAD, figure_header, words_amount

from .conftest import problems_of, write_dataset
from .test_clerk import _merged_price_book


@pytest.mark.parametrize(("text", "yuan"), [
    ("壹佰贰拾叁万肆仟伍佰元整", 1234500.0),
    ("人民币伍拾万零叁佰元伍角", 500300.5),
    ("人民币：壹仟零伍元整", 1005.0),
    ("拾万元整", 100000.0),                       # 拾 opens an amount: 壹拾 understood
    ("壹亿贰仟万零叁仟元", 120003000.0),
    ("壹仟贰佰叁拾肆元伍角陆分", 1234.56),
    ("叁元零伍分", 3.05),
    ("玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分", 99999999.99),
    ("一百二十三万元", 1230000.0),                 # lower-case numerals, as a clerk types them
    ("贰佰壹拾万伍仟圆正", 2105000.0),             # 圆 and 正, the older forms
])
def test_an_amount_in_words_is_read_exactly(text: str, yuan: float):
    assert words_amount(text) == yuan


@pytest.mark.parametrize("text", ["壹贰元", "佰元", "拾伍", "壹万万元", "伍佰仟元", "1234元", "见附件", "", None])
def test_what_is_no_amount_in_words_is_not_read(text: str | None):
    # near misses: two digits without a unit, a unit without its digit, no 元, 万 twice, units out of order, figures
    assert words_amount(text) is None


def test_the_header_of_an_amount_in_words_names_its_figure():
    assert [figure_header(h) for h in ("投标报价（大写）", "投标报价(大写)", "投标报价·大写", "投标报价")] == \
        ["投标报价", "投标报价", "投标报价", None]


def _bids(rows: str, header: str = "投标编号,标段编号,企业编号,投标报价（大写）,投标报价（小写）") -> dict[str, str]:
    return {"companies": "company_id,name\nC1,甲\nC2,乙\n", "tenders": "tender_id,name\nT1,一标段\n",
            "bids": header + "\n" + rows}


def test_where_the_words_and_the_figure_differ_the_words_stand_with_a_notice(tmp_path: Path):
    folder = write_dataset(tmp_path / "ds", _bids(
        "B1,T1,C1,壹佰贰拾叁万肆仟伍佰元整,1243500\n"     # a slip in the figure: 1,243,500 for 1,234,500
        "B2,T1,C2,壹佰贰拾叁万元整,1230000\n"             # near miss: they agree, nothing said
        "B3,T1,C1,一百二十三万元,\n"                      # the figure empty: the words are read
        "B4,T1,C2,见附件,1000000\n"))                    # words that are no amount: the figure stands, unchecked
    ds = load_dataset(folder)
    prices = dict(ds.con.execute("SELECT bid_id, price FROM bids").fetchall())
    assert prices == {"B1": 1234500.0, "B2": 1230000.0, "B3": 1230000.0, "B4": 1000000.0}
    # (the price column's notices: C1 and C2 bidding twice in T1 is noticed on company_id, a rule of its own)
    said = [(n.row, n.column, n.value, n.expected) for n in ds.notices if n.table == "bids" and n.column == "price"]
    assert said == [(2, "price", "1,243,500.00 ≠ 壹佰贰拾叁万肆仟伍佰元整（1,234,500.00）", WORDS_DIFFER),
                    (4, "price", "一百二十三万元", WORDS_ONLY), (5, "price", "见附件", WORDS_UNREAD)]
    # the words are kept beside, as written
    assert "投标报价（大写）" in ds.con.execute("SELECT * FROM bids").df().columns


def test_words_alone_are_read_as_the_column_and_a_cell_that_is_no_amount_is_a_problem(tmp_path: Path):
    folder = write_dataset(tmp_path / "ds", _bids("B1,T1,C1,壹佰贰拾叁万肆仟伍佰元整\nB2,T1,C2,80000\n",
                                                 header="投标编号,标段编号,企业编号,投标报价（大写）"))
    ds = load_dataset(folder)
    assert dict(ds.con.execute("SELECT bid_id, price FROM bids").fetchall()) == {"B1": 1234500.0, "B2": 80000.0}
    # near miss: words that are no amount are refused, naming the cell
    bad = write_dataset(tmp_path / "bad", _bids("B1,T1,C1,壹佰贰拾叁万肆仟伍佰\n", header="投标编号,标段编号,企业编号,投标报价（大写）"))
    assert [(p.table, p.row, p.column, p.value) for p in problems_of(bad)] == [("bids", 2, "price", "壹佰贰拾叁万肆仟伍佰")]


def test_a_workbook_with_the_price_over_words_and_figure_checks_them(tmp_path: Path):
    path = _merged_price_book(tmp_path / "d.xlsx", ["大写", "小写（元）"], ["叁佰伍拾壹万贰仟叁佰肆拾伍元陆角柒分", 3521345.67])
    ds = load_dataset(path)
    assert ds.con.execute("SELECT price FROM bids").fetchone()[0] == 3512345.67
    assert [n.expected for n in ds.notices if n.expected == WORDS_DIFFER] == [WORDS_DIFFER]


def test_words_and_figure_in_one_cell_are_read_by_the_words_and_a_difference_noted(tmp_path: Path):
    # as a 中标公告 writes a price: words with the figure in brackets, or the figure with the words in brackets
    folder = write_dataset(tmp_path / "ds", _bids(
        'B1,T1,C1,"人民币壹佰贰拾叁万肆仟伍佰元整（¥1,234,500.00）"\n'
        'B2,T1,C2,"¥1,243,500.00（大写：壹佰贰拾叁万肆仟伍佰元整）"\n',
        header="投标编号,标段编号,企业编号,投标报价"))
    ds = load_dataset(folder)
    assert dict(ds.con.execute("SELECT bid_id, price FROM bids").fetchall()) == {"B1": 1234500.0, "B2": 1234500.0}
    # B1's agree (near miss: nothing said); B2's figure has a slip, the words stand and the cell is noted
    noted = [(n.row, n.expected.split(" / ")[0]) for n in ds.notices if "大写" in n.expected]
    assert noted == [(3, "本格大写金额与小写金额不一致（1,243,500.00 ≠ 1,234,500.00），以大写金额为准（《评标委员会和评标方法暂行规定》第十九条）")]
    # words beside something that is no figure are no amount
    bad = write_dataset(tmp_path / "bad", _bids("B1,T1,C1,壹佰万元整（见附件）\n", header="投标编号,标段编号,企业编号,投标报价"))
    assert [(p.row, p.value) for p in problems_of(bad)] == [(2, "壹佰万元整（见附件）")]


def test_a_tax_qualifier_or_a_bracketed_unit_after_an_amount_is_read(tmp_path: Path):
    from bidwatch.contract.values import money_like

    folder = write_dataset(tmp_path / "ds", _bids(
        'B1,T1,C1,"1,234,500.00元（含税）"\nB2,T1,C2,1234500.00（元）\nB3,T1,C1,123.45（万元）\n',
        header="投标编号,标段编号,企业编号,投标报价"))
    assert dict(load_dataset(folder).con.execute("SELECT bid_id, price FROM bids").fetchall()) == {
        "B1": 1234500.0, "B2": 1234500.0, "B3": 1234500.0}
    assert money_like("1,234,500.00元（含税）") and money_like("1234500.00（元）")  # the notices importer's twin agrees
    # near miss: a number in brackets is an accountant's negative, not a unit: still refused
    bad = write_dataset(tmp_path / "bad", _bids('B1,T1,C1,"(1,234.00)"\n', header="投标编号,标段编号,企业编号,投标报价"))
    assert [(p.row, p.value) for p in problems_of(bad)] == [(2, "(1,234.00)")] and not money_like("(1,234.00)")


def test_a_figure_copied_with_its_label_or_an_inclusive_note_is_read(tmp_path: Path):
    folder = write_dataset(tmp_path / "ds", {
        "companies": "company_id,name\nC1,甲\n",
        "tenders": "tender_id,name,ceiling_price,award_price\n"
                   "T1,一标段,最高投标限价：150万元,中标价：1234500元\n"
                   "T2,二标段,150万元（含暂列金额10万元）,\"1,234,500.00（其中安全文明施工费3万元）\"\n",
        "bids": "bid_id,tender_id,company_id,price\nB1,T1,C1,1234500\n"})
    rows = load_dataset(folder).con.execute("SELECT ceiling_price, award_price FROM tenders ORDER BY tender_id")
    assert rows.fetchall() == [(1500000.0, 1234500.0), (1500000.0, 1234500.0)]
    # near misses: a label that names no figure, and an approximate amount, are no amounts
    bad = write_dataset(tmp_path / "bad", {
        "companies": "company_id,name\nC1,甲\n",
        "tenders": "tender_id,name,ceiling_price\nT1,一标段,暂定：150万元\nT2,二标段,约150万元\n",
        "bids": "bid_id,tender_id,company_id,price\nB1,T1,C1,1234500\n"})
    assert [(p.row, p.value) for p in problems_of(bad)] == [(2, "暂定：150万元"), (3, "约150万元")]
