"""The sanctions registry (信用惩戒名录, 联合惩戒): sanctions entered by the campaign's users.

Unlike :class:`bidwatch.web.tenders.models.Sanction` (the sanctions a dataset brought with it), these
are decisions the users record themselves — a debarment by a supervisory department, a court's
dishonest-debtor listing, a blacklist decision. Entries that are not revoked join every dataset's
``sanctions`` table at its next import or rescan (:mod:`bidwatch.web.credit.feed`) as ``REG-<pk>``.
A revoked entry (撤销) stays here with who revoked it and why, but is never fed to a scan again.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from bidwatch.web.history import HistoryEvent
from bidwatch.web.labels import MEASURES

#: Prefix of a registry entry's sanction_id in the scans; a dataset's own ids must not use it.
PUBLIC_PREFIX = "REG-"


def validate_uscc(value: str) -> None:
    """The data contract's check (GB 32100-2015 check character), the loader's own rule."""
    from bidwatch.contract.values import uscc_valid

    if value and not uscc_valid(value):
        raise ValidationError(_("Not a valid unified social credit code: 18 characters with a correct check "
                                "character (GB 32100-2015)."), code="uscc")


class RegistryEntry(models.Model):
    class Measure(models.TextChoices):
        # the data contract's enumeration (bidwatch.contract.schema.MEASURE)
        DEBARMENT = "debarment", MEASURES["debarment"]
        BLACKLIST = "blacklist", MEASURES["blacklist"]
        DISHONEST_DEBTOR = "dishonest_debtor", MEASURES["dishonest_debtor"]
        BRIBERY_RECORD = "bribery_record", MEASURES["bribery_record"]
        PENALTY = "penalty", MEASURES["penalty"]
        OTHER = "other", MEASURES["other"]

    class State(models.TextChoices):
        ACTIVE = "active", _("In force")
        EXPIRED = "expired", _("Period ended")
        REVOKED = "revoked", _("Revoked (撤销)")

    # who is sanctioned: a company (by ID and/or USCC) and/or a person
    company_id = models.CharField(_("company ID"), max_length=64, blank=True, db_index=True)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True, db_index=True,
                            validators=[validate_uscc])
    person_id = models.CharField(_("person ID"), max_length=64, blank=True)
    company_name = models.CharField(_("company name"), max_length=300, blank=True,
                                    help_text=_("For display; filled from the company records when empty."))
    # the decision
    measure = models.CharField(_("measure"), max_length=30, choices=Measure.choices)
    authority = models.CharField(_("authority"), max_length=200)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    reason = models.TextField(_("grounds"))
    legal_basis = models.TextField(_("legal basis"), blank=True)
    start_on = models.DateField(_("from"))
    end_on = models.DateField(_("until"), null=True, blank=True, help_text=_("Empty: no end date."))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("entered"), auto_now_add=True)
    # revocation (撤销): kept, never fed to scans again
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revoke_reason = models.TextField(_("reason for revocation"), blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("revoked by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("sanctions registry entry")
        verbose_name_plural = _("sanctions registry entries")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.public_id

    @property
    def public_id(self) -> str:
        """The entry's sanction_id in the scans and their evidence."""
        return f"{PUBLIC_PREFIX}{self.pk}" if self.pk else f"{PUBLIC_PREFIX}new"

    @property
    def subject(self) -> str:
        return self.company_name or self.company_id or self.uscc or self.person_id

    def state(self, on: dt.date) -> str:
        if self.revoked_on is not None:
            return self.State.REVOKED
        if self.end_on is not None and self.end_on < on:
            return self.State.EXPIRED
        return self.State.ACTIVE

    def clean(self) -> None:
        self.company_id, self.person_id = self.company_id.strip(), self.person_id.strip()
        self.uscc = self.uscc.strip().upper()
        errors: dict[str, str] = {}
        if not (self.company_id or self.uscc or self.person_id):
            errors["company_id"] = _("Name the subject: a company ID, a unified social credit code or a "
                                     "person ID.")
        if self.start_on and self.end_on and self.end_on < self.start_on:
            errors["end_on"] = _("The end date cannot come before the start date.")
        if errors:
            raise ValidationError(errors)


class RegistryEvent(HistoryEvent):
    """The entry's own history (the audit log has the same steps)."""

    STEPS = {"record": _("Entered in the registry"), "revoke": _("Revoked (撤销)")}

    entry = models.ForeignKey(RegistryEntry, on_delete=models.CASCADE, related_name="events")

    class Meta(HistoryEvent.Meta):
        pass
