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
from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext as _

from bidwatch.web.accounts.models import Role
from bidwatch.web.accounts.roles import Cap, can
from bidwatch.web.campaign.models import Problem
from bidwatch.web.campaign.workflow import CLOCK, WORKFLOW
from bidwatch.web.campaign.workflow import DUE_SOON_WORKDAYS as DUE_SOON_WORKDAYS  # re-exported
from bidwatch.web.campaign.workflow import visible as visible  # re-exported
from bidwatch.web.deadlines import calendar, today
from bidwatch.web.workflow.checks import not_before, required

#: The fields a user gives when listing a problem.
FIELDS = ("source", "category", "unit", "sector", "project_name", "tender", "description", "measures",
          "listed_on", "deadline")


# --- who may see and do what -------------------------------------------------------------------

def can_view(user: Any, problem: Problem) -> bool:
    return visible(user).filter(pk=problem.pk).exists()


def can_list(user: Any, unit_id: int | None) -> bool:
    """May ``user`` list a problem for the unit ``unit_id``?"""
    if not can(user, Cap.MANAGE_LEDGER):
        return False
    return user.role == Role.OFFICE or (user.agency_id is not None and unit_id == user.agency_id)


def can_act(user: Any, problem: Problem, step: str) -> bool:
    return WORKFLOW.may(user, problem, step)


def steps_for(user: Any, problem: Problem) -> list[str]:
    """The steps the problem's status allows and the user may take."""
    return [s.name for s in WORKFLOW.steps_for(user, problem)]


# --- deadlines ---------------------------------------------------------------------------------

def deadline_from_workdays(n: int, start: dt.date | None = None) -> tuple[dt.date, bool]:
    """The ``n``-th working day after ``start`` (today) and whether the holiday schedule was known."""
    cal = calendar()
    start = start or today()
    due = cal.add_workdays(start, n)
    return due, cal.covers(start, due)


def counts(user: Any, on: dt.date | None = None) -> dict[str, int]:
    """Problems of the user's scope by status, and the open ones overdue or due soon."""
    on = on or today()
    qs = visible(user)
    by_status = dict(qs.order_by().values_list("status").annotate(n=Count("id")))
    out = {s: by_status.get(s, 0) for s in Problem.Status.values}
    return {**out, **CLOCK.reminders(qs, on)}


def reminders(user: Any, on: dt.date | None = None) -> dict[str, int]:
    """For the dashboard: open problems of the user's scope past their deadline or due soon."""
    return CLOCK.reminders(visible(user), on or today())


def totals(qs: QuerySet[Problem]) -> dict[str, Any]:
    """The results of the problems closed off (verified) among ``qs``: what a campaign report sums."""
    agg = qs.filter(status=Problem.Status.CLOSED).aggregate(
        n=Count("id"), amount=Sum("recovered_amount"), people=Sum("people_accountable"), rules=Sum("rules_count"))
    return {"closed": agg["n"], "amount": agg["amount"] or Decimal("0"), "people": agg["people"] or 0,
            "rules": agg["rules"] or 0}


# --- workflow steps ----------------------------------------------------------------------------

def _deadlines(old: dt.date | None, new: dt.date | None) -> dict[str, Any]:
    """An extension (and the listing) keeps both deadlines: in the history as dates, in the audit as text."""
    return {"history": {"old_deadline": old, "new_deadline": new},
            "old_deadline": str(old) if old else None, "new_deadline": str(new) if new else None}


@transaction.atomic
def create(user: Any, *, request: Any = None, alert: Any = None, clue: Any = None, complaint: Any = None,
           **fields: Any) -> Problem:
    """List a problem. Raises ``ValidationError`` naming the field at fault."""
    p = Problem(created_by=user, alert=alert, clue=clue, complaint=complaint, **fields)
    if not can_list(user, p.unit_id):
        raise PermissionDenied("manage_ledger")
    p.full_clean(exclude=["created_by", "closed_by", "alert", "clue", "complaint", "tender"])
    if p.deadline < p.listed_on:
        raise ValidationError({"deadline": _("the deadline is before the listing date")})
    return WORKFLOW.finish(p, user, "create", p.description[:200], request, **_deadlines(None, p.deadline),
                           unit=p.unit_id, category=p.category, source=p.source, alert=p.alert_id, clue=p.clue_id,
                           complaint=p.complaint_id)


@transaction.atomic
def start(p: Problem, user: Any, on: dt.date, measures: str, note: str = "", *, request: Any = None) -> Problem:
    """The unit sets (or confirms) its rectification measures and starts: 待整改 → 整改中."""
    WORKFLOW.begin(p, user, "start")
    measures = required(measures, _("give the rectification measures"))
    not_before(on, p.listed_on, _("started before the problem was listed"))
    p.status, p.started_on, p.measures = Problem.Status.IN_PROGRESS, on, measures
    return WORKFLOW.finish(p, user, "start", note.strip() or p.measures[:200], request, on=str(on))


@transaction.atomic
def report(p: Problem, user: Any, on: dt.date, result: str, *, recovered_amount: Decimal = Decimal("0"),
           people_accountable: int = 0, rules_count: int = 0, rules_text: str = "", request: Any = None) -> Problem:
    """The unit says what it did and asks for closure (申请销号): 整改中 → 已整改."""
    WORKFLOW.begin(p, user, "report")
    result = required(result, _("say what was done"))
    if recovered_amount < 0 or people_accountable < 0 or rules_count < 0:
        raise ValueError(_("the figures cannot be negative"))
    not_before(on, p.started_on, _("requested before rectification started"))
    p.status, p.reported_on, p.result = Problem.Status.REPORTED, on, result
    p.recovered_amount, p.people_accountable = recovered_amount, people_accountable
    p.rules_count, p.rules_text = rules_count, rules_text.strip()
    return WORKFLOW.finish(p, user, "report", p.result[:200], request, on=str(on), late=on > p.deadline,
                           recovered_amount=str(recovered_amount), people_accountable=people_accountable,
                           rules_count=rules_count)


@transaction.atomic
def close(p: Problem, user: Any, on: dt.date, verification: str, *, request: Any = None) -> Problem:
    """The office verifies the rectification and closes the problem off (销号): 已整改 → 已销号."""
    WORKFLOW.begin(p, user, "close")
    verification = required(verification, _("give the verification note"))
    not_before(on, p.reported_on, _("closed before closure was requested"))
    p.status, p.closed_on, p.closed_by, p.verification = Problem.Status.CLOSED, on, user, verification
    return WORKFLOW.finish(p, user, "close", p.verification[:200], request, on=str(on),
                           in_time=p.reported_in_time)


@transaction.atomic
def return_request(p: Problem, user: Any, on: dt.date, reason: str, *, request: Any = None) -> Problem:
    """The office returns the closure request (退回): back to 整改中, with the reason."""
    WORKFLOW.begin(p, user, "return")
    reason = required(reason, _("say why it is returned"))
    not_before(on, p.reported_on, _("returned before closure was requested"))
    requested = p.reported_on
    p.status, p.reported_on = Problem.Status.IN_PROGRESS, None
    return WORKFLOW.finish(p, user, "return", reason, request, on=str(on), requested_on=str(requested))


@transaction.atomic
def extend(p: Problem, user: Any, deadline: dt.date, reason: str, *, request: Any = None) -> Problem:
    """The office moves the deadline later (延期); the history keeps the previous one."""
    WORKFLOW.begin(p, user, "extend")
    reason = required(reason, _("say why the deadline is extended"))
    if deadline <= p.deadline:
        raise ValueError(_("the new deadline must come after the present one (%(day)s)") % {"day": p.deadline})
    old = p.deadline
    p.deadline = deadline
    return WORKFLOW.finish(p, user, "extend", reason, request, **_deadlines(old, deadline))
