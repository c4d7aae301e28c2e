"""Every sanctions-registry step as every role (the shared role × step suite)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bidwatch.web.credit import services
from bidwatch.web.credit.models import RegistryEntry
from bidwatch.web.credit.workflow import WORKFLOW
from tests.web.workflow_cases import WorkflowStepCases

D = dt.date.fromisoformat


class TestRegistrySteps(WorkflowStepCases):
    workflow = WORKFLOW
    # the office and the discipline commission decide on joint punishment; everybody else reads
    # credit repair (信用修复) is registered and reviewed by the same keepers
    allowed = {step: {"office", "discipline"} for step in ("revoke", "apply_repair", "approve_repair", "refuse_repair")}
    data = {"revoke": {"on": "2024-06-01", "reason": "复议决定撤销"},
            "apply_repair": {"on": "2024-06-01", "applicant": "湖南丁交通建设有限公司", "grounds": "已履行处罚决定，完成整改"},
            "approve_repair": {"on": "2024-06-10", "note": "符合信用修复条件，提前移出"},
            "refuse_repair": {"on": "2024-06-10", "note": "未满最短公示期"}}

    def make(self, users: dict[str, Any], step: str) -> RegistryEntry:
        entry = services.record_entry(
            users["office"], company_id="C4", uscc="", person_id="", company_name="", measure="debarment",
            authority="某市住房和城乡建设局", document_number="市住建罚〔2024〕7号", reason="串通投标",
            legal_basis="招标投标法 第53条", start_on=D("2024-01-01"), end_on=None)
        if step in ("approve_repair", "refuse_repair"):
            services.apply_repair(entry, users["office"], D("2024-06-01"), "湖南丁交通建设有限公司", "已履行处罚决定")
        return entry


@pytest.mark.django_db
def test_a_revoked_entry_cannot_be_revoked_again(users: Any, client_for: Any) -> None:
    case = TestRegistrySteps()
    entry = case.make(users, "revoke")
    assert case.post(client_for("office"), entry, "revoke").status_code == 302
    again = case.post(client_for("office"), entry, "revoke")
    assert again.status_code == 400 and "当前状态不允许此操作" in again.content.decode()
    assert [e.step for e in entry.events.all()] == ["record", "revoke"]


@pytest.mark.django_db
def test_credit_repair_removes_the_entry_early_and_the_feed_ends_it(users: Any) -> None:
    from bidwatch.web.credit.feed import feed_rows

    case = TestRegistrySteps()
    entry = case.make(users, "approve_repair")
    with pytest.raises(ValueError):  # one application at a time
        services.apply_repair(entry, users["office"], D("2024-06-02"), "某公司", "再次申请")
    services.approve_repair(entry, users["discipline"], D("2024-06-10"), "同意提前移出")
    entry.refresh_from_db()
    assert entry.removed_on == D("2024-06-10") and entry.state(D("2024-07-01")) == "removed"
    assert entry.state(D("2024-06-09")) == "active"
    (row,) = [r for r in feed_rows() if r["sanction_id"] == entry.public_id]
    assert row["end_on"] == D("2024-06-09")
    assert [e.step for e in entry.events.all()] == ["record", "apply_repair", "approve_repair"]
    assert services.RegistryEntry.objects.filter(services.state_q("removed", D("2024-07-01")), pk=entry.pk).exists()
