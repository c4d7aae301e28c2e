"""The errors a service raises for the user come from the catalogue, in the language of the request."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from bidwatch.web.reports.figures import build_report
from tests.web.test_complaints import _register, _step


@pytest.mark.parametrize(("language", "shown", "not_shown"), [
    ("zh-hans", "受理日期早于收到日期", "accepted before it was received"),
    ("en", "accepted before it was received", "受理日期早于收到日期"),
])
@pytest.mark.django_db
def test_a_refused_step_speaks_the_language_of_the_page(client_for: Any, users: Any, language: str,
                                                         shown: str, not_shown: str) -> None:
    client = client_for("housing")
    c = _register(client)
    client.post(reverse("set_language"), {"language": language})
    response = _step(client, c, "accept", on="2024-09-26")  # before it was received
    page = response.content.decode()
    assert response.status_code == 400 and shown in page and not_shown not in page


@pytest.mark.parametrize(("language", "message"), [
    ("zh-hans", "截止日期早于起始日期"), ("en", "the period ends before it starts")])
def test_a_service_error_is_translated_when_raised(language: str, message: str) -> None:
    with translation.override(language), pytest.raises(ValueError) as err:
        build_report(None, dt.date(2027, 2, 1), dt.date(2027, 1, 1))
    assert str(err.value) == message
