"""Supervision orders and talks: issuing, the steps (each writes the row, its history and the audit entry in one
transaction through the workflow core), the dashboard reminders."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from bidwatch.web.accounts.models import Agency
from bidwatch.web.accounts.roles import Cap, can
from bidwatch.web.deadlines import calendar, today
from bidwatch.web.supervision.models import Bulletin, Campaign, SupervisionOrder, Talk
from bidwatch.web.supervision.workflow import (BULLETINS, MISSES_FOR_TALK, ORDER_CLOCK, ORDERS, TALK_CLOCK, TALKS,
                                               visible_orders, visible_talks)
from bidwatch.web.workflow.checks import not_before as _not_before
from bidwatch.web.workflow.checks import required as _text

S = SupervisionOrder.Status


def answering_units() -> Any:
    """The units an order or a talk may address: those with an active user who may answer supervision orders
    (``Cap.ANSWER_SUPERVISION``). An order to 审计局 or 纪工委 could never be answered, and the commission does not
    talk with itself."""
    from bidwatch.web.accounts.models import User
    from bidwatch.web.accounts.roles import ROLE_CAPS

    roles = [role for role, caps in ROLE_CAPS.items() if Cap.ANSWER_SUPERVISION in caps]
    answering = User.objects.filter(is_active=True, role__in=roles, agency__isnull=False).values("agency_id")
    return Agency.objects.filter(pk__in=answering).order_by("id")


def _check_unit(unit: Agency) -> None:
    if not answering_units().filter(pk=unit.pk).exists():
        raise ValueError(_("%(unit)s has no user who can answer supervision orders")
                         % {"unit": unit.display_name})


#: the kinds of matter whose reference is a register number (``cases.Numbered``): the model and its unit field
MATTER_MODELS = {
    SupervisionOrder.Matter.PROBLEM: ("campaign.Problem", "unit_id"),
    SupervisionOrder.Matter.CLUE: ("alerts.Clue", "assigned_unit_id"),
    SupervisionOrder.Matter.COMPLAINT: ("complaints.Complaint", "handling_unit_id"),
}


def find_numbered(model: Any, number: str) -> Any:
    """The case whose register number (``WT-2024-00012``) is ``number``, or None."""
    prefix, _sep, rest = number.strip().upper().rpartition("-")
    if not rest.isdigit() or len(rest) > 12:  # not a number of ours (and no integer the database cannot hold)
        return None
    case = model._default_manager.filter(pk=int(rest)).first()
    return case if case is not None and case.number == number.strip().upper() else None


def check_matter(matter_kind: str, matter_ref: str, unit: Agency) -> None:
    """An order about a ledger problem, a clue or a complaint that names it names one that exists and is the
    addressed unit's own (an order to 水利局 about 住建局's problem could never be answered by the unit)."""
    from django.apps import apps

    ref = matter_ref.strip()
    if not ref or matter_kind not in MATTER_MODELS:
        return
    label, unit_field = MATTER_MODELS[SupervisionOrder.Matter(matter_kind)]
    case = find_numbered(apps.get_model(label), ref)
    kind = SupervisionOrder.Matter(matter_kind).label
    if case is None:
        raise ValueError(_("No %(kind)s numbered %(ref)s exists.") % {"kind": kind, "ref": ref})
    if getattr(case, unit_field) != unit.pk:
        raise ValueError(_("%(kind)s %(ref)s is not %(unit)s's: an order about it goes to its own unit.")
                         % {"kind": kind, "ref": ref, "unit": unit.display_name})


def next_seq(year: int) -> int:
    """The next number of the year (locked: two orders issued at once do not share one)."""
    # the year's last order, locked (FOR UPDATE takes no aggregate on PostgreSQL); the first of a year has no row
    # to lock: the unique (year, seq) constraint refuses a second one
    last = (SupervisionOrder.objects.select_for_update().filter(year=year).order_by("-seq")
            .values_list("seq", flat=True).first())
    return (last or 0) + 1


@transaction.atomic
def issue(user: Any, *, campaign: Campaign, unit: Agency, matter_kind: str, matter_ref: str, matter: str, demand: str,
          issued_on: dt.date, workdays: int, request: Any = None) -> SupervisionOrder:
    """The office or the discipline commission issues an order; the deadline is ``workdays`` working days on."""
    if not can(user, Cap.SUPERVISE) or user.agency_id is None:
        raise PermissionDenied("supervise")
    if workdays < 1:
        raise ValueError(_("at least one working day"))
    _check_unit(unit)
    _not_before(issued_on, campaign.starts_on, _("the order cannot be issued before the campaign starts (%(day)s)")
                % {"day": campaign.starts_on})
    matter, demand = _text(matter, _("say what the matter is")), _text(demand, _("say what is demanded"))
    check_matter(matter_kind, matter_ref, unit)
    twin = (SupervisionOrder.objects.filter(campaign=campaign, unit=unit, matter_kind=matter_kind,
                                            matter_ref=matter_ref.strip(), matter=matter, demand=demand,
                                            issued_on=issued_on).order_by("id").first())
    if twin is not None:  # a second click on 下发 or the same order entered twice
        raise ValueError(_("the same order was already issued to this unit on that day: %(number)s")
                         % {"number": twin.number})
    o = SupervisionOrder(
        campaign=campaign, year=issued_on.year, seq=next_seq(issued_on.year), issuer_id=user.agency_id, unit=unit,
        matter_kind=matter_kind, matter_ref=matter_ref.strip(), matter=matter,
        demand=demand, issued_on=issued_on, workdays=workdays,
        deadline=calendar().add_workdays(issued_on, workdays), issued_by=user)
    return ORDERS.finish(o, user, "issue", o.matter[:200], request, unit=unit.code, deadline=str(o.deadline),
                         matter_kind=matter_kind, matter_ref=o.matter_ref)


@transaction.atomic
def answer(o: SupervisionOrder, user: Any, on: dt.date, answer: str, *, request: Any = None) -> SupervisionOrder:
    """The unit reports how it handled the matter (办理情况反馈): 已下发 → 已反馈. The answer's date is the day it was
    given: not before the order, not before an earlier answer (one returned), and not before the last reminder
    (催办) — a reminder records that no answer had been given by its day, so an answer dated before it would turn
    a late answer into one in time. The same day as the reminder is allowed (answered after being reminded)."""
    ORDERS.begin(o, user, "answer")
    text = _text(answer, _("say how the matter was handled"))
    _not_before(on, o.issued_on, _("answered before the order was issued"))
    _not_before(on, o.answered_on, _("answered before the previous answer"))
    _not_before(on, o.last_reminded_on, _("answered before the last reminder, which recorded that no answer had "
                                          "been given"))
    o.first_answered_on = o.first_answered_on or on
    o.status, o.answered_on, o.answer = S.ANSWERED, on, text
    return ORDERS.finish(o, user, "answer", text[:200], request, on=str(on), late=on > o.deadline)


@transaction.atomic
def accept(o: SupervisionOrder, user: Any, on: dt.date, review: str = "", *, request: Any = None) -> SupervisionOrder:
    """The issuer accepts the answer: 已反馈 → 已认可."""
    ORDERS.begin(o, user, "accept")
    _not_before(on, o.answered_on, _("accepted before it was answered"))
    o.status, o.accepted_on, o.review = S.ACCEPTED, on, review.strip()
    return ORDERS.finish(o, user, "accept", o.review[:200], request, on=str(on))


@transaction.atomic
def return_answer(o: SupervisionOrder, user: Any, on: dt.date, reason: str, workdays: int, *,
                  request: Any = None) -> SupervisionOrder:
    """The issuer returns an unsatisfactory answer: back to 已下发 with a new deadline."""
    ORDERS.begin(o, user, "return")
    text = _text(reason, _("say why the answer is returned"))
    _not_before(on, o.answered_on, _("returned before it was answered"))
    old = o.deadline
    o.status, o.review, o.returns = S.ISSUED, text, o.returns + 1
    o.deadline = calendar().add_workdays(on, workdays)
    return ORDERS.finish(o, user, "return", text, request, on=str(on), old_deadline=str(old),
                         new_deadline=str(o.deadline))


@transaction.atomic
def remind(o: SupervisionOrder, user: Any, on: dt.date, note: str = "", *, request: Any = None) -> SupervisionOrder:
    """催办: the deadline passed without an answer. After ``MISSES_FOR_TALK`` reminders a talk is proposed."""
    ORDERS.begin(o, user, "remind")
    if o.deadline >= on:
        raise ValueError(_("the answer is not yet due (%(deadline)s)") % {"deadline": o.deadline})
    if o.last_reminded_on is not None and on <= o.last_reminded_on:  # one a day; none dated before the last
        raise ValueError(_("a reminder was already sent on %(day)s: a new one must be dated later")
                         % {"day": o.last_reminded_on})
    _count_reminder(o, user, on, note, request)
    return o


def _count_reminder(o: SupervisionOrder, user: Any, on: dt.date, note: str, request: Any = None) -> None:
    o.reminders += 1
    o.last_reminded_on = on
    proposed = o.reminders >= MISSES_FOR_TALK and not o.talk_proposed
    o.talk_proposed = o.talk_proposed or proposed
    o.save()
    ORDERS.log(o, user, "remind", note.strip(), request, on=str(on), reminders=o.reminders, talk_proposed=proposed,
               automatic=user is None)


#: An unanswered order is reminded again after this many working days without an answer.
REMIND_EVERY_WORKDAYS = 3


def escalate(on: dt.date | None = None) -> list[SupervisionOrder]:
    """The daily escalation (``bidwatch web remind``, from cron): each order past its deadline without an answer
    gets a reminder (催办) by the system the first working day after the deadline and every
    ``REMIND_EVERY_WORKDAYS`` working days after the last reminder; the ``MISSES_FOR_TALK``-th proposes a talk.
    Each one is a history and an audit entry with no actor. On a rest day nothing is sent (the cron job runs
    every day; the next working day catches up)."""
    on = on or today()
    cal = calendar()
    done: list[SupervisionOrder] = []
    if not cal.is_workday(on):
        return done
    for pk in ORDER_CLOCK.overdue(SupervisionOrder.objects.all(), on).values_list("pk", flat=True):
        with transaction.atomic():
            o = SupervisionOrder.objects.select_for_update().get(pk=pk)
            if o.status != S.ISSUED or o.deadline >= on:
                continue
            if o.last_reminded_on is not None and (
                    on <= o.last_reminded_on or cal.workdays_between(o.last_reminded_on, on) < REMIND_EVERY_WORKDAYS):
                continue
            _count_reminder(o, None, on, f"逾期未反馈，系统自动催办（办理时限 {o.deadline}）")
            done.append(o)
    return done


def check_talk_orders(held_on: dt.date, orders: list[SupervisionOrder]) -> None:
    """A talk is linked to the orders that led to it: none issued after the talk was held."""
    later = [o for o in orders if o.issued_on > held_on]
    if later:
        raise ValueError(_("the talk was held before these orders were issued: %(orders)s")
                         % {"orders": "、".join(f"{o}（{o.issued_on}）" for o in later)})


@transaction.atomic
def record_talk(user: Any, *, campaign: Campaign, unit: Agency, person: str, position: str, talkers: str,
                reason: str, held_on: dt.date, commitments: str, follow_up_due: dt.date,
                orders: list[SupervisionOrder] | None = None, request: Any = None) -> Talk:
    if not can(user, Cap.SUPERVISE) or user.agency_id is None:
        raise PermissionDenied("supervise")
    if follow_up_due < held_on:
        raise ValueError(_("the follow-up cannot be due before the talk"))
    _check_unit(unit)
    check_talk_orders(held_on, orders or [])
    t = Talk.objects.create(
        campaign=campaign, unit=unit, person=_text(person, _("who was talked to")), position=position.strip(),
        held_by_id=user.agency_id, talkers=_text(talkers, _("who held the talk")),
        reason=_text(reason, _("why")), held_on=held_on,
        commitments=_text(commitments, _("the commitments made")), follow_up_due=follow_up_due,
        recorded_by=user)
    if orders:
        t.orders.set(orders)
        SupervisionOrder.objects.filter(pk__in=[o.pk for o in orders]).update(talk_proposed=False)
    TALKS.log(t, user, "record", t.reason[:200], request, unit=unit.code, held_on=str(held_on),
              follow_up_due=str(follow_up_due), orders=[o.number for o in orders or []])
    return t


@transaction.atomic
def follow_up(t: Talk, user: Any, on: dt.date, follow_up: str, *, request: Any = None) -> Talk:
    """The commitments checked: 已约谈 → 已跟踪落实."""
    TALKS.begin(t, user, "follow_up")
    text = _text(follow_up, _("what the follow-up found"))
    _not_before(on, t.held_on, _("followed up before the talk"))
    t.status, t.followed_up_on, t.follow_up = Talk.Status.FOLLOWED_UP, on, text
    return TALKS.finish(t, user, "follow_up", text[:200], request, on=str(on), late=on > t.follow_up_due)


def adopt_orphans(campaign: Campaign) -> int:
    """Give ``campaign`` the ledger problems, clues, complaints, reports (举报) and reporting channels that belong to
    none (made before any campaign)."""
    from bidwatch.web.alerts.models import Clue
    from bidwatch.web.campaign.models import Problem
    from bidwatch.web.complaints.models import Complaint
    from bidwatch.web.tipoffs.models import Channel, Tipoff

    return sum(m.objects.filter(campaign__isnull=True).update(campaign=campaign)
               for m in (Problem, Complaint, Clue, Tipoff, Channel))


def default_campaign(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A ledger problem, clue, complaint, report or reporting channel made without a campaign belongs to the
    current one."""
    if instance.campaign_id is None and not kwargs.get("raw"):
        current = Campaign.get_current()
        instance.campaign_id = current.pk if current else None


def reminders(user: Any, on: dt.date | None = None) -> dict[str, int]:
    """Orders past their deadline without an answer, orders awaiting review, talks whose follow-up is overdue, and
    for the office head the bulletins awaiting approval."""
    on = on or today()
    orders = visible_orders(user)
    r = ORDER_CLOCK.reminders(orders, on)
    r["to_review"] = orders.filter(status=S.ANSWERED).count() if can(user, Cap.SUPERVISE) else 0
    r["talks_overdue"] = TALK_CLOCK.overdue(visible_talks(user), on).count()
    r["talk_proposed"] = orders.filter(talk_proposed=True).count() if can(user, Cap.SUPERVISE) else 0
    # the office head: bulletins submitted for approval
    r["to_approve"] = (Bulletin.objects.filter(status=Bulletin.Status.SUBMITTED).count()
                       if can(user, Cap.APPROVE_BULLETIN) else 0)
    return r


# --- bulletins (通报) ----------------------------------------------------------------------------


@transaction.atomic
def draft_bulletin(user: Any, *, campaign: Campaign, title: str, body: str, problem: Any = None, clue: Any = None,
                   complaint: Any = None, request: Any = None) -> Bulletin:
    if not can(user, Cap.RUN_CAMPAIGN):
        raise PermissionDenied("run_campaign")
    b = Bulletin.objects.create(campaign=campaign, title=_text(title, _("a title")),
                                body=_text(body, _("the text")), problem=problem, clue=clue,
                                complaint=complaint, drafted_by=user)
    BULLETINS.log(b, user, "draft", b.title, request, problem=getattr(problem, "number", None),
                  clue=getattr(clue, "number", None), complaint=getattr(complaint, "number", None))
    return b


@transaction.atomic
def submit_bulletin(b: Bulletin, user: Any, on: dt.date, note: str = "", *, request: Any = None) -> Bulletin:
    """The office submits a draft to its head (专治办主任) for approval: 草稿 → 待主任审批; not dated before its
    campaign started (a bulletin entered after the fact keeps its real dates, but not years before)."""
    BULLETINS.begin(b, user, "submit")
    _not_before(on, b.campaign.starts_on, _("a bulletin is not dated before its campaign starts"))
    b.status, b.submitted_on = Bulletin.Status.SUBMITTED, on
    return BULLETINS.finish(b, user, "submit", note.strip(), request, on=str(on))


@transaction.atomic
def approve_bulletin(b: Bulletin, user: Any, on: dt.date, note: str = "", *, request: Any = None) -> Bulletin:
    """The office head (``Cap.APPROVE_BULLETIN``) approves a submitted bulletin; the approver is recorded. Not
    before the submission, and not the head's own draft: a bulletin is approved by someone other than its drafter
    (four eyes: the head who drafted one has another head or the office draft it)."""
    BULLETINS.begin(b, user, "approve")
    _not_before(on, b.submitted_on, _("approved before it was submitted"))
    if b.drafted_by_id is not None and b.drafted_by_id == user.pk:
        raise ValueError(_("the drafter of a bulletin may not approve it"))
    b.status, b.approved_on, b.approved_by = Bulletin.Status.APPROVED, on, user
    return BULLETINS.finish(b, user, "approve", note.strip(), request, on=str(on))


@transaction.atomic
def return_bulletin(b: Bulletin, user: Any, on: dt.date, reason: str, *, request: Any = None) -> Bulletin:
    BULLETINS.begin(b, user, "return")
    text = _text(reason, _("say what to revise"))
    _not_before(on, b.submitted_on, _("returned before it was submitted"))
    b.status, b.approved_on, b.approved_by = Bulletin.Status.DRAFT, None, None
    return BULLETINS.finish(b, user, "return", text, request, on=str(on))


@transaction.atomic
def publish_bulletin(b: Bulletin, user: Any, on: dt.date, *, request: Any = None) -> Bulletin:
    """Published with the next number of the year."""
    BULLETINS.begin(b, user, "publish")
    _not_before(on, b.approved_on, _("published before it was approved"))
    last = (Bulletin.objects.select_for_update().filter(year=on.year, seq__isnull=False).order_by("-seq")
            .values_list("seq", flat=True).first())
    b.status, b.published_on, b.year, b.seq = Bulletin.Status.PUBLISHED, on, on.year, (last or 0) + 1
    return BULLETINS.finish(b, user, "publish", b.number, request, on=str(on), number=b.number)
