"""Attachments (附件) of reports, clues, cases and decisions: stored under the data dir, outside the web root and
``MEDIA_ROOT``, under a random name; their SHA-256 is recorded at upload; served only as downloads to those who
may see the object they belong to (:mod:`.kinds`), each download an audit entry."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bidwatch.web.cases import Named
from bidwatch.web.core.fields import made_by


class Attachment(Named):
    #: the object: ``<app_label>.<model>`` (a key of :data:`bidwatch.web.attachments.kinds.KINDS`) and its pk
    object_type = models.CharField(_("object type"), max_length=40)
    object_id = models.CharField(_("object"), max_length=64)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    kind = models.CharField(_("file type"), max_length=10)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    #: the stored file's name under ``<data dir>/attachments/`` (random, never the uploaded name)
    stored_as = models.CharField(max_length=80, unique=True, editable=False)
    description = models.CharField(_("description"), max_length=300, blank=True)
    uploaded_by, uploaded_at = made_by(None, _("uploaded"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="attachment_object_idx")]
