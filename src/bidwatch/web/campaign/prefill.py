"""Listing a problem "from" an alert, a clue or a complaint: the record it came from (named by a GET
parameter: ``?alert=<id>``, ``?clue=<pk>``, ``?complaint=<pk>``) and what the form starts with.

The user must be able to see that record — the same rules as its own page — or the request is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404

from bidwatch.web.accounts.models import Agency
from bidwatch.web.alerts.models import Alert, Clue
from bidwatch.web.alerts.services import can_view_alert, can_view_clue
from bidwatch.web.campaign.models import Problem
from bidwatch.web.complaints import services as complaint_services
from bidwatch.web.complaints.models import Complaint
from bidwatch.web.tenders.models import Tender

#: Scan families (``labels.FAMILIES`` and the catalogue's) -> the campaign's problem types.
FAMILY_CATEGORY = {
    "collusion": Problem.Category.COLLUSION, "screens": Problem.Category.COLLUSION,
    "network": Problem.Category.COLLUSION, "textsim": Problem.Category.COLLUSION,
    "model": Problem.Category.COLLUSION, "evasion": Problem.Category.EVASION,
    "works_before_award": Problem.Category.BUILD_FIRST, "exclusion": Problem.Category.EXCLUSION,
    "experts": Problem.Category.EXPERTS, "expert_bias": Problem.Category.EXPERTS,
}


@dataclass
class Origin:
    """The record a problem is listed from, and the form's initial values."""

    alert: Alert | None = None
    clue: Clue | None = None
    complaint: Complaint | None = None
    initial: dict[str, Any] = field(default_factory=dict)

    @property
    def links(self) -> dict[str, Any]:
        return {"alert": self.alert, "clue": self.clue, "complaint": self.complaint}

    @property
    def record(self) -> Alert | Clue | Complaint | None:
        return self.alert or self.clue or self.complaint


def _unit(agency: Agency | None) -> int | None:
    return agency.pk if agency is not None and agency.kind == Agency.Kind.DEPARTMENT else None


def _tender(tender_id: str | None) -> dict[str, Any]:
    if not tender_id:
        return {}
    title = Tender.objects.filter(pk=tender_id).values_list("title", flat=True).first()
    return {"tender": tender_id, "project_name": title or ""}


def _from_alert(alert: Alert) -> dict[str, Any]:
    return {"source": Problem.Source.BIG_DATA, "category": FAMILY_CATEGORY.get(alert.family, Problem.Category.OTHER),
            "sector": alert.sector, "unit": _unit(alert.department), "description": alert.message or alert.name_zh,
            **_tender(alert.tender_id)}


def origin(user: Any, params: QueryDict) -> Origin:
    """The origin named in ``params``; 404 if it does not exist, 403 if the user may not see it."""
    if params.get("alert"):
        alert = get_object_or_404(Alert.objects.select_related("department"), pk=params["alert"])
        if not can_view_alert(user, alert):
            raise PermissionDenied("alert")
        return Origin(alert=alert, initial=_from_alert(alert))
    if params.get("clue"):
        clue = _by_pk(Clue.objects.select_related("assigned_unit", "alert__department"), params["clue"])
        if not can_view_clue(user, clue):
            raise PermissionDenied("clue")
        initial = _from_alert(clue.alert) if clue.alert else {}
        initial.update({"source": Problem.Source.CLUE, "description": clue.summary,
                        "unit": _unit(clue.assigned_unit) or initial.get("unit"), **_tender(clue.tender_id)})
        return Origin(alert=clue.alert, clue=clue, initial=initial)
    if params.get("complaint"):
        complaint = _by_pk(Complaint.objects.select_related("handling_unit"), params["complaint"])
        if not complaint_services.can_view(user, complaint):
            raise PermissionDenied("complaint")
        initial = {"source": Problem.Source.COMPLAINT, "sector": complaint.sector, "description": complaint.facts,
                   "unit": _unit(complaint.handling_unit), **_tender(complaint.tender_id),
                   "project_name": complaint.project_name}
        return Origin(complaint=complaint, initial=initial)
    return Origin()


def _by_pk(qs: Any, value: str) -> Any:
    if not value.isdigit():
        raise Http404
    return get_object_or_404(qs, pk=int(value))
