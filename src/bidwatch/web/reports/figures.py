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
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from bidwatch.web.accounts.models import Role
from bidwatch.web.alerts.models import Alert, Clue, Consultation, Transfer, TriageAction
from bidwatch.web.alerts.services import visible_clues
from bidwatch.web.complaints import services as complaint_services
from bidwatch.web.complaints.models import Complaint
from bidwatch.web.complaints.workflow import CLOCK as COMPLAINT_CLOCK
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
    acts = Counter(actions.values_list("step", flat=True))
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
    # the indicator in the page's language; the finding is the scan's, written in Chinese only: said so
    zh = (get_language() or "zh-hans").startswith("zh")
    s.columns = [_("Date"), _("Indicator"), _("Severity"), _("Tender"), _("Status"),
                 _("Finding") if zh else _("Finding (the scan's text, in Chinese)")]
    top = alerts.filter(severity="high").order_by("-score", "alert_id")[:200]
    s.rows = [[a.detected_on, a.indicator_name, a.get_severity_display(), a.tender_id or "",
               a.get_status_display(), a.message] for a in top]
    return s


def clues(user: Any, start: dt.date, end: dt.date) -> Section:
    raised = visible_clues(user).filter(created_at__date__range=(start, end)).select_related("assigned_unit")
    visible = visible_clues(user)
    transfers = Transfer.objects.filter(clue__in=visible, sent_on__range=(start, end)).select_related(
        "from_unit", "to_unit", "clue")
    # overdue as of the period's end, not as of today: sent by then, due before it, not answered by it
    waiting = Transfer.objects.filter(clue__in=visible, sent_on__lte=end, reply_due__lt=end).filter(
        Q(answered_on__isnull=True) | Q(answered_on__gt=end))
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
        (_("Organised-crime clues (涉黑涉恶) raised"), sum(1 for c in raised_list if c.organised_crime)),
        (_("sent to the anti-organised-crime unit"), sum(1 for t in t_list if t.kind == Transfer.Kind.ORGANISED_CRIME)),
        (_("with the police's feedback"), sum(1 for t in t_list if t.kind == Transfer.Kind.ORGANISED_CRIME
                                              and t.status != Transfer.Status.SENT)),
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
        (_("Open and overdue at the end of the period"), COMPLAINT_CLOCK.overdue(qs, end).count()),
    ]
    s.breakdowns = [(_("Decisions by outcome"), _count_by([c.outcome for c in decided], dict(Complaint.Outcome.choices)))]
    # The complainant's identity stays out of every report and export (the page, the PDF, the
    # workbook): a report travels further than the case file (issue 18 item 11).
    s.columns = [_("Number"), _("Received on"), _("Project"), _("Handling department"), _("Status")]
    s.rows = [[c.number, c.received_on, c.project_name, c.handling_unit.name, c.get_status_display()]
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


def tipoffs(user: Any, start: dt.date, end: dt.date) -> Section:
    """Reports from the public (举报) and interference records: counts and the reports' rows — never the
    reporter (only the encrypted columns hold it, and they are not read here)."""
    from bidwatch.web.interference.models import Interference
    from bidwatch.web.interference.workflow import visible as visible_interference
    from bidwatch.web.tipoffs.models import Tipoff
    from bidwatch.web.tipoffs.workflow import CLOCK as TIPOFF_CLOCK
    from bidwatch.web.tipoffs.workflow import visible as visible_tipoffs

    qs = visible_tipoffs(user)
    from bidwatch.web.supervision.models import Campaign

    received = list(qs.filter(received_on__range=(start, end)).only(
        "id", "received_on", "channel", "anonymous", "subject", "status", "accept_due", "answer_due", "campaign"))
    interventions = visible_interference(user).filter(occurred_on__range=(start, end))
    campaigns = dict(Campaign.objects.values_list("pk", "name"))
    s = Section("tipoffs", _("Reports from the public and interference records"))
    s.counts = [
        (_("Reports received"), len(received)),
        (_("anonymous"), sum(1 for t in received if t.anonymous)),
        (_("Made problem clues"), sum(1 for t in received if t.status == Tipoff.Status.CLUE)),
        (_("Handled as complaints"), sum(1 for t in received if t.status == Tipoff.Status.COMPLAINT)),
        (_("Past their deadline at the end of the period"), TIPOFF_CLOCK.overdue(qs, end).count()),
        (_("Interventions recorded (干预插手)"), interventions.count()),
        (_("made problem clues"), interventions.filter(status=Interference.Status.CLUE).count()),
    ]
    s.breakdowns = [(_("Reports by channel"), _count_by([t.channel for t in received],
                                                        dict(Tipoff._meta.get_field("channel").choices))),
                    (_("Reports by status"), _count_by([t.status for t in received], dict(Tipoff.Status.choices))),
                    # each report belongs to a campaign (issue 15 item 1): a period across two campaigns counts each
                    (_("Reports by campaign"), _count_by([campaigns.get(t.campaign_id, "") for t in received], {}))]
    # the tip-off pages' words (context "tipoff": 收到举报日期, 举报方式), not the complaint's
    s.columns = [pgettext("tipoff", "Received on"), _("Report"), pgettext("tipoff", "Channel"),
                 _("Person or unit reported"), _("Status")]
    s.rows = [[t.received_on, t.number, t.get_channel_display(), t.subject, t.get_status_display()] for t in received]
    return s


def pre_tender_review(user: Any, start: dt.date, end: dt.date) -> Section:
    """Pre-tender review (标前审查): the reviews filed (备案) in the period, their findings by category and how many
    the revised versions resolved (``review.services.review_totals``)."""
    from bidwatch.web.review.models import Review
    from bidwatch.web.review.services import review_totals
    from bidwatch.web.review.workflow import visible as visible_reviews

    totals = review_totals((start, end), user)
    s = Section("review", _("Pre-tender review"))
    share = totals["resolved_share"]
    s.counts = [(_("Reviews filed"), totals["filed"]), (_("passed"), totals["passed"]),
                (_("not passed"), totals["rejected"]), (_("after a revision"), totals["revised"]),
                (_("Findings"), totals["findings"]), (_("resolved by a revision"), totals["resolved"]),
                (_("Share resolved"), "—" if share is None else f"{share:.0%}")]
    s.breakdowns = [(_("Findings by category"), [(c["name"], c["count"]) for c in totals["by_category"].values()])]
    filed = visible_reviews(user).filter(status=Review.Status.FILED, filed_on__range=(start, end)).select_related(
        "unit").order_by("filed_on", "pk")
    s.columns = [_("Filed on"), _("Tender"), _("Title"), _("Department"), _("Overall opinion")]
    s.rows = [[r.filed_on, r.tender_id, r.title, r.unit.name, r.get_outcome_display()] for r in filed]
    return s


#: The sections in report order; another front adds its function here.
SECTIONS = [big_data, clues, complaints, tipoffs, pre_tender_review, joint_punishment]


def build_report(user: Any, start: dt.date, end: dt.date) -> Report:
    if end < start:
        raise ValueError(_("the period ends before it starts"))
    from bidwatch.web.supervision.report import SECTIONS as CAMPAIGN_FRONT  # the accountability front (issue 15)

    scope = user.agency.name if user.role == Role.DEPARTMENT and user.agency else _("All units")
    return Report(start, end, str(scope), [f(user, start, end) for f in [*SECTIONS, *CAMPAIGN_FRONT]])
