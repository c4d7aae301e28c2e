"""The assessment's complaint, clue and transfer items against the report tests' hand-made year of activity."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from bidwatch.web.accounts.models import Agency
from bidwatch.web.alerts import services as alert_services
from bidwatch.web.alerts.models import Clue, Transfer
from bidwatch.web.complaints.models import Complaint
from bidwatch.web.supervision import assessment
from bidwatch.web.supervision.models import AssessmentItem, Campaign
from tests.web.test_reports import activity  # noqa: F401  (the fixture)

D = dt.date.fromisoformat


@pytest.mark.django_db
def test_complaints_clues_and_transfers_items(users: Any, activity: Any) -> None:  # noqa: F811
    """housing: the decided complaint was due 2024-11-18 and decided 11-25 (late); the refused one never had a
    decision due: 0 of 1 → 0 of 20. Its clue (raised 2024) is still registered: 0 of 1 → 0 of 10. No transfer
    was sent to housing: full 10. police: no complaint or clue → 20 + 10; the transfer it received on 10-10 was due
    three days later and is unanswered: 0 of 1 → 0. After the police answer on 10-11 (in time): 10 — and the clue they took over is
    theirs to close."""
    c = Campaign.objects.create(name="2024年专项整治", starts_on=D("2024-01-01"), ends_on=D("2024-12-31"), current=True)
    for model in (Complaint, Clue):
        model.objects.update(campaign=c)
    c.units.set(Agency.objects.filter(code__in=["housing", "police"]))
    # the clues were raised today: dated back into 2024, as if raised then
    Clue.objects.update(created_at=dt.datetime(2024, 10, 9, 9, tzinfo=dt.UTC))
    AssessmentItem.objects.create(campaign=c, name="投诉按期办结", metric="complaints", weight=20)
    AssessmentItem.objects.create(campaign=c, name="线索办结", metric="clues", weight=10)
    AssessmentItem.objects.create(campaign=c, name="移送按期反馈", metric="transfers", weight=10)
    year = (D("2024-01-01"), D("2024-12-31"))
    scores = {s.unit.code: s for s in assessment.ranking(c, *year)}
    h, p = scores["housing"], scores["police"]
    assert [(i.ok, i.due) for i in h.items] == [(0, 1), (0, 1), (0, 0)] and h.total == Decimal("10")
    assert [(i.ok, i.due) for i in p.items] == [(0, 0), (0, 0), (0, 1)] and p.total == Decimal("30")
    police = Transfer.objects.get(kind="police")
    alert_services.answer_transfer(police, users["police"], accept=True, on=D("2024-10-11"), answer="已立案")
    # answered in time: 10 points; but the police took the clue over, and it is open: the clue item is now theirs
    after = assessment.score_unit(c, Agency.objects.get(code="police"), *year)
    assert [(i.ok, i.due) for i in after.items] == [(0, 0), (0, 1), (1, 1)] and after.total == Decimal("30.00")
    # a clue closed within the year counts as answered by its end, not by an earlier end
    clue = Clue.objects.get(pk=activity["clue"].pk)
    Clue.objects.filter(pk=clue.pk).update(status=Clue.Status.CLOSED)
    e = clue.events.create(actor=users["housing"], step="status", from_status="registered", to_status="closed")
    type(e).objects.filter(pk=e.pk).update(at=dt.datetime(2024, 12, 2, 9, tzinfo=dt.UTC))
    police_unit = Agency.objects.get(code="police")
    assert assessment.score_unit(c, police_unit, *year).items[1].ok == 1
    assert assessment.score_unit(c, police_unit, D("2024-01-01"), D("2024-11-30")).items[1].ok == 0
