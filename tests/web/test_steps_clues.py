"""Every clue step (status, transfer, receipt, answer, consultation) as every role (the shared suite)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from bidwatch.web.accounts.models import Agency
from bidwatch.web.alerts import services
from bidwatch.web.alerts.models import Clue
from bidwatch.web.alerts.workflow import WORKFLOW
from tests.web.workflow_cases import WorkflowStepCases

D = dt.date.fromisoformat


def _unit(code: str) -> Agency:
    return Agency.objects.get(code=code)


class TestClueSteps(WorkflowStepCases):
    workflow = WORKFLOW
    # the clue is assigned to housing; for "receive" and "answer" it awaits transport's answer to its transfer.
    # The receiver answers; the sender may also record the receipt; the office may do everything.
    allowed = {"status": {"office", "housing"}, "transfer": {"office", "housing"},
               "receive": {"office", "housing", "transport"}, "answer": {"office", "transport"},
               "consult": {"office", "housing"},
               # case outcomes: the assigned unit (or the office) disposes, records decisions, tags
               "dispose": {"office", "housing"}, "decide": {"office", "housing"}, "tag": {"office", "housing"}}
    data = {
        "status": {"status": "accepted", "note": "受理"},
        "transfer": {"kind": "department", "reason": "属交通领域", "sent_on": "2024-09-20"},
        "receive": {"on": "2024-09-21"},
        "answer": {"decision": "accept", "on": "2024-09-22", "answer": "接收"},
        "consult": {"held_on": "2024-09-22", "topic": "联合会商", "conclusion": "移交交通局"},
        "dispose": {"on": "2024-09-22", "disposition": "preliminary", "note": "初步核实"},
        "decide": {"on": "2024-10-08", "kind": "penalty", "measure": "fine", "number": "市住建罚〔2024〕9号",
                   "authority": "某市住房和城乡建设局", "subject_name": "湖南丁交通建设有限公司", "company_id": "C4",
                   "amount": "50000", "text": "串通投标，罚款五万元", "propose": "on"},
        "tag": {"on": "2024-09-22", "organised_crime": "on", "note": "涉嫌黑恶势力把持工程"},
    }

    def form_data(self, step: str) -> dict[str, Any]:
        ids = {"transfer": {"to_unit": _unit("transport").pk},
               "consult": {"convened_by": _unit("housing").pk, "units": [_unit("transport").pk]}}
        return {**self.data[step], **ids.get(step, {})}

    def make(self, users: dict[str, Any], step: str) -> Clue:
        clue = services.raise_clue(None, users["housing"], _unit("housing"), "投标保证金同一账户转出")
        if step in ("receive", "answer"):
            services.transfer_clue(clue, users["housing"], kind="department", to_unit=_unit("transport"),
                                   reason="属交通领域", sent_on=D("2024-09-20"))
        if step == "decide":
            services.dispose(clue, users["housing"], D("2024-09-25"), "case", case_kind="administrative",
                             case_number="住建立〔2024〕3号", authority=_unit("housing"))
        return clue


@pytest.mark.django_db
@pytest.mark.parametrize("step, data", [
    ("receive", {"receive-on": "2999-09-25"}),
    ("transfer", {"transfer-kind": "department", "transfer-reason": "属交通领域", "transfer-sent_on": "2999-01-01"}),
])
def test_a_date_in_the_future_is_refused(users: Any, client_for: Any, step: str, data: dict[str, Any]) -> None:
    # a slip of the year would set the answer's deadline a year away and keep the transfer out of every overdue list
    clue = services.raise_clue(None, users["housing"], _unit("housing"), "投标保证金同一账户转出")
    if step == "receive":
        services.transfer_clue(clue, users["housing"], kind="department", to_unit=_unit("transport"),
                               reason="属交通领域", sent_on=D("2024-09-20"))
    else:
        data = {**data, "transfer-to_unit": _unit("transport").pk}
    response = client_for("housing").post(reverse("alerts:clue_step", args=[clue.pk, step]), data,
                                          HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400 and "晚于今天" in response.content.decode()
    clue.refresh_from_db()
    assert clue.transfers.filter(received_on__isnull=False).count() == 0
    assert clue.transfers.count() == (1 if step == "receive" else 0)
