from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bidwatch.web.accounts.models import Agency, Sector
from bidwatch.web.alerts.models import Alert, CaseRecord, Clue, Decision, Disposition, Severity, Transfer
from bidwatch.web.credit.models import RegistryEntry, validate_uscc
from bidwatch.web.widgets import DateInput
from bidwatch.web.workflow.forms import StepForm, not_in_future


class AlertFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    family = forms.ChoiceField(label=_("Family"), required=False)
    severity = forms.ChoiceField(label=_("Severity"), required=False, choices=[("", _("All")), *Severity.choices])
    sector = forms.ChoiceField(label=_("Sector"), required=False, choices=[("", _("All")), *Sector.choices])
    department = forms.ModelChoiceField(
        label=_("Department"), required=False, queryset=Agency.objects.none(), empty_label=_("All")
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *Alert.Status.choices])
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
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


class MakeClueForm(StepForm):
    """The base of the step that makes another case (a report, an interference record) a problem clue
    assigned to a unit: each case's form adds its ``summary``, whose help says what an empty one becomes."""
    title = _("Make a problem clue")
    unit = forms.ModelChoiceField(label=_("Assigned unit"), queryset=Agency.objects.all())


class ClueStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Clue.Status.choices)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=4000)


class TransferForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of transfer"), choices=Transfer.Kind.choices)
    to_unit = forms.ModelChoiceField(label=_("Receiving unit"), queryset=Agency.objects.all())
    reason = forms.CharField(label=_("Grounds for the transfer"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    materials = forms.MultipleChoiceField(label=_("Materials sent"), choices=Transfer.MATERIALS, required=False,
                                          widget=forms.CheckboxSelectMultiple)
    approved_on = forms.DateField(label=_("Approved by the head on"), required=False,
                                  widget=DateInput(), validators=[not_in_future],
                                  help_text=_("Required for a transfer to the police (第5条: decided within 3 days, sent within 24 hours)."))
    sent_on = forms.DateField(label=_("Sent on"), widget=DateInput(), initial=timezone.localdate,
                              validators=[not_in_future])

    def __init__(self, *args: Any, clue: Clue | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if clue is not None:
            self.fields["to_unit"].queryset = Agency.objects.exclude(pk=clue.assigned_unit_id)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        unit, kind = data.get("to_unit"), data.get("kind")
        expected = {Transfer.Kind.SUPERVISION: Agency.Kind.DISCIPLINE, Transfer.Kind.POLICE: Agency.Kind.POLICE,
                    Transfer.Kind.ORGANISED_CRIME: Agency.Kind.POLICE}
        if unit is not None and kind in expected and unit.kind != expected[kind]:
            self.add_error("to_unit", _("This kind of transfer goes to a unit of kind “%(kind)s”.")
                           % {"kind": Agency.Kind(expected[kind]).label})
        if kind == Transfer.Kind.POLICE and not data.get("approved_on"):
            self.add_error("approved_on", _("A transfer to the police needs the date the head approved it."))
        return data


class TransferAnswerForm(forms.Form):
    decision = forms.ChoiceField(label=_("Answer"), choices=[("accept", _("Take the clue over")),
                                                             ("return", _("Return it"))])
    on = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate, validators=[not_in_future])
    answer = forms.CharField(label=_("Answer or reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                             max_length=4000)
    received_on = forms.DateField(label=_("Receipt date"), widget=DateInput(), required=False,
                                  validators=[not_in_future],
                                  help_text=_("If not recorded yet. Required for a transfer to the police: its 3 days "
                                              "run from receipt (第8条)."))


class TransferReceiptForm(forms.Form):
    on = forms.DateField(label=_("Receipt date"), widget=DateInput(), initial=timezone.localdate,
                         validators=[not_in_future],
                         help_text=_("The day the receiving unit received the transfer (its receipt, 回执)."))


class ConsultationForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DateInput(), initial=timezone.localdate,
                              validators=[not_in_future])
    convened_by = forms.ModelChoiceField(label=_("Convened by"), queryset=Agency.objects.all())
    units = forms.ModelMultipleChoiceField(label=_("Participating units"), queryset=Agency.objects.all(),
                                           widget=forms.CheckboxSelectMultiple)
    topic = forms.CharField(label=_("Topic"), max_length=300)
    conclusion = forms.CharField(label=_("Conclusions (会商意见)"), widget=forms.Textarea(attrs={"rows": 3}), max_length=8000)
    follow_up = forms.CharField(label=_("Follow-up and who does it"), widget=forms.Textarea(attrs={"rows": 2}),
                                required=False, max_length=4000)


# --- case outcomes --------------------------------------------------------------------------------

class DisposeForm(StepForm):
    title = _("Dispose of the clue (了结、暂存、初核、立案)")
    disposition = forms.ChoiceField(label=_("Disposition"), choices=Disposition.choices)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    case_kind = forms.ChoiceField(label=_("Kind of case"), choices=[("", "—"), *CaseRecord.Kind.choices],
                                  required=False)
    case_number = forms.CharField(label=_("Case number"), max_length=100, required=False)
    authority = forms.ModelChoiceField(label=_("Opened by"), queryset=Agency.objects.all(), required=False)
    summary = forms.CharField(label=_("What the case is about"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("disposition") == Disposition.CASE:
            for f in ("case_kind", "case_number", "authority"):
                if not data.get(f):
                    self.add_error(f, _("Required when a case is opened."))
        return data


class DecisionForm(StepForm):
    title = _("Record a decision")
    kind = forms.ChoiceField(label=_("Kind of decision"), choices=Decision.Kind.choices)
    measure = forms.ChoiceField(label=_("Measure"), choices=Decision.Measure.choices)
    number = forms.CharField(label=_("Decision document number"), max_length=100)
    authority = forms.CharField(label=_("Deciding authority"), max_length=200)
    subject_name = forms.CharField(label=_("Name of the company or person"), max_length=300)
    company_id = forms.CharField(label=_("Company ID"), max_length=64, required=False)
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=18, required=False)
    person_id = forms.CharField(label=_("Person ID"), max_length=64, required=False,
                                help_text=_("Of a person sanctioned; for an evaluation expert, the expert's ID in "
                                            "the datasets (experts.expert_id), which the scan matches."))
    amount = forms.DecimalField(label=_("Amount (yuan)"), max_digits=14, decimal_places=2, required=False,
                                min_value=Decimal("0"))
    start_on = forms.DateField(label=_("Measure from"), required=False, widget=DateInput())
    end_on = forms.DateField(label=_("Measure until"), required=False, widget=DateInput())
    text = forms.CharField(label=_("Grounds and decision"), widget=forms.Textarea(attrs={"rows": 3}))
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=300, required=False)
    propose = forms.BooleanField(label=_("Propose a joint-punishment entry in the sanctions registry"),
                                 required=False)
    registry_measure = forms.ChoiceField(label=_("Registry measure"), required=False,
                                         choices=[("", _("from the decision's measure")),
                                                  *RegistryEntry.Measure.choices])

    def clean_uscc(self) -> str:
        """Checked as the registry's own form checks it (a proposal with a wrong code could never be approved)."""
        uscc = str(self.cleaned_data.get("uscc") or "").strip().upper()
        validate_uscc(uscc)
        return uscc


class TagForm(StepForm):
    title = _("Organised crime (涉黑涉恶)")
    organised_crime = forms.BooleanField(label=_("A clue of organised crime (涉黑涉恶)"), required=False)
    note = forms.CharField(label=_("Note"), required=False)


class ApproveProposalForm(StepForm):
    title = _("Approve: enter it in the sanctions registry")
    note = forms.CharField(label=_("Note"), required=False)


class RejectProposalForm(StepForm):
    title = _("Do not enter it in the registry")
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
