"""The campaign's problem and rectification ledger (问题清单 → 整改清单 → 整改台账).

A problem found by the campaign — by the big-data scan, from a clue or a complaint, by a unit's
self-inspection (自查), an inspection or inspection tour (督查、巡察) or an audit — is listed with
the unit responsible for putting it right, the rectification measures (整改措施) and a deadline
(整改时限). It then moves 待整改 → 整改中 → 已整改（申请销号）→ 已销号: the responsible department
rectifies and reports what it did with the results (amounts recovered, people held accountable,
rules made); the campaign office verifies and closes it off (销号) or returns the request (退回,
back to 整改中 with a reason). Only the office extends a deadline (延期); the history keeps the old one.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from bidwatch.web.accounts.models import Sector, sector_field, unit_field
from bidwatch.web.alerts.models import Alert, Clue
from bidwatch.web.cases import Numbered, actor_field, campaign_field
from bidwatch.web.complaints.models import Complaint
from bidwatch.web.core.fields import (
    history_of, made_by, optional_link, status_field, step_date, updated_field,
)
from bidwatch.web.history import HistoryEvent
from bidwatch.web.tenders.models import tender_link

NUMBER_RE = re.compile(r"WT-(\d{4})-(\d+)", re.IGNORECASE)


class Problem(Numbered):
    NUMBERING = ("WT", "listed_on")

    class Source(models.TextChoices):
        BIG_DATA = "big_data", _("Big-data analysis")
        CLUE = "clue", _("Problem clue")
        COMPLAINT = "complaint", _("Complaint")
        SELF_INSPECTION = "self_inspection", _("Self-inspection by the unit")
        INSPECTION = "inspection", _("Supervision or inspection tour")
        AUDIT = "audit", _("Audit")
        OTHER = "other", _("Other")

    class Category(models.TextChoices):
        # the campaign's problem types (domain notes §1.2–§1.6)
        BUILD_FIRST = "build_first", _("Construction before tendering")
        EVASION = "evasion", _("Evading tendering or splitting contracts")
        COLLUSION = "collusion", _("Bid rigging and collusive bidding")
        EXCLUSION = "exclusion", _("Excluding potential bidders")
        INTERFERENCE = "interference", _("Interference by officials")
        EXPERTS = "experts", _("Misconduct of evaluation experts")
        WEAK_SUPERVISION = "weak_supervision", _("Weak supervision")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting rectification")
        IN_PROGRESS = "in_progress", _("Being rectified")
        REPORTED = "reported", _("Rectified, closure requested")
        CLOSED = "closed", _("Verified and closed")

    # where it came from
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.OTHER)
    alert = optional_link(Alert, _("alert"), "problems", db_constraint=False)
    clue = optional_link(Clue, _("clue"), "problems")
    complaint = optional_link(Complaint, _("complaint"), "problems")
    tender = tender_link("problems")
    project_name = models.CharField(_("project"), max_length=300, blank=True)
    campaign = campaign_field("problems")
    # what and who
    unit = unit_field(_("responsible unit"), "problems")
    sector = sector_field(default=Sector.OTHER)
    category = models.CharField(_("problem type"), max_length=20, choices=Category.choices)
    description = models.TextField(_("problem description"))
    measures = models.TextField(_("rectification measures"), blank=True,
                                help_text=_("May be left to the responsible unit, which sets them when it starts."))
    listed_on = models.DateField(_("listed on"))
    deadline = models.DateField(_("rectification deadline"))
    status = status_field(Status, Status.PENDING)
    # the steps' dates
    started_on = step_date(_("rectification started on"))
    reported_on = step_date(_("closure requested on"))
    closed_on = step_date(_("closed off on"))
    # results, reported by the unit and verified by the office (the figures a campaign report sums)
    result = models.TextField(_("what was done"), blank=True)
    recovered_amount = models.DecimalField(_("economic losses recovered (yuan)"), max_digits=16, decimal_places=2,
                                           default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))])
    people_accountable = models.PositiveIntegerField(_("people held accountable"), default=0)
    rules_count = models.PositiveIntegerField(_("rules and systems made"), default=0)
    rules_text = models.TextField(_("names of the rules and systems"), blank=True)
    verification = models.TextField(_("verification note"), blank=True)
    closed_by = actor_field(_("closed off by"), blank=True)
    created_by, created_at = made_by(_("listed by"), _("created"))
    updated_at = updated_field()

    #: Rectification still to be done: these can run past their deadline.
    OPEN = (Status.PENDING, Status.IN_PROGRESS)

    class Meta:
        verbose_name = _("rectification problem")
        verbose_name_plural = _("rectification problems")
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "deadline"], name="problem_due_idx"),
                   models.Index(fields=["unit", "status"], name="problem_unit_idx")]

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    def overdue(self, on: dt.date) -> bool:
        return self.is_open and self.deadline < on

    @property
    def reported_in_time(self) -> bool | None:
        """Whether closure was requested by the deadline (None until it is requested)."""
        return None if self.reported_on is None else self.reported_on <= self.deadline


class ProblemEvent(HistoryEvent):
    """The problem's own history (the audit log has the same steps); an extension keeps both deadlines."""

    STEPS = {
        "create": _("Listed as a problem"), "start": _("Rectification started"),
        "report": _("Closure requested"), "close": _("Closed off (销号)"),
        "return": _("Closure request returned"), "extend": _("Deadline extended"),
    }

    problem = history_of(Problem)
    old_deadline = step_date(_("previous deadline"))
    new_deadline = step_date(_("new deadline"))
