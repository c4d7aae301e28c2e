from __future__ import annotations

import hashlib
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet, PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bidwatch.web.accounts.decorators import requires
from bidwatch.web.accounts.models import Agency
from bidwatch.web.accounts.roles import Cap
from bidwatch.web import deadlines
from bidwatch.web.alerts import services
from bidwatch.web.alerts.forms import AlertFilterForm, ClueForm, ConfirmForm, DismissForm
from bidwatch.web.alerts.models import DOCUMENT_ALERT_PREFIX, Alert, Clue, Decision, Transfer
from bidwatch.web.alerts.workflow import DECISION_WORKFLOW, TRANSFER_CLOCK, WORKFLOW, pending
from bidwatch.web.audit.models import AuditEntry
from bidwatch.web.audit.services import record
from bidwatch.web.core.cache import get_or_compute
from bidwatch.web.labels import family_label
from bidwatch.web.scoping import scope_by_sector
from bidwatch.web.tenders.views import data_version
from bidwatch.web.workflow import views as workflow_views


def _families(version: str) -> list[tuple[str, str]]:
    key = f"bw:families:{version}"
    codes = cache.get(key)
    if codes is None:
        codes = sorted(set(Alert.objects.order_by().values_list("family", flat=True).distinct()))
        cache.set(key, codes, 600)
    return sorted(((c, family_label(c)) for c in codes if c), key=lambda x: x[1])


class CountedPaginator(Paginator):
    """A paginator told its count (from the cache) instead of counting the rows itself."""

    def __init__(self, object_list: Any, per_page: int, count: int) -> None:
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # Paginator.count is a cached_property


def _count(qs: QuerySet[Alert], version: str) -> int:
    """The number of alerts ``qs`` selects, cached per query (filters and the user's scope are in its SQL)
    and data version: counting 50k active alerts is a scan of the table, on every page of the list."""
    try:
        sql, params = qs.order_by().query.get_compiler(using=qs.db).as_sql()
    except EmptyResultSet:  # a department user without a sector sees nothing
        return 0
    digest = hashlib.sha256(repr((sql, params)).encode()).hexdigest()[:32]
    return get_or_compute(f"bw:alert-count:{digest}:{version}", qs.count, 600)


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
    version = data_version()
    form = AlertFilterForm(request.GET or None, families=_families(version))
    qs = filtered_alerts(request, form)
    count = _count(qs, version)
    qs = qs.select_related("tender", "department").order_by("-score", "alert_id")
    page = CountedPaginator(qs, 50, count).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    results = _results(request, {"page": page, "query": query.urlencode()}, version)
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "alert-results":
        return HttpResponse(results)
    ctx = {"form": form, "results": results, "partial_by_dataset": coverage_by_dataset(version)}
    return render(request, "alerts/list.html", ctx)


def _results(request: HttpRequest, ctx: dict[str, Any], version: str) -> str:
    """The rendered table of one page of the list (``_results.html``), cached per query of its rows (filters,
    scope, page), query string, language and data version: rendering 50 rows is most of the page's CPU."""
    page = ctx["page"]
    try:
        sql, params = page.object_list.query.get_compiler(using=page.object_list.db).as_sql()
    except EmptyResultSet:
        sql, params = "", ()
    parts = (sql, params, page.number, ctx["query"], get_language())
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    html = get_or_compute(f"bw:alert-results:{digest}:{version}",
                          lambda: render_to_string("alerts/_results.html", ctx, request=request), 600)
    return mark_safe(html)  # noqa: S308 - the template's own escaped output


def _get_alert(request: HttpRequest, alert_id: str) -> Alert:
    alert = get_object_or_404(Alert.objects.select_related("tender", "department"), pk=alert_id)
    if not services.can_view_alert(request.user, alert):  # another sector's, and no clue of the user's unit on it
        raise PermissionDenied("sector")
    return alert


def _coverage(scan: Any) -> dict[str, dict[str, Any]]:
    """Per indicator, what ``scan`` could check (summary.json's ``coverage``): a reader of an alert must know
    how much of the data the indicator examined and how much it could not."""
    coverage = (scan.summary or {}).get("coverage") if scan is not None else None
    return coverage if isinstance(coverage, dict) else {}


def _partial(coverage: dict[str, dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    return sorted((code, c) for code, c in coverage.items()
                  if isinstance(c, dict) and c.get("checked", 0) < c.get("in_scope", 0))


def coverage_by_dataset(version: str | None = None) -> list[dict[str, Any]]:
    """The indicators that could not check every tender, per dataset: for each import whose records are
    stored (the import that last wrote a tender or a project), the coverage of its latest finished scan —
    each dataset's own, never another's (the latest scan of any dataset gave Yichang's alerts Jalisco's
    coverage). Plain values, cached per data version when one is given (a finished scan changes it)."""
    from django.db.models import Exists, Max, OuterRef

    from bidwatch.web.datasets.models import ScanRun
    from bidwatch.web.tenders.models import Project, Tender

    key = f"bw:coverage-by-dataset:{version}"
    out = cache.get(key) if version else None
    if out is None:
        # an EXISTS per scanned import (on the provenance index), not a DISTINCT over every tender
        holds = Q(Exists(Tender.objects.filter(dataset_import=OuterRef("dataset_id")))) | Q(
            Exists(Project.objects.filter(dataset_import=OuterRef("dataset_id"))))
        last = ScanRun.objects.filter(holds, status=ScanRun.Status.DONE).order_by().values(
            "dataset_id").annotate(last=Max("id")).values_list("last", flat=True)
        scans = ScanRun.objects.filter(pk__in=list(last)).select_related("dataset").order_by("dataset_id")
        out = [{"dataset": scan.dataset_id, "name": scan.dataset.original_name,
                "source": scan.dataset.source_system, "scan": scan.pk, "finished": scan.finished_at,
                "partial": partial}
               for scan in scans if (partial := _partial(_coverage(scan)))]
        if version:
            cache.set(key, out, 600)
    return out


def _records_source(alert: Alert) -> tuple[str | None, int | None]:
    """The source system and the import of the records an alert is about (its tender's, else its
    project's)."""
    from bidwatch.web.tenders.models import Project

    if alert.tender_id and alert.tender is not None:
        return alert.tender.source, alert.tender.dataset_import_id
    if alert.project_id:
        row = Project.objects.filter(pk=alert.project_id).values_list("source", "dataset_import").first()
        if row is not None:
            return row
    return None, None


def alert_scan(alert: Alert) -> Any:
    """The finished scan that raised ``alert``: the first to finish after it last wrote the alert (imports
    write and finish one at a time, under the import lock), of the alert's source system where its records
    give one; else the latest finished scan of the import that wrote its records. None for a bid-file
    comparison's alert (no scan)."""
    from bidwatch.web.datasets.models import ScanRun

    if alert.alert_id.startswith(DOCUMENT_ALERT_PREFIX):
        return None
    source, dataset = _records_source(alert)
    done = ScanRun.objects.filter(status=ScanRun.Status.DONE).select_related("dataset")
    after = done.filter(finished_at__gte=alert.last_seen)
    if source is not None:
        after = after.filter(dataset__source_system=source)
    scan = after.order_by("finished_at", "id").first() if alert.last_seen else None
    if scan is None and dataset is not None:
        scan = done.filter(dataset_id=dataset).order_by("-id").first()
    return scan


def _triage_context(request: HttpRequest, alert: Alert, **forms: Any) -> dict[str, Any]:
    user = request.user
    scan = alert_scan(alert)
    clues = list(alert.clues.select_related("assigned_unit"))
    actions = list(alert.actions.select_related("actor", "clue"))
    linked = {c.pk for c in clues} | {a.clue_id for a in actions if a.clue_id}
    return {
        "alert": alert, "scan": scan,
        "coverage": _coverage(scan).get(alert.indicator),
        "can_triage": alert.active and services.can_triage(user, alert),
        "can_raise_clue": alert.active and services.can_raise_clue(user, alert),
        "confirm_form": forms.get("confirm_form") or ConfirmForm(),
        "dismiss_form": forms.get("dismiss_form") or DismissForm(),
        "clue_form": forms.get("clue_form") or ClueForm(initial={"assigned_unit": _default_unit(alert)}),
        "actions": actions, "clues": clues,
        # a clue is linked only for a user who may open it (the clue page's own visibility: 403 otherwise)
        "openable_clues": set(services.visible_clues(user).filter(pk__in=linked).values_list("pk", flat=True))
        if linked else set(),
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
    if not alert.active:  # no longer found by the latest import: kept for its history, not triaged
        messages.error(request, _("This alert is inactive: the latest import no longer finds it."))
        return render(request, "alerts/detail.html", _triage_context(request, alert), status=400)
    if action in ("confirm", "dismiss"):  # the same form shape (a reason), service and message by action
        form = (ConfirmForm if action == "confirm" else DismissForm)(request.POST)
        if form.is_valid():
            getattr(services, action)(alert, request.user, form.cleaned_data["reason"], request=request)
            messages.success(request, _("Alert confirmed.") if action == "confirm" else _("Alert dismissed."))
        forms[f"{action}_form"] = form
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
    qs = services.visible_clues(request.user).select_related("assigned_unit", "created_by", "alert", "tender")
    status = request.GET.get("status", "")
    if status:
        qs = qs.filter(status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "alerts/clue_list.html", {"page": page, "statuses": Clue.Status.choices, "status": status})


@requires(Cap.VIEW_CLUES)
def transfer_list(request: HttpRequest) -> HttpResponse:
    """The transfer ledger (移送台账): every transfer of the clues the user may see, with its answer clock."""
    today = deadlines.today()
    qs = Transfer.objects.filter(clue__in=services.visible_clues(request.user)).select_related("clue", "from_unit", "to_unit")
    state = request.GET.get("state", "")
    if state == "waiting":
        qs = qs.filter(status=Transfer.Status.SENT)
    elif state == "overdue":
        qs = TRANSFER_CLOCK.overdue(qs, today)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "alerts/transfer_list.html", {"page": page, "state": state, "today": today})


#: the clue page's names for the forms of its steps
FORM_NAMES = {"status": "form", "transfer": "transfer_form", "answer": "answer_form", "receive": "receipt_form",
              "consult": "consult_form"}


def _clue_context(request: HttpRequest, clue: Clue) -> dict[str, Any]:
    user = request.user
    return {
        "clue": clue, "pending": pending(clue),
        "can_handle": WORKFLOW.may(user, clue, "status"), "can_transfer": WORKFLOW.can_take(user, clue, "transfer"),
        "can_answer": WORKFLOW.can_take(user, clue, "answer"),
        "can_receive": WORKFLOW.can_take(user, clue, "receive"),
        "can_consult": WORKFLOW.may(user, clue, "consult"), "today": deadlines.today(),
        "transfers": clue.transfers.select_related("from_unit", "to_unit").order_by("sent_on", "id"),
        "consultations": clue.consultations.select_related("convened_by").prefetch_related("units"),
        "case": getattr(clue, "case", None), "decisions": clue.decisions.all(), "named_steps": list(FORM_NAMES),
    }


clue_detail = workflow_views.detail_view(
    WORKFLOW, "alerts/clue_detail.html", view_cap=Cap.VIEW_CLUES, context=_clue_context,
    queryset=lambda: Clue.objects.select_related("assigned_unit", "created_by", "alert", "tender"),
    form_names=FORM_NAMES,
)


# --- decisions on a clue's case and their registry proposals ----------------------------------------

decision_detail = workflow_views.detail_view(
    DECISION_WORKFLOW, "alerts/decision_detail.html", view_cap=Cap.VIEW_CLUES, context=lambda request, d: {"d": d},
    queryset=lambda: Decision.objects.select_related("clue", "registry_entry", "recorded_by"))
