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
from django.db.models import Max
from django.utils.translation import gettext as _

from bidwatch.web.complaints.models import Complaint, Pause
from bidwatch.web.complaints.workflow import CLOCK, WORKFLOW
from bidwatch.web.complaints.workflow import DUE_SOON_WORKDAYS as DUE_SOON_WORKDAYS  # re-exported
from bidwatch.web.complaints.workflow import visible as visible  # re-exported
from bidwatch.web.deadlines import calendar, today
from bidwatch.web.tenders.models import Tender
from bidwatch.web.workflow.checks import not_before, required
from bidwatch.workdays import complaint_acceptance_due, complaint_decision_due, complaint_filing_limit

# --- who may see and do what: declared in ``workflow.py`` ------------------------------------------

def can_view(user: Any, complaint: Complaint) -> bool:
    return visible(user).filter(pk=complaint.pk).exists()


def can_handle(user: Any, complaint: Complaint | None = None, unit_id: int | None = None) -> bool:
    """May ``user`` act on ``complaint`` (or register one for the unit ``unit_id``)?"""
    if complaint is None:
        complaint = Complaint(handling_unit_id=unit_id)
    return WORKFLOW.may(user, complaint, "accept")


# --- deadlines ---------------------------------------------------------------------------------

#: 实施条例 第22条、第54条: the tenderer answers an objection within 3 days of receiving it (第44条: at the opening,
#: on the spot) — the longest 异议答复期间 an objection left unanswered can stand for.
OBJECTION_ANSWER_DAYS = 3


def _objection_days(c: Complaint) -> int:
    """Calendar days spent waiting for the tenderer's answer to the objection, which do not count (第60条第2款:
    异议答复期间不计算在前款规定的期限内): objection to answer; with no answer recorded, the objection to the
    complaint's receipt, at most the statutory answer period (:data:`OBJECTION_ANSWER_DAYS`) — an answer still
    pending keeps the complainant within time, but not for longer than the tenderer had to answer."""
    if not c.objection_on:
        return 0
    if c.objection_answered_on:
        return max((c.objection_answered_on - c.objection_on).days, 0)
    return max(min((c.received_on - c.objection_on).days, OBJECTION_ANSWER_DAYS), 0)


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


def reminders(user: Any, on: dt.date | None = None) -> dict[str, int]:
    """Counts for the dashboard: open complaints of the user's scope that are overdue or due soon."""
    return CLOCK.reminders(visible(user), on or today(), with_open=True)


# --- workflow steps ----------------------------------------------------------------------------

@transaction.atomic
def register(user: Any, *, request: Any = None, **fields: Any) -> Complaint:
    c = Complaint(created_by=user, **fields)
    if not can_handle(user, unit_id=c.handling_unit_id):
        raise PermissionDenied("handle_complaint")
    if c.received_on < c.knew_on:
        raise ValueError(_("received before the complainant knew of the matter"))
    tender = Tender.objects.filter(pk=c.tender_id).first() if c.tender_id else None
    if tender is not None and tender.sector != c.sector:  # the tender's sector decides who handles it
        raise ValueError(_("The tender %(tender)s is in the sector “%(sector)s”: the complaint is too.")
                         % {"tender": tender.pk, "sector": tender.get_sector_display()})
    compute_deadlines(c)
    return WORKFLOW.finish(c, user, "register", c.facts[:200], request, received_on=str(c.received_on),
                           acceptance_due=str(c.acceptance_due), filed_late=c.filed_late)


@transaction.atomic
def accept(c: Complaint, user: Any, on: dt.date, note: str = "", *, request: Any = None) -> Complaint:
    WORKFLOW.begin(c, user, "accept")
    if on < c.received_on:
        raise ValueError(_("accepted before it was received"))
    c.status, c.accepted_on = Complaint.Status.ACCEPTED, on
    compute_deadlines(c)
    return WORKFLOW.finish(c, user, "accept", note, request, accepted_on=str(on),
                           decision_due=str(c.decision_due),
                           late=on > c.acceptance_due)


@transaction.atomic
def refuse(c: Complaint, user: Any, on: dt.date, reason: str, note: str = "", *, request: Any = None) -> Complaint:
    WORKFLOW.begin(c, user, "refuse")
    if reason not in Complaint.Refusal.values:
        raise ValueError(f"unknown reason {reason!r}")
    if reason == Complaint.Refusal.NO_OBJECTION and not c.lacks_objection:
        raise ValueError(_("the matter needed no objection first, or one was raised"))
    if on < c.received_on:
        raise ValueError(_("decided before it was received"))
    c.status, c.refusal, c.decided_on = Complaint.Status.NOT_ACCEPTED, reason, on
    return WORKFLOW.finish(c, user, "refuse", note, request, reason=reason, on=str(on),
                           late=on > c.acceptance_due)


@transaction.atomic
def refer(c: Complaint, user: Any, on: dt.date, to: str, note: str = "", *, request: Any = None) -> Complaint:
    """办法 第11条第(二)项: the complaint meets the conditions but belongs to another supervisory department; the
    complainant is told in writing to complain there. Not a refusal (第12条), and it closes the complaint here."""
    WORKFLOW.begin(c, user, "refer")
    to = required(to, _("name the department"))
    if on < c.received_on:
        raise ValueError(_("decided before it was received"))
    c.status, c.referred_to, c.decided_on = Complaint.Status.REFERRED, to, on
    return WORKFLOW.finish(c, user, "refer", note, request, to=to, on=str(on), late=on > c.acceptance_due)


@transaction.atomic
def pause(c: Complaint, user: Any, kind: str, on: dt.date, note: str = "", *, request: Any = None) -> Pause:
    WORKFLOW.begin(c, user, "pause")
    if c.pauses.filter(end_on__isnull=True).exists():
        raise ValueError(_("the clock is already stopped"))
    if on < (c.accepted_on or on):
        raise ValueError(_("a pause cannot start before acceptance"))
    p = Pause.objects.create(complaint=c, kind=kind, start_on=on, note=note)
    compute_deadlines(c)
    c.save()
    WORKFLOW.log(c, user, "pause", note, request, kind=kind, start=str(on))
    return p


@transaction.atomic
def resume(c: Complaint, user: Any, on: dt.date, note: str = "", *, request: Any = None) -> Complaint:
    WORKFLOW.begin(c, user, "resume")
    p = c.pauses.filter(end_on__isnull=True).first()
    if p is None:
        raise ValueError(_("the clock is running"))
    if on < p.start_on:
        raise ValueError(_("a pause cannot end before it starts"))
    p.end_on = on
    p.save(update_fields=["end_on"])
    compute_deadlines(c, on=on)
    return WORKFLOW.finish(c, user, "resume", note, request, end=str(on), decision_due=str(c.decision_due))


@transaction.atomic
def decide(c: Complaint, user: Any, on: dt.date, outcome: str, number: str, text: str, *,
           request: Any = None) -> Complaint:
    WORKFLOW.begin(c, user, "decide")
    if outcome not in Complaint.Outcome.values:
        raise ValueError(f"unknown outcome {outcome!r}")
    text = required(text, _("a decision needs its text"))
    if on < (c.accepted_on or on):
        raise ValueError(_("decided before acceptance"))
    if c.pauses.filter(end_on__isnull=True).exists():
        raise ValueError(_("end the stopped clock first"))
    # a decision dated inside a stopped period (or before the recorded restart) would be taken while the clock
    # stood still (检验、检测、鉴定、专家评审): it comes on or after the last restart
    restarted = c.pauses.aggregate(last=Max("end_on"))["last"]
    not_before(on, restarted, _("the decision cannot be dated before the clock was restarted (%(day)s)")
               % {"day": restarted}, dates=False)
    c.status, c.decided_on, c.outcome = Complaint.Status.DECIDED, on, outcome
    c.decision_number, c.decision = number.strip(), text
    return WORKFLOW.finish(c, user, "decide", text[:200], request, outcome=outcome, on=str(on),
                           late=c.decision_due is not None and on > c.decision_due)


@transaction.atomic
def withdraw(c: Complaint, user: Any, on: dt.date, note: str, *, request: Any = None) -> Complaint:
    WORKFLOW.begin(c, user, "withdraw")
    note = required(note, _("say why it is withdrawn"))
    c.status, c.decided_on = Complaint.Status.WITHDRAWN, on
    return WORKFLOW.finish(c, user, "withdraw", note, request, on=str(on))
