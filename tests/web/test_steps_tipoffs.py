"""Every report (举报) step as every role (the shared role × step suite)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from bidwatch.web.accounts.models import Agency
from bidwatch.web.deadlines import today
from bidwatch.web.tipoffs import services
from bidwatch.web.tipoffs.models import Tipoff
from bidwatch.web.tipoffs.workflow import WORKFLOW
from tests.web.workflow_cases import WorkflowStepCases

HANDLERS = {"office", "discipline"}


def _day(n: int = 0) -> str:
    return str(today() - dt.timedelta(days=n))


class TestTipoffSteps(WorkflowStepCases):
    workflow = WORKFLOW
    # the office and the discipline commission handle reports; only the office registers complaints
    allowed = {step: set(HANDLERS) for step in WORKFLOW.by_name} | {"to_complaint": {"office"}}
    data = {
        "accept": {"on": _day()}, "refuse": {"on": _day(), "notice": "不属于本机关受理范围"},
        "extend": {"on": _day(), "reason": "情况复杂，经负责人批准延期"}, "answer": {"on": _day(), "text": "经核查，反映问题属实，已依法处理。"},
        "to_clue": {"on": _day(), "summary": "转为问题线索"}, "to_complaint": {"on": _day(), "complainant_kind": "bidder"},
        "close": {"on": _day(), "reason": "重复举报，已并案"},
    }

    def form_data(self, step: str) -> dict[str, Any]:
        data = dict(self.data[step])
        unit = Agency.objects.get(code="housing").pk
        if step == "to_clue":
            data["unit"] = unit
        if step == "to_complaint":
            data.update(handling_unit=unit, knew_on=_day(20))
        return data

    def make(self, users: dict[str, Any], step: str) -> Tipoff:
        t, _code = services.register(
            users["office"], reporter={"reporter_name": "王五", "reporter_contact": "13900000000"}, channel="hotline",
            subject="某区住建局某科长", project_name="某区安置房建设项目", sector="housing",
            facts="某科长为投标人打招呼", received_on=today() - dt.timedelta(days=10))
        if step in ("extend", "answer"):
            services.accept(t, users["office"], today() - dt.timedelta(days=5))
        return t


@pytest.mark.django_db
@pytest.mark.parametrize("step", list(WORKFLOW.by_name))
def test_no_step_on_a_closed_report(users: dict[str, Any], client_for: Any, step: str) -> None:
    """The suite cannot build a case on which to_clue, to_complaint or close are shut: a closed report refuses all."""
    case = TestTipoffSteps()
    t = case.make(users, "accept")
    services.close(t, users["office"], today(), "重复举报")
    before = case.written(t)
    assert case.post(client_for("office"), t, step).status_code == 400
    assert case.written(t) == before


@pytest.mark.django_db
@pytest.mark.parametrize("step", ["close", "to_clue", "to_complaint"])
def test_a_report_is_not_closed_or_passed_on_before_it_was_received(users: dict[str, Any], client_for: Any,
                                                                      step: str) -> None:
    """办结, 转为问题线索 and 按投诉处理 end the report: dated the day before its receipt they are refused with the
    receipt's date; dated the day of receipt (near miss) they are taken, and a complaint made of it is dated so."""
    case = TestTipoffSteps()
    t = case.make(users, step)
    received = t.received_on
    data = {**case.form_data(step), "on": str(received - dt.timedelta(days=1))}
    if step == "to_complaint":
        data["knew_on"] = str(received - dt.timedelta(days=5))
    client = client_for("office")
    before = case.written(t)
    response = client.post(reverse("tipoffs:step", args=[t.pk, step]), {f"{step}-{k}": v for k, v in data.items()})
    assert response.status_code == 400
    page = response.content.decode()
    assert "不得早于收到举报日期" in page and str(received) in page
    t.refresh_from_db()
    assert case.written(t) == before and t.status == Tipoff.Status.RECEIVED and t.closed_on is None

    data["on"] = str(received)
    response = client.post(reverse("tipoffs:step", args=[t.pk, step]), {f"{step}-{k}": v for k, v in data.items()})
    assert response.status_code == 302, response.content.decode()[:2000]
    t.refresh_from_db()
    assert t.closed_on == received
    if step == "to_complaint":
        assert t.complaint.received_on == received  # the complaint's receipt is the step's own date
