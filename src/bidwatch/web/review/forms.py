"""The upload form and the steps' forms of the pre-tender review."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from bidwatch.web.review.models import Finding, Review
from bidwatch.web.widgets import DateInput
from bidwatch.web.workflow.forms import StepForm

FILE_HELP = _("DOCX or PDF, at most 50 MB. The file is kept outside the web site with its SHA-256.")


class SubmitForm(StepForm):
    """The department's upload. The dates and amounts may be left empty where the document states them."""

    title = forms.CharField(label=_("Tender title"), max_length=300)
    tender_id = forms.CharField(label=_("Tender id"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Document kind"), choices=Review.Kind.choices)
    file = forms.FileField(label=_("Draft document"), help_text=FILE_HELP)
    docs_from = forms.DateField(label=_("Documents issued from"), required=False, widget=DateInput())
    docs_until = forms.DateField(label=_("Documents on sale until"), required=False, widget=DateInput())
    bid_deadline = forms.DateField(label=_("Bid deadline"), required=False, widget=DateInput())
    estimate = forms.DecimalField(label=_("Estimate (yuan)"), required=False, max_digits=16, decimal_places=2,
                                  validators=[MinValueValidator(Decimal("0"))])
    bid_bond = forms.DecimalField(label=_("Bid bond (yuan)"), required=False, max_digits=16, decimal_places=2,
                                  validators=[MinValueValidator(Decimal("0"))])
    performance_bond_pct = forms.DecimalField(label=_("Performance bond (percent of the contract price)"), required=False,
                                              max_digits=5, decimal_places=2,
                                              validators=[MinValueValidator(Decimal("0"))])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].label = _("Submitted on")
        hint = _("Leave empty where the document states it.")
        for name in ("docs_from", "docs_until", "bid_deadline", "estimate", "bid_bond", "performance_bond_pct"):
            self.fields[name].help_text = hint


class StartForm(StepForm):
    title = _("Start the review")


class OpinionForm(StepForm):
    title = _("Opinion on a finding")
    finding = forms.ModelChoiceField(label=_("Issue found"), queryset=Finding.objects.none())
    opinion = forms.ChoiceField(label=_("Opinion"), choices=Finding.Opinion.choices)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, review: Review | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = review.current if review is not None else None
        if current is not None:
            self.fields["finding"].queryset = current.findings.all()
            self.fields["finding"].label_from_instance = (
                lambda f: f"{f.name_zh} · {_('paragraph')} {f.paragraph_number or '—'} · {f.match[:40]}")


class DecideForm(StepForm):
    title = _("Overall opinion")
    outcome = forms.ChoiceField(label=_("Overall opinion"), choices=Review.Outcome.choices,
                                help_text=_("Pass after changes returns the documents to the department."))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReviseForm(StepForm):
    title = _("Submit the revised version")
    file = forms.FileField(label=_("Revised document"), help_text=FILE_HELP)
    note = forms.CharField(label=_("What was changed"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class FileForm(StepForm):
    title = _("File (备案)")
    tender_id = forms.CharField(label=_("Tender id"), max_length=100, required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
