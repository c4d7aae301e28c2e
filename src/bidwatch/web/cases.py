"""What the case models of the workflows share: the register number (``TS-2024-00012``) that names a case on its
page, in lists, exports and the audit log, and is also how the case prints."""

from __future__ import annotations

from typing import ClassVar

from django.db import models


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
