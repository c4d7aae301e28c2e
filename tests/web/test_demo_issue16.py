"""The demo seeds one of each of issue 16's objects, and the registry entry it makes reaches the real scan."""

from __future__ import annotations

from typing import Any

import pytest

from bidwatch.web.alerts.models import Alert, CaseRecord, Clue, Decision, Transfer
from bidwatch.web.attachments.models import Attachment
from bidwatch.web.interference.models import Interference
from bidwatch.web.tipoffs import services as tipoffs
from bidwatch.web.tipoffs.demo import seed_demo_issue16
from bidwatch.web.tipoffs.models import Channel, Tipoff


@pytest.mark.django_db
def test_the_demo_seeds_one_of_each(users: Any, imported: Any) -> None:
    made = seed_demo_issue16()
    assert sorted(Channel.objects.values_list("kind", flat=True)) == sorted(Channel.Kind.values)
    assert tipoffs.find_by_code(made["named_code"]).channel_ref.address == "0371-12345678"
    assert Tipoff.objects.filter(anonymous=True).count() == 1 and Tipoff.objects.filter(anonymous=False).count() == 1
    assert tipoffs.find_by_code(made["named_code"]).status == Tipoff.Status.CLUE
    assert tipoffs.find_by_code(made["anonymous_code"]).status == Tipoff.Status.RECEIVED
    assert Interference.objects.count() == 1
    assert Transfer.objects.filter(kind="organised_crime").count() == 1 and Clue.objects.filter(organised_crime=True).exists()
    assert CaseRecord.objects.count() == 1
    (d,) = Decision.objects.all()
    assert d.proposal == Decision.Proposal.APPROVED and d.registry_entry is not None
    assert Attachment.objects.filter(object_type="alerts.decision").count() == 1
    assert seed_demo_issue16() == {}  # once


@pytest.mark.django_db
@pytest.mark.usefixtures("real_engine")
def test_the_demo_decision_reaches_the_next_scan(users: Any, imported: Any,
                                                 django_capture_on_commit_callbacks: Any) -> None:
    from bidwatch.web.datasets import services as datasets

    seed_demo_issue16()
    d = Decision.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        datasets.start_scan(imported.dataset, users["office"])
    hits = [a for a in Alert.objects.filter(indicator="sanctioned_bidder", active=True)
            if d.company_id in a.company_ids.split(";")
            and d.registry_entry.public_id in [s["sanction_id"] for s in a.evidence.get("sanctions", [])]]
    assert hits
