"""The assessment's figures against a hand-counted fixture, its drill-down, export and refusals."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from bidwatch.web.accounts.models import Agency
from bidwatch.web.audit.models import AuditEntry
from bidwatch.web.campaign import services as ledger
from bidwatch.web.supervision import assessment, services
from bidwatch.web.supervision.models import Adjustment, AssessmentItem, Campaign

D = dt.date.fromisoformat
START, END = D("2024-07-01"), D("2024-09-30")


def build(users: dict[str, Any]) -> Campaign:
    """Hand-counted (period 2024-07-01 .. 2024-09-30, as of 09-30):

    housing — ledger: P1 due 08-15 reported 08-10 ✓, P2 due 09-10 reported 09-20 ✗, P3 due 09-25 reported 10-05
    (after the period: not done as of its end) ✗; P4 due 10-31 and P5 due 06-28 are outside → 1/3 of 30 = 10.00.
    orders: O1 07-01 +5 wd = 07-08, answered 07-05 ✓; O2 09-02 → 09-09 answered 09-20 ✗; O3 09-23 → 09-29 (a
    make-up working Sunday) answered 10-08 ✗; O4 issued 06-03, outside → 1/3 of 30 = 10.00.
    talks: T1 held 08-01, follow-up due 08-20, done 08-19 ✓; T2 follow-up due 10-15, after the period → 1/1 of 10.
    adjustment −2.5 (09-15) and +4 on 10-02 (outside) → 27.50.
    transport — P6 due 08-01 reported 07-30 ✓ → 30; nothing else due → 30 + 10 → 70.00.
    water — nothing due at all → 70.00 (tied first with transport); housing third.
    """
    c = Campaign.objects.create(name="2024年专项整治", starts_on=D("2024-01-01"), ends_on=D("2024-12-31"), current=True)
    units = {a.code: a for a in Agency.objects.filter(code__in=["housing", "transport", "water"])}
    c.units.set(units.values())
    AssessmentItem.objects.create(campaign=c, name="整改按时", metric="ledger", weight=30)
    AssessmentItem.objects.create(campaign=c, name="督办按时反馈", metric="orders", weight=30)
    AssessmentItem.objects.create(campaign=c, name="约谈承诺落实", metric="talks", weight=10)

    def problem(unit: str, deadline: str, reported: str | None) -> None:
        p = ledger.create(users["office"], source="self_inspection", category="build_first", unit=units[unit],
                          sector="housing", project_name="项目", tender=None, description="先建后招", measures="",
                          listed_on=D("2024-06-01"), deadline=D(deadline))
        if reported:
            ledger.start(p, users[unit], D("2024-06-05"), "整改")
            ledger.report(p, users[unit], D(reported), "已整改")

    problem("housing", "2024-08-15", "2024-08-10")
    problem("housing", "2024-09-10", "2024-09-20")
    problem("housing", "2024-09-25", "2024-10-05")
    problem("housing", "2024-10-31", "2024-08-01")
    problem("housing", "2024-06-28", None)
    problem("transport", "2024-08-01", "2024-07-30")

    def order(on: str, answered: str | None) -> None:
        o = services.issue(users["office"], campaign=c, unit=units["housing"], matter_kind="other", matter_ref="",
                           matter="事项", demand="要求", issued_on=D(on), workdays=5)
        if answered:
            services.answer(o, users["housing"], D(answered), "已办理")

    order("2024-07-01", "2024-07-05")
    order("2024-09-02", "2024-09-20")
    order("2024-09-23", "2024-10-08")
    order("2024-06-03", None)

    def talk(held: str, due: str, done: str | None) -> None:
        t = services.record_talk(users["office"], campaign=c, unit=units["housing"], person="张某", position="局长",
                                 talkers="专治办主任", reason="督办不力", held_on=D(held), commitments="限期整改",
                                 follow_up_due=D(due))
        if done:
            services.follow_up(t, users["office"], D(done), "已落实")

    talk("2024-08-01", "2024-08-20", "2024-08-19")
    talk("2024-09-10", "2024-10-15", None)
    Adjustment.objects.create(campaign=c, unit=units["housing"], points=Decimal("-2.5"), reason="信息报送迟报",
                              on=D("2024-09-15"))
    Adjustment.objects.create(campaign=c, unit=units["housing"], points=Decimal("4"), reason="经验被推广",
                              on=D("2024-10-02"))
    return c


@pytest.mark.django_db
def test_scores_and_ranking_as_hand_counted(users: Any) -> None:
    c = build(users)
    scores = {s.unit.code: s for s in assessment.ranking(c, START, END)}
    h = scores["housing"]
    assert [(i.item.metric, i.ok, i.due, i.score) for i in h.items] == [
        ("ledger", 1, 3, Decimal("10.00")), ("orders", 1, 3, Decimal("10.00")), ("talks", 1, 1, Decimal("10.00"))]
    assert h.adjusted == Decimal("-2.5") and h.total == Decimal("27.50")
    assert scores["transport"].total == scores["water"].total == Decimal("70.00")
    assert (scores["transport"].rank, scores["water"].rank, h.rank) == (1, 1, 3)
    # the orders' drill-down names its records, their due dates and when they were done as of the period's end
    rows = h.items[1].rows
    assert [(r.label, r.due, r.done, r.ok) for r in rows] == [
        ("〔2024〕督字第1号", D("2024-07-08"), D("2024-07-05"), True),
        ("〔2024〕督字第2号", D("2024-09-09"), D("2024-09-20"), False),
        ("〔2024〕督字第3号", D("2024-09-29"), None, False)]
    # as of the whole campaign (to 12-31) the late answers are done but still late; P4 (due 10-31) counts
    later = assessment.score_unit(c, Agency.objects.get(code="housing"), START, D("2024-12-31"))
    assert (later.items[0].ok, later.items[0].due) == (2, 4)
    assert later.adjusted == Decimal("1.5")


@pytest.mark.django_db
def test_next_years_campaign_does_not_take_this_years_records(users: Any) -> None:
    c = build(users)
    nxt = Campaign.objects.create(name="2025年专项整治", starts_on=D("2025-01-01"), ends_on=D("2025-12-31"))
    Campaign.objects.filter(pk=c.pk).update(current=False)
    Campaign.objects.filter(pk=nxt.pk).update(current=True)
    assert c.problems.count() == 6 and nxt.problems.count() == 0
    p = ledger.create(users["office"], source="other", category="other", unit=Agency.objects.get(code="water"),
                      sector="water", project_name="", tender=None, description="新问题", measures="",
                      listed_on=D("2025-03-01"), deadline=D("2025-04-01"))
    assert p.campaign == nxt and c.problems.count() == 6


@pytest.mark.django_db
def test_assessment_pages_drill_down_and_export(users: Any, client_for: Any) -> None:
    c = build(users)
    q = f"?campaign={c.pk}&start=2024-07-01&end=2024-09-30"
    page = client_for("auditor").get(reverse("supervision:assessment") + q).content.decode()
    assert 'data-testid="total-housing"><strong>27.50' in page and 'data-testid="total-transport"><strong>70.00' in page
    housing = Agency.objects.get(code="housing")
    unit = client_for("office").get(reverse("supervision:assessment_unit", args=[housing.pk]) + q).content.decode()
    assert "〔2024〕督字第3号" in unit and "27.50" in unit and "信息报送迟报" in unit
    # a unit sees its own scores only, and not another unit's records
    own = client_for("housing").get(reverse("supervision:assessment") + q).content.decode()
    assert "total-housing" in own and "total-transport" not in own
    other = Agency.objects.get(code="transport")
    assert client_for("housing").get(reverse("supervision:assessment_unit", args=[other.pk]) + q).status_code == 403
    response = client_for("office").get(reverse("supervision:assessment_export") + q)
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(response.content))
    ranks = {row[1]: (row[0], row[-1]) for row in wb["考核"].iter_rows(min_row=3, values_only=True)}
    assert ranks["住房和城乡建设局"] == (3, 27.5) and ranks["交通运输局"] == (1, 70.0)
    assert AuditEntry.objects.filter(action="export", object_type="assessment").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["discipline", "housing", "auditor"])
def test_only_the_office_adjusts_scores(users: Any, client_for: Any, role: str) -> None:
    c = build(users)
    before = Adjustment.objects.count()
    response = client_for(role).post(reverse("supervision:assessment") + f"?campaign={c.pk}", {
        "unit": Agency.objects.get(code="housing").pk, "points": "5", "reason": "x", "on": "2024-09-01"})
    assert response.status_code == 403 and Adjustment.objects.count() == before


@pytest.mark.django_db
def test_the_office_adjusts_with_a_reason_and_the_audit_keeps_it(users: Any, client_for: Any) -> None:
    c = build(users)
    response = client_for("office").post(reverse("supervision:assessment") + f"?campaign={c.pk}", {
        "unit": Agency.objects.get(code="water").pk, "points": "-3", "reason": "未按时报送专班名单",
        "on": "2024-09-01"})
    assert response.status_code == 302
    a = Adjustment.objects.get(reason="未按时报送专班名单")
    assert a.entered_by == users["office"] and a.points == Decimal("-3")
    assert AuditEntry.objects.filter(action="campaign", object_id=str(a.pk)).exists()
    assert assessment.score_unit(c, a.unit, START, END).total == Decimal("67.00")


@pytest.mark.django_db
def test_the_office_configures_the_scheme_and_exports_a_pdf(users: Any, client_for: Any) -> None:
    c = build(users)
    response = client_for("office").post(reverse("supervision:assessment") + f"?campaign={c.pk}", {
        "form": "item", "name": "投诉按时办结", "metric": "complaints", "weight": "20"})
    assert response.status_code == 302
    assert c.items.filter(metric="complaints", weight=20).exists()
    assert client_for("discipline").post(reverse("supervision:assessment") + f"?campaign={c.pk}", {
        "form": "item", "name": "x", "metric": "clues", "weight": "5"}).status_code == 403
    # nothing due on complaints: full 20 points for everyone
    assert {s.unit.code: s.total for s in assessment.ranking(c, START, END)}["housing"] == Decimal("47.50")
    pdf = client_for("auditor").get(reverse("supervision:assessment_export") + f"?format=pdf&campaign={c.pk}")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_a_running_campaign_is_assessed_as_of_today_and_records_not_yet_due_are_left_out(
        users: Any, client_for: Any, monkeypatch: Any) -> None:
    c = build(users)
    monkeypatch.setattr(services, "today", lambda: D("2024-09-12"))
    housing = Agency.objects.get(code="housing")
    # as of 09-12 (the period runs to 09-30): P3 (due 09-25) and O3 (due 09-29) are not yet due and not done:
    # neither in time nor late; P2 (due 09-10, not reported by 09-12) and O2 (due 09-09) are late
    s = assessment.score_unit(c, housing, START, END)
    ledger_, orders = s.items[0], s.items[1]
    assert (ledger_.ok, ledger_.due, ledger_.pending, ledger_.score) == (1, 2, 1, Decimal("15.00"))
    assert [(r.label, r.ok, r.pending) for r in orders.rows] == [
        ("〔2024〕督字第1号", True, False), ("〔2024〕督字第2号", False, False), ("〔2024〕督字第3号", False, True)]
    assert orders.score == Decimal("15.00")
    # near miss: as of the period's end (today after it) the same records are late, as hand-counted
    monkeypatch.setattr(services, "today", lambda: D("2024-10-01"))
    s = assessment.score_unit(c, housing, START, END)
    assert [(i.ok, i.due, i.pending) for i in s.items[:2]] == [(1, 3, 0), (1, 3, 0)]
    # the pages: 未到期 in the drill-down, the as-of date on the ranking
    monkeypatch.setattr(services, "today", lambda: D("2024-09-12"))
    q = f"?campaign={c.pk}&start=2024-07-01&end=2024-09-30"
    unit = client_for("office").get(reverse("supervision:assessment_unit", args=[housing.pk]) + q,
                                    HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert unit.count('data-testid="pending"') == 2 and "未到期" in unit
    page = client_for("office").get(reverse("supervision:assessment") + q, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Computed as of 2024-09-12" in page and "1 not yet due" in page


@pytest.mark.django_db
@pytest.mark.parametrize("query, error", [
    ("start=2024-09-30&end=2024-07-01", "The period ends before it starts."),
    ("start=2024-07-01&end=2024-13-45", "Enter a valid date."),
])
def test_a_reversed_or_bad_period_is_a_form_error(users: Any, client_for: Any, query: str, error: str) -> None:
    c = build(users)
    for name in ("supervision:assessment", "supervision:assessment_export"):
        response = client_for("office").get(reverse(name) + f"?campaign={c.pk}&{query}", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400 and error in response.content.decode()
    # the talks' list shares the period form: the same error above its (unfiltered) list
    talks = client_for("office").get(reverse("supervision:talks") + f"?{query}", HTTP_ACCEPT_LANGUAGE="en")
    assert error in talks.content.decode()
    # near miss: a one-day period is a period
    ok = client_for("office").get(reverse("supervision:assessment") + f"?campaign={c.pk}&start=2024-07-01&end=2024-07-01")
    assert ok.status_code == 200 and "The period ends before it starts." not in ok.content.decode()


@pytest.mark.django_db
def test_the_unit_page_names_each_adjustment_once(users: Any, client_for: Any) -> None:
    c = build(users)
    housing = Agency.objects.get(code="housing")
    q = f"?campaign={c.pk}&start=2024-07-01&end=2024-09-30"
    page = client_for("office").get(reverse("supervision:assessment_unit", args=[housing.pk]) + q,
                                    HTTP_ACCEPT_LANGUAGE="en").content.decode()
    card = page.split('data-testid="adjustments"')[1].split("</section>")[0]
    assert "<h2>Manual plus or minus</h2>" in card and card.count("-2.50") == 1 and "-2.50 points" in card
    assert 'data-testid="adjusted-total"' not in card  # one adjustment: no total repeating it
    # near miss: with two, their total is shown once
    Adjustment.objects.create(campaign=c, unit=housing, points=Decimal("1"), reason="经验交流", on=D("2024-09-16"))
    page = client_for("office").get(reverse("supervision:assessment_unit", args=[housing.pk]) + q,
                                    HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="adjusted-total">Total: -1.50' in page


@pytest.mark.django_db
def test_the_export_speaks_the_request_language(users: Any, client_for: Any) -> None:
    """The workbook's headers are in the request's language only ("排名", not "名次 Rank"); the English request gets
    English headers and unit names (near miss)."""
    from openpyxl import load_workbook

    c = build(users)
    q = f"?campaign={c.pk}&start=2024-07-01&end=2024-09-30"
    zh = load_workbook(io.BytesIO(client_for("office").get(reverse("supervision:assessment_export") + q).content))
    header = [v for v in next(zh["考核"].iter_rows(min_row=2, max_row=2, values_only=True))]
    assert header[:2] == ["排名", "单位"] and header[-2:] == ["加减分", "总分"]
    assert not any(v and any("a" <= ch.lower() <= "z" for ch in str(v)) for v in header[:2] + header[-2:])
    assert zh.sheetnames == ["考核", "明细"]
    details = next(zh["明细"].iter_rows(min_row=1, max_row=1, values_only=True))
    assert list(details) == ["单位", "考核项", "记录", "应办日期", "完成", "按时"]
    en = client_for("office")
    en.post(reverse("set_language"), {"language": "en", "next": "/"})
    wb = load_workbook(io.BytesIO(en.get(reverse("supervision:assessment_export") + q).content))
    header = next(wb["Assessment"].iter_rows(min_row=2, max_row=2, values_only=True))
    assert header[:2] == ("Rank", "Unit") and header[-1] == "Total"
    units = {row[1] for row in wb["Assessment"].iter_rows(min_row=3, values_only=True)}
    assert "Housing and Urban-Rural Development Bureau" in units and "住房和城乡建设局" not in units


@pytest.mark.django_db
def test_the_pdf_prints_unit_names_on_one_line(users: Any, client_for: Any) -> None:
    """The 单位 column is wide enough for a unit's name: the PDF's text has "住房和城乡建设局" and the headers 名次, 单位
    whole, not one character per line."""
    from pdfminer.high_level import extract_text

    c = build(users)
    for name in ("按时办结率考核（新增考核项目）", "督办单按时反馈与整改落实情况"):  # long item names squeeze the table
        AssessmentItem.objects.create(campaign=c, name=name, metric="orders", weight=5)
    pdf = client_for("office").get(reverse("supervision:assessment_export")
                                   + f"?format=pdf&campaign={c.pk}&start=2024-07-01&end=2024-09-30")
    assert pdf.status_code == 200
    text = extract_text(io.BytesIO(pdf.content))
    assert "住房和城乡建设局" in text and "交通运输局" in text, text[:2000]
    assert "名次" in text and "单位" in text
