from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bidwatch.web.alerts.forms import MakeClueForm
from bidwatch.web.interference.models import Interference
from bidwatch.web.periods import OptionalPeriodForm
from bidwatch.web.tenders.models import Tender
from bidwatch.web.widgets import DateInput
from bidwatch.web.workflow.forms import StepForm, scope_tender_field


class RecordForm(forms.ModelForm):
    #: a tender of the user's sector, or none (``scope_tender_field``): not free text
    tender_id = forms.ModelChoiceField(label=_("tender ID"), queryset=Tender.objects.all(), required=False,
                                       widget=forms.TextInput())

    class Meta:
        model = Interference
        fields = ["intervener_name", "intervener_position", "intervener_unit", "project_name", "tender_id", "manner",
                  "occurred_on", "description"]
        widgets = {"occurred_on": DateInput(), "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user is not None:
            scope_tender_field(self.fields["tender_id"], user)

    def clean_tender_id(self) -> str:
        tender = self.cleaned_data.get("tender_id")
        return tender.pk if tender else ""


class ToClueForm(MakeClueForm):
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("Empty: who intervened, where, how and what."))


class FileForm(StepForm):
    title = _("File (no further action)")
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class PeriodForm(OptionalPeriodForm):
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())
