"""The campaign report's sections on the accountability front (issue 15 item 7): the ledger (its totals through
``campaign.services.totals``), a per-unit table, supervision orders, talks, unit documents, the assessment and
the bulletins. Every figure is as of the period's end: a record done after it counts as not done, whatever its
present state."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from bidwatch.web.accounts.models import Agency, Role
from bidwatch.web.campaign import services as ledger
from bidwatch.web.reports.figures import Section
from bidwatch.web.supervision import assessment, documents
from bidwatch.web.supervision.assessment import first_deadline
from bidwatch.web.supervision.models import Bulletin, Campaign, SupervisionOrder
from bidwatch.web.supervision.workflow import visible_bulletins, visible_orders, visible_talks


def _campaign(end: dt.date) -> Campaign | None:
    return (Campaign.objects.filter(starts_on__lte=end, ends_on__gte=end).order_by("-current", "-starts_on").first()
            or Campaign.get_current())


def _answered_by(o: SupervisionOrder, day: dt.date) -> bool:
    return o.first_answered_on is not None and o.first_answered_on <= day


def ledger_section(user: Any, start: dt.date, end: dt.date) -> Section:
    qs = ledger.visible(user)
    listed = qs.filter(listed_on__range=(start, end))
    # closed off by the period's end: a closed problem stays closed, and closed_on dates it
    closed_by_end = qs.filter(closed_on__lte=end)
    in_period = qs.filter(closed_on__range=(start, end))
    t = ledger.totals(in_period)
    # open at the end: listed by then, not closed by then, past the deadline, closure not requested by then
    overdue = qs.filter(listed_on__lte=end, deadline__lt=end).exclude(closed_on__lte=end).filter(
        Q(reported_on__isnull=True) | Q(reported_on__gt=end)).count()
    s = Section("ledger", _("Rectification ledger"))
    s.counts = [(_("Problems listed"), listed.count()), (_("Closed off (销号)"), t["closed"]),
                (_("Closed off by the end of the period, in all"), closed_by_end.count()),
                (_("Open and past the deadline at the end of the period"), overdue),
                (_("Economic losses recovered (yuan)"), f"{t['amount']:,.2f}"),
                (_("People held accountable"), t["people"]), (_("Rules and systems made"), t["rules"])]
    s.columns = [_("Number"), _("Responsible unit"), _("Listed on"), _("Rectification deadline"), _("Closed off on")]
    s.rows = [[p.number, p.unit.name, p.listed_on, p.deadline, p.closed_on if p.closed_on and p.closed_on <= end else None]
              for p in listed.select_related("unit").order_by("listed_on", "id")]
    return s


def orders_section(user: Any, start: dt.date, end: dt.date) -> Section:
    qs = visible_orders(user).select_related("unit", "issuer")
    issued = list(qs.filter(issued_on__range=(start, end)).order_by("issued_on", "id"))
    waiting = [o for o in qs.filter(issued_on__lte=end) if first_deadline(o) < end and not _answered_by(o, end)]
    s = Section("orders", _("Supervision orders"))
    s.counts = [
        (_("Orders issued"), len(issued)),
        (_("Answered by the deadline"), sum(1 for o in issued if _answered_by(o, first_deadline(o)))),
        (_("Unanswered and past the deadline at the end of the period"), len(waiting)),
        (_("Reminders sent (催办)"), sum(o.reminders for o in issued)),
    ]
    s.columns = [_("Number"), _("Unit"), _("Issued by"), _("Issued on"), _("Answer due"), _("First answered on")]
    s.rows = [[o.number, o.unit.name, o.issuer.name, o.issued_on, first_deadline(o),
               o.first_answered_on if _answered_by(o, end) else None] for o in issued]
    return s


def talks_section(user: Any, start: dt.date, end: dt.date) -> Section:
    held = list(visible_talks(user).filter(held_on__range=(start, end)).select_related("unit", "held_by")
                .order_by("held_on", "id"))
    s = Section("talks", _("Talks (约谈)"))
    done = [t for t in held if t.followed_up_on and t.followed_up_on <= end]
    s.counts = [(_("Talks held"), len(held)), (_("Commitments followed up by the end of the period"), len(done)),
                (_("Follow-up overdue at the end of the period"),
                 sum(1 for t in held if t.follow_up_due < end and t not in done))]
    s.columns = [pgettext("talk", "Held on"), _("Unit"), _("Person talked to"), _("Held by"), _("Follow-up due")]
    s.rows = [[t.held_on, t.unit.name, f"{t.person} {t.position}", t.held_by.name, t.follow_up_due] for t in held]
    return s


def _units_for(user: Any, campaign: Campaign) -> list[Agency]:
    units = assessment.units(campaign)
    return [u for u in units if u.pk == user.agency_id] if user.role == Role.DEPARTMENT else units


def documents_section(user: Any, start: dt.date, end: dt.date) -> Section:
    s = Section("documents", _("Unit documents"))
    campaign = _campaign(end)
    if campaign is None:
        return s
    first = documents.first_submissions(campaign)
    on_time = late = missing = 0
    for r in campaign.requirements.filter(due_on__range=(start, end)):
        for u in _units_for(user, campaign):
            sub = first.get((r.pk, u.pk))
            if sub is None or sub.submitted_on > end:
                missing += 1
                s.rows.append([r.name, u.name, r.due_on, None])
            else:
                on_time, late = (on_time + 1, late) if not sub.late else (on_time, late + 1)
                s.rows.append([r.name, u.name, r.due_on, sub.submitted_on])
    s.counts = [(_("Submitted on time"), on_time), (_("Submitted late"), late),
                (_("Not submitted at the end of the period"), missing)]
    s.columns = [_("Document"), _("Unit"), _("Due on"), _("Submitted on")]
    return s


def assessment_section(user: Any, start: dt.date, end: dt.date) -> Section:
    s = Section("assessment", _("Assessment"))
    campaign = _campaign(end)
    if campaign is None:
        return s
    scores = assessment.seen_by(user, assessment.ranking(campaign, start, end))
    s.columns = [_("Rank"), _("Unit"), *[i.name for i in campaign.items.all()], _("Adjustments"), _("Total")]
    s.rows = [[x.rank, x.unit.name, *[float(i.score) for i in x.items], float(x.adjusted), float(x.total)]
              for x in scores]
    s.counts = [(_("Units assessed"), len(scores))]
    return s


def units_section(user: Any, start: dt.date, end: dt.date) -> Section:
    """One row per unit: its problems, orders, talks and documents in the period, as of its end."""
    s = Section("units", _("Units"))
    campaign = _campaign(end)
    units = _units_for(user, campaign) if campaign else []
    orders = list(visible_orders(user).filter(issued_on__range=(start, end)))
    talks = list(visible_talks(user).filter(held_on__range=(start, end)))
    problems = ledger.visible(user)
    first = documents.first_submissions(campaign) if campaign else {}
    reqs = list(campaign.requirements.filter(due_on__range=(start, end))) if campaign else []
    s.columns = [_("Unit"), _("Problems listed"), _("Closed off"), _("Orders issued"), _("Answered by the deadline"),
                 _("Talks held"), _("Documents not submitted")]
    for u in units:
        mine = [o for o in orders if o.unit_id == u.pk]
        s.rows.append([
            u.name, problems.filter(unit=u, listed_on__range=(start, end)).count(),
            problems.filter(unit=u, closed_on__range=(start, end)).count(), len(mine),
            sum(1 for o in mine if _answered_by(o, first_deadline(o))), sum(1 for t in talks if t.unit_id == u.pk),
            sum(1 for r in reqs if (r.pk, u.pk) not in first or first[(r.pk, u.pk)].submitted_on > end)])
    s.counts = [(_("Units"), len(units))]
    return s


def bulletins_section(user: Any, start: dt.date, end: dt.date) -> Section:
    published = list(visible_bulletins(user).filter(status=Bulletin.Status.PUBLISHED, published_on__range=(start, end))
                     .order_by("published_on", "id"))
    s = Section("bulletins", _("Bulletins (通报)"))
    s.counts = [(_("Bulletins published"), len(published))]
    s.columns = [_("Number"), _("Title"), _("Published on")]
    s.rows = [[b.number, b.title, b.published_on] for b in published]
    return s


SECTIONS = [ledger_section, units_section, orders_section, talks_section, documents_section, assessment_section,
            bulletins_section]
