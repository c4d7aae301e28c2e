"""The campaign front in Chromium: the office issues a supervision order, the unit answers it (in English), the
office accepts it; the assessment page with its ranking, drill-down and a manual adjustment; a unit refused."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from bidwatch.web.supervision.models import Campaign, SupervisionOrder


def test_issue_answer_and_accept_an_order(page_for: Callable[..., Any], app: str) -> None:
    Campaign.objects.create(name="2024年专项整治", starts_on="2024-01-01", ends_on="2024-12-31", current=True)
    office = page_for("office")
    office.goto(app + "/supervision/orders/")
    office.click("[data-testid=issue-order]")
    form = office.locator("[data-testid=order-form]")
    form.locator("select[name=unit]").select_option(label="住房和城乡建设局")
    form.locator("select[name=matter_kind]").select_option("problem")
    form.locator("textarea[name=matter]").fill("安置房项目整改逾期未反馈")
    form.locator("textarea[name=demand]").fill("五个工作日内书面反馈整改情况")
    form.locator("input[name=issued_on]").fill("2024-09-02")
    form.locator("input[name=workdays]").fill("5")
    form.locator("button").click()
    office.wait_for_url(re.compile(r"/supervision/orders/\d+/$"))
    expect(office.locator("[data-testid=order-number]")).to_have_text("〔2024〕督字第1号")
    expect(office.locator("[data-testid=order-status]")).to_have_text("已下发，待反馈")
    o = SupervisionOrder.objects.get()
    assert o.deadline.isoformat() == "2024-09-09" and o.issuer.code == "office"

    unit = page_for("housing", locale="en-US")
    unit.goto(app + f"/supervision/orders/{o.pk}/")
    assert unit.locator("[data-testid=step-accept]").count() == 0  # the unit does not review its own answer
    unit.locator("summary", has_text="Report how the matter was handled").click()
    step = unit.locator("[data-testid=step-answer]")
    step.locator("input[name='answer-on']").fill("2024-09-06")
    step.locator("textarea[name='answer-answer']").fill("已完成整改，相关责任人已问责")
    step.locator("button").click()
    expect(unit.locator("[data-testid=order-status]")).to_have_text("Answered, awaiting review")
    expect(unit.locator("[data-testid=order-answer]")).to_contain_text("已完成整改")

    office.reload()
    office.locator("summary", has_text="认可").click()
    office.locator("[data-testid=step-accept] button").click()
    expect(office.locator("[data-testid=order-status]")).to_have_text("反馈已认可")
    expect(office.locator("[data-testid=history]")).to_contain_text("已反馈")

    # a unit may not issue: not offered, and refused when asked for directly
    unit.goto(app + "/supervision/orders/")
    assert unit.locator("[data-testid=issue-order]").count() == 0
    unit.goto(app + "/supervision/orders/new/")
    assert unit.locator("[data-testid=refused]").is_visible()


def test_assessment_ranking_drill_down_and_adjustment(page_for: Callable[..., Any], app: str) -> None:
    from tests.web import factories
    from tests.web.test_assessment import build

    c = build(factories.users_by_name())
    q = f"?campaign={c.pk}&start=2024-07-01&end=2024-09-30"
    office = page_for("office")
    office.goto(app + "/supervision/assessment/" + q)
    expect(office.locator("[data-testid=total-housing]")).to_have_text("27.50")
    expect(office.locator("[data-testid=total-transport]")).to_have_text("70.00")
    office.click("[data-testid=drill-housing]")
    expect(office.locator("[data-testid=unit-total]")).to_have_text("27.50")
    expect(office.locator("[data-testid=item-orders]")).to_contain_text("〔2024〕督字第2号")
    office.go_back()
    form = office.locator("[data-testid=adjust-form]")
    form.locator("select[name=unit]").select_option(label="住房和城乡建设局")
    form.locator("input[name=points]").fill("3")
    form.locator("textarea[name=reason]").fill("整改经验被省专治办推广")
    form.locator("input[name=on]").fill("2024-09-20")
    form.locator("button").click()
    office.goto(app + "/supervision/assessment/" + q)
    expect(office.locator("[data-testid=total-housing]")).to_have_text("30.50")

    unit = page_for("housing", locale="en-US")
    unit.goto(app + "/supervision/assessment/" + q)
    expect(unit.locator("[data-testid=total-housing]")).to_have_text("30.50")
    assert unit.locator("[data-testid=total-transport]").count() == 0
    assert unit.locator("[data-testid=adjust-form]").count() == 0
