"""The problem clue's workflow (线索处置 and 线索移送), declared: steps, who takes them, the transfer clock.

A clue's status may be set by its assigned unit (or the office) at any time; it is transferred to another unit
when no earlier transfer awaits an answer; the receiving unit (or the office) records the receipt and answers —
the sender may also record the receipt date from the 回执 it holds; any unit the clue went through records a
joint consultation (会商). The only statutory answer clock is the police's: 3 days from receipt (第8条).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from bidwatch.web.accounts.models import Role
from bidwatch.web.accounts.roles import Cap, can
from bidwatch.web.alerts.models import Clue, ClueEvent, Decision, DecisionEvent, Disposition, Transfer
from bidwatch.web.audit.models import AuditEntry
from bidwatch.web.workflow import Clock, Step, Workflow, by_number, own_unit, visible_to

ALL = tuple(Clue.Status.values)


def department_clues(user: Any, qs: QuerySet[Clue]) -> QuerySet[Clue]:
    """Department staff see the clues of their unit, those they raised, and those their unit sent or was sent
    (a transfer leaves both ends with the file)."""
    unit = user.agency_id
    return qs.filter(Q(assigned_unit=unit) | Q(created_by=user) | Q(transfers__from_unit=unit)
                     | Q(transfers__to_unit=unit)).distinct()


visible = visible_to(Clue, Cap.VIEW_CLUES, department=department_clues)


def pending(clue: Clue) -> Transfer | None:
    """The transfer of the clue that awaits an answer (at most one)."""
    return clue.transfers.filter(status=Transfer.Status.SENT).select_related("to_unit", "from_unit").first()


def units_involved(clue: Clue) -> set[int]:
    """The units a clue went through: its assigned unit and every sender and receiver."""
    units = {clue.assigned_unit_id}
    for t in clue.transfers.all():
        units |= {t.from_unit_id, t.to_unit_id}
    return units


handles = own_unit("assigned_unit_id")


def _office_or(user: Any, *units: int | None) -> bool:
    return bool(user.role == Role.OFFICE or user.agency_id in units)


def may_answer(user: Any, clue: Clue) -> bool:
    """The receiving unit (or the office) answers the transfer that awaits its answer; with none pending, the question
    is when, not who (``no_pending``)."""
    t = pending(clue)
    return t is None or _office_or(user, t.to_unit_id)


def may_receive(user: Any, clue: Clue) -> bool:
    """The receiver signs for the transfer; the sender may record the date from the receipt (回执) it holds."""
    t = pending(clue)
    return t is None or _office_or(user, t.to_unit_id, t.from_unit_id)


# --- when the transfer steps are open (a repeated or stale form is told why, not refused as if by a stranger) ---

def transfer_waits(clue: Clue) -> Any:
    return _("An earlier transfer of this clue awaits its answer.") if pending(clue) is not None else None


def no_pending(clue: Clue) -> Any:
    return _("No transfer of this clue awaits an answer: it was answered already.") if pending(clue) is None else None


def receipt_recorded(clue: Clue) -> Any:
    t = pending(clue)
    if t is None:
        return no_pending(clue)
    return _("The receipt of this transfer is recorded already.") if t.received_on is not None else None


def may_consult(user: Any, clue: Clue) -> bool:
    return handles(user, clue) or user.agency_id in units_involved(clue)


def has_case(clue: Clue) -> bool:
    return clue.disposition == Disposition.CASE


HANDLE = Cap.HANDLE_CLUE

WORKFLOW = Workflow(
    key="clue", model=Clue, visible=visible, history=ClueEvent, history_fk="clue",
    audit_action=AuditEntry.Action.CLUE_UPDATE, namespace="alerts", detail_url="clue", step_url="clue_step",
    default_step="status", saved_message=_("Clue updated."),
    steps=[
        Step("receive", ALL, HANDLE, form="TransferReceiptForm", service="receive_pending", scope=may_receive,
             when=receipt_recorded),
        Step("answer", ALL, HANDLE, form="TransferAnswerForm", service="answer_pending", scope=may_answer,
             when=no_pending),
        Step("status", ALL, HANDLE, form="ClueStatusForm", service="update_clue", scope=handles, prefix=False,
             initial=lambda clue: {"status": clue.status}),
        Step("transfer", ALL, HANDLE, form="TransferForm", service="transfer_clue", scope=handles,
             when=transfer_waits, form_kwargs=lambda clue, user: {"clue": clue}),
        Step("consult", ALL, HANDLE, form="ConsultationForm", service="record_consultation", scope=may_consult,
             form_kwargs=lambda clue, user: {"initial": {"convened_by": getattr(user, "agency_id", None)}}),
        # case outcomes: the disposition (立案 with the case's record), the decisions taken on the case, the
        # organised-crime tag (涉黑涉恶)
        Step("dispose", ALL, HANDLE, form="DisposeForm", scope=handles, shown=lambda clue: not has_case(clue)),
        Step("decide", ALL, HANDLE, form="DecisionForm", service="record_decision", scope=handles, shown=has_case),
        # the box shows the clue's tag as it stands: ticking it tags, clearing it removes the tag (a box ticked on an
        # untagged clue read as "tagged", and saving it tagged the clue)
        Step("tag", ALL, HANDLE, form="TagForm", service="tag_organised_crime", scope=handles,
             initial=lambda clue: {"organised_crime": clue.organised_crime}),
    ],
)

#: The police's answer period (3 days from receipt, 第8条); the other kinds of transfer have no ``reply_due``.
TRANSFER_CLOCK = Clock(due={Transfer.Status.SENT: "reply_due"}, soon_workdays=1)


def visible_decisions(user: Any, qs: QuerySet[Decision] | None = None) -> QuerySet[Decision]:
    """A decision is seen by whoever sees its clue, and by the registry's keepers (who approve its proposal)."""
    qs = Decision.objects.all() if qs is None else qs
    if can(user, Cap.MANAGE_REGISTRY):
        return qs
    return qs.filter(clue__in=visible(user))


P = Decision.Proposal

#: A decision's joint-punishment proposal (联合惩戒): approved, it enters the sanctions registry and every scan.
DECISION_WORKFLOW = Workflow(
    key="decision", model=Decision, visible=visible_decisions, history=DecisionEvent, history_fk="decision",
    audit_action="decision", namespace="alerts", detail_url="decision", step_url="decision_step",
    services="bidwatch.web.alerts.outcomes", state_field="proposal", audit_detail=by_number,
    steps=[Step("approve", (P.PROPOSED,), Cap.MANAGE_REGISTRY, form="ApproveProposalForm", service="approve_proposal"),
           Step("reject", (P.PROPOSED,), Cap.MANAGE_REGISTRY, form="RejectProposalForm", service="reject_proposal")],
)
