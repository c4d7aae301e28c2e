from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bidwatch.web.accounts.decorators import requires
from bidwatch.web.accounts.models import Agency
from bidwatch.web.accounts.roles import Cap
from bidwatch.web.alerts import services
from bidwatch.web.alerts.forms import AlertFilterForm, ClueForm, ClueStatusForm, ConfirmForm, DismissForm
from bidwatch.web.alerts.models import Alert, Clue
from bidwatch.web.audit.models import AuditEntry
from bidwatch.web.audit.services import record
from bidwatch.web.labels import family_label
from bidwatch.web.scoping import check_sector, scope_by_sector


def _families() -> list[tuple[str, str]]:
    from django.core.cache import cache

    from bidwatch.web.tenders.views import data_version

    key = f"bw:families:{data_version()}"
    codes = cache.get(key)
    if codes is None:
        codes = sorted(set(Alert.objects.order_by().values_list("family", flat=True).distinct()))
        cache.set(key, codes, 600)
    return sorted(((c, family_label(c)) for c in codes if c), key=lambda x: x[1])


def filtered_alerts(request: HttpRequest, form: AlertFilterForm) -> QuerySet[Alert]:
    qs = scope_by_sector(Alert.objects.all(), request.user)
    if not form.is_valid():
        return qs.filter(active=True)
    d = form.cleaned_data
    if not d.get("include_inactive"):
        qs = qs.filter(active=True)
    for field in ("family", "severity", "sector", "status"):
        if d.get(field):
            qs = qs.filter(**{field: d[field]})
    if d.get("department"):
        qs = qs.filter(department=d["department"])
    if d.get("date_from"):
        qs = qs.filter(detected_on__gte=d["date_from"])
    if d.get("date_to"):
        qs = qs.filter(detected_on__lte=d["date_to"])
    q = (d.get("q") or "").strip()
    if q:
        qs = qs.filter(
            Q(message__icontains=q) | Q(name_zh__icontains=q) | Q(tender__title__icontains=q)
            | Q(tender__tender_id__icontains=q) | Q(company_ids__icontains=q) | Q(indicator__icontains=q)
        )
    return qs


@requires(Cap.VIEW)
def alert_list(request: HttpRequest) -> HttpResponse:
    form = AlertFilterForm(request.GET or None, families=_families())
    qs = filtered_alerts(request, form).select_related("tender", "department").order_by("-score", "alert_id")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    ctx = {"form": form, "page": page, "query": query.urlencode()}
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "alert-results":
        return render(request, "alerts/_results.html", ctx)
    return render(request, "alerts/list.html", ctx)


def _get_alert(request: HttpRequest, alert_id: str) -> Alert:
    alert = get_object_or_404(Alert.objects.select_related("tender", "department"), pk=alert_id)
    check_sector(request.user, alert.sector)
    return alert


def _triage_context(request: HttpRequest, alert: Alert, **forms: Any) -> dict[str, Any]:
    user = request.user
    return {
        "alert": alert,
        "can_triage": services.can_triage(user, alert),
        "can_raise_clue": services.can_raise_clue(user, alert),
        "confirm_form": forms.get("confirm_form") or ConfirmForm(),
        "dismiss_form": forms.get("dismiss_form") or DismissForm(),
        "clue_form": forms.get("clue_form") or ClueForm(initial={"assigned_unit": _default_unit(alert)}),
        "actions": alert.actions.select_related("actor", "clue"),
        "clues": alert.clues.select_related("assigned_unit"),
    }


def _default_unit(alert: Alert) -> Agency | None:
    return alert.department or Agency.objects.filter(kind=Agency.Kind.DISCIPLINE).first()


@requires(Cap.VIEW)
def alert_detail(request: HttpRequest, alert_id: str) -> HttpResponse:
    alert = _get_alert(request, alert_id)
    record(request.user, AuditEntry.Action.VIEW_EVIDENCE, alert, request=request)
    return render(request, "alerts/detail.html", _triage_context(request, alert))


@require_POST
@requires(Cap.VIEW)
def triage(request: HttpRequest, alert_id: str) -> HttpResponse:
    alert = _get_alert(request, alert_id)
    action = request.POST.get("action", "")
    forms: dict[str, Any] = {}
    if action == "confirm":
        form = ConfirmForm(request.POST)
        if form.is_valid():
            services.confirm(alert, request.user, form.cleaned_data["reason"], request=request)
            messages.success(request, _("Alert confirmed."))
        forms["confirm_form"] = form
    elif action == "dismiss":
        form = DismissForm(request.POST)
        if form.is_valid():
            services.dismiss(alert, request.user, form.cleaned_data["reason"], request=request)
            messages.success(request, _("Alert dismissed."))
        forms["dismiss_form"] = form
    elif action == "clue":
        form = ClueForm(request.POST)
        if form.is_valid():
            clue = services.raise_clue(
                alert, request.user, form.cleaned_data["assigned_unit"], form.cleaned_data["summary"],
                source=form.cleaned_data["source"], request=request,
            )
            messages.success(request, _("Clue %(number)s raised.") % {"number": clue.number})
        forms["clue_form"] = form
    else:
        return HttpResponse(status=400)
    alert.refresh_from_db()
    invalid = any(not f.is_valid() for f in forms.values())
    if request.headers.get("HX-Request"):
        return render(request, "alerts/_triage.html", _triage_context(request, alert, **(forms if invalid else {})))
    if invalid:
        return render(request, "alerts/detail.html", _triage_context(request, alert, **forms), status=400)
    return redirect("alerts:detail", alert_id=alert.pk)


@requires(Cap.VIEW_CLUES)
def clue_list(request: HttpRequest) -> HttpResponse:
    qs = Clue.objects.select_related("assigned_unit", "created_by", "alert", "tender")
    if request.user.role == "department":  # type: ignore[union-attr]
        qs = qs.filter(Q(assigned_unit=request.user.agency_id) | Q(created_by=request.user))  # type: ignore[union-attr]
    status = request.GET.get("status", "")
    if status:
        qs = qs.filter(status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "alerts/clue_list.html", {"page": page, "statuses": Clue.Status.choices, "status": status})


@requires(Cap.VIEW_CLUES)
def clue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    clue = get_object_or_404(Clue.objects.select_related("assigned_unit", "created_by", "alert", "tender"), pk=pk)
    if not services.can_view_clue(request.user, clue):
        raise PermissionDenied("clue")
    form = ClueStatusForm(request.POST or None, initial={"status": clue.status})
    if request.method == "POST":
        if not services.can_handle_clue(request.user, clue):
            raise PermissionDenied("handle_clue")
        if form.is_valid():
            services.update_clue(clue, request.user, form.cleaned_data["status"], form.cleaned_data["note"], request=request)
            messages.success(request, _("Clue updated."))
            return redirect("alerts:clue", pk=clue.pk)
    return render(
        request, "alerts/clue_detail.html",
        {"clue": clue, "events": clue.events.select_related("actor"), "form": form,
         "can_handle": services.can_handle_clue(request.user, clue)},
    )
