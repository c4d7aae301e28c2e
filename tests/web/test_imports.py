"""Upload → check → (rejected with a problem table | scanned and imported), with the history."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bidwatch.web.alerts.models import Alert
from bidwatch.web.audit.models import AuditEntry
from bidwatch.web.datasets.models import DatasetImport, ScanRun
from bidwatch.web.tasks.models import Task
from bidwatch.web.tenders.models import Bid, BidderLink, Company, Tender
from tests.web import factories


def _upload(client: Any, path: Path, capture: Any) -> Any:
    with capture(execute=True):
        return client.post(reverse("datasets:list"), {"file": SimpleUploadedFile(path.name, path.read_bytes()),
                                                       "source_system": factories.SOURCE})


@pytest.mark.django_db
def test_good_zip_is_checked_scanned_and_imported(client_for: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any) -> None:
    folder = factories.write_dataset(tmp_path / "ds")
    response = _upload(client_for("office"), factories.zip_dataset(folder), django_capture_on_commit_callbacks)
    assert response.status_code == 302
    imp = DatasetImport.objects.latest("id")
    assert response["Location"] == reverse("datasets:detail", args=[imp.pk])
    assert imp.status == DatasetImport.Status.IMPORTED, imp.scans.first().task.error
    assert imp.counts["tenders"] == 3 and imp.counts["bids"] == 6
    scan = imp.scans.get()
    assert scan.status == ScanRun.Status.DONE and scan.started_by.username == "office"
    assert scan.task.status == Task.Status.DONE and scan.task.progress == 1.0
    page = client_for("office").get(reverse("datasets:detail", args=[imp.pk])).content.decode()
    assert 'data-testid="import-done"' in page
    assert AuditEntry.objects.filter(action="upload", object_id=str(imp.pk)).exists()
    assert AuditEntry.objects.filter(action="import", object_id=str(imp.pk)).exists()


@pytest.mark.django_db
def test_rows_and_scan_results_land_in_the_database(imported: Any) -> None:
    t1 = Tender.objects.get(pk="T1")
    assert t1.sector == "housing" and t1.region_code == "430102" and t1.winner_id == "C1"
    assert t1.n_bids == 3 and t1.risk_score == 60.0 and t1.n_high == 1
    assert str(t1.ceiling_price) == "5000000.00"
    assert Bid.objects.filter(tender=t1).count() == 3
    alert = Alert.objects.get(indicator="bond_same_account")
    assert alert.tender_id == "T1" and alert.severity == "high" and alert.department.code == "housing"
    assert set(alert.companies.values_list("company_id", flat=True)) == {"C1", "C2"}
    assert alert.evidence["payer_account"] == "6222020000001111"
    assert alert.detected_on.isoformat() == "2024-02-01"
    c1 = Company.objects.get(pk="C1")
    assert (c1.n_bids, c1.n_wins, c1.n_alerts) == (1, 1, 1)
    kinds = set(BidderLink.objects.filter(tender_id="T1").values_list("attribute", flat=True))
    assert {"payer_account", "phone"} <= kinds
    link = BidderLink.objects.filter(tender_id="T1", attribute="payer_account").get()
    assert "*" in link.value and link.value.endswith("1111")  # masked


@pytest.mark.django_db
def test_faulty_dataset_is_rejected_with_a_problem_table(client_for: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any) -> None:
    before = Bid.objects.count()
    folder = factories.write_dataset(tmp_path / "bad", fault=True)
    _upload(client_for("office"), factories.zip_dataset(folder), django_capture_on_commit_callbacks)
    imp = DatasetImport.objects.latest("id")
    assert imp.status == DatasetImport.Status.REJECTED
    assert imp.n_problems >= 2
    cells = {(p["table"], p["column"]) for p in imp.problems}
    assert ("bids", "price") in cells and ("bids", "company_id") in cells
    assert Bid.objects.count() == before  # nothing half-loaded
    page = client_for("office").get(reverse("datasets:detail", args=[imp.pk])).content.decode()
    assert 'data-testid="problem-table"' in page and "四百万" in page and "C404" in page
    assert imp.scans.get().status == ScanRun.Status.REJECTED


@pytest.mark.django_db
def test_not_a_zip_is_refused_as_a_problem(client_for: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any) -> None:
    bogus = tmp_path / "bogus.zip"
    bogus.write_bytes(b"not a zip at all")
    _upload(client_for("office"), bogus, django_capture_on_commit_callbacks)
    imp = DatasetImport.objects.latest("id")
    assert imp.status == DatasetImport.Status.REJECTED and imp.n_problems == 1
    # said in Chinese first, not zipfile's "File is not a zip file"; the page shows its own language's half
    assert imp.problems[0]["expected"].startswith("文件内容不是 .xlsx/.zip 格式")
    page = client_for("office").get(reverse("datasets:detail", args=[imp.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "文件内容不是 .xlsx/.zip 格式" in page.content.decode() and "the file is not in" not in page.content.decode()
    page = client_for("office").get(reverse("datasets:detail", args=[imp.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "the file is not in .xlsx or .zip format" in page.content.decode()


@pytest.mark.django_db
def test_zip_slip_is_refused(client_for: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any) -> None:
    import zipfile

    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("../../escape.csv", "x")
    _upload(client_for("office"), evil, django_capture_on_commit_callbacks)
    imp = DatasetImport.objects.latest("id")
    assert imp.status == DatasetImport.Status.REJECTED
    assert "unsafe" in imp.problems[0]["expected"] or "不安全" in imp.problems[0]["expected"]
    assert not (tmp_path.parent.parent / "escape.csv").exists()


@pytest.mark.django_db
def test_wrong_file_type_is_refused_at_upload(client_for: Any) -> None:
    response = client_for("office").post(reverse("datasets:list"), {"file": SimpleUploadedFile("x.exe", b"MZ")})
    assert response.status_code == 200
    assert DatasetImport.objects.filter(original_name="x.exe").count() == 0


@pytest.mark.django_db
def test_xlsx_workbook_is_accepted(client_for: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any) -> None:
    import pandas as pd

    book = tmp_path / "dataset.xlsx"
    with pd.ExcelWriter(book) as writer:
        for table, rows in factories.TABLES.items():
            pd.DataFrame(rows).to_excel(writer, sheet_name=table, index=False)
    _upload(client_for("office"), book, django_capture_on_commit_callbacks)
    imp = DatasetImport.objects.latest("id")
    assert imp.status == DatasetImport.Status.IMPORTED, imp.problems[:3]


@pytest.mark.django_db
def test_an_old_xls_workbook_is_accepted(client_for: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any) -> None:
    # WPS and platforms' exports still save .xls: it was refused at upload ("a .zip or one .xlsx")
    xlwt = pytest.importorskip("xlwt", reason="xlwt (dev dependency) writes the .xls workbook")
    book = xlwt.Workbook(encoding="utf-8")
    for table, rows in factories.TABLES.items():
        sheet = book.add_sheet(table)
        columns = list(dict.fromkeys(k for row in rows for k in row))
        for c, name in enumerate(columns):
            sheet.write(0, c, name)
        for r, row in enumerate(rows, start=1):
            for c, name in enumerate(columns):
                if row.get(name) is not None:
                    sheet.write(r, c, row[name])
    path = tmp_path / "dataset.xls"
    book.save(str(path))
    _upload(client_for("office"), path, django_capture_on_commit_callbacks)
    imp = DatasetImport.objects.latest("id")
    assert imp.status == DatasetImport.Status.IMPORTED, imp.problems[:3]
    assert Bid.objects.filter(tender__tender_id="T1").exists()


@pytest.mark.django_db
def test_history_lists_imports_and_scans_with_who_ran_them(client_for: Any, imported: Any) -> None:
    page = client_for("auditor").get(reverse("datasets:list")).content.decode()
    assert 'data-testid="import-history"' in page and 'data-testid="scan-history"' in page
    assert "office" in page
    assert 'data-testid="upload-form"' not in page  # the auditor may look, not upload


@pytest.mark.django_db
def test_rescan_creates_a_new_scan_run(client_for: Any, imported: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("office").post(reverse("datasets:rescan", args=[imported.dataset_id]))
    assert response.status_code == 302
    assert imported.dataset.scans.count() == 2
    assert imported.dataset.scans.first().status == ScanRun.Status.DONE


@pytest.mark.django_db
def test_a_second_rescan_while_one_is_queued_queues_nothing(client_for: Any, imported: Any) -> None:
    client = client_for("office")
    first = client.post(reverse("datasets:rescan", args=[imported.dataset_id]), HTTP_ACCEPT_LANGUAGE="zh-hans",
                        follow=True)  # queued, not run (no on-commit execution here)
    assert "已加入扫描队列" in first.content.decode()
    second = client.post(reverse("datasets:rescan", args=[imported.dataset_id]), HTTP_ACCEPT_LANGUAGE="zh-hans",
                         follow=True)
    assert "已有扫描在排队或运行中" in second.content.decode()
    assert imported.dataset.scans.filter(status=ScanRun.Status.QUEUED).count() == 1


@pytest.mark.django_db
def test_progress_partial_polls_until_finished(client_for: Any, users: Any) -> None:
    from bidwatch.web.datasets.services import start_scan

    imp = DatasetImport.objects.create(original_name="q.zip", stored_path="/nonexistent.zip", uploaded_by=users["office"])
    scan = start_scan(imp, users["office"])
    Task.objects.filter(pk=scan.task_id).update(status="running", progress=0.4, stage="Scanning")
    c = client_for("office")
    part = c.get(reverse("datasets:detail", args=[imp.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in part and 'value="40"' in part and "<html" not in part
    Task.objects.filter(pk=scan.task_id).update(status="done", progress=1.0)
    part = c.get(reverse("datasets:detail", args=[imp.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "every 1s" not in part


@pytest.mark.django_db
def test_an_upload_rolled_back_keeps_its_file_apart_from_the_next_of_that_id(users: Any) -> None:
    # SQLite numbers again from the last committed row: the import after a rolled-back upload gets the same id,
    # and must not write into (or read) the folder the rolled-back one left behind.
    from django.db import transaction

    from bidwatch.web.datasets.services import store_upload

    class Undo(Exception):
        pass

    left: list[Path] = []
    with pytest.raises(Undo), transaction.atomic():
        left.append(Path(store_upload(SimpleUploadedFile("a.zip", b"first"), users["office"]).dataset.stored_path))
        raise Undo
    second = Path(store_upload(SimpleUploadedFile("b.zip", b"second"), users["office"]).dataset.stored_path)
    assert second != left[0] and second.parent != left[0].parent
    assert left[0].read_bytes() == b"first" and second.read_bytes() == b"second"


@pytest.mark.django_db
@pytest.mark.usefixtures("real_engine")
def test_the_loaders_notices_are_kept_and_shown_with_their_place(client_for: Any, users: Any, tmp_path: Path) -> None:
    """A tender whose bid deadline (2024-02-25) is before its announcement loads (the real loader), and the
    import's page lists the notice with the row, the column and both dates; a clean dataset shows none."""
    with factories.announced_after_deadline():
        scan = factories.import_dataset(factories.write_dataset(tmp_path / "late"), users["office"])
    imp = scan.dataset
    assert imp.status == DatasetImport.Status.IMPORTED, scan.task.error
    assert imp.n_notices == 1
    assert [(n["table"], n["row"], n["column"], n["value"]) for n in imp.notices] == [
        ("tenders", "2", "bid_deadline", "2024-02-25 < 2024-03-01")]
    page = client_for("office").get(reverse("datasets:detail", args=[imp.pk])).content.decode()
    assert 'data-testid="notice-table"' in page and "2024-02-25 &lt; 2024-03-01" in page
    assert "投标截止时间早于招标文件发出" in page
    clean = factories.import_dataset(factories.write_dataset(tmp_path / "clean"), users["office"]).dataset
    assert clean.n_notices == 0
    assert 'data-testid="notice-table"' not in client_for("office").get(
        reverse("datasets:detail", args=[clean.pk])).content.decode()


@pytest.mark.django_db
def test_a_finished_scan_reads_in_the_language_of_the_page(client_for: Any, imported: Any) -> None:
    # the task's stage is progress text stored in the worker's language: a finished scan shows its status only
    imp = imported.dataset
    assert Task.objects.filter(scan=imported).exclude(stage="").exists()
    en = client_for("office").get(reverse("datasets:detail", args=[imp.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    scan_line = en.split('data-testid="scan-state"')[1].split("</p>")[0]
    assert scan_line.startswith(">Finished</span>") and "已完成" not in scan_line
    # near miss: the Chinese page says it in Chinese
    zh = client_for("office").get(reverse("datasets:detail", args=[imp.pk]),
                                  HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert zh.split('data-testid="scan-state"')[1].startswith(">已完成</span>")
