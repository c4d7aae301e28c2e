from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".docx,.docm,.pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class CompareForm(forms.Form):
    archive = forms.FileField(
        label=_("Bid files (.zip)"),
        help_text=_("One folder per bidder (投标人A/商务标.pdf, 投标人A/技术标.docx) or one file per bidder; DOCX and PDF "
                    "are read."),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip"}),
    )
    tender_docs = MultipleFileField(
        label=_("The tender's own documents (optional)"), required=False,
        help_text=_("The tender document (招标文件) and its amendments, DOCX or PDF: what every bidder may copy "
                    "from them is not counted."),
    )
    tender_id = forms.CharField(
        label=_("Tender ID (optional)"), max_length=64, required=False,
        help_text=_("An imported tender: the findings become alerts on it. Leave empty for a free-standing comparison."),
    )
    title = forms.CharField(label=_("Title (optional)"), max_length=200, required=False)
