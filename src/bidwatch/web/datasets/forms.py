from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Dataset file"),
        help_text=_("A .zip of contract files (CSV or Parquet, one per table), one .xlsx or .xls workbook, "
                    "or an OCDS file (.json, .jsonl, .ndjson, also .gz), which is converted as bidwatch scan "
                    "converts it."),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,.xlsx,.xls,.json,.jsonl,.ndjson,.gz"}),
    )
    source_system = forms.CharField(
        label=_("Source system"), max_length=64, required=False,
        help_text=_("The system the data was exported from (its ids are that system's), e.g. the provincial "
                    "trading platform. Left empty: the file's name. A re-export of the same system updates "
                    "its records after you confirm the changes; ids used by another system are refused."),
        widget=forms.TextInput(attrs={"list": "known-sources", "autocomplete": "off"}),
    )
