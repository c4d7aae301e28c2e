"""Complaint workflow steps: each writes the complaint, its history and the audit entry at once,
and recomputes the statutory deadlines (:mod:`bidwatch.workdays`).

Who may act: the campaign office on every complaint, a department on those its unit handles
(条例 第61条: the supervisory department of the sector decides). The discipline commission and
the auditors read them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet

from bidwatch.web.accounts.models import Role
from bidwatch.web.accounts.roles import Cap, can
from bidwatch.web.audit.models import AuditEntry
from bidwatch.web.audit.services import record
from bidwatch.web.complaints.models import Complaint, Event, Pause
from bidwatch.web.deadlines import calendar, today
from bidwatch.workdays import complaint_acceptance_due, complaint_decision_due, complaint_filing_limit

#: A deadline this many working days away or closer is "due soon" on the lists and the dashboard.
DUE_SOON_WORKDAYS = 2


# --- who may see and do what -------------------------------------------------------------------

def visible(user: Any, qs: QuerySet[Complaint] | None = None) -> QuerySet[Complaint]:
    qs = Complaint.objects.all() if qs is None else qs
    if not can(user, Cap.VIEW_COMPLAINTS):
        return qs.none()
    if user.role == Role.DEPARTMENT:
        return qs.filter(handling_unit_id=user.agency_id)
    return qs


def can_view(user: Any, complaint: Complaint) -> bool:
    if not can(user, Cap.VIEW_COMPLAINTS):
        return False
    return user.role != Role.DEPARTMENT or complaint.handling_unit_id == user.agency_id


def can_handle(user: Any, complaint: Complaint | None = None, unit_id: int | None = None) -> bool:
    """May ``user`` act on ``complaint`` (or register one for the unit ``unit_id``)?"""
    if not can(user, Cap.HANDLE_COMPLAINT):
        return False
    if user.role == Role.OFFICE:
        return True
    unit = complaint.handling_unit_id if complaint is not None else unit_id
    return user.agency_id is not None and unit == user.agency_id


# --- deadlines ---------------------------------------------------------------------------------

def _objection_days(c: Complaint) -> int:
    """Calendar days spent waiting for the tenderer's answer to the objection (not counted, 第60条)."""
    if c.objection_on and c.objection_answered_on and c.objection_answered_on >= c.objection_on:
        return (c.objection_answered_on - c.objection_on).days
    return 0


def _pauses(c: Complaint, until: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Pauses as closed ranges; one still running counts up to ``until``."""
    return [(p.start_on, p.end_on or max(until, p.start_on)) for p in c.pauses.all()]


def compute_deadlines(c: Complaint, on: dt.date | None = None) -> None:
    """Set the filing limit, the late flag and both stage deadlines from the complaint's dates."""
    cal = calendar()
    on = on or today()
    filing = complaint_filing_limit(c.knew_on, cal, objection_days=_objection_days(c))
    c.filing_limit, c.filed_late, c.filing_limit_exact = filing.due, c.received_on > filing.due, filing.exact
    accept = complaint_acceptance_due(c.received_on, cal)
    c.acceptance_due = accept.due
    exact = accept.exact
    if c.accepted_on:
        decide = complaint_decision_due(c.accepted_on, cal, pauses=_pauses(c, on))
        c.decision_due, exact = decide.due, exact and decide.exact
    else:
        c.decision_due = None
    c.due_exact = exact


def deadline_state(c: Complaint, on: dt.date | None = None) -> dict[str, Any]:
    """What a page says about the current deadline: due date, working days left, overdue, paused."""
    on = on or today()
    due = c.due_on
    if due is None:
        return {"due": None}
    paused = c.status == Complaint.Status.ACCEPTED and any(p.end_on is None for p in c.pauses.all())
    cal = calendar()
    left = cal.workdays_between(on, due) if due >= on else -cal.workdays_between(due, on)
    return {"due": due, "left": left, "late_by": max(-left, 0), "overdue": due < on and not paused, "paused": paused,
            "soon": not paused and on <= due and left <= DUE_SOON_WORKDAYS, "exact": c.due_exact}


def overdue_q(on: dt.date) -> Q:
    open_pause = Q(pauses__end_on__isnull=True, pauses__isnull=False)
    return (Q(status=Complaint.Status.RECEIVED, acceptance_due__lt=on)
            | (Q(status=Complaint.Status.ACCEPTED, decision_due__lt=on) & ~open_pause))


def due_soon_q(on: dt.date) -> Q:
    limit = calendar().add_workdays(on, DUE_SOON_WORKDAYS)
    return (Q(status=Complaint.Status.RECEIVED, acceptance_due__gte=on, acceptance_due__lte=limit)
            | Q(status=Complaint.Status.ACCEPTED, decision_due__gte=on, decision_due__lte=limit))


def reminders(user: Any, on: dt.date | None = None) -> dict[str, int]:
    """Counts for the dashboard: open complaints of the user's scope that are overdue or due soon."""
    on = on or today()
    qs = visible(user)
    return {"open": qs.filter(status__in=Complaint.OPEN).count(),
            "overdue": qs.filter(overdue_q(on)).distinct().count(),
            "soon": qs.filter(due_soon_q(on)).exclude(overdue_q(on)).distinct().count()}


# --- workflow steps ----------------------------------------------------------------------------

def _log(c: Complaint, user: Any, step: str, note: str, request: Any, **detail: Any) -> None:
    Event.objects.create(complaint=c, actor=user, step=step, note=note)
    record(user, AuditEntry.Action.COMPLAINT, c, request=request, step=step, **detail)


def _require(user: Any, c: Complaint, *statuses: str) -> None:
    if not can_handle(user, c):
        raise PermissionDenied("handle_complaint")
    if c.status not in statuses:
        raise ValueError(f"complaint {c.number} is {c.get_status_display()} / 当前状态不允许此操作")


@transaction.atomic
def register(user: Any, *, request: Any = None, **fields: Any) -> Complaint:
    c = Complaint(created_by=user, **fields)
    if not can_handle(user, unit_id=c.handling_unit_id):
        raise PermissionDenied("handle_complaint")
    if c.received_on < c.knew_on:
        raise ValueError("received before the complainant knew of the matter / 收到日期早于知道日期")
    compute_deadlines(c)
    c.save()
    _log(c, user, "register", c.facts[:200], request, received_on=str(c.received_on),
         acceptance_due=str(c.acceptance_due), filed_late=c.filed_late)
    return c


@transaction.atomic
def accept(c: Complaint, user: Any, on: dt.date, note: str = "", *, request: Any = None) -> Complaint:
    _require(user, c, Complaint.Status.RECEIVED)
    if on < c.received_on:
        raise ValueError("accepted before it was received / 受理日期早于收到日期")
    c.status, c.accepted_on = Complaint.Status.ACCEPTED, on
    compute_deadlines(c)
    c.save()
    _log(c, user, "accept", note, request, accepted_on=str(on), decision_due=str(c.decision_due),
         late=on > c.acceptance_due)
    return c


@transaction.atomic
def refuse(c: Complaint, user: Any, on: dt.date, reason: str, note: str = "", *, request: Any = None) -> Complaint:
    _require(user, c, Complaint.Status.RECEIVED)
    if reason not in Complaint.Refusal.values:
        raise ValueError(f"unknown reason {reason!r}")
    if on < c.received_on:
        raise ValueError("decided before it was received / 决定日期早于收到日期")
    c.status, c.refusal, c.decided_on = Complaint.Status.NOT_ACCEPTED, reason, on
    c.save()
    _log(c, user, "refuse", note, request, reason=reason, on=str(on), late=on > c.acceptance_due)
    return c


@transaction.atomic
def pause(c: Complaint, user: Any, kind: str, start: dt.date, note: str = "", *, request: Any = None) -> Pause:
    _require(user, c, Complaint.Status.ACCEPTED)
    if c.pauses.filter(end_on__isnull=True).exists():
        raise ValueError("the clock is already stopped / 已在暂停计时")
    if start < (c.accepted_on or start):
        raise ValueError("a pause cannot start before acceptance / 暂停不能早于受理日期")
    p = Pause.objects.create(complaint=c, kind=kind, start_on=start, note=note)
    compute_deadlines(c)
    c.save()
    _log(c, user, "pause", note, request, kind=kind, start=str(start))
    return p


@transaction.atomic
def resume(c: Complaint, user: Any, end: dt.date, note: str = "", *, request: Any = None) -> Complaint:
    _require(user, c, Complaint.Status.ACCEPTED)
    p = c.pauses.filter(end_on__isnull=True).first()
    if p is None:
        raise ValueError("the clock is running / 未在暂停计时")
    if end < p.start_on:
        raise ValueError("a pause cannot end before it starts / 结束日期早于开始日期")
    p.end_on = end
    p.save(update_fields=["end_on"])
    compute_deadlines(c, on=end)
    c.save()
    _log(c, user, "resume", note, request, end=str(end), decision_due=str(c.decision_due))
    return c


@transaction.atomic
def decide(c: Complaint, user: Any, on: dt.date, outcome: str, number: str, text: str, *,
           request: Any = None) -> Complaint:
    _require(user, c, Complaint.Status.ACCEPTED)
    if outcome not in Complaint.Outcome.values:
        raise ValueError(f"unknown outcome {outcome!r}")
    if not text.strip():
        raise ValueError("a decision needs its text / 处理决定内容不能为空")
    if on < (c.accepted_on or on):
        raise ValueError("decided before acceptance / 处理日期早于受理日期")
    if c.pauses.filter(end_on__isnull=True).exists():
        raise ValueError("end the stopped clock first / 请先结束暂停计时")
    c.status, c.decided_on, c.outcome = Complaint.Status.DECIDED, on, outcome
    c.decision_number, c.decision = number.strip(), text.strip()
    c.save()
    _log(c, user, "decide", text.strip()[:200], request, outcome=outcome, on=str(on),
         late=c.decision_due is not None and on > c.decision_due)
    return c


@transaction.atomic
def withdraw(c: Complaint, user: Any, on: dt.date, note: str, *, request: Any = None) -> Complaint:
    _require(user, c, *Complaint.OPEN)
    if not note.strip():
        raise ValueError("say why / 请填写撤回说明")
    c.status, c.decided_on = Complaint.Status.WITHDRAWN, on
    c.save()
    _log(c, user, "withdraw", note.strip(), request, on=str(on))
    return c
