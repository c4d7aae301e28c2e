"""Every complaint step as every role (the shared role × step suite)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

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


@pytest.mark.django_db
def test_a_decision_is_not_dated_inside_a_pause(users: dict[str, Any]) -> None:
    """Clock stopped 10-10, restarted 10-15: a decision dated 10-12 (inside the pause) or 10-14 (the day before the
    restart) is refused, naming the restart; dated 10-15 (near miss) it is taken."""
    c = TestComplaintSteps().make(users, "resume")  # accepted 10-08, stopped 10-10
    services.resume(c, users["office"], D("2024-10-15"))
    for day in ("2024-10-12", "2024-10-14"):
        with pytest.raises(ValueError, match="2024-10-15") as refused:
            services.decide(c, users["housing"], D(day), "founded", "1号", "属实")
        assert "恢复计时" in str(refused.value)
        c.refresh_from_db()
        assert c.status == Complaint.Status.ACCEPTED and c.decided_on is None
    services.decide(c, users["housing"], D("2024-10-15"), "founded", "1号", "属实")
    assert c.status == Complaint.Status.DECIDED and c.decided_on == D("2024-10-15")
