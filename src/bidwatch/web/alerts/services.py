"""Triage and clue workflow steps: each writes its row, the alert's history and the audit entry at once."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from bidwatch.web.accounts.models import Agency, Role
from bidwatch.web.accounts.roles import Cap, can, sector_allowed
from bidwatch.web.alerts.models import Alert, Clue, ClueEvent, TriageAction
from bidwatch.web.audit.models import AuditEntry
from bidwatch.web.audit.services import record


def can_triage(user: Any, alert: Alert) -> bool:
    return can(user, Cap.TRIAGE) and sector_allowed(user, alert.sector)


def can_raise_clue(user: Any, alert: Alert | None) -> bool:
    return can(user, Cap.RAISE_CLUE) and (alert is None or sector_allowed(user, alert.sector))


def can_handle_clue(user: Any, clue: Clue) -> bool:
    if not can(user, Cap.HANDLE_CLUE):
        return False
    return user.role == Role.OFFICE or (user.agency_id is not None and user.agency_id == clue.assigned_unit_id)


def can_view_clue(user: Any, clue: Clue) -> bool:
    if not can(user, Cap.VIEW_CLUES):
        return False
    if user.role == Role.DEPARTMENT:
        return clue.assigned_unit_id == user.agency_id or clue.created_by_id == user.pk
    return True


def _decide(alert: Alert, user: Any, action: str, status: str, reason: str, request: Any, clue: Clue | None = None) -> TriageAction:
    previous = alert.status
    alert.status = status
    alert.save(update_fields=["status"])
    entry = TriageAction.objects.create(alert=alert, actor=user, action=action, reason=reason, clue=clue)
    record(user, AuditEntry.Action.TRIAGE, alert, request=request, decision=action, reason=reason or None,
           previous=previous, clue=clue.pk if clue else None)
    return entry


@transaction.atomic
def confirm(alert: Alert, user: Any, reason: str = "", *, request: Any = None) -> TriageAction:
    if not can_triage(user, alert):
        raise PermissionDenied("triage")
    return _decide(alert, user, TriageAction.Action.CONFIRM, Alert.Status.CONFIRMED, reason.strip(), request)


@transaction.atomic
def dismiss(alert: Alert, user: Any, reason: str, *, request: Any = None) -> TriageAction:
    if not can_triage(user, alert):
        raise PermissionDenied("triage")
    if not reason.strip():
        raise ValueError("a dismissal needs a reason")
    return _decide(alert, user, TriageAction.Action.DISMISS, Alert.Status.DISMISSED, reason.strip(), request)


@transaction.atomic
def raise_clue(
    alert: Alert | None, user: Any, unit: Agency, summary: str, *, source: str = Clue.Source.BIG_DATA, request: Any = None
) -> Clue:
    if not can_raise_clue(user, alert):
        raise PermissionDenied("raise_clue")
    if not summary.strip():
        raise ValueError("a clue needs a summary")
    clue = Clue.objects.create(
        alert=alert, tender_id=alert.tender_id if alert else None, source=source, summary=summary.strip(),
        assigned_unit=unit, created_by=user,
    )
    ClueEvent.objects.create(clue=clue, actor=user, to_status=clue.status, note=summary.strip())
    record(user, AuditEntry.Action.CLUE_CREATE, clue, request=request, unit=unit.code, alert=alert.pk if alert else None)
    if alert is not None:
        _decide(alert, user, TriageAction.Action.CLUE, Alert.Status.CLUE, summary.strip(), request, clue=clue)
    return clue


@transaction.atomic
def update_clue(clue: Clue, user: Any, status: str, note: str = "", *, request: Any = None) -> ClueEvent:
    if not can_handle_clue(user, clue):
        raise PermissionDenied("handle_clue")
    if status not in Clue.Status.values:
        raise ValueError(f"unknown status {status!r}")
    previous = clue.status
    clue.status = status
    clue.save(update_fields=["status", "updated_at"])
    event = ClueEvent.objects.create(clue=clue, actor=user, from_status=previous, to_status=status, note=note.strip())
    record(user, AuditEntry.Action.CLUE_UPDATE, clue, request=request, status=status, previous=previous, note=note.strip() or None)
    return event
