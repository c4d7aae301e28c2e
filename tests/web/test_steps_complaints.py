"""Every complaint step as every role (the shared role × step suite)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bidwatch.web.accounts.models import Agency
from bidwatch.web.complaints import services
from bidwatch.web.complaints.models import Complaint
from bidwatch.web.complaints.workflow import WORKFLOW
from tests.web.workflow_cases import WorkflowStepCases

D = dt.date.fromisoformat


class TestComplaintSteps(WorkflowStepCases):
    workflow = WORKFLOW
    # the office on every complaint, the handling unit's department on its own; nobody else
    allowed = {step: {"office", "housing"} for step in
               ("accept", "refuse", "refer", "pause", "resume", "decide", "withdraw")}
    data = {
        "accept": {"on": "2024-10-08"}, "refuse": {"on": "2024-10-08", "reason": "late"},
        "refer": {"on": "2024-10-08", "to": "某市水利局"}, "pause": {"kind": "testing", "on": "2024-10-10"},
        "resume": {"on": "2024-10-15"}, "decide": {"on": "2024-11-01", "outcome": "founded", "text": "属实"},
        "withdraw": {"on": "2024-10-09", "note": "投诉人书面撤回"},
    }

    def make(self, users: dict[str, Any], step: str) -> Complaint:
        c = services.register(
            users["housing"], project_name="安置房一标段施工", sector="housing",
            handling_unit=Agency.objects.get(code="housing"), complainant="长沙乙建筑工程有限公司",
            facts="评标不公", knew_on=D("2024-09-25"), received_on=D("2024-09-27"))
        if step in ("pause", "resume", "decide"):
            services.accept(c, users["office"], D("2024-10-08"))
        if step == "resume":
            services.pause(c, users["office"], "testing", D("2024-10-10"))
        return c
