"""Issue 18, item 4: the check and scan of an import run in a child process with a memory limit;
over the limit the import fails with a message saying so, and the worker carries on."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from bidwatch.web.datasets.models import DatasetImport, ScanRun
from bidwatch.web.tasks.models import Task
from bidwatch.web.tenders.models import Tender
from tests.web import factories


@pytest.mark.django_db
def test_import_runs_in_a_memory_limited_child(users: Any, tmp_path: Path, settings: Any, monkeypatch: Any) -> None:
    import subprocess

    settings.IMPORT_MEMORY_LIMIT_MB = 4096
    started: list[Any] = []
    real_popen = subprocess.Popen

    def popen(*args: Any, **kwargs: Any) -> Any:
        started.append((args, kwargs))
        return real_popen(*args, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", popen)
    factories.TABLES["tenders"][2]["title"] = "安置房监理（更正）"
    try:
        scan = factories.import_dataset(factories.write_dataset(tmp_path / "again"), users["office"])
    finally:
        factories.TABLES["tenders"][2]["title"] = "安置房监理"
    assert scan.dataset.status == DatasetImport.Status.IMPORTED, scan.task.error
    assert Tender.objects.get(pk="T3").title == "安置房监理（更正）"
    # two imports (held at the change summary, then confirmed), each checked and scanned in a child
    assert len(started) == 2 and all(kw.get("preexec_fn") for _a, kw in started)
    assert started[0][0][0][1:3] == ["-m", "bidwatch.web.datasets.isolated"]


@pytest.mark.django_db
def test_a_dataset_refused_in_the_child_keeps_its_problem_table(users: Any, tmp_path: Path, settings: Any) -> None:
    settings.IMPORT_MEMORY_LIMIT_MB = 4096
    scan = factories.import_dataset(factories.write_dataset(tmp_path / "bad", fault=True), users["office"])
    imp = scan.dataset
    assert imp.status == DatasetImport.Status.REJECTED
    assert {("bids", "price"), ("bids", "company_id")} <= {(p["table"], p["column"]) for p in imp.problems}


@pytest.mark.django_db
def test_over_the_memory_limit_the_import_fails_with_a_clear_message(
    users: Any, tmp_path: Path, settings: Any,
) -> None:
    settings.IMPORT_MEMORY_LIMIT_MB = 64  # far too little even to start the analytics
    before = Tender.objects.count()
    scan = factories.import_dataset(factories.write_dataset(tmp_path / "ds"), users["office"])
    assert scan.status == ScanRun.Status.FAILED and scan.dataset.status == DatasetImport.Status.FAILED
    assert scan.task.status == Task.Status.FAILED
    assert "64 MB" in scan.task.error and "BIDWATCH_IMPORT_MEMORY_MB" in scan.task.error
    assert "Internal error" not in scan.task.error
    assert Tender.objects.count() == before
    assert os.getpid()  # this process (the worker) is alive and the next import works
    settings.IMPORT_MEMORY_LIMIT_MB = 0
    again = factories.import_dataset(factories.write_dataset(tmp_path / "ds2"), users["office"])
    assert again.dataset.status == DatasetImport.Status.IMPORTED


@pytest.mark.django_db
def test_the_loaders_notices_come_back_from_the_child(users: Any, tmp_path: Path, settings: Any) -> None:
    settings.IMPORT_MEMORY_LIMIT_MB = 4096
    with factories.announced_after_deadline():
        scan = factories.import_dataset(factories.write_dataset(tmp_path / "late"), users["office"])
    imp = scan.dataset
    assert imp.status == DatasetImport.Status.IMPORTED, scan.task.error
    assert [(n["row"], n["column"]) for n in imp.notices] == [("2", "bid_deadline")]
