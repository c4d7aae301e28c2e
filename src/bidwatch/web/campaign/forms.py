from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bidwatch.web.accounts.models import Agency, Role
from bidwatch.web.campaign import services
from bidwatch.web.campaign.models import Problem
from bidwatch.web.widgets import DateInput
from bidwatch.web.workflow import forms as workflow_forms

MAX_WORKDAYS = 250


def _units() -> Any:
    """The units a problem can be listed for: the industry departments that rectify."""
    return Agency.objects.filter(kind=Agency.Kind.DEPARTMENT)


class DeadlineMixin:
    """A deadline given as a date or as N working days from today (the working-day calendar)."""

    deadline_field = "deadline"
    estimated = False

    def clean_deadline_choice(self, data: dict[str, Any]) -> None:
        form: forms.Form = self  # type: ignore[assignment]
        due, n = data.get(self.deadline_field), data.get("workdays")
        if due and n:
            form.add_error("workdays", _("Give either a date or a number of working days, not both."))
        elif n:
            data[self.deadline_field], exact = services.deadline_from_workdays(n)
            self.estimated = not exact
        elif not due and self.deadline_field not in form.errors and "workdays" not in form.errors:
            form.add_error(self.deadline_field, _("Give the deadline, or a number of working days from today."))


class ProblemForm(DeadlineMixin, forms.ModelForm):
    workdays = forms.IntegerField(
        label=_("or within this many working days from today"), required=False, min_value=1,
        max_value=MAX_WORKDAYS, help_text=_("Counted with the State Council's holiday schedule (调休 included)."))

    class Meta:
        model = Problem
        fields = list(services.FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}), "measures": forms.Textarea(attrs={"rows": 3}),
            "listed_on": DateInput(), "deadline": DateInput(), "tender": forms.TextInput(),
        }

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        units = _units()
        if user is not None and user.role == Role.DEPARTMENT:
            units = units.filter(pk=user.agency_id)
            self.initial["unit"] = user.agency_id
            self.initial.setdefault("sector", user.sector or "other")
        self.fields["unit"].queryset = units
        self.fields["tender"].required = False
        self.fields["tender"].help_text = _("Tender ID, if known.")
        if user is not None:  # only tenders the user may see, one answer for unknown and other sectors' ids
            workflow_forms.scope_tender_field(self.fields["tender"], user)
        self.fields["deadline"].required = False
        self.fields["listed_on"].initial = services.today()
        self.order_fields([*services.FIELDS[:-1], "deadline", "workdays"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        listed, tender = data.get("listed_on"), data.get("tender")
        if listed and listed > services.today():
            self.add_error("listed_on", _("This date is in the future."))
        self.clean_deadline_choice(data)
        due = data.get("deadline")
        if listed and due and due < listed and "deadline" not in self.errors:
            self.add_error("deadline", _("The deadline cannot come before the date the problem was listed."))
        return data


class StepForm(workflow_forms.StepForm):
    @staticmethod
    def today() -> dt.date:
        return services.today()


class StartForm(StepForm):
    title = _("Start the rectification")
    measures = forms.CharField(label=_("Rectification measures"), widget=forms.Textarea(attrs={"rows": 3}),
                               max_length=8000)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=4000)


class ReportForm(StepForm):
    title = _("Report it rectified and request closure (申请销号)")
    result = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 4}), max_length=8000)
    recovered_amount = forms.DecimalField(label=_("Economic losses recovered (yuan)"), min_value=Decimal("0"),
                                          max_digits=16, decimal_places=2, initial=Decimal("0"))
    people_accountable = forms.IntegerField(label=_("People held accountable"), min_value=0, initial=0)
    rules_count = forms.IntegerField(label=_("Rules and systems made"), min_value=0, initial=0)
    rules_text = forms.CharField(label=_("Names of the rules and systems"), widget=forms.Textarea(attrs={"rows": 2}),
                                 required=False, max_length=4000)


class CloseForm(StepForm):
    title = _("Verify and close off (销号)")
    verification = forms.CharField(label=_("Verification note"), widget=forms.Textarea(attrs={"rows": 3}),
                                   max_length=8000)


class ReturnForm(StepForm):
    title = _("Return the closure request (退回)")
    reason = forms.CharField(label=_("Reason for returning"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=8000)


class ExtendForm(DeadlineMixin, forms.Form):
    title = _("Extend the deadline (延期)")
    deadline = forms.DateField(label=_("New rectification deadline"), widget=DateInput(), required=False)
    workdays = forms.IntegerField(label=_("or within this many working days from today"), required=False,
                                  min_value=1, max_value=MAX_WORKDAYS)
    reason = forms.CharField(label=_("Reason for the extension"), widget=forms.Textarea(attrs={"rows": 2}),
                             max_length=4000)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.clean_deadline_choice(data)
        if data.get("deadline") and data["deadline"] < services.today() and "deadline" not in self.errors:
            self.add_error("deadline", _("The new deadline has already passed."))
        return data


class FilterForm(forms.Form):
    STATE_CHOICES = [("", _("All")), ("open", _("Not yet rectified")), ("overdue", _("Past the deadline")),
                     ("soon", _("Due within 5 working days"))]
    q = forms.CharField(label=_("Search"), required=False,
                        help_text=_("Number, project, tender ID or words of the description"))
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All")), *Problem.Status.choices], required=False)
    category = forms.ChoiceField(label=_("Problem type"), choices=[("", _("All")), *Problem.Category.choices],
                                 required=False)
    unit = forms.ModelChoiceField(label=_("Responsible unit"), queryset=Agency.objects.none(), required=False,
                                  empty_label=_("All"))
    state = forms.ChoiceField(label=_("Rectification deadline"), choices=STATE_CHOICES, required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = _units()
        if user is not None and user.role == Role.DEPARTMENT:
            units = units.filter(pk=user.agency_id)
        self.fields["unit"].queryset = units
