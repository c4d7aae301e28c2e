from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bidwatch.web.accounts.models import Agency, Role
from bidwatch.web.complaints.models import Complaint, Pause
from bidwatch.web.widgets import DateInput
from bidwatch.web.workflow import forms as workflow_forms


#: The earliest date a complaint's dates may name: 招标投标法 came into force on 2000-01-01, so no complaint under it
#: concerns a matter known, objected to or complained of before (a 1900-01-01 is a slip, and it would set the filing
#: limit a century back).
EARLIEST = dt.date(2000, 1, 1)


def _today() -> dt.date:
    return timezone.localdate()


class ComplaintForm(forms.ModelForm):
    class Meta:
        model = Complaint
        fields = ["project_name", "tender", "sector", "handling_unit", "complainant", "complainant_kind",
                  "complainant_contact", "respondent", "channel", "facts", "requests", "knew_on",
                  "objection_required", "objection_on", "objection_answered_on", "received_on"]
        widgets = {
            "facts": forms.Textarea(attrs={"rows": 4}), "requests": forms.Textarea(attrs={"rows": 2}),
            "knew_on": DateInput(), "objection_on": DateInput(), "objection_answered_on": DateInput(),
            "received_on": DateInput(), "tender": forms.TextInput(),
        }

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Agency.objects.filter(kind__in=[Agency.Kind.DEPARTMENT, Agency.Kind.OFFICE])
        if user is not None and user.role == Role.DEPARTMENT:
            units = units.filter(pk=user.agency_id)
            self.fields["sector"].initial = user.sector or "other"
        self.fields["handling_unit"].queryset = units
        self.fields["tender"].required = False
        self.fields["tender"].help_text = _("Tender ID, if known.")
        if user is not None:  # only tenders the user may see, one answer for unknown and other sectors' ids
            workflow_forms.scope_tender_field(self.fields["tender"], user)
        self.fields["received_on"].initial = _today()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        tender, sector = data.get("tender"), data.get("sector")
        if tender is not None and sector and tender.sector != sector:  # the tender's sector decides who handles it
            self.add_error("sector", _("The tender %(tender)s is in the sector “%(sector)s”: the complaint is too.")
                           % {"tender": tender.pk, "sector": tender.get_sector_display()})
        knew, received = data.get("knew_on"), data.get("received_on")
        for field in ("knew_on", "objection_on", "objection_answered_on", "received_on"):
            day = data.get(field)
            if day and day < EARLIEST:
                self.add_error(field, _("A date before %(day)s is not accepted: the Tendering Law came into force "
                                        "on that day.") % {"day": EARLIEST})
        if knew and received and received < knew:
            self.add_error("received_on", _("The complaint cannot be received before the complainant knew of the matter."))
        if received and received > _today():
            self.add_error("received_on", _("This date is in the future."))
        obj_on, answered = data.get("objection_on"), data.get("objection_answered_on")
        # A matter that needed an objection first and had none is still registered: the department then does not
        # accept it on 办法 第12条第(六)项 (the detail page proposes that step). It is not refused at the door.
        if obj_on and answered and answered < obj_on:
            self.add_error("objection_answered_on", _("The answer cannot come before the objection."))
        # the objection lies between knowing of the matter and the complaint: dates outside would stretch the
        # complaint's filing period (办法 第12条) by a period that never ran
        for field in ("objection_on", "objection_answered_on"):
            day = data.get(field)
            if day and knew and day < knew:
                self.add_error(field, _("The objection cannot come before the complainant knew of the matter."))
            elif day and received and day > received:
                self.add_error(field, _("The objection cannot come after the complaint was received."))
        return data


class StepForm(workflow_forms.StepForm):
    @staticmethod
    def today() -> dt.date:
        return _today()

    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=4000)


class AcceptForm(StepForm):
    title = _("Accept the complaint")


class RefuseForm(StepForm):
    title = _("Do not accept (办法 第12条)")
    reason = forms.ChoiceField(label=_("Reason not accepted"), choices=Complaint.Refusal.choices)
    field_order = ["on", "reason", "note"]


class ReferForm(StepForm):
    title = _("Refer to the competent department (办法 第11条)")
    to = forms.CharField(label=_("Department the complainant is referred to"), max_length=200)
    field_order = ["on", "to", "note"]


class PauseForm(StepForm):
    title = _("Stop the clock")
    kind = forms.ChoiceField(label=_("Time not counted for"), choices=Pause.Kind.choices)
    field_order = ["kind", "on", "note"]


class ResumeForm(StepForm):
    title = _("Restart the clock")


class DecideForm(StepForm):
    title = _("Record the decision")
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Complaint.Outcome.choices)
    number = forms.CharField(label=_("Decision document number"), max_length=100, required=False)
    text = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 4}), max_length=8000)
    field_order = ["on", "outcome", "number", "text", "note"]


class WithdrawForm(StepForm):
    title = _("Withdrawn by the complainant")
    note = forms.CharField(label=_("Reason for withdrawal"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)


class FilterForm(forms.Form):
    STATE_CHOICES = [("", _("All")), ("open", _("Open")), ("overdue", _("Overdue")), ("soon", _("Due soon"))]
    q = forms.CharField(label=_("Search"), required=False)
    state = forms.ChoiceField(label=_("Deadline"), choices=STATE_CHOICES, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All")), *Complaint.Status.choices], required=False)
