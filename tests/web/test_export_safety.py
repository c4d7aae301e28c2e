"""Formula injection in the web's workbooks: a title beginning with ``=`` (or + - @ tab CR) must not
become a live formula in the rectification ledger or the campaign report's workbook."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse

from bidwatch.web.accounts.models import Agency
from bidwatch.web.campaign import services
from bidwatch.web.campaign.models import Problem
from bidwatch.web.reports.figures import Report, Section
from bidwatch.web.reports.outputs import report_xlsx
from tests.test_exports import PAYLOADS


def _cells(content: bytes) -> list[Any]:
    """Every cell of every sheet as openpyxl reads it back (data type and value)."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content))
    return [cell for sheet in wb.worksheets for row in sheet.iter_rows() for cell in row]


def _assert_inert(content: bytes, payloads: list[str]) -> None:
    cells = _cells(content)
    assert not [c.coordinate for c in cells if c.data_type == "f"], "a cell holds a formula"
    # A carriage return comes back as a line feed or as itself, depending on openpyxl's XML library.
    values = {c.value.replace("\r", "\n") if isinstance(c.value, str) else c.value for c in cells}
    for payload in payloads:
        payload = payload.replace("\r", "\n")
        assert "'" + payload in values
        assert payload not in values


@pytest.mark.django_db
def test_ledger_export_has_no_formula(client_for: Any, users: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(services, "today", lambda: dt.date(2024, 11, 20))
    office = client_for("office")
    unit = Agency.objects.get(code="housing")
    for payload in PAYLOADS:
        response = office.post(reverse("campaign:create"), {
            "source": "self_inspection", "category": "build_first", "unit": unit.pk, "sector": "housing",
            "project_name": payload, "tender": "", "description": payload, "measures": payload,
            "listed_on": "2024-09-20", "deadline": "2024-10-31",
        })
        assert response.status_code == 302, response.content.decode()[:2000]
    # the form strips a leading tab or CR; text imported from a dataset is not stripped
    for problem in Problem.objects.filter(project_name="=1+1"):
        Problem.objects.filter(pk=problem.pk).update(project_name=PAYLOADS[4], description=PAYLOADS[5])
    response = office.get(reverse("campaign:export"))
    assert response.status_code == 200
    _assert_inert(response.content, PAYLOADS)

def test_report_workbook_has_no_formula() -> None:
    section = Section("complaints", "投诉", counts=[("收到", 1)], breakdowns=[("按结果", [(PAYLOADS[0], 1)])],
                      columns=["编号", "项目"], rows=[["TS-1", p] for p in PAYLOADS])
    report = Report(dt.date(2024, 1, 1), dt.date(2024, 12, 31), PAYLOADS[1], [section])
    content = report_xlsx(report)
    _assert_inert(content, PAYLOADS)
    values = {c.value for c in _cells(content)}
    assert "按结果：" + PAYLOADS[0] in values  # a label after our own prefix is harmless as it is
    assert "'" + PAYLOADS[1] in values  # the scope line
