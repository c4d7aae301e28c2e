"""The interference register's workflow: recorded (and so reported) → a clue, or filed; the discipline commission
decides. Seen by the office, the commission and the recorder's own unit only."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from bidwatch.web.accounts.models import Role
from bidwatch.web.accounts.roles import Cap, can
from bidwatch.web.interference.models import Interference, InterferenceEvent
from bidwatch.web.workflow import Step, Workflow, by_number

S = Interference.Status
AUDIT_ACTION = "interference"


def visible(user: Any, qs: QuerySet[Interference] | None = None) -> QuerySet[Interference]:
    qs = Interference.objects.all() if qs is None else qs
    if not can(user, Cap.VIEW_INTERFERENCE):
        return qs.none()
    if user.role in (Role.OFFICE, Role.DISCIPLINE):
        return qs
    return qs.filter(recorder_unit_id=user.agency_id) if user.agency_id else qs.none()


def discipline(user: Any, obj: Any) -> bool:
    return bool(user.role == Role.DISCIPLINE)


WORKFLOW = Workflow(
    key="interference", model=Interference, visible=visible, history=InterferenceEvent, history_fk="record",
    audit_action=AUDIT_ACTION, namespace="interference",
    audit_detail=by_number,
    steps=[Step("to_clue", (S.REPORTED,), Cap.VIEW_INTERFERENCE, form="ToClueForm", scope=discipline),
           Step("file", (S.REPORTED,), Cap.VIEW_INTERFERENCE, form="FileForm", scope=discipline)],
)
