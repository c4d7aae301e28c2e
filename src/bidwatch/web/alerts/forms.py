from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bidwatch.web.accounts.models import Agency, Sector
from bidwatch.web.alerts.models import Alert, Clue, Severity, Transfer
from bidwatch.web.widgets import DateInput


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
                                  widget=DateInput(),
                                  help_text=_("Required for a transfer to the police (第5条: decided within 3 days, sent within 24 hours)."))
    sent_on = forms.DateField(label=_("Sent on"), widget=DateInput())

    def __init__(self, *args: Any, clue: Clue | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if clue is not None:
            self.fields["to_unit"].queryset = Agency.objects.exclude(pk=clue.assigned_unit_id)
        self.fields["sent_on"].initial = timezone.localdate()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        unit, kind = data.get("to_unit"), data.get("kind")
        expected = {Transfer.Kind.SUPERVISION: Agency.Kind.DISCIPLINE, Transfer.Kind.POLICE: Agency.Kind.POLICE}
        if unit is not None and kind in expected and unit.kind != expected[kind]:
            self.add_error("to_unit", _("This kind of transfer goes to a unit of kind “%(kind)s”.")
                           % {"kind": Agency.Kind(expected[kind]).label})
        if kind == Transfer.Kind.POLICE and not data.get("approved_on"):
            self.add_error("approved_on", _("A transfer to the police needs the date the head approved it."))
        return data


class TransferAnswerForm(forms.Form):
    decision = forms.ChoiceField(label=_("Answer"), choices=[("accept", _("Take the clue over")),
                                                             ("return", _("Return it"))])
    on = forms.DateField(label=_("Date"), widget=DateInput())
    answer = forms.CharField(label=_("Answer or reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                             max_length=4000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class ConsultationForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DateInput())
    convened_by = forms.ModelChoiceField(label=_("Convened by"), queryset=Agency.objects.all())
    units = forms.ModelMultipleChoiceField(label=_("Participating units"), queryset=Agency.objects.all(),
                                           widget=forms.CheckboxSelectMultiple)
    topic = forms.CharField(label=_("Topic"), max_length=300)
    conclusion = forms.CharField(label=_("Conclusions (会商意见)"), widget=forms.Textarea(attrs={"rows": 3}), max_length=8000)
    follow_up = forms.CharField(label=_("Follow-up and who does it"), widget=forms.Textarea(attrs={"rows": 2}),
                                required=False, max_length=4000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate()
