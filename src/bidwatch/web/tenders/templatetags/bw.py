"""Template filters for money, percentages, codes and evidence."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from bidwatch.web import labels

register = template.Library()


@register.filter
def yuan(value: Any) -> str:
    if value is None or value == "":
        return "—"
    try:
        return f"{Decimal(value):,.2f}"
    except (ValueError, ArithmeticError, TypeError):
        return str(value)


@register.filter
def wan(value: Any) -> str:
    """Yuan shown in 万元, the unit tender notices use."""
    if value is None or value == "":
        return "—"
    try:
        return _("%(amount)s 10k yuan") % {"amount": f"{Decimal(value) / 10000:,.2f}"}
    except (ValueError, ArithmeticError, TypeError):
        return str(value)


@register.filter
def pct(value: Any, digits: int = 0) -> str:
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.{int(digits)}f}%"


@register.filter
def score100(value: Any) -> str:
    if value is None or value == "":
        return "—"
    return f"{float(value):.0f}"


@register.filter
def family(code: str) -> str:
    return labels.family_label(code)


@register.filter
def category(code: str) -> str:
    return str(labels.CATEGORIES.get(code, code or "—"))


@register.filter
def procedure(code: str) -> str:
    return str(labels.PROCEDURES.get(code, code or "—"))


@register.filter
def risk_level(code: str) -> str:
    return str(labels.RISK_LEVELS.get(code, code or "—"))


@register.filter
def measure(code: str) -> str:
    return str(labels.MEASURES.get(code, code or "—"))


@register.filter
def evidence_items(evidence: Any) -> list[tuple[str, str]]:
    """Evidence JSON as (key, readable value) pairs for a definition list."""
    if isinstance(evidence, str):
        try:
            evidence = json.loads(evidence)
        except ValueError:
            return [("", evidence)]
    if isinstance(evidence, dict):
        items = evidence.items()
    elif isinstance(evidence, list):
        items = enumerate(evidence, 1)  # type: ignore[assignment]
    else:
        return [("", str(evidence))]
    out = []
    for key, val in items:
        text = _evidence_text(val)
        if len(text) > 600:
            text = text[:600] + "…"
        out.append((labels.evidence_label(str(key)) if isinstance(key, str) else str(key), text))
    return out


def _evidence_text(val: Any, depth: int = 0) -> str:
    """A readable value: lists joined with 、, records as 标签：值，… (labels in the page's language),
    several records separated by ；; anything deeper stays JSON."""
    if val is None:
        return "—"
    if isinstance(val, bool):
        zh = (get_language() or "zh-hans").startswith("zh")
        return ("是" if val else "否") if zh else ("yes" if val else "no")
    if isinstance(val, float):
        return f"{val:,.2f}" if abs(val) >= 1000 else f"{val:.4g}"
    if depth >= 2 or not isinstance(val, (dict, list)):
        return json.dumps(val, ensure_ascii=False, default=str) if isinstance(val, (dict, list)) else str(val)
    if isinstance(val, dict):
        return "，".join(f"{labels.evidence_label(str(k))}：{_evidence_text(v, depth + 1)}" for k, v in val.items())
    sep = "；" if any(isinstance(v, dict) for v in val) else "、"
    return sep.join(_evidence_text(v, depth + 1) for v in val)


@register.filter
def split_semicolon(value: str) -> list[str]:
    return [v for v in (value or "").split(";") if v]
