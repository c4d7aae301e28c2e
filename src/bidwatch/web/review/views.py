"""Pre-tender review pages: the list, the department's upload, the review page (the text with each finding
marked and its article, the opinions, the comparison with the previous version) and its steps.

The steps go through the workflow core's views; the revised version is a file, which the core's step view
does not pass to a form, so ``revise`` has its own POST view that takes the same gate (``WORKFLOW.run``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bidwatch.web.accounts.decorators import requires
from bidwatch.web.accounts.roles import Cap
from bidwatch.web.audit.models import AuditEntry
from bidwatch.web.audit.services import record
from bidwatch.web.review import checks, services
from bidwatch.web.review.forms import SubmitForm
from bidwatch.web.scoping import scope_by_sector
from bidwatch.web.review.models import Review
from bidwatch.web.review.workflow import WORKFLOW
from bidwatch.web.tenders.models import Tender
from bidwatch.web.workflow import views as workflow_views

FACT_FIELDS = ("docs_from", "docs_until", "bid_deadline", "estimate", "bid_bond", "performance_bond_pct")


@requires(Cap.VIEW_REVIEWS)
def review_list(request: HttpRequest) -> HttpResponse:
    qs = services.visible(request.user).select_related("unit")
    status = request.GET.get("status", "")
    if status in Review.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "review/list.html", {
        "page": page, "status": status, "statuses": Review.Status.choices,
        "can_submit": services.can_submit(request.user)})


@requires(Cap.SUBMIT_REVIEW)
def review_submit(request: HttpRequest) -> HttpResponse:
    if not services.can_submit(request.user):
        raise PermissionDenied("submit_review")
    form = SubmitForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            review = services.submit(request.user, d["file"], title=d["title"], kind=d["kind"], on=d["on"],
                                     tender_id=d["tender_id"], facts={k: d[k] for k in FACT_FIELDS},
                                     request=request)
        except services.UnsafeUpload as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(request, _("Review %(number)s submitted: %(n)s findings.")
                             % {"number": review.number, "n": review.current.findings.count()})
            return redirect("review:detail", pk=review.pk)
    return render(request, "review/form.html", {"form": form}, status=400 if form.errors else 200)


def _paragraphs(version: Any) -> list[dict[str, Any]]:
    findings = list(version.findings.all())
    by_par: dict[int, list[Any]] = {}
    for f in findings:
        if f.paragraph is not None:
            by_par.setdefault(f.paragraph, []).append(f)
    return [{"number": i + 1, "pieces": checks.highlight(text, by_par.get(i, [])), "findings": by_par.get(i, [])}
            for i, text in enumerate(version.paragraphs)]


def _context(request: HttpRequest, review: Review) -> dict[str, Any]:
    versions = list(review.versions.all())
    number = request.GET.get("v")
    version = next((v for v in versions if str(v.number) == number), versions[-1] if versions else None)
    labels = {name: SubmitForm.base_fields[name].label for name in FACT_FIELDS}
    facts = [(labels[k], version.facts[k]) for k in FACT_FIELDS if version and k in version.facts]
    unchecked = [(checks.CHECKS[code][0], [labels[k] for k in missing])
                 for code, missing in checks.unchecked(version.facts).items()] if version else []
    # linked only where the reader may open it (another sector's tender would answer 403, and log a refusal)
    known_tender = bool(review.tender_id) and scope_by_sector(Tender.objects.filter(pk=review.tender_id),
                                                              request.user).exists()
    return {"r": review, "version": version, "versions": versions, "facts": facts, "unchecked": unchecked,
            "known_tender": known_tender,
            "paragraphs": _paragraphs(version) if version else [],
            "findings": list(version.findings.select_related("previous")) if version else [],
            "resolution": services.resolution(version) if version and version.number > 1 else None,
            "events": review.events.select_related("actor")}


review_detail = workflow_views.detail_view(
    WORKFLOW, "review/detail.html", view_cap=Cap.VIEW_REVIEWS, context=_context,
    queryset=lambda: Review.objects.select_related("unit", "created_by"))


@require_POST
@requires(Cap.VIEW_REVIEWS)
def review_revise(request: HttpRequest, pk: int) -> HttpResponse:
    """The revised file: the core's gate, with the upload passed to the form."""
    review = WORKFLOW.get_for(request.user, pk)
    if not WORKFLOW.may(request.user, review, "revise"):
        raise PermissionDenied("review:revise")
    form = WORKFLOW.form_class("revise")(request.POST, request.FILES, prefix="revise")
    if not WORKFLOW.is_open(review, "revise"):
        form.is_valid()
        form.add_error(None, WORKFLOW.closed_message(review, "revise"))
    elif form.is_valid():
        try:
            WORKFLOW.run("revise", review, request.user, form.cleaned_data, request=request)
        except ValueError as exc:  # UnsafeUpload included
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect("review:detail", pk=review.pk)
    ctx = {"obj": review, "step_forms": [("revise", form)], "workflow": WORKFLOW, "step_url": "review:step",
           "forms_by_step": {"revise": form}, **_context(request, review)}
    return render(request, "review/detail.html", ctx, status=400)


@requires(Cap.VIEW_REVIEWS)
def version_file(request: HttpRequest, pk: int, number: int) -> FileResponse:
    """The uploaded file as it was received, always as a download (never shown in the browser)."""
    review = WORKFLOW.get_for(request.user, pk)
    version = review.versions.filter(number=number).first()
    path = services.files_dir() / version.stored if version else None
    if version is None or path is None or not path.is_file():
        raise Http404("review file")
    record(request.user, AuditEntry.Action.EXPORT, review, request=request, format="original",
           version=version.number, sha256=version.sha256)
    response = FileResponse(path.open("rb"), as_attachment=True, filename=version.file_name,
                            content_type="application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    return response
