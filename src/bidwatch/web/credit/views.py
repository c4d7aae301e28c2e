"""Registry pages: the list with its filters, the form to enter a decision, and one page per entry
with its history and the revocation."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from bidwatch.web.accounts.decorators import requires
from bidwatch.web.accounts.roles import Cap, can
from bidwatch.web.credit import services
from bidwatch.web.credit.forms import EntryForm, FilterForm, RevokeForm
from bidwatch.web.credit.models import RegistryEntry
from bidwatch.web.tenders.models import Company


@requires(Cap.VIEW_REGISTRY)
def entry_list(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET or None)
    qs = RegistryEntry.objects.all()
    today = services.today()
    if form.is_valid():
        q, measure, state = (form.cleaned_data[k] for k in ("q", "measure", "state"))
        if q:
            qs = qs.filter(services.search_q(q))
        if measure:
            qs = qs.filter(measure=measure)
        if state:
            qs = qs.filter(services.state_q(state, today))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "credit/list.html", {
        "form": form, "page": page, "rows": [(e, e.state(today)) for e in page],
        "can_manage": can(request.user, Cap.MANAGE_REGISTRY),  # type: ignore[arg-type]
    })


@requires(Cap.MANAGE_REGISTRY)
def entry_create(request: HttpRequest) -> HttpResponse:
    form = EntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.record_entry(request.user, request=request,
                                          **{f: form.cleaned_data[f] for f in form.Meta.fields})
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Entered as %(id)s. It takes effect in scans from the next import or "
                                        "rescan.") % {"id": entry.public_id})
            return redirect("credit:detail", pk=entry.pk)
    return render(request, "credit/form.html", {"form": form}, status=400 if form.errors else 200)


@requires(Cap.VIEW_REGISTRY)
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(RegistryEntry.objects.select_related("recorded_by", "revoked_by"), pk=pk)
    can_manage = can(request.user, Cap.MANAGE_REGISTRY)  # type: ignore[arg-type]
    form = None
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("manage_registry")
        form = RevokeForm(request.POST, prefix="revoke")
        if form.is_valid():
            try:
                services.revoke(entry, request.user, form.cleaned_data["on"], form.cleaned_data["reason"],
                                request=request)
            except ValueError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request,
                                 _("Revoked. Scans from the next import or rescan no longer see it."))
                return redirect("credit:detail", pk=entry.pk)
        status = 400
    elif can_manage and entry.revoked_on is None:
        form = RevokeForm(prefix="revoke")
    return render(request, "credit/detail.html", {
        "e": entry, "state": entry.state(services.today()), "events": entry.events.select_related("actor"),
        "revoke_form": form, "can_manage": can_manage,
        "company_known": bool(entry.company_id) and Company.objects.filter(pk=entry.company_id).exists(),
    }, status=status)
