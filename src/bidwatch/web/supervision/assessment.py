"""The assessment (考核): each item of a campaign's scheme computed per unit from the platform's own records,
as of the end of the period or today, whichever comes first (:func:`as_of`: a campaign still running is assessed
on what has fallen due so far), plus the office's manual adjustments; a ranking; every score's records.

An item's score is ``weight × (records done in time / records due)``; a unit with no record due on an item
gets the full weight (nothing was late). A record whose due date (a clue's: the period's end) is after the
as-of date and that is not done yet is *not yet due* (未到期): listed, neither in time nor late, and left out of
the count; one done already counts as done in time. Which records are due, and which count as done in time:

* ``ledger``: the unit's problems whose rectification deadline falls in the period; in time when closure was
  requested (申请销号) by the deadline and by the period's end;
* ``complaints``: complaints the unit handles whose decision was due in the period; in time when decided by
  the decision deadline and by the period's end;
* ``clues``: clues assigned to the unit raised in the period; done when closed by the period's end
  (the clue's history dates it);
* ``transfers``: clues transferred to the unit whose answer was due in the period; answered by the due date;
* ``orders``: the unit's supervision orders issued in the period; in time when first answered by the
  deadline and by the period's end;
* ``documents``: the documents the campaign required with a due date in the period; in time when the unit's
  first submission came by the due date;
* ``talks``: talks with the unit held in the period whose follow-up was due by the period's end; in time when
  followed up by the follow-up deadline.

Nothing is read from the present state of a record where its dates tell the past one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from bidwatch.web.accounts.models import Agency, Role
from bidwatch.web.supervision.models import Adjustment, AssessmentItem, Campaign, SupervisionOrder, Talk

M = AssessmentItem.Metric
TWO = Decimal("0.01")


@dataclass
class Row:
    """One record behind a score: what it is, its link, its due date, when it was done, whether in time."""

    label: str
    url: str
    due: dt.date | None
    done: dt.date | None
    ok: bool
    pending: bool = False  #: not yet due and not done: out of the count (未到期)


@dataclass
class ItemScore:
    item: AssessmentItem
    rows: list[Row] = field(default_factory=list)

    @property
    def due(self) -> int:
        return sum(not r.pending for r in self.rows)

    @property
    def pending(self) -> int:
        return sum(r.pending for r in self.rows)

    @property
    def ok(self) -> int:
        return sum(r.ok for r in self.rows)

    @property
    def score(self) -> Decimal:
        w = Decimal(self.item.weight)
        return w if not self.due else (w * self.ok / self.due).quantize(TWO, ROUND_HALF_UP)


@dataclass
class UnitScore:
    unit: Agency
    items: list[ItemScore]
    adjustments: list[Adjustment]
    rank: int = 0

    @property
    def computed(self) -> Decimal:
        return sum((i.score for i in self.items), Decimal("0"))

    @property
    def adjusted(self) -> Decimal:
        return sum((Decimal(a.points) for a in self.adjustments), Decimal("0"))

    @property
    def total(self) -> Decimal:
        return self.computed + self.adjusted


def _in(d: dt.date | None, end: dt.date) -> bool:
    return d is not None and d <= end


def as_of(end: dt.date) -> dt.date:
    """The day the assessment is computed at: the period's end, or today (the services' today) when the period
    ends later."""
    from bidwatch.web.supervision import services

    return min(end, services.today())


def rows_for(metric: str, campaign: Campaign, unit: Agency, start: dt.date, end: dt.date) -> list[Row]:
    """The records of ``metric`` due in the period, judged as of :func:`as_of` (``end`` or today)."""
    rows = _rows(metric, campaign, unit, start, end)
    on = as_of(end)
    for r in rows:
        r.pending = not r.ok and (r.due or end) > on
    return rows


def _rows(metric: str, campaign: Campaign, unit: Agency, start: dt.date, end: dt.date) -> list[Row]:
    from bidwatch.web.alerts.models import ClueEvent, Transfer
    from bidwatch.web.campaign.models import Problem
    from bidwatch.web.complaints.models import Complaint

    out: list[Row] = []
    if metric == M.LEDGER:
        for p in Problem.objects.filter(campaign=campaign, unit=unit, deadline__range=(start, end)).order_by("id"):
            ok = _in(p.reported_on, min(p.deadline, end))
            out.append(Row(p.number, f"/campaign/{p.pk}/", p.deadline, p.reported_on if _in(p.reported_on, end) else None, ok))
    elif metric == M.COMPLAINTS:
        for c in Complaint.objects.filter(campaign=campaign, handling_unit=unit,
                                          decision_due__range=(start, end)).order_by("id"):
            ok = c.decision_due is not None and _in(c.decided_on, min(c.decision_due, end))
            out.append(Row(c.number, f"/complaints/{c.pk}/", c.decision_due, c.decided_on if _in(c.decided_on, end) else None, ok))
    elif metric == M.CLUES:
        from bidwatch.web.alerts.models import Clue

        clues = Clue.objects.filter(campaign=campaign, assigned_unit=unit, created_at__date__range=(start, end))
        for c in clues.order_by("id"):
            closed = (ClueEvent.objects.filter(clue=c, to_status=Clue.Status.CLOSED, at__date__lte=end)
                      .order_by("at").values_list("at", flat=True).first())
            out.append(Row(c.number, f"/alerts/clues/{c.pk}/", None, closed.date() if closed else None, closed is not None))
    elif metric == M.TRANSFERS:
        for t in Transfer.objects.filter(clue__campaign=campaign, to_unit=unit, reply_due__range=(start, end)).order_by("id"):
            ok = t.reply_due is not None and _in(t.answered_on, min(t.reply_due, end))
            out.append(Row(f"{t.clue.number} → {unit.code}", f"/alerts/clues/{t.clue_id}/", t.reply_due,
                           t.answered_on if _in(t.answered_on, end) else None, ok))
    elif metric == M.ORDERS:
        for o in SupervisionOrder.objects.filter(campaign=campaign, unit=unit, issued_on__range=(start, end)).order_by("id"):
            first = first_deadline(o)
            ok = _in(o.first_answered_on, min(first, end))
            out.append(Row(o.number, f"/supervision/orders/{o.pk}/", first,
                           o.first_answered_on if _in(o.first_answered_on, end) else None, ok))
    elif metric == M.TALKS:
        for t in Talk.objects.filter(campaign=campaign, unit=unit, held_on__range=(start, end),
                                     follow_up_due__lte=end).order_by("id"):
            ok = _in(t.followed_up_on, t.follow_up_due)
            out.append(Row(str(t), f"/supervision/talks/{t.pk}/", t.follow_up_due, t.followed_up_on if _in(t.followed_up_on, end) else None, ok))
    elif metric == M.DOCUMENTS:
        from bidwatch.web.supervision.documents import first_submissions

        first = first_submissions(campaign)
        for r in campaign.requirements.filter(due_on__range=(start, end)):
            sub = first.get((r.pk, unit.pk))
            done = sub.submitted_on if sub and sub.submitted_on <= end else None
            out.append(Row(r.name, "/supervision/documents/", r.due_on, done, _in(done, r.due_on)))
    return out


def first_deadline(o: SupervisionOrder) -> dt.date:
    """The order's deadline as issued, ``workdays`` after issue (a returned answer moves ``o.deadline``)."""
    from bidwatch.web.deadlines import calendar

    return calendar().add_workdays(o.issued_on, o.workdays)


def period(campaign: Campaign, start: dt.date | None = None, end: dt.date | None = None) -> tuple[dt.date, dt.date]:
    return start or campaign.starts_on, end or campaign.ends_on


def units(campaign: Campaign) -> list[Agency]:
    chosen = list(campaign.units.order_by("id"))
    return chosen or list(Agency.objects.filter(kind=Agency.Kind.DEPARTMENT).order_by("id"))


def score_unit(campaign: Campaign, unit: Agency, start: dt.date, end: dt.date) -> UnitScore:
    items = [ItemScore(i, rows_for(i.metric, campaign, unit, start, end)) for i in campaign.items.all()]
    adj = list(campaign.adjustments.filter(unit=unit, on__range=(start, end)))
    return UnitScore(unit, items, adj)


def ranking(campaign: Campaign, start: dt.date | None = None, end: dt.date | None = None) -> list[UnitScore]:
    """Every unit's score, best first; equal totals share a rank."""
    start, end = period(campaign, start, end)
    scores = sorted((score_unit(campaign, u, start, end) for u in units(campaign)),
                    key=lambda s: (-s.total, s.unit.pk))
    for i, s in enumerate(scores):
        s.rank = scores[i - 1].rank if i and scores[i - 1].total == s.total else i + 1
    return scores


def seen_by(user: Any, scores: list[UnitScore]) -> list[UnitScore]:
    """A unit sees its own score (and its rank); the office, commission and auditors every unit's."""
    if user.role == Role.DEPARTMENT:
        return [s for s in scores if s.unit.pk == user.agency_id]
    return scores


def xlsx(campaign: Campaign, scores: list[UnitScore], start: dt.date, end: dt.date) -> bytes:
    """The ranking as a workbook in the request's language: one row per unit, one column per item; every text cell
    neutralised."""
    import io

    from django.utils.translation import gettext as _
    from openpyxl import Workbook

    from bidwatch.exports import neutralise as safe_cell

    wb = Workbook()
    ws = wb.active
    ws.title = _("Assessment")
    ws.append([safe_cell(f"{campaign.name} {start:%Y-%m-%d} — {end:%Y-%m-%d}")])
    items = list(campaign.items.all())
    ws.append([_("Rank"), _("Unit"), *[safe_cell(f"{i.name} ({i.weight})") for i in items],
               _("Adjustments"), _("Total")])
    for s in scores:
        ws.append([s.rank, safe_cell(s.unit.display_name), *[float(i.score) for i in s.items], float(s.adjusted),
                   float(s.total)])
    ws2 = wb.create_sheet(_("Records by item"))
    ws2.append([_("Unit"), _("Assessment item"), _("Record"), _("Due"), _("Done"), _("In time")])
    for s in scores:
        for i in s.items:
            for r in i.rows:
                ws2.append([safe_cell(s.unit.display_name), safe_cell(i.item.name), safe_cell(r.label),
                            r.due.isoformat() if r.due else "", r.done.isoformat() if r.done else "",
                            _("yes") if r.ok else (_("not yet due") if r.pending else _("no"))])
        for a in s.adjustments:
            ws2.append([safe_cell(s.unit.display_name), _("Adjustments"), safe_cell(a.reason), a.on.isoformat(), "",
                        float(a.points)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
