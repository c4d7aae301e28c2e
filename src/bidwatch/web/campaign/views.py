"""Ledger pages: the list with its filters and counts, its Excel export, the form to list a problem
(also "from" an alert, a clue or a complaint), and one page per problem with the steps its status
allows the user."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bidwatch.web.accounts.decorators import requires
from bidwatch.web.accounts.roles import Cap, can
from bidwatch.web.audit.models import AuditEntry
from bidwatch.web.audit.services import record
from bidwatch.web.campaign import services
from bidwatch.web.campaign.export import ledger_xlsx
from bidwatch.web.campaign.forms import FilterForm, ProblemForm
from bidwatch.web.campaign.models import NUMBER_RE, Problem
from bidwatch.web.campaign.prefill import origin
from bidwatch.web.campaign.workflow import CLOCK, WORKFLOW
from bidwatch.web.downloads import XLSX, attachment
from bidwatch.web.workflow import views as workflow_views


def _search_q(text: str) -> Q:
    text = text.strip()
    q = (Q(project_name__icontains=text) | Q(description__icontains=text) | Q(tender_id=text)
         | Q(measures__icontains=text))
    m = NUMBER_RE.fullmatch(text)
    return q | Q(pk=int(m.group(2))) if m else q


def filtered(request: HttpRequest, form: FilterForm) -> QuerySet[Problem]:
    """The user's problems narrowed by the filters (the list and the export share it)."""
    qs = services.visible(request.user).select_related("unit", "clue", "complaint")
    if not form.is_valid():
        return qs
    d, today = form.cleaned_data, services.today()
    if d["q"]:
        qs = qs.filter(_search_q(d["q"]))
    for key in ("status", "category", "unit"):
        if d[key]:
            qs = qs.filter(**{key: d[key]})
    return CLOCK.filter(qs, d["state"], today)


@requires(Cap.VIEW_LEDGER)
def problem_list(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET or None, user=request.user)
    qs = filtered(request, form)
    today = services.today()
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    counts = services.counts(request.user, today)
    return render(request, "campaign/list.html", {
        "form": form, "page": page, "rows": [(p, CLOCK.state(p, today)) for p in page],
        "counts": counts, "status_counts": [(code, label, counts[code]) for code, label in Problem.Status.choices],
        "totals": services.totals(qs), "query": query.urlencode(),
        "can_list": can(request.user, Cap.MANAGE_LEDGER),  # type: ignore[arg-type]
    })


@requires(Cap.VIEW_LEDGER)
def problem_export(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET or None, user=request.user)
    today = services.today()
    problems = list(filtered(request, form).order_by("listed_on", "id"))
    filename = f"整改台账-{today:%Y%m%d}.xlsx"
    record(request.user, AuditEntry.Action.EXPORT, None, request=request, object_type="ledger", object_id=filename,
           format="xlsx", rows=len(problems), filters=request.GET.urlencode() or None)
    return attachment(ledger_xlsx(problems, today), filename, XLSX)


@requires(Cap.MANAGE_LEDGER)
def problem_create(request: HttpRequest) -> HttpResponse:
    source = origin(request.user, request.GET)
    if source.alert is not None and source.clue is None and not source.alert.active:
        # as triage: an alert the latest import no longer finds is kept for its history, not acted on (a clue
        # formed while it was active may still list its problem)
        messages.error(request, _("This alert is inactive: the latest import no longer finds it."))
        return redirect("alerts:detail", alert_id=source.alert.pk)
    initial = {k: v for k, v in source.initial.items() if v not in (None, "")}
    form = ProblemForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in services.FIELDS}
        if not services.can_list(request.user, data["unit"].pk):
            raise PermissionDenied("manage_ledger")
        try:
            p = services.create(request.user, request=request, **source.links, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Problem %(number)s listed; rectification due %(due)s.")
                             % {"number": p.number, "due": p.deadline})
            if form.estimated:
                messages.warning(request, _("The deadline runs into a year without a holiday schedule: weekends and the "
                                            "fixed-date holidays were skipped (estimated)."))
            return redirect("campaign:detail", pk=p.pk)
    return render(request, "campaign/form.html", {"form": form, "origin": source},
                  status=400 if form.errors else 200)


def _detail_context(request: HttpRequest, p: Problem) -> dict[str, Any]:
    return {"p": p, "deadline": CLOCK.state(p, services.today())}


problem_detail = workflow_views.detail_view(
    WORKFLOW, "campaign/detail.html", view_cap=Cap.VIEW_LEDGER, context=_detail_context,
    queryset=lambda: Problem.objects.select_related("unit", "created_by", "closed_by", "alert", "clue", "complaint",
                                                    "tender"),
)
