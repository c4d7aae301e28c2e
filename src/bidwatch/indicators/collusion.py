"""The statutory collusion family: 实施条例 第40条 (deemed collusion) and 第34条 (related bidders).

Severity policy: ``high`` only where the law presumes collusion and the data is hard evidence (the same
device, person, account, identical prices); statistical patterns are ``medium``; a shared IP alone is
``low`` because offices, venues and ISPs share networks (漳州: "IP地址不能视为评审依据"), ``medium`` when the
same public IP links bidders in several tenders.
Everything is compared *within one tender*: the same MAC in two different tenders is no evidence.

Issue 11 ("alerts a regulator can trust"): a linking value is weighed by its spread in the dataset
(:mod:`bidwatch.indicators.spread`: generic values give no alert, widely used ones one severity less, virtual
or locally administered MACs and private IPs a low lead); price coincidences are weighed against chance
(:mod:`bidwatch.indicators.chance`: ties and regular differences alert only when improbable under
independent bidding for that tender, never on a published figure, and only where the bid list is complete).
"""

from __future__ import annotations

import re

from collections.abc import Mapping
from typing import Any

from bidwatch.documents.generic import SUFFIX as DEFAULT_AUTHOR_SUFFIX
from bidwatch.indicators.base import (
    ScanContext,
    complete_bid_lists,
    indicator,
    names,
    sql_list,
)
from bidwatch.indicators.chance import (
    density_sql,
    focal_ratio_ctes,
    focal_ties_sql,
    kernel_density_ctes,
    poisson_at_least_sql,
    published_figure_sql,
    grid_resolution_sql,
    published_figures,
    significant_sql,
)
from bidwatch.indicators.spread import bidders_coverage, spread_cte, spread_zh, weak_ip_sql, weak_mac_sql

FIELD_ZH = {
    "machine_code": "机器码",
    "mac": "MAC地址",
    "disk_serial": "硬盘序列号",
    "ca_lock_id": "CA加密锁号",
    "author": "文件作者",
    "tool_serial": "编制工具（计价软件）序列号",
    "file_hash": "文件哈希",
    "ip": "上传IP",
}

#: the SQL that normalises each fingerprint so that notations do not hide a match
_NORMALISE = {
    "mac": "upper(regexp_replace(bf.mac, '[^0-9A-Fa-f]', '', 'g'))",
    "author": "upper(trim(bf.author))",
    "ip": "trim(bf.ip)",
}
# serials and codes: case-insensitive, inner spaces ignored (replace() is ~10× cheaper than a regex here)
_DEFAULT_NORMALISE = "upper(replace(replace(bf.{col}, ' ', ''), '\t', ''))"

#: a bond's payer account that is an account: at least six digits (a bank account has 12–25; 银行保函, 电子保函, 现金, 无 or
#: "/" in the column name how the bond was given, not from where, and link nobody). SQL over the column ``{col}``.
ACCOUNT_NUMBER = "({col} IS NOT NULL AND length(regexp_replace({col}, '[^0-9]', '', 'g')) >= 6)"

NOT_WITHDRAWN = "coalesce(status, 'valid') <> 'withdrawn'"


def default_author_sql(ctx: ScanContext, value: str) -> str:
    """SQL: the (upper-cased) author is a default of a system or an office suite — an OS account (Windows 用户,
    Administrator), an OEM's (Lenovo, ThinkPad) or a ghost image's (雨林木风, YlmF, 番茄花园, 深度技术) name, alone or as the
    computer names they give (``-PC``, ``_PC``, ``-电脑``, a number, ``.Org``): ``[collusion] default_author_stems``.
    Two firms with such an author are a low lead, as two firms behind one virtual MAC are; the spread in the dataset
    still drops a widely used one. (雨林木风 on three firms' files is what three firms with the same pirated Windows
    image write, not one hand.)"""
    # letters and digits only (no backslash: a regex escape would read differently in DuckDB's and Spark's literals)
    stems = "|".join(v for v in (str(x).upper().replace(" ", "") for x in ctx.p("collusion.default_author_stems"))
                     if re.fullmatch(r"\w+", v))
    pattern = f"^(?:{stems}){DEFAULT_AUTHOR_SUFFIX}$"  # the bid-file comparison's rule too (documents/generic.py)
    return f"regexp_matches(replace({value}, ' ', ''), '{pattern}')"


def _shared_fingerprints_sql(ctx: ScanContext, fields: tuple[str, ...], ip: bool = False) -> str:
    """Alerts for values of ``fields`` that different companies of one tender share.

    Each value is weighed by its spread in the dataset (:mod:`bidwatch.indicators.spread`): generic values are
    dropped, widely used ones lower the severity one step, virtual or locally administered MACs and private IPs
    are a low lead. For same_preparer the severity is high, one step lower, or low; for ``ip`` (shared_ip) it is
    medium when the value links bidders in at least ``collusion.ip_medium_min_tenders`` tenders, else low.
    Each field is aggregated on its own: grouping one long union of every field by (tender, field,
    value) was three times slower on 1M bids than seven small aggregations.
    """
    present = [col for col in fields if ctx.has("bid_files", col)]
    generic = sql_list([str(v).upper() for v in ctx.p("collusion.generic_fingerprints")])
    ip_tenders = int(ctx.p("collusion.ip_medium_min_tenders"))
    own_min = int(ctx.p("collusion.ip_own_use_min_tenders"))
    ctes, shared_rows = [], []
    norms = {col: _NORMALISE.get(col, _DEFAULT_NORMALISE.format(col=col)) for col in present}
    duck = ctx.engine.kind == "duckdb"
    if duck and present:
        # DuckDB pushes a filter into the scan and evaluates the normalisation once per condition (four times
        # for a MAC's regex, plus the projection): normalising once in a materialised CTE is ~4x cheaper. One
        # CTE for every field joins the bids once and holds the bid's ids once, not once per field. Spark's
        # SQL has no MATERIALIZED; it gets the plain form per field, which means the same.
        columns = ", ".join(f"{norm} AS v_{col}, bf.{col} AS r_{col}" for col, norm in norms.items())
        ctes.append(f"""n AS MATERIALIZED (SELECT b.tender_id, b.company_id, b.bid_id, {columns}
                       FROM bid_files bf JOIN bids b ON b.bid_id = bf.bid_id)""")
    for col, norm in norms.items():
        valid = f"value IS NOT NULL AND value <> '' AND value NOT IN {generic}"
        if col == "mac":
            valid += " AND length(value) = 12"
        weak = (weak_mac_sql(ctx, "f.value") if col == "mac" else weak_ip_sql("f.value") if col == "ip"
                else default_author_sql(ctx, "f.value") if col == "author" else "false")
        # ip: whether this company uploads from the value also in tenders where no other company does
        own_use = f"coalesce(h.n_alone, 0) >= {own_min}" if ip else "false"
        if ip:
            # medium where the value links bidders in several tenders, else low; and low where this company
            # uploads from it on its own too (its own office or park network: co-location, not one hand
            # uploading another's bid); the group keeps medium if any company lacks it
            level = (f"CASE WHEN {weak} OR s.strength = 'reduced' OR k.n_shared < {ip_tenders} "
                     f"OR {own_use} THEN 1 ELSE 0 END")
        else:
            level = f"CASE WHEN {weak} THEN 2 WHEN s.strength = 'reduced' THEN 1 ELSE 0 END"
        if duck:
            rows = f"SELECT tender_id, company_id, bid_id, v_{col} AS value, r_{col} AS raw FROM n"
        else:
            rows = (f"SELECT b.tender_id, b.company_id, b.bid_id, {norm} AS value, bf.{col} AS raw "
                    f"FROM bid_files bf JOIN bids b ON b.bid_id = bf.bid_id")
        ctes.append(f"""v_{col} AS (SELECT * FROM ({rows}) x WHERE {valid}),""")
        # only values that two companies use somewhere can link bidders: most fingerprints belong to one
        # company (its machine, its lock) and drop out in a grouping by value alone, whose few groups are
        # much cheaper than the (tender, value) grouping below over every row (issue 11's 1M-bid scan)
        # (not for IP addresses: most are shared anyway, and the extra grouping only costs)
        ctes[-1] += (f"""
x_{col} AS (SELECT value FROM v_{col} GROUP BY value HAVING min(company_id) < max(company_id)),
f_{col} AS (SELECT * FROM v_{col} WHERE value IN (SELECT value FROM x_{col})),""" if not ip else f"""
f_{col} AS (SELECT * FROM v_{col}),""") + f"""

k_{col} AS (SELECT tender_id, value, count(*) OVER (PARTITION BY value) AS n_shared
            FROM f_{col} GROUP BY tender_id, value HAVING min(company_id) < max(company_id)),
{spread_cte(ctx, f"s_{col}", f"f_{col}", f"k_{col}")}""" + ("" if not ip else f""",
a_{col} AS (SELECT tender_id, value FROM f_{col} GROUP BY tender_id, value HAVING min(company_id) = max(company_id)),
h_{col} AS (SELECT f.value, f.company_id, count(DISTINCT f.tender_id) AS n_alone
            FROM f_{col} f JOIN a_{col} a ON a.tender_id = f.tender_id AND a.value = f.value
            WHERE f.value IN (SELECT value FROM k_{col})
            GROUP BY f.value, f.company_id)""")
        shared_rows.append(
            f"SELECT f.tender_id, '{col}' AS field, f.value, f.company_id, f.bid_id, f.raw, {level} AS level, "
            f"CASE WHEN {weak} THEN 'weak' ELSE s.strength END AS strength, s.n_companies, s.n_tenders, "
            f"k.n_shared, CASE WHEN {own_use} THEN 1 ELSE 0 END AS own_use FROM f_{col} f "
            f"JOIN k_{col} k ON k.tender_id = f.tender_id AND k.value = f.value "
            f"JOIN s_{col} s ON s.value = f.value "
            + (f"LEFT JOIN h_{col} h ON h.value = f.value AND h.company_id = f.company_id " if ip else "")
            + "WHERE s.strength <> 'generic'"
        )
    per_field = ",\n".join(ctes)
    union = " UNION ALL ".join(shared_rows)
    # level 0 = the indicator's full severity, 1 = one step lower, 2 = low (weak values)
    top, mid = ("medium", "low") if ip else ("high", "medium")
    colocated = ", colocated := colocated = 1" if ip else ""
    return f"""
WITH {per_field},
rows AS ({union}),
shared AS (
    SELECT tender_id, field, value, min(level) AS level, any_value(n_companies) AS n_companies,
           any_value(n_tenders) AS n_tenders, any_value(strength) AS strength, any_value(n_shared) AS n_shared,
           min(own_use) AS colocated,
           list_sort(list(DISTINCT company_id)) AS companies,
           list_sort(list(DISTINCT bid_id)) AS bids,
           list_sort(list(DISTINCT raw)) AS raw_values
    FROM rows
    GROUP BY tender_id, field, value
    HAVING count(DISTINCT company_id) >= 2
)
SELECT tender_id, NULL AS project_id, companies AS company_ids,
       least(1.0, CASE min(level) WHEN 0 THEN 0.9 WHEN 1 THEN 0.6 ELSE 0.35 END + 0.05 * (count(*) - 1)) AS score,
       CASE min(level) WHEN 0 THEN '{top}' WHEN 1 THEN '{mid}' ELSE 'low' END AS severity,
       CAST(to_json(struct_pack(
           matches := list_sort(list(struct_pack(field := field, value := value, raw := raw_values,
                                                 n_companies := n_companies, n_tenders := n_tenders,
                                                 shared_in_tenders := n_shared, strength := strength{colocated}))),
           bids := list_sort(list_distinct(flatten(list(bids))))
       )) AS VARCHAR) AS evidence
FROM shared
GROUP BY tender_id, companies
"""


def _fields_zh(row: Mapping[str, Any]) -> str:
    matches = row["evidence"].get("matches", [])
    out = []
    for m in matches:
        spread = spread_zh(m.get("n_companies"), m.get("n_tenders"))
        weak = "；虚拟网卡、本地管理地址或内网地址，单独不足以认定" if m.get("strength") == "weak" else ""
        if m.get("colocated"):
            weak += "；各企业在对方未参加的标段也从该地址上传，多为共用办公楼或园区网络"
        out.append(f"{FIELD_ZH.get(m['field'], m['field'])}（{'/'.join(m.get('raw') or [m['value']])}"
                   f"{'；' + spread if spread else ''}{weak}）")
    return "、".join(out)


PREPARER_FIELDS = ("machine_code", "mac", "disk_serial", "ca_lock_id", "author", "tool_serial", "file_hash")


@indicator(
    code="same_preparer",
    name_zh="投标文件由同一单位或个人编制（电子特征相同）",
    name_en="Bids prepared by the same unit or person (shared device or file fingerprints)",
    family="collusion",
    legal_basis="招标投标法实施条例 第40条第(一)项",
    severity="high",
    requires={"bid_files": (PREPARER_FIELDS[0],)},
    requires_any=tuple({"bid_files": (f,)} for f in PREPARER_FIELDS[1:]),
    message=lambda r: f"投标人{names(r)}的投标文件{_fields_zh(r)}相同，视为同一单位或个人编制",
    coverage=bidders_coverage("SELECT b.tender_id, b.company_id FROM bids b JOIN bid_files bf ON bf.bid_id = b.bid_id"),
)
def same_preparer(ctx: ScanContext) -> str:
    """同一标段中不同投标人的投标文件机器码、MAC地址、硬盘序列号、CA锁号、文件作者、计价软件序列号或文件哈希相同
    （MAC地址统一记法后比较；Administrator 等通用值不计）。"""
    return _shared_fingerprints_sql(ctx, PREPARER_FIELDS)


@indicator(
    code="shared_ip",
    name_zh="投标文件上传IP相同",
    name_en="Bids uploaded from the same IP address",
    family="collusion",
    legal_basis="招标投标法实施条例 第40条第(二)项（线索）",
    severity="medium",
    requires={"bid_files": ("ip",)},
    message=lambda r: f"投标人{names(r)}的投标文件从同一IP地址（{_fields_zh(r)}）上传，单独不足以认定，需结合其他特征核实",
    coverage=bidders_coverage("SELECT b.tender_id, b.company_id FROM bids b JOIN bid_files bf ON bf.bid_id = b.bid_id "
                              "WHERE bf.ip IS NOT NULL"),
)
def shared_ip(ctx: ScanContext) -> str:
    """同一标段中不同投标人从同一IP地址上传投标文件。办公楼、开标场所共用网络，单独出现只作为线索（中风险）；
    各企业在对方未参加的标段也从该地址上传的（同一办公楼或园区的网络出口），只作低风险线索。"""
    return _shared_fingerprints_sql(ctx, ("ip",), ip=True)


def _same_person_sql(ctx: ScanContext, column: str) -> str:
    person_name = ctx.or_null(f"(SELECT any_value(p.name) FROM people p WHERE p.person_id = b.{column})",
                              "people", "name")
    # a person id used by many unrelated companies (a placeholder, an agency's front desk) identifies nobody
    return f"""
WITH b AS (SELECT tender_id, bid_id, company_id, {column}, {column} AS value FROM bids
           WHERE {column} IS NOT NULL AND {column} <> ''),
shared_keys AS (SELECT tender_id, {column}, {column} AS value FROM b
                GROUP BY tender_id, {column} HAVING min(company_id) < max(company_id)),
{spread_cte(ctx, "s", "b", "shared_keys")},
named AS (
    SELECT b.*, {person_name} AS person_name, s.n_companies, s.n_tenders, s.strength,
           -- a bare Chinese name (张伟) where the id should be: two people may bear it (QA, 2026-12-07)
           regexp_matches(b.{column}, '{NAME_ONLY_RE}') AS name_only
    FROM b JOIN shared_keys k ON k.tender_id = b.tender_id AND k.{column} = b.{column}
    JOIN s ON s.value = b.value
    WHERE s.strength <> 'generic'
)
SELECT tender_id, NULL AS project_id, list_sort(list(DISTINCT company_id)) AS company_ids,
       CASE WHEN any_value(strength) = 'full' AND NOT bool_or(name_only) THEN 0.95 ELSE 0.6 END AS score,
       CASE (CASE WHEN any_value(strength) = 'full' THEN 0 ELSE 1 END + CASE WHEN bool_or(name_only) THEN 1 ELSE 0 END)
            WHEN 0 THEN 'high' WHEN 1 THEN 'medium' ELSE 'low' END AS severity,
       CAST(to_json(struct_pack(person_id := {column}, person_name := any_value(person_name),
                                n_companies := any_value(n_companies), n_tenders := any_value(n_tenders),
                                strength := any_value(strength), name_only := bool_or(name_only),
                                bids := list_sort(list(bid_id)))) AS VARCHAR) AS evidence
FROM named
GROUP BY tender_id, {column}
HAVING count(DISTINCT company_id) >= 2
"""


#: a person "id" that is a bare Chinese name (2–4 characters, a middle dot allowed): a name, not an identity
NAME_ONLY_RE = "^[一-龥·]{2,4}$"


def _person(row: Mapping[str, Any]) -> str:
    ev = row["evidence"]
    who = f"{ev.get('person_name') or ''}（{ev['person_id']}）" if ev.get("person_name") else str(ev["person_id"])
    if ev.get("name_only"):
        return (f"“{ev['person_id']}”（数据中只有姓名、没有证书编号或身份证号：同名不等于同一人，须以注册证书编号核实"
                f"{'；' + spread_zh(ev.get('n_companies'), ev.get('n_tenders')) if ev.get('n_companies') else ''}）")
    spread = spread_zh(ev.get("n_companies"), ev.get("n_tenders"))
    return f"{who}（{spread}）" if spread else who


@indicator(
    code="same_agent",
    name_zh="不同投标人委托同一人办理投标事宜",
    name_en="Different bidders entrusted the same agent",
    family="collusion",
    legal_basis="招标投标法实施条例 第40条第(二)项",
    severity="high",
    requires={"bids": ("agent_id",)},
    message=lambda r: (f"投标人{names(r)}的委托代理人同名{_person(r)}" if r["evidence"].get("name_only") else
                       f"投标人{names(r)}委托同一委托代理人{_person(r)}办理投标事宜"),
    coverage=bidders_coverage("SELECT tender_id, company_id FROM bids WHERE agent_id IS NOT NULL"),
)
def same_agent(ctx: ScanContext) -> str:
    """同一标段中不同投标人的委托代理人为同一人。"""
    return _same_person_sql(ctx, "agent_id")


@indicator(
    code="same_project_manager",
    name_zh="不同投标人的项目管理成员为同一人",
    name_en="The same project manager named in different bids",
    family="collusion",
    legal_basis="招标投标法实施条例 第40条第(三)项",
    severity="high",
    requires={"bids": ("project_manager_id",)},
    message=lambda r: (f"投标人{names(r)}的投标文件载明的项目经理同名{_person(r)}" if r["evidence"].get("name_only") else
                       f"投标人{names(r)}的投标文件载明的项目经理为同一人{_person(r)}"),
    coverage=bidders_coverage("SELECT tender_id, company_id FROM bids WHERE project_manager_id IS NOT NULL"),
)
def same_project_manager(ctx: ScanContext) -> str:
    """同一标段中不同投标人拟派的项目经理为同一人。"""
    return _same_person_sql(ctx, "project_manager_id")


@indicator(
    code="identical_unit_prices",
    name_zh="清单综合单价异常一致",
    name_en="Abnormally identical bill-of-quantities unit prices",
    family="collusion",
    legal_basis="招标投标法实施条例 第40条第(四)项",
    severity="high",
    requires={"bid_items": ("item_code", "unit_price")},
    message=lambda r: (
        f"投标人{names(r)}的已标价工程量清单中{r['evidence']['identical_items']}/{r['evidence']['compared_items']}项"
        f"综合单价完全相同（{r['evidence']['share']:.0%}），投标文件异常一致"
    ),
    # the bids that have priced items: a semi-join (a join repeated each bid per BoQ line, 9M rows at 1M bids)
    coverage=bidders_coverage(
        "SELECT b.tender_id, b.company_id FROM bids b WHERE b.bid_id IN (SELECT bid_id FROM bid_items)"),
)
def identical_unit_prices(ctx: ScanContext) -> str:
    """同一标段两份投标的清单综合单价在可比清单项中相同的比例达到阈值（默认80%，至少5项）。
    所有投标人单价都相同的清单项（暂估价、暂列金额等由招标人给定）不计入。"""
    share = float(ctx.p("collusion.boq_identical_share"))
    min_items = int(ctx.p("collusion.boq_min_items"))
    return f"""
WITH it AS (
    SELECT b.tender_id, i.bid_id, b.company_id, i.item_code, round(i.unit_price, 2) AS unit_price
    FROM bid_items i JOIN bids b ON b.bid_id = i.bid_id
    WHERE coalesce(b.status, 'valid') <> 'withdrawn' AND i.unit_price IS NOT NULL
),
-- one row per (tender, item, price): the 9.6M lines of a 1M-bid dataset shrink to the few prices
-- that two companies share, before any pair is formed (two companies: their ids' hashes differ; min/max of
-- a number cost less than of text over 9M groups)
g AS (
    SELECT tender_id, item_code, unit_price, count(*) AS c, min(hash(company_id)) <> max(hash(company_id)) AS shared
    FROM it GROUP BY tender_id, item_code, unit_price
),
-- items every bidder prices alike (provisional sums set by the tenderer) do not count: one price among
-- 3+ lines. A grouping of g, not a window over it (the window, sorting 9M rows by tender and item, was
-- the query's slowest operator)
fixed AS (SELECT tender_id, item_code FROM g GROUP BY tender_id, item_code HAVING count(*) = 1 AND max(c) >= 3),
cand AS (SELECT g.tender_id, g.item_code, g.unit_price FROM g ANTI JOIN fixed f
         ON f.tender_id = g.tender_id AND f.item_code = g.item_code WHERE g.shared),
priced AS (
    SELECT it.* FROM it SEMI JOIN cand k
      ON k.tender_id = it.tender_id AND k.item_code = it.item_code AND k.unit_price = it.unit_price
),
same AS (
    SELECT a.tender_id, a.bid_id AS bid_a, b.bid_id AS bid_b, a.company_id AS company_a, b.company_id AS company_b,
           count(*) AS n_same
    FROM priced a JOIN priced b
      ON a.tender_id = b.tender_id AND a.item_code = b.item_code AND a.unit_price = b.unit_price
     AND a.bid_id < b.bid_id AND a.company_id <> b.company_id
    GROUP BY a.tender_id, a.bid_id, b.bid_id, a.company_id, b.company_id
    HAVING count(*) >= {min_items}
),
-- comparable items of the bids in a candidate pair only
n AS (
    SELECT it.bid_id, count(*) AS n_items
    FROM it ANTI JOIN fixed f ON f.tender_id = it.tender_id AND f.item_code = it.item_code
    WHERE it.bid_id IN (SELECT bid_a FROM same UNION SELECT bid_b FROM same)
    GROUP BY it.bid_id
)
SELECT s.tender_id, NULL AS project_id, list_sort([s.company_a, s.company_b]) AS company_ids,
       least(1.0, s.n_same / least(na.n_items, nb.n_items)) AS score, NULL AS severity,
       CAST(to_json(struct_pack(identical_items := s.n_same, compared_items := least(na.n_items, nb.n_items),
                                share := round(s.n_same / least(na.n_items, nb.n_items), 4),
                                bids := [s.bid_a, s.bid_b])) AS VARCHAR) AS evidence
FROM same s JOIN n na ON na.bid_id = s.bid_a JOIN n nb ON nb.bid_id = s.bid_b
WHERE s.n_same >= {min_items} AND s.n_same >= {share} * least(na.n_items, nb.n_items)
"""


def _chance_zh(ev: Mapping[str, Any]) -> str:
    return (f"若各投标人独立报价，本标段{ev['n_bids']}家报价（报价精度{ev['resolution']:g}元）中出现这种一致的概率约为"
            f"{ev['probability']:.1e}（预警水平{ev['level']:g}）")


@indicator(
    code="identical_bid_prices",
    name_zh="投标报价相同",
    name_en="Identical bid prices",
    family="collusion",
    legal_basis="招标投标法实施条例 第40条第(四)项",
    severity="high",
    requires={"bids": ("price",)},
    message=lambda r: f"投标人{names(r)}的投标报价完全相同（{r['evidence']['price']:,.2f}元）；{_chance_zh(r['evidence'])}",
    coverage=bidders_coverage("SELECT tender_id, company_id FROM bids WHERE price > 0", complete=True),
)
def identical_bid_prices(ctx: ScanContext) -> str:
    """同一标段（投标人名单完整）中不同投标人的投标报价相同，且在各自独立报价的情况下出现这种一致的概率不超过
    预警水平（默认万分之一；按报价精度与本标段报价离散程度计算，见 indicators/chance.py）。报价等于最高投标限价、
    招标估算价或其整百分比下浮（含、不含税）的不计：这些是公开的数字；本数据集中许多标段的报价集中于估算价（或限价）的
    同一比例（如按公式计算的最低限价、评标基准价）时，在该比例上的相同报价也不计。"""
    level = float(ctx.p("collusion.identical_price_max_probability"))
    return f"""
WITH v AS (
    SELECT b.tender_id, b.bid_id, b.company_id, b.price, CAST(round(b.price * 100) AS BIGINT) AS cents
    FROM bids b
    WHERE coalesce(b.status, 'valid') <> 'withdrawn' AND b.price > 0
      AND b.tender_id IN ({complete_bid_lists(ctx)})
),
-- only the tenders with a tie are measured (a semi-join: the other tenders cost one grouping)
tt AS (SELECT DISTINCT tender_id FROM (SELECT tender_id, cents FROM v GROUP BY tender_id, cents
                                       HAVING count(DISTINCT company_id) >= 2) x),
r AS (SELECT v.*, {grid_resolution_sql(ctx, "v.cents")} AS res
      FROM v JOIN tenders t ON t.tender_id = v.tender_id WHERE v.tender_id IN (SELECT tender_id FROM tt)),
-- Σ_{{i<j}} min(res_i, res_j): each bid, in ascending resolution, pairs with every later bid at its own resolution
o AS (SELECT tender_id, price, res,
             count(*) OVER (PARTITION BY tender_id) - row_number() OVER (PARTITION BY tender_id ORDER BY res, bid_id)
             AS later
      FROM r),
{kernel_density_ctes(ctx, "r", "ts")},
tied AS (
    SELECT tender_id, cents, any_value(res) AS res, count(DISTINCT company_id) AS m,
           list_sort(list(DISTINCT company_id)) AS companies, list_sort(list(bid_id)) AS bids
    FROM r GROUP BY tender_id, cents HAVING count(DISTINCT company_id) >= 2
),
{focal_ratio_ctes(ctx, "fr")},
fh AS ({focal_ties_sql(ctx, "tied", "fr")}),
tf AS (SELECT tied.*, ({published_figure_sql(ctx, "(tied.cents / 100.0)")} OR fh.tender_id IS NOT NULL) AS focal
       FROM tied JOIN tenders t ON t.tender_id = tied.tender_id
       LEFT JOIN fh ON fh.tender_id = tied.tender_id AND fh.cents = tied.cents),
-- each resolution at which the tender has an unexplained tie is tested: the tied pairs at values at most that
-- round (k) against λ = ∫f² · Σ min(res_i, res_j) over the pairs whose finer bid has a resolution at most that
-- (two equal prices have the same resolution: a tie to the fen among round prices is not excused by the round ones)
tl AS (SELECT DISTINCT tender_id, res AS lv FROM tf WHERE NOT focal),
lam AS (SELECT tl.tender_id, tl.lv, sum(o.res * o.later) AS sum_min
        FROM tl JOIN o ON o.tender_id = tl.tender_id AND o.res <= tl.lv GROUP BY tl.tender_id, tl.lv),
kl AS (SELECT tl.tender_id, tl.lv, sum(g.m * (g.m - 1) / 2) AS pairs
       FROM tl JOIN tf g ON g.tender_id = tl.tender_id AND NOT g.focal AND g.res <= tl.lv
       GROUP BY tl.tender_id, tl.lv),
pl AS (
    SELECT lam.tender_id, lam.lv, kl.pairs, lam.sum_min * ts.dens AS lam,
           count(*) OVER (PARTITION BY lam.tender_id) AS n_levels
    FROM lam JOIN kl ON kl.tender_id = lam.tender_id AND kl.lv = lam.lv JOIN ts ON ts.tender_id = lam.tender_id
),
-- each tie is judged at its own resolution, times the number of resolutions tested (Bonferroni): a round tie beside
-- an improbable tie to the fen is not alerted for the fen tie's sake
y AS (
    SELECT tf.*, ts.n, pl.lam, pl.pairs,
           least(1.0, {poisson_at_least_sql("pl.lam", "pl.pairs")} * pl.n_levels) AS p
    FROM tf JOIN ts ON ts.tender_id = tf.tender_id
    JOIN pl ON pl.tender_id = tf.tender_id AND pl.lv = tf.res
    WHERE NOT tf.focal
)
SELECT tender_id, NULL AS project_id, companies AS company_ids, 1.0 AS score, NULL AS severity,
       CAST(to_json(struct_pack(price := cents / 100.0, bids := bids, n_bids := n, resolution := res,
                                tied_pairs := CAST(pairs AS BIGINT), expected_pairs := {significant_sql("lam")},
                                probability := {significant_sql("p")}, level := {level!r})) AS VARCHAR) AS evidence
FROM y
WHERE p <= {level!r}
"""


PATTERN_ZH = {
    "arithmetic": "等差",
    "geometric": "等比",
    "identical_discount": "相同下浮率",
    "fixed_ratio": "固定比例",
}


def _pattern_text(row: Mapping[str, Any]) -> str:
    parts = []
    for p in row["evidence"]["patterns"]:
        kind = PATTERN_ZH.get(p["kind"], p["kind"])
        if p["kind"] == "arithmetic":
            parts.append(f"{kind}（级差约{p['step']:,.0f}元）")
        elif p["kind"] == "geometric":
            parts.append(f"{kind}（比值约{p['step']:.4f}）")
        elif p["kind"] == "identical_discount":
            parts.append(f"{kind}（{p['step']:.2%}）")
        else:
            parts.append(f"{kind}（{p['step']:.4f}，共同投标{p.get('common_tenders', '?')}次）")
    return "、".join(dict.fromkeys(parts))


@indicator(
    code="regular_price_pattern",
    name_zh="投标报价呈规律性差异",
    name_en="Bid prices with regular differences",
    family="collusion",
    legal_basis="招标投标法实施条例 第40条第(四)项",
    severity="medium",
    requires={"bids": ("price",)},
    message=lambda r: (f"投标人{names(r)}的投标报价呈规律性差异：{_pattern_text(r)}；若各投标人独立报价，"
                       f"本标段偶然出现这种规律的概率约为{r['evidence']['probability']:.1e}"
                       f"（预警水平{r['evidence']['level']:g}）"),
    coverage=bidders_coverage("SELECT tender_id, company_id FROM bids WHERE price > 0", complete=True),
)
def regular_price_pattern(ctx: ScanContext) -> str:
    """报价呈等差或等比数列（相邻报价级差相差不超过0.1%，任意三家不超过0.02%），相同下浮率但报价不同，
    或两家投标人在3个以上共同投标的标段中报价比值固定（标准差/均值不超过0.1%）；且按本标段的报价精度和离散程度，
    各自独立报价时偶然出现这种规律的概率不超过预警水平（默认1%，见 indicators/chance.py）。整百分比的相同下浮率
    （如均下浮5%）是公开限价的整数折扣，不计。只判断投标人名单完整的标段。属统计规律，定为中风险。"""
    tol_adj = float(ctx.p("collusion.progression_tolerance_adjacent"))
    tol_any = float(ctx.p("collusion.progression_tolerance_any"))
    max_bids = int(ctx.p("collusion.progression_max_bids"))
    min_step = float(ctx.p("collusion.progression_min_step"))
    decimals = int(ctx.p("collusion.discount_decimals"))
    ratio_n = int(ctx.p("collusion.fixed_ratio_min_tenders"))
    ratio_tol = float(ctx.p("collusion.fixed_ratio_tolerance"))
    level = float(ctx.p("collusion.pattern_max_probability"))
    tol_max = max(tol_adj, tol_any)
    round_step = float(ctx.p("collusion.published_discount_step"))
    published = [f"CASE WHEN t.{f} > 0 THEN t.{f} END" for f in published_figures(ctx)]
    figure = f"coalesce({', '.join(published)})" if published else "CAST(NULL AS DOUBLE)"
    discount = ""
    if ctx.has("tenders", "ceiling_price"):
        # two different prices at the same 下浮率: as likely as two independent prices that close (2d + grid) × ∫f²,
        # over the tender's pairs; a whole-per-cent discount of the public ceiling is a focal point, not a pattern
        discount = f"""
UNION ALL
SELECT tender_id, 'identical_discount' AS kind, companies, bids, prices, step, NULL AS common_tenders,
       1.0 - exp(-(n * (n - 1) / 2.0) * (2.0 * d + g) * dens) AS p
FROM (
    SELECT v.tender_id, list_sort(list(DISTINCT v.company_id)) AS companies,
           list_sort(list(v.bid_id)) AS bids, list_sort(list(v.price)) AS prices,
           round(1 - any_value(v.price) / any_value(t.ceiling_price), {decimals}) AS step,
           max(v.price) - min(v.price) AS d, any_value(v.g) AS g, any_value(v.n) AS n, any_value(v.dens) AS dens
    FROM v JOIN tenders t ON t.tender_id = v.tender_id
    -- the rates shared by two bids of a tender first (a count per rate), then the lists for those few only
    JOIN (SELECT v.tender_id, round(1 - v.price / t.ceiling_price, {decimals}) AS rate
          FROM v JOIN tenders t ON t.tender_id = v.tender_id WHERE t.ceiling_price > 0
          GROUP BY v.tender_id, round(1 - v.price / t.ceiling_price, {decimals}) HAVING count(*) >= 2) sr
      ON sr.tender_id = v.tender_id AND sr.rate = round(1 - v.price / t.ceiling_price, {decimals})
    WHERE t.ceiling_price > 0
    GROUP BY v.tender_id, round(1 - v.price / t.ceiling_price, {decimals})
    HAVING count(DISTINCT v.company_id) >= 2 AND count(DISTINCT round(v.price, 2)) >= 2
) dd
WHERE abs(step / {round_step!r} - round(step / {round_step!r})) > 1e-6"""
    return f"""
WITH v0 AS (
    SELECT b.tender_id, b.bid_id, b.company_id, b.price,
           {grid_resolution_sql(ctx, "CAST(round(b.price * 100) AS BIGINT)")} AS res
    FROM bids b JOIN tenders t ON t.tender_id = b.tender_id
    WHERE coalesce(b.status, 'valid') <> 'withdrawn' AND b.price > 0 AND b.tender_id IN ({complete_bid_lists(ctx)})
),
v AS (
    SELECT tender_id, bid_id, company_id, price, res,
           row_number() OVER (PARTITION BY tender_id ORDER BY price, bid_id) AS k,
           count(*) OVER (PARTITION BY tender_id) AS n,
           -- the tender's price grid: every difference of its prices is a multiple of the coarsest common power of ten
           min(res) OVER (PARTITION BY tender_id) AS g,
           {density_sql(ctx, "stddev_samp(price) OVER (PARTITION BY tender_id)", "avg(price) OVER (PARTITION BY tender_id)")}
           AS dens
    FROM v0
),
tri AS (
    SELECT a.tender_id, a.bid_id AS ba, b.bid_id AS bb, c.bid_id AS bc,
           a.company_id AS ca, b.company_id AS cb, c.company_id AS cc,
           a.price AS pa, b.price AS pb, c.price AS pc,
           -- bidders heap on round values: three prices on a coarse grid are evenly spaced by chance more often,
           -- so the grid of a triple is the coarsest power of ten dividing all three of its prices
           least(a.res, b.res, c.res) AS g,
           -- triples examined in this tender, for both kinds (a union bound over them)
           2.0 * CASE WHEN a.n <= {max_bids} THEN a.n * (a.n - 1) * (a.n - 2) / 6.0 ELSE a.n - 2.0 END AS m,
           CASE WHEN b.k = a.k + 1 AND c.k = b.k + 1 THEN {tol_adj} ELSE {tol_any} END AS tol
    FROM v a
    JOIN v b ON b.tender_id = a.tender_id AND b.k > a.k AND (a.n <= {max_bids} OR b.k = a.k + 1)
    JOIN v c ON c.tender_id = a.tender_id AND c.k > b.k AND (a.n <= {max_bids} OR c.k = b.k + 1)
            -- a bound both kinds of pattern need (c − b within tol of b − a, or c / b of b / a): fewer rows to test
            AND c.price >= b.price + (b.price - a.price) * {1.0 - tol_max!r} - 0.01
            AND c.price <= b.price * exp(ln(b.price / a.price) / {1.0 - tol_max!r}) + 0.01
    WHERE a.company_id <> b.company_id AND b.company_id <> c.company_id AND a.company_id <> c.company_id
      AND b.price - a.price >= {min_step} * a.price AND c.price - b.price >= {min_step} * b.price
),
pairs AS (
    SELECT a.company_id AS ca, b.company_id AS cb, count(*) AS n, avg(b.price / a.price) AS mean_ratio,
           stddev_samp(b.price / a.price) AS sd_ratio
    FROM v a JOIN v b ON a.tender_id = b.tender_id AND a.company_id < b.company_id
    GROUP BY a.company_id, b.company_id
    HAVING count(*) >= {ratio_n}
),
-- fixed ratios: how much the ratio of two independent bidders' prices varies. Each firm's own position (ln of its
-- price over the tender's published figure, else over the tender's mean price) varies from tender to tender; a firm
-- that always bids the same 下浮率 has a stable position, and two such firms have a stable ratio without any
-- agreement. Independent firms' ratio varies by sqrt(sd_a² + sd_b²); the dataset's typical dispersion stands in
-- for a firm seen in too few tenders. Only the firms of a candidate pair (a ratio stable within the tolerance)
-- are measured.
cand AS (SELECT ca AS company_id FROM pairs WHERE sd_ratio <= {ratio_tol} * mean_ratio
         UNION SELECT cb FROM pairs WHERE sd_ratio <= {ratio_tol} * mean_ratio),
tm AS (SELECT tender_id, avg(ln(price)) AS lm FROM v
       WHERE tender_id IN (SELECT tender_id FROM v WHERE company_id IN (SELECT company_id FROM cand))
       GROUP BY tender_id),
lv AS (SELECT v.tender_id, v.company_id, v.n, coalesce(ln(v.price / {figure}), ln(v.price) - tm.lm) AS dev,
              -- a position against the mean of two bids only mirrors the pair's own ratio: a published figure or 3 bids
              ({figure}) IS NOT NULL OR v.n >= 3 AS placed
       FROM v JOIN tenders t ON t.tender_id = v.tender_id JOIN tm ON tm.tender_id = v.tender_id
       WHERE v.company_id IN (SELECT company_id FROM cand)),
-- the positions are measured on the pair's own common tenders: on the lots of one procurement a firm often bids one
-- 下浮率 throughout, which gives two independent firms a fixed ratio there however much they vary elsewhere. The
-- ratio's log varies by sd_a² + sd_b² − 2·cov; a stable ratio between varying positions is their covariance. Lots
-- at which both firms hold the positions of another lot repeat one observation: the test counts the distinct ones.
pos AS (SELECT p.ca, p.cb, stddev_samp(CASE WHEN la.placed THEN la.dev END) AS sd_a,
               stddev_samp(CASE WHEN la.placed THEN lb.dev END) AS sd_b,
               count(DISTINCT concat(CAST(CAST(round(la.dev * 1e6) AS BIGINT) AS VARCHAR), ':',
                                     CAST(CAST(round(lb.dev * 1e6) AS BIGINT) AS VARCHAR))) AS n_eff
        FROM pairs p JOIN lv la ON la.company_id = p.ca
        JOIN lv lb ON lb.company_id = p.cb AND lb.tender_id = la.tender_id
        WHERE p.sd_ratio <= {ratio_tol} * p.mean_ratio
        GROUP BY p.ca, p.cb),
disp AS (SELECT sqrt(2.0) * avg(sd) AS sigma FROM (
    SELECT stddev_samp(ln(price)) AS sd FROM v WHERE n >= 3 GROUP BY tender_id) z),
fixed AS (
    SELECT p.*, coalesce(q.n_eff, p.n) AS n_eff, count(*) OVER () AS m_pairs,
           greatest(coalesce(q.n_eff, p.n) - 1, 1) / 2.0 AS dof2,
           (coalesce(q.n_eff, p.n) - 1) * power(p.sd_ratio / p.mean_ratio, 2)
           / power(greatest(coalesce(sqrt(power(q.sd_a, 2) + power(q.sd_b, 2)), d.sigma), 1e-12), 2) AS x
    FROM pairs p CROSS JOIN disp d LEFT JOIN pos q ON q.ca = p.ca AND q.cb = p.cb
),
found AS (
    SELECT tender_id, 'arithmetic' AS kind, [ca, cb, cc] AS companies, [ba, bb, bc] AS bids, [pa, pb, pc] AS prices,
           round((pc - pa) / 2, 2) AS step, NULL AS common_tenders,
           least(1.0, m * (abs((pb - pa) - (pc - pb)) + g) / (pc - pa)) AS p
    FROM tri WHERE abs((pb - pa) - (pc - pb)) <= tol * greatest(pb - pa, pc - pb)
    UNION ALL
    SELECT tender_id, 'geometric', [ca, cb, cc], [ba, bb, bc], [pa, pb, pc], round(sqrt(pc / pa), 6), NULL,
           least(1.0, m * (abs(ln(pb / pa) - ln(pc / pb)) + g / pb) / ln(pc / pa))
    FROM tri WHERE abs(ln(pb / pa) - ln(pc / pb)) <= tol * greatest(ln(pb / pa), ln(pc / pb))
      AND NOT abs((pb - pa) - (pc - pb)) <= tol * greatest(pb - pa, pc - pb){discount}
    UNION ALL
    -- χ² with n−1 degrees of freedom: P(χ² ≤ x) ≤ (x/2)^a / Γ(a+1), a = (n−1)/2, with Stirling's bound on Γ;
    -- times the pairs of companies examined
    SELECT a.tender_id, 'fixed_ratio', list_sort([a.company_id, b.company_id]), [a.bid_id, b.bid_id],
           [a.price, b.price], round(r.mean_ratio, 6), r.n,
           least(1.0, r.m_pairs * power(r.x * exp(1.0) / (2.0 * r.dof2), r.dof2) / sqrt(2.0 * pi() * r.dof2))
    FROM v a JOIN v b ON a.tender_id = b.tender_id AND a.company_id < b.company_id
    JOIN fixed r ON r.ca = a.company_id AND r.cb = b.company_id
    WHERE r.sd_ratio <= {ratio_tol} * r.mean_ratio AND abs(r.mean_ratio - 1) >= {min_step} AND r.n_eff >= {ratio_n}
),
kept AS (SELECT * FROM found WHERE p <= {level!r})
SELECT tender_id, NULL AS project_id, list_sort(list_distinct(flatten(list(companies)))) AS company_ids,
       least(0.9, 0.5 + 0.1 * count(*)) AS score, NULL AS severity,
       CAST(to_json(struct_pack(patterns := list_sort(list(struct_pack(kind := kind, bids := bids, prices := prices,
                                                                  step := step, common_tenders := common_tenders,
                                                                  probability := {significant_sql("p")}))),
                                probability := {significant_sql("min(p)")}, level := {level!r}))
            AS VARCHAR) AS evidence
FROM kept
GROUP BY tender_id
"""


@indicator(
    code="same_bond_account",
    name_zh="投标保证金从同一账户转出",
    name_en="Bid bonds paid from the same account",
    family="collusion",
    legal_basis="招标投标法实施条例 第40条第(六)项",
    severity="high",
    requires={"bonds": ("payer_account",)},
    message=lambda r: (
        f"投标人{names(r)}的投标保证金从同一账户（{r['evidence']['account']}"
        f"{'，户名' + '/'.join(r['evidence']['payer_names']) if r['evidence'].get('payer_names') else ''}"
        f"；{spread_zh(r['evidence'].get('n_companies'), r['evidence'].get('n_tenders'))}）转出"
    ),
    coverage=bidders_coverage("SELECT b.tender_id, b.company_id FROM bids b JOIN bonds bo ON bo.bid_id = b.bid_id "
                              f"WHERE {ACCOUNT_NUMBER.format(col='bo.payer_account')}"),
)
def same_bond_account(ctx: ScanContext) -> str:
    """同一标段中不同投标人的投标保证金付款账号相同（去除空格和连字符后比较）。被本数据集中6家以上无关联企业使用的账号
    （如担保公司、代理机构的账户）视为通用值不计，4–5家时为中风险。付款账号栏写的不是账号（银行保函、电子保函、现金、
    “/”等，不足6位数字）的投标未核查：没有账号，不是证据。"""
    payer = ctx.column_or_null("bo", "bonds", "payer_name")
    return f"""
WITH bo AS (
    SELECT b.tender_id, b.company_id, b.bid_id, regexp_replace(bo.payer_account, '[\\s-]', '', 'g') AS account,
           regexp_replace(bo.payer_account, '[\\s-]', '', 'g') AS value, {payer} AS payer_name
    FROM bonds bo JOIN bids b ON b.bid_id = bo.bid_id
    WHERE {ACCOUNT_NUMBER.format(col='bo.payer_account')}
),
k AS (SELECT tender_id, account, account AS value FROM bo WHERE account <> '' GROUP BY tender_id, account
      HAVING min(company_id) < max(company_id)),
{spread_cte(ctx, "s", "bo", "k")}
SELECT tender_id, NULL AS project_id, list_sort(list(DISTINCT company_id)) AS company_ids,
       CASE WHEN any_value(strength) = 'full' THEN 0.95 ELSE 0.6 END AS score,
       CASE WHEN any_value(strength) = 'full' THEN 'high' ELSE 'medium' END AS severity,
       CAST(to_json(struct_pack(account := account,
                                payer_names := coalesce(list_sort(list(DISTINCT payer_name)
                                                                  FILTER (WHERE payer_name IS NOT NULL)), []),
                                n_companies := any_value(n_companies), n_tenders := any_value(n_tenders),
                                strength := any_value(strength),
                                bids := list_sort(list(bid_id)))) AS VARCHAR) AS evidence
FROM (
    SELECT bo.*, s.n_companies, s.n_tenders, s.strength FROM bo
    JOIN k ON k.tender_id = bo.tender_id AND k.account = bo.account
    JOIN s ON s.value = bo.value
    WHERE s.strength <> 'generic'
) shared
GROUP BY tender_id, account
"""


#: the bids of two linked companies (links l with c1 < c2) in one tender: joining the (few) links to
#: the bids is linear, where a table of every co-bidding pair would grow with the square of a tender
_LINKED_BIDS = """
    JOIN bids a ON a.company_id = l.c1
    JOIN bids b ON b.company_id = l.c2 AND b.tender_id = a.tender_id"""

LINK_ZH = {
    "same_legal_rep": "法定代表人（单位负责人）为同一人",
    "same_controller": "控股股东为同一人",
    "controller_is_head": "一方控股股东为另一方法定代表人",
    "controls": "一方控股另一方",
    "cross_role": "高级管理人员或股东交叉任职",
    "holds_shares": "一方参股另一方",
}
#: 第34条 names *units* whose heads are one person or that stand in a 控股、管理关系 to each other: the same legal
#: representative and one company controlling the other are that (high). Two companies controlled by one person
#: (sister companies), or one person controlling one and heading the other, are linked through that person, not
#: to each other: a strong lead (1117号文), medium, unless the data also shows a direct link.
HIGH_LINKS = ("same_legal_rep", "controls")


def _links_text(row: Mapping[str, Any]) -> str:
    out = []
    for link in row["evidence"]["links"]:
        who = link.get("person_name") or link.get("person_id") or ""
        out.append(f"{LINK_ZH.get(link['kind'], link['kind'])}（{who}）")
    return "；".join(dict.fromkeys(out))


@indicator(
    code="related_bidders",
    name_zh="存在关联关系的单位参加同一标段投标",
    name_en="Related companies bidding in the same tender",
    family="collusion",
    legal_basis="招标投标法实施条例 第34条；发改法规规〔2022〕1117号",
    severity="high",
    requires={"companies": ("legal_rep_id",)},
    requires_any=({"people": ("person_id", "role")},),
    message=lambda r: (f"投标人{names(r)}存在关联关系：{_links_text(r)}"
                       + ("，属第34条所称单位负责人为同一人或控股关系" if r.get("severity") == "high"
                          else "，两单位之间未见直接的控股、管理关系，属关联线索，需核实")),
    coverage=bidders_coverage("SELECT tender_id, company_id FROM bids WHERE coalesce(status, 'valid') <> 'withdrawn'"),
)
def related_bidders(ctx: ScanContext) -> str:
    """同一标段的两个投标人单位负责人为同一人、一方控股另一方（高风险，第34条）；由同一人控股（兄弟公司）、
    一方的控股股东任另一方法定代表人，或高管、股东交叉任职、一方参股另一方（中风险，1117号文关注情形：两单位之间
    并无第34条所称的控股、管理关系，需核实）。人员任职起止日期与投标截止日期比对。"""
    parts = []
    if ctx.has("companies", "legal_rep_id"):
        parts.append(
            """SELECT a.company_id AS c1, b.company_id AS c2, 'same_legal_rep' AS kind, a.legal_rep_id AS person_id,
                      CAST(NULL AS DATE) AS since, CAST(NULL AS DATE) AS until
               FROM companies a JOIN companies b ON a.legal_rep_id = b.legal_rep_id AND a.company_id < b.company_id"""
        )
    if ctx.has("people", "person_id", "role"):
        parts.append(
            # every branch names its columns: the first one of the union may be any of them (a dataset without
            # companies.legal_rep_id starts with this one)
            """SELECT least(a.company_id, b.company_id) AS c1, greatest(a.company_id, b.company_id) AS c2,
                      CASE WHEN a.role = 'legal_rep' AND b.role = 'legal_rep' THEN 'same_legal_rep'
                           WHEN a.role = 'shareholder' AND b.role = 'shareholder'
                                AND a.share_pct >= 50 AND b.share_pct >= 50 THEN 'same_controller'
                           WHEN (a.role = 'legal_rep' AND b.role = 'shareholder' AND b.share_pct >= 50)
                             OR (b.role = 'legal_rep' AND a.role = 'shareholder' AND a.share_pct >= 50)
                                THEN 'controller_is_head'
                           WHEN a.role IN ('legal_rep', 'executive', 'shareholder')
                            AND b.role IN ('legal_rep', 'executive', 'shareholder') THEN 'cross_role'
                      END AS kind,
                      a.person_id AS person_id, greatest(a.since, b.since) AS since, least(a.until, b.until) AS until
               FROM people a JOIN people b ON a.person_id = b.person_id AND a.company_id < b.company_id"""
        )
        parts.append(
            """SELECT least(p.company_id, c.company_id) AS c1, greatest(p.company_id, c.company_id) AS c2,
                      CASE WHEN p.share_pct >= 50 THEN 'controls' ELSE 'holds_shares' END AS kind,
                      p.person_id AS person_id, p.since AS since, p.until AS until
               FROM people p
               JOIN (SELECT company_id, company_id AS key FROM companies
                     UNION SELECT company_id, uscc FROM companies WHERE uscc IS NOT NULL) c ON p.person_id = c.key
               WHERE p.role = 'shareholder' AND p.company_id <> c.company_id"""
        )
    person_name = ctx.or_null("(SELECT any_value(pp.name) FROM people pp WHERE pp.person_id = h.person_id)",
                              "people", "name")
    deadline = ctx.column_or_null("t", "tenders", "bid_deadline", "TIMESTAMP")
    high = sql_list(list(HIGH_LINKS))
    return f"""
WITH links AS ({" UNION ALL ".join(parts)}),
hits AS (
    SELECT DISTINCT a.tender_id, l.c1 AS ca, l.c2 AS cb, l.kind, l.person_id
    FROM links l{_LINKED_BIDS}
    JOIN tenders t ON t.tender_id = a.tender_id
    WHERE l.kind IS NOT NULL
      AND (l.since IS NULL OR {deadline} IS NULL OR l.since <= CAST({deadline} AS DATE))
      AND (l.until IS NULL OR {deadline} IS NULL OR l.until >= CAST({deadline} AS DATE))
),
named AS (SELECT h.*, {person_name} AS person_name FROM hits h)
SELECT tender_id, NULL AS project_id, [ca, cb] AS company_ids,
       CASE WHEN bool_or(kind IN {high}) THEN 0.95 ELSE 0.6 END AS score,
       CASE WHEN bool_or(kind IN {high}) THEN 'high' ELSE 'medium' END AS severity,
       CAST(to_json(struct_pack(links := list_sort(list(struct_pack(kind := kind, person_id := person_id,
                                                               person_name := person_name)))))
            AS VARCHAR) AS evidence
FROM named
GROUP BY tender_id, ca, cb
"""


CONTACT_ZH = {"phone": "联系电话", "email": "电子邮箱", "address": "注册地址"}
#: one SELECT per contact field giving (company_id, field, normalised value)
_CONTACT_VALUES = {
    # digits only, without a +86 / 0086 prefix on mobile numbers (no regex back-references: DuckDB
    # writes them \\1 and Spark $1, so the prefix is cut by length instead)
    "phone": """SELECT company_id, 'phone' AS field,
                CASE WHEN length(d) = 13 AND d LIKE '861%' THEN substr(d, 3)
                     WHEN length(d) = 15 AND d LIKE '00861%' THEN substr(d, 5) ELSE d END AS value
                FROM (SELECT company_id, regexp_replace(phone, '[^0-9]', '', 'g') AS d
                      FROM companies WHERE phone IS NOT NULL) p""",
    "email": "SELECT company_id, 'email' AS field, lower(trim(email)) AS value FROM companies WHERE email IS NOT NULL",
    "address": """SELECT company_id, 'address' AS field, regexp_replace(address, '[\\s,，。.、()（）-]', '', 'g') AS value
                  FROM companies WHERE address IS NOT NULL""",
}


@indicator(
    code="shared_contact_details",
    name_zh="投标人联系方式或注册地址相同",
    name_en="Bidders sharing a phone, e-mail or address",
    family="collusion",
    legal_basis="招标投标法实施条例 第34条、第39条（线索）；发改法规规〔2022〕1117号",
    severity="medium",
    requires={"companies": ("phone",)},
    requires_any=({"companies": ("email",)}, {"companies": ("address",)}),
    message=lambda r: "投标人{}的{}相同".format(
        names(r), "、".join(f"{CONTACT_ZH[m['field']]}（{m['value']}；{spread_zh(m.get('n_companies'))}）"
                           for m in r["evidence"]["matches"])
    ),
    coverage=bidders_coverage("SELECT tender_id, company_id FROM bids WHERE coalesce(status, 'valid') <> 'withdrawn'"),
)
def shared_contact_details(ctx: ScanContext) -> str:
    """同一标段的两个投标人登记的联系电话、电子邮箱或注册地址相同（规范化后比较），属关联线索。"""
    parts = [sql for col, sql in _CONTACT_VALUES.items() if ctx.has("companies", col)]
    # spread: an agency's phone or a business-centre address used by many unrelated companies links nobody;
    # the pairs are formed only from the values that are not generic, so a popular value costs no square
    return f"""
WITH c0 AS ({" UNION ALL ".join(parts)}),
c AS (SELECT company_id, field, value, field || ':' || value AS key FROM c0 WHERE length(value) >= 5),
cand AS (SELECT key AS value FROM c GROUP BY key HAVING count(DISTINCT company_id) >= 2),
cv AS (SELECT company_id, key AS value FROM c),
{spread_cte(ctx, "s", "cv", "cand", tenders=False)},
kept AS (SELECT c.*, s.n_companies, s.strength FROM c JOIN s ON s.value = c.key WHERE s.strength <> 'generic'),
links AS (
    SELECT a.company_id AS c1, b.company_id AS c2, a.field, a.value, a.n_companies, a.strength
    FROM kept a JOIN kept b ON a.key = b.key AND a.company_id < b.company_id
),
hits AS (SELECT DISTINCT a.tender_id, l.c1, l.c2, l.field, l.value, l.n_companies, l.strength
         FROM links l{_LINKED_BIDS})
SELECT tender_id, NULL AS project_id, [c1, c2] AS company_ids,
       CASE WHEN bool_or(strength = 'full') THEN 0.5 ELSE 0.3 END + 0.1 * count(*) AS score,
       CASE WHEN bool_or(strength = 'full') THEN NULL ELSE 'low' END AS severity,
       CAST(to_json(struct_pack(matches := list_sort(list(struct_pack(field := field, value := value,
                                                                     n_companies := n_companies,
                                                                     strength := strength))))) AS VARCHAR) AS evidence
FROM hits
GROUP BY tender_id, c1, c2
"""
