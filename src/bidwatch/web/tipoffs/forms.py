from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.validators import EmailValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bidwatch.web.accounts.models import Agency, Sector
from bidwatch.web.alerts.forms import MakeClueForm
from bidwatch.web.complaints.models import Complaint
from bidwatch.web.tipoffs.models import Channel, Tipoff
from bidwatch.web.widgets import DateInput
from bidwatch.web.workflow.forms import StepForm

_TEXT = forms.Textarea(attrs={"rows": 3})


class ReporterFields(forms.Form):
    """The reporter's identity: all optional (anonymous reports are allowed), encrypted before it is stored."""

    reporter_name = forms.CharField(label=_("Reporter's name"), max_length=100, required=False)
    reporter_contact = forms.CharField(label=_("Reporter's contact"), max_length=200, required=False)
    reporter_id = forms.CharField(label=_("Reporter's identity document number"), max_length=40, required=False)

    def reporter(self) -> dict[str, str]:
        return {k: self.cleaned_data.get(k, "") for k in ("reporter_name", "reporter_contact", "reporter_id")}


class RegisterForm(ReporterFields):
    #: only the channels the current campaign publishes (issue 16 item 1); the report takes the channel's kind
    channel_ref = forms.ModelChoiceField(label=pgettext_lazy("tipoff", "Channel"), queryset=Channel.objects.none())
    subject = forms.CharField(label=_("Person or unit reported"), max_length=300)
    project_name = forms.CharField(label=_("Project or tender"), max_length=300, required=False)
    tender_id = forms.CharField(label=_("Tender ID"), max_length=64, required=False)
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices, initial=Sector.OTHER)
    facts = forms.CharField(label=_("Facts reported"), widget=forms.Textarea(attrs={"rows": 5}))
    received_on = forms.DateField(label=pgettext_lazy("tipoff", "Received on"), widget=DateInput())

    FIELDS = ("channel_ref", "subject", "project_name", "tender_id", "sector", "facts", "received_on")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel_ref"].queryset = Channel.published()


class ChannelForm(forms.ModelForm):
    """A channel the campaign publishes: its kind, name and number or address, checked by kind."""

    class Meta:
        model = Channel
        fields = ["kind", "name", "address", "active"]

    PHONE = re.compile(r"\+?[0-9][0-9 ()（）-]{4,30}(转[0-9]{1,6})?")

    def __init__(self, *args: Any, campaign: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign if campaign is not None else self.instance.campaign

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind, address = data.get("kind"), (data.get("address") or "").strip()
        if not kind or not address:
            return data
        if kind == Channel.Kind.HOTLINE and not self.PHONE.fullmatch(address):
            self.add_error("address", _("A hotline is a telephone number, e.g. 0371-12345678."))
        elif kind == Channel.Kind.EMAIL:
            try:
                EmailValidator()(address)
            except forms.ValidationError:
                self.add_error("address", _("An e-mail channel needs an e-mail address, e.g. jubao@example.gov.cn."))
        elif kind == Channel.Kind.ONLINE and not address.startswith(("https://", "http://", "/")):
            self.add_error("address",
                           _("An online channel is a web address (https://…) or a path of this site (/…)."))
        same = Channel.objects.filter(campaign=self.campaign, kind=kind, address=address).exclude(pk=self.instance.pk)
        if self.campaign is not None and same.exists():
            self.add_error("address", _("The campaign publishes this channel already."))
        data["address"] = address
        return data


class IntakeForm(ReporterFields):
    """The reporter's own page: as little as possible."""

    subject = forms.CharField(label=_("Person or unit reported"), max_length=300)
    project_name = forms.CharField(label=_("Project or tender"), max_length=300, required=False)
    facts = forms.CharField(label=_("What happened"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))
    #: a field people do not see: a robot that fills it is turned away
    website = forms.CharField(required=False, widget=forms.HiddenInput)


class StatusForm(forms.Form):
    code = forms.CharField(label=_("Query code"), max_length=40)


class AcceptForm(StepForm):
    title = _("Accept")
    note = forms.CharField(label=_("Note"), required=False, widget=_TEXT)


class RefuseForm(StepForm):
    title = _("Not accepted")
    notice = forms.CharField(label=_("What the reporter is told"), widget=_TEXT)


class ExtendForm(StepForm):
    title = _("Extend the period by 30 days (once, head's approval)")
    reason = forms.CharField(label=_("Reason"), widget=_TEXT)


class AnswerForm(StepForm):
    title = _("Answer the reporter")
    text = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 5}))


class ToClueForm(MakeClueForm):
    summary = forms.CharField(label=_("Summary"), required=False, widget=_TEXT,
                              help_text=_("Empty: the facts reported. Never the reporter."))


class ToComplaintForm(StepForm):
    title = _("Handle as a complaint (条例 第60条)")
    handling_unit = forms.ModelChoiceField(
        label=_("Handling department"),
        queryset=Agency.objects.filter(kind__in=[Agency.Kind.DEPARTMENT, Agency.Kind.OFFICE]))
    knew_on = forms.DateField(label=_("Knew or should have known on"), widget=DateInput())
    complainant_kind = forms.ChoiceField(label=_("Complainant is"), choices=Complaint.ComplainantKind.choices)


class CloseForm(StepForm):
    title = _("Close")
    reason = forms.CharField(label=_("Reason"), widget=_TEXT)


class FilterForm(forms.Form):
    #: the current campaign's reports unless another campaign (or all) is chosen, like the campaign front's lists
    campaign = forms.ChoiceField(label=_("Campaign"), required=False)
    state = forms.ChoiceField(label=_("Deadline"), required=False,
                              choices=[("", _("All")), ("open", _("Open")), ("overdue", _("Overdue")),
                                       ("soon", _("Due soon"))])
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status")), *Tipoff.Status.choices])

    ALL = "all"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from bidwatch.web.supervision.models import Campaign

        super().__init__(*args, **kwargs)
        self.current = Campaign.get_current()
        self.fields["campaign"].choices = [*((str(c.pk), c.name) for c in Campaign.objects.all()),
                                           (self.ALL, _("All campaigns"))]
        self.fields["campaign"].initial = str(self.current.pk) if self.current else self.ALL

    def campaign_filter(self, qs: Any) -> Any:
        """``qs`` narrowed to the chosen campaign: the current one when none is chosen (or the form is invalid)."""
        chosen = self.cleaned_data.get("campaign") if self.is_bound and self.is_valid() else ""
        if chosen == self.ALL:
            return qs
        if chosen:
            return qs.filter(campaign_id=int(chosen))
        return qs.filter(campaign=self.current) if self.current else qs
