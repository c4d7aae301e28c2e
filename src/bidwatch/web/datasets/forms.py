from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Dataset file"),
        help_text=_("A .zip of contract files (CSV or Parquet, one per table) or one .xlsx workbook."),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,.xlsx"}),
    )
