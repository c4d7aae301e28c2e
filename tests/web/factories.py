"""Small hand-made datasets and users for the web tests."""

from __future__ import annotations

import contextlib
import csv
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bidwatch.web.accounts.models import Role, User
from bidwatch.web.accounts.services import seed_agencies

PASSWORD = "correct-horse-battery-9"

#: username -> (role, agency code)
USERS = {
    "admin": (Role.ADMIN, "office"),
    "office": (Role.OFFICE, "office"),
    "head": (Role.OFFICE, "office"),  # 专治办主任: the office head (``HEADS``)
    "discipline": (Role.DISCIPLINE, "discipline"),
    "housing": (Role.DEPARTMENT, "housing"),
    "transport": (Role.DEPARTMENT, "transport"),
    "police": (Role.DEPARTMENT, "police"),
    "auditor": (Role.AUDITOR, "audit"),
}
#: the users among ``USERS`` who head the campaign office (``User.office_head``: approve bulletins)
HEADS = {"head"}


def users_by_name() -> dict[str, User]:
    return {u.username: u for u in User.objects.filter(username__in=USERS).select_related("agency")}


def ensure_base(tmp: Path) -> None:
    """Users and the small dataset, imported, unless present already."""
    from bidwatch.web.datasets.models import ScanRun
    from bidwatch.web.tenders.models import Tender

    if not User.objects.filter(username="office").exists():
        make_users()
    # the base dataset itself, not any finished import: a browser test on a worker whose database held another
    # test's finished import but not T1 got a 404 for /tenders/T1 (stop 21's full run)
    base = Tender.objects.filter(tender_id=TABLES["tenders"][0]["tender_id"], source=SOURCE).exists()
    if not (base and ScanRun.objects.filter(status=ScanRun.Status.DONE).exists()):
        import_dataset(write_dataset(tmp / "base-dataset"), User.objects.get(username="office"))


def make_users() -> dict[str, User]:
    agencies = {a.code: a for a in seed_agencies()}
    out = {}
    for username, (role, code) in USERS.items():
        user = User(username=username, role=role, agency=agencies[code], is_staff=role == Role.ADMIN,
                    is_superuser=role == Role.ADMIN, office_head=username in HEADS)
        user.set_password(PASSWORD)
        user.save()
        out[username] = user
    return out


TABLES: dict[str, list[dict[str, Any]]] = {
    "companies": [
        {"company_id": "C1", "name": "长沙甲建设有限公司", "phone": "13800000001", "legal_rep": "张一"},
        {"company_id": "C2", "name": "长沙乙建筑工程有限公司", "phone": "13800000001", "legal_rep": "李二"},
        {"company_id": "C3", "name": "湖南丙路桥有限公司", "phone": "13800000003", "legal_rep": "王三"},
        {"company_id": "C4", "name": "湖南丁交通建设有限公司", "phone": "13800000004", "legal_rep": "赵四"},
        {"company_id": "C5", "name": "岳阳戊水利工程有限公司", "phone": "13800000005", "legal_rep": "钱五"},
        {"company_id": "O1", "name": "某区城市建设投资有限公司", "phone": "", "legal_rep": ""},
    ],
    "projects": [
        {"project_id": "P1", "name": "某区安置房建设项目", "owner_id": "O1", "sector": "housing", "region_code": "430102",
         "approved_on": "2024-01-10", "permit_on": "2024-03-20", "works_started_on": "2024-02-15"},
        {"project_id": "P2", "name": "某县道路改造工程", "owner_id": "O1", "sector": "transport", "region_code": "430103",
         "approved_on": "2024-02-01", "permit_on": "", "works_started_on": ""},
    ],
    "tenders": [
        {"tender_id": "T1", "project_id": "P1", "title": "安置房一标段施工", "category": "works", "procedure": "open",
         "tenderer_id": "O1", "ceiling_price": "5000000", "announced_on": "2024-02-01",
         "bid_deadline": "2024-02-25 09:30", "awarded_on": "2024-03-05", "winner_id": "C1", "award_price": "4800000",
         "contract_signed_on": "2024-03-10"},
        {"tender_id": "T2", "project_id": "P2", "title": "道路改造施工", "category": "works", "procedure": "open",
         "tenderer_id": "O1", "ceiling_price": "3000000", "announced_on": "2024-04-01",
         "bid_deadline": "2024-04-25 09:30", "awarded_on": "2024-05-06", "winner_id": "C3", "award_price": "2900000",
         "contract_signed_on": "2024-05-20"},
        {"tender_id": "T3", "project_id": "P1", "title": "安置房监理", "category": "services", "procedure": "open",
         "tenderer_id": "O1", "ceiling_price": "800000", "announced_on": "2024-05-01",
         "bid_deadline": "2024-05-25 09:30", "awarded_on": "2024-06-01", "winner_id": "C5", "award_price": "790000",
         "contract_signed_on": "2024-06-10"},
    ],
    "bids": [
        {"bid_id": "B1", "tender_id": "T1", "company_id": "C1", "price": "4800000", "status": "valid", "rank": "1"},
        {"bid_id": "B2", "tender_id": "T1", "company_id": "C2", "price": "4850000", "status": "valid", "rank": "2"},
        {"bid_id": "B3", "tender_id": "T1", "company_id": "C3", "price": "4950000", "status": "valid", "rank": "3"},
        {"bid_id": "B4", "tender_id": "T2", "company_id": "C3", "price": "2900000", "status": "valid", "rank": "1"},
        {"bid_id": "B5", "tender_id": "T2", "company_id": "C4", "price": "2950000", "status": "valid", "rank": "2"},
        {"bid_id": "B6", "tender_id": "T3", "company_id": "C5", "price": "790000", "status": "valid", "rank": "1"},
    ],
    "bonds": [
        {"bid_id": "B1", "payer_account": "6222020000001111", "amount": "80000"},
        {"bid_id": "B2", "payer_account": "6222020000001111", "amount": "80000"},
        {"bid_id": "B3", "payer_account": "6222020000003333", "amount": "80000"},
    ],
    "sanctions": [
        {"sanction_id": "S1", "company_id": "C2", "measure": "debarment", "authority": "某市住建局",
         "start_on": "2023-01-01", "end_on": "2025-12-31"},
    ],
}


@contextlib.contextmanager
def announced_after_deadline() -> Iterator[None]:
    """T1 announced on 2024-03-01, after its bid deadline of 2024-02-25: a date-order notice on loading."""
    TABLES["tenders"][0]["announced_on"] = "2024-03-01"
    try:
        yield
    finally:
        TABLES["tenders"][0]["announced_on"] = "2024-02-01"


def write_dataset(folder: Path, *, fault: bool = False) -> Path:
    """Write the small dataset as CSV files; ``fault`` plants a bad price and a dangling company."""
    folder.mkdir(parents=True, exist_ok=True)
    for table, rows in TABLES.items():
        rows = [dict(r) for r in rows]
        if fault and table == "bids":
            rows[1]["price"] = "四百万"
            rows[4]["company_id"] = "C404"
        with (folder / f"{table}.csv").open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return folder


#: evaluation panels for the small dataset (not in TABLES: the other web tests' scans stay as they are).
#: T1 (bids opened 2024-02-25): experts X1, X4, X5; T2 (2024-04-25): X1, X2, X3.
PANELS: dict[str, list[dict[str, Any]]] = {
    "experts": [{"expert_id": f"X{i}", "name": name, "specialty": "道路工程"}
                for i, name in enumerate(["李专家", "王评审", "周工", "吴工", "郑工"], start=1)],
    "evaluations": [{"tender_id": t, "expert_id": x, "company_id": c, "score": str(80 + k)}
                    for t, xs, cs in (("T1", ("X1", "X4", "X5"), ("C1", "C2", "C3")), ("T2", ("X1", "X2", "X3"), ("C3", "C4")))
                    for x in xs for k, c in enumerate(cs)],
}


def write_panels(folder: Path) -> Path:
    """Add :data:`PANELS` (the experts and their scores) to a dataset written by :func:`write_dataset`."""
    for table, rows in PANELS.items():
        with (folder / f"{table}.csv").open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return folder


def zip_dataset(folder: Path, target: Path | None = None) -> Path:
    target = target or folder.with_suffix(".zip")
    with zipfile.ZipFile(target, "w") as zf:
        for path in sorted(folder.iterdir()):
            zf.write(path, path.name)
    return target


#: the source system the small dataset is imported as (its re-imports update it)
SOURCE = "test-platform"


def import_dataset(folder: Path, user: User, *, source: str = SOURCE, confirm: bool = True) -> Any:
    """Upload ``folder`` as ``source``; ``confirm``: if the import stops at its change summary
    (it changes or retires records), confirm it as shown and apply it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from bidwatch.web.datasets.services import confirm_import, store_upload
    from bidwatch.web.tasks.queue import run_task

    archive = zip_dataset(folder)
    scan = store_upload(SimpleUploadedFile(archive.name, archive.read_bytes()), user, source=source)
    if scan.task.status == "queued":
        _run_or_wait(scan.task, run_task)
    scan.refresh_from_db()
    if confirm and scan.dataset.status == "review":
        scan = confirm_import(scan.dataset, user, scan.dataset.diff["digest"])
        if scan.task.status == "queued":
            _run_or_wait(scan.task, run_task)
        scan.refresh_from_db()
    return scan


def _run_or_wait(task: Any, run_task: Any, timeout: float = 300.0) -> None:
    """Run ``task`` here, or, where a worker thread claimed it first (the browser tests run one), wait until that
    worker has finished it: ``run_task`` returns at once then, and a test reading the import's alerts right after
    found none on a slow machine (stop 24's CI: Alert.DoesNotExist in test_triage_confirm_dismiss_and_clue)."""
    import time

    run_task(task)
    deadline = time.monotonic() + timeout
    task.refresh_from_db()
    while task.status in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.1)
        task.refresh_from_db()
