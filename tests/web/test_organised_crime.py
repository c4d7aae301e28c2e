"""Organised-crime clues (涉黑涉恶): the tag, the transfer to the police's anti-organised-crime unit with its feedback
deadline and the record of the feedback, and the counts in the campaign report."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from bidwatch.web.accounts.models import Agency
from bidwatch.web.alerts import services
from bidwatch.web.alerts.models import Transfer
from bidwatch.web.alerts.workflow import TRANSFER_CLOCK
from bidwatch.web.deadlines import calendar
from bidwatch.web.reports.figures import build_report

D = dt.date.fromisoformat


def _clue(users: Any) -> Any:
    return services.raise_clue(None, users["housing"], Agency.objects.get(code="housing"),
                               "某村霸以暴力威胁其他投标人退出，强揽工程")


@pytest.mark.django_db
def test_the_transfer_to_the_anti_organised_crime_unit_and_its_feedback(users: Any, client_for: Any) -> None:
    clue = _clue(users)
    police = Agency.objects.get(code="police")
    response = client_for("housing").post(reverse("alerts:clue_step", args=[clue.pk, "transfer"]), {
        "transfer-kind": "organised_crime", "transfer-to_unit": police.pk,
        "transfer-reason": "涉嫌强迫交易，具有涉黑涉恶特征", "transfer-sent_on": "2024-09-20"})
    assert response.status_code == 302, response.content.decode()[:2000]
    clue.refresh_from_db()
    t = clue.transfers.get()
    assert clue.organised_crime  # sent as one, tagged as one
    assert t.reply_due == calendar().calendar_deadline(D("2024-09-20"), services.ORGANISED_CRIME_FEEDBACK_DAYS)
    assert TRANSFER_CLOCK.overdue(Transfer.objects.filter(pk=t.pk), t.reply_due + dt.timedelta(days=1)).exists()
    # the police record their feedback (the clue's answer step), late or not
    response = client_for("police").post(reverse("alerts:clue_step", args=[clue.pk, "answer"]), {
        "answer-decision": "accept", "answer-on": str(t.reply_due + dt.timedelta(days=2)),
        "answer-answer": "已立案侦查"})
    assert response.status_code == 302, response.content.decode()[:2000]
    t.refresh_from_db()
    assert t.status == Transfer.Status.ACCEPTED and t.answer == "已立案侦查"
    event = clue.events.filter(step="answer").get()
    assert "已立案侦查" in event.note
    from bidwatch.web.audit.models import AuditEntry
    assert AuditEntry.objects.filter(object_id=str(clue.pk), detail__step="transfer_answer", detail__late=True).exists()


@pytest.mark.django_db
def test_an_organised_crime_clue_goes_to_the_police_only(users: Any) -> None:
    with pytest.raises(ValueError, match="公安"):
        services.transfer_clue(_clue(users), users["housing"], kind="organised_crime",
                               to_unit=Agency.objects.get(code="discipline"), reason="涉黑", sent_on=D("2024-09-20"))


@pytest.mark.django_db
def test_the_report_counts_them(users: Any) -> None:
    from django.utils import timezone

    clue = _clue(users)
    services.tag_organised_crime(clue, users["housing"], D("2024-09-19"), True)
    services.transfer_clue(clue, users["housing"], kind="organised_crime", to_unit=Agency.objects.get(code="police"),
                           reason="涉黑", sent_on=timezone.localdate())
    year = timezone.localdate().year
    with translation.override("en"):
        report = build_report(users["office"], dt.date(year, 1, 1), dt.date(year, 12, 31))
        (section,) = [s for s in report.sections if s.key == "clues"]
        counts = {str(k): v for k, v in section.counts}
    assert counts["Organised-crime clues (涉黑涉恶) raised"] == 1
    assert counts["sent to the anti-organised-crime unit"] == 1 and counts["with the police's feedback"] == 0


@pytest.mark.django_db
def test_the_tag_box_shows_the_clues_tag_as_it_stands(users: Any, client_for: Any) -> None:
    # an untagged clue's box is clear: saving it unchanged does not tag the clue
    clue = _clue(users)
    page = client_for("housing").get(reverse("alerts:clue", args=[clue.pk])).content.decode()
    box = page[page.index('name="tag-organised_crime"') - 200:page.index('name="tag-organised_crime"') + 200]
    assert "checked" not in box
    services.tag_organised_crime(clue, users["housing"], D("2024-09-19"), True)
    page = client_for("housing").get(reverse("alerts:clue", args=[clue.pk])).content.decode()
    box = page[page.index('name="tag-organised_crime"') - 200:page.index('name="tag-organised_crime"') + 200]
    assert "checked" in box  # near miss: a tagged clue shows it ticked
