"""A re-import keeps the triage of alerts and marks alerts no longer found as inactive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bidwatch.web.alerts import services
from bidwatch.web.alerts.models import Alert
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
