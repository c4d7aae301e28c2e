"""supervision 0002: today's problems, complaints and clues go into one default campaign; none is made for an
empty database."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest

from bidwatch.web.accounts.models import Agency
from bidwatch.web.alerts.models import Clue
from bidwatch.web.campaign import services as ledger
from bidwatch.web.campaign.models import Problem
from bidwatch.web.complaints.models import Complaint
from bidwatch.web.supervision.models import Campaign

migration = importlib.import_module("bidwatch.web.supervision.migrations.0002_default_campaign")
MODELS = {("supervision", "Campaign"): Campaign, ("campaign", "Problem"): Problem,
          ("complaints", "Complaint"): Complaint, ("alerts", "Clue"): Clue}


class _Apps:
    @staticmethod
    def get_model(app: str, name: str) -> Any:
        return MODELS[(app, name)]


@pytest.mark.django_db
def test_nothing_to_migrate_makes_no_campaign() -> None:
    migration.forwards(_Apps(), None)
    assert not Campaign.objects.exists()


@pytest.mark.django_db
def test_existing_records_join_one_default_campaign(users: Any) -> None:
    p = ledger.create(users["office"], source="other", category="other", unit=Agency.objects.get(code="housing"),
                      sector="housing", project_name="", tender=None, description="问题", measures="",
                      listed_on=dt.date(2024, 9, 1), deadline=dt.date(2024, 9, 30))
    clue = Clue.objects.create(summary="线索", assigned_unit=Agency.objects.get(code="housing"))
    assert p.campaign is None and clue.campaign is None
    migration.forwards(_Apps(), None)
    c = Campaign.objects.get()
    assert c.current and c.starts_on == dt.date(2024, 9, 1) and "2024年" in c.name
    p.refresh_from_db()
    clue.refresh_from_db()
    assert p.campaign == c and clue.campaign == c
    migration.forwards(_Apps(), None)  # again: nothing left, still one campaign
    assert Campaign.objects.count() == 1
