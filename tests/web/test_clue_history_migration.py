"""alerts 0005: the clue history's existing entries get the step they recorded."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from bidwatch.web.accounts.models import Agency
from bidwatch.web.alerts import services
from bidwatch.web.alerts.models import ClueEvent

migration = importlib.import_module("bidwatch.web.alerts.migrations.0005_clue_event_step")


class _Apps:
    @staticmethod
    def get_model(app: str, name: str) -> Any:
        assert (app, name) == ("alerts", "ClueEvent")
        return ClueEvent


@pytest.mark.django_db
def test_existing_entries_are_named_from_what_they_recorded(users: Any) -> None:
    clue = services.raise_clue(None, users["housing"], Agency.objects.get(code="housing"), "线索")
    rows = [("", "registered", "线索"), ("registered", "accepted", "受理"),
            ("accepted", "accepted", "移送 区交通运输局：属交通领域"), ("accepted", "accepted", "区交通运输局于2024-09-21接收移送"),
            ("accepted", "accepted", "区交通运输局接收：同意"), ("accepted", "accepted", "会商：联合会商")]
    ClueEvent.objects.filter(clue=clue).delete()
    made = [ClueEvent.objects.create(clue=clue, from_status=f, to_status=t, note=n, step="") for f, t, n in rows]
    migration.name_steps(_Apps(), None)
    assert [ClueEvent.objects.get(pk=e.pk).step for e in made] == [
        "raise", "status", "transfer", "receive", "answer", "consult"]
