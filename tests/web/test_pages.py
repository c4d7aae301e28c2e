"""Dashboard, tender page and company page content."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.urls import reverse

from bidwatch.web.audit.models import AuditEntry


def _json_block(html: str, block_id: str) -> Any:
    match = re.search(rf'<script id="{block_id}" type="application/json">(.*?)</script>', html, re.DOTALL)
    assert match, block_id
    return json.loads(match.group(1))


@pytest.mark.django_db
def test_dashboard_charts_and_top_lists(client_for: Any, imported: Any) -> None:
    html = client_for("office").get(reverse("tenders:dashboard")).content.decode()
    family = _json_block(html, "chart-family")
    assert sum(family["data"]) == 2
    trend = _json_block(html, "chart-trend")
    # the months without alerts (03, 04) are on the axis with 0, not skipped (a line from 02 straight to 05)
    assert trend["labels"] == ["2024-02", "2024-03", "2024-04", "2024-05"]
    totals = [sum(d["data"][i] for d in trend["datasets"]) for i in range(4)]
    assert totals[0] > 0 and totals[3] > 0 and totals[1:3] == [0, 0]
    assert _json_block(html, "chart-sector")["data"] == [2]
    assert "vendor/chart.umd.min.js" in html and "cdn" not in html.lower()
    assert 'data-testid="top-tenders"' in html and "安置房一标段施工" in html
    assert "长沙甲建设有限公司" in html


@pytest.mark.django_db
def test_dashboard_is_scoped_for_departments(client_for: Any, imported: Any) -> None:
    html = client_for("transport").get(reverse("tenders:dashboard")).content.decode()
    assert sum(_json_block(html, "chart-family")["data"]) == 0
    assert "安置房一标段施工" not in html


@pytest.mark.django_db
def test_tender_page(client_for: Any, imported: Any) -> None:
    html = client_for("office").get(reverse("tenders:detail", args=["T1"])).content.decode()
    assert "从同一账户6222020000001111转出" in html  # the evidence sentence
    assert "第四十条" in html  # legal basis
    prices = _json_block(html, "chart-prices")
    assert prices["data"] == [4800000.0, 4850000.0, 4950000.0] and prices["winner"] == [True, False, False]
    graph = _json_block(html, "graph-data")
    assert {n["id"] for n in graph["nodes"]} == {"C1", "C2", "C3"}
    assert {e["kind"] for e in graph["edges"]} >= {"account", "phone"}
    timeline = re.findall(r"<time>([0-9-]+)</time>", html)
    assert timeline == sorted(timeline) and "2024-02-15" in timeline
    assert 'class="early"' in html  # works started before the award (先建设后招标)
    assert AuditEntry.objects.filter(action="view_evidence", object_id="T1").exists()


@pytest.mark.django_db
def test_company_page(client_for: Any, imported: Any) -> None:
    html = client_for("office").get(reverse("tenders:company", args=["C3"])).content.decode()
    assert 'data-testid="win-rate">50.0%' in html
    assert "长沙甲建设有限公司" in html  # co-bidder on T1
    c2 = client_for("office").get(reverse("tenders:company", args=["C2"])).content.decode()
    assert "某市住建局" in c2  # sanction
    history = _json_block(html, "chart-history")
    assert history["labels"] == ["2024-02", "2024-04"]


@pytest.mark.django_db
def test_company_page_hides_other_sectors_from_departments(client_for: Any, imported: Any) -> None:
    html = client_for("housing").get(reverse("tenders:company", args=["C3"])).content.decode()
    assert "道路改造施工" not in html and "安置房一标段施工" in html


@pytest.mark.django_db
def test_tender_list_search(client_for: Any, imported: Any) -> None:
    html = client_for("office").get(reverse("tenders:list"), {"q": "道路"}).content.decode()
    assert "T2" in html and "安置房一标段施工" not in html


@pytest.mark.django_db
def test_unknown_tender_is_404(client_for: Any, imported: Any) -> None:
    assert client_for("office").get(reverse("tenders:detail", args=["NOPE"])).status_code == 404


@pytest.mark.cache
@pytest.mark.django_db
def test_dashboard_figures_are_cached_until_someone_triages(client_for: Any, imported: Any) -> None:
    from django.core.cache import cache

    from bidwatch.web.alerts.models import Alert

    cache.clear()
    c = client_for("office")
    html = c.get(reverse("tenders:dashboard")).content.decode()
    assert 'data-testid="kpis"' in html and ">2</span><span>待处置" in html.replace("\n", "").replace("  ", "")
    Alert.objects.filter(indicator="single_bid").update(status="dismissed")  # behind the cache's back
    html = c.get(reverse("tenders:dashboard")).content.decode().replace("\n", "").replace("  ", "")
    assert ">2</span><span>待处置" in html  # still the cached figure
    client_for("housing").post(reverse("alerts:triage", args=[Alert.objects.get(indicator="bond_same_account").pk]),
                               {"action": "confirm"})
    html = c.get(reverse("tenders:dashboard")).content.decode().replace("\n", "").replace("  ", "")
    assert ">0</span><span>待处置" in html
    cache.clear()


@pytest.mark.django_db
def test_the_riskiest_companies_of_a_department_count_its_sector_only(users: Any, client_for: Any, imported: Any) -> None:
    from bidwatch.web.alerts.models import Alert
    from bidwatch.web.tenders.models import Company
    from bidwatch.web.tenders.views import top_companies

    # C3 bid on T1 (housing, lost) and on T2 (transport, won): 2 bids, 1 win across sectors
    Company.objects.filter(pk="C3").update(risk_score=0.99, n_bids=2, n_wins=1)
    Alert.objects.filter(active=True, sector="housing").first().companies.add("C3")
    [c3] = [c for c in top_companies(users["housing"]) if c.pk == "C3"]
    assert (c3.n_bids, c3.n_wins, c3.win_rate) == (1, 0, 0.0)  # as the company page shows them to housing
    html = client_for("housing").get(reverse("tenders:company", args=["C3"])).content.decode()
    assert 'data-testid="win-rate">0.0%' in html
    # near miss: the office sees every sector's figures
    [c3] = [c for c in top_companies(users["office"]) if c.pk == "C3"]
    assert (c3.n_bids, c3.n_wins) == (2, 1)


def test_the_trend_fills_the_months_without_alerts() -> None:
    from bidwatch.web.tenders.views import MAX_TREND_MONTHS, month_range

    assert month_range(["2024-11", "2025-02"]) == ["2024-11", "2024-12", "2025-01", "2025-02"]  # across the year
    assert month_range(["2024-05"]) == ["2024-05"] and month_range([]) == []
    assert month_range(["2024-05", "2024-06"]) == ["2024-05", "2024-06"]  # nothing missing: nothing added
    # a stray date decades off does not draw centuries of empty months
    assert month_range(["1900-01", "2024-05"]) == ["1900-01", "2024-05"] and MAX_TREND_MONTHS < 1500
