"""The figure and code filters of ``{% load bw %}``: "—" for none, amounts grouped, codes named in the page's
language and shown as they are when unknown."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import engines
from django.utils import translation


def _render(text: str, **context: Any) -> str:
    with translation.override("zh-hans"):
        return engines["django"].from_string("{% load bw %}" + text).render(context)


@pytest.mark.parametrize(("text", "context", "shown"), [
    ("{{ v|yuan }}", {"v": "1234567.5"}, "1,234,567.50"),
    ("{{ v|yuan }}", {"v": ""}, "—"),
    ("{{ v|yuan }}", {"v": None}, "—"),
    ("{{ v|yuan }}", {"v": "abc"}, "abc"),  # no number: as it is
    ("{{ v|wan }}", {"v": "1234567.5"}, "123.46 万元"),
    ("{{ v|wan }}", {"v": "abc"}, "abc"),
    ("{{ v|pct }}", {"v": 0.4567}, "46%"),
    ("{{ v|pct:2 }}", {"v": 0.4567}, "45.67%"),
    ("{{ v|pct }}", {"v": ""}, "—"),
    ("{{ v|score100 }}", {"v": 0.4567}, "0"),
    ("{{ v|score100 }}", {"v": 87.6}, "88"),
    ("{{ v|score100 }}", {"v": None}, "—"),
    ("{{ v|category }}", {"v": "works"}, "施工"),
    ("{{ v|category }}", {"v": "zzz"}, "zzz"),
    ("{{ v|procedure }}", {"v": ""}, "—"),
    ("{{ v|risk_level }}", {"v": "high"}, "高"),
    ("{{ v|measure }}", {"v": "penalty"}, "行政处罚"),
    ("{{ v|measure }}", {"v": None}, "—"),
])
def test_filters(text: str, context: dict[str, Any], shown: str) -> None:
    assert _render(text, **context) == shown


@pytest.mark.parametrize("text", ["{{ v|pct }}", "{{ v|score100 }}"])
def test_a_share_or_score_that_is_no_number_is_an_error(text: str) -> None:
    with pytest.raises(ValueError):
        _render(text, v="abc")
