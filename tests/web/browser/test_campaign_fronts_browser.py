"""The campaign's fronts in Chromium: the office publishes a campaign's reporting channel, staff register a report
from it and the reporter's page lists it; a bulletin drafted and submitted by the office, the approval refused to
it and given by the office head (专治办主任)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from bidwatch.web.deadlines import today
from bidwatch.web.supervision.models import Bulletin, Campaign
from bidwatch.web.tipoffs.models import Channel, Tipoff


def _campaign() -> Campaign:
    y = today().year
    return Campaign.objects.create(name=f"{y}年专项整治", starts_on=f"{y}-01-01", ends_on=f"{y}-12-31", current=True)


def test_publish_a_channel_and_register_a_report_from_it(page_for: Callable[..., Any], app: str) -> None:
    c = _campaign()
    office = page_for("office")
    office.goto(app + "/tipoffs/channels/")
    form = office.locator("[data-testid=channel-form]")
    form.locator("select[name=kind]").select_option("hotline")
    form.locator("input[name=name]").fill("专项整治举报电话")
    form.locator("input[name=address]").fill("请拨打")  # not a number: refused, the error at the address
    form.locator("button").click()
    expect(office.locator("[data-testid=channel-form] .errorlist")).to_contain_text("0371-12345678")
    office.locator("[data-testid=channel-form] input[name=address]").fill("0371-12345678")
    office.locator("[data-testid=channel-form] button").click()
    expect(office.locator("[data-testid=channels]")).to_contain_text("0371-12345678")
    ch = Channel.objects.get()
    assert ch.campaign == c and ch.active

    staff = page_for("discipline", locale="en-US")
    staff.goto(app + "/tipoffs/new/")
    staff.locator("select[name=channel_ref]").select_option(str(ch.pk))
    staff.locator("input[name=subject]").fill("某评标专家")
    staff.locator("textarea[name=facts]").fill("评标专家收受投标人财物")
    staff.locator("input[name=received_on]").fill(str(today()))
    staff.locator("section.card form button.primary").click()
    expect(staff.locator("[data-testid=query-code]")).to_be_visible()
    t = Tipoff.objects.get()
    assert (t.channel, t.channel_ref, t.campaign) == ("hotline", ch, c)

    public = page_for("auditor")  # any browser: the reporter's page needs no login
    public.goto(app + "/tipoffs/submit/")
    expect(public.locator("[data-testid=public-channels]")).to_contain_text("0371-12345678")


def test_the_office_submits_a_bulletin_and_only_its_head_approves(page_for: Callable[..., Any], app: str) -> None:
    _campaign()
    office = page_for("office")
    office.goto(app + "/supervision/bulletins/new/")
    office.locator("input[name=title]").fill("关于某项目先建设后招标的通报")
    office.locator("textarea[name=body]").fill("已责令整改，对相关责任人问责。")
    office.locator("[data-testid=bulletin-form] button.primary").click()
    office.wait_for_url(re.compile(r"/supervision/bulletins/\d+/$"))
    assert office.locator("[data-testid=step-approve]").count() == 0  # a draft: the office submits it
    office.locator("summary", has_text="报送专治办主任审批").click()
    office.locator("[data-testid=step-submit] button").click()
    expect(office.locator("[data-testid=bulletin-status]")).to_have_text("已报送，待主任审批")
    expect(office.locator("[data-testid=awaits-head]")).to_be_visible()
    assert office.locator("[data-testid=step-approve]").count() == 0
    b = Bulletin.objects.get()
    # asked for directly (with the page's CSRF token), the approval is refused to a plain office user
    token = office.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")
    response = office.request.post(app + f"/supervision/bulletins/{b.pk}/step/approve/",
                                   form={"csrfmiddlewaretoken": token, "approve-on": str(today())})
    assert response.status == 403 and 'data-testid="refused"' in response.text()
    b.refresh_from_db()
    assert b.status == Bulletin.Status.SUBMITTED and b.approved_by is None

    head = page_for("head", locale="en-US")
    head.goto(app + "/")
    reminder = head.locator("[data-testid=bulletin-approval-reminder]")
    expect(reminder).to_contain_text("1 bulletin awaits your approval")
    head.goto(app + f"/supervision/bulletins/{b.pk}/")
    head.locator("summary", has_text="Approve (office head)").click()
    head.locator("[data-testid=step-approve] button").click()
    expect(head.locator("[data-testid=bulletin-status]")).to_have_text("Approved, to be published")
    expect(head.locator("[data-testid=approved-by]")).to_contain_text("head")
    b.refresh_from_db()
    assert b.status == Bulletin.Status.APPROVED and b.approved_by.username == "head"
