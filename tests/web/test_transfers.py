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
    # No rule gives the supervision commission a period to answer the sender (issue 13: the old code applied the
    # police's 3 days of 《行政执法机关移送涉嫌犯罪案件的规定》第8条 to every transfer, counted from sending).
    assert t.from_unit.code == "housing" and t.to_unit.code == "discipline" and t.reply_due is None
    assert t.legal_basis() == "监察法（2018年）第34条"   # sent 2024-09-27, before the 2024 amendment was in force
    assert t.materials == ["letter", "report"] and t.status == Transfer.Status.SENT
    # the sender still sees the clue, cannot transfer it twice, and the receiver is asked to answer
    page = housing.get(reverse("alerts:clue", args=[clue.pk])).content.decode()
    assert 'data-testid="pending-transfer"' in page and 'data-testid="step-transfer"' not in page
    assert 'data-testid="no-clock"' in page and "第34条" in page
    discipline = client_for("discipline")
    assert 'data-testid="step-answer"' in discipline.get(reverse("alerts:clue", args=[clue.pk])).content.decode()
    assert _post(discipline, clue, "answer", decision="accept", on="2024-09-29", answer="已接收，转审查调查室").status_code == 302
    t.refresh_from_db()
    clue.refresh_from_db()
    assert t.status == Transfer.Status.ACCEPTED and t.answered_by.username == "discipline"
    assert clue.assigned_unit.code == "discipline"
    assert AuditEntry.objects.filter(action="clue_update", object_id=str(clue.pk), detail__step="transfer").exists()
    answer = AuditEntry.objects.get(action="clue_update", object_id=str(clue.pk), detail__step="transfer_answer")
    assert answer.detail.get("late") is None   # no clock, so never "late"
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
    _post(client_for("office"), clue, "transfer", kind="police", to_unit=_unit("police").pk, reason="x",
          approved_on="2024-09-26", sent_on="2024-09-27")
    office = client_for("office")
    # no receipt yet: no clock running, so nothing is overdue
    assert clue.number not in office.get(reverse("alerts:transfers"), {"state": "overdue"}).content.decode()
    assert _post(client_for("police"), clue, "receive", on="2024-09-27").status_code == 302
    overdue = office.get(reverse("alerts:transfers"), {"state": "overdue"}).content.decode()
    assert clue.number in overdue and "due-over" in overdue  # due 2024-09-30, long past
    link = f'href="{reverse("alerts:clue", args=[clue.pk])}"'
    assert link in client_for("police").get(reverse("alerts:transfers")).content.decode()  # the receiver
    assert link not in client_for("transport").get(reverse("alerts:transfers")).content.decode()  # not involved


@pytest.mark.django_db
def test_department_transfers_have_no_clock(client_for: Any, clue: Clue) -> None:
    _post(client_for("housing"), clue, "transfer", kind="department", to_unit=_unit("transport").pk, reason="x",
          sent_on="2024-09-27")
    t = Transfer.objects.get()
    assert t.reply_due is None and t.legal_basis() == ""
    assert clue.number not in client_for("office").get(reverse("alerts:transfers"), {"state": "overdue"}).content.decode()


@pytest.mark.django_db
def test_police_clock_runs_from_receipt(client_for: Any, clue: Clue) -> None:
    # 《行政执法机关移送涉嫌犯罪案件的规定》第8条: 3 days from receiving the case, not from sending it.
    _post(client_for("office"), clue, "transfer", kind="police", to_unit=_unit("police").pk, reason="x",
          approved_on="2024-09-26", sent_on="2024-09-27")
    t = Transfer.objects.get()
    assert t.reply_due is None
    page = client_for("office").get(reverse("alerts:clue", args=[clue.pk])).content.decode()
    assert 'data-testid="clock-from-receipt"' in page and 'data-testid="step-receive"' in page
    police = client_for("police")
    # an answer needs the receipt date (it starts the clock)
    assert _post(police, clue, "answer", decision="accept", on="2024-10-08", answer="立案").status_code == 400
    assert _post(police, clue, "receive", on="2024-09-26").status_code == 400   # before it was sent
    # received Sunday 2024-09-29: day 3 is 10-02 (National Day) → due Tuesday 10-08 (民法典 第203条)
    assert _post(police, clue, "receive", on="2024-09-29").status_code == 302
    t.refresh_from_db()
    assert t.received_on == D("2024-09-29") and t.reply_due == D("2024-10-08")
    assert _post(police, clue, "answer", decision="accept", on="2024-10-09", answer="已立案侦查").status_code == 302
    answer = AuditEntry.objects.get(action="clue_update", object_id=str(clue.pk), detail__step="transfer_answer")
    assert answer.detail["late"] is True


@pytest.mark.django_db
def test_police_answer_can_record_the_receipt_with_it(client_for: Any, clue: Clue) -> None:
    _post(client_for("office"), clue, "transfer", kind="police", to_unit=_unit("police").pk, reason="x",
          approved_on="2024-09-26", sent_on="2024-09-27")
    assert _post(client_for("police"), clue, "answer", decision="accept", on="2024-09-30", answer="立案",
                 received_on="2024-09-27").status_code == 302
    t = Transfer.objects.get()
    assert t.received_on == D("2024-09-27") and t.reply_due == D("2024-09-30") and t.status == Transfer.Status.ACCEPTED


def test_supervision_law_article_by_the_version_in_force() -> None:
    # 监察法 2018: 第34条; the 2024 amendment (in force 2025-06-01) moved it to 第37条.
    t = Transfer(kind=Transfer.Kind.SUPERVISION, sent_on=D("2025-05-31"))
    assert t.supervision_article() == "监察法（2018年）第34条"
    t.sent_on = D("2025-06-01")
    assert t.supervision_article() == "监察法（2024年修正）第37条"



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


@pytest.mark.django_db
def test_a_repeated_transfer_or_answer_is_told_why_not_refused(client_for: Any, clue: Clue) -> None:
    """The sender's second click on 移送 (the form sent twice) and the receiver's second answer read why the step is
    closed (400 with the reason), not the bare refusal (403) a stranger gets; nothing is written twice."""
    housing, discipline = client_for("housing"), client_for("discipline")
    fields = dict(kind="supervision", to_unit=_unit("discipline").pk, reason="涉及公职人员插手招投标",
                  sent_on="2024-09-27")
    assert _post(housing, clue, "transfer", **fields).status_code == 302
    again = _post(housing, clue, "transfer", **fields)
    assert again.status_code == 400 and "上一次移送尚待答复" in again.content.decode()
    assert Transfer.objects.count() == 1
    # near miss: a unit that never held the clue is still refused outright
    assert _post(client_for("transport"), clue, "transfer", **fields).status_code == 403
    assert _post(discipline, clue, "answer", decision="accept", on="2024-09-29", answer="已接收").status_code == 302
    written = AuditEntry.objects.count()
    twice = _post(discipline, clue, "answer", decision="accept", on="2024-09-29", answer="已接收")
    assert twice.status_code == 400 and "没有待答复的移送" in twice.content.decode()
    assert Transfer.objects.get().status == Transfer.Status.ACCEPTED and AuditEntry.objects.count() == written


@pytest.mark.django_db
def test_the_receiving_unit_opens_the_alert_and_tender_of_the_clue_it_took_over(client_for: Any, users: Any,
                                                                                 clue: Clue) -> None:
    """The police took over a clue on a housing alert (T1's): the clue page's and the ledger form's links to the alert
    and the tender open for it. Before it took the clue over, and for a third unit (交通运输局) at any time (near
    misses), they stay closed (403)."""
    from bidwatch.web.alerts import services

    alert, tender = clue.alert_id, clue.tender_id
    assert alert and tender
    urls = [reverse("alerts:detail", args=[alert]), reverse("tenders:detail", args=[tender])]
    police, transport = client_for("police"), client_for("transport")
    t = services.transfer_clue(clue, users["housing"], kind="department", to_unit=_unit("police"),
                               reason="涉嫌串通投标", sent_on=D("2024-09-27"))
    assert [police.get(u).status_code for u in urls] == [403, 403]  # sent, not yet taken over
    services.answer_transfer(t, users["police"], accept=True, on=D("2024-09-29"), answer="接收")
    page = police.get(reverse("alerts:clue", args=[clue.pk])).content.decode()
    assert all(f'href="{u}"' in page for u in urls)
    assert [police.get(u).status_code for u in urls] == [200, 200]
    alert_page = police.get(urls[0]).content.decode()
    assert 'data-testid="clue-form"' not in alert_page and 'data-testid="confirm-form"' not in alert_page  # read only
    ledger = police.get(reverse("campaign:create"), {"clue": clue.pk})
    assert ledger.status_code == 200 and f'href="{urls[0]}"' in ledger.content.decode()
    assert [transport.get(u).status_code for u in urls] == [403, 403]
