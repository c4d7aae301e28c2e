"""Reads of a loaded dataset for consumers outside the scan (the web import), through an engine.

Every read is DuckDB-dialect SQL handed to :meth:`Engine.iter_rows` / :meth:`Engine.query`, so it runs
on whichever backend holds the dataset (DuckDB, or Spark after transpilation) and the caller never
touches a backend's connection. Optional tables and columns may be absent: a read names the columns
it wants and gets NULL for those the dataset lacks, so callers never branch on the dataset's shape.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from bidwatch.engine.base import Engine


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def columns(engine: Engine, table: str) -> set[str]:
    """The table's columns (lower case); empty when the dataset has no such table."""
    return set(engine.columns(table))


def select_sql(engine: Engine, table: str, wanted: Sequence[str]) -> str | None:
    have = columns(engine, table)
    if not have:
        return None
    parts = [_q(c) if c in have else f"NULL AS {_q(c)}" for c in wanted]
    return f"SELECT {', '.join(parts)} FROM {_q(table)}"


def iter_table(engine: Engine, table: str, wanted: Sequence[str], batch: int = 50_000) -> Iterator[dict[str, Any]]:
    """The table's rows as dicts of the ``wanted`` columns (NULL for a column the table lacks)."""
    sql = select_sql(engine, table, wanted)
    if sql is None:
        return
    for row in engine.iter_rows(sql, batch):
        yield dict(zip(wanted, row, strict=True))


def count(engine: Engine, table: str) -> int:
    if not columns(engine, table):
        return 0
    return int(engine.query(f"SELECT count(*) AS n FROM {_q(table)}")["n"].iloc[0])


def bids_per_tender(engine: Engine) -> dict[str, int]:
    if "tender_id" not in columns(engine, "bids"):
        return {}
    return {str(t): int(n) for t, n in engine.iter_rows("SELECT tender_id, count(*) FROM bids GROUP BY tender_id")}


def company_bid_stats(engine: Engine) -> dict[str, tuple[int, int]]:
    """Per company: (bids, bids on tenders it won)."""
    if "company_id" not in columns(engine, "bids"):
        return {}
    if "winner_id" in columns(engine, "tenders"):
        sql = ("SELECT b.company_id, count(*), count(*) FILTER (WHERE t.winner_id = b.company_id) "
               "FROM bids b LEFT JOIN tenders t ON t.tender_id = b.tender_id GROUP BY b.company_id")
    else:
        sql = "SELECT company_id, count(*), 0 FROM bids GROUP BY company_id"
    return {str(cid): (int(n_bids), int(n_wins)) for cid, n_bids, n_wins in engine.iter_rows(sql)}


# ---------------------------------------------------------------- the bidder-link graph
# Pairs of bidders in one tender that share a person, device, account, phone or file: what the tender
# page's link graph draws. The statutory judgement stays with the indicators.

#: (table, column, kind, attribute label); bid-level tables are joined to bids for tender and company.
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


def bidder_links_sql(engine: Engine) -> str | None:
    """SELECT of ``tender_id, company_a, company_b, kind, attr, v`` (company_a < company_b), at most
    :data:`MAX_LINKS_PER_TENDER` per tender; None when the dataset has nothing to link by."""
    if "tender_id" not in columns(engine, "bids"):
        return None
    parts: list[str] = []
    for table, col, kind, attr in BID_LEVEL:
        if col not in columns(engine, table):
            continue
        if table == "bids":
            src = f"SELECT tender_id, company_id, CAST({_q(col)} AS VARCHAR) AS v FROM bids"
        else:
            src = (f"SELECT b.tender_id, b.company_id, CAST(t.{_q(col)} AS VARCHAR) AS v "
                   f"FROM {_q(table)} t JOIN bids b ON b.bid_id = t.bid_id")
        parts.append(f"SELECT tender_id, company_id, '{kind}' AS kind, '{attr}' AS attr, v FROM ({src}) AS s")
    company_cols = columns(engine, "companies")
    for _table, col, kind, attr in COMPANY_LEVEL:
        if col not in company_cols:
            continue
        parts.append(
            f"SELECT b.tender_id, b.company_id, '{kind}' AS kind, '{attr}' AS attr, CAST(c.{_q(col)} AS VARCHAR) AS v "
            f"FROM bids b JOIN companies c ON c.company_id = b.company_id"
        )
    if {"person_id", "company_id"} <= columns(engine, "people"):
        # The same person standing behind two bidders (shareholder, executive, legal rep ...).
        parts.append(
            "SELECT b.tender_id, b.company_id, 'person' AS kind, 'people' AS attr, CAST(p.person_id AS VARCHAR) AS v "
            "FROM bids b JOIN people p ON p.company_id = b.company_id"
        )
    if not parts:
        return None
    union = " UNION ALL ".join(parts)
    return f"""
        WITH attrs AS (
            SELECT DISTINCT tender_id, company_id, kind, attr, v FROM ({union}) AS u
            WHERE v IS NOT NULL AND trim(v) <> ''
        ),
        pairs AS (
            SELECT a.tender_id, a.company_id AS company_a, b.company_id AS company_b, a.kind, a.attr, a.v
            FROM attrs a JOIN attrs b
              ON a.tender_id = b.tender_id AND a.attr = b.attr AND a.v = b.v AND a.company_id < b.company_id
        )
        SELECT tender_id, company_a, company_b, kind, attr, v FROM (
            SELECT *, row_number() OVER (PARTITION BY tender_id ORDER BY kind, attr, company_a, company_b) AS rn
            FROM pairs
        ) AS ranked WHERE rn <= {MAX_LINKS_PER_TENDER}
    """


def bidder_links(engine: Engine, batch: int = 50_000) -> Iterator[tuple[Any, ...]]:
    """Rows of :func:`bidder_links_sql`, streamed."""
    sql = bidder_links_sql(engine)
    if sql is None:
        return
    yield from engine.iter_rows(sql, batch)


__all__ = ["bidder_links", "bidder_links_sql", "bids_per_tender", "columns", "company_bid_stats", "count",
           "iter_table", "select_sql"]
