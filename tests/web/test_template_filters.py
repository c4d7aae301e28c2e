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


@pytest.mark.parametrize(("currency", "shown"), [
    ("MXN", "14,598.60 MXN"),  # QA r03: Jalisco's award, read as "1.46 万元"
    ("amd", "14,598.60 AMD"),
    # near misses: the yuan by any of its names, or no currency, in 万元 as before
    ("CNY", "1.46 万元"), ("RMB", "1.46 万元"), ("人民币", "1.46 万元"), ("", "1.46 万元"), (None, "1.46 万元"),
])
def test_an_amount_is_shown_in_its_currency(currency: Any, shown: str) -> None:
    assert _render("{{ v|money:c }}", v="14598.6", c=currency) == shown
    assert _render("{{ v|money:c }}", v=None, c=currency) == "—"


def test_the_scans_chinese_text_is_said_to_be_so_on_a_page_in_another_language() -> None:
    text = "{{ v|scan_text }}"
    assert _render(text, v="中标人<甲>的合同早于中标通知书") == "中标人&lt;甲&gt;的合同早于中标通知书"
    with translation.override("en"):
        shown = engines["django"].from_string("{% load bw %}" + text).render({"v": "中标人<甲>的合同"})
        assert shown.startswith('<span class="muted small">(the scan&#x27;s text, in Chinese)</span>')
        assert '<span lang="zh-Hans">中标人&lt;甲&gt;的合同</span>' in shown
        # near miss: a text without Chinese is not labelled
        plain = engines["django"].from_string("{% load bw %}" + text).render({"v": "ocds-xs1qbl"})
        assert plain == "ocds-xs1qbl"
