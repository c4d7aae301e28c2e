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
from bidwatch.web.accounts.roles import Cap, can
from bidwatch.web import deadlines
from bidwatch.web.alerts import services
from bidwatch.web.alerts.forms import (AlertFilterForm, ClueForm, ClueStatusForm, ConfirmForm, ConsultationForm,
                                      DismissForm, TransferAnswerForm, TransferForm)
from bidwatch.web.alerts.models import Alert, Clue, Transfer
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
        qs = qs.filter(status=Transfer.Status.SENT, reply_due__lt=today)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "alerts/transfer_list.html", {"page": page, "state": state, "today": today})


STEP_FORMS = {"status": ClueStatusForm, "transfer": TransferForm, "answer": TransferAnswerForm,
              "consult": ConsultationForm}


@requires(Cap.VIEW_CLUES)
def clue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    clue = get_object_or_404(Clue.objects.select_related("assigned_unit", "created_by", "alert", "tender"), pk=pk)
    if not services.can_view_clue(request.user, clue):
        raise PermissionDenied("clue")
    pending = clue.transfers.filter(status=Transfer.Status.SENT).select_related("to_unit").first()
    can_handle = services.can_handle_clue(request.user, clue)
    can_answer = pending is not None and services.can_answer_transfer(request.user, pending)
    can_consult = can(request.user, Cap.HANDLE_CLUE) and (  # type: ignore[arg-type]
        can_handle or request.user.agency_id in services.units_involved(clue))  # type: ignore[union-attr]
    bound: dict[str, Any] = {}
    if request.method == "POST":
        step = request.POST.get("step", "status")
        allowed = {"status": can_handle, "transfer": can_handle and pending is None, "answer": can_answer,
                   "consult": can_consult}
        if step not in allowed:
            return HttpResponse(status=400)
        if not allowed[step]:
            raise PermissionDenied(step)
        form = (TransferForm(request.POST, prefix=step, clue=clue) if step == "transfer"
                else STEP_FORMS[step](request.POST, prefix=None if step == "status" else step))
        if form.is_valid():
            try:
                _clue_step(request, clue, step, form.cleaned_data, pending)
            except ValueError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Clue updated."))
                return redirect("alerts:clue", pk=clue.pk)
        bound[step] = form
    forms = {
        "form": bound.get("status") or ClueStatusForm(initial={"status": clue.status}),
        "transfer_form": bound.get("transfer") or TransferForm(prefix="transfer", clue=clue),
        "answer_form": bound.get("answer") or TransferAnswerForm(prefix="answer"),
        "consult_form": bound.get("consult") or ConsultationForm(prefix="consult", initial={
            "convened_by": request.user.agency_id}),  # type: ignore[union-attr]
    }
    return render(
        request, "alerts/clue_detail.html",
        {"clue": clue, "events": clue.events.select_related("actor"), **forms, "can_handle": can_handle,
         "pending": pending, "can_transfer": can_handle and pending is None, "can_answer": can_answer,
         "can_consult": can_consult, "today": deadlines.today(),
         "transfers": clue.transfers.select_related("from_unit", "to_unit").order_by("sent_on", "id"),
         "consultations": clue.consultations.select_related("convened_by").prefetch_related("units")},
        status=400 if bound else 200,
    )


def _clue_step(request: HttpRequest, clue: Clue, step: str, d: dict[str, Any], pending: Transfer | None) -> None:
    user = request.user
    if step == "status":
        services.update_clue(clue, user, d["status"], d["note"], request=request)
    elif step == "transfer":
        services.transfer_clue(clue, user, kind=d["kind"], to_unit=d["to_unit"], reason=d["reason"],
                               sent_on=d["sent_on"], materials=d["materials"], approved_on=d["approved_on"],
                               request=request)
    elif step == "answer":
        assert pending is not None
        services.answer_transfer(pending, user, accept=d["decision"] == "accept", on=d["on"], answer=d["answer"],
                                 request=request)
    elif step == "consult":
        services.record_consultation(clue, user, held_on=d["held_on"], convened_by=d["convened_by"],
                                     units=list(d["units"]), topic=d["topic"], conclusion=d["conclusion"],
                                     follow_up=d["follow_up"], request=request)
