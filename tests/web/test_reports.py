"""The campaign report: the figures of each front for a period and a scope, and the same report
as a PDF (WeasyPrint, CJK fonts, no network) and as an Excel workbook."""

from __future__ import annotations

import datetime as dt
import io
import re
import zlib
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from bidwatch.web.accounts.models import Agency
from bidwatch.web.alerts import services as alert_services
from bidwatch.web.alerts.models import Alert
from bidwatch.web.complaints import services as complaint_services
from bidwatch.web.reports.figures import build_report

D = dt.date.fromisoformat
YEAR = {"start": "2024-01-01", "end": "2024-12-31"}


@pytest.fixture
def activity(users: Any, imported: Any) -> dict[str, Any]:
    """In 2024: a housing complaint received, accepted and decided late; a refused one; a clue sent to
    the police and one to the supervision commission (unanswered)."""
    office, housing = users["office"], users["housing"]
    unit = Agency.objects.get(code="housing")
    base = {"project_name": "安置房一标段施工", "sector": "housing", "handling_unit": unit, "complainant": "乙公司",
            "facts": "评标不公", "knew_on": D("2024-09-25"), "received_on": D("2024-09-27")}
    decided = complaint_services.register(housing, **base)
    complaint_services.accept(decided, housing, D("2024-10-08"))
    # due 2024-11-18: decided a week late
    complaint_services.decide(decided, housing, D("2024-11-25"), "founded", "1号", "责令重新评标")
    refused = complaint_services.register(housing, **{**base, "knew_on": D("2024-08-01")})
    complaint_services.refuse(refused, housing, D("2024-09-30"), "late")
    alert = Alert.objects.get(indicator="bond_same_account")
    clue = alert_services.raise_clue(alert, housing, unit, "保证金同一账户")
    police = alert_services.transfer_clue(clue, housing, kind="police", to_unit=Agency.objects.get(code="police"),
                                          reason="达到立案追诉标准", sent_on=D("2024-10-09"),
                                          approved_on=D("2024-10-08"))
    # the police's 3 days run from receipt (移送涉嫌犯罪案件的规定 第8条): recorded, so this answer is overdue
    alert_services.receive_transfer(police, office, on=D("2024-10-10"))
    other = alert_services.raise_clue(None, office, Agency.objects.get(code="office"), "举报领导干部插手")
    alert_services.transfer_clue(other, office, kind="supervision", to_unit=Agency.objects.get(code="discipline"),
                                 reason="涉及公职人员", sent_on=D("2024-10-10"))
    return {"decided": decided, "refused": refused, "clue": clue}


def _counts(report: Any, key: str) -> dict[str, Any]:
    return dict(next(s for s in report.sections if s.key == key).counts)


def _report(user: Any, start: str, end: str) -> Any:
    with translation.override("en"):
        return build_report(user, D(start), D(end))


def _pdf_fonts(pdf: bytes) -> set[bytes]:
    """The fonts a PDF embeds (their names sit in compressed object streams)."""
    names = set(re.findall(rb"/BaseFont\s*/([A-Za-z0-9+\-]+)", pdf))
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            names |= set(re.findall(rb"/BaseFont\s*/([A-Za-z0-9+\-]+)", zlib.decompress(m.group(1))))
        except zlib.error:
            continue
    return names


@pytest.mark.django_db
def test_figures_of_a_year(users: Any, activity: Any) -> None:
    report = _report(users["office"], "2024-01-01", "2024-12-31")
    c = _counts(report, "complaints")
    assert c["Complaints received"] == 2 and c["Filed after the time limit"] == 1
    assert c["Not accepted"] == 1 and c["Decided"] == 1 and c["Decided after the statutory deadline"] == 1
    # 2024-10-08 → 2024-11-25: 35 working days (10-12, a Saturday, was worked): 30 to 11-18, five more
    assert c["Working days from acceptance to decision (mean)"] == "35.0"
    k = _counts(report, "clues")
    assert k["Transfers sent"] == 2 and k["to the police"] == 1 and k["to the supervision commission"] == 1
    # only the police transfer has an answer period (3 days from its receipt); the supervision commission has none
    assert k["Answers overdue at the end of the period"] == 1
    b = _counts(report, "big_data")
    assert b["Alerts dated in the period"] == Alert.objects.filter(detected_on__year=2024).count() > 0
    # another period sees none of it
    empty = _report(users["office"], "2023-01-01", "2023-12-31")
    assert _counts(empty, "complaints")["Complaints received"] == 0 and _counts(empty, "clues")["Transfers sent"] == 0


@pytest.mark.django_db
def test_a_department_reports_on_its_own_scope(users: Any, activity: Any) -> None:
    transport = _report(users["transport"], "2024-01-01", "2024-12-31")
    assert _counts(transport, "complaints")["Complaints received"] == 0
    assert _counts(transport, "clues")["Transfers sent"] == 0
    assert transport.scope == "交通运输局"  # the agency's name
    housing = _report(users["housing"], "2024-01-01", "2024-12-31")
    assert _counts(housing, "complaints")["Complaints received"] == 2
    assert _counts(housing, "clues")["Transfers sent"] == 1  # the office's own clue is not the housing unit's


@pytest.mark.django_db
def test_report_page_in_chinese(client_for: Any, activity: Any) -> None:
    page = client_for("office").get(reverse("reports:campaign"), YEAR).content.decode()
    assert "投诉" in page and "线索" in page and 'data-testid="section-complaints"' in page
    assert "TS-2024-" in page


@pytest.mark.django_db
def test_a_period_ending_before_it_starts_is_refused(client_for: Any, users: Any) -> None:
    response = client_for("office").get(reverse("reports:campaign"), {"start": "2024-12-31", "end": "2024-01-01"})
    assert response.status_code == 400 and "end" in response.context["form"].errors


@pytest.mark.django_db
def test_pdf_with_chinese_fonts(client_for: Any, activity: Any) -> None:
    response = client_for("office").get(reverse("reports:campaign"), {**YEAR, "format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    # the Chinese glyphs come from the distribution's Noto CJK fonts, embedded (subset) in the file
    assert any(b"CJK-SC" in name for name in _pdf_fonts(response.content))
    assert "filename*=UTF-8''" in response["Content-Disposition"]


def test_the_pdf_renderer_refuses_the_network() -> None:
    from weasyprint.urls import URLFetchingError

    from bidwatch.web.reports.outputs import _local_only

    with pytest.raises(URLFetchingError):
        _local_only("https://cdn.example.com/font.woff2")


@pytest.mark.django_db
def test_workbook_has_a_sheet_per_front(client_for: Any, activity: Any) -> None:
    from openpyxl import load_workbook

    response = client_for("office").get(reverse("reports:campaign"), {**YEAR, "format": "xlsx"})
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    # summary + one sheet per front (举报 since issue 16, 标前审查 since issue 17) and the accountability front's
    # seven (issue 15)
    assert wb.sheetnames[0] == "汇总" and len(wb.sheetnames) == 7 + 7
    complaints = next(wb[n] for n in wb.sheetnames if "投诉" in n)
    numbers = {row[0] for row in complaints.iter_rows(min_row=2, values_only=True)}
    assert numbers == {activity["decided"].number, activity["refused"].number}
    assert isinstance(next(complaints.iter_rows(min_row=2, values_only=True))[1], dt.datetime)  # a real date


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "status"), [("admin", 403), ("office", 200), ("discipline", 200),
                                              ("housing", 200), ("auditor", 200)])
def test_who_may_see_reports(client_for: Any, users: Any, role: str, status: int) -> None:
    assert client_for(role).get(reverse("reports:campaign")).status_code == status


@pytest.mark.django_db
def test_the_complainant_is_in_no_report_or_export(client_for: Any, activity: Any, monkeypatch: Any) -> None:
    """Issue 18 item 11: the complainant's identity appears in none of the page, the PDF, the workbook."""
    from openpyxl import load_workbook

    from bidwatch.web.reports import views

    complainant = activity["decided"].complainant
    assert complainant and complainant in activity["decided"].__dict__.values()
    office = client_for("office")
    assert complainant not in office.get(reverse("reports:campaign"), YEAR).content.decode()
    wb = load_workbook(io.BytesIO(office.get(reverse("reports:campaign"), {**YEAR, "format": "xlsx"}).content))
    cells = {str(c.value) for sheet in wb.worksheets for row in sheet.iter_rows() for c in row if c.value is not None}
    assert not [c for c in cells if complainant in c]
    printed: list[str] = []
    monkeypatch.setattr(views, "report_pdf", lambda html: printed.append(html) or b"%PDF-1.7")
    assert office.get(reverse("reports:campaign"), {**YEAR, "format": "pdf"}).status_code == 200
    assert printed and activity["decided"].number in printed[0] and complainant not in printed[0]
    # the ledger export does not carry it either
    ledger = load_workbook(io.BytesIO(office.get(reverse("campaign:export")).content))
    assert not [c for s in ledger.worksheets for r in s.iter_rows() for c in r if c.value and complainant in str(c.value)]


@pytest.mark.django_db
def test_a_transfer_answered_after_the_period_was_overdue_at_its_end(users: Any, activity: Any) -> None:
    """As of the period's end, not as of today: the police answer came on 2024-12-20, after its due date."""
    from bidwatch.web.alerts.models import Transfer

    police = Transfer.objects.get(kind="police")
    alert_services.answer_transfer(police, users["police"], accept=True, on=D("2024-12-20"), answer="已立案")
    assert _counts(_report(users["office"], "2024-10-01", "2024-10-31"), "clues")[
        "Answers overdue at the end of the period"] == 1
    assert _counts(_report(users["office"], "2024-01-01", "2024-12-31"), "clues")[
        "Answers overdue at the end of the period"] == 0


@pytest.mark.django_db
def test_the_report_table_of_tipoffs_uses_the_tipoff_words(client_for: Any, users: Any, activity: Any) -> None:
    """The 举报 table is headed 收到举报日期 … 举报方式 (the tip-off pages' words), not the complaint's; the complaint
    table keeps 收到投诉日期 (near miss)."""
    from openpyxl import load_workbook

    with translation.override("zh-hans"):
        report = build_report(users["office"], D(YEAR["start"]), D(YEAR["end"]))
    sections = {s.key: s for s in report.sections}
    tipoffs = [str(c) for c in sections["tipoffs"].columns]
    assert tipoffs[0] == "收到举报日期" and tipoffs[2] == "举报方式" and not any("投诉" in c for c in tipoffs)
    assert "收到投诉日期" in [str(c) for c in sections["complaints"].columns]
    response = client_for("office").get(reverse("reports:campaign"), {**YEAR, "format": "xlsx"})
    wb = load_workbook(io.BytesIO(response.content))
    header = next(wb[n] for n in wb.sheetnames if "举报" in n).cell(row=1, column=1).value
    sheet = next(wb[n] for n in wb.sheetnames if "举报" in n)
    headers = [c for row in sheet.iter_rows(max_row=3, values_only=True) for c in row if c]
    assert header and "收到举报日期" in headers and "举报方式" in headers and "收到投诉日期" not in headers
    with translation.override("en"):  # the English report: the msgid
        assert str(build_report(users["office"], D(YEAR["start"]), D(YEAR["end"])).sections[
            [s.key for s in report.sections].index("tipoffs")].columns[0]) == "Received on"
