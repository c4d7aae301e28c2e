"""Pairs of bidders in one tender that share a person, device, account, phone or file.

Computed in DuckDB from the dataset (bids, bid_files, bonds, companies, people) for the tender page's
link graph; the statutory judgement stays with the indicators, this is only what the graph draws.
"""

from __future__ import annotations

from typing import Any

from bidwatch.web.datasets.duck import columns

# (table, column, kind, attribute label); bid-level tables are joined to bids for tender and company.
BID_LEVEL = [
    ("bids", "project_manager_id", "person", "project_manager"),
    ("bids", "agent_id", "person", "agent"),
    ("bid_files", "machine_code", "device", "machine_code"),
    ("bid_files", "mac", "device", "mac"),
    ("bid_files", "disk_serial", "device", "disk_serial"),
    ("bid_files", "ca_lock_id", "device", "ca_lock_id"),
    ("bid_files", "tool_serial", "device", "tool_serial"),
    ("bid_files", "ip", "device", "ip"),
    ("bid_files", "file_hash", "file", "file_hash"),
    ("bonds", "payer_account", "account", "payer_account"),
]
COMPANY_LEVEL = [
    ("companies", "phone", "phone", "phone"),
    ("companies", "email", "phone", "email"),
    ("companies", "legal_rep_id", "person", "legal_rep"),
]

MAX_LINKS_PER_TENDER = 200


def bidder_links_sql(con: Any) -> str | None:
    if "tender_id" not in columns(con, "bids"):
        return None
    parts: list[str] = []
    for table, col, kind, attr in BID_LEVEL:
        if col not in columns(con, table):
            continue
        if table == "bids":
            src = f'select tender_id, company_id, cast("{col}" as varchar) v from bids'
        else:
            src = (
                f'select b.tender_id, b.company_id, cast(t."{col}" as varchar) v '
                f'from "{table}" t join bids b using (bid_id)'
            )
        parts.append(f"select tender_id, company_id, '{kind}' kind, '{attr}' attr, v from ({src})")
    for table, col, kind, attr in COMPANY_LEVEL:
        if col not in columns(con, table):
            continue
        parts.append(
            f"select b.tender_id, b.company_id, '{kind}' kind, '{attr}' attr, cast(c.\"{col}\" as varchar) v "
            f"from bids b join companies c using (company_id)"
        )
    if {"person_id", "company_id"} <= columns(con, "people"):
        # The same person standing behind two bidders (shareholder, executive, legal rep ...).
        parts.append(
            "select b.tender_id, b.company_id, 'person' kind, 'people' attr, cast(p.person_id as varchar) v "
            "from bids b join people p using (company_id)"
        )
    if not parts:
        return None
    union = " union all ".join(parts)
    return f"""
        with attrs as (
            select distinct tender_id, company_id, kind, attr, v from ({union})
            where v is not null and trim(v) <> ''
        ),
        pairs as (
            select a.tender_id, a.company_id company_a, b.company_id company_b, a.kind, a.attr, a.v
            from attrs a join attrs b
              on a.tender_id = b.tender_id and a.attr = b.attr and a.v = b.v and a.company_id < b.company_id
        )
        select tender_id, company_a, company_b, kind, attr, v from (
            select *, row_number() over (partition by tender_id order by kind, attr, company_a, company_b) rn
            from pairs
        ) where rn <= {MAX_LINKS_PER_TENDER}
    """


def mask(value: str, attr: str) -> str:
    """Show enough of an identifier to compare, not enough to misuse (phones, accounts, IDs)."""
    value = str(value)
    if attr in {"phone", "payer_account", "legal_rep", "project_manager", "agent", "people"} and len(value) > 6:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    if attr == "file_hash" and len(value) > 16:
        return value[:12] + "…"
    return value
