"""Uploaded datasets and the scans run on them (the history of imports and scans)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bidwatch.web.cases import actor_field
from bidwatch.web.core.fields import made_by, status_field
from bidwatch.web.tasks.models import task_link


class DatasetImport(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        CHECKING = "checking", _("Checking")
        REJECTED = "rejected", _("Rejected: problems found")
        ACCEPTED = "accepted", _("Accepted")
        REVIEW = "review", _("Waiting for confirmation")
        IMPORTED = "imported", _("Imported")
        FAILED = "failed", _("Failed")

    original_name = models.CharField(_("file"), max_length=255)
    stored_path = models.CharField(max_length=500)
    size = models.BigIntegerField(_("size"), default=0)
    uploaded_by, uploaded_at = made_by(_("uploaded by"), _("uploaded"))
    status = status_field(Status, Status.PENDING)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    n_problems = models.IntegerField(_("problems"), default=0)
    #: the loader's notices (read differently from a plain table, or dates that cannot be in that order): not
    #: errors, the dataset loads; shown with their place so that the file can be corrected
    notices = models.JSONField(_("notices"), default=list, blank=True)
    n_notices = models.IntegerField(_("notices"), default=0)
    counts = models.JSONField(_("rows"), default=dict, blank=True)
    #: the system the data comes from (its ids are that system's): declared at upload, by default the
    #: file's name; records keep it (``tenders.models.Provenance``)
    source_system = models.CharField(_("source system"), max_length=64, blank=True, db_index=True)
    #: what the import adds, changes and retires (``datasets/diff.py``), computed before it is applied
    diff = models.JSONField(_("changes"), default=dict, blank=True)
    confirmed_by = actor_field(_("confirmed by"), blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("dataset import")
        verbose_name_plural = _("dataset imports")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.original_name}"

    @property
    def goes_ahead(self) -> bool:
        """Whether the change summary is what the import does or did (waiting for confirmation, accepted,
        imported): a rejected or failed import changed nothing, and re-checks no alert."""
        return self.status in (self.Status.REVIEW, self.Status.ACCEPTED, self.Status.IMPORTED)


class ScanRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        REJECTED = "rejected", _("Dataset rejected")
        HELD = "held", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed: applied by the next scan")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    dataset = models.ForeignKey(DatasetImport, verbose_name=_("dataset"), on_delete=models.CASCADE, related_name="scans")
    task = task_link("scan")
    started_by, created_at = made_by(_("run by"), _("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = status_field(Status, Status.QUEUED)
    n_alerts = models.IntegerField(_("alerts"), default=0)
    n_tenders = models.IntegerField(_("tenders"), default=0)
    summary = models.JSONField(_("summary"), default=dict, blank=True)

    class Meta:
        verbose_name = _("scan")
        verbose_name_plural = _("scans")
        ordering = ["-id"]
