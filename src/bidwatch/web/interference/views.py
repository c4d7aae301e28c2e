from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from bidwatch.web.accounts.decorators import requires
from bidwatch.web.accounts.roles import Cap, can
from bidwatch.web.interference import services
from bidwatch.web.interference.forms import PeriodForm, RecordForm
from bidwatch.web.interference.models import Interference
from bidwatch.web.interference.workflow import WORKFLOW, visible
from bidwatch.web.periods import in_period
from bidwatch.web.workflow import views as workflow_views


@requires(Cap.VIEW_INTERFERENCE)
def record_list(request: HttpRequest) -> HttpResponse:
    period = PeriodForm(request.GET or None)
    start, end = period.bounds()
    qs = in_period(visible(request.user).select_related("recorder_unit"), "occurred_on", start, end)
    by_unit, by_manner, total = services.statistics(request.user, start, end)
    manners = dict(Interference.Manner.choices)
    return render(request, "interference/list.html", {
        "period": period, "page": Paginator(qs, 50).get_page(request.GET.get("page")), "total": total,
        "by_unit": by_unit, "by_manner": [(manners.get(r["manner"], r["manner"]), r["n"]) for r in by_manner],
        "can_record": can(request.user, Cap.RECORD_INTERFERENCE)})


@requires(Cap.RECORD_INTERFERENCE)
def record_create(request: HttpRequest) -> HttpResponse:
    return workflow_views.create_page(
        request, RecordForm(request.POST or None, user=request.user), "interference/form.html",
        lambda data: services.record(request.user, request=request, **{f: data[f] for f in services.FIELDS}),
        message=lambda r: _("Recorded and reported to the discipline commission."), detail="interference:detail")


record_detail = workflow_views.detail_view(
    WORKFLOW, "interference/detail.html", view_cap=Cap.VIEW_INTERFERENCE, context=lambda request, r: {"r": r},
    queryset=lambda: Interference.objects.select_related("recorder_unit", "recorded_by", "clue"))
