"""Dashboard, tender page and company page content."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _

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


@pytest.mark.django_db
def test_a_named_winner_without_a_bid_counts_its_win(client_for: Any, imported: Any) -> None:
    """QA r03: a results notice or an OCDS award names the winner without its bid; the company page counted
    its wins from its bids only ("投标0 中标0" for the 中标人 of the tender page). Wins are the tenders it won,
    bids its bids."""
    from bidwatch.web.tenders.models import Company, Tender

    Company.objects.create(company_id="W1", name="CARDIOPACE, S.A DE C.V")
    Tender.objects.filter(pk="T3").update(winner_id="W1")  # T3's one bid is C5's
    office = client_for("office")
    html = office.get(reverse("tenders:company", args=["W1"])).content.decode()
    assert re.search(r'data-testid="wins">1\b', html) and "<dd>0</dd>" in html  # 1 win, 0 bids
    assert 'data-testid="win-rate">—' in html  # no bids: no rate
    assert 'data-testid="won-alone"' in html and reverse("tenders:detail", args=["T3"]) in html
    history = _json_block(html, "chart-history")
    assert history["labels"] == ["2024-05"] and [d["data"] for d in history["datasets"]] == [[0], [1]]
    # near miss: a winner with its bid (C3 on T2) is counted once, its rate over its bids as before
    c3 = office.get(reverse("tenders:company", args=["C3"])).content.decode()
    assert re.search(r'data-testid="wins">1<', c3) and 'data-testid="win-rate">50.0%' in c3
    assert 'data-testid="won-alone"' not in c3


def _set_currency(monkeypatch: Any, tender_id: str, currency: str) -> None:
    """The tender's currency: its column where the model stores it; until then (the tenders' ``currency``
    column is not stored yet) the attribute the page reads."""
    from bidwatch.web.tenders.models import Tender

    if any(f.name == "currency" for f in Tender._meta.get_fields()):
        Tender.objects.filter(pk=tender_id).update(currency=currency)
    else:
        monkeypatch.setattr(Tender, "currency", currency, raising=False)


@pytest.mark.django_db
def test_an_amount_in_a_foreign_currency_is_no_wan_yuan(client_for: Any, imported: Any,
                                                        monkeypatch: Any) -> None:
    """QA r03: Jalisco's award of 14,598.6 MXN read "1.46 万元". An amount in another currency is shown in
    it."""
    office = client_for("office")
    _set_currency(monkeypatch, "T1", "MXN")
    html = office.get(reverse("tenders:detail", args=["T1"])).content.decode()
    assert 'data-testid="award-price">4,800,000.00 MXN<' in html and "万元" not in html
    assert _json_block(html, "chart-prices")["label"] == _("Bid price (%(currency)s)") % {"currency": "MXN"}
    # near miss: the yuan, by any of its names, stays in 万元
    for cn in ("CNY", "人民币", ""):
        _set_currency(monkeypatch, "T1", cn)
        html = office.get(reverse("tenders:detail", args=["T1"])).content.decode()
        assert 'data-testid="award-price">480.00 万元<' in html and "MXN" not in html


@pytest.mark.django_db
def test_bidder_links_not_looked_for_are_not_reported_as_none_found(client_for: Any, imported: Any) -> None:
    """QA r03: a tender with no bids (and no people, device or account data) said "投标人之间未发现共用人员…". It was
    not checked: the page says so, and why."""
    from bidwatch.web.datasets.models import ScanRun
    from bidwatch.web.tenders.models import Company

    office = client_for("office")
    none_found = "投标人之间未发现共用人员、设备、账户或电话。"
    t3 = office.get(reverse("tenders:detail", args=["T3"])).content.decode()  # one bid: nobody to share with
    fewer = escape(_("Not checked: fewer than two bidders of this tender are on record (the data may name "
                     "its winner only)."))
    assert 'data-testid="links-not-checked"' in t3 and fewer in t3 and none_found not in t3
    # near miss: T2's two bidders have phones (different ones): checked, none shared
    t2 = office.get(reverse("tenders:detail", args=["T2"])).content.decode()
    assert none_found in t2 and 'data-testid="links-not-checked"' not in t2
    # ... without the phones, and a dataset without people, bonds or bid files: nothing to compare
    Company.objects.filter(pk__in=["C3", "C4"]).update(phone="")
    rows = {"companies": 6, "projects": 2, "tenders": 3, "bids": 6}
    ScanRun.objects.filter(pk=imported.pk).update(summary={"rows": rows})
    t2 = office.get(reverse("tenders:detail", args=["T2"])).content.decode()
    no_data = escape(_("Not checked: the data gives no people, devices, bank accounts or phones of these "
                       "bidders."))
    assert 'data-testid="links-not-checked"' in t2 and no_data in t2 and none_found not in t2
    ScanRun.objects.filter(pk=imported.pk).update(summary={"rows": {**rows, "bonds": 3}})
    t2 = office.get(reverse("tenders:detail", args=["T2"])).content.decode()
    assert none_found in t2 and 'data-testid="links-not-checked"' not in t2


@pytest.mark.django_db
def test_the_tender_page_names_the_agency_and_speaks_english_in_english(client_for: Any,
                                                                        imported: Any) -> None:
    """QA r03, r07: 招标代理机构 showed the raw id though companies.csv names it; on the English page the alert's
    indicator and the risk explanation were Chinese only (the catalogue has the English name)."""
    from bidwatch.web.alerts.models import Alert
    from bidwatch.web.tenders.models import Company, Tender

    Company.objects.create(company_id="DEP-GOB-JAL-03.4-1653", name="Dirección de Compras de Jalisco")
    Tender.objects.filter(pk="T1").update(
        agency="DEP-GOB-JAL-03.4-1653", risk_score=66.5, risk_level="medium",
        top_indicators="contract_before_award", explanation="中风险（66.5分）：中标通知书发出前已签订合同1条（高风险）")
    Tender.objects.filter(pk="T2").update(agency="湖北某项目管理有限公司")
    Alert.objects.filter(indicator="bond_same_account").update(indicator="contract_before_award",
                                                               name_zh="中标通知书发出前已签订合同")
    office = client_for("office")
    zh = office.get(reverse("tenders:detail", args=["T1"])).content.decode()
    agency = re.search(r'data-testid="agency">(.*?)</dd>', zh, re.S).group(1)
    assert "Dirección de Compras de Jalisco" in agency
    assert reverse("tenders:company", args=["DEP-GOB-JAL-03.4-1653"]) in agency
    assert "中风险（66.5分）" in zh and "Medium risk" not in zh and "<strong>中标通知书发出前已签订合同</strong>" in zh
    en = office.get(reverse("tenders:detail", args=["T1"]), headers={"Accept-Language": "en"})
    en = en.content.decode()
    explained = re.search(r'data-testid="risk-explanation">(.*?)</p>', en, re.S).group(1)
    assert explained == "Medium risk (66.5 points): Contract signed before the award (1)"
    assert "<strong>Contract signed before the award</strong>" in en and "<strong>中标通知书" not in en
    # the explanation, the finding, the legal basis
    assert en.count("(the scan&#x27;s text, in Chinese)") >= 3
    # near miss: an agency given by name, no company's id, is shown as it is
    t2 = office.get(reverse("tenders:detail", args=["T2"])).content.decode()
    assert 'data-testid="agency">湖北某项目管理有限公司</dd>' in t2


@pytest.mark.django_db
def test_the_district_chart_says_a_code_is_a_code(client_for: Any, imported: Any) -> None:
    """QA r07: 区县分布 was labelled 430102, a code that reads as a count. A code is said to be one; a name
    the data gives is shown as it is."""
    from bidwatch.web.alerts.models import Alert

    html = client_for("office").get(reverse("tenders:dashboard")).content.decode()
    assert _json_block(html, "chart-district")["labels"] == [_("region code %(code)s") % {"code": "430102"}]
    Alert.objects.update(region_code="浏阳市")
    html = client_for("office").get(reverse("tenders:dashboard")).content.decode()
    assert _json_block(html, "chart-district")["labels"] == ["浏阳市"]
