"""The campaign report: a period (this month by default), shown as a page, a PDF or a workbook."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from bidwatch.web.accounts.decorators import requires
from bidwatch.web.accounts.roles import Cap
from bidwatch.web.audit.models import AuditEntry
from bidwatch.web.audit.services import record
from bidwatch.web.deadlines import today
from bidwatch.web.downloads import PDF, XLSX, attachment
from bidwatch.web.periods import CheckedPeriod
from bidwatch.web.reports.figures import build_report
from bidwatch.web.reports.outputs import report_pdf, report_xlsx
from bidwatch.web.widgets import DateInput


class PeriodForm(CheckedPeriod, forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("To"), widget=DateInput())


def _default_period() -> dict[str, dt.date]:
    t = today()
    return {"start": t.replace(day=1), "end": t}


@requires(Cap.VIEW_REPORTS)
def campaign_report(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET if "start" in request.GET else None, initial=_default_period())
    if form.is_bound and not form.is_valid():
        return render(request, "reports/campaign.html", {"form": form, "report": None}, status=400)
    period = form.cleaned_data if form.is_bound else _default_period()
    report = build_report(request.user, period["start"], period["end"])
    fmt = request.GET.get("format", "")
    stem = f"专项整治工作情况-{report.start:%Y%m%d}-{report.end:%Y%m%d}"
    if fmt in {"pdf", "xlsx"}:
        record(request.user, AuditEntry.Action.EXPORT, None, request=request, object_type="report",
               object_id=stem, format=fmt)
    if fmt == "pdf":
        html = render_to_string("reports/campaign_print.html", {"report": report, "user": request.user,
                                                                "generated": today()}, request=request)
        try:
            pdf = report_pdf(html)
        except OSError as exc:  # WeasyPrint could not load Pango: say so instead of a bare 500
            return HttpResponse(_("The PDF cannot be made on this server (Pango is missing: install "
                                  "libpango-1.0-0 and libpangoft2-1.0-0). The Excel workbook works. %(error)s")
                                % {"error": exc}, status=503, content_type="text/plain; charset=utf-8")
        return attachment(pdf, f"{stem}.pdf", PDF)
    if fmt == "xlsx":
        return attachment(report_xlsx(report), f"{stem}.xlsx", XLSX)
    return render(request, "reports/campaign.html", {"form": form, "report": report})
