"""End to end in Chromium with the real scan: the campaign office uploads a synthetic dataset (100 tenders,
planted cases), watches the background worker run ``bidwatch.scan`` to the end, then reads on a tender
page the Chinese finding and legal article that the command line's ``alerts.csv`` gives."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.usefixtures("real_engine")


def test_real_scan_end_to_end(page_for: Callable[..., Any], app: str, real_scan: Any) -> None:
    from bidwatch.web.alerts.models import Alert
    from bidwatch.web.datasets.models import ScanRun

    csv = real_scan.alerts
    page = page_for("office")
    page.goto(app + "/imports/")
    page.set_input_files("input[type=file]", str(real_scan.zip))
    page.click("[data-testid=upload-form] button")
    page.wait_for_url(re.compile(r"/imports/\d+/$"))
    # The worker thread checks, scans (37 indicators) and imports; htmx polls the status meanwhile.
    page.wait_for_selector("[data-testid=import-done]", timeout=240_000)
    assert page.locator("[data-testid=import-status]").get_attribute("data-scan-status") == "done"
    scan = ScanRun.objects.latest("id")
    assert scan.status == ScanRun.Status.DONE and scan.n_alerts == len(csv)
    assert len(scan.summary.get("indicators_run", [])) > 20  # the real catalogue, not the stand-in

    # The high-severity alert ranked first by the scan, read on its tender page.
    first = csv[(csv["severity"] == "high") & (csv["tender_id"] != "")].iloc[0]
    page.goto(f"{app}/tenders/{first['tender_id']}")
    sentences = page.locator("[data-testid=evidence-sentence]").all_inner_texts()
    assert first["message"] in sentences
    assert len(sentences) == int((csv["tender_id"] == first["tender_id"]).sum())
    alert = page.locator("[data-testid=alert]", has_text=first["message"])
    expect(alert).to_contain_text(first["legal_basis"])
    expect(alert).to_contain_text(first["name_zh"])
    # Its alert page has the evidence (the opened alert is the one the scan reported).
    alert.locator("a[href*='/alerts/a/']").click()
    expect(page.locator("[data-testid=evidence]")).to_be_visible()
    expect(page.locator("main")).to_contain_text(first["message"])

    # The dashboard counts the scan's alerts (and the smaller stand-in dataset's, loaded before).
    page.goto(app + "/")
    kpis = page.inner_text("[data-testid=kpis]")
    total = Alert.objects.filter(active=True).count()
    assert total >= len(csv) and str(total) in kpis
    assert str(Alert.objects.filter(active=True, severity="high").count()) in kpis
    page.wait_for_function("() => document.querySelector('canvas[data-chart=chart-family]').chart")
