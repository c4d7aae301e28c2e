"""The sanctions registry (信用惩戒名录, 联合惩戒): sanctions entered by the campaign's users.

Unlike :class:`bidwatch.web.tenders.models.Sanction` (the sanctions a dataset brought with it), these
are decisions the users record themselves — a debarment by a supervisory department, a court's
dishonest-debtor listing, a blacklist decision, an evaluation expert's suspension or removal (the subject is then
the expert: ``person_id`` = the datasets' ``experts.expert_id``). Entries that are not revoked join every dataset's
``sanctions`` table at its next import or rescan (:mod:`bidwatch.web.credit.feed`) as ``REG-<pk>``.
A revoked entry (撤销) stays here with who revoked it and why, but is never fed to a scan again.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from bidwatch.web.cases import actor_field
from bidwatch.web.core.fields import history_of, made_by, status_field, step_date
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
        # measures on an evaluation expert (the subject is the expert: person_id = the datasets' experts.expert_id)
        EXPERT_SUSPENDED = "expert_suspended", MEASURES["expert_suspended"]
        EXPERT_REMOVED = "expert_removed", MEASURES["expert_removed"]
        OTHER = "other", MEASURES["other"]

    #: the measures whose subject is an evaluation expert (the contract's ``schema.EXPERT_MEASURES``)
    EXPERT_MEASURES = (Measure.EXPERT_SUSPENDED.value, Measure.EXPERT_REMOVED.value)

    class State(models.TextChoices):
        ACTIVE = "active", _("In force")
        PENDING = "pending", _("Not yet in force")
        EXPIRED = "expired", _("Period ended")
        REVOKED = "revoked", _("Revoked (撤销)")
        REMOVED = "removed", _("Removed early after credit repair (信用修复)")

    # who is sanctioned: a company (by ID and/or USCC) and/or a person
    company_id = models.CharField(_("company ID"), max_length=64, blank=True, db_index=True)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True, db_index=True,
                            validators=[validate_uscc])
    person_id = models.CharField(_("person ID"), max_length=64, blank=True,
                                 help_text=_("For an evaluation expert: the expert's ID in the datasets' experts."))
    person_name = models.CharField(_("name of the person"), max_length=300, blank=True)
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
    recorded_by, recorded_at = made_by(_("entered by"), _("entered"))
    # revocation (撤销): kept, never fed to scans again
    revoked_on = step_date(_("revoked on"))
    revoke_reason = models.TextField(_("reason for revocation"), blank=True)
    revoked_by = actor_field(_("revoked by"), blank=True)
    #: the publication period (公示期): shown as published until this day (empty: until the measure ends)
    publish_until = models.DateField(_("published until"), null=True, blank=True,
                                     help_text=_("Empty: the end of the measure, or 3 years from its start."))
    #: credit repair (信用修复) approved: the entry stops applying from this day (fed to scans as ending the day before)
    removed_on = step_date(_("removed early on"))
    #: where the entry came from: entered by hand, a decision's approved proposal, or an imported list
    source = models.CharField(_("source"), max_length=200, blank=True)

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
    def effective_end(self) -> dt.date | None:
        """The last day the measure applies: its end, or the day before an early removal."""
        if self.removed_on is None:
            return self.end_on
        last = self.removed_on - dt.timedelta(days=1)
        return min(last, self.end_on) if self.end_on else last

    @property
    def publication_end(self) -> dt.date | None:
        if self.publish_until:
            return self.publish_until
        if self.end_on:
            return self.end_on
        return self.start_on.replace(year=self.start_on.year + 3) if self.start_on else None

    def pending_repair(self) -> CreditRepair | None:
        return self.repairs.filter(status=CreditRepair.Status.APPLIED).first()

    @property
    def subject(self) -> str:
        if self.is_expert:
            return f"{self.person_name}（{self.person_id}）" if self.person_name else self.person_id
        return self.company_name or self.company_id or self.uscc or self.person_name or self.person_id

    @property
    def is_expert(self) -> bool:
        """A measure on an evaluation expert: the scan's ``sanctioned_expert`` reads it (by the expert's ID)."""
        return self.measure in self.EXPERT_MEASURES

    def state(self, on: dt.date) -> str:
        if self.revoked_on is not None:
            return self.State.REVOKED
        if self.removed_on is not None and self.removed_on <= on:
            return self.State.REMOVED
        if self.end_on is not None and self.end_on < on:
            return self.State.EXPIRED
        if self.start_on is not None and self.start_on > on:
            return self.State.PENDING  # a measure from 2099 is not in force today
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
        if self.start_on and self.publish_until and self.publish_until < self.start_on:
            errors["publish_until"] = _("The publication cannot end before the measure starts.")
        if self.is_expert:
            if not self.person_id:
                errors["person_id"] = _("A measure on an evaluation expert names the expert: give the expert's ID.")
            if self.company_id or self.uscc:
                errors["company_id"] = _("A measure on an evaluation expert names the expert only, not a company.")
            if self.measure == self.Measure.EXPERT_REMOVED and self.end_on:
                errors["end_on"] = _("A removal from the evaluation-expert pool has no end date.")
        if errors:
            raise ValidationError(errors)


class CreditRepair(models.Model):
    """An application for credit repair (信用修复): the subject shows it has fulfilled its obligations and
    corrected the conduct; the registry's keepers review it and, approved, the entry is removed early."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied, under review")
        APPROVED = "approved", _("Approved: removed early")
        REFUSED = "refused", _("Refused")

    entry = models.ForeignKey(RegistryEntry, on_delete=models.CASCADE, related_name="repairs")
    applied_on = models.DateField(_("applied on"))
    applicant = models.CharField(_("applicant"), max_length=300)
    grounds = models.TextField(_("grounds (obligations fulfilled, conduct corrected)"))
    status = status_field(Status, Status.APPLIED)
    decided_on = step_date(_("decided on"))
    decision_note = models.TextField(_("review"), blank=True)

    class Meta:
        verbose_name = _("credit repair")
        verbose_name_plural = _("credit repairs")
        ordering = ["applied_on", "id"]


class RegistryEvent(HistoryEvent):
    """The entry's own history (the audit log has the same steps)."""

    STEPS = {"record": _("Entered in the registry"), "revoke": _("Revoked (撤销)"),
             "apply_repair": _("Credit repair applied for"), "approve_repair": _("Credit repair approved: removed early"),
             "refuse_repair": _("Credit repair refused")}

    entry = history_of(RegistryEntry)
