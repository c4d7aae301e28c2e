"""Case outcomes: a penalty decision's joint-punishment proposal, once approved, is a registry entry and reaches
the next real scan (end to end); refusals; the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from bidwatch.web.accounts.models import Agency
from bidwatch.web.alerts import outcomes, services
from bidwatch.web.alerts.models import Alert, CaseRecord, Clue, Decision
from bidwatch.web.audit.models import AuditEntry
from bidwatch.web.credit.models import RegistryEntry
from bidwatch.web.datasets.models import ScanRun
from tests.web import factories
from tests.web.test_steps_decisions import proposed_decision

D = dt.date.fromisoformat


def _sanctioned(company: str) -> list[Alert]:
    return [a for a in Alert.objects.filter(indicator="sanctioned_bidder", active=True)
            if company in a.company_ids.split(";")]


@pytest.mark.django_db
@pytest.mark.usefixtures("real_engine")
def test_a_penalty_decisions_proposal_reaches_the_registry_and_the_real_scan(
        client_for: Any, users: Any, imported: Any, django_capture_on_commit_callbacks: Any) -> None:
    # C4 bid for T2 (deadline 2024-04-25) during the suspension of its bidding eligibility (2024-01-01 – 12-31)
    d = proposed_decision(users)
    assert d.proposal == Decision.Proposal.PROPOSED and d.registry_measure == "debarment"
    assert not RegistryEntry.objects.filter(document_number=d.number).exists()  # not before approval
    office = client_for("office")
    # the unit that decided cannot approve its own proposal
    assert client_for("housing").post(reverse("alerts:decision_step", args=[d.pk, "approve"]),
                                      {"approve-on": "2024-10-10"}).status_code == 403
    response = office.post(reverse("alerts:decision_step", args=[d.pk, "approve"]),
                           {"approve-on": "2024-10-10", "approve-note": "同意"})
    assert response.status_code == 302
    d.refresh_from_db()
    entry = d.registry_entry
    assert d.proposal == Decision.Proposal.APPROVED and entry is not None
    assert (entry.company_id, entry.measure, entry.document_number) == ("C4", "debarment", "市住建罚〔2024〕7号")
    assert (entry.start_on, entry.end_on) == (D("2024-01-01"), D("2024-12-31"))
    assert [e.step for e in entry.events.all()] == ["record"] and [e.step for e in d.events.all()] == ["record", "approve"]
    assert AuditEntry.objects.filter(action="decision", object_id=str(d.pk), detail__step="approve",
                                     detail__sanction_id=entry.public_id).exists()

    assert _sanctioned("C4") == []
    with django_capture_on_commit_callbacks(execute=True):
        assert office.post(reverse("datasets:rescan", args=[imported.dataset.pk])).status_code == 302
    scan = ScanRun.objects.latest("id")
    assert scan.status == ScanRun.Status.DONE
    (alert,) = _sanctioned("C4")
    assert alert.tender_id == "T2"
    assert [r["sanction_id"] for r in alert.evidence["sanctions"]] == [entry.public_id]
    assert "市住建罚〔2024〕7号" in alert.evidence["sanctions"][0]["authority"]


def _expert_decision_form(**over: str) -> dict[str, str]:
    data = {"on": "2024-10-08", "kind": "expert", "measure": "expert_suspended", "number": "市住建专〔2024〕2号",
            "authority": "某市住房和城乡建设局", "subject_name": "王评审", "person_id": "X2",
            "start_on": "2024-03-01", "end_on": "2024-08-31", "text": "评标时私下接触投标人，暂停评标资格六个月",
            "legal_basis": "招标投标法实施条例 第71条第(四)项", "propose": "on"}
    data.update(over)
    return {f"decide-{k}": v for k, v in data.items() if v is not None}


@pytest.mark.django_db
@pytest.mark.usefixtures("real_engine")
def test_an_expert_suspension_reaches_the_registry_and_the_real_scan(
        client_for: Any, users: Any, tmp_path: Any, django_capture_on_commit_callbacks: Any) -> None:
    # X2 sat on T2's panel (bids opened 2024-04-25) during the suspension (2024-03-01 – 08-31); X1 sat on T1 and T2
    scan = factories.import_dataset(factories.write_panels(factories.write_dataset(tmp_path / "panel")),
                                    users["office"])
    assert scan.status == ScanRun.Status.DONE and not Alert.objects.filter(indicator="sanctioned_expert").exists()
    housing_unit = Agency.objects.get(code="housing")
    clue = services.raise_clue(None, users["housing"], housing_unit, "评标专家王评审私下接触投标人")
    services.dispose(clue, users["housing"], D("2024-09-25"), "case", case_kind="administrative",
                     case_number="住建立〔2024〕9号", authority=housing_unit)
    housing = client_for("housing")
    decide = reverse("alerts:clue_step", args=[clue.pk, "decide"])
    # an expert's suspension names the expert, not a company
    refused = housing.post(decide, _expert_decision_form(person_id="", company_id="C4"))
    assert refused.status_code == 400 and "专家编号" in refused.content.decode()
    assert housing.post(decide, _expert_decision_form()).status_code == 302
    d = Decision.objects.get(number="市住建专〔2024〕2号")
    assert (d.kind, d.measure, d.person_id, d.registry_measure) == ("expert", "expert_suspended", "X2", "expert_suspended")
    assert d.proposal == Decision.Proposal.PROPOSED and not RegistryEntry.objects.exists()

    office = client_for("office")
    assert office.post(reverse("alerts:decision_step", args=[d.pk, "approve"]),
                       {"approve-on": "2024-10-10", "approve-note": "同意"}).status_code == 302
    d.refresh_from_db()
    entry = d.registry_entry
    assert entry is not None and entry.is_expert
    assert (entry.person_id, entry.person_name, entry.company_id, entry.measure) == ("X2", "王评审", "", "expert_suspended")
    assert (entry.start_on, entry.end_on, entry.source) == (D("2024-03-01"), D("2024-08-31"), "处理决定 市住建专〔2024〕2号")
    page = office.get(reverse("credit:list")).content.decode()
    assert 'data-testid="expert-subject"' in page and "王评审（X2）" in page

    with django_capture_on_commit_callbacks(execute=True):
        assert office.post(reverse("datasets:rescan", args=[scan.dataset.pk])).status_code == 302
    assert ScanRun.objects.latest("id").status == ScanRun.Status.DONE
    (alert,) = Alert.objects.filter(indicator="sanctioned_expert", active=True)
    assert (alert.tender_id, alert.severity, alert.company_ids) == ("T2", "high", "C3")  # C3 won T2
    assert alert.evidence["expert_id"] == "X2" and alert.evidence["expert_name"] == "王评审"
    (record,) = alert.evidence["sanctions"]
    assert record["sanction_id"] == entry.public_id and record["measure"] == "expert_suspended"
    assert "市住建专〔2024〕2号" in record["authority"] and (record["start_on"], record["end_on"]) == ("2024-03-01", "2024-08-31")


@pytest.mark.django_db
def test_a_decision_on_an_expert_names_the_expert_and_its_period(users: Any) -> None:
    d = proposed_decision(users)  # a case to decide on
    args = {"kind": "expert", "measure": "expert_suspended", "number": "专〔2024〕1号", "authority": "住建局",
            "subject_name": "王评审", "text": "暂停评标资格", "person_id": "X2",
            "start_on": D("2024-03-01"), "end_on": D("2024-08-31"), "propose": True}
    refusals = [
        ({"kind": "penalty"}, "评标专家处理决定录入"),                   # an expert's measure on another kind of decision
        ({"person_id": ""}, "专家编号"),
        ({"company_id": "C4"}, "不填写企业"),
        ({"end_on": None}, "暂停评标资格须填写期限"),
        ({"measure": "expert_removed"}, "不设截止日期"),                 # a removal is open-ended
        ({"kind": "penalty", "measure": "fine", "person_id": "", "company_id": "C4", "registry_measure": "expert_removed"},
         "评标专家处理决定录入"),
    ]
    for over, message in refusals:
        with pytest.raises(ValueError, match=message):
            services.record_decision(d.clue, users["housing"], D("2024-10-08"), **{**args, **over})
    removal = services.record_decision(d.clue, users["housing"], D("2024-10-08"),
                                       **{**args, "measure": "expert_removed", "end_on": None})
    assert removal.registry_measure == "expert_removed"
    outcomes.approve_proposal(removal, users["discipline"], D("2024-10-10"))
    assert (removal.registry_entry.end_on, removal.registry_entry.subject) == (None, "王评审（X2）")
    # a fine on an expert (条例 第72条) is a penalty on the person: no bar on evaluating
    fine = services.record_decision(d.clue, users["housing"], D("2024-10-08"),
                                    **{**args, "measure": "fine", "number": "专〔2024〕2号", "start_on": None,
                                       "end_on": None})
    assert fine.registry_measure == "penalty"


@pytest.mark.django_db
def test_a_rejected_proposal_never_enters_the_registry(users: Any) -> None:
    d = proposed_decision(users)
    outcomes.reject_proposal(d, users["discipline"], D("2024-10-10"), "证据不足")
    assert d.proposal == Decision.Proposal.REJECTED and not RegistryEntry.objects.exists()
    with pytest.raises(ValueError):
        outcomes.approve_proposal(d, users["office"], D("2024-10-11"))


@pytest.mark.django_db
def test_decisions_need_a_case_and_a_suspension_its_period(users: Any) -> None:
    housing = Agency.objects.get(code="housing")
    clue = services.raise_clue(None, users["housing"], housing, "线索")
    args = {"kind": "penalty", "measure": "fine", "number": "罚〔2024〕1号", "authority": "住建局",
            "subject_name": "C4", "text": "罚款", "company_id": "C4"}
    with pytest.raises(ValueError, match="立案"):
        services.record_decision(clue, users["housing"], D("2024-10-08"), **args)
    with pytest.raises(ValueError, match="立案须填写"):
        services.dispose(clue, users["housing"], D("2024-09-25"), "case")
    services.dispose(clue, users["housing"], D("2024-09-25"), "case", case_kind="administrative",
                     case_number="立〔2024〕1号", authority=housing)
    assert clue.case.number == "立〔2024〕1号" and clue.status == Clue.Status.IN_PROGRESS
    with pytest.raises(ValueError, match="期限"):
        services.record_decision(clue, users["housing"], D("2024-10-08"), **{**args, "measure": "suspension"})
    with pytest.raises(ValueError, match="惩戒名录"):
        services.record_decision(clue, users["housing"], D("2024-10-08"), **{**args, "company_id": ""}, propose=True)
    d = services.record_decision(clue, users["housing"], D("2024-10-08"), **args)
    assert d.proposal == Decision.Proposal.NONE


@pytest.mark.django_db
def test_closing_off_a_clue_closes_it_and_the_page_shows_the_outcome(users: Any, client_for: Any) -> None:
    housing = Agency.objects.get(code="housing")
    clue = services.raise_clue(None, users["housing"], housing, "线索")
    services.tag_organised_crime(clue, users["office"], D("2024-09-20"), True, "黑恶势力把持")
    services.dispose(clue, users["housing"], D("2024-09-25"), "closed", "查无实据，予以了结")
    assert clue.status == Clue.Status.CLOSED and clue.disposition == "closed"
    page = client_for("housing").get(reverse("alerts:clue", args=[clue.pk])).content.decode()
    assert 'data-testid="organised-crime"' in page and 'data-testid="clue-disposition"' in page
    d = proposed_decision(users)
    page = client_for("discipline").get(reverse("alerts:decision", args=[d.pk])).content.decode()
    assert 'data-testid="step-approve"' in page and 'data-testid="step-reject"' in page
    page = client_for("housing").get(reverse("alerts:clue", args=[d.clue_id])).content.decode()
    assert d.number in page and 'data-testid="step-decide"' in page


VALID_USCC = "91350100M000100Y43"  # GB 32100-2015's worked example


def _case_clue(users: Any, number: str = "立〔2024〕5号") -> Clue:
    housing = Agency.objects.get(code="housing")
    clue = services.raise_clue(None, users["housing"], housing, "C4 串通投标")
    services.dispose(clue, users["housing"], D("2024-09-25"), "case", case_kind="administrative",
                     case_number=number, authority=housing)
    return clue


FINE = {"kind": "penalty", "measure": "fine", "number": "市住建罚〔2024〕9号", "authority": "某市住房和城乡建设局",
        "subject_name": "湖南丁交通建设有限公司", "company_id": "C4", "text": "串通投标，处中标项目金额千分之五的罚款",
        "legal_basis": "招标投标法 第53条"}


def _decide_form(**over: Any) -> dict[str, str]:
    data = {"on": "2024-10-08", **FINE, "amount": "5000"}
    data.update(over)
    return {f"decide-{k}": v for k, v in data.items() if v is not None}


@pytest.mark.django_db
def test_a_negative_fine_is_refused(users: Any, client_for: Any) -> None:
    """-5000 元 is refused (as the ledger's figures are), by the page and by the service; 0 (near miss) is taken."""
    from decimal import Decimal

    clue = _case_clue(users)
    decide = reverse("alerts:clue_step", args=[clue.pk, "decide"])
    housing = client_for("housing")
    response = housing.post(decide, _decide_form(amount="-5000"))
    assert response.status_code == 400 and not clue.decisions.exists()
    with pytest.raises(ValueError, match="负"):
        services.record_decision(clue, users["housing"], D("2024-10-08"), **FINE, amount=Decimal("-0.01"))
    assert not clue.decisions.exists()
    assert housing.post(decide, _decide_form(amount="0")).status_code == 302
    assert clue.decisions.get().amount == Decimal("0")


@pytest.mark.django_db
def test_a_proposal_with_a_wrong_credit_code_is_refused_at_entry(users: Any, client_for: Any) -> None:
    """"123" is no unified social credit code: refused when the decision is recorded (it could never be approved into
    the registry); the valid code, in lower case too (near miss), is taken and approved."""
    clue = _case_clue(users)
    decide = reverse("alerts:clue_step", args=[clue.pk, "decide"])
    housing = client_for("housing")
    response = housing.post(decide, _decide_form(company_id="", uscc="123", propose="on", measure="suspension",
                                                 start_on="2024-10-08", end_on="2025-10-07", amount=None))
    assert response.status_code == 400 and "统一社会信用代码" in response.content.decode()
    assert not clue.decisions.exists()
    with pytest.raises(ValueError, match="GB 32100"):
        services.record_decision(clue, users["housing"], D("2024-10-08"), **{**FINE, "company_id": ""}, uscc="123",
                                 propose=True)
    assert housing.post(decide, _decide_form(company_id="", uscc=VALID_USCC.lower(), propose="on",
                                             measure="suspension", start_on="2024-10-08", end_on="2025-10-07",
                                             amount=None)).status_code == 302
    d = clue.decisions.get()
    assert d.uscc == VALID_USCC
    outcomes.approve_proposal(d, users["office"], D("2024-10-10"))
    assert d.registry_entry.uscc == VALID_USCC


@pytest.mark.django_db
def test_a_decision_number_is_recorded_once_per_clue(users: Any, client_for: Any) -> None:
    """The same 文号 a second time on the clue is refused; on another clue (near miss) it is taken."""
    clue = _case_clue(users)
    services.record_decision(clue, users["housing"], D("2024-10-08"), **FINE)
    with pytest.raises(ValueError, match="市住建罚〔2024〕9号"):
        services.record_decision(clue, users["housing"], D("2024-10-09"), **FINE)
    response = client_for("housing").post(reverse("alerts:clue_step", args=[clue.pk, "decide"]), _decide_form())
    assert response.status_code == 400 and "不得重复录入" in response.content.decode()
    assert clue.decisions.count() == 1
    other = _case_clue(users, "立〔2024〕6号")
    assert services.record_decision(other, users["housing"], D("2024-10-08"), **FINE).number == FINE["number"]


@pytest.mark.django_db
def test_a_decision_follows_the_case_and_its_approval_the_decision(users: Any) -> None:
    """Case opened 09-25: a decision dated 09-24 is refused, naming the day the case was opened; 09-25 is taken. The
    decision dated 10-08: its proposal approved (or not) on 10-07 is refused, naming 10-08; on 10-08 it is taken."""
    clue = _case_clue(users)
    with pytest.raises(ValueError, match="立案日期（2024-09-25）"):
        services.record_decision(clue, users["housing"], D("2024-09-24"), **FINE)
    assert services.record_decision(clue, users["housing"], D("2024-09-25"), **FINE).decided_on == D("2024-09-25")

    d = proposed_decision(users)  # decided 2024-10-08
    for step in (outcomes.approve_proposal, lambda *a: outcomes.reject_proposal(*a, "证据不足")):
        with pytest.raises(ValueError, match="处理决定日期（2024-10-08）"):
            step(d, users["office"], D("2024-10-07"))
        d.refresh_from_db()
        assert d.proposal == Decision.Proposal.PROPOSED
    outcomes.approve_proposal(d, users["office"], D("2024-10-08"))
    assert d.proposal == Decision.Proposal.APPROVED
    assert RegistryEntry.objects.filter(document_number=d.number).exists()


@pytest.mark.django_db
def test_the_receiving_unit_opens_a_case_only_once_it_took_the_clue_over(users: Any) -> None:
    """A clue transferred to 交通运输局 and taken over on 09-20: its 立案 dated 09-19 is refused, naming the take-over;
    dated 09-20 (near miss) it is taken."""
    housing, transport = Agency.objects.get(code="housing"), Agency.objects.get(code="transport")
    clue = services.raise_clue(None, users["housing"], housing, "道路工程串通投标")
    t = services.transfer_clue(clue, users["housing"], kind="department", to_unit=transport, reason="属交通行业",
                               sent_on=D("2024-09-16"))
    services.answer_transfer(t, users["transport"], accept=True, on=D("2024-09-20"), answer="接收")
    clue.refresh_from_db()
    case = {"case_kind": "administrative", "case_number": "交立〔2024〕1号", "authority": transport}
    with pytest.raises(ValueError, match="2024-09-20"):
        services.dispose(clue, users["transport"], D("2024-09-19"), "case", **case)
    clue.refresh_from_db()
    assert clue.disposition == "" and not CaseRecord.objects.filter(clue=clue).exists()
    services.dispose(clue, users["transport"], D("2024-09-20"), "case", **case)
    assert clue.case.opened_on == D("2024-09-20")
