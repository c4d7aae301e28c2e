"""Complaints (投诉) under 招标投标法实施条例 第60–62条 and 《工程建设项目招标投标活动投诉处理办法》
(七部委令第11号, 2004; as amended by 九部委令第23号, 2013).

A complaint moves received → accepted → decided, or received → not accepted (办法 第12条, its six grounds),
or received → referred: a complaint that belongs to another supervisory department is not refused but the
complainant is told in writing where to complain (办法 第11条第(二)项). It may be withdrawn while open.
A complaint that needed an objection to the tenderer first (条例 第60条第2款) and had none is registered like
any other and then not accepted on 第12条第(六)项; it is not turned away at registration. Each stage has a statutory deadline counted in working days (3 to accept, 30 to
decide, with testing/inspection/appraisal/expert-review time not counted), computed by
:mod:`bidwatch.workdays` and stored on the row (``acceptance_due``, ``decision_due``) so that lists can filter by them;
:mod:`bidwatch.web.complaints.services` recomputes it at every step.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from bidwatch.web.accounts.models import Sector, sector_field, unit_field
from bidwatch.web.cases import Numbered, campaign_field
from bidwatch.web.core.fields import history_of, made_by, status_field, step_date, updated_field
from bidwatch.web.history import HistoryEvent
from bidwatch.web.tenders.models import tender_link


class Complaint(Numbered):
    NUMBERING = ("TS", "received_on")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received, awaiting acceptance")
        NOT_ACCEPTED = "not_accepted", _("Not accepted")
        ACCEPTED = "accepted", _("Accepted, being handled")
        DECIDED = "decided", _("Decided")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REFERRED = "referred", _("Referred to another department")

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        LETTER = "letter", _("Letter")
        VISIT = "visit", _("In person")
        TRANSFERRED = "transferred", _("Transferred by another unit")

    class ComplainantKind(models.TextChoices):
        BIDDER = "bidder", _("Bidder")
        INTERESTED = "interested", _("Other interested party")

    class Refusal(models.TextChoices):
        # 投诉处理办法 第12条 (2013年修订), its six grounds; (三) and (六) each hold two cases. Referral to another
        # department is 第11条第(二)项, not a ground of refusal: see Status.REFERRED.
        NO_INTEREST = "no_interest", _("(1) Complainant took no part and has no interest")
        NO_LEADS = "no_leads", _("(2) Matter not specific, no effective leads")
        NO_NAME = "no_name", _("(3) No real name, signature or valid contact")
        NOT_SEALED = "not_sealed", _("(3) Legal person's complaint not signed and sealed")
        LATE = "late", _("(4) Filed after the time limit")
        ALREADY_DECIDED = "already_decided", _("(5) Already decided, no new evidence")
        NO_OBJECTION = "no_objection", _("(6) An objection to the tenderer was required first and none was raised")
        IN_LITIGATION = "in_litigation", _("(6) In administrative reconsideration or litigation")

    class Outcome(models.TextChoices):
        FOUNDED = "founded", _("Founded")
        PARTLY_FOUNDED = "partly_founded", _("Partly founded")
        UNFOUNDED = "unfounded", _("Unfounded")
        REJECTED_FALSE = "rejected_false", _("Rejected: false or illegally obtained evidence")

    # what was complained about
    tender = tender_link("complaints")
    project_name = models.CharField(_("project"), max_length=300)
    campaign = campaign_field("complaints")
    sector = sector_field(default=Sector.OTHER)
    handling_unit = unit_field(_("handling department"), "complaints")
    complainant = models.CharField(_("complainant"), max_length=200)
    complainant_kind = models.CharField(
        _("complainant is"), max_length=20, choices=ComplainantKind.choices, default=ComplainantKind.BIDDER
    )
    complainant_contact = models.CharField(_("complainant's contact"), max_length=200, blank=True)
    respondent = models.CharField(_("respondent"), max_length=200, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.ONLINE)
    facts = models.TextField(_("facts"))
    requests = models.TextField(_("requests"), blank=True)
    # the dates the statutory clocks run from
    knew_on = models.DateField(_("knew or should have known on"))
    objection_required = models.BooleanField(
        _("objection to the tenderer required first"), default=False,
        help_text=_("Complaints about the tender documents, the bid opening or the evaluation result "
                    "(条例 第60条 第2款)."),
    )
    objection_on = step_date(_("objection raised on"))
    objection_answered_on = step_date(_("objection answered on"))
    received_on = models.DateField(_("received on"))
    # where it stands
    status = status_field(Status, Status.RECEIVED)
    accepted_on = step_date(_("accepted on"))
    refusal = models.CharField(_("reason not accepted"), max_length=30, choices=Refusal.choices, blank=True)
    referred_to = models.CharField(_("department the complainant was referred to"), max_length=200, blank=True)
    decided_on = step_date(_("decided on"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    decision_number = models.CharField(_("decision document number"), max_length=100, blank=True)
    decision = models.TextField(_("decision"), blank=True)
    # statutory deadlines (recomputed at every step), and whether the holiday schedule of every
    # year they span was known (False: Monday–Friday less the fixed-date holidays, an estimate)
    acceptance_due = step_date(_("acceptance due"))
    decision_due = step_date(_("decision due"))
    due_exact = models.BooleanField(_("deadline exact"), default=True)
    filing_limit = step_date(_("last day to file"))
    filing_limit_exact = models.BooleanField(_("time limit exact"), default=True)
    filed_late = models.BooleanField(_("filed after the time limit"), default=False)
    created_by, created_at = made_by(_("registered by"), _("registered"))
    updated_at = updated_field()

    OPEN = (Status.RECEIVED, Status.ACCEPTED)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "acceptance_due"], name="complaint_accept_due_idx"),
            models.Index(fields=["status", "decision_due"], name="complaint_decide_due_idx"),
        ]

    @property
    def lacks_objection(self) -> bool:
        """The matter needed an objection first (条例 第60条第2款) and none is recorded: 办法 第12条第(六)项."""
        return self.objection_required and self.objection_on is None

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def due_on(self) -> dt.date | None:
        """The deadline of the current stage; None once the complaint is closed."""
        if self.status == self.Status.RECEIVED:
            return self.acceptance_due
        if self.status == self.Status.ACCEPTED:
            return self.decision_due
        return None


class Pause(models.Model):
    """Time not counted towards the decision deadline (条例 第61条 第2款)."""

    class Kind(models.TextChoices):
        TESTING = "testing", _("Testing or inspection")
        APPRAISAL = "appraisal", _("Appraisal")
        EXPERT_REVIEW = "expert_review", _("Expert review")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="pauses")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    start_on = models.DateField(_("from"))
    end_on = models.DateField(_("until"), null=True, blank=True, help_text=_("Empty while it lasts."))
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("time not counted")
        verbose_name_plural = _("times not counted")
        ordering = ["start_on", "id"]


class Event(HistoryEvent):
    """The complaint's own history (the audit log has the same steps)."""

    STEPS = {
        "register": _("Registered"), "accept": _("Accepted for handling"), "refuse": _("Not accepted"),
        "pause": _("Clock stopped"), "resume": _("Clock restarted"), "decide": _("Decided"),
        "withdraw": _("Withdrawn"), "refer": _("Referred to another department"),
    }

    complaint = history_of(Complaint)
