"""Registry pages: the list with its filters, the form to enter a decision, and one page per entry
with its history and the revocation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bidwatch.web.accounts.decorators import requires
from bidwatch.web.accounts.roles import Cap, can
from bidwatch.web.credit import services
from bidwatch.web.credit.forms import EntryForm, FilterForm
from bidwatch.web.credit.models import RegistryEntry
from bidwatch.web.credit.workflow import WORKFLOW
from bidwatch.web.tenders.models import Company
from bidwatch.web.workflow import views as workflow_views


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
    return workflow_views.create_page(
        request, EntryForm(request.POST or None), "credit/form.html",
        lambda data: services.record_entry(request.user, request=request,
                                           **{f: data[f] for f in EntryForm.Meta.fields}),
        message=lambda entry: _("Entered as %(id)s. It takes effect in scans from the next import or rescan.")
        % {"id": entry.public_id}, detail="credit:detail")


def _detail_context(request: HttpRequest, entry: RegistryEntry) -> dict[str, Any]:
    return {
        "e": entry, "state": entry.state(services.today()), "named_steps": ["revoke"],  # placed by the template
        "can_manage": can(request.user, Cap.MANAGE_REGISTRY),  # type: ignore[arg-type]
        "company_known": bool(entry.company_id) and Company.objects.filter(pk=entry.company_id).exists(),
    }


entry_detail = workflow_views.detail_view(
    WORKFLOW, "credit/detail.html", view_cap=Cap.VIEW_REGISTRY, context=_detail_context,
    queryset=lambda: RegistryEntry.objects.select_related("recorded_by", "revoked_by"),
)


@requires(Cap.MANAGE_REGISTRY)
def entry_import(request: HttpRequest) -> HttpResponse:
    """An external list of dishonest entities (CSV/XLSX), entered whole or not at all."""
    from bidwatch.web.credit import imports
    from bidwatch.web.credit.forms import ImportForm

    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[Any] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > 20 * 1024 * 1024:
            form.add_error("file", _("At most 20 MB."))
        else:
            n, problems = imports.import_list(request.user, upload.name, upload.read(),
                                              form.cleaned_data["authority"], request=request)
            if not problems:
                messages.success(request, _("%(n)s entries imported. They take effect in scans from the next import "
                                            "or rescan.") % {"n": n})
                return redirect("credit:list")
    return render(request, "credit/import.html", {"form": form, "problems": problems},
                  status=400 if (form.errors or problems) else 200)
