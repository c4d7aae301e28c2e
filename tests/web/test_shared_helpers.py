"""The small helpers several pages share: a download under a Chinese name, a period form's check, the assessment
scores a user sees, the step form that makes a case a problem clue."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django import forms

from bidwatch.web.accounts.models import Role
from bidwatch.web.downloads import XLSX, attachment
from bidwatch.web.periods import CheckedPeriod, OptionalPeriodForm
from bidwatch.web.supervision.assessment import seen_by


def test_a_download_keeps_its_chinese_name_and_type() -> None:
    response = attachment(b"data", "整改台账-20240101.xlsx", XLSX)
    assert response.content == b"data"
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == (
        "attachment; filename*=UTF-8''%E6%95%B4%E6%94%B9%E5%8F%B0%E8%B4%A6-20240101.xlsx")


class _Period(CheckedPeriod, OptionalPeriodForm):
    start = forms.DateField(required=False)
    end = forms.DateField(required=False)


class _Named(CheckedPeriod, forms.Form):
    period_fields = ("starts_on", "ends_on")
    starts_on = forms.DateField()
    ends_on = forms.DateField()


def test_a_checked_period_refuses_an_end_before_its_start_on_the_end_field() -> None:
    form = _Period({"start": "2024-05-02", "end": "2024-05-01"})
    assert not form.is_valid() and list(form.errors) == ["end"]
    assert _Period({"start": "2024-05-01", "end": "2024-05-01"}).is_valid()
    assert _Period({"start": "2024-05-01"}).is_valid()  # an open end is no error
    named = _Named({"starts_on": "2024-05-02", "ends_on": "2024-05-01"})
    assert not named.is_valid() and list(named.errors) == ["ends_on"]


def test_a_unit_sees_only_its_own_score() -> None:
    scores = [SimpleNamespace(unit=SimpleNamespace(pk=pk)) for pk in (1, 2, 3)]
    unit = SimpleNamespace(role=Role.DEPARTMENT, agency_id=2)
    office = SimpleNamespace(role=Role.OFFICE, agency_id=1)
    assert seen_by(unit, scores) == [scores[1]]  # type: ignore[arg-type]
    assert seen_by(office, scores) == scores  # type: ignore[arg-type]


def test_the_two_make_a_clue_forms_share_title_and_unit_but_not_the_summary_help() -> None:
    from bidwatch.web.interference.forms import ToClueForm as FromInterference
    from bidwatch.web.tipoffs.forms import ToClueForm as FromReport

    for form in (FromInterference, FromReport):
        assert list(form.base_fields) == ["on", "unit", "summary"]
        assert not form.base_fields["summary"].required
    assert FromInterference.title == FromReport.title
    assert FromInterference.base_fields["summary"].help_text != FromReport.base_fields["summary"].help_text


def test_period_dates_are_dates() -> None:
    form = _Period({"start": "2024-05-01", "end": "2024-05-31"})
    assert form.is_valid() and form.bounds() == (dt.date(2024, 5, 1), dt.date(2024, 5, 31))
