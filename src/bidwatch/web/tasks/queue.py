"""Enqueue, claim and run tasks; the worker loop (`bidwatch web worker`).

A task function is registered with ``@task("kind")`` and receives ``(task, report)`` where
``report(stage, fraction)`` records progress on the row so that pages can poll it. Claiming uses
``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL (several workers), and a conditional UPDATE on
SQLite (one writer at a time anyway).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from bidwatch.web.tasks.models import Task

log = logging.getLogger(__name__)

Report = Callable[[str, float], None]
TaskFunc = Callable[[Task, Report], Any]
_REGISTRY: dict[str, TaskFunc] = {}


def task(kind: str) -> Callable[[TaskFunc], TaskFunc]:
    def register(func: TaskFunc) -> TaskFunc:
        _REGISTRY[kind] = func
        return func

    return register


def _load_task_modules() -> None:
    # Task functions live in the apps' services; importing registers them.
    import bidwatch.web.datasets.services  # noqa: F401


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
    if t.status == Task.Status.QUEUED:
        Task.objects.filter(pk=t.pk).update(status=Task.Status.RUNNING, started_at=timezone.now())
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
        log.exception("task %s failed", t.pk)
        Task.objects.filter(pk=t.pk).update(
            status=Task.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}\n\n{traceback.format_exc(limit=8)}"[:20000],
            finished_at=timezone.now(),
        )
    else:
        Task.objects.filter(pk=t.pk).update(status=Task.Status.DONE, progress=1.0, finished_at=timezone.now())
    t.refresh_from_db()
    return t


def requeue_stale(max_age_seconds: int = 3600) -> int:
    """Tasks whose worker died (no heartbeat for an hour) are marked failed, never run twice silently."""
    cutoff = timezone.now() - timezone.timedelta(seconds=max_age_seconds)
    return Task.objects.filter(status=Task.Status.RUNNING, heartbeat__lt=cutoff).update(
        status=Task.Status.FAILED, error="worker lost (no heartbeat)", finished_at=timezone.now()
    )


def work(*, once: bool = False, poll_seconds: float = 1.0, stop: threading.Event | None = None) -> int:
    """The worker loop. Returns the number of tasks run."""
    _load_task_modules()
    name = f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
    done = 0
    requeue_stale()
    while stop is None or not stop.is_set():
        _refresh_connection()
        t = claim_next(name)
        if t is None:
            if once:
                break
            (stop.wait(poll_seconds) if stop else time.sleep(poll_seconds))
            continue
        run_task(t)
        done += 1
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
