"""The append-only audit log: who did or looked at what, when, from where.

Tamper-evident: every entry is chained to the one before by a hash (``chain.py``) and database
triggers refuse UPDATE and DELETE. A deleted user's entries stay as they are (no foreign-key
constraint, nothing set to NULL), with the user name of the time.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bidwatch.web.audit import actions, chain


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        """The actions of the first releases. Frozen: a new feature registers its own (``audit/actions.py``)."""

        LOGIN = "login", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOGOUT = "logout", _("Logged out")
        VIEW_EVIDENCE = "view_evidence", _("Viewed evidence")
        VIEW = "view", _("Viewed case data")
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
        USER = "user", _("Changed a user account")
        CHANGE = "change", _("Changed a record")
        REFUSED = "refused", _("Refused access")

    at = models.DateTimeField(_("time"), default=timezone.now, editable=False, db_index=True)
    # DO_NOTHING without a constraint: deleting a user must not touch (and could not: triggers) its entries.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True, on_delete=models.DO_NOTHING,
        db_constraint=False, related_name="+",
    )
    username = models.CharField(_("user name"), max_length=150, blank=True)
    #: one of the registered actions (``audit/actions.py``); no choices, so a new one needs no migration
    action = models.CharField(_("action"), max_length=30, db_index=True)
    object_type = models.CharField(_("object type"), max_length=40, blank=True)
    #: an imported tender's or company's id whole (``tenders.models.ID_LENGTH``), an alert's key (200)
    object_id = models.CharField(_("object"), max_length=255, blank=True, db_index=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    prev_hash = models.CharField(_("previous entry's hash"), max_length=64, blank=True, editable=False)
    hash = models.CharField(_("hash"), max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.action} {self.object_type}:{self.object_id}"

    def get_action_display(self) -> str:
        return actions.label(self.action)

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None:
            raise ValueError("audit entries are append-only")
        if not actions.is_registered(self.action):
            raise ValueError(f"unregistered audit action {self.action!r} (audit/actions.py)")
        with transaction.atomic(using=kwargs.get("using")):
            chain.lock_for_append()
            last = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first()
            self.prev_hash = last or chain.GENESIS
            self.at = timezone.now()  # taken under the lock: times follow the chain
            self.ip = chain.normalise_ip(self.ip)
            self.hash = chain.entry_hash(
                self.prev_hash, at=self.at, user_id=self.user_id, username=self.username, action=self.action,
                object_type=self.object_type, object_id=self.object_id, detail=self.detail, ip=self.ip,
            )
            super().save(*args, **kwargs)


for _action in AuditEntry.Action:
    actions.register(_action.value, _action.label)
