"""Realistic platform exports a QA run found breaking ``bidwatch notices``: UTF-16 and damaged files, a month's exports
in several files, one tender titled in several ways, wide layouts that lost prices, amounts in words, 政府采购 headers,
two names under one 统一社会信用代码, and a tender's title when a 标段编号 is given. Each with a planted case and a near
miss."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bidwatch.contract import load_dataset
from bidwatch.contract.notices import NoticesUnreadable, _two_row_header, main, map_notices, write_import

from .conftest import VALID_USCC


def _csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def _notes(result) -> list[str]:
    return [what for _, _, what in result.log]


def _log(out: Path) -> list[dict[str, str]]:
    with (out / "import_log.csv").open(encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


CAND = [["公告标题", "公告类型", "项目名称", "标段编号", "标段名称", "中标候选人", "排名", "投标报价（元）"],
        ["某中学综合楼工程施工中标候选人公示", "中标候选人公示", "某中学综合楼工程", "JS-01", "施工", "甲建设集团有限公司", "1",
         "33250000"],
        ["某中学综合楼工程施工中标候选人公示", "中标候选人公示", "某中学综合楼工程", "JS-01", "施工", "乙建筑工程有限公司", "2",
         "33480000"]]
RESULT = [["公告标题", "公告类型", "项目名称", "标段编号", "标段名称", "中标人", "中标价（万元）"],
          ["某中学综合楼工程施工中标结果公告", "中标结果公告", "某中学综合楼工程", "JS-01", "施工", "甲建设集团有限公司", "3325"],
          ["某水库除险加固工程中标结果公告", "中标结果公告", "某水库除险加固工程", "SL-01", "一标段", "乙建筑工程有限公司", "1288.66"]]


# --------------------------------------------------------------------------- 1. UTF-16 and damaged workbooks


def test_a_utf16_export_is_read_and_a_damaged_workbook_is_a_clear_message(tmp_path: Path, capsys):
    # Excel's "Unicode 文本": UTF-16 with its BOM, tab-separated
    u16 = tmp_path / "u16.txt"
    u16.write_text("\n".join("\t".join(r) for r in CAND) + "\n", encoding="utf-16")
    assert main([str(u16), "--out", str(tmp_path / "a")]) == 0
    assert len(load_dataset(tmp_path / "a").con.execute("SELECT * FROM bids").fetchall()) == 2
    # a comma-separated UTF-16 file too
    _csv(tmp_path / "c16" / "u16.csv", CAND, encoding="utf-16")
    assert len(map_notices(tmp_path / "c16" / "u16.csv").tables["bids"]) == 2
    # a README renamed .xlsx, and a zip that holds no workbook: said, exit 2, nothing written
    renamed = tmp_path / "r.xlsx"
    renamed.write_text("# bidwatch\n", encoding="utf-8")
    assert main([str(renamed), "--out", str(tmp_path / "b")]) == 2
    err = capsys.readouterr().err
    assert "r.xlsx" in err and "不是 .xlsx" in err and "Traceback" not in err and not (tmp_path / "b").exists()
    import zipfile

    with zipfile.ZipFile(tmp_path / "z.xlsx", "w") as z:
        z.writestr("a.txt", "hi")
    with pytest.raises(NoticesUnreadable, match="z.xlsx: 文件内容不是 .xlsx"):
        map_notices(tmp_path / "z.xlsx")
    # near miss: bytes that are no text in any encoding the loader reads are said so, not a traceback
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\xff\xfe\x00\xd8")
    assert main([str(bad), "--out", str(tmp_path / "c")]) == 2
    assert "编码" in capsys.readouterr().err


# --------------------------------------------------------------------------- 2. several files and folders


def test_several_files_are_merged_each_row_named_by_its_file(tmp_path: Path):
    cand, result = _csv(tmp_path / "in" / "cand.csv", CAND), _csv(tmp_path / "in" / "result.csv", RESULT)
    out = tmp_path / "ds"
    assert main([str(cand), str(result), "--out", str(out)]) == 0
    ds = load_dataset(out)
    assert ds.con.execute("SELECT tender_id, bid_list, award_price FROM tenders ORDER BY tender_id").fetchall() == [
        ("JS-01", "candidates", 33_250_000.0), ("SL-01", "none", 12_886_600.0)]
    # a folder: every .csv/.xlsx/.xls/.txt inside, sorted; the same tenders as the two files
    (tmp_path / "in" / "说明.md").write_text("not read", encoding="utf-8")
    assert main([str(tmp_path / "in"), "--out", str(tmp_path / "ds2")]) == 0
    assert (tmp_path / "ds2" / "tenders.csv").read_bytes() == (out / "tenders.csv").read_bytes()


def test_a_file_of_several_that_cannot_be_read_is_logged_and_the_guard_holds_for_each(tmp_path: Path, capsys):
    cand = _csv(tmp_path / "a" / "cand.csv", [CAND[0] + ["工期"]] + [r + ["365"] for r in CAND[1:]])
    broken = tmp_path / "b" / "r.xlsx"
    broken.parent.mkdir()
    broken.write_text("no workbook", encoding="utf-8")
    lock = tmp_path / "a" / "~$cand.xlsx"
    lock.write_bytes(b"lock")
    out = tmp_path / "ds"
    assert main([str(tmp_path / "a"), str(broken), "--out", str(out)]) == 0
    log = _log(out)
    assert any(r["file"] == "r.xlsx" and "该文件未导入" in r["what"] for r in log)
    assert any(r["file"] == "~$cand.xlsx" and "临时文件" in r["what"] for r in log)
    assert any(r["file"] == "cand.csv" and r["row"] == "1" for r in log)  # the file and row of the header
    # near miss: --out is the folder of the second input: refused, nothing written
    assert main([str(cand), str(broken), "--out", str(tmp_path / "b")]) == 2
    assert "r.xlsx" in capsys.readouterr().err and not (tmp_path / "b" / "tenders.csv").exists()
    # a folder with nothing to read, and a path that is not there
    (tmp_path / "empty").mkdir()
    assert main([str(tmp_path / "empty"), "--out", str(tmp_path / "x")]) == 2
    assert main([str(tmp_path / "nope.csv"), "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert "没有 .csv" in err and "找不到文件" in err


def test_a_notice_without_its_tender_id_takes_it_from_another_file(tmp_path: Path):
    cand = [["公告标题", "中标候选人", "排名", "投标报价"],
            ["某中学综合楼工程施工中标候选人公示", "甲建设集团有限公司", "1", "33250000"]]
    result = [["公告标题", "标段编号", "中标人", "中标价"],
              ["某中学综合楼工程施工中标结果公告", "JS-01", "甲建设集团有限公司", "33250000"],
              ["某水库工程中标结果公告", "SL-01", "乙建筑工程有限公司", "1000000"]]
    merged = map_notices([_csv(tmp_path / "c.csv", cand), _csv(tmp_path / "r.csv", result)])
    assert sorted(t["tender_id"] for t in merged.tables["tenders"]) == ["JS-01", "SL-01"]
    assert [b["bid_id"] for b in merged.tables["bids"]] == ["JS-01-1"]
    assert any(f == "c.csv" and "标段编号取自" in w for f, _r, w in merged.log)


# --------------------------------------------------------------------------- 3. one tender, many titles


def test_one_tender_titled_in_several_ways_is_one_tender(tmp_path: Path):
    titles = ["某县滨江路提升改造工程施工（二标段）中标候选人公示", "某县滨江路提升改造工程施工(二标段)中标公告",
              "某县滨江路提升改造工程施工二标段中标候选人公示", "某县滨江路提升改造工程施工（第二标段）中标结果公告",
              "某县滨江路提升改造工程（施工二标段）中标结果公告", "某县滨江路提升改造工程施工第2标段中标公示"]
    rows = [["公告标题", "中标候选人", "排名", "投标报价（万元）"]] + [[t, "甲建设集团有限公司", "1", "880.1"] for t in titles]
    # near misses: 一标段 of the same project, and another project's 二标段
    rows += [["某县滨江路提升改造工程施工（一标段）中标候选人公示", "乙建筑工程有限公司", "1", "700"],
             ["某县滨河路提升改造工程施工（二标段）中标候选人公示", "丙路桥有限公司", "1", "600"]]
    result = map_notices(_csv(tmp_path / "t.csv", rows))
    assert len(result.tables["tenders"]) == 3
    by_title = {t["title"]: t for t in result.tables["tenders"]}
    assert set(by_title) == {"某县滨江路提升改造工程施工（二标段）", "某县滨江路提升改造工程施工（一标段）",
                             "某县滨河路提升改造工程施工（二标段）"}
    assert by_title["某县滨江路提升改造工程施工（二标段）"]["result_notice"] == titles[1]


# --------------------------------------------------------------------------- 4. wide layouts


def test_a_price_header_repeated_after_each_candidate_is_that_candidates(tmp_path: Path):
    rows = [["公告标题", "第一中标候选人", "投标报价（元）", "第二中标候选人", "投标报价（元）", "第三中标候选人", "投标报价（元）"],
            ["某县第三中学食堂改造工程中标候选人公示", "甲建设集团有限公司", "2,350,000.00", "乙建筑工程有限公司", "2,360,000.00",
             "丙路桥有限公司", "2,380,000.00"]]
    result = map_notices(_csv(tmp_path / "dup.csv", rows))
    assert [(b["rank"], b["price"]) for b in result.tables["bids"]] == [
        ("1", "2,350,000.00"), ("2", "2,360,000.00"), ("3", "2,380,000.00")]
    assert any("重复 3 次" in n for n in _notes(result))
    # near miss: one 投标报价 after the last candidate, the others with their own columns: not repeated, not moved
    rows = [["公告标题", "第一中标候选人", "第一中标候选人报价", "第二中标候选人", "第二中标候选人报价", "投标报价"],
            ["某工程中标候选人公示", "甲建设集团有限公司", "100", "乙建筑工程有限公司", "200", "300"]]
    result = map_notices(_csv(tmp_path / "one.csv", rows))
    assert [(b["rank"], b["price"]) for b in result.tables["bids"]] == [("1", "100"), ("2", "200")]
    assert not any("重复" in n for n in _notes(result))


def _two_row_book(path: Path, lower: list[str | None]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["公告标题", "发布日期", "第一中标候选人", None, None, "第二中标候选人", None, None])
    ws.append([None, None, *lower, *lower])
    ws.append(["某县第六中学围墙改造工程中标候选人公示", "2025-09-01", "甲建设集团有限公司", 235, "张三", "乙建筑工程有限公司",
               236, "李四"])
    for cells in ("C1:E1", "F1:H1", "A1:A2", "B1:B2"):
        ws.merge_cells(cells)
    wb.save(path)
    return path


def test_a_two_row_header_of_a_workbook_is_read_as_one(tmp_path: Path):
    result = map_notices(_two_row_book(tmp_path / "m.xlsx", ["单位名称", "投标报价（万元）", "项目经理"]))
    assert [(b["rank"], b["price"], b["项目经理"]) for b in result.tables["bids"]] == [
        ("1", "235万元", "张三"), ("2", "236万元", "李四")]
    assert [c["name"] for c in result.tables["companies"]] == ["甲建设集团有限公司", "乙建筑工程有限公司"]
    assert any("表头为两行" in n for n in _notes(result))
    ds = load_dataset(write_import(result, tmp_path / "out"))
    assert ds.con.execute("SELECT price FROM bids ORDER BY rank").fetchall() == [(2_350_000.0,), (2_360_000.0,)]
    # near misses: a one-row wide header over its data; candidate cells each named in full (none merged across)
    rows = [["公告标题", "第一中标候选人", "第一中标候选人报价", "第二中标候选人", "第二中标候选人报价"],
            ["某工程中标候选人公示", "甲建设集团有限公司", "100", "乙建筑工程有限公司", "200"]]
    flat = map_notices(_csv(tmp_path / "x.csv", rows))
    assert [b["price"] for b in flat.tables["bids"]] == ["100", "200"]
    assert not any("表头为两行" in n for n in _notes(flat))
    assert _two_row_header(["第一中标候选人", "第一中标候选人报价", "第二中标候选人"], ["单位名称", "投标报价", "单位名称"]) is None


def test_a_name_and_its_price_in_one_cell_are_split(tmp_path: Path):
    rows = [["公告标题", "第一中标候选人", "第二中标候选人", "第三中标候选人"],
            ["某县第四中学围墙改造工程中标候选人公示", "甲建设集团有限公司（投标报价：235.00万元）",
             "乙建筑工程有限公司(报价:2,360,000元)", "某某（中国）建设有限公司"]]
    result = map_notices(_csv(tmp_path / "cell.csv", rows))
    names = {c["company_id"]: c["name"] for c in result.tables["companies"]}
    assert [(names[b["company_id"]], b["price"]) for b in result.tables["bids"]] == [
        ("甲建设集团有限公司", "235.00万元"), ("乙建筑工程有限公司", "2,360,000元")]
    # near miss: a bracket that holds no labelled amount is part of the name (and that candidate has no price)
    assert "某某（中国）建设有限公司" in names.values()
    assert sum("同一单元格" in n for n in _notes(result)) == 2


# --------------------------------------------------------------------------- 5. amounts in words


def test_amounts_in_words_are_read_and_a_figure_that_disagrees_is_not(tmp_path: Path):
    rows = [["公告标题", "中标候选人", "排名", "投标报价（元）"],
            ["某县A工程中标候选人公示", "甲建设集团有限公司", "1", "壹佰贰拾万元整"],
            ["某县A工程中标候选人公示", "乙建筑工程有限公司", "2", "人民币壹佰贰拾伍万元整（¥1,250,000.00）"],
            # near miss: words and figure disagree: neither is taken
            ["某县A工程中标候选人公示", "丙路桥有限公司", "3", "人民币壹佰贰拾万元整（¥1,300,000.00）"]]
    result = map_notices(_csv(tmp_path / "w.csv", rows))
    assert [(b["rank"], b["price"]) for b in result.tables["bids"]] == [("1", "1200000.00"), ("2", "1250000.00")]
    (clash,) = [(r, w) for _f, r, w in result.log if "不一致" in w]
    assert clash[0] == 4 and "1,300,000.00 ≠ 1,200,000.00" in clash[1]
    ds = load_dataset(write_import(result, tmp_path / "out"))
    assert ds.con.execute("SELECT price FROM bids ORDER BY rank").fetchall() == [(1_200_000.0,), (1_250_000.0,)]
    # a result notice's award price in words, and one whose figure disagrees
    rows = [["公告标题", "中标人", "中标金额"],
            ["某县B工程中标结果公告", "甲建设集团有限公司", "人民币壹佰万元整（¥1,000,000.00）"],
            ["某县C工程中标结果公告", "乙建筑工程有限公司", "人民币壹佰万元整（¥1,100,000.00）"]]
    tenders = {t["title"]: t for t in map_notices(_csv(tmp_path / "r.csv", rows)).tables["tenders"]}
    assert tenders["某县B工程"]["award_price"] == "1000000.00" and tenders["某县C工程"].get("award_price") is None


# --------------------------------------------------------------------------- 6. headers and titles


def test_purchasing_headers_and_a_bare_award_title(tmp_path: Path):
    rows = [["公告标题", "采购人", "中标候选人", "中标候选人排序", "投标报价"],
            ["某县政府采购项目中标候选人公示", "某县教育局", "甲建设集团有限公司", "2", "100000"]]
    result = map_notices(_csv(tmp_path / "p.csv", rows))
    (bid,) = result.tables["bids"]
    assert bid["rank"] == "2"
    (tender,) = result.tables["tenders"]
    tenderer = {c["company_id"]: c["name"] for c in result.tables["companies"]}[tender["tenderer_id"]]
    assert tenderer == "某县教育局"
    # 中标公示 with a 中标单位 column: the result
    rows = [["公告标题", "中标单位", "中标金额"], ["某县文化站装修工程中标公示", "甲建设集团有限公司", "500000"]]
    (tender,) = map_notices(_csv(tmp_path / "r.csv", rows)).tables["tenders"]
    assert (tender["title"], tender["bid_list"], tender["award_price"]) == ("某县文化站装修工程", "none", "500000")
    # near miss: 中标公示 with a 中标候选人 column and ranks is the candidates notice
    rows = [["公告标题", "中标候选人", "排名", "投标报价"], ["某县文化站装修工程中标公示", "甲建设集团有限公司", "1", "500000"]]
    (tender,) = map_notices(_csv(tmp_path / "c.csv", rows)).tables["tenders"]
    assert tender["bid_list"] == "candidates"


# --------------------------------------------------------------------------- 7. one code, two names


def test_two_names_under_one_credit_code_are_not_merged(tmp_path: Path):
    rows = [["公告标题", "中标候选人", "统一社会信用代码", "排名", "投标报价（万元）"],
            ["某县图书馆改造工程中标候选人公示", "甲建设集团有限公司", VALID_USCC, "1", "235"],
            ["某县图书馆改造工程中标候选人公示", "乙建筑工程有限公司", "", "2", "236"],
            ["某县图书馆改造工程中标候选人公示", "丙路桥有限公司", VALID_USCC, "3", "238"],
            # near miss: the same name under the same code again (another tender) is the same company, said nothing
            ["某县文化馆改造工程中标候选人公示", "甲建设集团有限公司", VALID_USCC, "1", "100"]]
    result = map_notices(_csv(tmp_path / "c.csv", rows))
    names = {c["company_id"]: c for c in result.tables["companies"]}
    by_rank = {(b["tender_id"], b["rank"]): names[b["company_id"]] for b in result.tables["bids"]}
    assert sorted(c["name"] for c in names.values()) == ["丙路桥有限公司", "乙建筑工程有限公司", "甲建设集团有限公司"]
    bids = result.tables["bids"]
    assert names[bids[0]["company_id"]]["uscc"] == VALID_USCC and names[bids[2]["company_id"]]["name"] == "丙路桥有限公司"
    assert names[bids[2]["company_id"]]["uscc"] is None and len(by_rank) == 4
    (said,) = [(r, w) for _f, r, w in result.log if "统一社会信用代码" in w]
    assert said[0] == 4 and "丙路桥有限公司" in said[1] and "甲建设集团有限公司" in said[1]
    load_dataset(write_import(result, tmp_path / "out"))


def test_two_names_under_one_code_in_two_files_are_not_merged(tmp_path: Path):
    a = _csv(tmp_path / "a.csv", [["公告标题", "中标候选人", "统一社会信用代码", "排名", "投标报价"],
                                  ["某县A工程中标候选人公示", "甲建设集团有限公司", VALID_USCC, "1", "100"]])
    b = _csv(tmp_path / "b.csv", [["公告标题", "中标人", "统一社会信用代码", "中标价"],
                                  ["某县B工程中标结果公告", "丙路桥有限公司", VALID_USCC, "200"]])
    result = map_notices([a, b])
    names = {c["company_id"]: c["name"] for c in result.tables["companies"]}
    winner = {t["title"]: t.get("winner_id") for t in result.tables["tenders"]}["某县B工程"]
    assert names[winner] == "丙路桥有限公司" and names[VALID_USCC] == "甲建设集团有限公司"
    assert any(f == "b.csv" and "a.csv 第2行" in w for f, _r, w in result.log)


# --------------------------------------------------------------------------- 8. the title beside a 标段编号


def test_a_tender_with_its_tender_id_is_titled_by_project_and_section(tmp_path: Path):
    rows = [["项目名称", "标段编号", "标段名称", "中标候选人", "排名", "投标报价", "公告类型"],
            ["某市第一中学综合楼建设工程", "JS-01", "施工", "甲建设集团有限公司", "1", "100", "中标候选人公示"],
            ["某县水库除险加固工程", "SL-01", "一标段", "乙建筑工程有限公司", "1", "200", "中标候选人公示"],
            # near miss: a 标段编号 with no names at all is still its own title
            ["", "QT-09", "", "丙路桥有限公司", "1", "300", "中标候选人公示"]]
    titles = [t["title"] for t in map_notices(_csv(tmp_path / "t.csv", rows)).tables["tenders"]]
    assert titles == ["某市第一中学综合楼建设工程 施工", "某县水库除险加固工程 一标段", "QT-09"]


# --------------------------------------------------------------------------- 10. a web page named .xls (session 18)

PAGE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<style>td {{ mso-number-format:"\\@"; }}</style><script>var x = "<td>not a cell</td>";</script></head><body>
<table><tr><td>某市公共资源交易中心 导出</td></tr></table>
<table border=1>
<tr><th rowspan=2>公告标题</th><th rowspan=2>公告类型</th><th colspan=2>第一中标候选人</th><th colspan=2>第二中标候选人</th></tr>
<tr><th>单位名称</th><th>投标报价（万元）</th><th>单位名称</th><th>投标报价（万元）</th></tr>
{rows}
</table></body></html>"""


def test_a_web_page_saved_as_xls_is_read_as_its_table(tmp_path: Path):
    rows = "\n".join(
        f"<tr><td>{t}</td><td>中标候选人公示<td>甲建设&amp;集团<br>有限公司</td><td>{p}</td><td>乙建筑工程有限公司</td><td>{q}</td>"
        for t, p, q in (("某道路工程一标段中标候选人公示", "235.00", "236.50"),
                        ("某道路工程二标段中标候选人公示", "1,288.66", "1,290.00")))
    page = tmp_path / "导出.xls"
    page.write_bytes(PAGE.format(rows=rows).encode("gb18030"))
    assert main([str(page), "--out", str(tmp_path / "out")]) == 0
    bids = load_dataset(tmp_path / "out").con.execute(
        "SELECT t.title, c.name, b.price FROM bids b JOIN tenders t USING (tender_id) JOIN companies c USING (company_id)"
        " ORDER BY 1, 3").fetchall()
    # the two-row header of merged cells (rowspan, colspan), the unclosed <td>, the entity and the <br>: all read;
    # the script's "<td>" and the title table above are no cells
    assert [(t, n, float(p)) for t, n, p in bids] == [
        ("某道路工程一标段", "甲建设&集团\n有限公司", 2350000.0), ("某道路工程一标段", "乙建筑工程有限公司", 2365000.0),
        ("某道路工程二标段", "甲建设&集团\n有限公司", 12886600.0), ("某道路工程二标段", "乙建筑工程有限公司", 12900000.0)]
    assert any("网页" in r["what"] and r["file"] == "导出.xls" for r in _log(tmp_path / "out"))


def test_a_web_page_without_a_table_of_data_and_an_xml_spreadsheet_are_said_so(tmp_path: Path, capsys):
    bare = tmp_path / "page.xls"
    bare.write_text("<html><body><table><tr><td>暂无数据</td></tr></table></body></html>", encoding="utf-8")
    assert main([str(bare), "--out", str(tmp_path / "a")]) == 2
    said = capsys.readouterr()
    assert "没有数据表格" in said.err + said.out
    with pytest.raises(NoticesUnreadable, match="没有数据表格"):
        map_notices(bare)
    xml = tmp_path / "x.xls"
    xml.write_text('<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>',
                   encoding="utf-8")
    with pytest.raises(NoticesUnreadable, match="XML"):
        map_notices(xml)
    assert not (tmp_path / "a").exists()


# --------------------------------------------------------------------------- 11. 第一名 headers; 第二标段 = 二标段


def test_rank_only_wide_headers_are_candidates_and_other_ordinal_headers_are_not(tmp_path: Path):
    rows = [["项目名称", "标段名称", "公告类型", "第一名", "第一名报价（万元）", "第二名", "第二名报价（万元）", "第一次公告日期"],
            ["某道路工程", "第二标段", "中标候选人公示", "甲建设有限公司", "235.00", "乙建设有限公司", "236.50", "2025-03-01"]]
    result = map_notices(_csv(tmp_path / "w.csv", rows))
    bids = sorted((b["rank"], b["price"]) for b in result.tables["bids"])
    assert bids == [("1", "235.00万元"), ("2", "236.50万元")]
    # near miss: 第一次公告日期 names no candidate (no 名, no 候选人): not read as a third candidate's column
    assert len(result.tables["companies"]) == 2


def test_a_section_named_with_and_without_its_di_is_one_tender(tmp_path: Path):
    rows = [["项目名称", "标段名称", "公告类型", "中标候选人", "排名", "投标报价（万元）"],
            ["某道路工程", "第二标段", "中标候选人公示", "甲建设有限公司", "1", "235.00"],
            ["某道路工程", "（二标段）", "中标结果公告", "甲建设有限公司", "1", "235.00"],
            ["某道路工程", "2标段", "中标结果公告", "甲建设有限公司", "1", "235.00"],
            # near miss: 一标段 is another tender
            ["某道路工程", "一标段", "中标候选人公示", "乙建设有限公司", "1", "300.00"]]
    result = map_notices(_csv(tmp_path / "s.csv", rows))
    tenders = {t["title"]: t for t in result.tables["tenders"]}
    assert len(result.tables["tenders"]) == 2, tenders
    assert {t["bid_list"] for t in result.tables["tenders"]} == {"candidates"}


# --------------------------------------------------------------------------- 12. 宜昌's result notices (session 18)


def test_a_result_notices_stated_offer_gives_the_award_price_where_it_holds_one_total(tmp_path: Path):
    header = ["公告标题", "招标人", "招标机构", "标段(包)编号", "中标人", "中标价(元)", "中标价(报价承诺)", "公告发布日期"]
    steel = ("拟投本项目钢管含税单价为6400 元/吨（355.01 元/米），总价为3905110 元（大写：叁佰玖拾万零伍仟壹佰壹拾元）， "
             "增值税税率为 13%。")
    design = "设计费折扣率70%；BIM技术服务费为12元/㎡，总金额为1332000元；工艺设计费报价3500000元。"
    rows = [header,
            ["某钢管采购(第2次招标)中标结果公告", "某天然气利用有限公司", "某工程咨询有限责任公司", "YCA-01(2)",
             "甲钢管有限公司", "", steel, "2025-03-21"],
            ["某中心一期设计中标结果公告", "某文旅投资开发有限公司", "某工程咨询有限责任公司", "YCA-02",
             "乙工程有限公司", "", design, "2025-03-25"],
            # near miss: the award price column, where given, is the award price (the stated offer is not read)
            ["某路绿化工程中标结果公告", "某项目管理中心", "丙工程咨询有限公司", "YCA-03", "丙园艺有限公司", "8458088.96",
             "报价8000000元", "2025-03-24"]]
    result = map_notices(_csv(tmp_path / "r.csv", rows))
    tenders = {t["tender_id"]: t for t in result.tables["tenders"]}
    # the unit prices (元/吨, 元/米) are no totals: the one total is the award price
    assert tenders["YCA-01(2)"]["award_price"] == "3905110元"
    # two totals (and a rate): which is the award is not guessed, and that is said
    assert not tenders["YCA-02"].get("award_price")
    assert any("没有唯一的总金额" in n and "YCA-02" in n for n in _notes(result))
    assert tenders["YCA-03"]["award_price"] == "8458088.96"
    # 招标机构 is the agency's column: not listed as unused
    assert not any("招标机构" in n for n in _notes(result) if "未使用的列" in n)
