"""A request in English must not change the language of the next test's service errors (stop 20's CI failure:
``open a case first`` where ``须先立案`` was expected, after an English page on the same xdist worker)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils.translation import get_language

pytestmark = pytest.mark.xdist_group("language-isolation")  # the two tests must share a worker, in order


@pytest.mark.django_db
def test_an_english_request_leaves_english_active_in_the_thread(client_for: Any) -> None:
    client_for("housing").get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert get_language() == "en"  # Django's LocaleMiddleware does not deactivate after the response


def test_the_next_test_starts_in_the_site_language() -> None:
    assert get_language() == "zh-hans"
