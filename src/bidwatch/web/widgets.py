"""Form widgets shared by the apps."""

from __future__ import annotations

from typing import Any

from django import forms


class DateInput(forms.DateInput):
    """An HTML date input. Its value must be ISO (YYYY-MM-DD) whatever the page's language: with
    zh-hans Django would render 2024/01/01, which the browser's date input ignores."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")
