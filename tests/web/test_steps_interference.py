"""The interference register (干预插手记录): every step as every role; recording reports to the discipline
commission at once; who sees the records; the statistics per period and unit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from bidwatch.web.accounts.models import Agency
from bidwatch.web.audit.models import AuditEntry
from bidwatch.web.interference import services
from bidwatch.web.interference.models import Interference
from bidwatch.web.interference.workflow import WORKFLOW
from tests.web.workflow_cases import ROLES, WorkflowStepCases

D = dt.date.fromisoformat


def _record(user: Any, **over: Any) -> Interference:
    fields = {"intervener_name": "李某", "intervener_position": "副区长", "intervener_unit": "某区人民政府",
              "project_name": "某区安置房建设项目", "tender_id": "T1", "manner": "greeting",
              "occurred_on": D("2024-03-01"), "description": "要求评标委员会关照某公司"}
    fields.update(over)
    return services.record(user, **fields)


class TestInterferenceSteps(WorkflowStepCases):
    workflow = WORKFLOW
    # the discipline commission, to which every record is reported, decides what becomes of it
    allowed = {"to_clue": {"discipline"}, "file": {"discipline"}}
    data = {"to_clue": {"on": "2024-03-05"}, "file": {"on": "2024-03-05", "reason": "已提醒谈话，无需立案"}}

    def form_data(self, step: str) -> dict[str, Any]:
        extra = {"unit": Agency.objects.get(code="discipline").pk} if step == "to_clue" else {}
        return {**self.data[step], **extra}

    def make(self, users: dict[str, Any], step: str) -> Interference:
        return _record(users["housing"])


@pytest.mark.django_db
def test_recording_reports_to_the_discipline_commission(users: Any, client_for: Any) -> None:
    response = client_for("housing").post(reverse("interference:create"), {
        "intervener_name": "李某", "intervener_position": "副区长", "intervener_unit": "某区人民政府",
        "project_name": "某区安置房建设项目", "manner": "note", "occurred_on": "2024-03-01",
        "description": "递条子推荐某公司"})
    assert response.status_code == 302
    r = Interference.objects.latest("id")
    assert r.recorder_unit.code == "housing" and r.reported_at is not None and r.status == "reported"
    assert AuditEntry.objects.filter(action="interference", object_id=str(r.pk), detail__reported_to="discipline").exists()
    dashboard = client_for("discipline").get("/").content.decode()
    assert 'data-testid="interference-reminder"' in dashboard


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_seen_by_the_office_the_commission_and_the_recorders_unit_only(users: Any, client_for: Any,
                                                                       role: str) -> None:
    r = _record(users["housing"])
    expected = 200 if role in {"office", "discipline", "housing"} else 403
    assert client_for(role).get(reverse("interference:detail", args=[r.pk])).status_code == expected
    listing = client_for(role).get(reverse("interference:list"))
    assert listing.status_code == (200 if role in {"office", "discipline", "housing", "transport", "police"} else 403)
    if listing.status_code == 200:
        assert (r.number in listing.content.decode()) == (expected == 200)


@pytest.mark.django_db
def test_statistics_per_period_and_unit(users: Any, client_for: Any) -> None:
    _record(users["housing"], occurred_on=D("2024-03-01"))
    _record(users["housing"], occurred_on=D("2024-05-01"), manner="designate")
    _record(users["transport"], occurred_on=D("2024-03-10"))
    by_unit, by_manner, total = services.statistics(users["office"], D("2024-03-01"), D("2024-03-31"))
    assert total == 2
    assert sorted((r["recorder_unit__name"], r["n"]) for r in by_unit) == sorted(
        [(Agency.objects.get(code="housing").name, 1), (Agency.objects.get(code="transport").name, 1)])
    assert [(r["manner"], r["n"]) for r in by_manner] == [("greeting", 2)]
    # a unit counts only its own
    assert services.statistics(users["housing"], None, None)[2] == 2
    page = client_for("office").get(reverse("interference:list"), {"start": "2024-03-01", "end": "2024-03-31"})
    assert 'data-testid="stats-unit"' in page.content.decode()
    assert len(page.context["page"].object_list) == 2 and page.context["total"] == 2
    # either end may be left open; a period that does not parse lists everything
    for query, n in (({"start": "2024-04-01"}, 1), ({"end": "2024-03-05"}, 1), ({"start": "x"}, 3), ({}, 3)):
        page = client_for("office").get(reverse("interference:list"), query)
        assert len(page.context["page"].object_list) == n and page.context["total"] == n, query


@pytest.mark.django_db
def test_a_clue_from_a_record(users: Any) -> None:
    r = _record(users["housing"])
    clue = services.to_clue(r, users["discipline"], D("2024-03-05"), Agency.objects.get(code="discipline"))
    assert clue.source == "interference" and "副区长李某" in clue.summary and clue.tender_id == "T1"
    assert r.status == "clue" and r.clue == clue


@pytest.mark.django_db
@pytest.mark.parametrize("step", list(WORKFLOW.by_name))
def test_no_step_on_a_filed_record(users: Any, client_for: Any, step: str) -> None:
    case = TestInterferenceSteps()
    r = case.make(users, "file")
    services.file(r, users["discipline"], D("2024-03-05"), "已谈话提醒")
    before = case.written(r)
    assert case.post(client_for("discipline"), r, step).status_code == 400 and case.written(r) == before


@pytest.mark.django_db
def test_the_tender_of_a_record_is_one_of_the_recorders_sector(users: Any, client_for: Any) -> None:
    data = {"intervener_name": "李某", "intervener_position": "副区长", "intervener_unit": "某区人民政府",
            "project_name": "某区安置房建设项目", "manner": "note", "occurred_on": "2024-03-01",
            "description": "递条子推荐某公司"}
    for other in ("T2", "NO-SUCH"):  # transport's tender, and none
        response = client_for("housing").post(reverse("interference:create"), {**data, "tender_id": other})
        assert response.status_code == 400 and "tender_id" in response.context["form"].errors
    assert not Interference.objects.exists()
    # near miss: housing's own tender
    assert client_for("housing").post(reverse("interference:create"), {**data, "tender_id": "T1"}).status_code == 302
    assert Interference.objects.get().tender_id == "T1"


@pytest.mark.django_db
@pytest.mark.parametrize("step", ["to_clue", "file"])
def test_a_record_is_not_handled_before_the_intervention(users: Any, client_for: Any, step: str) -> None:
    """Made a clue (or filed) the day before the intervention took place: refused, naming that day; the same day
    (near miss): taken."""
    case = TestInterferenceSteps()
    r = case.make(users, step)  # occurred 2024-03-01
    client = client_for("discipline")
    url = reverse("interference:step", args=[r.pk, step])
    data = {f"{step}-{k}": v for k, v in case.form_data(step).items()}
    before = case.written(r)
    response = client.post(url, {**data, f"{step}-on": "2024-02-29"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "不得早于干预插手发生日期" in page and "2024-03-01" in page
    r.refresh_from_db()
    assert case.written(r) == before and r.status == Interference.Status.REPORTED and r.clue is None
    assert client.post(url, {**data, f"{step}-on": "2024-03-01"}).status_code == 302
    r.refresh_from_db()
    assert r.status == (Interference.Status.CLUE if step == "to_clue" else Interference.Status.FILED)


@pytest.mark.django_db
def test_the_record_page_heading_names_what_it_is(users: Any, client_for: Any) -> None:
    r = _record(users["housing"])
    page = client_for("discipline").get(reverse("interference:detail", args=[r.pk])).content.decode()
    heading = page[page.index("<h1"):page.index("</h1>")]
    assert "干预插手记录" in heading and r.number in heading
    listing = client_for("discipline").get(reverse("interference:list")).content.decode()
    heading = listing[listing.index("<h1"):listing.index("</h1>")]
    assert heading.count("干预插手记录") == 1  # not "干预插手记录 (干预插手记录)"
