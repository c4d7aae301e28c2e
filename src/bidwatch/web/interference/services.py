"""Record an intervention (reported to the discipline commission at once), make it a clue or file it, and the
statistics per period and unit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from bidwatch.web.accounts.models import Agency
from bidwatch.web.accounts.roles import Cap, can
from bidwatch.web.alerts.models import Clue
from bidwatch.web.deadlines import today
from bidwatch.web.interference.models import Interference
from bidwatch.web.interference.workflow import WORKFLOW, visible
from bidwatch.web.periods import in_period
from bidwatch.web.workflow.checks import not_before, required

FIELDS = ("intervener_name", "intervener_position", "intervener_unit", "project_name", "tender_id", "manner",
          "occurred_on", "description")


@transaction.atomic
def record(user: Any, *, request: Any = None, **fields: Any) -> Interference:
    """The recorder's unit is the user's own; the report to the discipline commission is made in the same
    transaction (its list and dashboard show the record at once)."""
    if not can(user, Cap.RECORD_INTERFERENCE) or user.agency_id is None:
        raise PermissionDenied("record_interference")
    r = Interference(recorder_unit_id=user.agency_id, recorded_by=user, reported_at=timezone.now(), **fields)
    if r.occurred_on > today():
        raise ValueError(_("in the future"))
    for f in ("intervener_name", "project_name", "description"):
        if not str(getattr(r, f)).strip():
            raise ValueError(_("%(field)s is required") % {"field": f})
    return WORKFLOW.finish(r, user, "record", r.description[:200], request, manner=r.manner,
                           occurred_on=str(r.occurred_on), unit=r.recorder_unit.code, reported_to="discipline")


def _not_before_it_occurred(r: Interference, on: dt.date) -> None:
    not_before(on, r.occurred_on, _("the record cannot be handled before the intervention took place (%(day)s)")
               % {"day": r.occurred_on}, dates=False)


@transaction.atomic
def to_clue(r: Interference, user: Any, on: dt.date, unit: Agency, summary: str = "", *,
            request: Any = None) -> Clue:
    from bidwatch.web.alerts import services as clues

    WORKFLOW.begin(r, user, "to_clue")
    _not_before_it_occurred(r, on)
    text = summary.strip() or (f"{r.intervener_unit}{r.intervener_position}{r.intervener_name}于{r.occurred_on}"
                               f"就{r.project_name}{r.get_manner_display()}：{r.description}")
    clue = clues.raise_clue(None, user, unit, text, source=Clue.Source.INTERFERENCE, tender_id=r.tender_id,
                            request=request)
    r.status, r.clue = Interference.Status.CLUE, clue
    WORKFLOW.finish(r, user, "to_clue", clue.number, request, fields=["status", "clue"], clue=clue.pk, on=str(on))
    return clue


@transaction.atomic
def file(r: Interference, user: Any, on: dt.date, reason: str, *, request: Any = None) -> Interference:
    WORKFLOW.begin(r, user, "file")
    reason = required(reason, _("say why"))
    _not_before_it_occurred(r, on)
    r.status = Interference.Status.FILED
    return WORKFLOW.finish(r, user, "file", reason, request, fields=["status"], on=str(on))


def statistics(user: Any, start: dt.date | None, end: dt.date | None) -> tuple[QuerySet[Any], QuerySet[Any], int]:
    """Counts in the period (by ``occurred_on``) per recording unit and per manner, within the user's view."""
    qs = in_period(visible(user), "occurred_on", start, end)
    by_unit = qs.values("recorder_unit__name").annotate(n=Count("id")).order_by("-n", "recorder_unit__name")
    by_manner = qs.values("manner").annotate(n=Count("id")).order_by("-n", "manner")
    return by_unit, by_manner, qs.count()


def reminders(user: Any) -> dict[str, int]:
    return {"new": visible(user).filter(status=Interference.Status.REPORTED).count()}
