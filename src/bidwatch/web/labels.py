"""Display names for the codes the scan produces (families, risk levels, enumerations)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

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
    "other": _("Other"),
}


def family_label(code: str) -> str:
    return str(FAMILIES.get(code, code))
