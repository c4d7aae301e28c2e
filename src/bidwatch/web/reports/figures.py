"""The numbers of a campaign report (专项整治工作情况报告) for one period, in one user's scope.

Each section counts what happened between ``start`` and ``end`` (both included) on one of the
campaign's fronts — big-data analysis, clues and their transfers, complaints, joint punishment —
and lists the rows behind the counts, so that the page, the PDF and the workbook say the same.
Scope: department staff get their sector's alerts and their unit's clues and complaints, as on
every other page; the registry is shared by all.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from bidwatch.web.accounts.models import Role
from bidwatch.web.alerts.models import Alert, Clue, Consultation, Transfer, TriageAction
from bidwatch.web.alerts.services import visible_clues
from bidwatch.web.complaints import services as complaint_services
from bidwatch.web.complaints.models import Complaint
from bidwatch.web.credit.models import RegistryEntry
from bidwatch.web.deadlines import calendar
from bidwatch.web.labels import family_label
from bidwatch.web.scoping import scope_by_sector


@dataclass
class Section:
    """One front of the campaign: headline counts, breakdowns and the rows behind them."""

    key: str
    title: str
    counts: list[tuple[str, int | float | str]] = field(default_factory=list)
    breakdowns: list[tuple[str, list[tuple[str, int]]]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)


@dataclass
class Report:
    start: dt.date
    end: dt.date
    scope: str
    sections: list[Section]


def _count_by(values: list[str], labels: dict[str, str]) -> list[tuple[str, int]]:
    return [(str(labels.get(k, k) or "—"), n) for k, n in Counter(values).most_common()]


def _date(value: dt.datetime | dt.date | None) -> dt.date | None:
    return value.date() if isinstance(value, dt.datetime) else value


def big_data(user: Any, start: dt.date, end: dt.date) -> Section:
    alerts = scope_by_sector(Alert.objects.filter(detected_on__range=(start, end)), user)
    found = list(alerts.values_list("family", "severity", "status"))
    actions = TriageAction.objects.filter(alert__in=alerts, at__date__range=(start, end))
    acts = Counter(actions.values_list("action", flat=True))
    s = Section("big_data", _("Big-data analysis"))
    s.counts = [
        (_("Alerts dated in the period"), len(found)),
        (_("High severity"), sum(1 for f in found if f[1] == "high")),
        (_("Confirmed"), acts.get(TriageAction.Action.CONFIRM, 0)),
        (_("Dismissed"), acts.get(TriageAction.Action.DISMISS, 0)),
        (_("Turned into clues"), acts.get(TriageAction.Action.CLUE, 0)),
    ]
    s.breakdowns = [
        (_("By family"), [(family_label(k), n) for k, n in Counter(f[0] for f in found).most_common()]),
        (_("By status"), _count_by([f[2] for f in found], dict(Alert.Status.choices))),
    ]
    s.columns = [_("Date"), _("Indicator"), _("Severity"), _("Tender"), _("Status"), _("Finding")]
    top = alerts.filter(severity="high").order_by("-score", "alert_id")[:200]
    s.rows = [[a.detected_on, a.name_zh, a.get_severity_display(), a.tender_id or "", a.get_status_display(),
               a.message] for a in top]
    return s


def clues(user: Any, start: dt.date, end: dt.date) -> Section:
    raised = visible_clues(user).filter(created_at__date__range=(start, end)).select_related("assigned_unit")
    visible = visible_clues(user)
    transfers = Transfer.objects.filter(clue__in=visible, sent_on__range=(start, end)).select_related(
        "from_unit", "to_unit", "clue")
    waiting = Transfer.objects.filter(clue__in=visible, status=Transfer.Status.SENT, reply_due__lt=end)
    consultations = Consultation.objects.filter(clue__in=visible, held_on__range=(start, end))
    raised_list = list(raised)
    t_list = list(transfers)
    s = Section("clues", _("Clues, transfers and consultations"))
    s.counts = [
        (_("Clues raised"), len(raised_list)),
        (_("Clues closed"), sum(1 for c in raised_list if c.status == Clue.Status.CLOSED)),
        (_("Transfers sent"), len(t_list)),
        (_("to the supervision commission"), sum(1 for t in t_list if t.kind == Transfer.Kind.SUPERVISION)),
        (_("to the police"), sum(1 for t in t_list if t.kind == Transfer.Kind.POLICE)),
        (_("Answers overdue at the end of the period"), waiting.count()),
        (_("Consultations held"), consultations.count()),
    ]
    s.breakdowns = [
        (_("Clues by source"), _count_by([c.source for c in raised_list], dict(Clue.Source.choices))),
        (_("Transfers by answer"), _count_by([t.status for t in t_list], dict(Transfer.Status.choices))),
    ]
    s.columns = [_("Sent on"), _("Clue"), _("Kind of transfer"), _("From"), _("To"), _("Status")]
    s.rows = [[t.sent_on, t.clue.number, t.get_kind_display(), t.from_unit.name, t.to_unit.name,
               t.get_status_display()] for t in t_list]
    return s


def complaints(user: Any, start: dt.date, end: dt.date) -> Section:
    qs = complaint_services.visible(user)
    received = list(qs.filter(received_on__range=(start, end)).select_related("handling_unit"))
    decided = list(qs.filter(status=Complaint.Status.DECIDED, decided_on__range=(start, end)))
    refused = qs.filter(status=Complaint.Status.NOT_ACCEPTED, decided_on__range=(start, end)).count()
    cal = calendar()
    spent = [cal.workdays_between(c.accepted_on, c.decided_on) for c in decided if c.accepted_on and c.decided_on]
    late = sum(1 for c in decided if c.decision_due and c.decided_on and c.decided_on > c.decision_due)
    s = Section("complaints", _("Complaints"))
    s.counts = [
        (_("Complaints received"), len(received)),
        (_("Filed after the time limit"), sum(1 for c in received if c.filed_late)),
        (_("Not accepted"), refused),
        (_("Decided"), len(decided)),
        (_("Decided after the statutory deadline"), late),
        (_("Working days from acceptance to decision (mean)"),
         f"{sum(spent) / len(spent):.1f}" if spent else "—"),
        (_("Open and overdue at the end of the period"), qs.filter(complaint_services.overdue_q(end)).distinct().count()),
    ]
    s.breakdowns = [(_("Decisions by outcome"), _count_by([c.outcome for c in decided], dict(Complaint.Outcome.choices)))]
    s.columns = [_("Number"), _("Received on"), _("Project"), _("Complainant"), _("Handling department"), _("Status")]
    s.rows = [[c.number, c.received_on, c.project_name, c.complainant, c.handling_unit.name, c.get_status_display()]
              for c in received]
    return s


def joint_punishment(user: Any, start: dt.date, end: dt.date) -> Section:
    entered = list(RegistryEntry.objects.filter(recorded_at__date__range=(start, end)))
    revoked = RegistryEntry.objects.filter(revoked_on__range=(start, end)).count()
    in_force = RegistryEntry.objects.filter(revoked_on__isnull=True, start_on__lte=end).filter(
        Q(end_on__isnull=True) | Q(end_on__gte=end)).count()
    s = Section("credit", _("Joint punishment"))
    s.counts = [(_("Registry entries made"), len(entered)), (_("Revoked"), revoked),
                (_("In force at the end of the period"), in_force)]
    s.breakdowns = [(_("Entries by measure"), _count_by([e.measure for e in entered], dict(RegistryEntry.Measure.choices)))]
    s.columns = [_("Entry"), _("Company"), _("Measure"), _("Authority"), _("From"), _("Until")]
    s.rows = [[e.public_id, e.company_name or e.company_id or e.uscc, e.get_measure_display(), e.authority,
               e.start_on, e.end_on] for e in entered]
    return s


#: The sections in report order; another front adds its function here.
SECTIONS = [big_data, clues, complaints, joint_punishment]


def build_report(user: Any, start: dt.date, end: dt.date) -> Report:
    if end < start:
        raise ValueError("the period ends before it starts / 截止日期早于起始日期")
    scope = user.agency.name if user.role == Role.DEPARTMENT and user.agency else _("All units")
    return Report(start, end, str(scope), [f(user, start, end) for f in SECTIONS])
