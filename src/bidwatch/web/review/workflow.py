"""The pre-tender review's workflow, declared: states, steps, who takes them.

已提交 → (start) 审查中 → (opinion per finding, then decide) 退回修改 | 通过 | 不予通过;
退回修改 → (revise: the revised file) 已提交 → …; 通过 / 不予通过 → (file) 已备案.
The department of the tender's unit submits (a create view) and revises; the campaign office reviews,
decides and files — nobody reviews its own documents. The auditor reads; other roles see nothing.
"""

from __future__ import annotations

from bidwatch.web.accounts.roles import Cap
from bidwatch.web.review.models import Review, ReviewEvent
from bidwatch.web.workflow import Step, Workflow, by_number, office, unit_only, visible_to

S = Review.Status
ACTION = "pretender_review"


visible = visible_to(Review, Cap.VIEW_REVIEWS, "unit_id")


OFFICE = {"cap": Cap.DECIDE_REVIEW, "scope": office}
UNIT = {"cap": Cap.SUBMIT_REVIEW, "scope": unit_only("unit_id")}

WORKFLOW = Workflow(
    key="review", model=Review, visible=visible, history=ReviewEvent, history_fk="review",
    audit_action=ACTION, namespace="review",
    audit_detail=by_number,
    steps=[
        Step("start", (S.SUBMITTED,), form="StartForm", **OFFICE),
        Step("opinion", (S.UNDER_REVIEW,), form="OpinionForm", **OFFICE,
             form_kwargs=lambda r, user: {"review": r}),
        Step("decide", (S.UNDER_REVIEW,), form="DecideForm", **OFFICE),
        Step("revise", (S.RETURNED,), form="ReviseForm", **UNIT),
        Step("file", (S.PASSED, S.REJECTED), form="FileForm", service="file_review", **OFFICE,
             initial=lambda r: {"tender_id": r.tender_id}, form_kwargs=lambda r, user: {"review": r}),
    ],
)
