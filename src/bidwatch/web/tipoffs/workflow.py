"""The report (举报) workflow, declared: states, steps (who, form, service), the clock.

The campaign office and the discipline commission handle every report; the auditors read them (without the
reporter). Making a complaint of a report registers it with a department's complaint clock, which only the
office may do (the commission handles no complaints).
"""

from __future__ import annotations

from bidwatch.web.accounts.roles import Cap
from bidwatch.web.tipoffs.models import Tipoff, TipoffEvent
from bidwatch.web.workflow import Clock, Step, Workflow, by_number, office, visible_to

S = Tipoff.Status
AUDIT_ACTION = "tipoff"
REPORTER_VIEW_ACTION = "reporter_view"
DUE_SOON_WORKDAYS = 3


visible = visible_to(Tipoff, Cap.VIEW_TIPOFFS)


H = Cap.HANDLE_TIPOFF
OPEN = Tipoff.OPEN

WORKFLOW = Workflow(
    key="tipoff", model=Tipoff, visible=visible, history=TipoffEvent, history_fk="tipoff",
    audit_action=AUDIT_ACTION, namespace="tipoffs",
    audit_detail=by_number,
    steps=[
        Step("accept", (S.RECEIVED,), H, form="AcceptForm"),
        Step("refuse", (S.RECEIVED,), H, form="RefuseForm"),
        Step("extend", (S.ACCEPTED,), H, form="ExtendForm", shown=lambda t: not t.extended),
        Step("answer", (S.ACCEPTED,), H, form="AnswerForm"),
        Step("to_clue", OPEN, H, form="ToClueForm"),
        Step("to_complaint", OPEN, H, form="ToComplaintForm", scope=office),
        Step("close", OPEN, H, form="CloseForm"),
    ],
)

CLOCK = Clock(due={S.RECEIVED: "accept_due", S.ACCEPTED: "answer_due"}, soon_workdays=DUE_SOON_WORKDAYS)
