from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bidwatch.web.credit.models import RegistryEntry
from bidwatch.web.credit.services import ENTRY_FIELDS
from bidwatch.web.widgets import DateInput
from bidwatch.web.workflow.forms import StepForm


class EntryForm(forms.ModelForm):
    """A decision to enter; the model's ``clean`` and the USCC validator name the field at fault."""

    class Meta:
        model = RegistryEntry
        fields = list(ENTRY_FIELDS)
        widgets = {
            "reason": forms.Textarea(attrs={"rows": 3}), "legal_basis": forms.Textarea(attrs={"rows": 2}),
            "start_on": DateInput(), "end_on": DateInput(), "publish_until": DateInput(),
        }

    def clean_uscc(self) -> str:
        return str(self.cleaned_data.get("uscc") or "").strip().upper()


class RevokeForm(StepForm):
    on = forms.DateField(label=_("Revoked on"), widget=DateInput())
    reason = forms.CharField(label=_("Reason for revocation"), widget=forms.Textarea(attrs={"rows": 2}),
                             max_length=4000)


class RepairApplicationForm(StepForm):
    title = _("Register a credit repair application (信用修复)")
    applicant = forms.CharField(label=_("Applicant"), max_length=300)
    grounds = forms.CharField(label=_("Grounds (obligations fulfilled, conduct corrected)"),
                              widget=forms.Textarea(attrs={"rows": 3}))


class RepairReviewForm(StepForm):
    title = _("Review the credit repair application")
    note = forms.CharField(label=_("Review"), widget=forms.Textarea(attrs={"rows": 2}))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("List of dishonest entities (CSV or XLSX)"))
    authority = forms.CharField(label=_("Published by"), max_length=200,
                                help_text=_("The credit platform or authority that published the list."))


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False,
                        help_text=_("Company name, company ID, credit code, person ID or name, or document number"))
    measure = forms.ChoiceField(label=_("Measure"), choices=[("", _("All")), *RegistryEntry.Measure.choices],
                                required=False)
    state = forms.ChoiceField(label=_("Status"), choices=[("", _("All")), *RegistryEntry.State.choices],
                              required=False)
