"""The base of a step's form: the date the step was taken (today by default, never in the future)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bidwatch.web import deadlines
from bidwatch.web.widgets import DateInput


def scope_tender_field(field: forms.ModelChoiceField, user: Any) -> None:
    """A form's tender id field offers only the tenders of the user's sector and answers an unknown id and another
    sector's alike (which ids exist elsewhere is not told)."""
    from bidwatch.web.scoping import scope_by_sector

    field.queryset = scope_by_sector(field.queryset, user)
    field.error_messages["invalid_choice"] = _("No tender with this ID in your sector.")


def not_in_future(value: dt.date | None) -> None:
    """A date a user records as done (sent, received, held, issued) is not after today: a slip of the year
    (2027 for 2026) would otherwise set a deadline a year away and keep the matter out of every overdue list."""
    if value is not None and value > deadlines.today():
        raise forms.ValidationError(_("This date is in the future."))


class StepForm(forms.Form):
    title: Any = ""  #: the heading of the step on the case page
    on = forms.DateField(label=_("Date"), widget=DateInput())

    @staticmethod
    def today() -> dt.date:
        return deadlines.today()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = self.today()

    def clean_on(self) -> dt.date:
        on: dt.date = self.cleaned_data["on"]
        if on > self.today():  # the subclass's today (the services' clock, which tests set)
            raise forms.ValidationError(_("This date is in the future."))
        return on
