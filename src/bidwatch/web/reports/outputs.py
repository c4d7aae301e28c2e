"""The report as a PDF (WeasyPrint, fonts from the distribution's packages) and as an Excel workbook.

No network: WeasyPrint's fetcher serves only the application's own static files from disk and
refuses every other URL, so a report renders the same on an air-gapped intranet.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from django.contrib.staticfiles import finders

from bidwatch.exports import neutralise, neutralise_row
from bidwatch.web.reports.figures import Report


def _local_only(url: str, *args: Any, **kwargs: Any) -> Any:
    from weasyprint.urls import URLFetchingError

    parsed = urlparse(url)
    if parsed.scheme == "file":
        path = Path(parsed.path)
        if path.exists():
            return {"string": path.read_bytes(), "mime_type": "text/css" if path.suffix == ".css" else None}
    raise URLFetchingError(f"no network access in reports: {url}")


def report_pdf(html: str) -> bytes:
    """Render the report page's HTML; its stylesheet is read from the static files on disk."""
    import weasyprint

    css = finders.find("bidwatch/report-print.css")
    stylesheets = [weasyprint.CSS(filename=css, url_fetcher=_local_only)] if css else []
    return weasyprint.HTML(string=html, url_fetcher=_local_only).write_pdf(stylesheets=stylesheets)  # type: ignore[no-any-return]


def report_xlsx(report: Report) -> bytes:
    """One sheet of headline figures, then one sheet per section with the rows behind them."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    summary = wb.active
    summary.title = "汇总"
    period = f"{report.start:%Y-%m-%d} 至 {report.end:%Y-%m-%d}"
    summary.append(neutralise_row(["专项整治工作情况", period, report.scope]))
    summary["A1"].font = Font(bold=True)
    for section in report.sections:
        summary.append([])
        summary.append([section.title])
        summary.cell(row=summary.max_row, column=1).font = Font(bold=True)
        for label, value in section.counts:
            summary.append(neutralise_row([label, value]))
        for title, items in section.breakdowns:
            for label, n in items:
                summary.append(neutralise_row([f"{title}：{label}", n]))
        sheet = wb.create_sheet(section.title[:31])
        sheet.append(neutralise_row(section.columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in section.rows:
            sheet.append([v if isinstance(v, (int, float, dt.date)) or v is None else neutralise(str(v)) for v in row])
        sheet.freeze_panes = "A2"
        for i, _ in enumerate(section.columns, 1):
            sheet.column_dimensions[sheet.cell(row=1, column=i).column_letter].width = 18
    summary.column_dimensions["A"].width = 40
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
