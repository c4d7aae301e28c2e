from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bidwatch.web.accounts.decorators import requires
from bidwatch.web.accounts.roles import Cap, can
from bidwatch.web.datasets import services
from bidwatch.web.datasets.forms import UploadForm
from bidwatch.web.datasets.models import DatasetImport, ScanRun
from bidwatch.web.tasks import queue
from bidwatch.web.tasks.models import Task


@requires(Cap.VIEW_IMPORTS)
def import_list(request: HttpRequest) -> HttpResponse:
    form = UploadForm()
    if request.method == "POST":
        if not can(request.user, Cap.IMPORT):  # type: ignore[arg-type]
            raise PermissionDenied("import")
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                scan = services.store_upload(form.cleaned_data["file"], request.user,
                                             source=form.cleaned_data.get("source_system") or "", request=request)
            except services.UploadRefused as exc:
                form.add_error("file", str(exc))
            else:
                return redirect("datasets:detail", pk=scan.dataset_id)
    imports = DatasetImport.objects.select_related("uploaded_by")
    scans = ScanRun.objects.select_related("dataset", "started_by", "task")[:50]
    page = Paginator(imports, 25).get_page(request.GET.get("page"))
    sources = (DatasetImport.objects.exclude(source_system="").order_by("source_system")
               .values_list("source_system", flat=True).distinct())
    return render(request, "datasets/list.html", {"form": form, "page": page, "scans": scans, "sources": sources})


@requires(Cap.VIEW_IMPORTS)
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    imp = get_object_or_404(DatasetImport.objects.select_related("uploaded_by"), pk=pk)
    scans = imp.scans.select_related("task", "started_by")
    latest = scans.first()
    if latest and latest.task and latest.task.status == Task.Status.RUNNING and queue.sweep_dead():
        imp.refresh_from_db()  # its worker had died: the task, the scan and the import are failed now
    ctx = {"imp": imp, "scans": scans, "latest": scans.first()}
    if request.headers.get("HX-Request"):
        return render(request, "datasets/_status.html", ctx)
    return render(request, "datasets/detail.html", ctx)


def _act(request: HttpRequest, pk: int, act: Callable[[DatasetImport], object], refused: type[Exception],
         done: str = "") -> HttpResponse:
    """A button on the import's page: ``act`` on the import, then back to the page saying why it was
    ``refused`` (or ``done``)."""
    imp = get_object_or_404(DatasetImport, pk=pk)
    try:
        act(imp)
    except refused as exc:
        messages.error(request, str(exc))
    else:
        if done:
            messages.success(request, done)
    return redirect("datasets:detail", pk=imp.pk)


@require_POST
@requires(Cap.IMPORT)
def rescan(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda imp: services.start_scan(imp, request.user, request=request),
                services.ScanPending, _("The scan is queued."))


@require_POST
@requires(Cap.IMPORT)
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply an import waiting at its change summary: the summary confirmed is named by its digest."""
    digest = request.POST.get("digest", "")
    return _act(request, pk, lambda imp: services.confirm_import(imp, request.user, digest, request=request),
                services.NotPending)
