"""Fields the case records of every app declare alike: the record's workflow status, the dates of its steps,
who made it and when, the link of a history event to its record, and an optional link to another record.

Each function returns a new field with exactly the options the models have always declared (verbose name,
``null``/``blank``, ``on_delete``, related name), so that using one changes no table and no migration.
Fields that name another app's model live beside that model: a unit of the campaign and a sector in
``accounts.models`` (``unit_field``, ``sector_field``), a tender in ``tenders.models`` (``tender_link``), a
queue task in ``tasks.models`` (``task_link``); the campaign, the acting user and the case number in
:mod:`bidwatch.web.cases`. Like the rest of core, this module imports no app of ours.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from bidwatch.web.cases import actor_field


def status_field(
    choices: type[models.TextChoices], default: str, *, max_length: int = 20
) -> models.CharField:  # type: ignore[type-arg]
    """Where a record stands in its workflow: one of the model's ``Status`` choices, ``default`` the state
    a new record starts in. Lists filter on it; the workflow's steps (``<app>/workflow.py``) change it."""
    return models.CharField(_("status"), max_length=max_length, choices=choices.choices, default=default)


def step_date(verbose_name: Any, **options: Any) -> models.DateField:  # type: ignore[type-arg]
    """A date of a record's workflow that is empty until it applies: the day a step was taken (accepted,
    answered, decided, closed off ...) or a deadline the workflow computes (acceptance due, answer due)."""
    return models.DateField(verbose_name, null=True, blank=True, **options)


def made_by(
    by: Any = None, at: Any = None, *, blank: bool = False
) -> tuple[models.ForeignKey, models.DateTimeField]:  # type: ignore[type-arg]
    """Who made a record (raised, registered, recorded, uploaded it) and when: the user
    (:func:`~bidwatch.web.cases.actor_field`, ``blank`` where a form may leave it empty, as a reporter's own
    submission does) and the time, set when the row is inserted. ``by`` and ``at`` are the two verbose names;
    the model unpacks the pair into its own names::

        created_by, created_at = made_by(_("raised by"), _("raised"))
    """
    return actor_field(by, blank=blank), models.DateTimeField(at, auto_now_add=True)


def updated_field() -> models.DateTimeField:  # type: ignore[type-arg]
    """When a record was last saved (a case record's "updated" column, shown in its lists)."""
    return models.DateTimeField(_("updated"), auto_now=True)


def history_of(model: Any) -> models.ForeignKey:  # type: ignore[type-arg]
    """The record a history event (:class:`bidwatch.web.history.HistoryEvent`) belongs to: deleted with it,
    and read from it as ``record.events`` (the pages' history and the workflow core rely on that name)."""
    return models.ForeignKey(model, on_delete=models.CASCADE, related_name="events")


def optional_link(
    to: Any, verbose_name: Any, related_name: str, **options: Any
) -> models.ForeignKey:  # type: ignore[type-arg]
    """An optional link to another record: the alert, clue, complaint or ledger problem a record was made from
    or refers to, a registry entry a decision led to. Emptied, not deleted, when that record goes."""
    return models.ForeignKey(to, verbose_name=verbose_name, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name=related_name, **options)
