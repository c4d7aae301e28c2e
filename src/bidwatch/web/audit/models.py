"""The append-only audit log: who did or looked at what, when, from where."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        LOGIN = "login", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOGOUT = "logout", _("Logged out")
        VIEW_EVIDENCE = "view_evidence", _("Viewed evidence")
        UPLOAD = "upload", _("Uploaded a dataset")
        IMPORT = "import", _("Imported a dataset")
        SCAN = "scan", _("Started a scan")
        TRIAGE = "triage", _("Triaged an alert")
        CLUE_CREATE = "clue_create", _("Raised a clue")
        CLUE_UPDATE = "clue_update", _("Updated a clue")
        COMPLAINT = "complaint", _("Handled a complaint")
        EXPORT = "export", _("Exported a report")
        REGISTRY = "registry", _("Changed the sanctions registry")
        RECTIFICATION = "rectification", _("Changed the rectification ledger")
        CHANGE = "change", _("Changed a record")
        REFUSED = "refused", _("Refused access")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True, on_delete=models.SET_NULL
    )
    username = models.CharField(_("user name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=30, choices=Action.choices, db_index=True)
    object_type = models.CharField(_("object type"), max_length=40, blank=True)
    object_id = models.CharField(_("object"), max_length=100, blank=True, db_index=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None:
            raise ValueError("audit entries are append-only")
        super().save(*args, **kwargs)
