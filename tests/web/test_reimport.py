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
