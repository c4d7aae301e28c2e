"""The workflow core itself: fetching through the visible queryset, the gate of ``begin``, one POST URL
per step, the shared clock."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from bidwatch.web.accounts.models import Agency
from bidwatch.web.complaints import services
from bidwatch.web.complaints.models import Complaint
from bidwatch.web.complaints.workflow import CLOCK, WORKFLOW
from bidwatch.web.workflow.core import REGISTRY

D = dt.date.fromisoformat


def _complaint(users: dict[str, Any]) -> Complaint:
    return services.register(
        users["housing"], project_name="安置房一标段施工", sector="housing",
        handling_unit=Agency.objects.get(code="housing"), complainant="乙公司", facts="评标不公",
        knew_on=D("2024-09-25"), received_on=D("2024-09-27"))


@pytest.mark.django_db
def test_objects_come_through_the_users_queryset(users: Any) -> None:
    c = _complaint(users)
    assert WORKFLOW.get_for(users["housing"], c.pk) == c
    with pytest.raises(PermissionDenied):  # exists, outside the user's scope
        WORKFLOW.get_for(users["transport"], c.pk)
    with pytest.raises(Http404):
        WORKFLOW.get_for(users["office"], c.pk + 1000)


@pytest.mark.django_db
def test_begin_refuses_then_locks_and_reloads(users: Any) -> None:
    c = _complaint(users)
    with pytest.raises(PermissionDenied):
        WORKFLOW.begin(c, users["discipline"], "accept")
    stale = Complaint.objects.get(pk=c.pk)
    services.accept(c, users["office"], D("2024-10-08"))
    # the stale copy is reloaded under the lock: "accept" is no longer open, whatever the copy said
    assert stale.status == Complaint.Status.RECEIVED
    with pytest.raises(ValueError, match="当前状态不允许此操作"):
        services.accept(stale, users["office"], D("2024-10-08"))
    assert stale.status == Complaint.Status.ACCEPTED
    assert [e.step for e in c.events.all()] == ["register", "accept"]


@pytest.mark.django_db
def test_one_post_url_per_step(users: Any, client_for: Any) -> None:
    c = _complaint(users)
    url = reverse("complaints:step", args=[c.pk, "accept"])
    assert client_for("housing").get(url).status_code == 405
    response = client_for("housing").post(url, {"accept-on": "2024-10-08"})
    assert response.status_code == 302 and response["Location"] == reverse("complaints:detail", args=[c.pk])
    assert Complaint.objects.get(pk=c.pk).status == Complaint.Status.ACCEPTED
    # a failed step shows the case page again with the bound form
    response = client_for("housing").post(reverse("complaints:step", args=[c.pk, "decide"]),
                                          {"decide-on": "2024-11-01", "decide-outcome": "founded", "decide-text": ""})
    assert response.status_code == 400 and dict(response.context["step_forms"])["decide"].errors
    assert client_for("housing").post(reverse("complaints:step", args=[c.pk, "nonsense"])).status_code == 400
    assert client_for("auditor").post(reverse("complaints:step", args=[c.pk, "nonsense"])).status_code == 403


@pytest.mark.django_db
def test_clock_answers_page_list_and_reminders_alike(users: Any) -> None:
    c = _complaint(users)  # acceptance due 2024-10-08
    qs = Complaint.objects.filter(pk=c.pk)
    assert CLOCK.state(c, D("2024-10-08"))["soon"] and not CLOCK.state(c, D("2024-10-08"))["overdue"]
    assert CLOCK.reminders(qs, D("2024-10-08")) == {"overdue": 0, "soon": 1}
    assert CLOCK.state(c, D("2024-10-09"))["overdue"] and CLOCK.state(c, D("2024-10-09"))["late_by"] == 1
    assert CLOCK.reminders(qs, D("2024-10-09")) == {"overdue": 1, "soon": 0}
    services.accept(c, users["office"], D("2024-10-08"))
    services.pause(c, users["office"], "testing", D("2024-10-10"))
    late = c.decision_due + dt.timedelta(days=60)
    assert CLOCK.state(c, late)["paused"] and not CLOCK.state(c, late)["overdue"]
    assert CLOCK.reminders(qs, late) == {"overdue": 0, "soon": 0}  # a stopped clock is not overdue


@pytest.mark.parametrize(("path", "app", "name", "view"), [
    ("/complaints/", "complaints", "list", "complaint_list"),
    ("/complaints/new/", "complaints", "create", "complaint_create"),
    ("/complaints/3/", "complaints", "detail", "complaint_detail"),
    ("/campaign/export/", "campaign", "export", "problem_export"),
    ("/credit/import/", "credit", "import", "entry_import"),
    # an app's own routes stand before the core's step URL, which would take them
    ("/reviews/3/step/revise/", "review", "revise", "review_revise"),
    ("/reviews/3/step/start/", "review", "step", None),
    ("/tipoffs/3/reporter/", "tipoffs", "reveal", "reveal"),
    ("/tipoffs/submit/", "tipoffs", "intake", "intake"),
    ("/interference/new/", "interference", "create", "record_create"),
])
def test_a_workflow_apps_routes(path: str, app: str, name: str, view: str | None) -> None:
    import importlib

    from django.urls import resolve

    match = resolve(path)
    assert (match.app_name, match.url_name) == (app, name)
    if view is not None:
        assert match.func is getattr(importlib.import_module(f"bidwatch.web.{app}.views"), view)


def test_every_workflow_is_registered() -> None:
    import bidwatch.web.complaints.workflow  # noqa: F401

    assert "complaint" in REGISTRY


@pytest.mark.django_db
def test_begin_asks_again_who_may_once_the_row_is_locked(users: Any) -> None:
    from bidwatch.web.alerts import services as clue_services
    from bidwatch.web.alerts.models import Clue

    clue = clue_services.raise_clue(None, users["housing"], Agency.objects.get(code="housing"), "线索")
    stale = Clue.objects.get(pk=clue.pk)
    Clue.objects.filter(pk=clue.pk).update(assigned_unit=Agency.objects.get(code="transport"))
    with pytest.raises(PermissionDenied):  # the stale copy says housing; the locked row says transport
        clue_services.update_clue(stale, users["housing"], "accepted")
    assert Clue.objects.get(pk=clue.pk).status == Clue.Status.REGISTERED


@pytest.mark.parametrize(("model", "prefix", "date_field", "on"), [
    ("alerts.Clue", "XS", "created_at", dt.datetime(2024, 5, 6, 10, 0)),
    ("campaign.Problem", "WT", "listed_on", D("2024-05-06")),
    ("complaints.Complaint", "TS", "received_on", D("2024-05-06")),
    ("interference.Interference", "GY", "occurred_on", D("2024-05-06")),
    ("review.Review", "BQ", "submitted_on", D("2024-05-06")),
    ("tipoffs.Tipoff", "JB", "received_on", D("2024-05-06")),
])
def test_a_cases_number_is_how_it_prints(model: str, prefix: str, date_field: str, on: Any) -> None:
    from django.apps import apps

    cls = apps.get_model(model)
    assert cls().number == str(cls()) == f"{prefix}-new"  # not saved yet
    case = cls(pk=12, **{date_field: on})
    assert case.number == str(case) == f"{prefix}-2024-00012"


@pytest.mark.parametrize(("key", "services", "forms"), [
    ("complaint", "complaints.services", "complaints.forms"),
    ("problem", "campaign.services", "campaign.forms"),
    ("registry_entry", "credit.services", "credit.forms"),
    ("interference", "interference.services", "interference.forms"),
    ("review", "review.services", "review.forms"),
    ("tipoff", "tipoffs.services", "tipoffs.forms"),
    ("clue", "alerts.services", "alerts.forms"),
    ("decision", "alerts.outcomes", "alerts.forms"),
    ("supervision_order", "supervision.services", "supervision.forms"),
    ("talk", "supervision.services", "supervision.forms"),
    ("bulletin", "supervision.services", "supervision.forms"),
])
def test_a_workflows_steps_are_found_beside_its_model(key: str, services: str, forms: str) -> None:
    import bidwatch.web.urls  # noqa: F401  (imports every workflow)

    wf = REGISTRY[key]
    assert (wf.services, wf.forms) == (f"bidwatch.web.{services}", f"bidwatch.web.{forms}")
    for step in wf.steps:  # each step's service and form are there
        assert callable(wf.service(step.name)) and wf.form_class(step.name)


@pytest.mark.parametrize(("key", "numbered"), [
    ("problem", True), ("interference", True), ("review", True), ("tipoff", True), ("decision", True),
    ("supervision_order", True), ("clue", False), ("complaint", False),
])
def test_which_audit_entries_carry_the_case_number(key: str, numbered: bool) -> None:
    import bidwatch.web.urls  # noqa: F401

    wf = REGISTRY[key]
    case = wf.model(pk=7)
    assert wf.audit_detail(case) == ({"number": case.number} if numbered else {})


def test_a_steps_checks_of_text_and_dates() -> None:
    from bidwatch.web.workflow.checks import not_before, required

    assert required("  的确如此 ", "say why") == "的确如此"
    with pytest.raises(ValueError, match="^say why$"):
        required(" \n", "say why")
    not_before(D("2024-10-08"), None, "too early")  # nothing to come after
    not_before(D("2024-10-08"), D("2024-10-08"), "too early")  # the same day is not before
    with pytest.raises(ValueError, match=r"^too early \(2024-10-07 < 2024-10-08\)$"):
        not_before(D("2024-10-07"), D("2024-10-08"), "too early")
    with pytest.raises(ValueError, match=r"^too early$"):  # a page that shows no dates
        not_before(D("2024-10-07"), D("2024-10-08"), "too early", dates=False)


@pytest.mark.django_db
def test_finish_saves_the_case_or_only_the_fields_named(users: Any) -> None:
    from bidwatch.web.audit.models import AuditEntry

    c = _complaint(users)
    c.project_name, c.facts = "改过的项目名", "改过的事实"
    assert WORKFLOW.finish(c, users["office"], "accept", "x", fields=["facts"], on="2024-10-08") is c
    stored = Complaint.objects.get(pk=c.pk)
    assert (stored.project_name, stored.facts) == ("安置房一标段施工", "改过的事实")
    WORKFLOW.finish(c, users["office"], "accept", "y")
    assert Complaint.objects.get(pk=c.pk).project_name == "改过的项目名"
    assert [e.note for e in c.events.all()][-2:] == ["x", "y"]
    entry = [e for e in AuditEntry.objects.filter(object_id=str(c.pk)).order_by("id") if e.detail.get("step") == "accept"][0]
    assert entry.detail["on"] == "2024-10-08" and "fields" not in entry.detail


@pytest.mark.django_db
def test_the_reminders_open_count_is_the_cases_whose_clock_runs(users: Any) -> None:
    from bidwatch.web.tipoffs.models import Tipoff
    from bidwatch.web.tipoffs.workflow import CLOCK as TIPOFF_CLOCK

    # "open" on the dashboard (the clock runs) is the model's open states
    assert set(CLOCK.due) == set(Complaint.OPEN) and set(TIPOFF_CLOCK.due) == set(Tipoff.OPEN)
    c, done = _complaint(users), _complaint(users)
    services.withdraw(done, users["housing"], D("2024-09-28"), "撤回")
    qs = Complaint.objects.all()
    r = CLOCK.reminders(qs, D("2024-09-27"), with_open=True)
    assert list(r) == ["open", "overdue", "soon"] and r["open"] == 1 == qs.filter(status__in=Complaint.OPEN).count()
    assert r == {"open": 1, **CLOCK.reminders(qs, D("2024-09-27"))}
    assert services.reminders(users["housing"], D("2024-09-27")) == r and c.pk


@pytest.mark.django_db
def test_the_case_page_lists_the_history_with_its_actors(users: Any, client_for: Any) -> None:
    c = _complaint(users)
    services.accept(c, users["office"], D("2024-10-08"))
    page = client_for("office").get(reverse("complaints:detail", args=[c.pk]))
    events = page.context["events"]
    assert [(e.step, e.actor.username) for e in events] == [("register", "housing"), ("accept", "office")]
    assert list(events) == list(c.events.select_related("actor")) == list(WORKFLOW.history_of(c))


@pytest.mark.django_db
def test_the_closed_step_message_speaks_the_language_of_the_request(users: Any) -> None:
    from django.utils import translation

    c = _complaint(users)
    services.accept(c, users["office"], D("2024-10-08"))
    with translation.override("en"):
        message = WORKFLOW.closed_message(c, "accept")
    assert message.endswith("the present state does not allow this step") and "当前状态" not in message
    # near miss: in Chinese, the Chinese only
    with translation.override("zh-hans"):
        message = WORKFLOW.closed_message(c, "accept")
    assert message.endswith("当前状态不允许此操作") and "present state" not in message
