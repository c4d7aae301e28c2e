"""The base of a step's form: the date the step was taken (today by default, never in the future)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bidwatch.web import deadlines
from bidwatch.web.widgets import DateInput


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
        if on > self.today():
            raise forms.ValidationError(_("This date is in the future."))
        return on
