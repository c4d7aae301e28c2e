"""How the tender page shows a bidder link's shared value.

The links themselves (pairs of bidders in one tender that share a person, device, account, phone or
file) are read through the engine: :func:`bidwatch.engine.reads.bidder_links`.
"""

from __future__ import annotations


def mask(value: str, attr: str) -> str:
    """Show enough of an identifier to compare, not enough to misuse (phones, accounts, IDs)."""
    value = str(value)
    if attr in {"phone", "payer_account", "legal_rep", "project_manager", "agent", "people"} and len(value) > 6:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    if attr == "file_hash" and len(value) > 16:
        return value[:12] + "…"
    return value
