"""Apps that do not know each other: the dashboard's reminders and cards come from registries the apps fill
in ``AppConfig.ready``; audit actions are registered, not an enum; the task queue finds the apps' task
modules; every declared workflow has its role × step suite."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest
from django.urls import reverse

import tests.web
from bidwatch.web.accounts.roles import Cap
from bidwatch.web.audit import actions
from bidwatch.web.audit.models import AuditEntry
from bidwatch.web.audit.services import record
from bidwatch.web.core import registry
from bidwatch.web.workflow.core import REGISTRY
from tests.web.workflow_cases import WorkflowStepCases


def test_apps_registered_their_reminders_and_cards() -> None:
    assert {"complaints", "ledger"} <= set(registry.REMINDERS)
    assert "alerts" in registry.CARDS


@pytest.mark.django_db
def test_dashboard_shows_a_newly_registered_reminder_only_to_its_role(client_for: Any, users: Any,
                                                                      monkeypatch: Any) -> None:
    # a reminder for the auditors, drawn with an existing reminder template (nobody has complaints here)
    monkeypatch.setitem(registry.REMINDERS, "test", registry.Reminder(
        "test", Cap.VIEW_AUDIT, lambda user: {"overdue": 7, "soon": 0}, "complaints/_reminder.html"))
    auditor = client_for("auditor").get(reverse("core:dashboard")).content.decode()
    assert 'data-testid="complaint-reminder"' in auditor and "/complaints/?state=overdue" in auditor
    assert 'data-testid="complaint-reminder"' not in client_for("housing").get(reverse("core:dashboard")).content.decode()
    assert reverse("core:dashboard") == reverse("tenders:dashboard")


@pytest.mark.django_db
def test_audit_actions_are_registered_not_migrated(users: Any) -> None:
    with pytest.raises(ValueError, match="unregistered audit action"):
        record(users["office"], "supervision_test", object_type="x", object_id="1")
    actions.register("supervision_test", "Handled a supervision order")
    try:
        entry = record(users["office"], "supervision_test", object_type="x", object_id="1")
        assert entry.get_action_display() == "Handled a supervision order"
        assert AuditEntry.objects.filter(action="supervision_test").count() == 1
    finally:
        actions._ACTIONS.pop("supervision_test")
    assert actions.label(AuditEntry.Action.COMPLAINT) == str(AuditEntry.Action.COMPLAINT.label)


def test_the_queue_discovers_task_modules() -> None:
    from bidwatch.web.tasks import queue

    queue._load_task_modules()
    assert "import_scan" in queue._REGISTRY


def test_every_workflow_has_its_role_step_suite() -> None:
    for info in pkgutil.iter_modules(tests.web.__path__):
        if info.name.startswith("test_steps_"):
            importlib.import_module(f"tests.web.{info.name}")
    covered = {cls.workflow.key for cls in _subclasses(WorkflowStepCases)}
    assert set(REGISTRY) == {"complaint", "problem", "clue", "registry_entry", "supervision_order", "talk", "bulletin",
                             "tipoff", "decision", "interference", "review"}
    assert covered == set(REGISTRY)


def _subclasses(cls: type) -> set[type]:
    out = set(cls.__subclasses__())
    for sub in list(out):
        out |= _subclasses(sub)
    return out
