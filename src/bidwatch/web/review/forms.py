"""The upload form and the steps' forms of the pre-tender review."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from bidwatch.web.review.models import Finding, Review
from bidwatch.web.tenders.models import Tender
from bidwatch.web.widgets import DateInput
from bidwatch.web.scoping import scope_by_sector
from bidwatch.web.workflow.forms import StepForm

FILE_HELP = _("DOCX or PDF, at most 50 MB. The file is kept outside the web site with its SHA-256.")


def tender_field() -> forms.CharField:
    """The tender id, optional and free: a pre-tender review comes before the tender is announced, so its id is
    mostly not on the platform yet (the page links it only where the reader may open that tender)."""
    return forms.CharField(label=_("Tender id"), max_length=100, required=False)


class SubmitForm(StepForm):
    """The department's upload. The dates and amounts may be left empty where the document states them."""

    title = forms.CharField(label=_("Tender title"), max_length=300)
    tender_id = tender_field()
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

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["on"].label = _("Submitted on")
        hint = _("Leave empty where the document states it.")
        for name in ("docs_from", "docs_until", "bid_deadline", "estimate", "bid_bond", "performance_bond_pct"):
            self.fields[name].help_text = hint

    def clean_tender_id(self) -> str:
        """An id not on the platform is taken as written; one of another sector's tenders is refused with the answer
        an unknown id of the own sector would get on any other form (which ids exist elsewhere is not told): a
        department cannot file a review against another sector's tender."""
        value = self.cleaned_data.get("tender_id", "").strip()
        if value and self.user is not None and Tender.objects.filter(pk=value).exists() \
                and not scope_by_sector(Tender.objects.filter(pk=value), self.user).exists():
            raise forms.ValidationError(_("No tender with this ID in your sector."))
        return value


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
    tender_id = tender_field()
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, review: Review | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.review = review

    def clean_tender_id(self) -> str:
        """As at submission: free, but not another sector's tender (the office sees every sector: it is told)."""
        value = self.cleaned_data.get("tender_id", "").strip()
        if value and self.review is not None and Tender.objects.filter(pk=value).exclude(
                sector=self.review.sector).exists():
            raise forms.ValidationError(_("No tender with this ID in the review's sector."))
        return value
