"""Audit entries no view has to remember: every refusal (403) and every read of a case-data page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from bidwatch.web.audit.models import AuditEntry
from bidwatch.web.audit.services import current_request, record
from bidwatch.web.middleware import Middleware

#: Pages whose reading is audited: URL name -> (object type, URL argument naming the object).
#: (The tender and alert pages record their own "viewed evidence" entry when they show alerts; a
#: tender page without alerts gets a "view" entry here.)
CASE_DATA_PAGES: dict[str, tuple[str, str]] = {
    "tenders:detail": ("tenders.tender", "tender_id"),
    "alerts:detail": ("alerts.alert", "alert_id"),
    "tenders:company": ("tenders.company", "company_id"),
    "alerts:clue": ("alerts.clue", "pk"),
    "complaints:detail": ("complaints.complaint", "pk"),
    "campaign:detail": ("campaign.problem", "pk"),
    "credit:detail": ("credit.registryentry", "pk"),
    "reports:campaign": ("report", ""),
}

#: the longest object id an entry holds (a page's path is cut to it; an id fits whole)
_OBJECT_ID = AuditEntry._meta.get_field("object_id").max_length or 255


class AuditMiddleware(Middleware):
    """After the response: a 403 becomes a ``refused`` entry (whatever refused: a capability, a
    sector, CSRF); a successful GET of a case-data page becomes a ``view`` entry."""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        if response.status_code == 403:
            match = getattr(request, "resolver_match", None)
            record(
                getattr(request, "user", None), AuditEntry.Action.REFUSED, request=request,
                object_type="page", object_id=request.path[:_OBJECT_ID], method=request.method,
                view=match.view_name if match else None,
            )
        elif response.status_code == 200 and request.method == "GET":
            self._viewed(request)
        return response

    def _viewed(self, request: HttpRequest) -> None:
        match = getattr(request, "resolver_match", None)
        page = CASE_DATA_PAGES.get(match.view_name) if match else None
        if page is None or "format" in request.GET:  # a download records its own export entry
            return
        if getattr(request, "_bidwatch_viewed", False):  # the view recorded its own entry
            return
        object_type, arg = page
        if arg:
            object_id = str(match.kwargs.get(arg, ""))  # type: ignore[union-attr]
        else:
            object_id = "{}..{}".format(request.GET.get("start", ""), request.GET.get("end", ""))
        record(request.user, AuditEntry.Action.VIEW, request=request, object_type=object_type,
               object_id=object_id[:_OBJECT_ID])
