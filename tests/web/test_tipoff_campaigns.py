"""Reports (举报) belong to a campaign and come through the channels it publishes (issue 15 item 1, issue 16 item 1):
the migration putting today's reports and channels into the default campaign, the campaign office's channels page
(published, changed, withdrawn; audited; checked by kind; refused to the others), the registration form and the
reporter's page offering only the current campaign's channels, the list filtered by campaign and the campaign
report counting reports per campaign."""

from __future__ import annotations

import datetime as dt
import importlib
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from bidwatch.web.audit.models import AuditEntry
from bidwatch.web.deadlines import today
from bidwatch.web.supervision.models import Campaign
from bidwatch.web.tipoffs import services
from bidwatch.web.tipoffs.models import Channel, Tipoff

migration = importlib.import_module("bidwatch.web.tipoffs.migrations.0002_campaign_channels")
D = dt.date.fromisoformat


class _Apps:
    @staticmethod
    def get_model(app: str, name: str) -> Any:
        return {("supervision", "Campaign"): Campaign, ("tipoffs", "Tipoff"): Tipoff,
                ("tipoffs", "Channel"): Channel}[(app, name)]


def _two_campaigns() -> tuple[Campaign, Campaign]:
    """Last year's campaign with its hotline, and this year's (current) with another hotline and an e-mail box."""
    y = today().year
    old = Campaign.objects.create(name=f"{y - 1}年专项整治", starts_on=D(f"{y - 1}-01-01"), ends_on=D(f"{y - 1}-12-31"))
    new = Campaign.objects.create(name=f"{y}年专项整治", starts_on=D(f"{y}-01-01"), ends_on=D(f"{y}-12-31"),
                                  current=True)
    Channel.objects.create(campaign=old, kind="hotline", name="去年举报电话", address="0371-11111111")
    Channel.objects.create(campaign=new, kind="hotline", name="举报电话", address="0371-12345678")
    Channel.objects.create(campaign=new, kind="email", name="举报邮箱", address="jubao@example.gov.cn")
    Channel.objects.create(campaign=new, kind="letter", name="旧来信地址", address="人民路1号", active=False)
    return old, new


def _register(user: Any, **over: Any) -> Tipoff:
    fields = {"subject": "某区住建局张科长", "sector": "housing", "facts": "为投标人打招呼",
              "received_on": today() - dt.timedelta(days=2), **over}
    return services.register(user, **fields)[0]


@pytest.mark.django_db
def test_the_migration_puts_todays_reports_and_channels_into_the_default_campaign(users: Any) -> None:
    migration.forwards(_Apps(), None)  # nothing to migrate: no campaign made
    assert not Campaign.objects.exists()
    ch = Channel.objects.create(kind="hotline", name="举报电话", address="0731-12388")
    t = _register(users["office"], channel="hotline", received_on=D("2024-05-06"))
    assert ch.campaign is None and t.campaign is None and t.channel_ref == ch  # made before any campaign
    migration.forwards(_Apps(), None)
    c = Campaign.objects.get()
    assert c.current and c.starts_on == D("2024-05-06") and "2024年" in c.name
    t.refresh_from_db()
    ch.refresh_from_db()
    assert t.campaign == c and ch.campaign == c
    migration.forwards(_Apps(), None)
    assert Campaign.objects.count() == 1
    # where a campaign exists (supervision 0002 made it), the reports join the current one
    later = Campaign.objects.create(name="2025年专项整治", starts_on=D("2025-01-01"), ends_on=D("2025-12-31"))
    Campaign.objects.exclude(pk=later.pk).update(current=False)
    Campaign.objects.filter(pk=later.pk).update(current=True)
    orphan = _register(users["office"], channel="visit")
    Tipoff.objects.filter(pk=orphan.pk).update(campaign=None)
    migration.forwards(_Apps(), None)
    orphan.refresh_from_db()
    assert orphan.campaign == later and Tipoff.objects.get(pk=t.pk).campaign == c


@pytest.mark.django_db
def test_a_report_belongs_to_the_campaign_of_the_channel_it_came_through(users: Any) -> None:
    old, new = _two_campaigns()
    hotline = Channel.objects.get(campaign=new, kind="hotline")
    t = _register(users["office"], channel_ref=hotline)
    assert (t.campaign, t.channel, t.channel_ref) == (new, "hotline", hotline)
    entry = AuditEntry.objects.filter(action="tipoff", object_id=str(t.pk)).get()
    assert entry.detail["channel_ref"] == hotline.pk and entry.detail["campaign"] == new.pk
    # a kind alone: the campaign's one published channel of that kind; none of it published: the kind only
    assert _register(users["office"], channel="email").channel_ref.address == "jubao@example.gov.cn"
    letter = _register(users["office"], channel="letter")
    assert letter.channel_ref is None and letter.campaign == new
    # last year's channel, a withdrawn one, a kind that is not the channel's, no channel at all: refused
    for bad in ({"channel_ref": Channel.objects.get(campaign=old)},
                {"channel_ref": Channel.objects.get(active=False)},
                {"channel_ref": hotline, "channel": "email"}, {"channel": ""}):
        with pytest.raises(ValueError):
            _register(users["office"], **bad)
    # the reporter's own submission: the campaign's online channel when it publishes one
    online = Channel.objects.create(campaign=new, kind="online", name="网上举报", address="/tipoffs/submit/")
    web, _code = services.submit(subject="某投标人", facts="围标")
    assert (web.campaign, web.channel, web.channel_ref) == (new, "online", online)


@pytest.mark.django_db
def test_staff_are_offered_only_the_current_campaigns_published_channels(users: Any, client_for: Any) -> None:
    old, new = _two_campaigns()
    page = client_for("office").get(reverse("tipoffs:create")).content.decode()
    select = re.search(r'<select name="channel_ref".*?</select>', page, re.S).group(0)
    assert "0371-12345678" in select and "jubao@example.gov.cn" in select
    assert "0371-11111111" not in select and "人民路1号" not in select  # last year's, withdrawn
    form = {"subject": "某评标专家", "sector": "transport", "facts": "收受财物", "received_on": str(today())}
    refused = client_for("office").post(reverse("tipoffs:create"),
                                        {**form, "channel_ref": Channel.objects.get(campaign=old).pk})
    assert refused.status_code == 400 and not Tipoff.objects.exists()
    email = Channel.objects.get(kind="email")
    assert client_for("office").post(reverse("tipoffs:create"), {**form, "channel_ref": email.pk}).status_code == 200
    t = Tipoff.objects.get()
    assert (t.channel, t.channel_ref, t.campaign) == ("email", email, new)
    detail = client_for("auditor").get(reverse("tipoffs:detail", args=[t.pk])).content.decode()
    assert new.name in detail and "jubao@example.gov.cn" in detail
    # a campaign without channels: the form says so (and where the office publishes them)
    Campaign.objects.update(current=False)
    Campaign.objects.create(name="下一年专项整治", starts_on=today(), ends_on=today(), current=True)
    page = client_for("office").get(reverse("tipoffs:create")).content.decode()
    assert 'data-testid="no-channel"' in page and reverse("tipoffs:channels") in page
    assert reverse("tipoffs:channels") not in client_for("discipline").get(reverse("tipoffs:create")).content.decode()


@pytest.mark.django_db
def test_the_reporters_page_lists_the_current_campaigns_published_channels(users: Any) -> None:
    _two_campaigns()
    page = Client().get(reverse("tipoffs:intake")).content.decode()
    listed = re.search(r'data-testid="public-channels">(.*?)</ul>', page, re.S).group(1)
    assert "0371-12345678" in listed and "jubao@example.gov.cn" in listed
    assert "0371-11111111" not in listed and "人民路1号" not in listed


@pytest.mark.django_db
def test_the_office_publishes_changes_and_withdraws_channels(users: Any, client_for: Any) -> None:
    old, new = _two_campaigns()
    url = reverse("tipoffs:channels")
    office = client_for("office")
    listed = office.get(url).content.decode()
    assert "0371-12345678" in listed and "0371-11111111" not in listed and 'data-testid="channel-form"' in listed
    assert "0371-11111111" in office.get(url, {"campaign": old.pk}).content.decode()
    response = office.post(url, {"kind": "visit", "name": "来访接待", "address": "行政服务中心三楼", "active": "on"})
    assert response.status_code == 302
    visit = Channel.objects.get(kind="visit")
    assert visit.campaign == new and visit.active
    entry = AuditEntry.objects.get(action="campaign", object_id=str(visit.pk), detail__step="channel_add")
    assert entry.user == users["office"] and entry.detail["changes"]["address"] == [None, "行政服务中心三楼"]
    # checked by kind, the error on the address; the same channel twice refused
    for kind, address in (("hotline", "请拨打热线"), ("email", "not-an-address"), ("online", "www.example.cn"),
                          ("hotline", "0371-12345678")):
        bad = office.post(url, {"kind": kind, "name": "x", "address": address, "active": "on"})
        assert bad.status_code == 400, (kind, address)
        assert 'id="id_address_error"' in bad.content.decode() or "errorlist" in bad.content.decode()
    assert Channel.objects.filter(campaign=new).count() == 4
    # the number changed, then the channel withdrawn: gone from the form and the reporter's page, its reports keep it
    hotline = Channel.objects.get(campaign=new, kind="hotline")
    t = _register(users["office"], channel_ref=hotline)
    edit = reverse("tipoffs:channel_edit", args=[hotline.pk])
    assert office.post(edit, {"kind": "hotline", "name": "举报电话", "address": "0371-87654321",
                              "active": "on"}).status_code == 302
    assert office.post(edit, {"kind": "hotline", "name": "举报电话", "address": "0371-87654321"}).status_code == 302
    hotline.refresh_from_db()
    assert hotline.address == "0371-87654321" and not hotline.active
    changes = [e.detail["changes"] for e in AuditEntry.objects.filter(
        action="campaign", object_id=str(hotline.pk), detail__step="channel_change").order_by("id")]
    assert changes == [{"address": ["0371-12345678", "0371-87654321"]}, {"active": [True, False]}]
    assert "0371-87654321" not in Client().get(reverse("tipoffs:intake")).content.decode()
    assert "0371-87654321" not in office.get(reverse("tipoffs:create")).content.decode()
    t.refresh_from_db()
    assert t.channel_ref == hotline


@pytest.mark.django_db
def test_only_the_office_configures_channels(users: Any, client_for: Any) -> None:
    _old, new = _two_campaigns()
    hotline = Channel.objects.get(campaign=new, kind="hotline")
    data = {"kind": "visit", "name": "来访接待", "address": "三楼", "active": "on"}
    edit = reverse("tipoffs:channel_edit", args=[hotline.pk])
    for role in ("discipline", "auditor"):  # they read the channels, and may change nothing
        page = client_for(role).get(reverse("tipoffs:channels"))
        assert page.status_code == 200 and "0371-12345678" in page.content.decode()
        assert 'data-testid="channel-form"' not in page.content.decode()
        assert client_for(role).post(reverse("tipoffs:channels"), data).status_code == 403
        assert client_for(role).get(edit).status_code == 403
        assert client_for(role).post(edit, {**data, "kind": "hotline", "address": "110"}).status_code == 403
    for role in ("housing", "police", "admin"):
        assert client_for(role).get(reverse("tipoffs:channels")).status_code == 403
        assert client_for(role).post(reverse("tipoffs:channels"), data).status_code == 403
    hotline.refresh_from_db()
    assert hotline.address == "0371-12345678" and not Channel.objects.filter(kind="visit").exists()
    assert not AuditEntry.objects.filter(action="campaign", detail__step__startswith="channel").exists()
    with pytest.raises(Exception, match="run_campaign"):
        services.save_channel(users["discipline"], hotline)


@pytest.mark.django_db
def test_the_list_shows_the_current_campaigns_reports_unless_another_is_chosen(users: Any, client_for: Any) -> None:
    old, new = _two_campaigns()
    this = _register(users["office"], channel="hotline")
    last = _register(users["office"], channel="visit")
    Tipoff.objects.filter(pk=last.pk).update(campaign=old)
    listed = lambda **q: client_for("auditor").get(reverse("tipoffs:list"), q).content.decode()  # noqa: E731
    assert this.number in listed() and last.number not in listed()
    assert this.number in listed(state="") and last.number not in listed(state="")
    assert last.number in listed(campaign=old.pk) and this.number not in listed(campaign=old.pk)
    assert this.number in listed(campaign="all") and last.number in listed(campaign="all")


@pytest.mark.django_db
def test_the_first_campaign_takes_the_reports_and_channels_made_before_it(users: Any, client_for: Any) -> None:
    ch = Channel.objects.create(kind="hotline", name="举报电话", address="0731-12388")
    t = _register(users["office"], channel="hotline")
    assert client_for("office").post(reverse("supervision:campaigns"), {
        "name": "2024年专项整治", "starts_on": "2024-01-01", "ends_on": "2024-12-31", "current": "on"}).status_code == 302
    c = Campaign.objects.get()
    t.refresh_from_db()
    ch.refresh_from_db()
    assert t.campaign == c and ch.campaign == c
    assert t.channel_ref == ch and Channel.published().get() == ch


@pytest.mark.django_db
def test_the_campaign_report_counts_reports_per_campaign(users: Any) -> None:
    from bidwatch.web.reports.figures import tipoffs as section

    old, new = _two_campaigns()
    for _ in range(2):
        _register(users["office"], channel="hotline")
    last = _register(users["office"], channel="visit")
    Tipoff.objects.filter(pk=last.pk).update(campaign=old)
    s = section(users["office"], today() - dt.timedelta(days=30), today())
    assert s.counts[0][1] == 3  # reports received in the period
    title, by_campaign = s.breakdowns[-1]
    assert "专项整治" in title and dict(by_campaign) == {new.name: 2, old.name: 1}


@pytest.mark.django_db
def test_next_years_campaign_publishes_last_years_channels_again(users: Any, client_for: Any) -> None:
    old, new = _two_campaigns()
    Channel.objects.create(campaign=old, kind="email", name="去年邮箱", address="jubao@example.gov.cn")
    Channel.objects.create(campaign=old, kind="visit", name="去年接待", address="三楼", active=False)
    url = reverse("tipoffs:channels")
    assert client_for("discipline").post(url, {"copy_from": old.pk}).status_code == 403
    assert Channel.objects.filter(campaign=new).count() == 3
    page = client_for("office").get(url).content.decode()
    assert 'data-testid="copy-channels"' in page and old.name in page.split('data-testid="copy-channels"')[1]
    assert client_for("office").post(url, {"copy_from": old.pk}).status_code == 302
    # last year's published hotline is copied; its e-mail box the new campaign publishes already; the withdrawn
    # reception desk stays behind
    copied = Channel.objects.filter(campaign=new).exclude(pk__in=[c.pk for c in Channel.objects.filter(
        campaign=new, name__in=["举报电话", "举报邮箱", "旧来信地址"])])
    assert [(c.kind, c.address, c.active) for c in copied] == [("hotline", "0371-11111111", True)]
    assert AuditEntry.objects.filter(action="campaign", object_id=str(copied.get().pk),
                                     detail__step="channel_add").count() == 1
    assert client_for("office").post(url, {"copy_from": old.pk}).status_code == 302  # again: nothing more
    assert Channel.objects.filter(campaign=new).count() == 4
