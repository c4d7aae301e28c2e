"""Complaint pages: the list with its deadline filters, registration, and one page per complaint
with the steps its status allows."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from bidwatch.web.accounts.decorators import requires
from bidwatch.web.accounts.roles import Cap, can
from bidwatch.web.complaints import services
from bidwatch.web.complaints.forms import STEP_FORMS, STEPS_BY_STATUS, ComplaintForm, FilterForm
from bidwatch.web.complaints.models import Complaint, Pause


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
        if state == "open":
            qs = qs.filter(status__in=Complaint.OPEN)
        elif state == "overdue":
            qs = qs.filter(services.overdue_q(today)).distinct()
        elif state == "soon":
            qs = qs.filter(services.due_soon_q(today)).exclude(services.overdue_q(today)).distinct()
        if status:
            qs = qs.filter(status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    rows = [(c, services.deadline_state(c, today)) for c in page]
    return render(request, "complaints/list.html", {
        "form": form, "page": page, "rows": rows, "reminders": services.reminders(request.user, today),
        "can_register": can(request.user, Cap.HANDLE_COMPLAINT),  # type: ignore[arg-type]
    })


@requires(Cap.HANDLE_COMPLAINT)
def complaint_create(request: HttpRequest) -> HttpResponse:
    form = ComplaintForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in form.Meta.fields}
        if not services.can_handle(request.user, unit_id=data["handling_unit"].pk):
            raise PermissionDenied("handle_complaint")
        c = services.register(request.user, request=request, **data)
        messages.success(request, _("Complaint %(number)s registered; acceptance due %(due)s.")
                         % {"number": c.number, "due": c.acceptance_due})
        return redirect("complaints:detail", pk=c.pk)
    return render(request, "complaints/form.html", {"form": form}, status=400 if form.errors else 200)


@requires(Cap.VIEW_COMPLAINTS)
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    c = get_object_or_404(_with_pauses(Complaint.objects.select_related("created_by")), pk=pk)
    if not services.can_view(request.user, c):
        raise PermissionDenied("view_complaints")
    can_handle = services.can_handle(request.user, c)
    bound: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        step = request.POST.get("step", "")
        if not can_handle:
            raise PermissionDenied("handle_complaint")
        if step not in STEPS_BY_STATUS.get(c.status, ()):
            return HttpResponse(status=400)
        form = STEP_FORMS[step](request.POST, prefix=step)
        if form.is_valid():
            try:
                _run_step(request, c, step, form.cleaned_data)
            except ValueError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Saved."))
                return redirect("complaints:detail", pk=c.pk)
        bound[step] = form
        status = 400
    paused = any(p.end_on is None for p in c.pauses.all())
    steps = [s for s in STEPS_BY_STATUS.get(c.status, ()) if (s != "resume" or paused) and (s != "pause" or not paused)]
    step_forms = [(s, bound.get(s) or STEP_FORMS[s](prefix=s)) for s in steps] if can_handle else []
    return render(request, "complaints/detail.html", {
        "c": c, "deadline": services.deadline_state(c), "events": c.events.select_related("actor"),
        "step_forms": step_forms, "can_handle": can_handle, "paused": paused,
    }, status=status)


def _run_step(request: HttpRequest, c: Complaint, step: str, d: dict[str, Any]) -> None:
    user, on, note = request.user, d["on"], d.get("note", "")
    if step == "accept":
        services.accept(c, user, on, note, request=request)
    elif step == "refuse":
        services.refuse(c, user, on, d["reason"], note, request=request)
    elif step == "pause":
        services.pause(c, user, d["kind"], on, note, request=request)
    elif step == "resume":
        services.resume(c, user, on, note, request=request)
    elif step == "decide":
        services.decide(c, user, on, d["outcome"], d["number"], d["text"], request=request)
    elif step == "withdraw":
        services.withdraw(c, user, on, note, request=request)
