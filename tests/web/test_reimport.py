"""A re-import keeps the triage of alerts and marks alerts no longer found as inactive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bidwatch.web.alerts import services
from bidwatch.web.alerts.models import DOCUMENT_ALERT_PREFIX, Alert
from tests.web import factories


@pytest.mark.django_db
def test_triage_survives_reimport_and_vanished_alerts_turn_inactive(users: Any, imported: Any, tmp_path: Path) -> None:
    alert = Alert.objects.get(indicator="bond_same_account")
    services.confirm(alert, users["housing"], "核实")
    single = Alert.objects.get(indicator="single_bid")
    # Second extract: T3 now has two bidders, so its single-bid alert is not found again.
    factories.TABLES["bids"].append({"bid_id": "B7", "tender_id": "T3", "company_id": "C4", "price": "795000",
                                     "status": "valid", "rank": "2"})
    try:
        factories.import_dataset(factories.write_dataset(tmp_path / "second"), users["office"])
    finally:
        factories.TABLES["bids"].pop()
    alert.refresh_from_db()
    single.refresh_from_db()
    assert alert.status == Alert.Status.CONFIRMED and alert.active
    assert alert.actions.count() == 1
    assert not single.active


@pytest.mark.django_db
def test_a_reimport_keeps_the_alerts_found_on_uploaded_bid_files(users: Any, imported: Any, tmp_path: Path) -> None:
    # A bid-file comparison's alert (bidcompare) is not the dataset scan's: the next import of the dataset does
    # not find it again and must not retire it; the scan's own alert of the same tender still turns inactive.
    doc = Alert.objects.create(alert_id=f"{DOCUMENT_ALERT_PREFIX}1:F1", indicator="doc_same_origin", name_zh="同一编制来源",
                               family="collusion", severity="high", tender_id="T3", active=True)
    look_alike = Alert.objects.create(alert_id="docx:T3", indicator="single_bid", name_zh="单一投标", family="competition",
                                      severity="low", tender_id="T3", active=True)
    factories.import_dataset(factories.write_dataset(tmp_path / "again"), users["office"])
    doc.refresh_from_db()
    look_alike.refresh_from_db()
    assert doc.active and not look_alike.active


@pytest.mark.django_db
def test_an_inactive_alert_says_so_and_is_no_longer_triaged(users: Any, client_for: Any, imported: Any) -> None:
    from django.urls import reverse

    from bidwatch.web.alerts.models import Clue

    single = Alert.objects.get(indicator="single_bid")
    clue = services.raise_clue(single, users["office"], single.department, "先行核查")  # formed while active
    live = Alert.objects.get(indicator="bond_same_account")
    Alert.objects.filter(pk=single.pk).update(active=False)  # what a re-import that no longer finds it does
    single.refresh_from_db()
    office = client_for("office")
    for lang, says in (("zh-hans", "该预警已失效：最近一次导入后不再成立"),
                       ("en", "This alert is inactive: the latest import no longer finds it.")):
        page = office.get(reverse("alerts:detail", args=[single.pk]), HTTP_ACCEPT_LANGUAGE=lang).content.decode()
        assert 'data-testid="inactive-banner"' in page and says in page
        assert 'data-testid="confirm-form"' not in page and 'data-testid="clue-form"' not in page
        assert 'data-testid="list-problem"' not in page and clue.number in page  # the clue formed stays
    for action in ("confirm", "dismiss", "clue"):
        response = office.post(reverse("alerts:triage", args=[single.pk]), {
            "action": action, "reason": "x", "summary": "再核查", "assigned_unit": single.department_id,
            "source": "big_data"})
        assert response.status_code == 400
    with pytest.raises(ValueError):
        services.confirm(single, users["office"], "核实")
    single.refresh_from_db()
    assert single.status == Alert.Status.CLUE and single.actions.count() == 1 and Clue.objects.count() == 1
    # near miss: an active alert has no banner and is triaged
    page = office.get(reverse("alerts:detail", args=[live.pk])).content.decode()
    assert 'data-testid="inactive-banner"' not in page and 'data-testid="confirm-form"' in page
    assert office.post(reverse("alerts:triage", args=[live.pk]), {"action": "confirm", "reason": ""}).status_code == 302


@pytest.mark.django_db
def test_no_problem_is_listed_from_an_inactive_alert_by_its_url(users: Any, client_for: Any, imported: Any) -> None:
    """The inactive alert's page offers no "list a problem" button; its URL, typed or kept from before, refuses too,
    on GET and on POST. Near misses: an active alert's form opens, and a clue formed while the alert was active
    still lists its problem."""
    from django.urls import reverse

    from bidwatch.web.campaign.models import Problem

    single = Alert.objects.get(indicator="single_bid")
    clue = services.raise_clue(single, users["office"], single.department, "先行核查")
    live = Alert.objects.get(indicator="bond_same_account")
    Alert.objects.filter(pk=single.pk).update(active=False)
    office = client_for("office")
    url = reverse("campaign:create") + f"?alert={single.pk}"
    for response in (office.get(url), office.post(url, {"description": "x"})):
        assert response.status_code == 302 and response.url == reverse("alerts:detail", args=[single.pk])
    page = office.get(reverse("alerts:detail", args=[single.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "This alert is inactive" in page
    assert Problem.objects.count() == 0
    assert office.get(reverse("campaign:create") + f"?alert={live.pk}").status_code == 200
    assert office.get(reverse("campaign:create") + f"?clue={clue.pk}").status_code == 200
