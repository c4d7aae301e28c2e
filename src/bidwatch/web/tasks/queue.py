"""Enqueue, claim and run tasks; the worker loop (`bidwatch web worker`).

A task function is registered with ``@task("kind")`` and receives ``(task, report)`` where
``report(stage, fraction)`` records progress on the row so that pages can poll it. Claiming uses
``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL (several workers), and a conditional UPDATE on
SQLite (one writer at a time anyway).

Dead workers: each worker beats a ``WorkerHeartbeat`` row every ``HEARTBEAT_SECONDS`` from a thread of
its own. :func:`sweep_dead` — run by every worker's loop and by the import page while it polls a
running task — fails a running task whose worker is gone: on this host, its process no longer exists;
elsewhere, no heartbeat for ``WORKER_STALE_SECONDS`` (60). The task gets the reason, the kind's
``@on_lost`` hook marks what it was doing as failed, its work folder is removed, and the user may
start it again.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from bidwatch.web.tasks.models import Task, WorkerHeartbeat

log = logging.getLogger(__name__)

Report = Callable[[str, float], None]
TaskFunc = Callable[[Task, Report], Any]
_REGISTRY: dict[str, TaskFunc] = {}
_ON_LOST: dict[str, Callable[[Task, str], None]] = {}

HEARTBEAT_SECONDS = 10.0
WORKER_STALE_SECONDS = 60.0
SWEEP_SECONDS = 15.0


def task(kind: str) -> Callable[[TaskFunc], TaskFunc]:
    def register(func: TaskFunc) -> TaskFunc:
        _REGISTRY[kind] = func
        return func

    return register


def on_lost(kind: str) -> Callable[[Callable[[Task, str], None]], Callable[[Task, str], None]]:
    """Register what to mark failed when a task of ``kind`` is found abandoned by a dead worker."""

    def register(func: Callable[[Task, str], None]) -> Callable[[Task, str], None]:
        _ON_LOST[kind] = func
        return func

    return register


def workdir(t: Task) -> Path:
    """The task's scratch folder (under the data dir, so that a sweep can remove it after a crash).

    ``work/task-N/<runner>``: the runner (the worker's name, or the process and thread of an inline run)
    keeps two runs that share a task number apart — a test database restarts its numbering, and a run
    must never find its files removed by another one finishing."""
    runner = t.worker or f"inline:{os.getpid()}:{threading.get_ident()}"
    return Path(settings.DATA_DIR) / "work" / f"task-{t.pk}" / re.sub(r"[^A-Za-z0-9_.-]", "_", runner)


def remove_workdir(t: Task) -> None:
    """Remove the task's scratch folder, and ``task-N`` with it once no other run uses it."""
    folder = workdir(t)
    shutil.rmtree(folder, ignore_errors=True)
    try:
        folder.parent.rmdir()
    except OSError:
        pass  # another run's folder is still there, or it is gone already


def _load_task_modules() -> None:
    """Import every installed app's ``tasks`` module: its ``@task`` functions register themselves, so the queue
    knows no app by name."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("tasks")


def enqueue(kind: str, *, user: Any = None, **args: Any) -> Task:
    """Create a queued task; with ``TASKS_EAGER`` (tests) run it before returning."""
    t = Task.objects.create(kind=kind, args=args, created_by=user if getattr(user, "pk", None) else None)
    if getattr(settings, "TASKS_EAGER", False):
        transaction.on_commit(lambda: run_task(Task.objects.get(pk=t.pk)))
    return t


def claim_next(worker: str) -> Task | None:
    now = timezone.now()
    with transaction.atomic():
        qs = Task.objects.filter(status=Task.Status.QUEUED).order_by("id")
        if connection.vendor == "postgresql":
            t = qs.select_for_update(skip_locked=True).first()
            if t is None:
                return None
            Task.objects.filter(pk=t.pk).update(status=Task.Status.RUNNING, worker=worker, started_at=now, heartbeat=now)
        else:
            t = qs.first()
            if t is None:
                return None
            claimed = Task.objects.filter(pk=t.pk, status=Task.Status.QUEUED).update(
                status=Task.Status.RUNNING, worker=worker, started_at=now, heartbeat=now
            )
            if not claimed:
                return None
    t.refresh_from_db()
    return t


def run_task(t: Task) -> Task:
    """Run one claimed (or eager) task to completion, recording progress, result or error."""
    _load_task_modules()
    if t.status == Task.Status.QUEUED:  # an inline run: claim it, unless a worker was quicker
        if not Task.objects.filter(pk=t.pk, status=Task.Status.QUEUED).update(
            status=Task.Status.RUNNING, started_at=timezone.now()
        ):
            t.refresh_from_db()
            return t
    func = _REGISTRY.get(t.kind)
    last = [0.0]

    def report(stage: str, fraction: float) -> None:
        fraction = max(0.0, min(1.0, float(fraction)))
        now = time.monotonic()
        # Throttle writes: progress callbacks may fire thousands of times.
        if fraction < 1.0 and now - last[0] < 0.3:
            return
        last[0] = now
        Task.objects.filter(pk=t.pk).update(stage=str(stage)[:200], progress=fraction, heartbeat=timezone.now())

    try:
        if func is None:
            raise LookupError(f"unknown task kind {t.kind!r}")
        func(t, report)
    except Exception as exc:
        # The traceback goes to the server log only: the error is shown on the import page.
        log.exception("task %s failed", t.pk)
        Task.objects.filter(pk=t.pk).update(
            status=Task.Status.FAILED, error=user_error(exc, t.pk), finished_at=timezone.now()
        )
    else:
        Task.objects.filter(pk=t.pk).update(status=Task.Status.DONE, progress=1.0, finished_at=timezone.now())
    t.refresh_from_db()
    return t


def user_error(exc: BaseException, task_id: int) -> str:
    """What the page may say about an unexpected failure: the kind of error and a reference to the
    server log, never a traceback, a path or an internal message. An exception meant for the page
    carries its own ``user_message`` (e.g. an import over its memory limit)."""
    from django.utils.translation import gettext

    message = getattr(exc, "user_message", None)
    if isinstance(message, str) and message:
        return message

    return gettext("Internal error (%(kind)s) in task %(task)s; the administrator finds the details in the "
                   "server log.") % {"kind": type(exc).__name__, "task": task_id}


def requeue_stale(max_age_seconds: int = 3600) -> int:
    """Tasks run without a worker (inline) and silent for an hour are marked failed."""
    cutoff = timezone.now() - timezone.timedelta(seconds=max_age_seconds)
    return Task.objects.filter(status=Task.Status.RUNNING, worker="", heartbeat__lt=cutoff).update(
        status=Task.Status.FAILED, error="worker lost (no heartbeat)", finished_at=timezone.now()
    )


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _dead_reason(t: Task, beats: dict[str, WorkerHeartbeat], now: Any) -> str | None:
    from django.utils.translation import gettext

    host, _, rest = t.worker.partition(":")
    pid_text = rest.partition(":")[0]
    if host == socket.gethostname() and pid_text.isdigit():
        if not _pid_alive(int(pid_text)):
            return gettext("The worker process (%(worker)s) has ended while running this task.") % {"worker": t.worker}
        return None  # alive on this host: a long database write may hold its heartbeat up
    beat = beats.get(t.worker)
    last = beat.beat_at if beat else (t.heartbeat or t.started_at)
    if last is None or last < now - timedelta(seconds=WORKER_STALE_SECONDS):
        since = timezone.localtime(last).strftime("%Y-%m-%d %H:%M:%S") if last else "—"
        return gettext("The worker (%(worker)s) stopped: no heartbeat since %(since)s.") % {
            "worker": t.worker, "since": since}
    return None


def sweep_dead() -> int:
    """Fail the running tasks of dead workers (see the module's doc); the number failed."""
    _load_task_modules()
    now = timezone.now()
    running = list(Task.objects.filter(status=Task.Status.RUNNING).exclude(worker=""))
    if not running:
        return 0
    beats = {b.name: b for b in WorkerHeartbeat.objects.filter(name__in={t.worker for t in running})}
    failed = 0
    for t in running:
        reason = _dead_reason(t, beats, now)
        if reason is None:
            continue
        with transaction.atomic():
            if not Task.objects.filter(pk=t.pk, status=Task.Status.RUNNING, worker=t.worker).update(
                status=Task.Status.FAILED, error=reason, finished_at=now
            ):
                continue
            hook = _ON_LOST.get(t.kind)
            if hook is not None:
                hook(t, reason)
        remove_workdir(t)
        log.warning("task %s failed: %s", t.pk, reason)
        failed += 1
    return failed


def _beat(name: str) -> None:
    host, _, rest = name.partition(":")
    WorkerHeartbeat.objects.update_or_create(
        name=name, defaults={"host": host, "pid": int(rest.partition(":")[0]), "beat_at": timezone.now()}
    )


def _heartbeat_thread(name: str, stop: threading.Event) -> threading.Thread:
    def run() -> None:
        try:
            while not stop.wait(HEARTBEAT_SECONDS):
                try:
                    _beat(name)
                except Exception:  # a busy database: try again at the next beat
                    log.warning("worker heartbeat failed", exc_info=True)
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True, name="bidwatch-heartbeat")
    thread.start()
    return thread


def work(*, once: bool = False, poll_seconds: float = 1.0, stop: threading.Event | None = None) -> int:
    """The worker loop. Returns the number of tasks run."""
    _load_task_modules()
    name = f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
    done = 0
    requeue_stale()
    WorkerHeartbeat.objects.filter(beat_at__lt=timezone.now() - timedelta(days=1)).delete()  # long gone
    _beat(name)
    sweep_dead()
    swept = time.monotonic()
    beating = threading.Event()
    beater = _heartbeat_thread(name, beating)
    try:
        while stop is None or not stop.is_set():
            _refresh_connection()
            if time.monotonic() - swept > SWEEP_SECONDS:
                sweep_dead()
                swept = time.monotonic()
            t = claim_next(name)
            if t is None:
                if once:
                    break
                (stop.wait(poll_seconds) if stop else time.sleep(poll_seconds))
                continue
            run_task(t)
            done += 1
    finally:
        beating.set()
        beater.join(timeout=HEARTBEAT_SECONDS + 5)
        try:
            WorkerHeartbeat.objects.filter(name=name).delete()  # a clean stop
        except Exception:  # the database is gone: the row goes stale, which says the same
            log.warning("could not remove the worker's heartbeat", exc_info=True)
    _refresh_connection()
    if stop is not None and not connection.in_atomic_block:
        connection.close()  # a worker thread's own connection ends with the thread
    return done


def _refresh_connection() -> None:
    # Like a request boundary: drop broken or expired connections (never inside a transaction,
    # which is where tests call the worker).
    if not connection.in_atomic_block:
        close_old_connections()


def start_worker_thread(poll_seconds: float = 0.5) -> tuple[threading.Thread, threading.Event]:
    """An in-process worker (``bidwatch serve`` and the browser tests)."""
    stop = threading.Event()
    thread = threading.Thread(target=work, kwargs={"poll_seconds": poll_seconds, "stop": stop}, daemon=True, name="bidwatch-worker")
    thread.start()
    return thread, stop
