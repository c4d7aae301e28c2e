"""The web's working-day calendar and today's date, shared by every ledger with a statutory clock
(complaints, clue transfers)."""

from __future__ import annotations

import datetime as dt
import functools
import os

from django.utils import timezone

from bidwatch.config import load_settings
from bidwatch.workdays import WorkCalendar


@functools.cache
def calendar() -> WorkCalendar:
    """chinese-calendar's official schedule plus the ``[workdays]`` section of the deployment's
    settings file (``BIDWATCH_SETTINGS``) for years it does not cover."""
    settings = load_settings(os.environ.get("BIDWATCH_SETTINGS") or None)
    return WorkCalendar.from_settings(settings.get("workdays", {}))


def today() -> dt.date:
    return timezone.localdate()
