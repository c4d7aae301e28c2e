"""Real inputs on the import page (QA 2026-12, /work/qa-web/repro r01–r11): long ids stored whole, alert
dates from notices data, zips with Chinese table names, the messages for bad inputs, OCDS files, bidwatch's
own workbook, the change summary's companies and a refused import's summary. Each with a near miss."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bidwatch.web.alerts.models import Alert
from bidwatch.web.datasets import services
from bidwatch.web.datasets.loader import alert_key
from bidwatch.web.datasets.models import DatasetImport
from bidwatch.web.tenders.models import Bid, Company, Tender
from tests.web import factories

#: a lot id of Armenia's OCDS (76 characters); a cut to 64 made its lots one tender
ARMENIA = "AM-PPS-fd7b426a70b9d7ea26a27f21a8eea687/95525d16-bb14-4ca7-8caf-acf7d401fb77"


@pytest.fixture
def capture(django_capture_on_commit_callbacks: Any) -> Any:
    """Runs the import queued on commit (the tasks are eager)."""
    return django_capture_on_commit_callbacks


Tables = dict[str, list[dict[str, Any]]]


def _tables() -> Tables:
    return copy.deepcopy(factories.TABLES)


def _write(folder: Path, tables: dict[str, list[dict[str, Any]]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for table, rows in tables.items():
        with (folder / f"{table}.csv").open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(dict.fromkeys(k for r in rows for k in r)))
            writer.writeheader()
            writer.writerows(rows)
    return folder


def _upload(client: Any, path: Path, capture: Any, *, name: str | None = None,
            source: str = factories.SOURCE) -> DatasetImport:
    with capture(execute=True):
        response = client.post(reverse("datasets:list"), {
            "file": SimpleUploadedFile(name or path.name, path.read_bytes()), "source_system": source})
    assert response.status_code == 302, response.content.decode()[:2000]
    return DatasetImport.objects.latest("id")


def _page(client: Any, imp: DatasetImport, lang: str = "zh-hans") -> str:
    return client.get(reverse("datasets:detail", args=[imp.pk]), HTTP_ACCEPT_LANGUAGE=lang).content.decode()


def _long_tenders(tables: Tables, lots: list[str]) -> Tables:
    """The small dataset's T1 and T2 under long ids (``lots``), each bid's id its tender's and company's."""
    rename = {"T1": lots[0], "T2": lots[1]}
    for t in tables["tenders"]:
        t["tender_id"] = rename.get(t["tender_id"], t["tender_id"])
    bids = {}
    for b in tables["bids"]:
        b["tender_id"] = rename.get(b["tender_id"], b["tender_id"])
        new = f"{b['tender_id']}/bid-{b['company_id']}" if b["tender_id"] in lots else b["bid_id"]
        bids[b["bid_id"]], b["bid_id"] = new, new
    for bond in tables["bonds"]:
        bond["bid_id"] = bids[bond["bid_id"]]
    return tables


# ------------------------------------------------------------------ r01: ids stored whole


@pytest.mark.django_db
def test_ids_longer_than_64_characters_are_stored_whole(client_for: Any, tmp_path: Path,
                                                        capture: Any) -> None:
    # two lots whose ids agree on their first 64 characters (a cut made them one tender, its bids one bid)
    lots = [f"{ARMENIA}-lot-1", f"{ARMENIA}-lot-2"]
    assert lots[0][:64] == lots[1][:64]
    folder = _write(tmp_path / "long", _long_tenders(_tables(), lots))
    office = client_for("office")
    imp = _upload(office, factories.zip_dataset(folder), capture)
    assert imp.status == DatasetImport.Status.IMPORTED, imp.problems[:3]
    first, second = Tender.objects.get(pk=lots[0]), Tender.objects.get(pk=lots[1])
    assert (first.n_bids, second.n_bids) == (3, 2)
    assert Bid.objects.filter(tender=first).count() == 3 and Bid.objects.filter(tender=second).count() == 2
    assert len(max(Bid.objects.filter(tender=first).values_list("bid_id", flat=True), key=len)) > 64
    assert first.risk_score == 60.0  # the scan's figures found their tender
    alert = Alert.objects.get(indicator="bond_same_account", tender_id=lots[0])
    assert set(alert.companies.values_list("company_id", flat=True)) == {"C1", "C2"}
    assert office.get(reverse("tenders:detail", args=[lots[0]])).status_code == 200
    assert office.get(reverse("tenders:detail", args=[lots[0][:64]])).status_code == 404
    # near miss: a short id is as it was
    assert Tender.objects.get(pk="T3").n_bids == 1


@pytest.mark.django_db
def test_an_id_longer_than_the_platform_keeps_refuses_the_import_naming_its_row(
        client_for: Any, tmp_path: Path, capture: Any) -> None:
    office = client_for("office")
    bids_before = Bid.objects.count()
    tables = _tables()
    tables["bids"][1]["bid_id"] = "B" * 256  # row 3 of bids.csv
    tables["bonds"][1]["bid_id"] = "B" * 256
    imp = _upload(office, factories.zip_dataset(_write(tmp_path / "too-long", tables)),
                  capture)
    assert imp.status == DatasetImport.Status.REJECTED
    mine = [p for p in imp.problems if p["table"] == "bids" and p["column"] == "bid_id"]
    assert [(p["row"], p["value"]) for p in mine] == [("3", "B" * 256)], imp.problems
    assert "255" in mine[0]["expected"] and "256" in mine[0]["expected"]
    assert Bid.objects.count() == bids_before and not Bid.objects.filter(bid_id__startswith="BBBB").exists()
    # near miss: 255 characters are stored whole
    tables = _tables()
    tables["bids"][1]["bid_id"] = tables["bonds"][1]["bid_id"] = "B" * 255
    imp = _upload(office, factories.zip_dataset(_write(tmp_path / "fits", tables)), capture)
    assert imp.status == DatasetImport.Status.REVIEW  # B2 is no longer in the file: a retire, to confirm
    with capture(execute=True):
        services.confirm_import(imp, imp.uploaded_by, imp.diff["digest"])
    imp.refresh_from_db()
    assert imp.status == DatasetImport.Status.IMPORTED, imp.problems[:3]
    assert Bid.objects.filter(bid_id="B" * 255, tender_id="T1").exists()


@pytest.mark.django_db
def test_a_name_longer_than_its_field_is_cut_and_said_a_title_is_kept_whole(
        users: Any, tmp_path: Path) -> None:
    tables = _tables()
    tables["companies"].append({"company_id": "C9", "name": "长" * 350 + "公司", "phone": "", "legal_rep": ""})
    tables["tenders"][2]["title"] = title = "某机场航站楼改扩建工程" * 90  # 990 characters (Mexico's OCDS: 975)
    imp = factories.import_dataset(_write(tmp_path / "names", tables), users["office"]).dataset
    assert imp.status == DatasetImport.Status.IMPORTED, imp.problems[:3]
    assert Company.objects.get(pk="C9").name == "长" * 300
    # said: the notice names the row and the column, the length and what is kept
    cut = [n for n in imp.notices if n["table"] == "companies" and n["column"] == "name"]
    assert [n["row"] for n in cut] == ["8"] and "300" in cut[0]["expected"] and "352" in cut[0]["expected"]
    # near miss: the title is stored whole, and no notice
    assert Tender.objects.get(pk="T3").title == title
    assert not [n for n in imp.notices if n["column"] == "title"]


def test_an_alert_key_over_its_length_keeps_the_alerts_apart() -> None:
    tender = "T" * 255
    one = alert_key("bond_same_account", tender, "", ["C1", "C2"])
    two = alert_key("bond_same_account", tender, "", ["C3", "C4"])
    assert one != two and len(one) == len(two) == 200
    # near miss: a key that fits is as it always was (the triage of stored alerts is found again)
    short = alert_key("bond_same_account", "T1", "", ["C2", "C1"])
    assert short.startswith("bond_same_account:T1:") and len(short) == len("bond_same_account:T1:") + 10


# ------------------------------------------------------------ r04: the alerts of notices data have a date


@pytest.mark.django_db
def test_an_alert_of_a_tender_known_from_its_notices_is_dated(users: Any, tmp_path: Path) -> None:
    """A tender of ``bidwatch notices`` has no announcement, no deadline, no award date: its single-bid alert
    is dated by the candidates notice (a contract column) or the result notice (the notices' own column)."""
    tables = _tables()
    for t in tables["tenders"]:
        for c in ("announced_on", "bid_deadline", "awarded_on", "contract_signed_on"):
            t[c] = ""
    tables["tenders"][2]["candidates_published_on"] = "2025-06-13"  # T3: one bid, a single-bid alert
    tables["tenders"][1]["result_published_on"] = "2025-03-24"
    tables["bids"] = [b for b in tables["bids"] if b["bid_id"] != "B5"]  # T2: one bid too
    scan = factories.import_dataset(_write(tmp_path / "notices", tables), users["office"])
    assert scan.dataset.status == DatasetImport.Status.IMPORTED, scan.dataset.problems[:3]
    single = {a.tender_id: a.detected_on for a in Alert.objects.filter(indicator="single_bid", active=True)}
    assert single["T3"] == dt.date(2025, 6, 13) and single["T2"] == dt.date(2025, 3, 24)
    # the report's period counts them now
    assert Alert.objects.filter(detected_on__range=(dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
                                indicator="single_bid").count() == 2
    # near miss: T1 has no date at all: undated, as before
    assert Alert.objects.get(indicator="bond_same_account").detected_on is None


@pytest.mark.django_db
def test_an_alert_keeps_the_announcement_date_before_a_later_one(users: Any, tmp_path: Path) -> None:
    tables = _tables()
    tables["tenders"][2]["candidates_published_on"] = "2024-05-28"  # T3, announced 2024-05-01
    tables["tenders"][2]["docs_from"] = "2024-05-02"
    factories.import_dataset(_write(tmp_path / "dated", tables), users["office"])
    assert Alert.objects.get(indicator="single_bid", tender_id="T3").detected_on == dt.date(2024, 5, 1)


# ------------------------------------------------------------------ r05: zips with Chinese table names

ZH_NAMES = {"companies": "市场主体", "tenders": "招标项目", "bids": "投标", "projects": "工程项目",
            "bonds": "投标保证金", "sanctions": "信用惩戒记录"}


def _zh_zip(tmp_path: Path, name: str, *, folder: str = "", encoding: str | None = None) -> Path:
    """The small dataset as tables with Chinese names, in ``folder``; ``encoding``: the names' bytes written
    without the UTF-8 flag, as Info-ZIP (utf-8) or Chinese Windows (gbk) write them."""
    src = factories.write_dataset(tmp_path / f"{name}-src")
    target = tmp_path / f"{name}.zip"
    real: dict[bytes, bytes] = {}
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for k, path in enumerate(sorted(src.iterdir())):
            member = f"{folder}{ZH_NAMES[path.stem]}.csv"
            if encoding is None:
                zf.write(path, member)
                continue
            raw = member.encode(encoding)
            placeholder = f"Q{k:02d}".encode() + b"x" * (len(raw) - 3)
            real[placeholder] = raw
            zf.write(path, placeholder.decode())
    data = target.read_bytes()
    for placeholder, raw in real.items():
        data = data.replace(placeholder, raw)
    target.write_bytes(data)
    return target


@pytest.mark.django_db
@pytest.mark.parametrize(("folder", "encoding"),
                         [("宜昌导出/", None), ("", "utf-8"), ("", "gbk"), ("导出/", "gbk")])
def test_a_zip_of_tables_with_chinese_names_imports(client_for: Any, tmp_path: Path, folder: str,
                                                    encoding: str | None,
                                                    capture: Any) -> None:
    archive = _zh_zip(tmp_path, "zh", folder=folder, encoding=encoding)
    if encoding:
        assert not any(i.flag_bits & 0x800 for i in zipfile.ZipFile(archive).infolist())
    imp = _upload(client_for("office"), archive, capture)
    assert imp.status == DatasetImport.Status.IMPORTED, imp.problems[:3]


@pytest.mark.django_db
def test_workbooks_named_after_tables_in_a_zip_import(client_for: Any, tmp_path: Path, capture: Any) -> None:
    """One workbook per table (招标项目.xlsx, 投标.xlsx …) in a folder is a dataset, as a folder of CSV files is;
    near miss: one workbook named after a table but holding every sheet is read whole, as before."""
    import pandas as pd

    per_table = tmp_path / "per-table.zip"
    with zipfile.ZipFile(per_table, "w") as zf:
        for table, rows in factories.TABLES.items():
            book = tmp_path / f"{ZH_NAMES[table]}.xlsx"
            pd.DataFrame(rows).to_excel(book, sheet_name=ZH_NAMES[table], index=False)
            zf.write(book, f"台账/{book.name}")
    office = client_for("office")
    imp = _upload(office, per_table, capture)
    assert imp.status == DatasetImport.Status.IMPORTED, imp.problems[:3]
    whole = tmp_path / "whole" / "招标项目.xlsx"
    whole.parent.mkdir()
    with pd.ExcelWriter(whole) as writer:
        for table, rows in factories.TABLES.items():
            pd.DataFrame(rows).to_excel(writer, sheet_name=table, index=False)
    archive = tmp_path / "whole.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(whole, whole.name)
    imp = _upload(office, archive, capture)
    assert imp.status == DatasetImport.Status.IMPORTED, imp.problems[:3]


def test_a_zip_name_is_read_as_its_maker_wrote_it() -> None:
    def info(raw: bytes, flag: int = 0) -> zipfile.ZipInfo:
        i = zipfile.ZipInfo(raw.decode("utf-8" if flag else "cp437"))
        i.flag_bits = flag
        return i

    assert services.member_name(info("招标项目.csv".encode("gbk"))) == "招标项目.csv"
    assert services.member_name(info("招标项目.csv".encode("utf-8"))) == "招标项目.csv"
    assert services.member_name(info("招标项目.csv".encode("utf-8"), 0x800)) == "招标项目.csv"
    # near misses: an ASCII name, and bytes that are neither UTF-8 nor GB18030, are as Python read them
    assert services.member_name(info(b"tenders.csv")) == "tenders.csv"
    assert services.member_name(info(b"caf\x82\xff.csv")) == b"caf\x82\xff.csv".decode("cp437")


@pytest.mark.django_db
def test_two_datasets_named_in_chinese_in_one_zip_are_still_refused(client_for: Any, tmp_path: Path,
                                                                    capture: Any) -> None:
    one, two = _zh_zip(tmp_path, "one", folder="2023/"), _zh_zip(tmp_path, "two", folder="2024/")
    both = tmp_path / "both.zip"
    with zipfile.ZipFile(both, "w") as out:
        for part in (one, two):
            with zipfile.ZipFile(part) as zf:
                for i in zf.infolist():
                    out.writestr(i.filename, zf.read(i))
    imp = _upload(client_for("office"), both, capture)
    assert imp.status == DatasetImport.Status.REJECTED
    assert "2023/" in imp.problems[0]["expected"] and "2024/" in imp.problems[0]["expected"]


# ------------------------------------------------------------------ r06: the messages for bad inputs

WEB_PAGE = ('<html><head><meta charset="utf-8"></head><body><table><tr><td>tender_id</td><td>title</td></tr>'
            '<tr><td>T1</td><td>某工程</td></tr></table></body></html>')


@pytest.mark.django_db
def test_a_web_page_saved_as_xls_is_named_as_the_user_named_it(client_for: Any, tmp_path: Path,
                                                               capture: Any) -> None:
    page_file = tmp_path / "page.xls"
    page_file.write_text(WEB_PAGE, encoding="utf-8")
    office = client_for("office")
    imp = _upload(office, page_file, capture, name="平台导出.xls")
    assert imp.status == DatasetImport.Status.REJECTED
    assert imp.problems[0]["table"] == "平台导出.xls" and "upload" not in json.dumps(imp.problems)
    en, zh = _page(office, imp, "en"), _page(office, imp)
    # the English whole (it was cut at 300 characters: "… (.xlsx) and l"), and only on the English page
    assert "save it as an Excel workbook (.xlsx) and load that file" in en and "文件内容是网页" not in en
    assert "文件内容是网页" in zh and "the file is a web page" not in zh


@pytest.mark.django_db
def test_a_damaged_workbook_is_told_in_the_language_of_the_page(client_for: Any, tmp_path: Path,
                                                                capture: Any) -> None:
    damaged = tmp_path / "损坏的工作簿.xlsx"
    damaged.write_bytes(bytes(range(256)) * 20)
    office = client_for("office")
    imp = _upload(office, damaged, capture)
    assert imp.status == DatasetImport.Status.REJECTED
    assert "损坏的工作簿.xlsx" in json.dumps(imp.problems, ensure_ascii=False)
    assert "upload" not in json.dumps(imp.problems)
    zh, en = _page(office, imp), _page(office, imp, "en")
    assert "无法读取 Excel 工作簿：文件内容不是 .xlsx/.zip 格式" in zh and "unreadable workbook" not in zh
    assert "unreadable workbook: the file is not in .xlsx or .zip format" in en and "无法读取" not in en


def test_a_stored_text_keeps_both_languages_whole_and_is_cut_at_a_word() -> None:
    from bidwatch.web.datasets import texts

    english = "word " * 400
    stored = texts.expected(f"中文说明 / {english}")
    zh, en = stored.split(" / ", 1)
    assert zh == "中文说明" and en.endswith("word…") and len(en) <= texts.EXPECTED_LIMIT
    # near miss: a short message is as it was
    assert texts.expected("日期 YYYY-MM-DD / a date YYYY-MM-DD") == "日期 YYYY-MM-DD / a date YYYY-MM-DD"


@pytest.mark.django_db
def test_a_zipped_notices_export_is_told_to_go_through_bidwatch_notices(
        client_for: Any, tmp_path: Path, capture: Any) -> None:
    notices = "公告标题,标段编号,中标候选人,投标报价（元）,排名\n某工程中标候选人公示,BD1,甲建设有限公司,1000000,1\n"
    archive = tmp_path / "公示导出.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("中标候选人公示.csv", notices.encode("utf-8"))
    office = client_for("office")
    imp = _upload(office, archive, capture)
    assert imp.status == DatasetImport.Status.REJECTED and imp.n_problems == 1
    assert imp.problems[0]["table"] == "中标候选人公示.csv"
    assert "bidwatch notices 中标候选人公示.csv" in _page(office, imp, "en")
    # near miss: the same file beside a dataset's tables is not the dataset: the dataset imports
    with_dataset = tmp_path / "with-dataset.zip"
    with zipfile.ZipFile(with_dataset, "w") as zf:
        for path in sorted(factories.write_dataset(tmp_path / "ds").iterdir()):
            zf.write(path, path.name)
        zf.writestr("中标候选人公示.csv", notices.encode("utf-8"))
    imp = _upload(office, with_dataset, capture)
    assert imp.status == DatasetImport.Status.IMPORTED, imp.problems[:3]


def _release(ocid: str, prices: dict[str, float]) -> dict[str, Any]:
    winner = min(prices, key=prices.__getitem__)
    return {
        "ocid": ocid, "id": f"{ocid}-1", "date": "2024-03-20T09:00:00+08:00", "tag": ["compiled"],
        "initiationType": "tender", "buyer": {"id": "BUYER", "name": "某市住房和城乡建设局"},
        "parties": [{"id": "BUYER", "name": "某市住房和城乡建设局", "roles": ["buyer"]}]
                   + [{"id": t, "name": f"{t}建设有限公司", "roles": ["tenderer"]} for t in sorted(prices)],
        "tender": {"id": ocid, "title": f"{ocid} 道路改造工程", "status": "complete", "procurementMethod": "open",
                   "mainProcurementCategory": "works", "value": {"amount": 5_000_000, "currency": "CNY"},
                   "tenderPeriod": {"startDate": "2024-02-01T09:00:00+08:00",
                                    "endDate": "2024-03-01T09:00:00+08:00"},
                   "numberOfTenderers": len(prices)},
        "bids": {"details": [{"id": f"{ocid}-bid-{t}", "status": "valid", "date": "2024-02-28T10:00:00+08:00",
                              "tenderers": [{"id": t, "name": f"{t}建设有限公司"}],
                              "value": {"amount": p, "currency": "CNY"}} for t, p in sorted(prices.items())]},
        "awards": [{"id": f"{ocid}-award", "status": "active", "date": "2024-03-10T09:00:00+08:00",
                    "suppliers": [{"id": winner, "name": f"{winner}建设有限公司"}],
                    "value": {"amount": prices[winner], "currency": "CNY"}}],
    }


def _ocds(path: Path) -> Path:
    releases = [_release("ocds-web-0001", {"X01": 4_800_000.0, "X02": 4_900_000.0}),
                _release("ocds-web-0002", {"X03": 3_100_000.0})]  # one bid: the stand-in's single-bid alert
    lines = [json.dumps(r, ensure_ascii=False) for r in releases]
    broken = '{"ocid": "ocds-web-0003", "tender": \n'  # line 2: no JSON
    path.write_text(lines[0] + "\n" + broken + lines[1] + "\n", encoding="utf-8")
    return path


@pytest.mark.django_db
def test_an_ocds_file_imports_alone_or_zipped(client_for: Any, tmp_path: Path, capture: Any) -> None:
    office = client_for("office")
    alone = _upload(office, _ocds(tmp_path / "releases.jsonl"), capture, source="ocds-a")
    assert alone.status == DatasetImport.Status.IMPORTED, alone.problems[:3]
    assert Tender.objects.filter(pk="ocds-web-0002", source="ocds-a").exists()
    assert Alert.objects.filter(indicator="single_bid", tender_id="ocds-web-0002").exists()
    # the conversion is said: the time zone of its dates, and the bad line 2 skipped
    assert alone.notices[0]["value"] and "dates judged in" in alone.notices[0]["expected"]
    assert any(n["row"] == "2" for n in alone.notices)
    zipped = tmp_path / "ocds.zip"
    with zipfile.ZipFile(zipped, "w") as zf:
        zf.writestr("导出/releases.jsonl", _ocds(tmp_path / "again.jsonl").read_bytes())
    imp = _upload(office, zipped, capture, source="ocds-a")  # found in its folder
    assert imp.status == DatasetImport.Status.IMPORTED, imp.problems[:3]


@pytest.mark.django_db
def test_a_json_that_is_not_ocds_is_told_as_such(client_for: Any, tmp_path: Path, capture: Any) -> None:
    jianyu = tmp_path / "jianyu.json"
    jianyu.write_text('[{"title": "某项目中标公告", "publishTime": 1741309200}]', encoding="utf-8")
    office = client_for("office")
    imp = _upload(office, jianyu, capture)
    assert imp.status == DatasetImport.Status.REJECTED and imp.n_problems == 1
    assert "not OCDS" in _page(office, imp, "en") and "缺少必需的表" not in _page(office, imp)
    # near miss: another file type is still refused at the form
    response = office.post(reverse("datasets:list"), {"file": SimpleUploadedFile("x.csv", b"a,b\n")})
    assert response.status_code == 200 and not DatasetImport.objects.filter(original_name="x.csv").exists()


# ------------------------------------------------------------------ r08: bidwatch's own workbook, alone


def _workbook(path: Path, texts: bool) -> Path:
    import pandas as pd

    tables = _tables()
    tables["bid_files"] = [{"bid_id": b, "text_path": f"texts/{b}.txt"} for b in ("B1", "B2", "B3")]
    with pd.ExcelWriter(path) as writer:
        for table, rows in tables.items():
            pd.DataFrame(rows).to_excel(writer, sheet_name=table, index=False)
    if texts:
        (path.parent / "texts").mkdir(exist_ok=True)
        for b in ("B1", "B2", "B3"):
            (path.parent / "texts" / f"{b}.txt").write_text(f"{b} 投标文件正文", encoding="utf-8")
    return path


@pytest.mark.django_db
def test_a_workbook_uploaded_alone_takes_its_text_paths_as_not_available(
        client_for: Any, tmp_path: Path, capture: Any) -> None:
    office = client_for("office")
    book = _workbook(tmp_path / "dataset.xlsx", texts=False)
    imp = _upload(office, book, capture)
    assert imp.status == DatasetImport.Status.IMPORTED, imp.problems[:3]
    said = [n for n in imp.notices if n["column"] == "text_path"]
    assert len(said) == 1 and "3" in said[0]["expected"] and ".zip" in said[0]["expected"]
    assert 'data-testid="notice-table"' in _page(office, imp, "en")
    # near miss: zipped, the workbook could carry its texts: a missing one is a problem; with them it imports
    bare = tmp_path / "bare.zip"
    with zipfile.ZipFile(bare, "w") as zf:
        zf.write(book, "dataset.xlsx")
    imp = _upload(office, bare, capture)
    assert imp.status == DatasetImport.Status.REJECTED
    assert {p["column"] for p in imp.problems} == {"text_path"}
    full = tmp_path / "full" / "dataset.xlsx"
    full.parent.mkdir()
    _workbook(full, texts=True)
    archive = tmp_path / "full.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(full, "dataset.xlsx")
        for text in sorted((full.parent / "texts").iterdir()):
            zf.write(text, f"texts/{text.name}")
    imp = _upload(office, archive, capture)
    assert imp.status == DatasetImport.Status.IMPORTED, imp.problems[:3]
    assert not [n for n in imp.notices if n["column"] == "text_path"]


@pytest.mark.django_db
def test_bidwatchs_own_synthetic_workbook_imports_alone(client_for: Any, tmp_path: Path,
                                                        capture: Any) -> None:
    from bidwatch.synth import write_synthetic

    write_synthetic(tmp_path / "wb", n_tenders=100, seed=3, fmt="xlsx")
    imp = _upload(client_for("office"), tmp_path / "wb" / "dataset.xlsx", capture,
                  source="synth-xlsx")
    assert imp.status == DatasetImport.Status.IMPORTED, imp.problems[:3]
    assert imp.counts["tenders"] == 100
    assert len([n for n in imp.notices if n["column"] == "text_path"]) == 1


# ------------------------------------------------------------------ r10: the companies row of the summary


@pytest.mark.django_db
def test_the_summary_counts_the_companies_kept_under_another_source(client_for: Any, tmp_path: Path,
                                                                    capture: Any) -> None:
    tables = _tables()
    for table in ("projects", "tenders", "bids", "bonds", "sanctions"):
        for row in tables[table]:
            for key in ("project_id", "tender_id", "bid_id", "sanction_id"):
                if row.get(key):
                    row[key] = f"X{row[key]}"
    office = client_for("office")
    imp = _upload(office, factories.zip_dataset(_write(tmp_path / "other", tables)),
                  capture, source="another-platform")
    assert imp.status == DatasetImport.Status.IMPORTED, imp.problems[:3]
    row = imp.diff["tables"]["companies"]
    assert (row["add"], row["same"], row["kept"], row["kept_by"]) == (0, 0, 6, {factories.SOURCE: 6})
    page = _page(office, imp, "en")
    assert 'data-table="companies"' in page and 'data-kept="6"' in page
    assert 'data-testid="kept-elsewhere"' in page
    assert f"“{factories.SOURCE}” 6" in page
    # near miss: the companies' own source finds them unchanged, none kept under another
    again = _upload(office, factories.zip_dataset(factories.write_dataset(tmp_path / "same")),
                    capture)
    row = again.diff["tables"]["companies"]
    assert (row["same"], row["kept"]) == (6, 0)
    assert 'data-testid="kept-elsewhere"' not in _page(office, again)


# ------------------------------------------------------------------ r11: a refused import promises nothing


@pytest.mark.django_db
def test_a_refused_import_does_not_announce_the_recheck_of_alerts(client_for: Any, tmp_path: Path,
                                                                  capture: Any) -> None:
    office = client_for("office")
    folder = factories.write_dataset(tmp_path / "ds")
    refused = _upload(office, factories.zip_dataset(folder), capture, source="elsewhere")
    assert refused.status == DatasetImport.Status.REJECTED and refused.diff["alerts_rechecked"] > 0
    page = _page(office, refused, "en")
    assert 'data-testid="alerts-rechecked"' not in page and "What this import would have done" in page
    # near miss: the same file from its own source, changed, waits for confirmation and says what the scan
    # re-checks
    tables = _tables()
    tables["bids"][0]["price"] = "4810000"
    waiting = _upload(office, factories.zip_dataset(_write(tmp_path / "changed", tables)),
                      capture)
    assert waiting.status == DatasetImport.Status.REVIEW
    assert 'data-testid="alerts-rechecked"' in _page(office, waiting, "en")
