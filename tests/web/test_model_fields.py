"""The shared field building blocks of the models (``core/fields.py`` and the factories beside Agency, Sector,
Tender and Task): they declare exactly what the models declared before them, so the models match their
migrations, and the records read their links by the names the pages use."""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.utils import translation

from bidwatch.web.accounts.models import Agency, Sector, sector_field, unit_field
from bidwatch.web.alerts.models import Clue, TriageAction
from bidwatch.web.complaints.models import Complaint
from bidwatch.web.core.fields import (
    history_of, made_by, optional_link, status_field, step_date, updated_field,
)
from bidwatch.web.history import HistoryEvent
from bidwatch.web.supervision.models import Bulletin
from bidwatch.web.tasks.models import Task, task_link
from bidwatch.web.tenders.models import Tender, tender_link
from bidwatch.web.tipoffs.models import Tipoff


@pytest.mark.django_db
def test_models_match_their_migrations() -> None:
    out = StringIO()
    call_command("makemigrations", check=True, dry_run=True, stdout=out)  # SystemExit(1) on any change
    assert "No changes detected" in out.getvalue()


def _kwargs(field: models.Field) -> dict:  # type: ignore[type-arg]
    return field.deconstruct()[3]


def test_status_field_is_the_models_choices_with_a_starting_state() -> None:
    kw = _kwargs(status_field(Task.Status, Task.Status.QUEUED, max_length=10))
    label = kw.pop("verbose_name")
    assert kw == {"max_length": 10, "choices": Task.Status.choices, "default": "queued"}
    with translation.override("en"):
        assert str(label) == "status"  # one msgid for every model's status
    assert Complaint._meta.get_field("status").max_length == 20
    assert Complaint._meta.get_field("status").default == Complaint.Status.RECEIVED


def test_step_date_is_empty_until_the_step() -> None:
    f = step_date("answered on", help_text="x")
    assert (f.null, f.blank, f.help_text) == (True, True, "x")
    assert isinstance(f, models.DateField) and not isinstance(f, models.DateTimeField)


def test_made_by_is_the_user_then_the_insert_time() -> None:
    by, at = made_by("raised by", "raised", blank=True)
    assert by.remote_field.on_delete is models.SET_NULL and by.remote_field.related_name == "+"
    assert (by.null, by.blank, by.verbose_name) == (True, True, "raised by")
    assert at.auto_now_add and not at.auto_now and at.verbose_name == "raised"
    assert by.creation_counter < at.creation_counter  # the model's columns keep their order
    names = [f.name for f in Clue._meta.fields]
    assert names.index("created_by") + 1 == names.index("created_at")
    assert names.index("created_at") + 1 == names.index("updated_at")
    assert Tipoff._meta.get_field("created_by").blank and not Clue._meta.get_field("created_by").blank
    assert str(Bulletin._meta.get_field("created_at").verbose_name) == "created at"  # Django's own, as before
    u = updated_field()
    assert u.auto_now and not u.auto_now_add


def test_history_events_are_the_records_events() -> None:
    events = [m for m in apps.get_models() if issubclass(m, HistoryEvent) and m is not TriageAction]
    assert len(events) >= 10
    for model in events:
        links = [f for f in model._meta.fields if f.is_relation and f.remote_field.related_name == "events"]
        assert len(links) == 1, model
        assert links[0].remote_field.on_delete is models.CASCADE
    f = history_of(Clue)
    assert f.remote_field.related_name == "events" and f.remote_field.on_delete is models.CASCADE


def test_links_to_other_records() -> None:
    link = optional_link("alerts.Clue", "clue", "+", db_constraint=False)
    assert (link.null, link.blank, link.db_constraint) == (True, True, False)
    assert link.remote_field.on_delete is models.SET_NULL
    tender = tender_link("x")
    assert tender.remote_field.model is Tender and not tender.db_constraint
    assert tender.remote_field.on_delete is models.SET_NULL and tender.null
    unit = unit_field("unit")
    assert unit.remote_field.model is Agency and unit.remote_field.on_delete is models.PROTECT
    assert not unit.null and unit.remote_field.related_name == "+"
    task = task_link("job")
    assert isinstance(task, models.OneToOneField) and task.remote_field.model is Task and task.null


def test_sector_field() -> None:
    plain = sector_field()
    assert plain.choices == Sector.choices and plain.max_length == 20 and not plain.has_default()
    assert sector_field(default=Sector.OTHER).default == Sector.OTHER
    supervised, plain = Agency._meta.get_field("sector"), Tender._meta.get_field("sector")
    assert str(supervised.verbose_name) != str(plain.verbose_name) and supervised.blank and not plain.blank
