"""The campaign's daily work, driven in Chromium: log in per role, import (bad, then good), read an
alert's evidence on the tender page, triage, and meet a refusal."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web import factories

ROLE_NAMES = {"admin": "系统管理员", "office": "专项整治办公室", "discipline": "纪工委/监工委", "housing": "行业部门人员",
              "auditor": "审计（只读）"}


@pytest.mark.parametrize("username", sorted(ROLE_NAMES))
def test_each_role_logs_in_and_sees_the_dashboard(page_for: Callable[..., Any], username: str) -> None:
    page = page_for(username)
    assert ROLE_NAMES[username] in page.inner_text("[data-testid=whoami]")
    assert page.locator("h1").first.inner_text() == "总览"
    # The chart library (served locally) drew on the canvases.
    page.wait_for_function("() => document.querySelector('canvas[data-chart]') && document.querySelector('canvas[data-chart]').chart")


def test_wrong_password_is_refused(chromium: Any, app: str) -> None:
    page = chromium.new_page()
    page.goto(app + "/accounts/login/")
    page.fill("input[name=username]", "office")
    page.fill("input[name=password]", "wrong-password")
    page.click("button[type=submit]")
    # the click returns before the answer has loaded: wait for it, do not sample it
    expect(page.locator("[data-testid=login-error]")).to_be_visible()
    page.close()


def test_role_without_the_right_sees_the_refused_page(page_for: Callable[..., Any], app: str) -> None:
    page = page_for("housing")
    assert page.locator("nav >> text=审计日志").count() == 0  # not offered ...
    response = page.goto(app + "/audit/")  # ... and refused when asked for directly
    assert response.status == 403
    assert page.locator("[data-testid=refused]").is_visible()
    assert "拒绝访问" in page.inner_text("h1")


def _upload(page: Any, app: str, path: Path, source: str = factories.SOURCE) -> None:
    page.goto(app + "/imports/")
    page.set_input_files("input[type=file]", str(path))
    page.fill("input[name=source_system]", source)  # the test dataset's system: a re-import of it
    page.click("[data-testid=upload-form] button")
    page.wait_for_url(re.compile(r"/imports/\d+/$"))


def test_faulty_dataset_shows_the_problem_table(page_for: Callable[..., Any], app: str, tmp_path: Path) -> None:
    page = page_for("office")
    _upload(page, app, factories.zip_dataset(factories.write_dataset(tmp_path / "bad", fault=True)))
    table = page.wait_for_selector("[data-testid=problem-table]", timeout=60_000)
    text = table.inner_text()
    assert "四百万" in text and "C404" in text and "bids" in text


def test_good_dataset_is_scanned_with_progress(page_for: Callable[..., Any], app: str, tmp_path: Path) -> None:
    page = page_for("office")
    _upload(page, app, factories.zip_dataset(factories.write_dataset(tmp_path / "good")))
    # htmx polls the status until the worker has finished.
    page.wait_for_selector("[data-testid=import-done]", timeout=120_000)
    assert page.locator("[data-testid=import-status]").get_attribute("data-scan-status") == "done"
    page.click("text=查看预警")
    page.wait_for_selector("[data-testid=alert-table]")
    assert "投标保证金从同一账户转出" in page.inner_text("[data-testid=alert-table]")


def test_tender_page_shows_evidence_law_chart_and_graph(page_for: Callable[..., Any], app: str) -> None:
    page = page_for("housing")
    page.goto(app + "/tenders/T1")
    sentence = page.locator("[data-testid=evidence-sentence]").first.inner_text()
    assert "同一账户" in sentence
    assert "第四十条" in page.inner_text("#alerts")
    page.wait_for_function("() => document.getElementById('link-graph').dataset.ready === '1'")
    assert page.evaluate("() => document.getElementById('link-graph').cy.edges().length") >= 2
    page.wait_for_function("() => document.querySelector('canvas[data-chart=chart-prices]').chart")
    page.click("text=查看并处置 >> nth=0")
    page.wait_for_url(re.compile(r"/alerts/a/"))
    expect(page.locator("[data-testid=evidence]")).to_be_visible()


def test_triage_confirm_dismiss_and_clue(page_for: Callable[..., Any], app: str) -> None:
    from bidwatch.web.alerts.models import Alert

    page = page_for("housing")
    bond = Alert.objects.get(indicator="bond_same_account")
    single = Alert.objects.get(indicator="single_bid")
    page.goto(f"{app}/alerts/a/{bond.pk}")
    page.fill("[data-testid=confirm-form] textarea", "已调取银行流水核实")
    page.click("[data-testid=confirm-form] button")
    expect(page.locator("[data-testid=alert-status]")).to_contain_text("已确认")
    page.select_option("[data-testid=clue-form] select[name=assigned_unit]", label="纪工委/监工委")
    page.fill("[data-testid=clue-form] textarea", "同一账户缴纳保证金，疑似围标，移交纪工委")
    page.click("[data-testid=clue-form] button")
    expect(page.locator("[data-testid=alert-status]")).to_contain_text("已形成线索")
    assert "XS-" in page.inner_text("[data-testid=history]")
    page.goto(f"{app}/alerts/a/{single.pk}")
    page.fill("[data-testid=dismiss-form] textarea", "专业性强，本地仅一家具备资质")
    page.click("[data-testid=dismiss-form] button")
    expect(page.locator("[data-testid=alert-status]")).to_contain_text("已排除")
    # The filter list shows the new statuses; the auditor sees the trail.
    page.goto(app + "/alerts/?status=dismissed")
    assert "仅一家投标" in page.inner_text("[data-testid=alert-table]")
    auditor = page_for("auditor")
    auditor.goto(app + "/audit/?action=triage")
    assert auditor.locator("[data-testid=audit-table] tbody tr").count() >= 3


def test_alert_filters_update_in_place(page_for: Callable[..., Any], app: str) -> None:
    page = page_for("office")
    page.goto(app + "/alerts/")
    page.select_option("select[name=severity]", "medium")
    page.wait_for_function("() => !document.querySelector('[data-testid=alert-table]').innerText.includes('投标保证金')")
    # htmx pushes the filtered address after the swap: wait for it (a loaded machine may take a moment)
    page.wait_for_url(re.compile(r"[?&]severity=medium"))


def test_english_switch(page_for: Callable[..., Any]) -> None:
    page = page_for("office")
    page.click("[data-testid=lang-en]")
    page.wait_for_selector("text=Dashboard")
    assert page.locator("h1").first.inner_text() == "Dashboard"
