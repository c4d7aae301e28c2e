"""Display names for the codes the scan produces (families, risk levels, enumerations)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# the scan's evidence keys and coded values in Chinese and English live beside the scan (its report shows them too)
from bidwatch.evidence_labels import EVIDENCE_EN, EVIDENCE_VALUES, EVIDENCE_ZH_BY_INDICATOR, label_zh

FAMILIES = {
    "collusion": _("Collusion"),
    "evasion": _("Evading tendering"),
    "timing": _("Timing and procedure"),
    "exclusion": _("Excluding bidders"),
    "experts": _("Evaluation experts"),
    "credit": _("Credit and sanctions"),
    "screens": _("Price screens"),
    "network": _("Bidder network"),
    "textsim": _("Similar bid documents"),
    "ocds": _("Open-contracting red flags"),
    "model": _("Collusion model"),
}

CATEGORIES = {"works": _("Works"), "goods": _("Goods"), "services": _("Services")}
PROCEDURES = {
    "open": _("Open tendering"),
    "invited": _("Invited tendering"),
    "negotiated": _("Competitive negotiation"),
    "single_source": _("Single source"),
    "direct": _("Direct award"),
    "inquiry": _("Request for quotation"),
}
RISK_LEVELS = {"high": _("High"), "medium": _("Medium"), "low": _("Low"), "none": _("None")}
MEASURES = {
    "debarment": _("Debarred from bidding"),
    "blacklist": _("Serious dishonesty list"),
    "dishonest_debtor": _("Dishonest judgment debtor"),
    "bribery_record": _("Bribery record"),
    "penalty": _("Administrative penalty"),
    "expert_suspended": _("Evaluation expert suspended from evaluating"),
    "expert_removed": _("Removed from the evaluation-expert pool"),
    "other": _("Other"),
}


def family_label(code: str) -> str:
    """The family's name in the page's language: this table, else the scan catalogue's own names
    (``bidwatch.indicators.FAMILIES``: expert_bias, sanctioned_bidder, works_before_award ...)."""
    if code in FAMILIES:
        return str(FAMILIES[code])
    family = _catalogue_families().get(code)
    if family is None:
        return code
    return family.name_zh if (get_language() or "zh-hans").startswith("zh") else family.name_en


@lru_cache(maxsize=1)
def _catalogue() -> tuple[dict[str, Any], dict[str, Any]]:
    """The scan's families and indicators, imported on first use (the analytics load only when a page needs them)."""
    from bidwatch.indicators import CATALOGUE, FAMILIES

    return dict(FAMILIES), dict(CATALOGUE)


def _catalogue_families() -> dict[str, Any]:
    return _catalogue()[0]


def evidence_label(key: str, indicator: str | None = None) -> str:
    if (get_language() or "zh-hans").startswith("zh"):
        return label_zh(key, indicator)
    if key == "probability" and indicator in EVIDENCE_ZH_BY_INDICATOR:
        return "chance probability"
    return EVIDENCE_EN.get(key, key)


def evidence_value(value: str) -> str:
    """A coded evidence value in the page's language: :data:`EVIDENCE_VALUES`, a procedure, category, risk level or
    registry measure, an indicator's code (an alert corroborated by another: its name in the scan catalogue); any
    other text (an ID, a name) as it is."""
    zh = (get_language() or "zh-hans").startswith("zh")
    names = EVIDENCE_VALUES.get(value)
    if names is not None:
        return names[0] if zh else names[1]
    for table in (PROCEDURES, CATEGORIES, RISK_LEVELS, MEASURES):
        if value in table:
            return str(table[value])
    ind = _catalogue_indicators().get(value)
    if ind is not None:
        return str(ind.name_zh if zh else ind.name_en)
    return value


def _catalogue_indicators() -> dict[str, Any]:
    return _catalogue()[1]
