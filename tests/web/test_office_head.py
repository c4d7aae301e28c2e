"""The office head (专治办主任, issue 15 item 6): an office user with ``User.office_head`` holds the office's
capabilities and approves bulletins (``Cap.APPROVE_BULLETIN``); a plain office user drafts and submits but is
refused the approval — through the page (403, nothing written) and the service. The flag is audited like a role
change, refused on another role, seeded in the demo."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from bidwatch.web.accounts.models import Role, User
from bidwatch.web.accounts.roles import HEAD_CAPS, ROLE_CAPS, Cap, can, caps
from bidwatch.web.audit.models import AuditEntry
from bidwatch.web.supervision import services
from bidwatch.web.supervision.models import Bulletin, Campaign

D = dt.date.fromisoformat


def _campaign() -> Campaign:
    return Campaign.objects.create(name="2024年专项整治", starts_on=D("2024-01-01"), ends_on=D("2024-12-31"),
                                   current=True)


@pytest.mark.django_db
def test_the_head_holds_the_offices_capabilities_and_the_approval(users: Any) -> None:
    assert caps(users["head"]) == ROLE_CAPS[Role.OFFICE] | {Cap.APPROVE_BULLETIN}
    assert Cap.APPROVE_BULLETIN in HEAD_CAPS
    for name in ("office", "discipline", "housing", "auditor", "admin"):
        assert not can(users[name], Cap.APPROVE_BULLETIN), name
    # the flag on another role grants nothing, and the model refuses it
    auditor = users["auditor"]
    auditor.office_head = True
    assert not can(auditor, Cap.APPROVE_BULLETIN)
    with pytest.raises(ValidationError) as err:
        auditor.full_clean()
    assert "office_head" in err.value.message_dict
    head = users["head"]
    head.is_active = False
    assert not can(head, Cap.APPROVE_BULLETIN)


@pytest.mark.django_db
def test_a_plain_office_user_drafts_and_submits_the_head_approves(users: Any, client_for: Any) -> None:
    c = _campaign()
    office, head = client_for("office"), client_for("head")
    assert office.post(reverse("supervision:bulletin_draft"), {
        "campaign": c.pk, "title": "关于某项目先建设后招标的通报", "body": "已责令整改并追责"}).status_code == 302
    b = Bulletin.objects.get()
    url = lambda step: reverse("supervision:bulletin_step", args=[b.pk, step])  # noqa: E731
    # a draft: the office may not approve it even before submitting (the head's step, and not open yet)
    assert office.post(url("approve"), {"approve-on": "2024-10-09"}).status_code == 403
    assert office.post(url("submit"), {"submit-on": "2024-10-09", "submit-note": "报请审批"}).status_code == 302
    b.refresh_from_db()
    assert b.status == Bulletin.Status.SUBMITTED
    page = office.get(reverse("supervision:bulletin", args=[b.pk])).content.decode()
    assert 'data-testid="step-approve"' not in page and 'data-testid="awaits-head"' in page

    before = (b.events.count(), AuditEntry.objects.filter(action="bulletin", object_id=str(b.pk)).count())
    assert office.post(url("approve"), {"approve-on": "2024-10-10", "approve-note": "同意"}).status_code == 403
    assert office.post(url("return"), {"return-on": "2024-10-10", "return-reason": "x"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.approve_bulletin(b, users["office"], D("2024-10-10"))
    b.refresh_from_db()
    assert b.status == Bulletin.Status.SUBMITTED and b.approved_by is None
    assert (b.events.count(), AuditEntry.objects.filter(action="bulletin", object_id=str(b.pk)).count()) == before

    # the head is reminded on the dashboard, and approves
    assert 'data-testid="bulletin-approval-reminder"' in head.get(reverse("tenders:dashboard")).content.decode()
    dashboard = office.get(reverse("tenders:dashboard")).content.decode()
    assert 'data-testid="bulletin-approval-reminder"' not in dashboard
    assert head.post(url("approve"), {"approve-on": "2024-10-10", "approve-note": "同意"}).status_code == 302
    b.refresh_from_db()
    assert b.status == Bulletin.Status.APPROVED
    assert b.approved_by == users["head"] and b.approved_on == D("2024-10-10")
    entry = AuditEntry.objects.filter(action="bulletin", object_id=str(b.pk)).order_by("id").last()
    assert entry.user == users["head"] and entry.detail["step"] == "approve"
    assert office.post(url("publish"), {"publish-on": "2024-10-11"}).status_code == 302
    b.refresh_from_db()
    assert b.number == "〔2024〕通报第1号"
    assert [e.step for e in b.events.all()] == ["draft", "submit", "approve", "publish"]
    assert [e.actor.username for e in b.events.all()] == ["office", "office", "head", "office"]


@pytest.mark.django_db
def test_the_head_returns_an_approved_bulletin_and_it_needs_approval_again(users: Any) -> None:
    b = services.draft_bulletin(users["office"], campaign=_campaign(), title="典型案例", body="正文")
    services.submit_bulletin(b, users["office"], D("2024-10-09"))
    services.approve_bulletin(b, users["head"], D("2024-10-10"))
    with pytest.raises(PermissionDenied):
        services.return_bulletin(b, users["office"], D("2024-10-10"), "需要脱敏")
    services.return_bulletin(b, users["head"], D("2024-10-11"), "需要脱敏")
    b.refresh_from_db()
    assert b.status == Bulletin.Status.DRAFT and b.approved_by is None and b.approved_on is None
    with pytest.raises(ValueError):  # a draft is submitted again before the head can approve it
        services.approve_bulletin(b, users["head"], D("2024-10-12"))


@pytest.mark.django_db
def test_making_a_user_the_head_is_audited(users: Any) -> None:
    office = users["office"]
    office.office_head = True
    office.save()
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.USER, object_id=str(office.pk)).order_by("id").last()
    assert entry.detail["changes"] == {"office_head": [False, True]}
    assert can(User.objects.get(pk=office.pk), Cap.APPROVE_BULLETIN)


@pytest.mark.django_db
def test_the_demo_seeds_a_head_who_approved_the_published_bulletin(users: Any, settings: Any, tmp_path: Any) -> None:
    from bidwatch.web.accounts.services import DEMO_OFFICE_HEADS, seed_demo_users
    from bidwatch.web.supervision.demo import seed_demo_campaign

    settings.MEDIA_ROOT = tmp_path
    User.objects.filter(username="head").delete()  # the demo's own head, not the tests'
    seed_demo_users()
    head = User.objects.get(username="head")
    assert DEMO_OFFICE_HEADS == {"head"} and head.office_head and head.role == Role.OFFICE
    assert not User.objects.get(username="office").office_head
    seed_demo_campaign(User.objects.get(username="office"))
    published = Bulletin.objects.get(status=Bulletin.Status.PUBLISHED)
    assert published.approved_by == head
    assert Bulletin.objects.filter(status=Bulletin.Status.DRAFT).count() == 1


@pytest.mark.django_db
def test_the_profile_says_who_heads_the_office(client_for: Any) -> None:
    assert 'data-testid="office-head"' in client_for("head").get(reverse("accounts:profile")).content.decode()
    assert 'data-testid="office-head"' not in client_for("office").get(reverse("accounts:profile")).content.decode()


@pytest.mark.django_db
def test_the_draft_page_starts_from_a_clue_and_keeps_the_link(users: Any, client_for: Any) -> None:
    from bidwatch.web.alerts import services as clues

    c = _campaign()
    clue = clues.raise_clue(None, users["office"], users["housing"].agency, "某标段围标串标线索")
    office = client_for("office")
    page = office.get(reverse("supervision:bulletin_draft"), {"clue": clue.pk})
    assert page.status_code == 200 and page.context["links"] == {"clue": clue}
    assert page.context["form"].initial["body"] == "某标段围标串标线索"
    # a form with errors comes back with them (400), nothing drafted
    missing = office.post(reverse("supervision:bulletin_draft"), {"clue": clue.pk, "campaign": c.pk, "title": "t"})
    assert missing.status_code == 400 and "body" in missing.context["form"].errors
    assert not Bulletin.objects.exists()
    done = office.post(reverse("supervision:bulletin_draft"), {"clue": clue.pk, "campaign": c.pk,
                                                               "title": "典型案例", "body": "已移送"}, follow=True)
    b = Bulletin.objects.get()
    assert done.redirect_chain[-1][0] == reverse("supervision:bulletin", args=[b.pk])
    assert b.clue == clue and b.drafted_by == users["office"] and [e.step for e in b.events.all()] == ["draft"]
    assert [str(m) for m in done.context["messages"]] == [str(_("Saved."))]


@pytest.mark.django_db
def test_the_profile_says_what_the_role_may_do_in_words(client_for: Any) -> None:
    page = client_for("office").get(reverse("accounts:profile"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    may = page.split('data-testid="may"')[1].split("</ul>")[0]
    assert "确认或排除预警" in may and "triage" not in may and "view_imports" not in may
    # near miss: the auditor reads and changes nothing: no 确认或排除预警
    auditor = client_for("auditor").get(reverse("accounts:profile"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "确认或排除预警" not in auditor.split('data-testid="may"')[1] and "查看操作日志" in auditor


@pytest.mark.django_db
def test_a_bulletin_from_a_complaint_leaves_out_the_complainant(users: Any, client_for: Any) -> None:
    from bidwatch.web.complaints.models import Complaint
    from tests.web.test_complaints import _form

    _campaign()
    assert client_for("office").post(reverse("complaints:create"), _form()).status_code == 302
    complaint = Complaint.objects.latest("id")
    page = client_for("office").get(reverse("supervision:bulletin_draft"), {"complaint": complaint.pk})
    body = page.context["form"].initial["body"]
    assert "长沙乙建筑工程有限公司" not in body and "长沙乙建筑工程有限公司" not in page.content.decode()
    # near miss: the project and the respondent are the case
    assert "安置房一标段施工" in body and "某区城市建设投资有限公司" in body


@pytest.mark.django_db
def test_bulletin_dates_run_in_order_and_the_drafter_does_not_approve(users: Any) -> None:
    c = _campaign()
    b = services.draft_bulletin(users["office"], campaign=c, title="典型案例", body="正文")
    with pytest.raises(ValueError, match="不能早于专项整治开始日期"):  # years before the campaign
        services.submit_bulletin(b, users["office"], D("2020-10-09"))
    services.submit_bulletin(b, users["office"], D("2024-10-09"))
    with pytest.raises(ValueError, match="审批日期早于报审日期"):
        services.approve_bulletin(b, users["head"], D("2024-10-08"))
    services.approve_bulletin(b, users["head"], D("2024-10-09"))  # near miss: the same day
    with pytest.raises(ValueError, match="发布日期早于审批日期"):
        services.publish_bulletin(b, users["office"], D("2024-10-08"))
    services.publish_bulletin(b, users["office"], D("2024-10-10"))
    # the head drafts and submits a bulletin alone: another must approve it
    own = services.draft_bulletin(users["head"], campaign=c, title="典型案例二", body="正文")
    services.submit_bulletin(own, users["head"], D("2024-10-09"))
    with pytest.raises(ValueError, match="起草人"):
        services.approve_bulletin(own, users["head"], D("2024-10-10"))
    own.refresh_from_db()
    assert own.status == Bulletin.Status.SUBMITTED and own.approved_by is None


@pytest.mark.django_db
def test_a_bulletin_links_its_ledger_problem_only_for_who_may_open_it(users: Any, client_for: Any) -> None:
    from bidwatch.web.accounts.models import Agency
    from bidwatch.web.campaign import services as ledger

    c = _campaign()
    p = ledger.create(users["office"], source="other", category="other", unit=Agency.objects.get(code="housing"),
                      sector="housing", project_name="项目", tender=None, description="先建后招", measures="",
                      listed_on=D("2024-09-01"), deadline=D("2024-09-30"))
    b = services.draft_bulletin(users["office"], campaign=c, title="典型案例", body="正文", problem=p)
    services.submit_bulletin(b, users["office"], D("2024-10-09"))
    services.approve_bulletin(b, users["head"], D("2024-10-10"))
    services.publish_bulletin(b, users["office"], D("2024-10-11"))
    url = reverse("supervision:bulletin", args=[b.pk])
    other = client_for("transport").get(url).content.decode()
    assert p.number in other and 'data-testid="problem-link"' not in other
    # near miss: the unit whose problem it is, and the office, open it
    for role in ("housing", "office"):
        assert 'data-testid="problem-link"' in client_for(role).get(url).content.decode()
