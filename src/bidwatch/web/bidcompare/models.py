"""One comparison of a tender's bid files: the stored upload, its task, and what the comparison found."""

from __future__ import annotations

from pathlib import Path
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bidwatch.web.accounts.models import sector_field
from bidwatch.web.core.fields import made_by, status_field
from bidwatch.web.tasks.models import task_link
from bidwatch.web.tenders.models import tender_link


class Comparison(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        REFUSED = "refused", _("Archive refused")
        FAILED = "failed", _("Failed")

    #: the imported tender the bids belong to (None: a free-standing comparison)
    tender = tender_link("bid_comparisons")
    #: who may see it: the tender's sector, or the uploading department's for a free-standing one
    #: ("" for a free-standing comparison of the office or the commission: not shown to departments)
    sector = sector_field(blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    archive_name = models.CharField(_("bid files"), max_length=255)
    tender_names = models.JSONField(_("tender documents"), default=list, blank=True)
    size = models.BigIntegerField(_("size"), default=0)
    #: relative to MEDIA_ROOT, so that a backup restored into another data dir finds its files
    stored_dir = models.CharField(max_length=500, blank=True)
    uploaded_by, created_at = made_by(_("uploaded by"), _("uploaded"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    task = task_link("bid_comparison")
    status = status_field(Status, Status.QUEUED)
    refused = models.TextField(_("reason refused"), blank=True)
    #: bidders, findings, files, tender_files, discounted, timings (bidwatch.documents.batch.BatchResult)
    result = models.JSONField(_("result"), default=dict, blank=True)
    n_bidders = models.IntegerField(_("bidders"), default=0)
    n_findings = models.IntegerField(_("findings"), default=0)
    n_high = models.IntegerField(_("high-severity findings"), default=0)
    n_errors = models.IntegerField(_("files not read"), default=0)
    #: the alerts made from the findings (a linked tender only)
    alert_ids = models.JSONField(_("alerts"), default=list, blank=True)

    class Meta:
        verbose_name = _("bid-file comparison")
        verbose_name_plural = _("bid-file comparisons")
        ordering = ["-id"]
        indexes = [models.Index(fields=["sector", "-id"], name="bidcompare_scope_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title or self.archive_name}"

    @property
    def folder(self) -> Path:
        return Path(settings.MEDIA_ROOT) / self.stored_dir

    @property
    def images_dir(self) -> Path:
        return self.folder / "images"

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.REFUSED, self.Status.FAILED}

    def image_hashes(self) -> set[str]:
        """The images the findings show (sha256 of each side): the only ones the image view serves."""
        out: set[str] = set()
        for f in (self.result or {}).get("findings", []):
            for m in f.get("evidence", {}).get("images", []) if f.get("indicator") == "doc_same_images" else []:
                out.update(h for h in (m.get("sha256_a"), m.get("sha256_b")) if h)
        return out
