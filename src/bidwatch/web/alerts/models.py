"""Alerts from scans, their triage by the responsible department, and problem clues (问题线索)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bidwatch.web.accounts.models import Agency, Sector
from bidwatch.web.tenders.models import Company, Tender


class Severity(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


SEVERITY_ORDER = {Severity.HIGH: 0, Severity.MEDIUM: 1, Severity.LOW: 2}


class Alert(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        CONFIRMED = "confirmed", _("Confirmed")
        DISMISSED = "dismissed", _("Dismissed")
        CLUE = "clue", _("Clue raised")

    alert_id = models.CharField(_("alert ID"), max_length=200, primary_key=True)
    indicator = models.CharField(_("indicator"), max_length=80, db_index=True)
    name_zh = models.CharField(_("indicator name"), max_length=200)
    family = models.CharField(_("family"), max_length=40, db_index=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, db_index=True)
    tender = models.ForeignKey(
        Tender, verbose_name=_("tender"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="alerts", db_constraint=False,
    )
    project_id = models.CharField(_("project ID"), max_length=64, blank=True)
    company_ids = models.TextField(_("companies"), blank=True)
    companies = models.ManyToManyField(Company, verbose_name=_("companies"), related_name="alerts", blank=True)
    score = models.FloatField(_("score"), default=0.0)
    legal_basis = models.CharField(_("legal basis"), max_length=500, blank=True)
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    message = models.TextField(_("finding"), blank=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, default=Sector.OTHER)
    region_code = models.CharField(_("district"), max_length=12, blank=True)
    detected_on = models.DateField(_("date"), null=True, blank=True)
    department = models.ForeignKey(
        Agency, verbose_name=_("responsible department"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="alerts",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    active = models.BooleanField(_("found by the latest scan"), default=True)
    first_seen = models.DateTimeField(_("first found"), auto_now_add=True)
    last_seen = models.DateTimeField(_("last found"), auto_now=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        indexes = [
            models.Index(fields=["active", "sector", "status"], name="alert_scope_idx"),
            models.Index(fields=["active", "detected_on"], name="alert_date_idx"),
            models.Index(fields=["tender", "active"], name="alert_tender_idx"),
            models.Index(fields=["active", "-score"], name="alert_score_idx"),
            models.Index(fields=["sector", "active", "-score"], name="alert_sector_score_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name_zh} ({self.tender_id or self.project_id})"


class Clue(models.Model):
    """A problem clue: minimal here (source, unit, status, history); case handling comes later."""

    class Source(models.TextChoices):
        BIG_DATA = "big_data", _("Big-data analysis")
        REPORT = "report", _("Report by the public")
        COMPLAINT = "complaint", _("Complaint")
        PETITION = "petition", _("Petition")
        AUDIT = "audit", _("Audit")
        INSPECTION = "inspection", _("Inspection tour")

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        ACCEPTED = "accepted", _("Accepted by the unit")
        IN_PROGRESS = "in_progress", _("Being verified")
        CLOSED = "closed", _("Closed")

    alert = models.ForeignKey(
        Alert, verbose_name=_("alert"), null=True, blank=True, on_delete=models.SET_NULL, related_name="clues"
    )
    tender = models.ForeignKey(
        Tender, verbose_name=_("tender"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="clues", db_constraint=False,
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.BIG_DATA)
    summary = models.TextField(_("summary"))
    assigned_unit = models.ForeignKey(Agency, verbose_name=_("assigned unit"), on_delete=models.PROTECT, related_name="clues")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("raised by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("raised"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("problem clue")
        verbose_name_plural = _("problem clues")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"XS-{self.created_at:%Y}-{self.pk:05d}" if self.pk and self.created_at else "XS-new"


class TriageAction(models.Model):
    """Every decision on an alert, in order (the alert's own history; the audit log has them too)."""

    class Action(models.TextChoices):
        CONFIRM = "confirm", _("Confirmed")
        DISMISS = "dismiss", _("Dismissed")
        CLUE = "clue", _("Raised a clue")
        REOPEN = "reopen", _("Reopened")

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="actions")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    reason = models.TextField(_("reason"), blank=True)
    clue = models.ForeignKey(Clue, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class ClueEvent(models.Model):
    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, choices=Clue.Status.choices)
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
