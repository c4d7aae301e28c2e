"""A list's optional period: a form with its two ends, either of which may be left open, and the filter it
makes over one date field (the interference register, the talks, the assessment); the check that a period
does not end before it starts (a campaign, a report)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _


def in_period(qs: QuerySet[Any], field: str, start: dt.date | None, end: dt.date | None) -> QuerySet[Any]:
    """``qs`` where ``field`` falls from ``start`` to ``end`` (both included; None leaves that end open)."""
    if start:
        qs = qs.filter(**{f"{field}__gte": start})
    if end:
        qs = qs.filter(**{f"{field}__lte": end})
    return qs


def check_period(form: forms.BaseForm, data: dict[str, Any], start: str = "start", end: str = "end") -> None:
    """For a form's ``clean``: the error on ``end`` when both ends are given and the period ends before it
    starts."""
    if data.get(start) and data.get(end) and data[end] < data[start]:
        form.add_error(end, _("The period ends before it starts."))


class CheckedPeriod(forms.BaseForm):
    """Put before a form's base (``forms.Form``, ``forms.ModelForm``, :class:`OptionalPeriodForm`): its
    ``clean`` refuses a period that ends before it starts (:func:`check_period` over ``period_fields``)."""

    period_fields = ("start", "end")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        check_period(self, data, *self.period_fields)
        return data


class OptionalPeriodForm(forms.Form):
    """The base of a period form whose ``start`` and ``end`` fields (declared, with their labels, by the
    subclass) are both optional."""

    def bounds(self) -> tuple[dt.date | None, dt.date | None]:
        """The period asked for; (None, None) when the form is unbound or not valid."""
        if not self.is_valid():
            return None, None
        return self.cleaned_data["start"], self.cleaned_data["end"]

    def within(self, qs: QuerySet[Any], field: str) -> QuerySet[Any]:
        return in_period(qs, field, *self.bounds())
