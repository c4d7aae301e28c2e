"""Pre-tender review (标前审查): a department's draft tender documents reviewed before they are published.

A review holds the versions the department uploaded (the file kept outside the web root with its SHA-256,
its paragraphs and the facts read from it) and each version's findings (a rule, its legal basis, where in
the text). The office records an opinion per finding and an overall decision; a revised version is matched
against the previous one (findings still present, resolved, new; the paragraphs that changed).
已提交 → 审查中 → 退回修改 | 通过 | 不予通过; 退回修改 → (修改稿) 已提交 → …; 通过 / 不予通过 → 已备案.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bidwatch.web.accounts.models import sector_field, unit_field
from bidwatch.web.cases import Numbered
from bidwatch.web.core.fields import history_of, made_by, status_field, step_date
from bidwatch.web.history import HistoryEvent


class Review(Numbered):
    NUMBERING = ("BQ", "submitted_on")

    class Kind(models.TextChoices):
        TENDER_DOCUMENT = "tender_document", _("Tender document (招标文件)")
        PREQUALIFICATION = "prequalification", _("Prequalification document (资格预审文件)")
        ANNOUNCEMENT = "announcement", _("Tender announcement (招标公告)")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting review")
        UNDER_REVIEW = "under_review", _("Under review")
        RETURNED = "returned", _("Returned for revision")
        PASSED = "passed", _("Passed")
        REJECTED = "rejected", _("Not passed")
        FILED = "filed", _("Filed (备案)")

    class Outcome(models.TextChoices):
        PASS = "pass", _("Pass (通过)")
        PASS_AFTER_CHANGES = "pass_after_changes", _("Pass after changes (修改后通过)")
        REJECT = "reject", _("Not passed (不予通过)")

    tender_id = models.CharField(_("tender id"), max_length=100, blank=True)
    title = models.CharField(_("tender title"), max_length=300)
    sector = sector_field()
    unit = unit_field(_("department"), "reviews")
    kind = models.CharField(_("document kind"), max_length=20, choices=Kind.choices)
    status = status_field(Status, Status.SUBMITTED)
    outcome = models.CharField(_("overall opinion"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("opinion note"), blank=True)
    submitted_on = models.DateField(_("submitted on"))
    decided_on = step_date(_("decided on"))
    filed_on = step_date(_("filed on"))
    created_by, created_at = made_by(None, _("created"))

    class Meta:
        verbose_name = _("pre-tender review")
        verbose_name_plural = _("pre-tender reviews")
        ordering = ["-id"]

    @property
    def current(self) -> ReviewVersion | None:
        return self.versions.order_by("-number").first()


class ReviewVersion(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    submitted_on = models.DateField(_("submitted on"))
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    stored = models.CharField(max_length=255)  #: path under DATA_DIR/review-files (outside the web root)
    paragraphs = models.JSONField(default=list)
    facts = models.JSONField(default=dict)  #: field -> {value, paragraph, text, source: text | form}
    notes = models.JSONField(default=list)  #: what the reader reported (macros not run, scanned pages ...)
    changes = models.JSONField(default=list)  #: the paragraphs changed since the previous version
    uploaded_by, uploaded_at = made_by()

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["review", "number"], name="review_version_unique")]

    def __str__(self) -> str:
        return f"{self.review.number} v{self.number}"


class Finding(models.Model):
    class Opinion(models.TextChoices):
        PASS = "pass", _("Pass (通过)")
        PASS_AFTER_CHANGES = "pass_after_changes", _("Pass after changes (修改后通过)")
        REJECT = "reject", _("Not passed (不予通过)")

    version = models.ForeignKey(ReviewVersion, on_delete=models.CASCADE, related_name="findings")
    rule = models.CharField(_("rule"), max_length=60)  #: the category: a restrictive-clause rule or a check
    name_zh = models.CharField(_("finding"), max_length=200)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    paragraph = models.IntegerField(_("paragraph"), null=True, blank=True)  #: index from 0; None: from the form
    match = models.TextField(_("matched text"))
    clause = models.TextField(_("clause"), blank=True)
    via = models.CharField(max_length=20, blank=True)  #: phrase | category | check
    #: the same finding in the previous version (still present); None: new in this version
    previous = models.OneToOneField("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="next")
    opinion = models.CharField(_("opinion"), max_length=20, choices=Opinion.choices, blank=True)
    opinion_note = models.TextField(_("opinion note"), blank=True)

    class Meta:
        ordering = ["version", "paragraph", "id"]

    def __str__(self) -> str:
        return f"{self.name_zh} ({self.legal_basis})"

    @property
    def paragraph_number(self) -> int | None:
        return None if self.paragraph is None else self.paragraph + 1


class ReviewEvent(HistoryEvent):
    STEPS = {
        "submit": _("Submitted for review"), "start": _("Review started"), "opinion": _("Opinion on a finding"),
        "decide": _("Review decided"), "revise": _("Revised version submitted"), "file": _("Filed (备案)"),
    }

    review = history_of(Review)
