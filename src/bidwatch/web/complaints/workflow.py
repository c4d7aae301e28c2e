"""The complaint workflow, declared: states, steps (who, form, service), the clock.

received → accepted → decided; received → not accepted / referred; withdrawn while open. Pauses stop the
decision clock (条例 第61条 第2款). The campaign office acts on every complaint, a department on those its own
unit handles; the discipline commission and the auditors read.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from bidwatch.web.accounts.roles import Cap
from bidwatch.web.audit.models import AuditEntry
from bidwatch.web.complaints.models import Complaint, Event
from bidwatch.web.workflow import Clock, Step, Workflow, own_unit, visible_to

S = Complaint.Status
#: A deadline this many working days away or closer is "due soon" on the lists and the dashboard.
DUE_SOON_WORKDAYS = 2


visible = visible_to(Complaint, Cap.VIEW_COMPLAINTS, "handling_unit_id")


def paused(c: Complaint) -> bool:
    return c.status == S.ACCEPTED and any(p.end_on is None for p in c.pauses.all())


def _refuse_initial(c: Complaint) -> dict[str, Any] | None:
    # a matter that needed an objection first and had none: propose 办法 第12条第(六)项
    return {"reason": Complaint.Refusal.NO_OBJECTION} if c.lacks_objection else None


HANDLE = {"cap": Cap.HANDLE_COMPLAINT, "scope": own_unit("handling_unit_id")}

WORKFLOW = Workflow(
    key="complaint", model=Complaint, visible=visible, history=Event, history_fk="complaint",
    audit_action=AuditEntry.Action.COMPLAINT, namespace="complaints",
    steps=[
        Step("accept", (S.RECEIVED,), form="AcceptForm", **HANDLE),
        Step("refuse", (S.RECEIVED,), form="RefuseForm", initial=_refuse_initial, **HANDLE),
        Step("refer", (S.RECEIVED,), form="ReferForm", **HANDLE),
        Step("pause", (S.ACCEPTED,), form="PauseForm", shown=lambda c: not paused(c), **HANDLE),
        Step("resume", (S.ACCEPTED,), form="ResumeForm", shown=paused, **HANDLE),
        Step("decide", (S.ACCEPTED,), form="DecideForm", **HANDLE),
        Step("withdraw", (S.RECEIVED, S.ACCEPTED), form="WithdrawForm", **HANDLE),
    ],
)

CLOCK = Clock(
    due={S.RECEIVED: "acceptance_due", S.ACCEPTED: "decision_due"}, soon_workdays=DUE_SOON_WORKDAYS,
    paused_q=Q(pauses__end_on__isnull=True, pauses__isnull=False), paused=paused, exact=lambda c: c.due_exact,
)
