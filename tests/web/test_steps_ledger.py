"""Every rectification-ledger step as every role (the shared role × step suite)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bidwatch.web.accounts.models import Agency
from bidwatch.web.campaign import services
from bidwatch.web.campaign.models import Problem
from bidwatch.web.campaign.workflow import WORKFLOW
from tests.web.workflow_cases import WorkflowStepCases

D = dt.date.fromisoformat


class TestLedgerSteps(WorkflowStepCases):
    workflow = WORKFLOW
    # the responsible unit starts and reports; the office closes, returns and extends (not the unit itself)
    allowed = {"start": {"housing"}, "report": {"housing"}, "close": {"office"}, "return": {"office"},
               "extend": {"office"}}
    data = {
        "start": {"on": "2024-09-25", "measures": "立即停工，补办招标"},
        "report": {"on": "2024-10-10", "result": "已补办", "recovered_amount": "0", "people_accountable": "1",
                   "rules_count": "0"},
        "close": {"on": "2024-10-12", "verification": "现场核查属实"},
        "return": {"on": "2024-10-12", "reason": "材料不全"},
        "extend": {"deadline": "2028-06-30", "reason": "需走审批程序"},
    }

    def make(self, users: dict[str, Any], step: str) -> Problem:
        p = services.create(
            users["office"], source="self_inspection", category="build_first", unit=Agency.objects.get(code="housing"),
            sector="housing", project_name="某区安置房建设项目", tender=None, description="先建设后招标",
            measures="", listed_on=D("2024-09-20"), deadline=D("2024-10-31"))
        if step in ("report", "close", "return"):
            services.start(p, users["housing"], D("2024-09-25"), "停工整改")
        if step in ("close", "return"):
            services.report(p, users["housing"], D("2024-10-10"), "已整改")
        return p
