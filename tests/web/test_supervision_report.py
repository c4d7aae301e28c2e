"""The campaign report's accountability sections against the assessment's hand-counted fixture (period
2024-07-01 .. 2024-09-30): figures as of the period's end."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from bidwatch.web.reports.figures import build_report
from bidwatch.web.supervision import services
from tests.web.test_assessment import build

D = dt.date.fromisoformat


def _report(user: Any, start: str = "2024-07-01", end: str = "2024-09-30") -> Any:
    with translation.override("en"):
        return {s.key: s for s in build_report(user, D(start), D(end)).sections}


@pytest.mark.django_db
def test_accountability_sections_as_hand_counted(users: Any) -> None:
    c = build(users)
    b = services.draft_bulletin(users["office"], campaign=c, title="典型案例", body="正文")
    services.submit_bulletin(b, users["office"], D("2024-09-24"))
    services.approve_bulletin(b, users["head"], D("2024-09-25"))
    services.publish_bulletin(b, users["office"], D("2024-10-03"))  # after the period
    r = _report(users["office"])
    orders = dict(r["orders"].counts)
    # issued 07-01, 09-02, 09-23 (06-03 before); answered by the deadline: the first only; unanswered and past the
    # deadline on 09-30: 〔2024〕督字第3号 (due 09-29, answered 10-08) and 第4号 (06-03, never answered)
    assert orders == {"Orders issued": 3, "Answered by the deadline": 1,
                      "Unanswered and past the deadline at the end of the period": 2, "Reminders sent (催办)": 0}
    talks = dict(r["talks"].counts)
    assert talks == {"Talks held": 2, "Commitments followed up by the end of the period": 1,
                     "Follow-up overdue at the end of the period": 0}
    ledger = dict(r["ledger"].counts)
    # every problem was listed 06-01 and none closed off; open past the deadline on 09-30 without a closure request
    # by then: P3 (due 09-25, requested 10-05), P5 (due 06-28, never started); P2 requested 09-20 (late, but requested)
    assert ledger["Problems listed"] == 0 and ledger["Closed off (销号)"] == 0
    assert ledger["Open and past the deadline at the end of the period"] == 2
    units = {row[0]: row[1:] for row in r["units"].rows}
    assert units["住房和城乡建设局"] == [0, 0, 3, 1, 2, 0] and units["交通运输局"] == [0, 0, 0, 0, 0, 0]
    ranking = {row[1]: (row[0], row[-1]) for row in r["assessment"].rows}
    assert ranking["住房和城乡建设局"] == (3, 27.5) and ranking["水利局"] == (1, 70.0)
    assert dict(r["bulletins"].counts) == {"Bulletins published": 0}
    assert dict(_report(users["office"], "2024-10-01", "2024-10-31")["bulletins"].counts)["Bulletins published"] == 1
    # as of 10-31 the third order is answered (late): no longer waiting; the fourth still is
    later = dict(_report(users["office"], "2024-07-01", "2024-10-31")["orders"].counts)
    assert later["Unanswered and past the deadline at the end of the period"] == 1


@pytest.mark.django_db
def test_a_unit_reports_on_itself(users: Any, client_for: Any) -> None:
    build(users)
    r = _report(users["transport"])
    assert dict(r["orders"].counts)["Orders issued"] == 0
    assert [row[0] for row in r["units"].rows] == ["交通运输局"]
    assert [row[1] for row in r["assessment"].rows] == ["交通运输局"]
    page = client_for("office").get(reverse("reports:campaign"), {"start": "2024-07-01", "end": "2024-09-30"})
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="section-orders"' in html and "〔2024〕督字第3号" in html
