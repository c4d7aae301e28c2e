"""The database-backed task queue and the web sub-commands."""

from __future__ import annotations

import argparse
from typing import Any

import pytest

from bidwatch.web.tasks import queue
from bidwatch.web.tasks.models import Task

CALLS: list[str] = []


@queue.task("test_ok")
def _ok(t: Task, report: Any) -> None:
    report("half", 0.5)
    CALLS.append(t.args["x"])


@queue.task("test_boom")
def _boom(t: Task, report: Any) -> None:
    raise RuntimeError("boom")


@pytest.mark.django_db
def test_worker_runs_queued_tasks_in_order_and_records_failures(settings: Any) -> None:
    settings.TASKS_EAGER = False
    CALLS.clear()
    a = queue.enqueue("test_ok", x="a")
    b = queue.enqueue("test_boom")
    c = queue.enqueue("test_ok", x="c")
    assert queue.work(once=True) == 3
    assert CALLS == ["a", "c"]
    a.refresh_from_db(), b.refresh_from_db(), c.refresh_from_db()
    assert a.status == c.status == Task.Status.DONE and a.progress == 1.0
    assert b.status == Task.Status.FAILED and "RuntimeError" in b.error and "Traceback" not in b.error
    assert queue.claim_next("w") is None


@pytest.mark.django_db
def test_stale_running_tasks_are_failed(settings: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    t = Task.objects.create(kind="test_ok", status=Task.Status.RUNNING, heartbeat=timezone.now() - timedelta(hours=2))
    assert queue.requeue_stale() == 1
    t.refresh_from_db()
    assert t.status == Task.Status.FAILED


def test_cli_registers_serve_and_web_commands() -> None:
    from bidwatch.web.cli import register

    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["serve", "--addr", "127.0.0.1:9000"])
    assert args.addr == "127.0.0.1:9000" and callable(args.func)
    for argv in (["web", "migrate"], ["web", "seed"], ["web", "worker", "--once"], ["web", "demo", "--no-serve"]):
        assert callable(parser.parse_args(argv).func)


@pytest.mark.django_db
def test_seed_creates_agencies_and_one_login_per_role() -> None:
    from bidwatch.web.accounts.models import Agency, Role, User
    from bidwatch.web.accounts.services import seed_demo_users

    User.objects.filter(username__in=["admin", "office", "head", "discipline", "housing", "transport", "water",
                                      "auditor"]).delete()
    logins = seed_demo_users()
    assert all(logins.values())
    assert {u.role for u in User.objects.filter(username__in=logins)} == set(Role.values)
    # one of the office's logins heads it (专治办主任: approves bulletins)
    heads = User.objects.filter(username__in=logins, office_head=True)
    assert list(heads.values_list("username", flat=True)) == ["head"]
    assert Agency.objects.count() == 10
    again = seed_demo_users()
    assert not any(again.values())  # passwords are not reset on a re-run
