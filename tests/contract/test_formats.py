"""Reading every accepted form: encodings, Chinese headers, 万元, Parquet, XLSX, typed columns."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from bidwatch.contract import TABLES, DatasetInvalid, load_dataset, save_dataset

from .conftest import BASE_CSV, full_tables, write_dataset

CHINESE_BIDS = (
    " 投标编号 ,标段编号,企业编号,投标报价,递交时间,状态,排名,综合得分\n"
    "B1,T1,C1,90.00万元,2024/01/20 09:30:00,有效,1,95.5\n"
    "B2,T1,C2,\"950,000.00元\",2024年1月20日 10时05分,否决,,\n"
    "B3,T1,C3,,2024-01-20T01:00:00Z,撤回,,\n"
)


def typed(ds, table: str) -> pd.DataFrame:
    return ds.con.table(table).df()


def col(ds, table: str, column: str) -> list:
    """A column as Python values (dates stay dates, unlike DataFrames)."""
    return [r[0] for r in ds.con.execute(f'SELECT "{column}" FROM {table}').fetchall()]


def test_sql_types_of_loaded_tables(base_dir: Path):
    ds = load_dataset(base_dir)
    for name in ds.tables:
        types = dict(ds.con.execute(f"SELECT column_name, data_type FROM information_schema.columns "
                                    f"WHERE table_name = '{name}'").fetchall())
        for col in TABLES[name].columns:
            assert types[col.name] == col.sql_type, (name, col.name)


def test_optional_columns_exist_as_typed_nulls_and_status_defaults(base_dir: Path):
    ds = load_dataset(base_dir)
    row = ds.con.execute("SELECT score, rank, submitted_at, status FROM bids WHERE bid_id = 'B2'").fetchone()
    assert row == (None, None, None, "valid")
    assert ds.has("bids", "price") and not ds.has("bids", "score") and not ds.has("projects")
    assert ds.has("companies", "uscc", "region_code")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_chinese_headers_in_each_encoding(tmp_path: Path, encoding: str):
    folder = write_dataset(tmp_path, {"bids": CHINESE_BIDS}, encoding=encoding)
    df = typed(load_dataset(folder), "bids")
    assert list(df["bid_id"]) == ["B1", "B2", "B3"]
    assert list(df["price"].fillna(-1)) == [900000.0, 950000.0, -1]
    assert list(df["status"]) == ["valid", "disqualified", "withdrawn"]
    assert list(df["submitted_at"]) == [pd.Timestamp("2024-01-20 09:30:00"), pd.Timestamp("2024-01-20 10:05:00"),
                                        pd.Timestamp("2024-01-20 09:00:00")]  # Z converted to +08:00
    assert df["rank"].tolist()[0] == 1 and df["score"].tolist()[0] == 95.5


def test_money_spellings(tmp_path: Path):
    # 3,140.47元 人民币 and 28.38万元 人民币 as 全国公共资源交易平台 writes a contract's amount, a scraped cell broken over two
    # lines, and 中国政府采购网's 总成交金额 and 中标价格 (人民币 in brackets, a colon after the sign)
    spellings = ["1,234.50", "1234.5元", "123.45万元", "１２３．４５万元", " 12 ", "¥1,000", "人民币1,000元",
                 "0.5万", "1e3", "１，２３４", "3,140.47元 人民币", "28.38万元 人民币", "60\n万元",
                 "9.955 万元（人民币）", "9.955万元(人民币)", "￥:99，550.00元", "人民币：100万元"]
    expected = [1234.5, 1234.5, 1234500.0, 1234500.0, 12.0, 1000.0, 1000.0, 5000.0, 1000.0, 1234.0,
                3140.47, 283800.0, 600000.0, 99550.0, 99550.0, 99550.0, 1000000.0]
    rows = "".join(f'B{i},T1,C1,"{s}"\n' for i, s in enumerate(spellings))
    ds = load_dataset(write_dataset(tmp_path, {"bids": "bid_id,tender_id,company_id,price\n" + rows}))
    assert ds.con.execute("SELECT price FROM bids").fetchnumpy()["price"].tolist() == expected


def test_money_unit_in_header(tmp_path: Path):
    bids = "投标编号,标段编号,企业编号,投标报价（万元）\nB1,T1,C1,90.5\nB2,T1,C2,1000元\n"
    ds = load_dataset(write_dataset(tmp_path, {"bids": bids}))
    assert ds.con.execute("SELECT price FROM bids").fetchnumpy()["price"].tolist() == [905000.0, 1000.0]


def test_dates_timestamps_booleans_enums(tmp_path: Path):
    tenders = ("tender_id,announced_on,bid_deadline,procedure,award_method\n"
               "T1,2024/3/1,2024-03-20 09:30,公开招标,综合评估法\n"
               "T2,2024年3月2日,2024-03-20T09:30:00+00:00,Single Source,lowest_price\n"
               "T3,20240303,2024-03-20 09:30:00.5,竞争性磋商,其他\n"
               "T4,2024-03-04 00:00:00,2024-03-20,INVITED,\n")
    projects = "project_id,name,state_funded,sector\nPR1,a,是,住建\nPR2,b,N,Water\nPR3,c,1,\nPR4,d,false,\n"
    ds = load_dataset(write_dataset(tmp_path, {"tenders": tenders, "projects": projects}))
    t = typed(ds, "tenders")
    assert col(ds, "tenders", "announced_on") == [dt.date(2024, 3, d) for d in (1, 2, 3, 4)]
    assert t["bid_deadline"].tolist() == [pd.Timestamp("2024-03-20 09:30"), pd.Timestamp("2024-03-20 17:30"),
                                          pd.Timestamp("2024-03-20 09:30:00.5"), pd.Timestamp("2024-03-20")]
    assert t["procedure"].tolist() == ["open", "single_source", "negotiated", "invited"]
    assert t["award_method"].tolist()[:3] == ["comprehensive", "lowest_price", "other"]
    p = typed(ds, "projects")
    assert p["state_funded"].tolist() == [True, False, True, False]
    assert p["sector"].tolist()[:2] == ["housing", "water"]


def test_ids_trimmed_mac_and_uscc_canonical(tmp_path: Path):
    companies = BASE_CSV["companies"].replace("C2,", " C2\u3000,").replace("91350100M000100Y43", "91350100m000100y43")
    bid_files = "bid_id,mac,text_path\nB1,aa-bb-cc-dd-ee-ff,\nB2,AABB.CCDD.EEFF,\n"
    ds = load_dataset(write_dataset(tmp_path, {"companies": companies, "bid_files": bid_files}))
    assert ds.con.execute("SELECT company_id, uscc FROM companies ORDER BY company_id").fetchall()[:2] == [
        ("C1", "91350100M000100Y43"), ("C2", None)]
    assert {r[0] for r in ds.con.execute("SELECT mac FROM bid_files").fetchall()} == {"AA:BB:CC:DD:EE:FF"}


def test_docs_from_until_aliases(tmp_path: Path):
    tenders = "标段编号,发售开始日期,招标文件发售截止日期\nT1,2024-01-01,2024-01-05\n"
    ds = load_dataset(write_dataset(tmp_path, {"tenders": tenders}))
    assert ds.con.execute("SELECT docs_from, docs_until FROM tenders").fetchone() == (
        dt.date(2024, 1, 1), dt.date(2024, 1, 5))


def test_platform_headers_are_read(tmp_path: Path):
    """A supervision platform's export (GGZY codes of 公共资源交易平台数据规范) and a clerk's usual Chinese headers."""
    tenders = ("BID_SECTION_CODE,BID_SECTION_NAME,拦标价（万元）,开标时间,WIN_NOTICE_SEND_TIME,中标人代码\n"
               "T1,标段一,100,2024-02-01 09:30,2024-02-20,C1\n")
    bids = ("投标编号,标段(包)编号,投标人编号,BID_PRICE,投标状态,否决理由\n"
            "B1,T1,C1,900000,有效,\nB2,T1,C2,950000,否决,业绩不符\nB3,T1,C3,,撤回,\n")
    ds = load_dataset(write_dataset(tmp_path, {"tenders": tenders, "bids": bids}))
    assert ds.con.execute("SELECT tender_id, title, ceiling_price, bid_deadline, awarded_on, winner_id FROM tenders"
                          ).fetchone() == ("T1", "标段一", 1_000_000.0, dt.datetime(2024, 2, 1, 9, 30),
                                           dt.date(2024, 2, 20), "C1")
    assert col(ds, "bids", "company_id") == ["C1", "C2", "C3"] and col(ds, "bids", "price")[:2] == [900000, 950000]
    assert col(ds, "bids", "status") == ["valid", "disqualified", "withdrawn"]
    assert col(ds, "bids", "disqualify_reason") == [None, "业绩不符", None]
    assert not ds.notices


def test_a_platform_header_gives_way_to_the_contracts_own(tmp_path: Path):
    # near miss: 开标时间 is the bid deadline (法 第34条), but this file has 投标截止时间 too: that one is read, the
    # opening time is kept as an extra column as written, and the file loads as it did before platform headers
    tenders = ("标段编号,开标时间,投标截止时间,招标公告发布时间\n"
               "T1,2024-02-01 14:30,2024-02-01 09:30,2024-01-02\n")
    ds = load_dataset(write_dataset(tmp_path, {"tenders": tenders}))
    assert ds.con.execute('SELECT bid_deadline, "开标时间", announced_on FROM tenders').fetchone() == (
        dt.datetime(2024, 2, 1, 9, 30), "2024-02-01 14:30", dt.date(2024, 1, 2))
    (notice,) = ds.notices
    assert (notice.table, notice.column, notice.value) == ("tenders", "bid_deadline", "开标时间")
    assert "投标截止时间" in notice.expected and "附加列" in notice.expected


def test_requirements_text_file_is_inlined_and_texts_readable(tmp_path: Path):
    folder = write_dataset(tmp_path, {"tenders": "tender_id,requirements_text\nT1,docs/T1.txt\nT2,资质要求：一级\n",
                                      "bid_files": "bid_id,text_path\nB1,texts/B1.txt\n"})
    (folder / "docs").mkdir()
    (folder / "docs" / "T1.txt").write_bytes("须具备一级资质".encode("gb18030"))
    (folder / "texts").mkdir()
    (folder / "texts" / "B1.txt").write_bytes("\ufeff投标文件正文".encode())
    ds = load_dataset(folder)
    assert [r[0] for r in ds.con.execute("SELECT requirements_text FROM tenders").fetchall()] == [
        "须具备一级资质", "资质要求：一级"]
    path = ds.con.execute("SELECT text_path FROM bid_files").fetchone()[0]
    assert path == "texts/B1.txt" and ds.read_text(path) == "投标文件正文"
    assert ds.base_dir == folder
    with pytest.raises(ValueError):
        ds.read_text("../outside.txt")


def test_parquet_typed_and_text(tmp_path: Path):
    folder = tmp_path / "pq"
    folder.mkdir()
    for name in ("companies", "tenders"):
        (folder / f"{name}.csv").write_text(BASE_CSV[name], encoding="utf-8")
    # bids as Parquet with native types (double price, timestamp) and one as text (万元)
    bids = pd.DataFrame({"bid_id": ["B1", "B2"], "tender_id": ["T1", "T1"], "company_id": ["C1", "C2"],
                         "price": [900000.0, None], "status": ["valid", "撤回"],
                         "submitted_at": pd.to_datetime(["2024-01-20 09:30", "2024-01-20 10:00"]),
                         "rank": [1.0, None], "score": ["95.5", None]})
    bids.to_parquet(folder / "bids.parquet")
    ds = load_dataset(folder)
    df = typed(ds, "bids")
    assert df["price"].tolist()[0] == 900000.0 and df["status"].tolist() == ["valid", "withdrawn"]
    assert df["rank"].tolist()[0] == 1 and df["score"].tolist()[0] == 95.5
    assert df["submitted_at"].tolist()[0] == pd.Timestamp("2024-01-20 09:30")


def test_parquet_problem_rows_are_one_based_with_header(tmp_path: Path):
    folder = write_dataset(tmp_path, {"bids": None})
    pd.DataFrame({"bid_id": ["B1", "B2"], "tender_id": ["T1", "T9"], "company_id": ["C1", "C1"],
                  "price": [1.0, 2.0]}).to_parquet(folder / "bids.parquet")
    from .conftest import problems_of

    p = problems_of(folder)
    assert [(x.table, x.row, x.column, x.value) for x in p] == [("bids", 3, "tender_id", "T9")]


def test_xlsx_workbook_with_native_cells(tmp_path: Path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "companies"
    ws.append(["企业编号", "企业名称", "成立日期", "注册资本"])
    ws.append(["C1", "甲", dt.datetime(2001, 5, 1), 5000000])
    ws.append([1002, "乙", dt.date(2010, 1, 31), "500万元"])
    ws2 = wb.create_sheet("招标项目")  # Chinese table name as the sheet name
    ws2.append(["标段编号", "投标截止时间"])
    ws2.append(["T1", dt.datetime(2024, 2, 1, 9, 30)])
    ws3 = wb.create_sheet("bids")
    ws3.append(["bid_id", "tender_id", "company_id", "price", "status"])
    ws3.append(["B1", "T1", "C1", 900000.5, "有效"])
    ws3.append(["B2", "T1", 1002, None, "withdrawn"])
    wb.create_sheet("备注").append(["ignored sheet"])
    path = tmp_path / "数据.xlsx"
    wb.save(path)
    ds = load_dataset(path)
    assert ds.tables == {"companies", "tenders", "bids"}
    assert ds.base_dir == tmp_path
    c = typed(ds, "companies")
    assert c["company_id"].tolist() == ["C1", "1002"]
    assert col(ds, "companies", "founded_on") == [dt.date(2001, 5, 1), dt.date(2010, 1, 31)]
    assert c["registered_capital"].tolist() == [5000000.0, 5000000.0]
    assert typed(ds, "tenders")["bid_deadline"].tolist() == [pd.Timestamp("2024-02-01 09:30")]
    assert typed(ds, "bids")["company_id"].tolist() == ["C1", "1002"]


def test_xlsx_problem_rows_are_sheet_rows(tmp_path: Path):
    from openpyxl import Workbook

    from .conftest import problems_of

    wb = Workbook()
    wb.active.title = "companies"
    wb.active.append(["company_id", "name"])
    wb.active.append(["C1", "甲"])
    t = wb.create_sheet("tenders")
    t.append(["tender_id"])
    t.append(["T1"])
    b = wb.create_sheet("bids")
    b.append(["bid_id", "tender_id", "company_id", "price"])
    b.append(["B1", "T1", "C1", 1])
    b.append([None, None, None, None])  # blank row: skipped, numbering keeps sheet rows
    b.append(["B2", "T1", "C1", "abc"])
    wb.save(tmp_path / "d.xlsx")
    p = problems_of(tmp_path / "d.xlsx")
    assert [(x.table, x.row, x.column, x.value) for x in p] == [("bids", 4, "price", "abc")]


def test_chinese_gb18030_wan_twin_equals_english_utf8(tmp_path: Path):
    tables = full_tables()
    en = save_dataset(tables, tmp_path / "en")
    zh = save_dataset(tables, tmp_path / "zh", encoding="gb18030", chinese_headers=True, money_unit="wan")
    head = (zh / "bids.csv").read_bytes().split(b"\n")[0].decode("gb18030")
    assert head.startswith("投标编号,") and "万元" in (zh / "bids.csv").read_bytes().decode("gb18030")
    a, b = load_dataset(en), load_dataset(zh)
    assert a.tables == b.tables == set(TABLES)
    for name in TABLES:
        pd.testing.assert_frame_equal(typed(a, name), typed(b, name), check_exact=True, obj=name)


@pytest.mark.parametrize("options", [
    {"fmt": "csv"},
    {"fmt": "parquet"},
    {"fmt": "xlsx"},
    {"fmt": "csv", "encoding": "utf-8-sig", "chinese_headers": True},
    {"fmt": "parquet", "chinese_headers": True, "money_unit": "wan"},
    {"fmt": "xlsx", "chinese_headers": True, "money_unit": "wan"},
])
def test_round_trip(tmp_path: Path, options: dict):
    tables = full_tables()
    out = save_dataset(tables, tmp_path / "out", **options)
    ds = load_dataset(out)
    assert ds.row_counts == {name: len(df) for name, df in tables.items()}
    for name, original in tables.items():
        loaded = typed(ds, name)[list(original.columns)]
        expected = _as_loaded(original, name)
        # Excel stores 15 significant digits (openpyxl writes 0.1 + 0.2 as 0.3): exact elsewhere.
        exact = options["fmt"] != "xlsx"
        pd.testing.assert_frame_equal(loaded, expected, check_exact=exact, rtol=1e-14, check_dtype=False, obj=name)


def _as_loaded(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """What the loader should give back for a frame: the same values in the contract's SQL types."""
    con = duckdb.connect()
    con.register("f", df)
    casts = []
    for col in df.columns:
        t = TABLES[name].column(col).sql_type
        casts.append(f'CAST("{col}" AS {t}) AS "{col}"')
    return con.execute(f"SELECT {', '.join(casts)} FROM f").df()


def test_parquet_nan_means_missing(tmp_path: Path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = write_dataset(tmp_path, {"bids": None})
    pq.write_table(pa.table({"bid_id": ["B1", "B2"], "tender_id": ["T1", "T1"], "company_id": [1.0, float("nan")],
                             "price": [1.0, 2.0], "score": [float("nan"), 3.0]}), folder / "bids.parquet")
    folder.joinpath("companies.csv").write_text("company_id,name\nC1,甲\n1,乙\n", encoding="utf-8")
    from .conftest import problems_of

    p = problems_of(folder)
    assert [(x.table, x.row, x.column, x.value) for x in p] == [("bids", 3, "company_id", "")]


def test_xlsx_table_in_two_sheets(tmp_path: Path):
    from openpyxl import Workbook

    from .conftest import problems_of

    wb = Workbook()
    wb.active.title = "bids"
    wb.active.append(["bid_id", "tender_id", "company_id", "price"])
    wb.create_sheet("投标")
    wb.save(tmp_path / "d.xlsx")
    p = [x for x in problems_of(tmp_path / "d.xlsx") if x.table == "bids"]
    assert len(p) == 1 and p[0].value == "bids, 投标" and "more than one sheet" in p[0].expected


def test_a_rank_as_a_candidates_notice_writes_it(tmp_path: Path):
    bids = ("bid_id,tender_id,company_id,price,rank\n"
            "B1,T1,C1,100000,第一中标候选人\nB2,T1,C2,110000,第2名\nB3,T1,C1,120000,3\nB4,T1,C2,130000,二\n")
    ds = load_dataset(write_dataset(tmp_path, {"bids": bids}))
    assert ds.con.execute("SELECT rank FROM bids ORDER BY bid_id").fetchnumpy()["rank"].tolist() == [1, 2, 3, 2]


@pytest.mark.parametrize("rank", ["2.5", "第十一", "第一二名", "首位"])
def test_a_rank_that_is_no_ordinal_is_refused(tmp_path: Path, rank: str):
    bids = f"bid_id,tender_id,company_id,price,rank\nB1,T1,C1,100000,{rank}\n"
    with pytest.raises(DatasetInvalid) as exc:
        load_dataset(write_dataset(tmp_path, {"bids": bids}))
    assert [(p.row, p.column, p.value) for p in exc.value.problems] == [(2, "rank", rank)]


@pytest.mark.parametrize("written", ["91350100 M000100 Y43", "91-350100-M000100Y43", "９１３５０１００Ｍ０００１００Ｙ４３",
                                     "'91350100M000100Y43", "91350100m000100y43"])
def test_a_credit_code_as_clerks_copy_it(tmp_path: Path, written: str):
    companies = f"company_id,name,uscc\nC1,甲,{written}\nC2,乙,\nC3,丙,\n"
    ds = load_dataset(write_dataset(tmp_path, {"companies": companies}))
    assert ds.con.execute("SELECT uscc FROM companies WHERE company_id = 'C1'").fetchone()[0] == "91350100M000100Y43"


def test_a_credit_code_with_a_wrong_check_character_is_still_refused(tmp_path: Path):
    companies = "company_id,name,uscc\nC1,甲,91350100 M000100 Y44\nC2,乙,\nC3,丙,\n"  # near miss: spaced, wrong
    with pytest.raises(DatasetInvalid) as exc:
        load_dataset(write_dataset(tmp_path, {"companies": companies}))
    assert [(p.row, p.column, p.value) for p in exc.value.problems] == [(2, "uscc", "91350100 M000100 Y44")]


def test_the_words_a_bid_opening_record_uses_for_its_enumerations(tmp_path: Path):
    tenders = ("tender_id,procedure,award_method,category\n"
               "T1,公开,综合评分法,工程施工\nT2,公开招标（资格后审）,经评审最低投标价法,监理\n"
               "T3,邀请,合理低价法,施工\n")
    bids = "bid_id,tender_id,company_id,price,status\nB1,T1,C1,100000,有效标\nB2,T1,C2,110000,否决投标\nB3,T1,C3,120000,无效标\n"
    ds = load_dataset(write_dataset(tmp_path, {"tenders": tenders, "bids": bids}))
    assert ds.con.execute("SELECT tender_id, procedure, award_method, category FROM tenders ORDER BY 1").fetchall() == [
        ("T1", "open", "comprehensive", "works"), ("T2", "open", "lowest_price", "services"),
        ("T3", "invited", "other", "works")]  # 合理低价法 is no lowest-price method
    assert ds.con.execute("SELECT status FROM bids ORDER BY bid_id").fetchall() == [
        ("valid",), ("disqualified",), ("disqualified",)]
    projects = "project_id,name,state_funded\nP1,甲,√\nP2,乙,×\n"  # ticks in a 是否国有资金 column
    ds = load_dataset(write_dataset(tmp_path / "p", {"projects": projects}))
    assert ds.con.execute("SELECT state_funded FROM projects ORDER BY 1 DESC").fetchall() == [(True,), (False,)]


@pytest.mark.parametrize("placeholder", ["无", "暂无", "/", "—", "-", "#N/A", "#REF!", "N/A"])
def test_a_placeholder_in_an_optional_attribute_is_no_value(tmp_path: Path, placeholder: str):
    # two firms whose legal representative is 无 do not share a legal representative (it had raised a high alert)
    companies = f"company_id,name,legal_rep\nC1,甲,{placeholder}\nC2,乙,{placeholder}\nC3,丙,王五\n"
    bids = (f"bid_id,tender_id,company_id,price,项目经理\nB1,T1,C1,100000,{placeholder}\nB2,T1,C2,110000,"
            f"{placeholder}\nB3,T1,C3,120000,李四\n")
    ds = load_dataset(write_dataset(tmp_path, {"companies": companies, "bids": bids}))
    assert ds.con.execute("SELECT legal_rep FROM companies ORDER BY company_id").fetchall() == [(None,), (None,), ("王五",)]
    assert ds.con.execute("SELECT project_manager_id FROM bids ORDER BY bid_id").fetchall() == [
        (None,), (None,), ("李四",)]


def test_a_placeholder_key_is_still_refused(tmp_path: Path):
    # near miss: a required key cannot be "unknown": 无 as a bid's company is a dangling id, named
    bids = "bid_id,tender_id,company_id,price\nB1,T1,无,100000\n"
    with pytest.raises(DatasetInvalid) as exc:
        load_dataset(write_dataset(tmp_path, {"bids": bids}))
    assert [(p.row, p.column, p.value) for p in exc.value.problems] == [(2, "company_id", "无")]


def test_zero_width_characters_and_thin_spaces_as_copied_from_web_pages(tmp_path: Path):
    # C02\u200b (a zero-width space after an id copied from a page) is C02; 1\u2009310\u2009000 groups digits
    companies = "company_id,name\nC1,甲\nC2\u200b,乙\nC3,丙\n"
    bids = "bid_id,tender_id,company_id,price\nB1,T1,C1,100000\nB2\u2060,T1,C2,1\u2009310\u2009000.00\nB3,T1,C3,120000\n"
    ds = load_dataset(write_dataset(tmp_path, {"companies": companies, "bids": bids}))
    assert ds.con.execute("SELECT bid_id, company_id, price FROM bids WHERE bid_id = 'B2'").fetchone() == (
        "B2", "C2", 1310000.0)


def test_excels_unicode_text_and_a_semicolon_separated_export(tmp_path: Path):
    # Excel's 另存为 "Unicode 文本": UTF-16 with its BOM, tab-separated; a European-locale export: semicolons
    bids = "投标编号\t标段编号\t企业编号\t投标报价\nB1\tT1\tC1\t100000\n"
    folder = write_dataset(tmp_path / "u16", {})
    (folder / "bids.csv").write_bytes(bids.encode("utf-16"))
    assert load_dataset(folder).con.execute("SELECT bid_id, price FROM bids").fetchall() == [("B1", 100000.0)]
    semi = write_dataset(tmp_path / "semi", {"bids": "bid_id;tender_id;company_id;price\nB1;T1;C1;100000\n"})
    assert load_dataset(semi).con.execute("SELECT bid_id, price FROM bids").fetchall() == [("B1", 100000.0)]


def test_an_id_excel_wrote_as_a_text_formula_is_the_id(tmp_path: Path):
    # Excel's CSV of an 18-digit code kept as text: ="913411001234567891" (the companies' and the bids' alike)
    companies = 'company_id,name\n"=""913411001234567891""",甲\nC1,乙\nC3,丙\n'
    bids = 'bid_id,tender_id,company_id,price\nB1,T1,"=""913411001234567891""",100000\n'
    ds = load_dataset(write_dataset(tmp_path, {"companies": companies, "bids": bids}))
    assert ds.con.execute("SELECT company_id FROM bids").fetchone() == ("913411001234567891",)
