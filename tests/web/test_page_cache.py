"""The cached parts of the dashboard and the alert list (issue 18 item 14, load): each is shown from the
cache while nothing changed — a change made behind the cache's back stays invisible — and a change made
the way the application makes it (a finished scan, a triage, a clue, an alert written by a bid-file
comparison) is visible on the next request."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse

from bidwatch.web.alerts.models import Alert, Clue
from bidwatch.web.tenders.models import Company, Tender
from bidwatch.web.tenders.views import data_version

pytestmark = [pytest.mark.cache, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _empty_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


def _top_companies(html: str) -> list[str]:
    table = html[html.index('data-testid="top-companies"'):]
    return re.findall(r'href="/companies/([^"]+)"', table[:table.index("</table>")])


def _count(html: str) -> int:
    return int(re.search(r'data-testid="alert-count">\D*(\d+)', html).group(1))  # type: ignore[union-attr]


def _bid_file_alert(tender: Tender, company: Company) -> Alert:
    """An alert as ``bidcompare.services.alerts_from_findings`` writes one: outside any scan or triage."""
    alert, _ = Alert.objects.update_or_create(alert_id=f"doc:1:{company.pk}", defaults={
        "indicator": "doc_identical_text", "name_zh": "投标文件雷同", "family": "collusion", "severity": "high",
        "tender": tender, "score": 0.9, "message": "两份投标文件雷同。", "sector": tender.sector,
        "region_code": tender.region_code, "active": True})
    alert.companies.set([company])
    return alert


def test_data_version_follows_every_source(imported: Any, users: Any) -> None:
    from bidwatch.web.alerts import services
    from bidwatch.web.datasets.models import ScanRun

    seen = {data_version()}
    assert data_version() in seen  # reading changes nothing
    bond = Alert.objects.get(indicator="bond_same_account")
    services.confirm(bond, users["office"])  # a triage
    seen.add(data_version())
    single = Alert.objects.get(indicator="single_bid")
    clue = services.raise_clue(single, users["office"], users["housing"].agency, "查")
    seen.add(data_version())
    Clue.objects.filter(pk=clue.pk).update(summary="改")  # behind the back: no version change
    assert data_version() in seen
    clue.save()  # a clue's change (updated_at)
    seen.add(data_version())
    ScanRun.objects.create(dataset=imported.dataset, status=ScanRun.Status.DONE)  # a finished scan
    seen.add(data_version())
    _bid_file_alert(Tender.objects.get(pk="T1"), Company.objects.get(pk="C3"))  # an alert outside a scan
    seen.add(data_version())
    assert len(seen) == 6


def test_department_top_companies_follow_a_new_alert(client_for: Any, imported: Any) -> None:
    def top(username: str) -> list[str]:
        return _top_companies(client_for(username).get(reverse("tenders:dashboard")).content.decode())

    assert top("housing") == ["C1", "C2", "C5"]
    Company.objects.filter(pk="C3").update(risk_score=99.0)  # behind the cache's back
    Alert.companies.through.objects.create(alert=Alert.objects.get(indicator="single_bid"), company_id="C3")
    assert top("housing") == ["C1", "C2", "C5"]  # cached
    # A bid-file comparison names C3 in a housing tender's new alert: the next dashboard shows it first.
    _bid_file_alert(Tender.objects.get(pk="T1"), Company.objects.get(pk="C3"))
    assert top("housing") == ["C3", "C1", "C2", "C5"]
    # The transport department's own list: C3 is named in no transport alert.
    assert "C3" not in top("transport")


def test_alert_list_count_and_rows_follow_a_triage(client_for: Any, imported: Any) -> None:
    office = client_for("office")
    url = reverse("alerts:list")
    bond = Alert.objects.get(indicator="bond_same_account")
    html = office.get(url, {"status": "new"}).content.decode()
    assert _count(html) == 2 and reverse("alerts:detail", args=[bond.pk]) in html
    Alert.objects.filter(pk=bond.pk).update(status="dismissed")  # behind the cache's back
    html = office.get(url, {"status": "new"}).content.decode()
    assert _count(html) == 2 and reverse("alerts:detail", args=[bond.pk]) in html  # cached
    Alert.objects.filter(pk=bond.pk).update(status="new")
    client_for("housing").post(reverse("alerts:triage", args=[bond.pk]), {"action": "confirm"})
    html = office.get(url, {"status": "new"}).content.decode()
    assert _count(html) == 1 and reverse("alerts:detail", args=[bond.pk]) not in html
    html = office.get(url, {"status": "confirmed"}).content.decode()
    assert _count(html) == 1 and reverse("alerts:detail", args=[bond.pk]) in html
    # the unfiltered list's row shows the new status, in the page and in the htmx fragment
    link = re.escape(reverse("alerts:detail", args=[bond.pk]))
    row = re.search(rf"{link}.*?</tr>", office.get(url).content.decode(), re.S)
    assert row and "st-confirmed" in row.group(0)
    htmx = {"HX-Request": "true", "HX-Target": "alert-results"}
    fragment = office.get(url, {"status": "confirmed"}, headers=htmx)
    assert _count(fragment.content.decode()) == 1 and "<html" not in fragment.content.decode()


def test_alert_list_follows_a_bid_file_alert_in_the_users_scope(client_for: Any, imported: Any) -> None:
    url = reverse("alerts:list")
    housing, transport = client_for("housing"), client_for("transport")
    assert _count(housing.get(url).content.decode()) == 2
    assert _count(transport.get(url).content.decode()) == 0
    alert = _bid_file_alert(Tender.objects.get(pk="T2"), Company.objects.get(pk="C3"))  # a transport tender
    html = transport.get(url).content.decode()
    assert _count(html) == 1 and reverse("alerts:detail", args=[alert.pk]) in html
    html = housing.get(url).content.decode()
    assert _count(html) == 2 and reverse("alerts:detail", args=[alert.pk]) not in html


def test_alert_list_coverage_follows_the_latest_scan(client_for: Any, imported: Any) -> None:
    from bidwatch.web.datasets.models import ScanRun

    office = client_for("office")
    before = office.get(reverse("alerts:list")).content.decode()
    assert "planted_indicator" not in before
    ScanRun.objects.create(dataset=imported.dataset, status=ScanRun.Status.DONE,
                           summary={"coverage": {"planted_indicator": {"checked": 1, "in_scope": 3}}})
    html = office.get(reverse("alerts:list")).content.decode()
    assert 'data-testid="coverage-table"' in html and "planted_indicator" in html
    assert 'data-testid="not-applicable"' not in html


def test_alert_list_says_why_a_law_did_not_apply(client_for: Any, imported: Any) -> None:
    from bidwatch.web.datasets.models import ScanRun

    why = "数据币种为MXN（3/3个金额），非中国境内项目"
    ScanRun.objects.create(dataset=imported.dataset, status=ScanRun.Status.DONE, summary={"coverage": {
        "short_bid_period": {"checked": 0, "in_scope": 3, "not_applicable": why}}})
    html = client_for("office").get(reverse("alerts:list")).content.decode()
    assert 'data-testid="not-applicable"' in html and why in html


def test_alert_list_rows_are_cached_per_language(client_for: Any, imported: Any) -> None:
    office = client_for("office")
    zh = office.get(reverse("alerts:list")).content.decode()
    en = office.get(reverse("alerts:list"), headers={"Accept-Language": "en"}).content.decode()
    assert "共 2 条预警" in zh and 'class="status st-new">New<' not in zh
    assert "2 alerts" in en and 'class="status st-new">New<' in en and "共 2 条预警" not in en
    assert "2 alerts" not in office.get(reverse("alerts:list")).content.decode()


def test_requests_that_miss_together_compute_a_part_once() -> None:
    """After a triage the first dashboards of a scope arrive together: one request computes the figures, the
    others wait for its result instead of each computing them again (``cache.get_or_set`` let all compute)."""
    import threading
    import time

    from bidwatch.web.core.cache import get_or_compute

    calls: list[str] = []
    start = threading.Barrier(6)
    results: list[Any] = []

    def compute(key: str) -> Any:
        calls.append(key)
        time.sleep(0.3)  # long enough that the other five threads ask while it runs
        return {"figures": key}

    def request(key: str) -> None:
        start.wait()
        results.append(get_or_compute(key, lambda: compute(key), 60))

    threads = [threading.Thread(target=request, args=("bw:test:a",)) for _ in range(5)]
    threads.append(threading.Thread(target=request, args=("bw:test:b",)))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(calls) == ["bw:test:a", "bw:test:b"]
    assert sorted(r["figures"] for r in results) == ["bw:test:a"] * 5 + ["bw:test:b"]
    assert cache.get("bw:test:a") == {"figures": "bw:test:a"}


def test_a_failed_computation_is_not_cached_and_the_next_request_computes_again() -> None:
    from bidwatch.web.core.cache import get_or_compute

    def broken() -> Any:
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        get_or_compute("bw:test:c", broken, 60)
    assert get_or_compute("bw:test:c", lambda: 7, 60) == 7
