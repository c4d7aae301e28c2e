from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bidwatch.web.accounts.models import Agency, Sector
from bidwatch.web.alerts.models import Alert, Clue, Severity


class AlertFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    family = forms.ChoiceField(label=_("Family"), required=False)
    severity = forms.ChoiceField(label=_("Severity"), required=False, choices=[("", _("All")), *Severity.choices])
    sector = forms.ChoiceField(label=_("Sector"), required=False, choices=[("", _("All")), *Sector.choices])
    department = forms.ModelChoiceField(
        label=_("Department"), required=False, queryset=Agency.objects.none(), empty_label=_("All")
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *Alert.Status.choices])
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    include_inactive = forms.BooleanField(label=_("Include alerts no longer found"), required=False)

    def __init__(self, *args, families: list[tuple[str, str]] = (), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["family"].choices = [("", _("All")), *families]
        self.fields["department"].queryset = Agency.objects.filter(kind=Agency.Kind.DEPARTMENT).exclude(sector="")


class DismissForm(forms.Form):
    reason = forms.CharField(label=_("Reason for dismissal"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class ConfirmForm(forms.Form):
    reason = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False)


class ClueForm(forms.Form):
    assigned_unit = forms.ModelChoiceField(label=_("Assign to unit"), queryset=Agency.objects.all())
    source = forms.ChoiceField(label=_("Source"), choices=Clue.Source.choices, initial=Clue.Source.BIG_DATA)
    summary = forms.CharField(label=_("Summary of the clue"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class ClueStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Clue.Status.choices)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=4000)
