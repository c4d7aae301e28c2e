"""Every supervision-order and talk step as every role (the shared role × step suite), the orders' numbering,
deadline, reminders and escalation to a talk, and the refusals."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from bidwatch.web.accounts.models import Agency
from bidwatch.web.audit.models import AuditEntry
from bidwatch.web.supervision import services
from bidwatch.web.supervision.models import Bulletin, Campaign, SupervisionOrder, Talk
from bidwatch.web.supervision.workflow import BULLETINS, MISSES_FOR_TALK, ORDERS, TALKS
from tests.web.workflow_cases import WorkflowStepCases

D = dt.date.fromisoformat


def campaign() -> Campaign:
    return Campaign.objects.filter(current=True).first() or Campaign.objects.create(
        name="2024年专项整治", starts_on=D("2024-01-01"), ends_on=D("2024-12-31"), current=True)


def order(users: dict[str, Any], by: str = "office", unit: str = "housing", on: str = "2024-09-02",
          workdays: int = 5) -> SupervisionOrder:
    # each order its own matter: the same order twice to a unit on one day is refused as a duplicate
    n = SupervisionOrder.objects.count() + 1
    addressed = Agency.objects.get(code=unit)
    return services.issue(users[by], campaign=campaign(), unit=addressed, matter_kind="problem",
                          matter_ref=ledger_problem(users, addressed).number, matter=f"整改逾期未反馈（{n}）",
                          demand="立即整改并书面反馈", issued_on=D(on), workdays=workdays)


def ledger_problem(users: dict[str, Any], unit: Agency) -> Any:
    """A ledger problem of ``unit`` (an order about a 台账问题 names one that exists and is the unit's own)."""
    from bidwatch.web.campaign import services as ledger
    from bidwatch.web.campaign.models import Problem

    return Problem.objects.filter(unit=unit).order_by("id").first() or ledger.create(
        users["office"], source="self_inspection", category="build_first", unit=unit, sector="housing",
        project_name="某区安置房建设项目", tender=None, description="先建后招", measures="",
        listed_on=D("2024-06-01"), deadline=D("2024-08-30"))


class TestOrderSteps(WorkflowStepCases):
    workflow = ORDERS
    # the unit addressed answers; the issuer (here the discipline commission) or the office reviews and reminds
    allowed = {"answer": {"housing"}, "accept": {"office", "discipline"}, "return": {"office", "discipline"},
               "remind": {"office", "discipline"}}
    data = {
        "answer": {"on": "2024-09-05", "answer": "已完成整改，附整改报告"},
        "accept": {"on": "2024-09-06", "review": "同意"},
        "return": {"on": "2024-09-06", "reason": "材料不全", "workdays": "3"},
        "remind": {"on": "2024-09-20", "note": "请尽快反馈"},
    }

    def make(self, users: dict[str, Any], step: str) -> SupervisionOrder:
        o = order(users, by="discipline")
        if step in ("accept", "return"):
            services.answer(o, users["housing"], D("2024-09-05"), "已整改")
        return o


class TestTalkSteps(WorkflowStepCases):
    workflow = TALKS
    allowed = {"follow_up": {"office", "discipline"}}
    data = {"follow_up": {"on": "2024-10-20", "follow_up": "承诺事项已落实"}}

    def make(self, users: dict[str, Any], step: str) -> Talk:
        return services.record_talk(
            users["discipline"], campaign=campaign(), unit=Agency.objects.get(code="housing"), person="张某",
            position="副局长", talkers="纪工委书记 李某", reason="督办单两次催办未反馈", held_on=D("2024-10-08"),
            commitments="十个工作日内完成整改", follow_up_due=D("2024-10-22"))


@pytest.mark.django_db
def test_numbers_run_per_year_and_the_deadline_counts_working_days(users: Any) -> None:
    a, b = order(users), order(users, on="2024-09-27", workdays=3)
    c = order(users, on="2025-01-06")
    assert (a.number, b.number, c.number) == ("〔2024〕督字第1号", "〔2024〕督字第2号", "〔2025〕督字第1号")
    # 2024-09-02 (Mon) + 5 working days = Mon 09-09; 09-27 (Fri) + 3: 09-29 is a make-up working day (Sun),
    # 09-30 a working day, then the National Day holiday 10-01..07 -> 10-08
    assert a.deadline == D("2024-09-09")
    assert b.deadline == D("2024-10-08")


@pytest.mark.django_db
def test_reminders_escalate_to_a_proposed_talk(users: Any, client_for: Any) -> None:
    o = order(users)
    with pytest.raises(ValueError):  # not yet due
        services.remind(o, users["office"], D("2024-09-09"))
    for i in range(MISSES_FOR_TALK):
        services.remind(o, users["office"], D("2024-09-10") + dt.timedelta(days=i))
        o.refresh_from_db()
        assert o.talk_proposed == (i + 1 >= MISSES_FOR_TALK)
    page = client_for("office").get(reverse("supervision:order", args=[o.pk])).content.decode()
    assert 'data-testid="propose-talk"' in page
    t = services.record_talk(users["office"], campaign=o.campaign, unit=o.unit, person="王某", position="局长",
                             talkers="专治办主任", reason="督办不力", held_on=D("2024-09-20"), commitments="限期整改",
                             follow_up_due=D("2024-10-15"), orders=[o])
    o.refresh_from_db()
    assert not o.talk_proposed and list(t.orders.all()) == [o]
    assert AuditEntry.objects.filter(action="talk", object_id=str(t.pk)).count() == 1
    assert AuditEntry.objects.filter(action="supervision", object_id=str(o.pk)).count() == 1 + MISSES_FOR_TALK
    # a talk is held on its 约谈日期, not a consultation's 会商日期 (the msgid is shared with clue consultations)
    page = client_for("office").get(reverse("supervision:talk", args=[t.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "约谈日期" in page.content.decode() and "会商日期" not in page.content.decode()


@pytest.mark.django_db
def test_a_returned_answer_keeps_the_first_answer_and_runs_a_new_deadline(users: Any) -> None:
    o = order(users)
    services.answer(o, users["housing"], D("2024-09-05"), "已整改")
    services.return_answer(o, users["office"], D("2024-09-06"), "材料不全", 3)
    o.refresh_from_db()
    assert o.status == "issued" and o.deadline == D("2024-09-11") and o.returns == 1
    services.answer(o, users["housing"], D("2024-09-12"), "补充材料")
    o.refresh_from_db()
    assert o.first_answered_on == D("2024-09-05") and o.answered_on == D("2024-09-12")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["housing", "transport", "police", "auditor", "admin"])
def test_only_the_office_and_the_commission_issue(users: Any, client_for: Any, role: str) -> None:
    c = client_for(role)
    assert c.get(reverse("supervision:order_issue")).status_code == 403
    response = c.post(reverse("supervision:order_issue"), {
        "campaign": campaign().pk, "unit": Agency.objects.get(code="housing").pk, "matter_kind": "other",
        "matter": "x", "demand": "y", "issued_on": "2024-09-02", "workdays": "5"})
    assert response.status_code == 403 and not SupervisionOrder.objects.exists()
    assert c.get(reverse("supervision:talk_record")).status_code == 403
    with pytest.raises(PermissionDenied):
        order(users, by=role)


@pytest.mark.django_db
def test_issue_through_the_page_and_a_unit_sees_only_its_own(users: Any, client_for: Any) -> None:
    response = client_for("office").post(reverse("supervision:order_issue"), {
        "campaign": campaign().pk, "unit": Agency.objects.get(code="transport").pk, "matter_kind": "complaint",
        "matter_ref": "", "matter": "投诉超期未处理", "demand": "五个工作日内作出处理决定",
        "issued_on": "2024-09-02", "workdays": "5"})
    assert response.status_code == 302
    o = SupervisionOrder.objects.get()
    assert o.issuer.code == "office" and o.unit.code == "transport" and o.deadline == D("2024-09-09")
    assert response["Location"] == reverse("supervision:order", args=[o.pk])
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(said) == 1 and o.number in said[0] and "2024-09-09" in said[0]
    assert client_for("transport").get(reverse("supervision:order", args=[o.pk])).status_code == 200
    assert client_for("housing").get(reverse("supervision:order", args=[o.pk])).status_code == 403
    assert o.number not in client_for("housing").get(reverse("supervision:orders")).content.decode()
    assert o.number in client_for("auditor").get(reverse("supervision:orders")).content.decode()
    printed = client_for("transport").get(reverse("supervision:order_print", args=[o.pk])).content.decode()
    assert "督 办 单" in printed and "〔2024〕督字第1号" in printed and "2024年9月9日" in printed


@pytest.mark.django_db
def test_the_commission_reviews_only_its_own_orders(users: Any) -> None:
    o = order(users, by="office")
    services.answer(o, users["housing"], D("2024-09-05"), "已整改")
    assert not ORDERS.may(users["discipline"], o, "accept")
    assert ORDERS.may(users["office"], o, "accept")


class TestBulletinSteps(WorkflowStepCases):
    workflow = BULLETINS
    # the office drafts and submits; its head (专治办主任) alone approves or returns; the office publishes; units read
    # what is published
    extra_roles = ("head",)
    allowed = {"submit": {"office", "head"}, "approve": {"head"}, "return": {"head"},
               "publish": {"office", "head"}}
    data = {"submit": {"on": "2024-10-09", "note": "报请审批"}, "approve": {"on": "2024-10-10", "note": "同意"},
            "return": {"on": "2024-10-10", "reason": "案例需脱敏"}, "publish": {"on": "2024-10-11"}}

    def make(self, users: dict[str, Any], step: str) -> Bulletin:
        b = services.draft_bulletin(users["office"], campaign=campaign(), title="典型案例通报",
                                    body="某项目先建设后招标，已责令整改并追责")
        if step in ("approve", "return", "publish"):
            services.submit_bulletin(b, users["office"], D("2024-10-09"))
        if step == "publish":
            services.approve_bulletin(b, users["head"], D("2024-10-10"))
        return b


@pytest.mark.django_db
def test_bulletins_are_numbered_when_published_and_units_read_only_published_ones(users: Any, client_for: Any) -> None:
    b1 = TestBulletinSteps().make(users, "publish")
    services.publish_bulletin(b1, users["office"], D("2024-10-11"))
    b2 = TestBulletinSteps().make(users, "approve")
    assert b1.number == "〔2024〕通报第1号" and b2.number == ""
    listed = client_for("housing").get(reverse("supervision:bulletins")).content.decode()
    assert "〔2024〕通报第1号" in listed and f"/bulletins/{b2.pk}/" not in listed
    assert client_for("housing").get(reverse("supervision:bulletin", args=[b2.pk])).status_code == 403
    for role in ("discipline", "housing", "auditor"):
        assert client_for(role).get(reverse("supervision:bulletin_draft")).status_code == 403


@pytest.mark.django_db
def test_the_unit_attaches_files_to_its_answer(users: Any, client_for: Any, settings: Any, tmp_path: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    o = order(users)
    url = reverse("supervision:order_attach", args=[o.pk])
    pdf = b"%PDF-1.4\n%%EOF\n"
    assert client_for("housing").post(url, {"file": SimpleUploadedFile("整改报告.pdf", pdf)}).status_code == 302
    client_for("housing").post(url, {"file": SimpleUploadedFile("x.pdf", b"MZ not a pdf")})  # refused
    assert [f.name for f in o.files.all()] == ["整改报告.pdf"]
    for role in ("office", "transport", "auditor"):
        assert client_for(role).post(url, {"file": SimpleUploadedFile("y.pdf", pdf)}).status_code == 403
    assert o.files.count() == 1
    f = o.files.get()
    assert client_for("auditor").get(reverse("supervision:order_file", args=[o.pk, f.pk])).status_code == 200
    assert client_for("transport").get(reverse("supervision:order_file", args=[o.pk, f.pk])).status_code == 403
    assert AuditEntry.objects.filter(action="supervision", object_id=str(o.pk), detail__step="attach").count() == 1


@pytest.mark.django_db
def test_the_office_starts_next_years_campaign(users: Any, client_for: Any) -> None:
    old = campaign()
    response = client_for("office").post(reverse("supervision:campaigns"), {
        "name": "2025年专项整治", "starts_on": "2025-01-01", "ends_on": "2025-12-31", "current": "on",
        "units": [Agency.objects.get(code="housing").pk, Agency.objects.get(code="water").pk],
        "stages": "动员部署 2025-01-01 2025-02-28\n自查自纠 2025-03-01 2025-05-31\n集中整治 2025-06-01 2025-10-31\n"
                  "总结验收 2025-11-01 2025-12-31"})
    assert response.status_code == 302
    new = Campaign.objects.get(name="2025年专项整治")
    old.refresh_from_db()
    assert new.current and not old.current and new.stages.count() == 4 and new.units.count() == 2
    assert new.stage_on(D("2025-06-15")).name == "集中整治"
    assert AuditEntry.objects.filter(action="campaign", object_id=str(new.pk)).exists()
    for role in ("discipline", "housing", "auditor"):
        assert client_for(role).post(reverse("supervision:campaigns"), {"name": "x"}).status_code == 403
    assert client_for("auditor").get(reverse("supervision:campaigns")).status_code == 200
    assert client_for("admin").get(reverse("supervision:campaigns")).status_code == 403
    bad = client_for("office").post(reverse("supervision:campaigns"), {
        "name": "x", "starts_on": "2025-01-01", "ends_on": "2025-12-31", "stages": "没有日期"})
    assert bad.status_code == 400


@pytest.mark.django_db
def test_an_order_about_a_problem_starts_from_its_page(users: Any, client_for: Any) -> None:
    from bidwatch.web.campaign import services as ledger

    campaign()
    p = ledger.create(users["office"], source="other", category="other", unit=Agency.objects.get(code="housing"),
                      sector="housing", project_name="", tender=None, description="问题", measures="",
                      listed_on=D("2024-09-01"), deadline=D("2024-09-30"))
    page = client_for("discipline").get(reverse("campaign:detail", args=[p.pk])).content.decode()
    assert 'data-testid="supervise-problem"' in page
    assert 'data-testid="supervise-problem"' not in client_for("housing").get(
        reverse("campaign:detail", args=[p.pk])).content.decode()
    form = client_for("discipline").get(reverse("supervision:order_issue"), {
        "matter_kind": "problem", "matter_ref": p.number, "unit": p.unit_id}).content.decode()
    assert f'value="{p.number}"' in form
    assert p.campaign == campaign()


@pytest.mark.django_db
def test_talks_recorded_through_the_page_and_listed_per_unit(users: Any, client_for: Any) -> None:
    c = campaign()
    o = order(users)
    response = client_for("discipline").post(reverse("supervision:talk_record"), {
        "campaign": c.pk, "unit": o.unit_id, "person": "张某", "position": "局长", "talkers": "纪工委书记",
        "reason": "督办不力", "orders": [o.pk], "held_on": "2024-09-20", "commitments": "限期整改",
        "follow_up_due": "2024-10-15"})
    assert response.status_code == 302
    t = Talk.objects.get()
    assert t.held_by.code == "discipline" and list(t.orders.all()) == [o]
    listed = client_for("office").get(reverse("supervision:talks"), {"start": "2024-09-01", "end": "2024-09-30"})
    assert "住房和城乡建设局" in listed.content.decode().split('data-testid="talks-per-unit"')[1]
    none = client_for("office").get(reverse("supervision:talks"), {"start": "2024-10-01", "end": "2024-10-31"})
    assert "张某" not in none.content.decode()
    assert "张某" in client_for("housing").get(reverse("supervision:talks")).content.decode()
    assert "张某" not in client_for("transport").get(reverse("supervision:talks")).content.decode()
    assert client_for("transport").get(reverse("supervision:talk", args=[t.pk])).status_code == 403
    # the follow-up is on the same clock as any other: overdue on the dashboard counts after 10-15
    assert services.reminders(users["office"], D("2024-10-16"))["talks_overdue"] == 1
    bad = client_for("office").post(reverse("supervision:talk_record"), {
        "campaign": c.pk, "unit": o.unit_id, "person": "张某", "position": "局长", "talkers": "x", "reason": "y",
        "held_on": "2024-09-20", "commitments": "z", "follow_up_due": "2024-09-01"})
    assert bad.status_code == 400 and Talk.objects.count() == 1
    assert bad.context["form"].non_field_errors()  # the service's refusal, on the form
    # a talk is not recorded as held in the future, nor linked to another unit's order
    base = {"campaign": c.pk, "unit": o.unit_id, "person": "张某", "position": "局长", "talkers": "x", "reason": "y",
            "held_on": "2024-09-20", "commitments": "z", "follow_up_due": "2024-10-15"}
    future = client_for("office").post(reverse("supervision:talk_record"), {**base, "held_on": "2999-02-01"})
    assert future.status_code == 400 and "held_on" in future.context["form"].errors
    water = Agency.objects.exclude(pk=o.unit_id).filter(kind=o.unit.kind).first()
    other = client_for("office").post(reverse("supervision:talk_record"), {**base, "unit": water.pk, "orders": [o.pk]})
    assert other.status_code == 400 and "orders" in other.context["form"].errors
    assert Talk.objects.count() == 1


@pytest.mark.django_db
def test_the_first_campaign_takes_the_records_made_before_it(users: Any, client_for: Any) -> None:
    from bidwatch.web.campaign import services as ledger

    p = ledger.create(users["office"], source="other", category="other", unit=Agency.objects.get(code="housing"),
                      sector="housing", project_name="", tender=None, description="问题", measures="",
                      listed_on=D("2024-09-01"), deadline=D("2024-09-30"))
    assert p.campaign is None
    assert client_for("office").post(reverse("supervision:campaigns"), {
        "name": "2024年专项整治", "starts_on": "2024-01-01", "ends_on": "2024-12-31", "current": "on"}).status_code == 302
    p.refresh_from_db()
    assert p.campaign.name == "2024年专项整治"


@pytest.mark.django_db
def test_the_daily_escalation_reminds_unanswered_orders_and_proposes_a_talk(users: Any) -> None:
    o = order(users)  # due 2024-09-09
    answered = order(users)
    services.answer(answered, users["housing"], D("2024-09-12"), "迟报")
    assert services.escalate(D("2024-09-09")) == []
    assert [x.pk for x in services.escalate(D("2024-09-10"))] == [o.pk]
    assert services.escalate(D("2024-09-11")) == []  # one working day since the last reminder
    assert services.escalate(D("2024-09-12")) == []
    assert [x.pk for x in services.escalate(D("2024-09-13"))] == [o.pk]  # three working days: 11, 12, 13
    o.refresh_from_db()
    assert o.reminders == 2 and o.talk_proposed and o.last_reminded_on == D("2024-09-13")
    answered.refresh_from_db()
    assert answered.reminders == 0
    entries = AuditEntry.objects.filter(action="supervision", object_id=str(o.pk), detail__step="remind")
    assert entries.count() == 2 and all(e.user_id is None and e.detail["automatic"] for e in entries)
    assert o.events.filter(step="remind", actor__isnull=True).count() == 2


def test_the_remind_command_is_registered() -> None:
    import argparse

    from bidwatch.web.cli import register

    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    assert parser.parse_args(["web", "remind"]).func.__name__ == "cmd_remind"


@pytest.mark.django_db
def test_orders_and_talks_address_only_units_that_can_answer(users: Any, client_for: Any) -> None:
    audit, discipline, housing = (Agency.objects.get(code=c) for c in ("audit", "discipline", "housing"))
    page = client_for("discipline").get(reverse("supervision:order_issue"))
    offered = set(page.context["form"].fields["unit"].queryset.values_list("code", flat=True))
    assert {"housing", "transport", "police"} <= offered and not offered & {"audit", "discipline", "office", "water"}
    talk_form = client_for("discipline").get(reverse("supervision:talk_record")).context["form"]
    assert set(talk_form.fields["unit"].queryset.values_list("code", flat=True)) == offered
    for unit in (audit, discipline):  # 审计局 has only auditors; the commission would talk with itself
        with pytest.raises(ValueError, match="没有可以反馈督办单的用户"):
            services.issue(users["discipline"], campaign=campaign(), unit=unit, matter_kind="other", matter_ref="",
                           matter="事项", demand="要求", issued_on=D("2024-09-02"), workdays=5)
        with pytest.raises(ValueError, match="没有可以反馈督办单的用户"):
            services.record_talk(users["discipline"], campaign=campaign(), unit=unit, person="张某", position="局长",
                                 talkers="x", reason="y", held_on=D("2024-09-20"), commitments="z",
                                 follow_up_due=D("2024-10-15"))
    response = client_for("discipline").post(reverse("supervision:order_issue"), {
        "campaign": campaign().pk, "unit": audit.pk, "matter_kind": "other", "matter": "x", "demand": "y",
        "issued_on": "2024-09-02", "workdays": "5"})
    assert response.status_code == 400 and "unit" in response.context["form"].errors
    assert not SupervisionOrder.objects.exists() and not Talk.objects.exists()
    # near miss: a department whose staff answer
    assert order(users, by="discipline", unit="housing").unit == housing


@pytest.mark.django_db
def test_an_answer_is_not_dated_before_the_last_reminder(users: Any) -> None:
    o = order(users)  # due 2024-09-09
    services.remind(o, users["office"], D("2024-09-12"))
    with pytest.raises(ValueError, match="最近一次催办"):  # backdated to look in time
        services.answer(o, users["housing"], D("2024-09-06"), "已整改")
    with pytest.raises(ValueError, match="最近一次催办"):  # late, but still before the reminder
        services.answer(o, users["housing"], D("2024-09-11"), "已整改")
    o.refresh_from_db()
    assert o.status == "issued" and o.first_answered_on is None
    # near miss: the day of the reminder (answered after being reminded) is accepted, and counts as late
    services.answer(o, users["housing"], D("2024-09-12"), "已整改")
    o.refresh_from_db()
    assert o.answered_on == D("2024-09-12") and o.answered_on > o.deadline
    assert AuditEntry.objects.get(action="supervision", object_id=str(o.pk), detail__step="answer").detail["late"]
    # a new answer after a return is not dated before the previous one
    services.return_answer(o, users["office"], D("2024-09-13"), "材料不全", 3)
    with pytest.raises(ValueError, match="上一次反馈"):
        services.answer(o, users["housing"], D("2024-09-10"), "补充")


@pytest.mark.django_db
def test_reminders_one_a_day_in_order_and_none_on_rest_days(users: Any) -> None:
    o = order(users)  # due 2024-09-09
    services.remind(o, users["office"], D("2024-09-11"))
    with pytest.raises(ValueError, match="已催办"):  # a double click: no second count, no talk proposed
        services.remind(o, users["office"], D("2024-09-11"))
    with pytest.raises(ValueError, match="已催办"):  # dated before the last one
        services.remind(o, users["office"], D("2024-09-10"))
    o.refresh_from_db()
    assert (o.reminders, o.talk_proposed, o.events.filter(step="remind").count()) == (1, False, 1)
    # near miss: the next day's reminder counts and proposes the talk
    services.remind(o, users["office"], D("2024-09-12"))
    o.refresh_from_db()
    assert (o.reminders, o.talk_proposed) == (2, True)
    # the daily escalation sends nothing on a rest day (2024-10-19/20, a weekend) ...
    late = order(users, on="2024-10-14", workdays=3)  # due 2024-10-17 (Thu)
    assert services.escalate(D("2024-10-19")) == [] and services.escalate(D("2024-10-20")) == []
    late.refresh_from_db()
    assert late.reminders == 0
    # near miss: ... but on a working day, the first after the deadline
    assert late.pk in [x.pk for x in services.escalate(D("2024-10-18"))]


@pytest.mark.django_db
def test_an_order_before_the_campaign_or_issued_twice_is_refused(users: Any, client_for: Any) -> None:
    data = {"campaign": campaign().pk, "unit": Agency.objects.get(code="housing").pk, "matter_kind": "other",
            "matter_ref": "", "matter": "专班名单未报送", "demand": "立即补报", "issued_on": "1999-09-02", "workdays": "5"}
    office = client_for("office")
    before = office.post(reverse("supervision:order_issue"), data, HTTP_ACCEPT_LANGUAGE="en")
    assert before.status_code == 400 and "before the campaign starts" in before.content.decode()
    data["issued_on"] = "2024-09-02"
    assert office.post(reverse("supervision:order_issue"), data).status_code == 302
    twice = office.post(reverse("supervision:order_issue"), data, HTTP_ACCEPT_LANGUAGE="en")
    assert twice.status_code == 400 and "〔2024〕督字第1号" in twice.content.decode()
    assert SupervisionOrder.objects.count() == 1
    # near miss: the same matter to another unit, or another day, is another order
    assert office.post(reverse("supervision:order_issue"),
                       {**data, "unit": Agency.objects.get(code="transport").pk}).status_code == 302
    assert office.post(reverse("supervision:order_issue"), {**data, "issued_on": "2024-09-03"}).status_code == 302
    assert SupervisionOrder.objects.count() == 3


@pytest.mark.django_db
def test_the_supervision_pages_speak_one_language(users: Any, client_for: Any) -> None:
    from django.utils import translation

    o = order(users)
    en = client_for("office")
    # the units in the English dropdowns are English; a talk prints in the page's language
    form = en.get(reverse("supervision:order_issue"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Housing and Urban-Rural Development Bureau" in form and "住房和城乡建设局" not in form
    t = services.record_talk(users["office"], campaign=o.campaign, unit=o.unit, person="王某", position="局长",
                             talkers="专治办主任", reason="督办不力", held_on=D("2024-09-20"), commitments="限期整改",
                             follow_up_due=D("2024-10-15"))
    with translation.override("en"):
        assert str(t) == "Talk with Housing and Urban-Rural Development Bureau on 2024-09-20"
    with translation.override("zh-hans"):  # near miss: the Chinese page keeps the Chinese
        assert str(t) == "约谈 住房和城乡建设局 2024-09-20"
    # the order's page: one "Answer due", the deadline card under its own heading
    page = en.get(reverse("supervision:order", args=[o.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert page.count(">Answer due<") == 1 and "Deadline and reminders" in page
    # the orders' filter and the campaign list in Chinese: the words of their context
    orders = en.get(reverse("supervision:orders"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "已超办理时限" in orders and "已超整改时限" not in orders
    campaigns = en.get(reverse("supervision:campaigns"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "<th>起止时间</th>" in campaigns and "惩戒期间" not in campaigns
    # the printed order is a Chinese document whatever the page's language
    printed = en.get(reverse("supervision:order_print", args=[o.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"<td>台账问题 {o.matter_ref}" in printed and "Ledger problem" not in printed


@pytest.mark.django_db
def test_a_talk_is_not_linked_to_an_order_issued_after_it(users: Any, client_for: Any) -> None:
    """The order was issued 09-02: a talk held 09-01 linked to it is refused (page and service), naming the order and
    its date; held 09-02 (near miss) it is recorded."""
    c = campaign()
    o = order(users, on="2024-09-02")
    talk = {"campaign": c.pk, "unit": o.unit_id, "person": "张某", "position": "局长", "talkers": "纪工委书记",
            "reason": "督办不力", "orders": [o.pk], "commitments": "限期整改", "follow_up_due": "2024-10-15"}
    response = client_for("discipline").post(reverse("supervision:talk_record"), {**talk, "held_on": "2024-09-01"})
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors["orders"])
    assert o.number in errors and "2024-09-02" in errors
    with pytest.raises(ValueError, match="2024-09-02"):
        services.record_talk(users["discipline"], campaign=c, unit=o.unit, person="张某", position="局长",
                             talkers="纪工委书记", reason="督办不力", held_on=D("2024-09-01"), commitments="限期整改",
                             follow_up_due=D("2024-10-15"), orders=[o])
    assert not Talk.objects.exists()
    assert client_for("discipline").post(reverse("supervision:talk_record"),
                                         {**talk, "held_on": "2024-09-02"}).status_code == 302
    assert list(Talk.objects.get().orders.all()) == [o]


@pytest.mark.django_db
def test_an_order_about_a_ledger_problem_names_one_of_the_units(users: Any, client_for: Any) -> None:
    """台账问题 WT-2099-99999 does not exist; the housing unit's problem addressed to 交通运输局 is another unit's: both
    refused with the reason; the housing problem addressed to 住建局 (near miss) is issued."""
    housing, transport = Agency.objects.get(code="housing"), Agency.objects.get(code="transport")
    p = ledger_problem(users, housing)
    form = {"campaign": campaign().pk, "matter_kind": "problem", "matter": "整改逾期未反馈", "demand": "立即整改",
            "issued_on": "2024-09-02", "workdays": "5"}
    office = client_for("office")
    for unit, ref, said in ((housing, "WT-2099-99999", "不存在编号为 WT-2099-99999"),
                            (housing, f"WT-2024-{p.pk + 1000:05d}", "不存在"),
                            (transport, p.number, "不属于交通运输局")):
        response = office.post(reverse("supervision:order_issue"), {**form, "unit": unit.pk, "matter_ref": ref})
        assert response.status_code == 400 and said in response.content.decode(), ref
    assert not SupervisionOrder.objects.exists()
    response = office.post(reverse("supervision:order_issue"), {**form, "unit": housing.pk, "matter_ref": p.number})
    assert response.status_code == 302
    assert SupervisionOrder.objects.get().matter_ref == p.number
    # another kind of matter is not looked up (a transferred clue, a unit document: no register number)
    o = services.issue(users["office"], campaign=campaign(), unit=transport, matter_kind="other", matter_ref="某文件",
                       matter="其他事项", demand="说明情况", issued_on=D("2024-09-02"), workdays=5)
    assert o.matter_ref == "某文件"
