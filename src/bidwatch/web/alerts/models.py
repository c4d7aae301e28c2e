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


class Transfer(models.Model):
    """A clue sent to another unit (问题线索移送) and its answer.

    Kinds and clocks: to the supervision commission (监察法 第37条: leads of corruption, bribery or
    dereliction by public officials must be transferred); to the public security organ when a case
    reaches the criminal standards (《行政执法机关移送涉嫌犯罪案件的规定》: the head decides within 3 days of
    the report, the case is sent within 24 hours of approval, the police answer within 3 days, 第5、8条;
    a fine may not replace the transfer, 第11条); to the competent department. The answer is due
    3 days after sending (``reply_due``, calendar days rolled to the next working day).
    """

    class Kind(models.TextChoices):
        SUPERVISION = "supervision", _("To the supervision commission (监察法 第37条)")
        POLICE = "police", _("To the public security organ (suspected crime)")
        DEPARTMENT = "department", _("To the competent department")

    class Status(models.TextChoices):
        SENT = "sent", _("Sent, awaiting answer")
        ACCEPTED = "accepted", _("Taken over by the receiving unit")
        RETURNED = "returned", _("Returned")

    MATERIALS = (
        ("letter", _("Transfer letter")), ("report", _("Investigation report")),
        ("items", _("List of items involved")), ("appraisal", _("Test or appraisal reports")),
        ("other", _("Other materials")),
    )

    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="transfers")
    kind = models.CharField(_("kind of transfer"), max_length=20, choices=Kind.choices)
    from_unit = models.ForeignKey(Agency, verbose_name=_("sending unit"), on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey(Agency, verbose_name=_("receiving unit"), on_delete=models.PROTECT,
                                related_name="transfers_received")
    reason = models.TextField(_("grounds for the transfer"))
    materials = models.JSONField(_("materials sent"), default=list, blank=True)
    approved_on = models.DateField(_("approved by the head on"), null=True, blank=True)
    sent_on = models.DateField(_("sent on"))
    reply_due = models.DateField(_("answer due"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SENT)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("clue transfer")
        verbose_name_plural = _("clue transfers")
        ordering = ["-sent_on", "-id"]
        indexes = [models.Index(fields=["status", "reply_due"], name="transfer_due_idx")]

    def material_labels(self) -> list[str]:
        names = dict(self.MATERIALS)
        return [str(names.get(m, m)) for m in self.materials]


class Consultation(models.Model):
    """A joint consultation on a clue (会商): who met, when, what they agreed."""

    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="consultations")
    held_on = models.DateField(_("held on"))
    convened_by = models.ForeignKey(Agency, verbose_name=_("convened by"), on_delete=models.PROTECT, related_name="+")
    units = models.ManyToManyField(Agency, verbose_name=_("participating units"), related_name="consultations")
    topic = models.CharField(_("topic"), max_length=300)
    conclusion = models.TextField(_("conclusions (会商意见)"))
    follow_up = models.TextField(_("follow-up and who does it"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["held_on", "id"]
