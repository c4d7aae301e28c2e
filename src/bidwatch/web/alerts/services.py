"""Triage and clue workflow steps: each writes its row, the alert's history and the audit entry at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from bidwatch.web.accounts.models import Agency, Role
from bidwatch.web.accounts.roles import Cap, can, sector_allowed
from bidwatch.web.alerts.models import Alert, Clue, Consultation, Transfer, TriageAction
from bidwatch.web.alerts.workflow import WORKFLOW, pending, visible
from bidwatch.web.alerts.workflow import units_involved as units_involved  # re-exported
from bidwatch.web.audit.models import AuditEntry
from bidwatch.web.audit.services import record
from bidwatch.web.deadlines import calendar
from bidwatch.web.workflow.checks import required


def can_triage(user: Any, alert: Alert) -> bool:
    return can(user, Cap.TRIAGE) and sector_allowed(user, alert.sector)


def can_raise_clue(user: Any, alert: Alert | None) -> bool:
    return can(user, Cap.RAISE_CLUE) and (alert is None or sector_allowed(user, alert.sector))


def can_handle_clue(user: Any, clue: Clue) -> bool:
    return WORKFLOW.may(user, clue, "status")


def visible_clues(user: Any) -> QuerySet[Clue]:
    """The clues a user may see (declared in ``workflow.py``)."""
    return visible(user)


def can_view_clue(user: Any, clue: Clue) -> bool:
    return visible(user).filter(pk=clue.pk).exists()


def investigated_by(user: Any) -> QuerySet[Clue]:
    """The clues the user's unit investigates: assigned to it, or transferred to it and taken over (accepted). Their
    alert and tender are the unit's to read whatever their sector (a police unit has none)."""
    if getattr(user, "agency_id", None) is None:
        return Clue.objects.none()
    unit = user.agency_id
    return Clue.objects.filter(Q(assigned_unit=unit) | Q(transfers__to_unit=unit,
                                                         transfers__status=Transfer.Status.ACCEPTED))


def can_view_alert(user: Any, alert: Alert) -> bool:
    """An alert of the user's sector (everyone's for the office and the commission), or the alert of a clue the user's
    unit investigates (:func:`investigated_by`)."""
    return can(user, Cap.VIEW) and (sector_allowed(user, alert.sector)
                                    or investigated_by(user).filter(alert=alert).exists())


def can_view_tender(user: Any, tender: Any) -> bool:
    """A tender of the user's sector, or the tender of a clue the user's unit investigates (its own or its alert's)."""
    return can(user, Cap.VIEW) and (sector_allowed(user, tender.sector) or investigated_by(user).filter(
        Q(tender=tender) | Q(alert__tender=tender)).exists())


def refuse_inactive(alert: Alert | None) -> None:
    """An alert the latest import no longer finds is kept for its history, but no longer triaged: no new
    confirmation, dismissal or clue (a clue formed before stays)."""
    if alert is not None and not alert.active:
        raise ValueError(_("This alert is inactive: the latest import no longer finds it."))


def _decide(alert: Alert, user: Any, action: str, status: str, reason: str, request: Any, clue: Clue | None = None) -> TriageAction:
    previous = alert.status
    alert.status = status
    alert.save(update_fields=["status"])
    entry = TriageAction.objects.create(alert=alert, actor=user, step=action, note=reason, clue=clue)
    record(user, AuditEntry.Action.TRIAGE, alert, request=request, decision=action, reason=reason or None,
           previous=previous, clue=clue.pk if clue else None)
    return entry


@transaction.atomic
def confirm(alert: Alert, user: Any, reason: str = "", *, request: Any = None) -> TriageAction:
    if not can_triage(user, alert):
        raise PermissionDenied("triage")
    refuse_inactive(alert)
    return _decide(alert, user, TriageAction.Action.CONFIRM, Alert.Status.CONFIRMED, reason.strip(), request)


@transaction.atomic
def dismiss(alert: Alert, user: Any, reason: str, *, request: Any = None) -> TriageAction:
    if not can_triage(user, alert):
        raise PermissionDenied("triage")
    refuse_inactive(alert)
    reason = required(reason, _("a dismissal needs a reason"))
    return _decide(alert, user, TriageAction.Action.DISMISS, Alert.Status.DISMISSED, reason, request)


@transaction.atomic
def raise_clue(
    alert: Alert | None, user: Any, unit: Agency, summary: str, *, source: str = Clue.Source.BIG_DATA,
    request: Any = None, tender_id: str = "",
) -> Clue:
    """A clue from an alert (its tender), or from a report or a register entry (``tender_id``, that record's;
    blank: none)."""
    if not can_raise_clue(user, alert):
        raise PermissionDenied("raise_clue")
    refuse_inactive(alert)
    if not summary.strip():
        raise ValueError(_("a clue needs a summary"))
    clue = Clue.objects.create(
        alert=alert, tender_id=alert.tender_id if alert else (tender_id or None), source=source,
        summary=summary.strip(), assigned_unit=unit, created_by=user,
    )
    WORKFLOW.log(clue, user, "raise", summary.strip(), request, history={"to_status": clue.status},
                 action=AuditEntry.Action.CLUE_CREATE, unit=unit.code, alert=alert.pk if alert else None)
    if alert is not None:
        _decide(alert, user, TriageAction.Action.CLUE, Alert.Status.CLUE, summary.strip(), request, clue=clue)
    return clue


@transaction.atomic
def update_clue(clue: Clue, user: Any, status: str, note: str = "", *, request: Any = None) -> Clue:
    WORKFLOW.begin(clue, user, "status")
    if status not in Clue.Status.values:
        raise ValueError(f"unknown status {status!r}")
    previous = clue.status
    clue.status = status
    clue.save(update_fields=["status", "updated_at"])
    _log(clue, user, "status", note.strip(), request, previous=previous, status=status,
         extra={"note": note.strip() or None})
    return clue


def _log(clue: Clue, user: Any, step: str, note: str, request: Any, *, previous: str | None = None,
         status: str | None = None, **detail: Any) -> None:
    """A clue's entry records its status before and after (unchanged but by the "status" step)."""
    before = clue.status if previous is None else previous
    WORKFLOW.log(clue, user, step, note, request, history={"from_status": before, "to_status": clue.status},
                 **({"status": status, "previous": previous} if status else {}), **detail)


# --- transfers (线索移送) and consultations (会商) ------------------------------------------------

#: 《行政执法机关移送涉嫌犯罪案件的规定》(2020年修订) 第8条: the public security organ reviews a transferred case within
#: 3 days of *receiving* it (calendar days, the last one rolled to a working day, 民法典 第203条). Only transfers to the
#: police have this clock: no rule gives the supervision commission or a department a period to answer the sender.
TRANSFER_REPLY_DAYS = 3

#: An organised-crime clue sent to the police's anti-organised-crime unit (涉黑涉恶线索): the sender sets the date
#: by which it expects feedback, this many days after sending by default. No statute fixes it — the 双向移送 and
#: 反馈 arrangements between the discipline commissions and the police leave it to the campaign; a deployment
#: sets ``BIDWATCH_ORGANISED_CRIME_FEEDBACK_DAYS`` to its own agreement.
ORGANISED_CRIME_FEEDBACK_DAYS = int(__import__("os").environ.get("BIDWATCH_ORGANISED_CRIME_FEEDBACK_DAYS", "30"))


def reply_due(transfer: Transfer) -> dt.date | None:
    """The answer deadline of ``transfer`` under its own rule: 3 days from receipt for the police, else none."""
    if transfer.has_feedback_due:
        return transfer.reply_due
    if not transfer.has_clock or transfer.received_on is None:
        return None
    return calendar().calendar_deadline(transfer.received_on, TRANSFER_REPLY_DAYS)


def can_answer_transfer(user: Any, transfer: Transfer) -> bool:
    return can(user, Cap.HANDLE_CLUE) and (user.role == Role.OFFICE or user.agency_id == transfer.to_unit_id)


@transaction.atomic
def transfer_clue(clue: Clue, user: Any, *, kind: str, to_unit: Agency, reason: str, sent_on: dt.date,
                  materials: list[str] = (), approved_on: dt.date | None = None, request: Any = None) -> Transfer:
    WORKFLOW.begin(clue, user, "transfer")  # refuses while an earlier transfer awaits its answer
    if clue.status == Clue.Status.CLOSED:
        raise ValueError(_("a closed clue is not transferred"))
    if to_unit.pk == clue.assigned_unit_id:
        raise ValueError(_("the clue is already with this unit"))
    if not reason.strip():
        raise ValueError(_("a transfer needs its grounds"))
    if approved_on and approved_on > sent_on:
        raise ValueError(_("sent before it was approved"))
    if kind == Transfer.Kind.POLICE and not approved_on:
        raise ValueError(_("a transfer to the police needs the head's approval date (第5条)"))
    if kind == Transfer.Kind.ORGANISED_CRIME and to_unit.kind != Agency.Kind.POLICE:
        raise ValueError(_("an organised-crime clue goes to the police"))
    feedback_due = (calendar().calendar_deadline(sent_on, ORGANISED_CRIME_FEEDBACK_DAYS)
                    if kind == Transfer.Kind.ORGANISED_CRIME else None)
    transfer = Transfer.objects.create(
        clue=clue, kind=kind, from_unit=clue.assigned_unit, to_unit=to_unit, reason=reason.strip(),
        materials=list(materials), approved_on=approved_on, sent_on=sent_on, sent_by=user,
        # the police clock starts at receipt (第8条); an organised-crime clue's feedback is due from sending
        reply_due=feedback_due,
    )
    if kind == Transfer.Kind.ORGANISED_CRIME and not clue.organised_crime:
        clue.organised_crime = True  # sent as one: tagged as one
        clue.save(update_fields=["organised_crime", "updated_at"])
    _log(clue, user, "transfer", f"移送 {to_unit.name}：{reason.strip()}", request, to_unit=to_unit.code, kind=kind,
         late_after_approval=bool(approved_on and (sent_on - approved_on).days > 1))
    return transfer


def can_record_receipt(user: Any, transfer: Transfer) -> bool:
    """The receiver signs for the transfer; the sender may record the date from the receipt (回执) it holds."""
    return can_answer_transfer(user, transfer) or (
        can(user, Cap.HANDLE_CLUE) and (user.role == Role.OFFICE or user.agency_id == transfer.from_unit_id))


def _set_receipt(transfer: Transfer, on: dt.date) -> None:
    if on < transfer.sent_on:
        raise ValueError(_("received before it was sent"))
    transfer.received_on = on
    transfer.reply_due = reply_due(transfer)


def _awaiting_answer(transfer: Transfer, user: Any, may: Callable[[Any, Transfer], bool]) -> None:
    """The gate of the receiving unit's steps: ``may`` lets the user take it, and the transfer is not answered."""
    if not may(user, transfer):
        raise PermissionDenied("answer_transfer")
    if transfer.status != Transfer.Status.SENT:
        raise ValueError(_("this transfer was answered already"))


@transaction.atomic
def receive_transfer(transfer: Transfer, user: Any, *, on: dt.date, request: Any = None) -> Transfer:
    """Record the day the receiving unit received the transfer: the police's 3 days run from it (第8条)."""
    _awaiting_answer(transfer, user, can_record_receipt)
    if transfer.received_on is not None:
        raise ValueError(_("the receipt is recorded already"))
    WORKFLOW.begin(transfer.clue, user, "receive")
    _set_receipt(transfer, on)
    transfer.save(update_fields=["received_on", "reply_due"])
    _log(transfer.clue, user, "receive", f"{transfer.to_unit.name}于{on}接收移送", request,
         audit_step="transfer_receipt", received_on=str(on),
         reply_due=str(transfer.reply_due) if transfer.reply_due else None)
    return transfer


@transaction.atomic
def answer_transfer(transfer: Transfer, user: Any, *, accept: bool, on: dt.date, answer: str,
                    received_on: dt.date | None = None, request: Any = None) -> Transfer:
    """The receiving unit takes the clue over (it becomes the clue's assigned unit) or returns it.

    The receipt date is recorded with the answer if it was not before; a transfer to the police needs it, since its
    answer period runs from receipt (第8条)."""
    _awaiting_answer(transfer, user, can_answer_transfer)
    WORKFLOW.begin(transfer.clue, user, "answer")
    if on < transfer.sent_on:
        raise ValueError(_("answered before it was sent"))
    if transfer.received_on is None and received_on is not None:
        _set_receipt(transfer, received_on)
    if transfer.has_clock and transfer.received_on is None:
        raise ValueError(_("record the day the police received the transfer (第8条: 3 days from receipt)"))
    if transfer.received_on is not None and on < transfer.received_on:
        raise ValueError(_("answered before it was received"))
    if not accept and not answer.strip():
        raise ValueError(_("say why it is returned"))
    transfer.status = Transfer.Status.ACCEPTED if accept else Transfer.Status.RETURNED
    transfer.answered_on, transfer.answer, transfer.answered_by = on, answer.strip(), user
    transfer.save(update_fields=["status", "answered_on", "answer", "answered_by", "received_on", "reply_due"])
    clue = transfer.clue
    if accept:
        clue.assigned_unit = transfer.to_unit
        clue.save(update_fields=["assigned_unit", "updated_at"])
    verb = "接收" if accept else "退回"
    _log(clue, user, "answer", f"{transfer.to_unit.name}{verb}：{answer.strip()}".rstrip("："), request,
         audit_step="transfer_answer", accepted=accept,
         late=None if transfer.reply_due is None else on > transfer.reply_due)
    return transfer


@transaction.atomic
def record_consultation(clue: Clue, user: Any, *, held_on: dt.date, convened_by: Agency, units: list[Agency],
                        topic: str, conclusion: str, follow_up: str = "", request: Any = None) -> Consultation:
    WORKFLOW.begin(clue, user, "consult")
    if len({u.pk for u in units} | {convened_by.pk}) < 2:
        raise ValueError(_("a consultation involves at least two units"))
    conclusion = required(conclusion, _("record what was agreed"))
    c = Consultation.objects.create(clue=clue, held_on=held_on, convened_by=convened_by, topic=topic.strip(),
                                    conclusion=conclusion, follow_up=follow_up.strip(), recorded_by=user)
    c.units.set(units)
    _log(clue, user, "consult", f"会商：{topic.strip()}", request, audit_step="consultation",
         units=sorted(u.code for u in units))
    return c


# --- the clue's steps that act on its pending transfer ----------------------------------------------

def _pending(clue: Clue) -> Transfer:
    transfer = pending(clue)
    if transfer is None:
        raise ValueError(_("no transfer awaits an answer"))
    return transfer


def receive_pending(clue: Clue, user: Any, on: dt.date, *, request: Any = None) -> Transfer:
    return receive_transfer(_pending(clue), user, on=on, request=request)


def answer_pending(clue: Clue, user: Any, decision: str, on: dt.date, answer: str = "",
                   received_on: dt.date | None = None, *, request: Any = None) -> Transfer:
    return answer_transfer(_pending(clue), user, accept=decision == "accept", on=on, answer=answer,
                           received_on=received_on, request=request)


# --- case outcomes (outcomes.py): the clue's steps that dispose of it and record decisions ------------------
from bidwatch.web.alerts.outcomes import dispose as dispose  # noqa: E402
from bidwatch.web.alerts.outcomes import record_decision as record_decision  # noqa: E402
from bidwatch.web.alerts.outcomes import tag_organised_crime as tag_organised_crime  # noqa: E402
