"""The facts a step's service checks before it changes anything, worded by the caller (``_("...")``): a text
that must be given, a date that cannot come before another. Each raises ``ValueError``, which the case page
shows on the step's form."""

from __future__ import annotations

import datetime as dt


def required(value: str, message: str) -> str:
    """``value`` stripped; ``message`` when nothing is left."""
    if not value.strip():
        raise ValueError(message)
    return value.strip()


def not_before(on: dt.date, earlier: dt.date | None, message: str, *, dates: bool = True) -> None:
    """``on`` may not come before ``earlier`` (when there is one); the message gives both dates (``dates``
    off: the message alone, as the reports' pages word it)."""
    if earlier is not None and on < earlier:
        raise ValueError(f"{message} ({on} < {earlier})" if dates else message)
