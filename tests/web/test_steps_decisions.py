"""A decision's joint-punishment proposal, approved or not, as every role (the shared role × step suite)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bidwatch.web.accounts.models import Agency
from bidwatch.web.alerts import services
from bidwatch.web.alerts.models import Decision
from bidwatch.web.alerts.workflow import DECISION_WORKFLOW
from tests.web.workflow_cases import WorkflowStepCases

D = dt.date.fromisoformat


def proposed_decision(users: dict[str, Any], **over: Any) -> Decision:
    housing = Agency.objects.get(code="housing")
    clue = services.raise_clue(None, users["housing"], housing, "C4 串通投标")
    services.dispose(clue, users["housing"], D("2024-09-25"), "case", case_kind="administrative",
                     case_number="住建立〔2024〕3号", authority=housing)
    fields = {"kind": "penalty", "measure": "suspension", "number": "市住建罚〔2024〕7号",
              "authority": "某市住房和城乡建设局", "subject_name": "湖南丁交通建设有限公司", "company_id": "C4",
              "start_on": D("2024-01-01"), "end_on": D("2024-12-31"),
              "text": "串通投标，取消一年内参加依法必须进行招标的项目的投标资格", "legal_basis": "招标投标法 第53条",
              "propose": True}
    fields.update(over)
    return services.record_decision(clue, users["housing"], D("2024-10-08"), **fields)


class TestDecisionSteps(WorkflowStepCases):
    workflow = DECISION_WORKFLOW
    # the registry's keepers decide on joint punishment; the unit that decided proposes, it does not approve
    allowed = {"approve": {"office", "discipline"}, "reject": {"office", "discipline"}}
    data = {"approve": {"on": "2024-10-10", "note": "同意列入"}, "reject": {"on": "2024-10-10", "reason": "不符合列入条件"}}

    def make(self, users: dict[str, Any], step: str) -> Decision:
        return proposed_decision(users)


@pytest.mark.django_db
def test_no_step_on_a_decision_without_a_proposal_or_once_decided(users: Any, client_for: Any) -> None:
    from bidwatch.web.alerts import outcomes

    case = TestDecisionSteps()
    plain = proposed_decision(users, propose=False)
    done = proposed_decision(users)
    outcomes.reject_proposal(done, users["office"], D("2024-10-10"), "不符合条件")
    for d in (plain, done):
        for step in ("approve", "reject"):
            before = case.written(d)
            assert case.post(client_for("office"), d, step).status_code == 400 and case.written(d) == before
