"""Clue transfers between units (线索移送) with their answer clock, the transfer ledger, and joint
consultations (会商)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from bidwatch.web.accounts.models import Agency
from bidwatch.web.alerts.models import Alert, Clue, Consultation, Transfer
from bidwatch.web.audit.models import AuditEntry

D = dt.date.fromisoformat


def _unit(code: str) -> Agency:
    return Agency.objects.get(code=code)


@pytest.fixture
def clue(client_for: Any, imported: Any) -> Clue:
    """A clue raised by the housing department on the bond alert, assigned to its own unit."""
    alert = Alert.objects.get(indicator="bond_same_account")
    client_for("housing").post(reverse("alerts:triage", args=[alert.pk]), {
        "action": "clue", "assigned_unit": _unit("housing").pk, "source": "big_data", "summary": "保证金同一账户"})
    return Clue.objects.get()


def _post(client: Any, clue: Clue, step: str, **fields: Any) -> Any:
    return client.post(reverse("alerts:clue", args=[clue.pk]),
                       {"step": step, **{f"{step}-{k}": v for k, v in fields.items()}})


@pytest.mark.django_db
def test_transfer_to_the_supervision_commission_and_take_over(client_for: Any, clue: Clue) -> None:
    housing = client_for("housing")
    response = _post(housing, clue, "transfer", kind="supervision", to_unit=_unit("discipline").pk,
                     reason="涉及公职人员插手招投标", materials=["letter", "report"], sent_on="2024-09-27")
    assert response.status_code == 302, response.content.decode()[:3000]
    t = Transfer.objects.get()
    # 3 days after Friday 2024-09-27 is 09-30, a working day (09-29 was a make-up working day)
    assert t.from_unit.code == "housing" and t.to_unit.code == "discipline" and t.reply_due == D("2024-09-30")
    assert t.materials == ["letter", "report"] and t.status == Transfer.Status.SENT
    # the sender still sees the clue, cannot transfer it twice, and the receiver is asked to answer
    page = housing.get(reverse("alerts:clue", args=[clue.pk])).content.decode()
    assert 'data-testid="pending-transfer"' in page and 'data-testid="step-transfer"' not in page
    discipline = client_for("discipline")
    assert 'data-testid="step-answer"' in discipline.get(reverse("alerts:clue", args=[clue.pk])).content.decode()
    assert _post(discipline, clue, "answer", decision="accept", on="2024-09-29", answer="已接收，转审查调查室").status_code == 302
    t.refresh_from_db()
    clue.refresh_from_db()
    assert t.status == Transfer.Status.ACCEPTED and t.answered_by.username == "discipline"
    assert clue.assigned_unit.code == "discipline"
    assert AuditEntry.objects.filter(action="clue_update", object_id=str(clue.pk), detail__step="transfer").exists()
    answer = AuditEntry.objects.get(action="clue_update", object_id=str(clue.pk), detail__step="transfer_answer")
    assert answer.detail["late"] is False
    # the housing department keeps seeing the file it sent
    assert housing.get(reverse("alerts:clue", args=[clue.pk])).status_code == 200
    assert f'href="{reverse("alerts:clue", args=[clue.pk])}"' in housing.get(reverse("alerts:clues")).content.decode()


@pytest.mark.django_db
def test_a_returned_transfer_leaves_the_clue_with_the_sender(client_for: Any, clue: Clue) -> None:
    _post(client_for("housing"), clue, "transfer", kind="department", to_unit=_unit("transport").pk,
          reason="属交通项目", sent_on="2024-10-08")
    transport = client_for("transport")
    assert _post(transport, clue, "answer", decision="return", on="2024-10-09", answer="").status_code == 400
    assert _post(transport, clue, "answer", decision="return", on="2024-10-09", answer="非本部门监管项目").status_code == 302
    clue.refresh_from_db()
    assert clue.assigned_unit.code == "housing" and Transfer.objects.get().status == Transfer.Status.RETURNED
    # after the answer it may be sent again
    assert _post(client_for("housing"), clue, "transfer", kind="department", to_unit=_unit("water").pk,
                 reason="改送水利局", sent_on="2024-10-10").status_code == 302
    assert Transfer.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"kind": "police", "to_unit": "police"}, "approved_on", "批准"),
        ({"kind": "police", "to_unit": "discipline", "approved_on": "2024-09-26"}, "to_unit", "公安"),
        ({"kind": "supervision", "to_unit": "transport"}, "to_unit", "纪检监察"),
        ({"kind": "department", "to_unit": "transport", "reason": ""}, "reason", ""),
    ],
)
def test_bad_transfers_name_the_field(client_for: Any, clue: Clue, fields: dict[str, str], field: str,
                                      message: str) -> None:
    data = {"reason": "理由", "sent_on": "2024-09-27", **fields}
    data["to_unit"] = _unit(data["to_unit"]).pk
    response = _post(client_for("housing"), clue, "transfer", **data)
    assert response.status_code == 400
    errors = response.context["transfer_form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert not Transfer.objects.exists()


@pytest.mark.django_db
def test_police_transfer_sent_the_day_after_approval(client_for: Any, clue: Clue) -> None:
    response = _post(client_for("office"), clue, "transfer", kind="police", to_unit=_unit("police").pk,
                     reason="串通投标中标金额达到立案追诉标准", approved_on="2024-09-26", sent_on="2024-09-27",
                     materials=["letter", "report", "items", "appraisal"])
    assert response.status_code == 302
    assert Transfer.objects.get().get_kind_display()


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "status"), [("transport", 403), ("auditor", 403), ("discipline", 403)])
def test_only_the_clue_holder_transfers_and_only_the_receiver_answers(client_for: Any, clue: Clue, role: str,
                                                                      status: int) -> None:
    response = _post(client_for(role), clue, "transfer", kind="department", to_unit=_unit("water").pk,
                     reason="x", sent_on="2024-09-27")
    assert response.status_code in {status, 403}
    assert not Transfer.objects.exists()
    _post(client_for("housing"), clue, "transfer", kind="department", to_unit=_unit("water").pk, reason="x",
          sent_on="2024-09-27")
    assert _post(client_for(role), clue, "answer", decision="accept", on="2024-09-28").status_code == 403
    assert Transfer.objects.get().status == Transfer.Status.SENT


@pytest.mark.django_db
def test_transfer_ledger_shows_overdue_answers(client_for: Any, clue: Clue) -> None:
    _post(client_for("housing"), clue, "transfer", kind="department", to_unit=_unit("transport").pk, reason="x",
          sent_on="2024-09-27")
    office = client_for("office")
    overdue = office.get(reverse("alerts:transfers"), {"state": "overdue"}).content.decode()
    assert clue.number in overdue and "due-over" in overdue  # due 2024-09-30, long past
    link = f'href="{reverse("alerts:clue", args=[clue.pk])}"'
    assert link in client_for("transport").get(reverse("alerts:transfers")).content.decode()  # the receiver
    assert link not in client_for("police").get(reverse("alerts:transfers")).content.decode()  # not involved



@pytest.mark.django_db
def test_consultation_between_units(client_for: Any, clue: Clue) -> None:
    response = _post(client_for("housing"), clue, "consult", held_on="2024-10-10", convened_by=_unit("office").pk,
                     units=[_unit("housing").pk, _unit("discipline").pk, _unit("police").pk],
                     topic="保证金同一账户案会商", conclusion="由纪工委牵头核查，公安配合调取银行流水", follow_up="10个工作日内反馈")
    assert response.status_code == 302, response.content.decode()[:2000]
    m = Consultation.objects.get()
    assert {u.code for u in m.units.all()} == {"housing", "discipline", "police"}
    page = client_for("discipline").get(reverse("alerts:clue", args=[clue.pk])).content.decode()
    assert "由纪工委牵头核查" in page
    # one unit alone is not a consultation
    response = _post(client_for("housing"), clue, "consult", held_on="2024-10-11", convened_by=_unit("housing").pk,
                     units=[_unit("housing").pk], topic="x", conclusion="y")
    assert response.status_code == 400 and Consultation.objects.count() == 1
