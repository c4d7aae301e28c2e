"""The shape of a record's own history (complaints, registry entries): who did which step, when,
with a note. The audit log keeps the same steps across the whole application."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bidwatch.web.cases import actor_field


class HistoryEvent(models.Model):
    #: step code -> label; each subclass lists its workflow's steps
    STEPS: ClassVar[dict[str, Promise | str]] = {}

    actor = actor_field()
    step = models.CharField(_("step"), max_length=40)
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    @property
    def step_display(self) -> str:
        return str(self.STEPS.get(self.step, self.step))
