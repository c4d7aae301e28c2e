"""How widely a linking value is spread in the dataset: a value many unrelated companies use identifies nobody.

实施条例 第40条 presumes collusion where bids were *prepared by the same unit or person* (一), handled by the same
person (二), or bonds came from the same account (六). The data shows such links as shared values: a document
author, a MAC address, a machine code, an IP address, a phone number, an account, a person id. Real exports are
full of values that are shared for lawful reasons: the default author of an office suite or of a system image
(``Administrator``, ``Windows 用户``, ``微软用户`` …), the MAC of a virtualisation host's adapter, the network exit of a
trading centre or an ISP, a guarantee company's account. No fixed list can name them all, so the data decides:
for every value that links two bidders we count, over the *whole dataset*, the companies and tenders that use it
and the company groups behind those companies (companies with the same legal representative count once: a group
sharing a computer is one preparer). A value used by at most ``collusion.spread_full_max_companies`` groups
keeps its full weight (2–3 companies sharing a value, in one tender or in a few, is the planted pattern the law
describes); one used by ``collusion.spread_generic_min_companies`` groups or more is *generic*: it says nothing
about any two of them and gives no alert (not even a low one: a value shared by dozens of unrelated firms is not
a lead on these two, and a low alert on every tender where two of them meet would bury the real leads); in
between, the alert is one severity lower. Every alert states the spread (该值在本数据集中被N家企业使用).

MAC addresses of virtual adapters (by OUI: VMware, VirtualBox, Hyper-V, QEMU/KVM, Xen, Parallels, Docker) and
locally administered addresses (the U/L bit of the first octet) are generated or copied by software, not burnt
into a machine: alone they are a low lead. Private IP addresses (10/8, 172.16/12,
192.168/16, 127/8, 169.254/16) are the inside of some local network and say nothing across networks: a low lead.

Everything is one grouped pass per field over the rows whose value is shared inside a tender (a semi-join),
so the cost stays linear in the number of bids; the SQL runs on DuckDB and transpiles to Spark.
"""

from __future__ import annotations

from bidwatch.indicators.base import Coverage, CoverageBuilder, ScanContext, complete_bid_lists, tender_coverage

#: strengths of a value: ``full`` keeps the indicator's severity, ``reduced`` is one step lower,
#: ``weak`` is a low lead whatever the indicator, ``generic`` gives no alert
STRENGTH_LEVEL = {"full": 0, "reduced": 1, "weak": 9}


def company_groups_sql(ctx: ScanContext) -> str:
    """SQL ``(company_id, grp)``: companies with the same legal representative form one group."""
    if ctx.has("companies", "legal_rep_id"):
        return "SELECT company_id, coalesce(legal_rep_id, company_id) AS grp FROM companies"
    return "SELECT company_id, company_id AS grp FROM companies WHERE false"


def spread_cte(ctx: ScanContext, name: str, rows: str, candidates: str, tenders: bool = True) -> str:
    """A CTE ``name(value, n_companies, n_tenders, n_groups, strength)`` for the values of ``rows``.

    ``rows`` names a relation with ``value``, ``company_id`` (and ``tender_id`` if ``tenders``); only values in
    ``candidates`` (a relation with a ``value`` column: those shared inside some tender) are measured.
    """
    full = int(ctx.p("collusion.spread_full_max_companies"))
    generic = int(ctx.p("collusion.spread_generic_min_companies"))
    n_tenders = "count(DISTINCT r.tender_id)" if tenders else "CAST(NULL AS BIGINT)"
    return f"""{name} AS (
    SELECT value, n_companies, n_tenders, n_groups,
           CASE WHEN n_groups >= {generic} THEN 'generic' WHEN n_groups > {full} THEN 'reduced' ELSE 'full' END AS strength
    FROM (
        SELECT r.value, count(DISTINCT r.company_id) AS n_companies, {n_tenders} AS n_tenders,
               count(DISTINCT coalesce(g.grp, r.company_id)) AS n_groups
        FROM {rows} r LEFT JOIN ({company_groups_sql(ctx)}) g ON g.company_id = r.company_id
        WHERE r.value IN (SELECT value FROM {candidates})
        GROUP BY r.value
    ) s
)"""


def weak_mac_sql(ctx: ScanContext, value: str) -> str:
    """SQL condition: a normalised MAC (12 upper-case hex digits) of a virtual adapter or locally administered."""
    prefixes = [str(p).upper().replace(":", "").replace("-", "") for p in ctx.p("collusion.virtual_mac_prefixes")]
    by_prefix = " OR ".join(f"{value} LIKE '{p}%'" for p in prefixes) or "false"
    # the second hex digit carries the U/L bit (2) of the first octet: set = locally administered
    return f"({by_prefix} OR substr({value}, 2, 1) IN ('2', '3', '6', '7', 'A', 'B', 'E', 'F'))"


def weak_ip_sql(value: str) -> str:
    """SQL condition: a private, loopback or link-local IPv4 address."""
    return (f"({value} LIKE '10.%' OR {value} LIKE '192.168.%' OR {value} LIKE '127.%' OR {value} LIKE '169.254.%'"
            f" OR {value} LIKE '172.16.%' OR {value} LIKE '172.17.%' OR {value} LIKE '172.18.%'"
            f" OR {value} LIKE '172.19.%' OR {value} LIKE '172.2_.%' OR {value} LIKE '172.30.%'"
            f" OR {value} LIKE '172.31.%')")


def spread_zh(n_companies: int | None, n_tenders: int | None = None) -> str:
    """The spread of a value as Chinese text for messages."""
    if n_companies is None:
        return ""
    text = f"该值在本数据集中被{n_companies}家企业使用"
    if n_tenders:
        text += f"、出现在{n_tenders}个标段"
    return text


def bidders_coverage(source: str, min_companies: int = 2, complete: bool = False) -> CoverageBuilder:
    """Coverage over tenders: checked where ``source`` (SQL with ``tender_id`` and ``company_id`` columns, e.g. the
    bids joined to their bid files) holds at least ``min_companies`` companies, and (``complete``) the tender's
    bids are the whole bid list. What a pairwise or per-tender comparison of bidders could look at."""

    def build(ctx: ScanContext) -> Coverage:
        where = (f"t.tender_id IN (SELECT tender_id FROM ({source}) s GROUP BY tender_id "
                 f"HAVING count(DISTINCT company_id) >= {int(min_companies)})")
        if complete:
            where += f" AND t.tender_id IN ({complete_bid_lists(ctx)})"
        return tender_coverage(where)(ctx)

    return build
