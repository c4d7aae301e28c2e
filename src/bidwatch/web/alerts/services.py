"""Triage and clue workflow steps: each writes its row, the alert's history and the audit entry at once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet

from bidwatch.web.accounts.models import Agency, Role
from bidwatch.web.accounts.roles import Cap, can, sector_allowed
from bidwatch.web.alerts.models import Alert, Clue, ClueEvent, Consultation, Transfer, TriageAction
from bidwatch.web.audit.models import AuditEntry
from bidwatch.web.audit.services import record
from bidwatch.web.deadlines import calendar


def can_triage(user: Any, alert: Alert) -> bool:
    return can(user, Cap.TRIAGE) and sector_allowed(user, alert.sector)


def can_raise_clue(user: Any, alert: Alert | None) -> bool:
    return can(user, Cap.RAISE_CLUE) and (alert is None or sector_allowed(user, alert.sector))


def can_handle_clue(user: Any, clue: Clue) -> bool:
    if not can(user, Cap.HANDLE_CLUE):
        return False
    return user.role == Role.OFFICE or (user.agency_id is not None and user.agency_id == clue.assigned_unit_id)


def visible_clues(user: Any) -> QuerySet[Clue]:
    """The clues a user may see (the list's version of :func:`can_view_clue`)."""
    if not can(user, Cap.VIEW_CLUES):
        return Clue.objects.none()
    if user.role == Role.DEPARTMENT:
        unit = user.agency_id
        return Clue.objects.filter(Q(assigned_unit=unit) | Q(created_by=user) | Q(transfers__from_unit=unit)
                                   | Q(transfers__to_unit=unit)).distinct()
    return Clue.objects.all()


def can_view_clue(user: Any, clue: Clue) -> bool:
    """Department staff see the clues of their unit, those they raised, and those their unit sent
    or was sent (a transfer leaves both ends with the file)."""
    if not can(user, Cap.VIEW_CLUES):
        return False
    if user.role == Role.DEPARTMENT:
        return clue.created_by_id == user.pk or user.agency_id in units_involved(clue)
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


# --- transfers (线索移送) and consultations (会商) ------------------------------------------------

#: 《行政执法机关移送涉嫌犯罪案件的规定》 第8条: the receiving organ answers within 3 days; the same
#: period is expected of every transfer here (calendar days, the last one rolled to a working day).
TRANSFER_REPLY_DAYS = 3


def can_answer_transfer(user: Any, transfer: Transfer) -> bool:
    return can(user, Cap.HANDLE_CLUE) and (user.role == Role.OFFICE or user.agency_id == transfer.to_unit_id)


def units_involved(clue: Clue) -> set[int]:
    """The units a clue went through: its assigned unit and every sender and receiver."""
    units = {clue.assigned_unit_id}
    for t in clue.transfers.all():
        units |= {t.from_unit_id, t.to_unit_id}
    return units


@transaction.atomic
def transfer_clue(clue: Clue, user: Any, *, kind: str, to_unit: Agency, reason: str, sent_on: dt.date,
                  materials: list[str] = (), approved_on: dt.date | None = None, request: Any = None) -> Transfer:
    if not can_handle_clue(user, clue):
        raise PermissionDenied("handle_clue")
    if clue.status == Clue.Status.CLOSED:
        raise ValueError("a closed clue is not transferred / 线索已办结，不能移送")
    if to_unit.pk == clue.assigned_unit_id:
        raise ValueError("the clue is already with this unit / 线索已在该单位")
    if clue.transfers.filter(status=Transfer.Status.SENT).exists():
        raise ValueError("a transfer of this clue awaits an answer / 该线索已移送，尚待接收单位答复")
    if not reason.strip():
        raise ValueError("a transfer needs its grounds / 请填写移送理由")
    if approved_on and approved_on > sent_on:
        raise ValueError("sent before it was approved / 移送日期早于批准日期")
    if kind == Transfer.Kind.POLICE and not approved_on:
        raise ValueError("a transfer to the police needs the head's approval date (第5条) / 向公安机关移送须填写负责人批准日期")
    transfer = Transfer.objects.create(
        clue=clue, kind=kind, from_unit=clue.assigned_unit, to_unit=to_unit, reason=reason.strip(),
        materials=list(materials), approved_on=approved_on, sent_on=sent_on, sent_by=user,
        reply_due=calendar().calendar_deadline(sent_on, TRANSFER_REPLY_DAYS),
    )
    ClueEvent.objects.create(clue=clue, actor=user, from_status=clue.status, to_status=clue.status,
                             note=f"移送 {to_unit.name}：{reason.strip()}")
    record(user, AuditEntry.Action.CLUE_UPDATE, clue, request=request, step="transfer", to_unit=to_unit.code,
           kind=kind, late_after_approval=bool(approved_on and (sent_on - approved_on).days > 1))
    return transfer


@transaction.atomic
def answer_transfer(transfer: Transfer, user: Any, *, accept: bool, on: dt.date, answer: str,
                    request: Any = None) -> Transfer:
    """The receiving unit takes the clue over (it becomes the clue's assigned unit) or returns it."""
    if not can_answer_transfer(user, transfer):
        raise PermissionDenied("answer_transfer")
    if transfer.status != Transfer.Status.SENT:
        raise ValueError("this transfer was answered already / 该移送已答复")
    if on < transfer.sent_on:
        raise ValueError("answered before it was sent / 答复日期早于移送日期")
    if not accept and not answer.strip():
        raise ValueError("say why it is returned / 退回须说明理由")
    transfer.status = Transfer.Status.ACCEPTED if accept else Transfer.Status.RETURNED
    transfer.answered_on, transfer.answer, transfer.answered_by = on, answer.strip(), user
    transfer.save(update_fields=["status", "answered_on", "answer", "answered_by"])
    clue = transfer.clue
    if accept:
        clue.assigned_unit = transfer.to_unit
        clue.save(update_fields=["assigned_unit", "updated_at"])
    verb = "接收" if accept else "退回"
    ClueEvent.objects.create(clue=clue, actor=user, from_status=clue.status, to_status=clue.status,
                             note=f"{transfer.to_unit.name}{verb}：{answer.strip()}".rstrip("："))
    record(user, AuditEntry.Action.CLUE_UPDATE, clue, request=request, step="transfer_answer",
           accepted=accept, late=on > transfer.reply_due)
    return transfer


@transaction.atomic
def record_consultation(clue: Clue, user: Any, *, held_on: dt.date, convened_by: Agency, units: list[Agency],
                        topic: str, conclusion: str, follow_up: str = "", request: Any = None) -> Consultation:
    if not can_handle_clue(user, clue) and not (can(user, Cap.HANDLE_CLUE) and user.agency_id in units_involved(clue)):
        raise PermissionDenied("handle_clue")
    if len({u.pk for u in units} | {convened_by.pk}) < 2:
        raise ValueError("a consultation involves at least two units / 会商至少需要两个单位")
    if not conclusion.strip():
        raise ValueError("record what was agreed / 请填写会商意见")
    c = Consultation.objects.create(clue=clue, held_on=held_on, convened_by=convened_by, topic=topic.strip(),
                                    conclusion=conclusion.strip(), follow_up=follow_up.strip(), recorded_by=user)
    c.units.set(units)
    ClueEvent.objects.create(clue=clue, actor=user, from_status=clue.status, to_status=clue.status,
                             note=f"会商：{topic.strip()}")
    record(user, AuditEntry.Action.CLUE_UPDATE, clue, request=request, step="consultation",
           units=sorted(u.code for u in units))
    return c
