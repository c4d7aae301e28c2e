"""Ledger workflow steps: each writes the problem, its history and the audit entry in one transaction.

Who may act (``Cap.MANAGE_LEDGER``, and then by role):

* the campaign office lists problems for any unit, and alone closes them off (销号), returns a
  closure request (退回) and extends a deadline (延期);
* a department lists problems for its own unit, starts their rectification and requests closure.

The discipline commission and the auditors read the whole ledger; a department reads its own
unit's problems only.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum

from bidwatch.web.accounts.models import Role
from bidwatch.web.accounts.roles import Cap, can
from bidwatch.web.audit.models import AuditEntry
from bidwatch.web.audit.services import record
from bidwatch.web.campaign.models import Problem, ProblemEvent
from bidwatch.web.deadlines import calendar, today

#: A deadline this many working days away or closer is "due soon" on the list.
DUE_SOON_WORKDAYS = 5

#: Who takes each step: the responsible unit's department staff, or the campaign office.
STEP_ACTOR = {"start": "unit", "report": "unit", "close": "office", "return": "office", "extend": "office"}

#: The steps open in each status.
STEPS_BY_STATUS: dict[str, tuple[str, ...]] = {
    Problem.Status.PENDING: ("start", "extend"),
    Problem.Status.IN_PROGRESS: ("report", "extend"),
    Problem.Status.REPORTED: ("close", "return"),
}

#: The fields a user gives when listing a problem.
FIELDS = ("source", "category", "unit", "sector", "project_name", "tender", "description", "measures",
          "listed_on", "deadline")


# --- who may see and do what -------------------------------------------------------------------

def visible(user: Any, qs: QuerySet[Problem] | None = None) -> QuerySet[Problem]:
    qs = Problem.objects.all() if qs is None else qs
    if not can(user, Cap.VIEW_LEDGER):
        return qs.none()
    if user.role == Role.DEPARTMENT:
        return qs.filter(unit_id=user.agency_id)
    return qs


def can_view(user: Any, problem: Problem) -> bool:
    if not can(user, Cap.VIEW_LEDGER):
        return False
    return user.role != Role.DEPARTMENT or problem.unit_id == user.agency_id


def can_list(user: Any, unit_id: int | None) -> bool:
    """May ``user`` list a problem for the unit ``unit_id``?"""
    if not can(user, Cap.MANAGE_LEDGER):
        return False
    return user.role == Role.OFFICE or (user.agency_id is not None and unit_id == user.agency_id)


def can_act(user: Any, problem: Problem, step: str) -> bool:
    if not can(user, Cap.MANAGE_LEDGER) or step not in STEP_ACTOR:
        return False
    if STEP_ACTOR[step] == "office":
        return user.role == Role.OFFICE
    return user.role == Role.DEPARTMENT and user.agency_id is not None and user.agency_id == problem.unit_id


def steps_for(user: Any, problem: Problem) -> list[str]:
    """The steps the problem's status allows and the user may take."""
    return [s for s in STEPS_BY_STATUS.get(problem.status, ()) if can_act(user, problem, s)]


# --- deadlines ---------------------------------------------------------------------------------

def deadline_from_workdays(n: int, start: dt.date | None = None) -> tuple[dt.date, bool]:
    """The ``n``-th working day after ``start`` (today) and whether the holiday schedule was known."""
    cal = calendar()
    start = start or today()
    due = cal.add_workdays(start, n)
    return due, cal.covers(start, due)


def deadline_state(p: Problem, on: dt.date | None = None) -> dict[str, Any]:
    """What a page says about the deadline (the shape of ``complaints/_deadline.html``)."""
    on = on or today()
    if not p.is_open:
        return {"due": None}
    cal = calendar()
    due = p.deadline
    left = cal.workdays_between(on, due) if due >= on else -cal.workdays_between(due, on)
    return {"due": due, "left": left, "late_by": max(-left, 0), "overdue": due < on, "paused": False,
            "soon": on <= due and left <= DUE_SOON_WORKDAYS, "exact": cal.covers(min(on, due), max(on, due))}


def overdue_q(on: dt.date) -> Q:
    return Q(status__in=Problem.OPEN, deadline__lt=on)


def due_soon_q(on: dt.date) -> Q:
    return Q(status__in=Problem.OPEN, deadline__gte=on, deadline__lte=calendar().add_workdays(on, DUE_SOON_WORKDAYS))


def counts(user: Any, on: dt.date | None = None) -> dict[str, int]:
    """Problems of the user's scope by status, and the open ones overdue or due soon."""
    on = on or today()
    qs = visible(user)
    by_status = dict(qs.order_by().values_list("status").annotate(n=Count("id")))
    out = {s: by_status.get(s, 0) for s in Problem.Status.values}
    out["overdue"] = qs.filter(overdue_q(on)).count()
    out["soon"] = qs.filter(due_soon_q(on)).count()
    return out


def reminders(user: Any, on: dt.date | None = None) -> dict[str, int]:
    """For the dashboard: open problems of the user's scope past their deadline or due soon."""
    on = on or today()
    qs = visible(user)
    return {"overdue": qs.filter(overdue_q(on)).count(), "soon": qs.filter(due_soon_q(on)).count()}


def totals(qs: QuerySet[Problem]) -> dict[str, Any]:
    """The results of the problems closed off (verified) among ``qs``: what a campaign report sums."""
    agg = qs.filter(status=Problem.Status.CLOSED).aggregate(
        n=Count("id"), amount=Sum("recovered_amount"), people=Sum("people_accountable"), rules=Sum("rules_count"))
    return {"closed": agg["n"], "amount": agg["amount"] or Decimal("0"), "people": agg["people"] or 0,
            "rules": agg["rules"] or 0}


# --- workflow steps ----------------------------------------------------------------------------

def _log(p: Problem, user: Any, step: str, note: str, request: Any, *, old_deadline: dt.date | None = None,
         new_deadline: dt.date | None = None, **detail: Any) -> None:
    ProblemEvent.objects.create(problem=p, actor=user, step=step, note=note, old_deadline=old_deadline,
                                new_deadline=new_deadline)
    record(user, AuditEntry.Action.RECTIFICATION, p, request=request, step=step, number=p.number,
           old_deadline=str(old_deadline) if old_deadline else None,
           new_deadline=str(new_deadline) if new_deadline else None, **detail)


def _require(user: Any, p: Problem, step: str) -> Problem:
    """The problem locked for update, after checking the user and the status."""
    if not can_act(user, p, step):
        raise PermissionDenied(f"ledger:{step}")
    p = Problem.objects.select_for_update().get(pk=p.pk)
    if step not in STEPS_BY_STATUS.get(p.status, ()):
        raise ValueError(f"problem {p.number} is {p.get_status_display()} / 当前状态不允许此操作")
    return p


def _not_before(on: dt.date, earlier: dt.date | None, what: str) -> None:
    if earlier is not None and on < earlier:
        raise ValueError(f"{what} ({on} < {earlier})")


@transaction.atomic
def create(user: Any, *, request: Any = None, alert: Any = None, clue: Any = None, complaint: Any = None,
           **fields: Any) -> Problem:
    """List a problem. Raises ``ValidationError`` naming the field at fault."""
    p = Problem(created_by=user, alert=alert, clue=clue, complaint=complaint, **fields)
    if not can_list(user, p.unit_id):
        raise PermissionDenied("manage_ledger")
    p.full_clean(exclude=["created_by", "closed_by", "alert", "clue", "complaint", "tender"])
    if p.deadline < p.listed_on:
        raise ValidationError({"deadline": "the deadline is before the listing date / 整改时限早于列入日期"})
    p.save()
    _log(p, user, "create", p.description[:200], request, new_deadline=p.deadline, unit=p.unit_id,
         category=p.category, source=p.source, alert=p.alert_id, clue=p.clue_id, complaint=p.complaint_id)
    return p


@transaction.atomic
def start(p: Problem, user: Any, on: dt.date, measures: str, note: str = "", *, request: Any = None) -> Problem:
    """The unit sets (or confirms) its rectification measures and starts: 待整改 → 整改中."""
    p = _require(user, p, "start")
    if not measures.strip():
        raise ValueError("give the rectification measures / 请填写整改措施")
    _not_before(on, p.listed_on, "started before the problem was listed / 开始日期早于列入日期")
    p.status, p.started_on, p.measures = Problem.Status.IN_PROGRESS, on, measures.strip()
    p.save()
    _log(p, user, "start", note.strip() or p.measures[:200], request, on=str(on))
    return p


@transaction.atomic
def report(p: Problem, user: Any, on: dt.date, result: str, *, recovered_amount: Decimal = Decimal("0"),
           people_accountable: int = 0, rules_count: int = 0, rules_text: str = "", request: Any = None) -> Problem:
    """The unit says what it did and asks for closure (申请销号): 整改中 → 已整改."""
    p = _require(user, p, "report")
    if not result.strip():
        raise ValueError("say what was done / 请填写整改完成情况")
    if recovered_amount < 0 or people_accountable < 0 or rules_count < 0:
        raise ValueError("the figures cannot be negative / 数字不能为负")
    _not_before(on, p.started_on, "requested before rectification started / 申请日期早于开始整改日期")
    p.status, p.reported_on, p.result = Problem.Status.REPORTED, on, result.strip()
    p.recovered_amount, p.people_accountable = recovered_amount, people_accountable
    p.rules_count, p.rules_text = rules_count, rules_text.strip()
    p.save()
    _log(p, user, "report", p.result[:200], request, on=str(on), late=on > p.deadline,
         recovered_amount=str(recovered_amount), people_accountable=people_accountable, rules_count=rules_count)
    return p


@transaction.atomic
def close(p: Problem, user: Any, on: dt.date, verification: str, *, request: Any = None) -> Problem:
    """The office verifies the rectification and closes the problem off (销号): 已整改 → 已销号."""
    p = _require(user, p, "close")
    if not verification.strip():
        raise ValueError("give the verification note / 请填写核查意见")
    _not_before(on, p.reported_on, "closed before closure was requested / 销号日期早于申请日期")
    p.status, p.closed_on, p.closed_by, p.verification = Problem.Status.CLOSED, on, user, verification.strip()
    p.save()
    _log(p, user, "close", p.verification[:200], request, on=str(on), in_time=p.reported_in_time)
    return p


@transaction.atomic
def return_request(p: Problem, user: Any, on: dt.date, reason: str, *, request: Any = None) -> Problem:
    """The office returns the closure request (退回): back to 整改中, with the reason."""
    p = _require(user, p, "return")
    if not reason.strip():
        raise ValueError("say why it is returned / 请填写退回理由")
    _not_before(on, p.reported_on, "returned before closure was requested / 退回日期早于申请日期")
    requested = p.reported_on
    p.status, p.reported_on = Problem.Status.IN_PROGRESS, None
    p.save()
    _log(p, user, "return", reason.strip(), request, on=str(on), requested_on=str(requested))
    return p


@transaction.atomic
def extend(p: Problem, user: Any, new_deadline: dt.date, reason: str, *, request: Any = None) -> Problem:
    """The office moves the deadline later (延期); the history keeps the previous one."""
    p = _require(user, p, "extend")
    if not reason.strip():
        raise ValueError("say why the deadline is extended / 请填写延期理由")
    if new_deadline <= p.deadline:
        raise ValueError(f"the new deadline must come after {p.deadline} / 新的整改时限应晚于原时限")
    old = p.deadline
    p.deadline = new_deadline
    p.save()
    _log(p, user, "extend", reason.strip(), request, old_deadline=old, new_deadline=new_deadline)
    return p
