"""What models share without sharing a table: the register number (``TS-2024-00012``) that names a case on
its page, in lists, exports and the audit log, and is also how the case prints; the campaign field of the
records of a campaign; who did something to a record; and, for the many models that print as their name, that
``__str__``."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Named(models.Model):
    """A model that prints as its ``name`` field (declared by the model itself), or as its ``display_name`` where
    it has one (an agency's name in the page's language: the English dropdowns list English names). No fields."""

    name: str

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return str(getattr(self, "display_name", None) or self.name)


def campaign_field(related_name: str) -> models.ForeignKey:  # type: ignore[type-arg]
    """The campaign (专项整治) a record belongs to: ledger problems, clues, complaints, reports and reporting
    channels. Nullable: a record made without one is given the current campaign on ``pre_save``
    (``supervision.services.default_campaign``); a campaign with records cannot be deleted."""
    return models.ForeignKey("supervision.Campaign", verbose_name=_("campaign"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name=related_name)


def actor_field(verbose_name: Any = None, *, blank: bool = False) -> models.ForeignKey:  # type: ignore[type-arg]
    """The user who did something to a record (created, uploaded, issued, approved it): kept, as empty, when the
    account is deleted, and no reverse accessor on the user (``related_name="+"``)."""
    return models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=verbose_name, null=True, blank=blank,
                             on_delete=models.SET_NULL, related_name="+")


class Numbered(models.Model):
    """``<prefix>-<year of the date field>-<pk, five digits>``; ``<prefix>-new`` until it is saved and dated.
    A subclass names both, ``NUMBERING = ("TS", "received_on")``, or has a number of its own form (a supervision
    order's 〔2024〕督字第3号) by overriding ``number``. No fields: the tables are unchanged."""

    NUMBERING: ClassVar[tuple[str, str]]

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        prefix, date_field = self.NUMBERING
        on = getattr(self, date_field)
        return f"{prefix}-{on:%Y}-{self.pk:05d}" if self.pk and on else f"{prefix}-new"
