"""The bid-file comparison pages: upload and list, the result (pairs of bidders ranked, with the
evidence), and the images the findings show. Each read is written to the audit log as case data."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language

from bidwatch.web.accounts.decorators import requires
from bidwatch.web.accounts.roles import Cap, can, is_sector_scoped
from bidwatch.web.alerts.models import Alert, Severity
from bidwatch.web.audit.models import AuditEntry
from bidwatch.web.audit.services import record
from bidwatch.web.bidcompare import services
from bidwatch.web.bidcompare.forms import CompareForm
from bidwatch.web.bidcompare.models import Comparison
from bidwatch.web.scoping import check_sector
from bidwatch.web.tasks import queue
from bidwatch.web.tasks.models import Task
from bidwatch.web.tenders.models import Tender


def visible(user: Any) -> QuerySet[Comparison]:
    """Department staff: the comparisons of their sector's tenders and their sector's own uploads."""
    qs = Comparison.objects.select_related("tender", "uploaded_by", "task")
    if not can(user, Cap.VIEW_BID_FILES):
        return qs.none()
    if is_sector_scoped(user):
        return qs.filter(sector=user.sector) if user.sector else qs.none()
    return qs


def _get(request: HttpRequest, pk: int) -> Comparison:
    comp = get_object_or_404(Comparison.objects.select_related("tender", "uploaded_by", "task"), pk=pk)
    if not visible(request.user).filter(pk=comp.pk).exists():
        raise PermissionDenied("sector")
    return comp


@requires(Cap.VIEW_BID_FILES)
def comparison_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = CompareForm(initial={"tender_id": request.GET.get("tender", "")[:64]})
    if request.method == "POST":
        if not can(user, Cap.COMPARE_BID_FILES) or (is_sector_scoped(user) and not user.sector):
            raise PermissionDenied("compare_bid_files")
        form = CompareForm(request.POST, request.FILES)
        if form.is_valid():
            tender = None
            tid = form.cleaned_data["tender_id"].strip()
            if tid:
                tender = Tender.objects.filter(pk=tid).first()
                if tender is None:
                    form.add_error("tender_id", _no_tender())
                else:
                    check_sector(user, tender.sector)  # another sector's tender: refused (403)
            if form.is_valid():
                try:
                    comp = services.store_upload(form.cleaned_data["archive"], form.cleaned_data["tender_docs"], user,
                                                 tender=tender, title=form.cleaned_data["title"], request=request)
                except services.UploadRefused as exc:
                    form.add_error("archive", str(exc))
                else:
                    return redirect("bidcompare:detail", pk=comp.pk)
    page = Paginator(visible(user), 25).get_page(request.GET.get("page"))
    record(user, AuditEntry.Action.VIEW, request=request, object_type="bidcompare.comparison", object_id="list",
           page=page.number)
    return render(request, "bidcompare/list.html", {"form": form, "page": page})


def _no_tender() -> str:
    from django.utils.translation import gettext

    return gettext("No imported tender has this ID.")


def _labelled(result: dict[str, Any]) -> list[dict[str, Any]]:
    english = (get_language() or "").startswith("en")
    severity = dict(Severity.choices)
    out = services.pairs(result)
    for p in out:
        p["severity_label"] = severity.get(p["severity"], p["severity"])
        for f in p["findings"]:
            f["name"] = f.get("name_en") if english else f.get("name_zh")
            f["severity_label"] = severity.get(f["severity"], f["severity"])
    return out


@requires(Cap.VIEW_BID_FILES)
def comparison_detail(request: HttpRequest, pk: int) -> HttpResponse:
    comp = _get(request, pk)
    if comp.task and comp.task.status == Task.Status.RUNNING and queue.sweep_dead():
        comp.refresh_from_db()
    if request.headers.get("HX-Request"):
        # the status only; once finished the whole page is loaded (and its reading audited)
        response = render(request, "bidcompare/_status.html", {"comp": comp})
        if comp.finished or (comp.task and comp.task.finished):
            response["HX-Refresh"] = "true"
        return response
    result = comp.result or {}
    ctx = {
        "comp": comp, "pairs": _labelled(result), "files": result.get("files", []) + result.get("tender_files", []),
        "discounted": result.get("discounted", []), "notes": result.get("notes", []),
        "stored_images": {p.stem for p in comp.images_dir.glob("*.png")} if comp.stored_dir else set(),
        "alerts": Alert.objects.filter(alert_id__in=comp.alert_ids).order_by("alert_id") if comp.alert_ids else [],
    }
    action = AuditEntry.Action.VIEW_EVIDENCE if comp.status == Comparison.Status.DONE else AuditEntry.Action.VIEW
    record(request.user, action, comp, request=request, findings=comp.n_findings)
    return render(request, "bidcompare/detail.html", ctx)


@requires(Cap.VIEW_BID_FILES)
def comparison_image(request: HttpRequest, pk: int, sha: str) -> HttpResponse:
    """An image a finding shows, re-encoded at comparison time; only those of this comparison's findings."""
    comp = _get(request, pk)
    if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha) or sha not in comp.image_hashes():
        raise Http404
    path = comp.images_dir / f"{sha}.png"
    if not path.is_file():
        raise Http404
    record(request.user, AuditEntry.Action.VIEW_EVIDENCE, request=request, object_type="bidcompare.image",
           object_id=f"{comp.pk}:{sha[:16]}")
    response = FileResponse(path.open("rb"), content_type="image/png")
    response["Content-Disposition"] = "inline"
    return response
