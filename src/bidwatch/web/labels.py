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


def _zh() -> bool:
    return (get_language() or "zh-hans").startswith("zh")


def indicator_name(code: str, name_zh: str = "") -> str:
    """An indicator's name in the page's language: on a Chinese page the scan's own name (``name_zh``, else
    the catalogue's), on another the English name of the scan catalogue (``bidwatch.indicators``) or of the
    bid-file comparison (``bidwatch.documents.compare.INDICATORS``); the Chinese name where neither knows the
    code, the code where there is no name at all."""
    if _zh() and name_zh:  # the scan's own name, without loading the catalogue
        return name_zh
    ind = _catalogue_indicators().get(code)
    if _zh():
        return (ind.name_zh if ind is not None else "") or code
    if ind is not None:
        return str(ind.name_en)
    if code.startswith("doc_"):  # a bid-file comparison's finding: its own table of names
        from bidwatch.documents.compare import INDICATORS

        names = INDICATORS.get(code) or {}
        if names.get("name_en"):
            return names["name_en"]
    return name_zh or code


def region_label(code: str) -> str:
    """A district as the pages name it: the value itself where the data gives a name (浏阳市), else — a
    行政区划代码 of digits, which no table of the data names — said to be a code ("区划代码 430181")."""
    code = (code or "").strip()
    if not code:
        return str(_("unknown"))
    if code.isdigit():
        return str(_("region code %(code)s") % {"code": code})
    return code


@lru_cache(maxsize=1)
def _cn_currencies() -> frozenset[str]:
    from bidwatch.scan import CN_CURRENCIES  # the scan's own list: the yuan's names in a currency column

    return frozenset(CN_CURRENCIES)


def foreign_currency(currency: Any) -> str:
    """The currency code of an amount that is not in yuan (``MXN``), else "" (none given, or the yuan by one
    of its names: CNY, RMB, 人民币, 元)."""
    cur = str(currency or "").strip()
    return "" if not cur or cur.upper() in _cn_currencies() else cur.upper()
