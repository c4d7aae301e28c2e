"""``bidwatch notices``: what it writes where (--out), a re-tendered opening record, a bidder read out with two prices,
and an export that imports nothing (QA defects 1-3). Each test plants the case and its near miss."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bidwatch.contract import load_dataset
from bidwatch.contract.notices import (KIND_UNKNOWN, LOG_FILE, NO_TENDER, main, map_notices, stable_id,
                                      write_import)

from .conftest import write_workbook

HEADER = ["公告类型", "项目名称", "标段名称", "最高投标限价（元）", "开标时间", "投标人", "投标报价（元）"]
FIRST = "2024-03-10 09:30"
SECOND = "2024-05-20 09:30"
RETENDER = [HEADER,
            ["开标记录", "学校操场改造工程", "", "1200000", FIRST, "湖南宏达建设有限公司", "1180000"],
            ["开标记录", "学校操场改造工程", "", "1200000", FIRST, "益阳市鑫源建筑工程有限公司", "1190000"],
            ["开标记录", "学校操场改造工程", "", "1200000", SECOND, "湖南华建路桥有限公司", "1150000"],
            ["开标记录", "学校操场改造工程", "", "1200000", SECOND, "长沙远景市政工程有限公司", "1160000"],
            ["开标记录", "学校操场改造工程", "", "1200000", SECOND, "湖南宏达建设有限公司", "1170000"]]
KEY = stable_id("NT", "学校操场改造工程", "")


def _csv(path: Path, rows: list[list[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def _run(capsys: pytest.CaptureFixture[str], source: Path, out: Path) -> tuple[int, str]:
    code = main([str(source), "--out", str(out)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _chinese_first(text: str, zh: str, en: str) -> bool:
    return zh in text and en in text and text.index(zh) < text.index(en)


# --------------------------------------------------------------------------- 1. --out


def test_the_inputs_own_folder_is_refused_and_the_input_kept(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    source = _csv(tmp_path / "inp" / "bids.csv", RETENDER)
    before = _files(tmp_path / "inp")
    code, said = _run(capsys, source, tmp_path / "inp")
    assert code == 2 and _files(tmp_path / "inp") == before  # the clerk's bids.csv is not replaced, nothing added
    assert _chinese_first(said, "输入文件", "the folder of the input file") and "Traceback" not in said
    # near miss: a new folder inside the input's folder is no overwrite
    code, _said = _run(capsys, source, tmp_path / "inp" / "ds")
    assert code == 0 and (tmp_path / "inp" / "bids.csv").read_bytes() == before["bids.csv"]
    assert (tmp_path / "inp" / "ds" / "tenders.csv").is_file()


def test_a_folder_holding_a_dataset_is_refused_and_an_earlier_import_is_replaced(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    source = _csv(tmp_path / "n2.csv", RETENDER)
    dataset = tmp_path / "d"
    dataset.mkdir()
    (dataset / "companies.csv").write_text("company_id,name\nC1,甲公司\n", encoding="utf-8")
    (dataset / "tenders.csv").write_text("tender_id,title\nT1,某工程\n", encoding="utf-8")
    (dataset / "bids.csv").write_text("bid_id,tender_id,company_id,price\nB1,T1,C1,100\n", encoding="utf-8")
    before = _files(dataset)
    code, said = _run(capsys, source, dataset)
    assert code == 2 and _files(dataset) == before
    assert _chinese_first(said, "已有数据文件", "holds data files") and "tenders.csv" in said
    # an import_log.csv that is not an import's log does not make the folder an earlier import
    (dataset / LOG_FILE).write_text("备注\n手工整理\n", encoding="utf-8")
    assert _run(capsys, source, dataset)[0] == 2 and (dataset / "tenders.csv").read_bytes() == before["tenders.csv"]
    # near miss: the folder of an earlier import (its import_log.csv) is replaced, with a word on screen
    earlier = tmp_path / "earlier"
    assert _run(capsys, _csv(tmp_path / "one.csv", RETENDER[:3]), earlier)[0] == 0
    assert len(load_dataset(earlier).con.execute("SELECT * FROM bids").fetchall()) == 2
    code, said = _run(capsys, source, earlier)
    assert code == 0 and "替换此前导入的数据集" in said
    assert load_dataset(earlier).row_counts["bids"] == 5
    # near miss: a folder of other files (no data table) takes the import
    other = tmp_path / "notes"
    other.mkdir()
    (other / "说明.md").write_text("x", encoding="utf-8")
    assert _run(capsys, source, other)[0] == 0


def test_an_out_that_is_a_file_is_refused_without_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    source = _csv(tmp_path / "n2.csv", RETENDER)
    (tmp_path / "outfile").write_bytes(b"")
    for out in (tmp_path / "outfile", tmp_path / "outfile" / "sub"):
        code, said = _run(capsys, source, out)
        assert code == 2 and _chinese_first(said, "是文件，不是文件夹", "is a file, not a folder")
        assert "Traceback" not in said
    assert (tmp_path / "outfile").read_bytes() == b""
    # near miss: a new nested folder is made
    assert _run(capsys, source, tmp_path / "a" / "b" / "c")[0] == 0
    assert (tmp_path / "a" / "b" / "c" / LOG_FILE).is_file()


# --------------------------------------------------------------------------- 2. a re-tender; a bidder with two prices


def test_an_opening_record_opened_on_two_dates_is_two_tenders_each_with_its_whole_bid_list(tmp_path: Path):
    result = map_notices(_csv(tmp_path / "n2.csv", RETENDER))
    tenders = {t["tender_id"]: t for t in result.tables["tenders"]}
    assert list(tenders) == [KEY, f"{KEY}-20240520"]  # the first keeps the key's id, the re-tender adds its date
    assert [t["bid_list"] for t in tenders.values()] == ["all", "all"]
    assert [t["bid_deadline"] for t in tenders.values()] == [FIRST, SECOND]
    prices = {tid: sorted(b["price"] for b in result.tables["bids"] if b["tender_id"] == tid) for tid in tenders}
    assert prices == {KEY: ["1180000", "1190000"], f"{KEY}-20240520": ["1150000", "1160000", "1170000"]}
    assert any("重新招标" in what for _, _, what in result.log)
    assert not any("不一致" in what or "重复" in what for _, _, what in result.log)
    # the ids stay on a re-import, whatever the rows' order
    again = map_notices(_csv(tmp_path / "again.csv", [HEADER, *reversed(RETENDER[1:])]))
    assert sorted(t["tender_id"] for t in again.tables["tenders"]) == sorted(tenders)
    assert sorted(b["bid_id"] for b in again.tables["bids"]) == sorted(b["bid_id"] for b in result.tables["bids"])
    loaded = load_dataset(write_import(result, tmp_path / "ds"))
    assert loaded.row_counts["tenders"] == 2 and loaded.row_counts["bids"] == 5
    # near miss: one opening date (two times written on the same day are one opening, their difference logged)
    same_day = [HEADER, *RETENDER[1:3], [*RETENDER[3][:4], "2024-03-10 9:30", *RETENDER[3][5:]]]
    once = map_notices(_csv(tmp_path / "once.csv", same_day))
    assert [(t["tender_id"], t["bid_list"]) for t in once.tables["tenders"]] == [(KEY, "all")]
    assert len(once.tables["bids"]) == 3


def test_a_notice_of_a_re_tendered_tender_joins_the_latest_opening_before_its_date(tmp_path: Path):
    header = [*HEADER, "排名", "公示开始时间"]
    rows = [header, *([*r, "", ""] for r in RETENDER[1:]),
            ["中标候选人公示", "学校操场改造工程", "", "", "", "湖南华建路桥有限公司", "1150000", "第一中标候选人", "2024年5月22日"],
            ["中标结果公告", "学校操场改造工程", "", "", "", "湖南华建路桥有限公司", "1150000", "", "2024-06-01"]]
    result = map_notices(_csv(tmp_path / "n.csv", rows))
    tenders = {t["tender_id"]: t for t in result.tables["tenders"]}
    second = tenders[f"{KEY}-20240520"]
    assert second["winner_id"] == stable_id("NC", "湖南华建路桥有限公司") and second["candidates_published_on"]
    assert not tenders[KEY].get("winner_id")
    ranked = [b for b in result.tables["bids"] if b["rank"]]
    assert [(b["tender_id"], b["rank"], b["price"]) for b in ranked] == [(f"{KEY}-20240520", "1", "1150000")]
    assert second["bid_list"] == "all" and len(result.tables["bids"]) == 5  # the candidate is a bid read out
    assert sum("归入其前最近一次开标" in what for _, _, what in result.log) == 2
    # near miss: a notice with no date, or dated before every opening, is not guessed: not imported, said
    undated = [*rows[:6], [*rows[6][:8], ""], [*rows[7][:8], "2024-01-05"]]
    result = map_notices(_csv(tmp_path / "u.csv", undated))
    assert not any(t.get("winner_id") or t.get("candidates_published_on") for t in result.tables["tenders"])
    assert [r for _, r, what in result.log if "无法判断属于哪一次开标" in what] == [7, 8]
    assert result.rows_not_imported == {("u.csv", 7), ("u.csv", 8)}
    # and a row of the opening record without its opening time could be of either: no list is whole
    blind = [*RETENDER, ["开标记录", "学校操场改造工程", "", "1200000", "", "某某建设有限公司", "1140000"]]
    result = map_notices(_csv(tmp_path / "b.csv", blind))
    assert [t["bid_list"] for t in result.tables["tenders"]] == ["none", "none"] and len(result.tables["bids"]) == 5


def test_a_bidder_read_out_twice_with_two_prices_is_no_bid_and_no_whole_list(tmp_path: Path):
    rows = [HEADER, *RETENDER[1:3],
            ["开标记录", "学校操场改造工程", "", "1200000", FIRST, "湖南宏达建设（集团）有限公司", "1175000"],
            ["开标记录", "学校操场改造工程", "", "1200000", FIRST, "湖南宏达建设(集团)有限公司", "1170000"]]
    result = map_notices(_csv(tmp_path / "c.csv", rows))
    (tender,) = result.tables["tenders"]
    assert tender["bid_list"] == "none"
    names = {c["company_id"]: c["name"] for c in result.tables["companies"]}
    assert sorted(names[b["company_id"]] for b in result.tables["bids"]) == ["湖南宏达建设有限公司", "益阳市鑫源建筑工程有限公司"]
    (conflict,) = [(r, what) for _, r, what in result.log if "报价不一致" in what]
    assert conflict[0] == 5 and "第4行“1175000”" in conflict[1] and "第5行“1170000”" in conflict[1]
    assert result.bidders_not_imported == {("c.csv", 4), ("c.csv", 5)}
    # near miss: the same price written twice (another spelling) is a harmless repeated row
    rows[4][6] = "1,175,000.00"
    result = map_notices(_csv(tmp_path / "d.csv", rows))
    assert result.tables["tenders"][0]["bid_list"] == "all" and len(result.tables["bids"]) == 3
    assert [r for _, r, what in result.log if "重复的候选人行" in what] == [5]
    assert not result.bidders_not_imported


def _book(path: Path, sheets: dict[str, list[list[str]]]) -> Path:
    return write_workbook(sheets, path)


def test_a_re_tender_on_a_sheet_of_its_own_is_a_tender_of_its_own(tmp_path: Path):
    header = ["项目名称", "开标时间", "投标人名称", "投标报价（元）"]
    first = [["学校操场改造工程", "2024-03-10", "甲建设有限公司", "1180000"],
             ["学校操场改造工程", "2024-03-10", "乙建设有限公司", "1190000"]]
    again = [["学校操场改造工程", "2024-05-20", "甲建设有限公司", "1170000"],
             ["学校操场改造工程", "2024-05-20", "丙建设有限公司", "1150000"],
             ["学校操场改造工程", "2024-05-20", "丁建设有限公司", "1160000"]]
    result = map_notices(_book(tmp_path / "开标记录.xlsx", {"首次开标": [header, *first], "重新招标": [header, *again]}))
    lists = {t["tender_id"]: (t["bid_list"], sorted(b["price"] for b in result.tables["bids"]
                                                    if b["tender_id"] == t["tender_id"]))
             for t in result.tables["tenders"]}
    assert lists == {KEY: ("all", ["1180000", "1190000"]),
                     f"{KEY}-20240520": ("all", ["1150000", "1160000", "1170000"])}
    assert not any("前一个工作表" in what for _, _, what in result.log)
    # near miss: the same opening continued on a second sheet (第2页) is one tender with one list
    pages = map_notices(_book(tmp_path / "开标记录2.xlsx", {"第1页": [header, *first],
                                                           "第2页": [header, *(r[:1] + ["2024-03-10"] + r[2:]
                                                                               for r in again[1:])]}))
    assert [(t["tender_id"], t["bid_list"]) for t in pages.tables["tenders"]] == [(KEY, "all")]
    assert len(pages.tables["bids"]) == 4


def test_a_bidder_with_two_prices_on_two_sheets_is_no_bid_either(tmp_path: Path):
    header = ["项目名称", "投标人名称", "投标报价（元）"]
    one = [header, ["学校操场改造工程", "甲建设有限公司", "1180000"], ["学校操场改造工程", "乙建设有限公司", "1190000"]]
    two = [header, ["学校操场改造工程", "甲建设有限公司", "1170000"], ["学校操场改造工程", "丙建设有限公司", "1150000"]]
    result = map_notices(_book(tmp_path / "开标记录.xlsx", {"第1页": one, "第2页": two}))
    (tender,) = result.tables["tenders"]
    assert tender["bid_list"] == "none" and sorted(b["price"] for b in result.tables["bids"]) == ["1150000", "1190000"]
    assert [(f, r) for f, r, what in result.log if "不一致" in what] == [("开标记录.xlsx［第2页］", 2)]
    # near miss: the same price on both sheets is the bid imported once, the list whole
    two[1][2] = "1180000"
    result = map_notices(_book(tmp_path / "开标记录2.xlsx", {"第1页": one, "第2页": two}))
    assert result.tables["tenders"][0]["bid_list"] == "all" and len(result.tables["bids"]) == 3


# --------------------------------------------------------------------------- 3. an export that imports nothing


def test_an_export_that_imports_nothing_exits_2_with_its_reasons_and_a_hint(tmp_path: Path,
                                                                            capsys: pytest.CaptureFixture[str]):
    rows = [["项目名称", "标段名称", "投标人", "投标报价(元)", "开标时间"],
            *(["学校操场改造工程", "", f"第{i}建设有限公司", str(1_000_000 + i), "2024-03-10"] for i in range(1, 8))]
    source = _csv(tmp_path / "2024年3月投标报价汇总.csv", rows)
    code, said = _run(capsys, source, tmp_path / "out")
    assert code == 2 and not (tmp_path / "out").exists()
    assert "数据集有效" not in said and _chinese_first(said, "未导入任何标段", "no tender imported")
    assert f"7 行（第 2、3、4、5、6… 行） / 7 row(s) (row 2, 3, 4, 5, 6…): {KIND_UNKNOWN}" in said
    assert "公告类型" in said and "写“开标记录”" in said  # what would make it readable
    # near miss: the same rows in a file whose name says 开标记录 import
    named = _csv(tmp_path / "2024年3月开标记录.csv", rows)
    code, said = _run(capsys, named, tmp_path / "out2")
    assert code == 0 and "数据集有效" in said and "未导入" not in said


def test_rows_naming_only_a_section_give_no_tender_and_say_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    rows = [["公告类型", "标段名称", "投标人", "投标报价（元）"],
            ["开标记录", "一标段", "甲建设有限公司", "100000"], ["开标记录", "一标段", "乙建设有限公司", "110000"]]
    code, said = _run(capsys, _csv(tmp_path / "s.csv", rows), tmp_path / "out")
    assert code == 2 and not (tmp_path / "out").exists()
    assert f"2 行（第 2、3 行） / 2 row(s) (row 2, 3): {NO_TENDER}" in said and "项目名称" in said.split(NO_TENDER)[1]
    # near miss: with the project named the rows are one tender
    rows = [[*rows[0], "项目名称"], *([*r, "某学校围墙工程"] for r in rows[1:])]
    assert _run(capsys, _csv(tmp_path / "p.csv", rows), tmp_path / "out")[0] == 0


def test_rows_left_out_of_a_partial_import_are_counted_on_screen(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    rows = [*RETENDER[:3], ["", "某项目", "", "", "", "某公司", "1"],
            ["开标记录", "学校操场改造工程", "", "1200000", FIRST, "丙建设有限公司", "详见附件"]]
    code, said = _run(capsys, _csv(tmp_path / "p.csv", rows), tmp_path / "out")
    assert code == 0
    assert _chinese_first(said, "有 1 行未导入，1 行的单位未作为投标或中标人导入", "1 row(s) not imported")
    assert str(tmp_path / "out" / LOG_FILE) in said
    # near miss: a clean import says nothing of rows left out
    code, said = _run(capsys, _csv(tmp_path / "clean.csv", RETENDER), tmp_path / "clean")
    assert code == 0 and "未导入" not in said
