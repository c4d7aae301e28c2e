"""The rectification ledger's workflow, declared: states, steps (who, form, service), the clock.

待整改 → 整改中 → 已整改 (closure requested) → 已销号; the office may return a closure request (back to 整改中)
and extend an open problem's deadline. The responsible unit's department starts and reports; the campaign
office closes, returns and extends — nobody closes its own rectification.
"""

from __future__ import annotations

from typing import Any

from bidwatch.web.accounts.roles import Cap
from bidwatch.web.audit.models import AuditEntry
from bidwatch.web.campaign.models import Problem, ProblemEvent
from bidwatch.web.workflow import Clock, Step, Workflow, by_number, office, unit_only, visible_to

S = Problem.Status
#: A deadline this many working days away or closer is "due soon" on the list.
DUE_SOON_WORKDAYS = 5


visible = visible_to(Problem, Cap.VIEW_LEDGER, "unit_id")


def _prefill(*fields: str) -> Any:
    """The step's form starts with what the problem already says."""
    return lambda p: {f: getattr(p, f) for f in fields}


UNIT = {"cap": Cap.MANAGE_LEDGER, "scope": unit_only("unit_id")}
OFFICE = {"cap": Cap.MANAGE_LEDGER, "scope": office}

WORKFLOW = Workflow(
    key="problem", model=Problem, visible=visible, history=ProblemEvent, history_fk="problem",
    audit_action=AuditEntry.Action.RECTIFICATION, namespace="campaign",
    audit_detail=by_number,
    steps=[
        Step("start", (S.PENDING,), form="StartForm", initial=_prefill("measures"), **UNIT),
        Step("report", (S.IN_PROGRESS,), form="ReportForm", **UNIT, initial=_prefill(
            "result", "recovered_amount", "people_accountable", "rules_count", "rules_text")),
        Step("close", (S.REPORTED,), form="CloseForm", **OFFICE),
        Step("return", (S.REPORTED,), form="ReturnForm", service="return_request", **OFFICE),
        Step("extend", (S.PENDING, S.IN_PROGRESS), form="ExtendForm", **OFFICE),
    ],
)

CLOCK = Clock(due={S.PENDING: "deadline", S.IN_PROGRESS: "deadline"}, soon_workdays=DUE_SOON_WORKDAYS)
