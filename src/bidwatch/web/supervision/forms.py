"""The forms of the orders', talks' and the assessment's pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bidwatch.web.accounts.models import Agency
from bidwatch.web.periods import CheckedPeriod, OptionalPeriodForm
from bidwatch.web.supervision.models import Adjustment, AssessmentItem, Campaign, SupervisionOrder
from bidwatch.web.widgets import DateInput
from bidwatch.web.workflow.forms import StepForm, not_in_future

TEXT = {"widget": forms.Textarea(attrs={"rows": 3}), "max_length": 8000}


def _units() -> Any:
    return Agency.objects.exclude(kind__in=[Agency.Kind.OFFICE]).order_by("id")


def _answering_units() -> Any:
    """The units an order or a talk may address (``services.answering_units``)."""
    from bidwatch.web.supervision.services import answering_units

    return answering_units()


class OrderForm(forms.Form):
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.all())
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Agency.objects.none())
    matter_kind = forms.ChoiceField(label=_("Kind of matter"), choices=SupervisionOrder.Matter.choices)
    matter_ref = forms.CharField(label=_("Matter reference"), required=False, max_length=100,
                                 help_text=_("e.g. the problem, clue or complaint number"))
    matter = forms.CharField(label=_("The matter"), **TEXT)
    demand = forms.CharField(label=_("What is demanded"), **TEXT)
    issued_on = forms.DateField(label=_("Issued on"), widget=DateInput(), validators=[not_in_future])
    workdays = forms.IntegerField(label=_("Working days to answer"), min_value=1, max_value=60, initial=5)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _answering_units()
        self.fields["campaign"].initial = Campaign.get_current()


class AnswerForm(StepForm):
    title = _("Report how the matter was handled (办理情况反馈)")
    answer = forms.CharField(label=_("Handling report"), **TEXT)


class AcceptForm(StepForm):
    title = _("Accept the answer")
    review = forms.CharField(label=_("Review note"), required=False, **TEXT)


class ReturnForm(StepForm):
    title = _("Return the answer")
    reason = forms.CharField(label=_("Reason for returning"), **TEXT)
    workdays = forms.IntegerField(label=_("New deadline in working days"), min_value=1, max_value=60, initial=5)


class RemindForm(StepForm):
    title = _("Send a reminder (催办)")
    note = forms.CharField(label=_("Note"), required=False, **TEXT)


class TalkForm(forms.Form):
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.all())
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Agency.objects.none())
    person = forms.CharField(label=_("Person talked to"), max_length=100)
    position = forms.CharField(label=_("Position"), max_length=100)
    talkers = forms.CharField(label=_("Talked to by"), max_length=200, help_text=_("names and positions"))
    reason = forms.CharField(label=_("Why"), **TEXT)
    orders = forms.ModelMultipleChoiceField(label=_("Linked orders"), queryset=SupervisionOrder.objects.none(),
                                            required=False)
    held_on = forms.DateField(label=pgettext_lazy("talk", "Held on"), widget=DateInput(), validators=[not_in_future])
    commitments = forms.CharField(label=_("Commitments made"), **TEXT)
    follow_up_due = forms.DateField(label=_("Follow-up due"), widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _answering_units()
        self.fields["orders"].queryset = SupervisionOrder.objects.select_related("unit")
        self.fields["campaign"].initial = Campaign.get_current()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        unit, orders = data.get("unit"), data.get("orders") or []
        others = [o for o in orders if unit is not None and o.unit_id != unit.pk]
        if others:  # a talk with 水利局 linked to 住建局's order would show on that order's page
            self.add_error("orders", _("These orders are another unit's: %(numbers)s")
                           % {"numbers": "、".join(str(o) for o in others)})
        held_on = data.get("held_on")
        if held_on and orders and "orders" not in self.errors:
            from bidwatch.web.supervision.services import check_talk_orders

            try:
                check_talk_orders(held_on, list(orders))
            except ValueError as exc:
                self.add_error("orders", str(exc))
        return data


class FollowUpForm(StepForm):
    title = _("Record the follow-up of the commitments")
    follow_up = forms.CharField(label=_("Follow-up findings"), **TEXT)


class AdjustmentForm(forms.ModelForm):
    class Meta:
        model = Adjustment
        fields = ["unit", "points", "reason", "on"]
        widgets = {"on": DateInput(), "reason": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units()


class PeriodForm(CheckedPeriod, OptionalPeriodForm):
    start = forms.DateField(label=_("From"), widget=DateInput(), required=False)
    end = forms.DateField(label=_("Until"), widget=DateInput(), required=False)


class ItemForm(forms.ModelForm):
    class Meta:
        model = AssessmentItem
        fields = ["name", "metric", "weight"]


class BulletinForm(forms.Form):
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.all())
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 10}), max_length=20000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].initial = Campaign.get_current()


class SubmitBulletinForm(StepForm):
    title = _("Submit to the office head for approval")
    note = forms.CharField(label=_("Note"), required=False, **TEXT)


class ApproveForm(StepForm):
    title = _("Approve (office head)")
    note = forms.CharField(label=_("Note"), required=False, **TEXT)


class ReturnBulletinForm(StepForm):
    title = _("Return for revision")
    reason = forms.CharField(label=_("What to revise"), **TEXT)


class PublishForm(StepForm):
    title = _("Publish with the next number")
