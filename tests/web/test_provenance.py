"""Issue 18, item 1: import provenance. A one-tender upload reusing the stored dataset's ids must not
silently rewrite it: another source's clashing ids are refused (named), a re-import of the same
source shows what it adds, changes and retires and applies only once confirmed."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bidwatch.web.alerts.models import Alert
from bidwatch.web.audit.models import AuditEntry
from bidwatch.web.datasets.models import DatasetImport, ScanRun
from bidwatch.web.tenders.models import Bid, Company, Project, Tender
from tests.web import factories

#: the issue's upload: one tender reusing the stored ids, its title, project and sector replaced,
#: its bids replaced by two, a company renamed
ONE_TENDER = {
    "companies": [
        {"company_id": "C1", "name": "改名后的甲公司", "phone": "13800000001", "legal_rep": "张一"},
        {"company_id": "C2", "name": "长沙乙建筑工程有限公司", "phone": "13800000001", "legal_rep": "李二"},
        {"company_id": "C9", "name": "新来的公司", "phone": "13900000009", "legal_rep": "孙九"},
    ],
    "projects": [
        {"project_id": "P1", "name": "另一个项目", "sector": "transport", "region_code": "430199"},
    ],
    "tenders": [
        {"tender_id": "T1", "project_id": "P1", "title": "改过的标题", "category": "works", "procedure": "open",
         "ceiling_price": "5000000", "announced_on": "2024-02-01", "bid_deadline": "2024-02-25 09:30"},
    ],
    "bids": [
        {"bid_id": "B1", "tender_id": "T1", "company_id": "C1", "price": "4700000", "status": "valid", "rank": "1"},
        {"bid_id": "B9", "tender_id": "T1", "company_id": "C9", "price": "4900000", "status": "valid", "rank": "2"},
    ],
}


def _write(folder: Path, tables: dict[str, list[dict[str, Any]]]) -> Path:
    folder.mkdir(parents=True)
    for table, rows in tables.items():
        with (folder / f"{table}.csv").open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return factories.zip_dataset(folder)


def _upload(client: Any, path: Path, capture: Any, source: str = "") -> DatasetImport:
    with capture(execute=True):
        response = client.post(reverse("datasets:list"),
                               {"file": SimpleUploadedFile(path.name, path.read_bytes()), "source_system": source})
    assert response.status_code == 302
    return DatasetImport.objects.latest("id")


def _state() -> dict[str, Any]:
    t1 = Tender.objects.get(pk="T1")
    return {
        "title": t1.title, "project": t1.project_id, "sector": t1.sector,
        "bids": sorted(Bid.objects.filter(tender_id="T1").values_list("bid_id", "price")),
        "active_alerts": sorted(Alert.objects.filter(tender_id="T1", active=True).values_list("alert_id", flat=True)),
        "c1": Company.objects.get(pk="C1").name, "p1": (Project.objects.get(pk="P1").name, Project.objects.get(pk="P1").sector),
        "c9": Company.objects.filter(pk="C9").exists(),
    }


@pytest.mark.django_db
def test_records_carry_their_source_and_import(imported: Any) -> None:
    for model in (Tender, Bid, Company, Project):
        row = model.objects.order_by("pk").first()
        assert row.source == factories.SOURCE and row.dataset_import_id == imported.dataset_id, model
    assert imported.dataset.source_system == factories.SOURCE


@pytest.mark.django_db
def test_other_source_reusing_ids_is_refused_and_the_data_is_unchanged(
    client_for: Any, imported: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any,
) -> None:
    before = _state()
    assert before["active_alerts"]  # the bond alert of T1
    archive = _write(tmp_path / "one-tender", ONE_TENDER)
    imp = _upload(client_for("office"), archive, django_capture_on_commit_callbacks)  # no source: the file's name
    assert imp.source_system == "one-tender"
    assert imp.status == DatasetImport.Status.REJECTED
    assert imp.scans.get().status == ScanRun.Status.REJECTED
    assert _state() == before
    clashes = {p["table"]: p for p in imp.problems}
    assert set(clashes) == {"companies", "projects", "tenders", "bids"}
    assert "T1" in clashes["tenders"]["value"] and "P1" in clashes["projects"]["value"]
    assert "B1" in clashes["bids"]["value"] and "C1" in clashes["companies"]["value"]
    assert "C2" not in clashes["companies"]["value"]  # the same company, listed the same way: not a clash
    assert factories.SOURCE in clashes["tenders"]["expected"]
    page = client_for("office").get(reverse("datasets:detail", args=[imp.pk])).content.decode()
    assert 'data-testid="problem-table"' in page and "T1" in page and factories.SOURCE in page


@pytest.mark.django_db
def test_same_source_reimport_shows_the_summary_and_applies_only_once_confirmed(
    client_for: Any, imported: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any,
) -> None:
    before = _state()
    office = client_for("office")
    archive = _write(tmp_path / "one-tender", ONE_TENDER)
    imp = _upload(office, archive, django_capture_on_commit_callbacks, source=factories.SOURCE)
    assert imp.status == DatasetImport.Status.REVIEW
    assert imp.scans.get().status == ScanRun.Status.HELD
    assert _state() == before  # nothing written yet
    tables = imp.diff["tables"]
    assert (tables["tenders"]["change"], tables["tenders"]["sector_changes"]) == (1, 1)
    assert set(tables["tenders"]["examples"]["change"][0]["fields"]) >= {"title", "sector", "region_code"}
    assert (tables["bids"]["add"], tables["bids"]["change"], tables["bids"]["retire"]) == (1, 1, 2)
    assert (tables["companies"]["add"], tables["companies"]["change"], tables["companies"]["same"]) == (1, 1, 1)
    assert imp.diff["alerts_rechecked"] == len(before["active_alerts"])
    assert imp.diff["tenders_in_file"] == 1  # the number is said of the file's tenders, all of them
    assert imp.diff["tenders_not_in_file"] == 2
    page = office.get(reverse("datasets:detail", args=[imp.pk])).content.decode()
    assert 'data-testid="import-diff"' in page and 'data-testid="confirm-import"' in page
    assert "改过的标题" in page and 'data-table="bids" data-add="1" data-change="1" data-retire="2"' in page

    # the auditor may read the summary, not apply it
    assert client_for("auditor").post(reverse("datasets:apply", args=[imp.pk]),
                                      {"digest": imp.diff["digest"]}).status_code == 403
    # a stale or forged digest applies nothing
    office.post(reverse("datasets:apply", args=[imp.pk]), {"digest": "0" * 24})
    imp.refresh_from_db()
    assert imp.status == DatasetImport.Status.REVIEW and _state() == before

    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(reverse("datasets:apply", args=[imp.pk]), {"digest": imp.diff["digest"]})
    assert response.status_code == 302
    imp.refresh_from_db()
    assert imp.status == DatasetImport.Status.IMPORTED, (imp.scans.first().task.error, imp.problems)
    assert imp.confirmed_by.username == "office"
    # the scan held at the summary no longer reads 待确认: it was confirmed, the next scan applied it
    held, applied = imp.scans.order_by("id")
    assert (held.status, applied.status) == (ScanRun.Status.CONFIRMED, ScanRun.Status.DONE)
    page = office.get(reverse("datasets:detail", args=[imp.pk])).content.decode()
    assert "已确认" in page and "待确认" not in page
    after = _state()
    assert after["title"] == "改过的标题" and after["sector"] == "transport" and after["c1"] == "改名后的甲公司"
    assert [b for b, _p in after["bids"]] == ["B1", "B9"]
    assert not after["active_alerts"]
    assert imp.counts["bids_retired"] == 2 and imp.counts["alerts_retired"] == len(before["active_alerts"])
    assert Tender.objects.get(pk="T1").dataset_import_id == imp.pk
    assert Tender.objects.get(pk="T2").dataset_import_id == imported.dataset_id  # not in the file: kept
    entry = AuditEntry.objects.filter(action="import", object_id=str(imp.pk)).get()
    assert entry.detail["confirmed"] == imp.diff["digest"] and entry.detail["source"] == factories.SOURCE


@pytest.mark.django_db
def test_an_import_that_only_adds_applies_at_once_with_its_summary(
    client_for: Any, imported: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any,
) -> None:
    fresh = {
        "companies": [{"company_id": "X-C1", "name": "新系统公司", "phone": "1", "legal_rep": "甲"}],
        "projects": [{"project_id": "X-P1", "name": "新系统项目", "sector": "water", "region_code": "430600"}],
        "tenders": [{"tender_id": "X-T1", "project_id": "X-P1", "title": "新系统标段", "category": "works",
                     "procedure": "open", "announced_on": "2024-02-01"}],
        "bids": [{"bid_id": "X-B1", "tender_id": "X-T1", "company_id": "X-C1", "price": "100", "status": "valid"}],
    }
    imp = _upload(client_for("office"), _write(tmp_path / "city", fresh), django_capture_on_commit_callbacks,
                  source="市级平台")
    assert imp.status == DatasetImport.Status.IMPORTED
    assert imp.diff["totals"]["add"] == 4 and not imp.diff["needs_confirmation"]
    assert Tender.objects.get(pk="X-T1").source == "市级平台"
    page = client_for("office").get(reverse("datasets:detail", args=[imp.pk])).content.decode()
    assert 'data-testid="import-diff"' in page and 'data-testid="confirm-import"' not in page


@pytest.mark.django_db
def test_a_rescan_of_the_same_data_needs_no_confirmation(
    client_for: Any, imported: Any, django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client_for("office").post(reverse("datasets:rescan", args=[imported.dataset_id]))
    imp = DatasetImport.objects.get(pk=imported.dataset_id)
    assert imp.status == DatasetImport.Status.IMPORTED
    assert imp.diff["totals"]["change"] == 0 and imp.diff["totals"]["retire"] == 0, imp.diff


@pytest.mark.django_db
def test_imports_compare_and_write_one_at_a_time(settings: Any, tmp_path: Path) -> None:
    """Two imports of different sources with the same ids must not both pass the comparison: the
    import lock is held from the comparison to the write (PostgreSQL: an advisory lock; SQLite: the
    data dir's file lock). Another holder makes it wait."""
    import subprocess
    import sys
    import threading
    import time

    from django.db import connection

    from bidwatch.web.datasets.services import IMPORT_LOCK_KEY, import_lock

    settings.DATA_DIR = tmp_path
    if connection.vendor == "postgresql":
        import psycopg

        db = connection.settings_dict
        other = psycopg.connect(host=db["HOST"] or None, port=db["PORT"] or None, user=db["USER"],
                                password=db["PASSWORD"] or None, dbname=db["NAME"], autocommit=True)
        other.execute("SELECT pg_advisory_lock(%s)", [IMPORT_LOCK_KEY])
        threading.Timer(2.0, lambda: other.execute("SELECT pg_advisory_unlock(%s)", [IMPORT_LOCK_KEY])).start()
        holder = None
    else:
        holder = subprocess.Popen([sys.executable, "-c", (
            "import fcntl, sys, time; fh = open(sys.argv[1], 'a'); fcntl.flock(fh, fcntl.LOCK_EX); "
            "print('held', flush=True); time.sleep(2)"), str(tmp_path / "import.lock")], stdout=subprocess.PIPE)
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"held"
    t0 = time.monotonic()
    with import_lock():
        waited = time.monotonic() - t0
    if holder is not None:
        holder.wait(timeout=30)
    else:
        other.close()
    assert waited >= 1.0


@pytest.mark.django_db
def test_the_alerts_checked_again_are_the_scans_own_of_the_files_tenders(
        client_for: Any, imported: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any) -> None:
    from bidwatch.web.alerts.models import DOCUMENT_ALERT_PREFIX

    # a bid-file comparison's alert on T1 is not the scan's to retire: not counted; near miss: the scan's are
    Alert.objects.create(alert_id=f"{DOCUMENT_ALERT_PREFIX}9:F9", indicator="doc_same_origin", name_zh="同一编制来源",
                         family="collusion", severity="high", tender_id="T1", active=True)
    scans = Alert.objects.filter(tender_id="T1", active=True).exclude(alert_id__startswith=DOCUMENT_ALERT_PREFIX)
    imp = _upload(client_for("office"), _write(tmp_path / "one-tender", ONE_TENDER),
                  django_capture_on_commit_callbacks, source=factories.SOURCE)
    assert imp.diff["alerts_rechecked"] == scans.count() > 0
    page = client_for("office").get(reverse("datasets:detail", args=[imp.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert (f"The scan checks again all {scans.count()} active alerts stored for the 1 tenders in the file"
            in page.content.decode())
