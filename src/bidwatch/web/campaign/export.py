"""The ledger as an Excel workbook (整改台账): one row per problem, Chinese headers, dates as dates."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

from django.utils import translation

from bidwatch.exports import neutralise_row
from bidwatch.web.campaign.models import Problem

#: (header, width, value of a problem on a day)
COLUMNS: list[tuple[str, int, Any]] = [
    ("编号", 16, lambda p, on: p.number),
    ("问题来源", 12, lambda p, on: p.get_source_display()),
    ("关联记录", 22, lambda p, on: links(p)),
    ("项目名称", 28, lambda p, on: p.project_name),
    ("标段编号", 14, lambda p, on: p.tender_id or ""),
    ("责任单位", 20, lambda p, on: p.unit.name),
    ("行业", 10, lambda p, on: p.get_sector_display()),
    ("问题类型", 18, lambda p, on: p.get_category_display()),
    ("问题描述", 40, lambda p, on: p.description),
    ("整改措施", 40, lambda p, on: p.measures),
    ("列入日期", 12, lambda p, on: p.listed_on),
    ("整改时限", 12, lambda p, on: p.deadline),
    ("状态", 16, lambda p, on: p.get_status_display()),
    ("时限情况", 12, lambda p, on: timeliness(p, on)),
    ("开始整改日期", 12, lambda p, on: p.started_on),
    ("申请销号日期", 12, lambda p, on: p.reported_on),
    ("整改完成情况", 40, lambda p, on: p.result),
    ("挽回经济损失（元）", 16, lambda p, on: p.recovered_amount),
    ("问责人数", 10, lambda p, on: p.people_accountable),
    ("建章立制（项）", 12, lambda p, on: p.rules_count),
    ("制度名称", 30, lambda p, on: p.rules_text),
    ("销号日期", 12, lambda p, on: p.closed_on),
    ("核查意见", 30, lambda p, on: p.verification),
]


def links(p: Problem) -> str:
    parts = []
    if p.alert_id:
        parts.append(f"预警 {p.alert_id}")
    if p.clue_id:
        parts.append(f"线索 {p.clue.number}")
    if p.complaint_id:
        parts.append(f"投诉 {p.complaint.number}")
    return "；".join(parts)


def timeliness(p: Problem, on: dt.date) -> str:
    if p.is_open:
        return "已超期" if p.deadline < on else "未到期"
    return "按期整改" if p.reported_in_time is not False else "逾期整改"


def ledger_xlsx(problems: Iterable[Problem], on: dt.date) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    sheet = wb.active
    sheet.title = "整改台账"
    sheet.append([header for header, _, _ in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    with translation.override("zh-hans"):  # the workbook is Chinese whatever the page's language
        for p in problems:
            sheet.append(neutralise_row(value(p, on) for _, _, value in COLUMNS))
    for i, (header, width, _) in enumerate(COLUMNS, 1):
        letter = sheet.cell(row=1, column=i).column_letter
        sheet.column_dimensions[letter].width = width
        fmt = "yyyy-mm-dd" if "日期" in header or header == "整改时限" else "#,##0.00" if "元" in header else None
        if fmt:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = fmt
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
