"""Dead workers (issue 18 item 2): a task whose worker died is failed within a minute with the
reason, its import and scan too, its work folder removed, and the user may start it again."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from bidwatch.web.datasets.models import DatasetImport, ScanRun
from bidwatch.web.tasks import queue
from bidwatch.web.tasks.models import Task, WorkerHeartbeat


def _dead_pid() -> int:
    """The id of a process that has ended."""
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def _abandoned_import(imported: Any, worker: str) -> tuple[ScanRun, Task]:
    """An import left at 80% by ``worker``: its scan running, its work folder on disk."""
    imp = imported.dataset
    scan = ScanRun.objects.create(dataset=imp, started_by=imported.started_by, status=ScanRun.Status.RUNNING)
    now = timezone.now()
    t = Task.objects.create(kind="import_scan", args={"scan_id": scan.pk}, status=Task.Status.RUNNING,
                            worker=worker, started_at=now, heartbeat=now, progress=0.8, stage="Scanning")
    scan.task = t
    scan.save(update_fields=["task"])
    DatasetImport.objects.filter(pk=imp.pk).update(status=DatasetImport.Status.CHECKING)
    folder = queue.workdir(t)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tenders.csv").write_text("tender_id\nT1\n")
    return scan, t


@pytest.mark.django_db
def test_a_killed_worker_on_this_host_is_found_at_once(client_for: Any, imported: Any) -> None:
    worker = f"{socket.gethostname()}:{_dead_pid()}:1"
    scan, t = _abandoned_import(imported, worker)
    office = client_for("office")
    # the page the user is polling finds it (no other worker needs to be running)
    page = office.get(reverse("datasets:detail", args=[scan.dataset_id]), HTTP_HX_REQUEST="true").content.decode()
    t.refresh_from_db(), scan.refresh_from_db()
    assert t.status == Task.Status.FAILED and ("has ended" in t.error or "已终止" in t.error) and worker in t.error
    assert scan.status == ScanRun.Status.FAILED
    assert DatasetImport.objects.get(pk=scan.dataset_id).status == DatasetImport.Status.FAILED
    assert not queue.workdir(t).exists()
    assert 'data-testid="task-error"' in page and ("has ended" in page or "已终止" in page) and 'data-testid="retry"' in page
    # the user starts it again, and this time it finishes
    response = office.post(reverse("datasets:rescan", args=[scan.dataset_id]))
    assert response.status_code == 302
    again = ScanRun.objects.filter(dataset_id=scan.dataset_id).latest("id")
    queue.run_task(again.task)
    again.refresh_from_db()
    assert again.status == ScanRun.Status.DONE
    assert DatasetImport.objects.get(pk=scan.dataset_id).status == DatasetImport.Status.IMPORTED


@pytest.mark.django_db
def test_a_worker_elsewhere_is_dead_after_a_minute_without_heartbeat(imported: Any) -> None:
    worker = "another-host:4242:1"
    scan, t = _abandoned_import(imported, worker)
    beat = WorkerHeartbeat.objects.create(name=worker, host="another-host", pid=4242,
                                          beat_at=timezone.now() - timedelta(seconds=20))
    assert queue.sweep_dead() == 0  # 20 s ago: alive
    t.refresh_from_db()
    assert t.status == Task.Status.RUNNING
    WorkerHeartbeat.objects.filter(pk=beat.pk).update(beat_at=timezone.now() - timedelta(seconds=61))
    assert queue.sweep_dead() == 1
    t.refresh_from_db()
    assert t.status == Task.Status.FAILED and ("no heartbeat since" in t.error or "无心跳" in t.error)


@pytest.mark.django_db
def test_a_live_worker_on_this_host_is_left_alone(imported: Any) -> None:
    import os

    scan, t = _abandoned_import(imported, f"{socket.gethostname()}:{os.getpid()}:1")
    Task.objects.filter(pk=t.pk).update(heartbeat=timezone.now() - timedelta(hours=2))
    assert queue.sweep_dead() == 0


@pytest.mark.django_db(transaction=True)
def test_the_worker_beats_while_a_task_runs(users: Any, monkeypatch: Any, settings: Any) -> None:
    settings.TASKS_EAGER = False
    monkeypatch.setattr(queue, "HEARTBEAT_SECONDS", 0.05)
    seen: list[Any] = []

    @queue.task("test_slow")
    def slow(t: Task, report: Any) -> None:
        time.sleep(0.5)  # no progress reported: only the heartbeat thread shows the worker lives
        seen.extend(WorkerHeartbeat.objects.values_list("beat_at", flat=True))

    queue.enqueue("test_slow")
    stop = threading.Event()
    assert queue.work(once=True, stop=stop) == 1
    assert seen and max(seen) > timezone.now() - timedelta(seconds=2)
    assert not WorkerHeartbeat.objects.exists()  # a clean stop removes the worker's row


SLOW_ENGINE = '''
import time
from tests.web.fake_engine import *  # noqa: F403
from tests.web import fake_engine


def run_scan(ds, *, progress=None):
    if progress:
        progress("slow", 0.5)
    time.sleep(120)  # killed long before
    return fake_engine.run_scan(ds, progress=progress)
'''


def test_a_real_worker_killed_mid_import(tmp_path: Any) -> None:
    """End to end with real processes: a worker is killed (SIGKILL) during an import; the next sweep
    fails the task with the reason, fails the import, and removes the task's work folder."""
    import os
    import signal
    import sqlite3
    import sys
    from pathlib import Path

    from tests.web import factories

    root = Path(__file__).resolve().parents[2]
    (tmp_path / "slow_engine.py").write_text(SLOW_ENGINE)
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BIDWATCH_", "DATABASE_URL", "DJANGO_"))}
    env.update({"PYTHONPATH": f"{root / 'src'}{os.pathsep}{root}{os.pathsep}{tmp_path}",
                "BIDWATCH_DATA_DIR": str(data), "BIDWATCH_ENGINE": "slow_engine"})
    upload = factories.zip_dataset(factories.write_dataset(tmp_path / "ds"))

    def python(code: str) -> str:
        prelude = "from bidwatch.web import setup; setup();"
        done = subprocess.run([sys.executable, "-c", prelude + code], env=env, capture_output=True, text=True,
                              timeout=300, check=False)
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    python("from django.core.management import call_command; call_command('migrate', verbosity=0);"
           "from bidwatch.web.accounts.services import seed_demo_users; seed_demo_users();"
           "from django.core.files.uploadedfile import SimpleUploadedFile;"
           "from bidwatch.web.datasets.services import store_upload;"
           "from bidwatch.web.accounts.models import User;"
           f"store_upload(SimpleUploadedFile('ds.zip', open({str(upload)!r}, 'rb').read()),"
           " User.objects.get(username='office'))")
    db = data / "bidwatch.sqlite3"

    def task() -> tuple[Any, ...]:
        con = sqlite3.connect(db, timeout=30)
        try:
            return con.execute("SELECT id, status, worker, error FROM tasks_task ORDER BY id DESC").fetchone()
        finally:
            con.close()

    code = "import sys; from bidwatch.cli import main; sys.exit(main(['web', 'worker']))"
    worker = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 240  # a loaded shared machine starts Python slowly
        while time.monotonic() < deadline and task()[1] != "running" and worker.poll() is None:
            time.sleep(0.5)
        task_id, status, name, error = task()
        assert status == "running" and name.split(":")[1] == str(worker.pid), (status, name, error, worker.poll())
        # the worker claims the task (status running) before it makes the task's work folder: wait for both
        while time.monotonic() < deadline and not (data / "work" / f"task-{task_id}").exists():
            time.sleep(0.2)
        assert (data / "work" / f"task-{task_id}").exists()
        time.sleep(1)
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
    assert task()[1] == "running"  # nobody knows yet
    assert python("from bidwatch.web.tasks.queue import sweep_dead; print(sweep_dead())").strip() == "1"
    _, status, _, error = task()
    assert status == "failed" and ("has ended" in error or "已终止" in error)
    con = sqlite3.connect(db)
    assert con.execute("SELECT status FROM datasets_datasetimport").fetchone() == ("failed",)
    con.close()
    assert not (data / "work" / f"task-{task_id}").exists()
