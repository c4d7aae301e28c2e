"""The demo campaign: every page of the campaign front has content for a new user."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from bidwatch.web.supervision.demo import seed_demo_campaign
from bidwatch.web.supervision.models import Bulletin, Campaign, SupervisionOrder, Talk


@pytest.mark.django_db
def test_demo_campaign_fills_every_page(users: Any, client_for: Any, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    assert seed_demo_campaign(users["office"]) == 4
    assert seed_demo_campaign(users["office"]) == 0  # once
    c = Campaign.objects.get()
    assert c.current and c.stages.count() == 4
    assert set(SupervisionOrder.objects.values_list("status", flat=True)) == {"issued", "answered", "accepted"}
    assert SupervisionOrder.objects.filter(reminders=2).exists() and Talk.objects.count() == 1
    assert Bulletin.objects.filter(status="published").count() == 1
    office = client_for("office")
    for name in ("campaigns", "orders", "talks", "documents", "assessment", "bulletins"):
        page = office.get(reverse(f"supervision:{name}"))
        assert page.status_code == 200, name
    docs = office.get(reverse("supervision:documents")).content.decode()
    assert "逾期" in docs and "未报送" in docs
    assert 'data-testid="supervision-reminder"' in office.get(reverse("tenders:dashboard")).content.decode()
    ranking = office.get(reverse("supervision:assessment")).content.decode()
    assert 'data-testid="total-housing"' in ranking
