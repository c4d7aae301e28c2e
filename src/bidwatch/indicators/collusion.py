"""The statutory collusion family: 实施条例 第40条 (deemed collusion) and 第34条 (related bidders).

Severity policy: ``high`` only where the law presumes collusion and the data is hard evidence (the same
device, person, account, identical prices); statistical patterns are ``medium``; a shared IP alone is
``medium`` because offices and venues share networks (漳州: "IP地址不能视为评审依据").
Everything is compared *within one tender*: the same MAC in two different tenders is no evidence.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bidwatch.indicators.base import ScanContext, indicator, names, sql_list

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

NOT_WITHDRAWN = "coalesce(status, 'valid') <> 'withdrawn'"


def _shared_fingerprints_sql(ctx: ScanContext, fields: tuple[str, ...], base_score: float) -> str:
    """Alerts for values of ``fields`` that different companies of one tender share.

    Each field is aggregated on its own: grouping one long union of every field by (tender, field,
    value) was three times slower on 1M bids than seven small aggregations.
    """
    present = [col for col in fields if ctx.has("bid_files", col)]
    generic = sql_list([str(v).upper() for v in ctx.p("collusion.generic_fingerprints")])
    ctes, shared_rows = [], []
    for col in present:
        norm = _NORMALISE.get(col, _DEFAULT_NORMALISE.format(col=col))
        valid = f"value IS NOT NULL AND value <> '' AND value NOT IN {generic}"
        if col == "mac":
            valid += " AND length(value) = 12"
        ctes.append(f"""f_{col} AS (
    SELECT * FROM (SELECT b.tender_id, b.company_id, b.bid_id, {norm} AS value, bf.{col} AS raw
                   FROM bid_files bf JOIN bids b ON b.bid_id = bf.bid_id) x
    WHERE {valid}
),
k_{col} AS (SELECT tender_id, value FROM f_{col} GROUP BY tender_id, value HAVING min(company_id) < max(company_id))""")
        shared_rows.append(
            f"SELECT f.tender_id, '{col}' AS field, f.value, f.company_id, f.bid_id, f.raw FROM f_{col} f "
            f"JOIN k_{col} k ON k.tender_id = f.tender_id AND k.value = f.value"
        )
    per_field = ",\n".join(ctes)
    union = " UNION ALL ".join(shared_rows)
    return f"""
WITH {per_field},
rows AS ({union}),
shared AS (
    SELECT tender_id, field, value,
           list_sort(list(DISTINCT company_id)) AS companies,
           list_sort(list(DISTINCT bid_id)) AS bids,
           list_sort(list(DISTINCT raw)) AS raw_values
    FROM rows
    GROUP BY tender_id, field, value
)
SELECT tender_id, NULL AS project_id, companies AS company_ids,
       least(1.0, {base_score} + 0.05 * (count(*) - 1)) AS score, NULL AS severity,
       CAST(to_json(struct_pack(
           matches := list_sort(list(struct_pack(field := field, value := value, raw := raw_values))),
           bids := list_sort(list_distinct(flatten(list(bids))))
       )) AS VARCHAR) AS evidence
FROM shared
GROUP BY tender_id, companies
"""


def _fields_zh(row: Mapping[str, Any]) -> str:
    matches = row["evidence"].get("matches", [])
    return "、".join(
        f"{FIELD_ZH.get(m['field'], m['field'])}（{'/'.join(m.get('raw') or [m['value']])}）" for m in matches
    )


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
)
def same_preparer(ctx: ScanContext) -> str:
    """同一标段中不同投标人的投标文件机器码、MAC地址、硬盘序列号、CA锁号、文件作者、计价软件序列号或文件哈希相同
    （MAC地址统一记法后比较；Administrator 等通用值不计）。"""
    return _shared_fingerprints_sql(ctx, PREPARER_FIELDS, 0.9)


@indicator(
    code="shared_ip",
    name_zh="投标文件上传IP相同",
    name_en="Bids uploaded from the same IP address",
    family="collusion",
    legal_basis="招标投标法实施条例 第40条第(二)项（线索）",
    severity="medium",
    requires={"bid_files": ("ip",)},
    message=lambda r: f"投标人{names(r)}的投标文件从同一IP地址（{_fields_zh(r)}）上传，单独不足以认定，需结合其他特征核实",
)
def shared_ip(ctx: ScanContext) -> str:
    """同一标段中不同投标人从同一IP地址上传投标文件。办公楼、开标场所共用网络，单独出现只作为线索（中风险）。"""
    return _shared_fingerprints_sql(ctx, ("ip",), 0.5)


def _same_person_sql(ctx: ScanContext, column: str) -> str:
    person_name = (
        f"(SELECT any_value(p.name) FROM people p WHERE p.person_id = b.{column})"
        if ctx.has("people", "name")
        else "CAST(NULL AS VARCHAR)"
    )
    return f"""
WITH b AS (SELECT tender_id, bid_id, company_id, {column} FROM bids WHERE {column} IS NOT NULL),
shared_keys AS (SELECT tender_id, {column} FROM b GROUP BY tender_id, {column} HAVING min(company_id) < max(company_id)),
named AS (
    SELECT b.*, {person_name} AS person_name
    FROM b JOIN shared_keys k ON k.tender_id = b.tender_id AND k.{column} = b.{column}
)
SELECT tender_id, NULL AS project_id, list_sort(list(DISTINCT company_id)) AS company_ids, 0.95 AS score,
       NULL AS severity,
       CAST(to_json(struct_pack(person_id := {column}, person_name := any_value(person_name),
                                bids := list_sort(list(bid_id)))) AS VARCHAR) AS evidence
FROM named
GROUP BY tender_id, {column}
HAVING count(DISTINCT company_id) >= 2
"""


def _person(row: Mapping[str, Any]) -> str:
    ev = row["evidence"]
    return f"{ev.get('person_name') or ''}（{ev['person_id']}）" if ev.get("person_name") else str(ev["person_id"])


@indicator(
    code="same_agent",
    name_zh="不同投标人委托同一人办理投标事宜",
    name_en="Different bidders entrusted the same agent",
    family="collusion",
    legal_basis="招标投标法实施条例 第40条第(二)项",
    severity="high",
    requires={"bids": ("agent_id",)},
    message=lambda r: f"投标人{names(r)}委托同一委托代理人{_person(r)}办理投标事宜",
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
    message=lambda r: f"投标人{names(r)}的投标文件载明的项目经理为同一人{_person(r)}",
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
-- that two companies share, before any pair is formed
g AS (
    SELECT tender_id, item_code, unit_price, count(*) AS c,
           min(company_id) < max(company_id) AS shared,
           count(*) OVER (PARTITION BY tender_id, item_code) AS n_prices
    FROM it GROUP BY tender_id, item_code, unit_price
),
-- items every bidder prices alike (provisional sums set by the tenderer) do not count
fixed AS (SELECT tender_id, item_code FROM g WHERE n_prices = 1 AND c >= 3),
cand AS (SELECT tender_id, item_code, unit_price FROM g WHERE shared AND NOT (n_prices = 1 AND c >= 3)),
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


@indicator(
    code="identical_bid_prices",
    name_zh="投标报价相同",
    name_en="Identical bid prices",
    family="collusion",
    legal_basis="招标投标法实施条例 第40条第(四)项",
    severity="high",
    requires={"bids": ("price",)},
    message=lambda r: f"投标人{names(r)}的投标报价完全相同（{r['evidence']['price']:,.2f}元）",
)
def identical_bid_prices(ctx: ScanContext) -> str:
    """同一标段中不同投标人的投标报价（精确到分）完全相同。"""
    return f"""
SELECT tender_id, NULL AS project_id, list_sort(list(DISTINCT company_id)) AS company_ids, 1.0 AS score,
       NULL AS severity,
       CAST(to_json(struct_pack(price := round(price, 2), bids := list_sort(list(bid_id)))) AS VARCHAR) AS evidence
FROM (
    SELECT b.* FROM bids b
    JOIN (SELECT tender_id, round(price, 2) AS p FROM bids
          WHERE {NOT_WITHDRAWN} AND price > 0
          GROUP BY tender_id, round(price, 2) HAVING min(company_id) < max(company_id)) k
      ON k.tender_id = b.tender_id AND k.p = round(b.price, 2)
    WHERE coalesce(b.status, 'valid') <> 'withdrawn'
) shared
GROUP BY tender_id, round(price, 2)
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
    message=lambda r: f"投标人{names(r)}的投标报价呈规律性差异：{_pattern_text(r)}",
)
def regular_price_pattern(ctx: ScanContext) -> str:
    """报价呈等差或等比数列（相邻报价级差相差不超过0.1%，任意三家不超过0.02%），相同下浮率但报价不同，
    或两家投标人在3个以上共同投标的标段中报价比值固定（标准差/均值不超过0.1%）。属统计规律，定为中风险。"""
    tol_adj = float(ctx.p("collusion.progression_tolerance_adjacent"))
    tol_any = float(ctx.p("collusion.progression_tolerance_any"))
    max_bids = int(ctx.p("collusion.progression_max_bids"))
    min_step = float(ctx.p("collusion.progression_min_step"))
    decimals = int(ctx.p("collusion.discount_decimals"))
    ratio_n = int(ctx.p("collusion.fixed_ratio_min_tenders"))
    ratio_tol = float(ctx.p("collusion.fixed_ratio_tolerance"))
    discount = ""
    if ctx.has("tenders", "ceiling_price"):
        discount = f"""
UNION ALL
SELECT v.tender_id, 'identical_discount' AS kind, list_sort(list(DISTINCT v.company_id)) AS companies,
       list_sort(list(v.bid_id)) AS bids, list_sort(list(v.price)) AS prices,
       round(1 - any_value(v.price) / any_value(t.ceiling_price), {decimals}) AS step, NULL AS common_tenders
FROM v JOIN tenders t ON t.tender_id = v.tender_id
WHERE t.ceiling_price > 0
GROUP BY v.tender_id, round(1 - v.price / t.ceiling_price, {decimals})
HAVING count(DISTINCT v.company_id) >= 2 AND count(DISTINCT round(v.price, 2)) >= 2"""
    return f"""
WITH v AS (
    SELECT tender_id, bid_id, company_id, price,
           row_number() OVER (PARTITION BY tender_id ORDER BY price, bid_id) AS k,
           count(*) OVER (PARTITION BY tender_id) AS n
    FROM bids WHERE {NOT_WITHDRAWN} AND price > 0
),
tri AS (
    SELECT a.tender_id, a.bid_id AS ba, b.bid_id AS bb, c.bid_id AS bc,
           a.company_id AS ca, b.company_id AS cb, c.company_id AS cc,
           a.price AS pa, b.price AS pb, c.price AS pc,
           CASE WHEN b.k = a.k + 1 AND c.k = b.k + 1 THEN {tol_adj} ELSE {tol_any} END AS tol
    FROM v a
    JOIN v b ON b.tender_id = a.tender_id AND b.k > a.k AND (a.n <= {max_bids} OR b.k = a.k + 1)
    JOIN v c ON c.tender_id = a.tender_id AND c.k > b.k AND (a.n <= {max_bids} OR c.k = b.k + 1)
    WHERE a.company_id <> b.company_id AND b.company_id <> c.company_id AND a.company_id <> c.company_id
      AND b.price - a.price >= {min_step} * a.price AND c.price - b.price >= {min_step} * b.price
),
found AS (
    SELECT tender_id, 'arithmetic' AS kind, [ca, cb, cc] AS companies, [ba, bb, bc] AS bids, [pa, pb, pc] AS prices,
           round((pc - pa) / 2, 2) AS step, NULL AS common_tenders
    FROM tri WHERE abs((pb - pa) - (pc - pb)) <= tol * greatest(pb - pa, pc - pb)
    UNION ALL
    SELECT tender_id, 'geometric', [ca, cb, cc], [ba, bb, bc], [pa, pb, pc], round(sqrt(pc / pa), 6), NULL
    FROM tri WHERE abs(ln(pb / pa) - ln(pc / pb)) <= tol * greatest(ln(pb / pa), ln(pc / pb))
      AND NOT abs((pb - pa) - (pc - pb)) <= tol * greatest(pb - pa, pc - pb){discount}
    UNION ALL
    SELECT a.tender_id, 'fixed_ratio', list_sort([a.company_id, b.company_id]), [a.bid_id, b.bid_id],
           [a.price, b.price], round(r.mean_ratio, 6), r.n
    FROM v a JOIN v b ON a.tender_id = b.tender_id AND a.company_id < b.company_id
    JOIN (
        SELECT a.company_id AS ca, b.company_id AS cb, count(*) AS n, avg(b.price / a.price) AS mean_ratio
        FROM v a JOIN v b ON a.tender_id = b.tender_id AND a.company_id < b.company_id
        GROUP BY a.company_id, b.company_id
        HAVING count(*) >= {ratio_n}
           AND stddev_samp(b.price / a.price) <= {ratio_tol} * avg(b.price / a.price)
           AND abs(avg(b.price / a.price) - 1) >= {min_step}
    ) r ON r.ca = a.company_id AND r.cb = b.company_id
)
SELECT tender_id, NULL AS project_id, list_sort(list_distinct(flatten(list(companies)))) AS company_ids,
       least(0.9, 0.5 + 0.1 * count(*)) AS score, NULL AS severity,
       CAST(to_json(struct_pack(patterns := list_sort(list(struct_pack(kind := kind, bids := bids, prices := prices,
                                                                  step := step, common_tenders := common_tenders)))))
            AS VARCHAR) AS evidence
FROM found
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
        f"{'，户名' + '/'.join(r['evidence']['payer_names']) if r['evidence'].get('payer_names') else ''}）转出"
    ),
)
def same_bond_account(ctx: ScanContext) -> str:
    """同一标段中不同投标人的投标保证金付款账号相同（去除空格和连字符后比较）。"""
    payer = "bo.payer_name" if ctx.has("bonds", "payer_name") else "CAST(NULL AS VARCHAR)"
    return f"""
WITH bo AS (
    SELECT b.tender_id, b.company_id, b.bid_id, regexp_replace(bo.payer_account, '[\\s-]', '', 'g') AS account,
           {payer} AS payer_name
    FROM bonds bo JOIN bids b ON b.bid_id = bo.bid_id
    WHERE bo.payer_account IS NOT NULL
)
SELECT tender_id, NULL AS project_id, list_sort(list(DISTINCT company_id)) AS company_ids, 0.95 AS score,
       NULL AS severity,
       CAST(to_json(struct_pack(account := account,
                                payer_names := list_sort(list(DISTINCT payer_name) FILTER (WHERE payer_name IS NOT NULL)),
                                bids := list_sort(list(bid_id)))) AS VARCHAR) AS evidence
FROM (
    SELECT bo.* FROM bo
    JOIN (SELECT tender_id, account FROM bo WHERE account <> '' GROUP BY tender_id, account
          HAVING min(company_id) < max(company_id)) k ON k.tender_id = bo.tender_id AND k.account = bo.account
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
HIGH_LINKS = ("same_legal_rep", "same_controller", "controller_is_head", "controls")


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
    message=lambda r: f"投标人{names(r)}存在关联关系：{_links_text(r)}",
)
def related_bidders(ctx: ScanContext) -> str:
    """同一标段的两个投标人单位负责人为同一人、由同一人控股、一方控股另一方（高风险，第34条），
    或高管、股东交叉任职、一方参股另一方（中风险，1117号文关注情形）。人员任职起止日期与投标截止日期比对。"""
    parts = []
    if ctx.has("companies", "legal_rep_id"):
        parts.append(
            """SELECT a.company_id AS c1, b.company_id AS c2, 'same_legal_rep' AS kind, a.legal_rep_id AS person_id,
                      CAST(NULL AS DATE) AS since, CAST(NULL AS DATE) AS until
               FROM companies a JOIN companies b ON a.legal_rep_id = b.legal_rep_id AND a.company_id < b.company_id"""
        )
    if ctx.has("people", "person_id", "role"):
        parts.append(
            """SELECT least(a.company_id, b.company_id), greatest(a.company_id, b.company_id),
                      CASE WHEN a.role = 'legal_rep' AND b.role = 'legal_rep' THEN 'same_legal_rep'
                           WHEN a.role = 'shareholder' AND b.role = 'shareholder'
                                AND a.share_pct >= 50 AND b.share_pct >= 50 THEN 'same_controller'
                           WHEN (a.role = 'legal_rep' AND b.role = 'shareholder' AND b.share_pct >= 50)
                             OR (b.role = 'legal_rep' AND a.role = 'shareholder' AND a.share_pct >= 50)
                                THEN 'controller_is_head'
                           WHEN a.role IN ('legal_rep', 'executive', 'shareholder')
                            AND b.role IN ('legal_rep', 'executive', 'shareholder') THEN 'cross_role'
                      END,
                      a.person_id, greatest(a.since, b.since), least(a.until, b.until)
               FROM people a JOIN people b ON a.person_id = b.person_id AND a.company_id < b.company_id"""
        )
        parts.append(
            """SELECT least(p.company_id, c.company_id), greatest(p.company_id, c.company_id),
                      CASE WHEN p.share_pct >= 50 THEN 'controls' ELSE 'holds_shares' END,
                      p.person_id, p.since, p.until
               FROM people p
               JOIN (SELECT company_id, company_id AS key FROM companies
                     UNION SELECT company_id, uscc FROM companies WHERE uscc IS NOT NULL) c ON p.person_id = c.key
               WHERE p.role = 'shareholder' AND p.company_id <> c.company_id"""
        )
    person_name = (
        "(SELECT any_value(pp.name) FROM people pp WHERE pp.person_id = h.person_id)"
        if ctx.has("people", "name")
        else "CAST(NULL AS VARCHAR)"
    )
    deadline = "t.bid_deadline" if ctx.has("tenders", "bid_deadline") else "CAST(NULL AS TIMESTAMP)"
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
        names(r), "、".join(f"{CONTACT_ZH[m['field']]}（{m['value']}）" for m in r["evidence"]["matches"])
    ),
)
def shared_contact_details(ctx: ScanContext) -> str:
    """同一标段的两个投标人登记的联系电话、电子邮箱或注册地址相同（规范化后比较），属关联线索。"""
    parts = [sql for col, sql in _CONTACT_VALUES.items() if ctx.has("companies", col)]
    return f"""
WITH c AS ({" UNION ALL ".join(parts)}),
links AS (
    SELECT a.company_id AS c1, b.company_id AS c2, a.field, a.value
    FROM c a JOIN c b ON a.field = b.field AND a.value = b.value AND a.company_id < b.company_id
    WHERE length(a.value) >= 5
),
hits AS (SELECT DISTINCT a.tender_id, l.c1, l.c2, l.field, l.value FROM links l{_LINKED_BIDS})
SELECT tender_id, NULL AS project_id, [c1, c2] AS company_ids, 0.5 + 0.1 * count(*) AS score,
       NULL AS severity,
       CAST(to_json(struct_pack(matches := list_sort(list(struct_pack(field := field, value := value)))))
            AS VARCHAR) AS evidence
FROM hits
GROUP BY tender_id, c1, c2
"""
