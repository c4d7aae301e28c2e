"""The supervision order's and the talk's workflows, declared.

Order (督办单): 已下发 → 已反馈 → 已认可; the issuer may return an answer (back to 已下发, a new deadline) and,
once the deadline has passed unanswered, send a reminder (催办); after ``MISSES_FOR_TALK`` reminders the order
proposes a talk (约谈). The unit addressed answers; the issuing body (office or discipline commission) reviews.

Talk (约谈): 已约谈 → 已跟踪落实; the office or the discipline commission checks the commitments by the follow-up
deadline, on the same clock as any other.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from bidwatch.web.accounts.models import Role
from bidwatch.web.accounts.roles import Cap
from bidwatch.web.deadlines import today
from bidwatch.web.supervision.models import Bulletin, BulletinEvent, OrderEvent, SupervisionOrder, Talk, TalkEvent
from bidwatch.web.workflow import Clock, Step, Workflow, by_number, office, unit_only, visible_to

S = SupervisionOrder.Status
#: Reminders without an answer after which the order proposes a talk.
MISSES_FOR_TALK = 2


visible_orders = visible_to(SupervisionOrder, Cap.VIEW_SUPERVISION, "unit_id")
visible_talks = visible_to(Talk, Cap.VIEW_SUPERVISION, "unit_id")


def issuer(user: Any, obj: Any) -> bool:
    """The body that issued the order (office staff act for the office; the commission for its own orders);
    the office also reviews the commission's orders, as the campaign's coordinator."""
    if user.role == Role.OFFICE:
        return True
    return user.agency_id is not None and user.agency_id == obj.issuer_id


def holder(user: Any, obj: Any) -> bool:
    """The body that held the talk, or the office."""
    if user.role == Role.OFFICE:
        return True
    return user.agency_id is not None and user.agency_id == obj.held_by_id


ISSUER = {"cap": Cap.SUPERVISE, "scope": issuer}

ORDER_CLOCK = Clock(due={S.ISSUED: "deadline"}, soon_workdays=2)

ORDERS = Workflow(
    key="supervision_order", model=SupervisionOrder, visible=visible_orders, history=OrderEvent, history_fk="order",
    audit_action="supervision", namespace="supervision", audit_detail=by_number, detail_url="order",
    step_url="order_step",
    steps=[
        Step("answer", (S.ISSUED,), cap=Cap.ANSWER_SUPERVISION, scope=unit_only("unit_id"), form="AnswerForm"),
        Step("accept", (S.ANSWERED,), form="AcceptForm", **ISSUER),
        Step("return", (S.ANSWERED,), form="ReturnForm", service="return_answer", **ISSUER),
        Step("remind", (S.ISSUED,), form="RemindForm", shown=lambda o: o.deadline < today(), **ISSUER),
    ],
)

TALK_CLOCK = Clock(due={Talk.Status.RECORDED: "follow_up_due"}, soon_workdays=3)

TALKS = Workflow(
    key="talk", model=Talk, visible=visible_talks, history=TalkEvent, history_fk="talk", audit_action="talk",
    namespace="supervision", detail_url="talk", step_url="talk_step",
    steps=[Step("follow_up", (Talk.Status.RECORDED,), cap=Cap.SUPERVISE, scope=holder, form="FollowUpForm")],
)


def overdue_orders_q(on: Any) -> Q:
    return ORDER_CLOCK.overdue_q(on)


def published(user: Any, qs: QuerySet[Bulletin]) -> QuerySet[Bulletin]:
    """The office, the commission and the auditors read drafts too; the units read what is published."""
    return qs.filter(status=Bulletin.Status.PUBLISHED)


visible_bulletins = visible_to(Bulletin, Cap.VIEW_SUPERVISION, department=published)


B = Bulletin.Status
OFFICE_RUNS = {"cap": Cap.RUN_CAMPAIGN, "scope": office}
#: the office head (专治办主任) approves a submitted bulletin or returns it (also once approved, before publication)
HEAD_DECIDES = {"cap": Cap.APPROVE_BULLETIN, "scope": office}

BULLETINS = Workflow(
    key="bulletin", model=Bulletin, visible=visible_bulletins, history=BulletinEvent, history_fk="bulletin",
    audit_action="bulletin", namespace="supervision", services="bidwatch.web.supervision.services",
    forms="bidwatch.web.supervision.forms", detail_url="bulletin", step_url="bulletin_step",
    audit_detail=lambda b: {"title": b.title[:100]},
    steps=[
        Step("submit", (B.DRAFT,), form="SubmitBulletinForm", service="submit_bulletin", **OFFICE_RUNS),
        Step("approve", (B.SUBMITTED,), form="ApproveForm", service="approve_bulletin", **HEAD_DECIDES),
        Step("return", (B.SUBMITTED, B.APPROVED), form="ReturnBulletinForm", service="return_bulletin",
             **HEAD_DECIDES),
        Step("publish", (B.APPROVED,), form="PublishForm", service="publish_bulletin", **OFFICE_RUNS),
    ],
)
