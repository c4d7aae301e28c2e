"""Complaint pages: the list with its deadline filters, registration, and one page per complaint
with the steps its status allows."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from bidwatch.web.accounts.decorators import requires
from bidwatch.web.accounts.roles import Cap, can
from bidwatch.web.complaints import services
from bidwatch.web.complaints.forms import ComplaintForm, FilterForm
from bidwatch.web.complaints.models import Complaint, Pause
from bidwatch.web.complaints.workflow import CLOCK, WORKFLOW, paused
from bidwatch.web.workflow import views as workflow_views


def _with_pauses(qs: Any) -> Any:
    return qs.select_related("handling_unit").prefetch_related(Prefetch("pauses", queryset=Pause.objects.all()))


@requires(Cap.VIEW_COMPLAINTS)
def complaint_list(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET or None)
    qs = _with_pauses(services.visible(request.user))
    today = services.today()
    if form.is_valid():
        q, state, status = (form.cleaned_data[k] for k in ("q", "state", "status"))
        if q:
            qs = qs.filter(Q(project_name__icontains=q) | Q(complainant__icontains=q) | Q(respondent__icontains=q)
                           | Q(tender_id=q))
        qs = CLOCK.filter(qs, state, today)
        if status:
            qs = qs.filter(status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    rows = [(c, CLOCK.state(c, today)) for c in page]
    return render(request, "complaints/list.html", {
        "form": form, "page": page, "rows": rows, "reminders": services.reminders(request.user, today),
        "can_register": can(request.user, Cap.HANDLE_COMPLAINT),  # type: ignore[arg-type]
    })


@requires(Cap.HANDLE_COMPLAINT)
def complaint_create(request: HttpRequest) -> HttpResponse:
    def register(cleaned: dict[str, Any]) -> Complaint:
        data = {f: cleaned[f] for f in ComplaintForm.Meta.fields}
        if not services.can_handle(request.user, unit_id=data["handling_unit"].pk):
            raise PermissionDenied("handle_complaint")
        return services.register(request.user, request=request, **data)

    return workflow_views.create_page(
        request, ComplaintForm(request.POST or None, user=request.user), "complaints/form.html", register,
        message=lambda c: _("Complaint %(number)s registered; acceptance due %(due)s.")
        % {"number": c.number, "due": c.acceptance_due}, detail="complaints:detail")


def _detail_context(request: HttpRequest, c: Complaint) -> dict[str, Any]:
    return {"c": c, "deadline": CLOCK.state(c, services.today()),
            "can_handle": services.can_handle(request.user, c), "paused": paused(c)}


complaint_detail = workflow_views.detail_view(
    WORKFLOW, "complaints/detail.html", view_cap=Cap.VIEW_COMPLAINTS, context=_detail_context,
    queryset=lambda: _with_pauses(Complaint.objects.select_related("created_by")),
)
