"""评标专家: recusal, partial scoring and repeated panels (实施条例 第46条、第49条、第71条).

The panel of a tender is every expert with a score in ``evaluations`` for it. An expert employed by a
bidder (or holding a role in it, per ``people`` keyed by the same person id) is a recusal breach and
``high``; a relation through the employer (the employer and the bidder share a legal representative or
one holds shares in the other) is ``medium``. Scoring and drawing patterns are statistics: ``medium``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
import pandas as pd
from scipy.stats import poisson

from bidwatch.indicators.base import ScanContext, indicator, names, sql_list
from bidwatch.indicators.network import relation_links_sql

RELATION_ZH = {
    "employer": "工作单位即该投标人", "legal_rep": "在该投标人任法定代表人", "shareholder": "是该投标人股东",
    "executive": "在该投标人任高管", "employee": "是该投标人员工", "project_manager": "是该投标人项目经理",
    "agent": "是该投标人委托代理人", "contact": "是该投标人联系人", "employer_related": "工作单位与该投标人存在关联关系",
}


def _expert_name(row: Mapping[str, Any]) -> str:
    ev = row["evidence"]
    return f"{ev.get('expert_name') or ''}（{ev['expert_id']}）" if ev.get("expert_name") else str(ev["expert_id"])


def _relation_text(row: Mapping[str, Any]) -> str:
    rel = "；".join(dict.fromkeys(f"{RELATION_ZH.get(r['kind'], r['kind'])}（{r['company_id']}）"
                                  for r in row["evidence"]["relations"]))
    return f"评标专家{_expert_name(row)}与投标人{names(row)}存在利害关系：{rel}，应当回避而未回避"


@indicator(
    code="expert_related_to_bidder",
    name_zh="评标专家与投标人有利害关系未回避",
    name_en="Evaluation expert employed by or related to a bidder",
    family="expert_bias",
    legal_basis="招标投标法 第37条；实施条例 第46条、第71条第(一)项",
    severity="high",
    requires={"evaluations": ("expert_id",), "experts": ("employer_id",)},
    requires_any=({"evaluations": ("expert_id",), "people": ("person_id", "role")},),
    message=_relation_text,
)
def expert_related_to_bidder(ctx: ScanContext) -> str:
    """评标委员会成员的工作单位就是本标段的投标人，或本人在投标人任法定代表人、股东、高管、员工等（高风险）；
    专家工作单位与投标人存在同一法定代表人或持股关系（中风险）。任职起止日期与投标截止日期比对；
    与未投标企业的关系不计。"""
    roles = sql_list(list(ctx.p("experts.related_roles")))
    deadline = "CAST(t.bid_deadline AS DATE)" if ctx.has("tenders", "bid_deadline") else "CAST(NULL AS DATE)"
    name = "x.name" if ctx.has("experts", "name") else "CAST(NULL AS VARCHAR)"
    parts = []

    def only_experts(col: str) -> str:
        # people are many, experts few: keep the persons who are experts (when the experts table is given)
        return f" AND {col} IN (SELECT expert_id FROM experts)" if ctx.has("experts") else ""

    if ctx.has("experts", "employer_id"):
        parts.append("SELECT x.expert_id, x.employer_id AS company_id, 'employer' AS kind, 'high' AS sev, "
                     "CAST(NULL AS DATE) AS since, CAST(NULL AS DATE) AS until FROM experts x "
                     "WHERE x.employer_id IS NOT NULL")
        links = relation_links_sql(ctx, ("legal_rep", "shareholder", "executive"))
        if links:
            parts.append(f"""SELECT x.expert_id, CASE WHEN l.c1 = x.employer_id THEN l.c2 ELSE l.c1 END,
                                    'employer_related', 'medium', CAST(NULL AS DATE), CAST(NULL AS DATE)
                             FROM experts x JOIN ({links}) l ON x.employer_id IN (l.c1, l.c2)""")
    if ctx.has("people", "person_id", "role"):
        parts.append(f"SELECT p.person_id AS expert_id, p.company_id, p.role AS kind, 'high' AS sev, "
                     f"p.since, p.until FROM people p WHERE p.role IN {roles}{only_experts('p.person_id')}")
    if ctx.has("companies", "legal_rep_id") and "legal_rep" in ctx.p("experts.related_roles"):
        # person keys are shared across tables (an ID-number hash): an expert who heads a bidder
        parts.append("SELECT c.legal_rep_id AS expert_id, c.company_id, 'legal_rep' AS kind, 'high' AS sev, "
                     "CAST(NULL AS DATE) AS since, CAST(NULL AS DATE) AS until FROM companies c "
                     f"WHERE c.legal_rep_id IS NOT NULL{only_experts('c.legal_rep_id')}")
    if not parts:
        return "SELECT * FROM (SELECT NULL AS tender_id) WHERE false"
    experts_join = "LEFT JOIN experts x ON x.expert_id = h.expert_id" if ctx.has("experts") else ""
    name_expr = name if ctx.has("experts") else "CAST(NULL AS VARCHAR)"
    return f"""
WITH rel AS ({" UNION ALL ".join(parts)}),
panel AS (
    SELECT DISTINCT tender_id, expert_id FROM evaluations
    WHERE expert_id IN (SELECT expert_id FROM rel)
),
bidders AS (SELECT DISTINCT tender_id, company_id FROM bids WHERE coalesce(status, 'valid') <> 'withdrawn'),
h AS (
    SELECT DISTINCT pn.tender_id, pn.expert_id, r.company_id, r.kind, r.sev
    FROM panel pn
    JOIN rel r ON r.expert_id = pn.expert_id
    JOIN bidders b ON b.tender_id = pn.tender_id AND b.company_id = r.company_id
    JOIN tenders t ON t.tender_id = pn.tender_id
    WHERE (r.since IS NULL OR {deadline} IS NULL OR r.since <= {deadline})
      AND (r.until IS NULL OR {deadline} IS NULL OR r.until >= {deadline})
)
SELECT h.tender_id, NULL AS project_id, list_sort(list(DISTINCT h.company_id)) AS company_ids,
       CASE WHEN bool_or(h.sev = 'high') THEN 0.95 ELSE 0.6 END AS score,
       CASE WHEN bool_or(h.sev = 'high') THEN 'high' ELSE 'medium' END AS severity,
       CAST(to_json(struct_pack(expert_id := h.expert_id, expert_name := any_value({name_expr}),
                                relations := list(struct_pack(kind := h.kind, company_id := h.company_id)
                                                  ORDER BY h.kind, h.company_id))) AS VARCHAR) AS evidence
FROM h {experts_join}
GROUP BY h.tender_id, h.expert_id
"""


def _favour_text(row: Mapping[str, Any]) -> str:
    ev = row["evidence"]
    return (f"评标专家{_expert_name(row)}在{ev['n_tenders']}个标段中给{names(row)}的打分明显高于其他评委（平均高出"
            f"{ev['mean_bias']:.0%}；本标段{ev['score']:.1f}分，其他评委平均{ev['others_mean']:.1f}分），"
            f"存在明显倾向性")


@indicator(
    code="expert_favouritism",
    name_zh="评标专家打分明显偏向特定投标人",
    name_en="Expert whose scores favour one company across tenders",
    family="expert_bias",
    legal_basis="实施条例 第49条、第71条第(三)(八)项",
    severity="medium",
    requires={"evaluations": ("score",)},
    message=_favour_text,
)
def expert_favouritism(ctx: ScanContext) -> str:
    """同一专家对同一投标人的打分与同组其他评委平均分的相对偏离（扣除该专家在该标段对所有投标人的整体宽严）
    达到10%的标段不少于3个、且占该专家给该投标人打分标段的一半以上：在这些标段给出预警。"""
    min_t = int(ctx.p("experts.favouritism_min_tenders"))
    min_bias = float(ctx.p("experts.favouritism_min_bias"))
    min_share = float(ctx.p("experts.favouritism_min_share"))
    min_panel = int(ctx.p("experts.favouritism_min_panel"))
    name = ("(SELECT any_value(x.name) FROM experts x WHERE x.expert_id = b.expert_id)"
            if ctx.has("experts", "name") else "CAST(NULL AS VARCHAR)")
    # window sums instead of join-backs: the evaluations table is the largest one (≈ 5 rows per bid)
    return f"""
WITH r AS (
    SELECT tender_id, expert_id, company_id, score,
           sum(score) OVER (PARTITION BY tender_id, company_id) AS s,
           count(*) OVER (PARTITION BY tender_id, company_id) AS n
    FROM evaluations WHERE score IS NOT NULL
),
rel AS (
    SELECT tender_id, expert_id, company_id, score, (s - score) / (n - 1) AS others_mean,
           (score - (s - score) / (n - 1)) / ((s - score) / (n - 1)) AS dev
    FROM r WHERE n >= {min_panel} AND s - score > 0
),
b AS (SELECT rel.*, dev - avg(dev) OVER (PARTITION BY tender_id, expert_id) AS bias FROM rel),
fav AS (
    SELECT expert_id, company_id, count(*) AS n_tenders, avg(bias) AS mean_bias
    FROM b WHERE bias >= {min_bias}
    GROUP BY expert_id, company_id HAVING count(*) >= {min_t}
),
common AS (
    SELECT b.expert_id, b.company_id, count(*) AS n_common
    FROM b JOIN fav f ON f.expert_id = b.expert_id AND f.company_id = b.company_id
    GROUP BY b.expert_id, b.company_id
)
SELECT b.tender_id, NULL AS project_id, [b.company_id] AS company_ids,
       least(0.9, 0.5 + f.mean_bias) AS score, NULL AS severity,
       CAST(to_json(struct_pack(expert_id := b.expert_id, expert_name := {name}, n_tenders := f.n_tenders,
                                n_common := c.n_common, mean_bias := round(f.mean_bias, 4),
                                score := b.score,
                                -- a mean of 2-decimal scores can end in exactly 5: DuckDB and Spark round a
                                -- DOUBLE tie differently, a DECIMAL one alike
                                others_mean := CAST(round(CAST(b.others_mean AS DECIMAL(18, 6)), 2) AS DOUBLE),
                                bias := round(b.bias, 4))) AS VARCHAR) AS evidence
FROM b JOIN fav f ON f.expert_id = b.expert_id AND f.company_id = b.company_id
JOIN common c ON c.expert_id = b.expert_id AND c.company_id = b.company_id
WHERE b.bias >= {min_bias} AND f.n_tenders >= {min_share} * c.n_common
"""


def _repeat_text(row: Mapping[str, Any]) -> str:
    ev = row["evidence"]
    return (f"评标专家{_expert_name(row)}共参加{ev['expert_panels']}次评标，其中{ev['panels_with_tenderer']}次为招标人"
            f"{ev['tenderer_name'] or ev['tenderer_id']}的项目（随机抽取约应{ev['expected']:.1f}次，"
            f"偶然概率{ev['p_value']:.1e}），疑似指定专家")


@indicator(
    code="expert_repeat_panel",
    name_zh="同一专家反复参加同一招标人评标",
    name_en="The same expert repeatedly on one tenderer's panels",
    family="expert_bias",
    legal_basis="招标投标法 第37条；实施条例 第46条",
    severity="medium",
    kind="python",
    requires={"evaluations": ("expert_id",), "tenders": ("tenderer_id",)},
    message=_repeat_text,
)
def expert_repeat_panel(ctx: ScanContext) -> pd.DataFrame:
    """专家参加同一招标人评标的次数不少于4次，且为随机抽取期望次数的3倍以上、泊松概率不超过0.01
    （期望 = 专家评标总次数 × 该招标人标段占同专业评标标段的比例）；或不少于5次且为期望的2倍以上：
    在这些标段给出预警。"""
    min_k = min(int(ctx.p("experts.repeat_min_panels")), int(ctx.p("experts.repeat_count_panels")))
    ratio = float(ctx.p("experts.repeat_min_ratio"))
    max_p = float(ctx.p("experts.repeat_max_pvalue"))
    specialty = "coalesce(x.specialty, '*')" if ctx.has("experts", "specialty") else "'*'"
    join = "LEFT JOIN experts x ON x.expert_id = p.expert_id" if ctx.has("experts") else ""
    stats = ctx.engine.query(f"""
    WITH p0 AS (
        SELECT DISTINCT e.tender_id, e.expert_id, t.tenderer_id
        FROM evaluations e JOIN tenders t ON t.tender_id = e.tender_id
        WHERE t.tenderer_id IS NOT NULL
    ),
    p AS (SELECT p.*, {specialty} AS spec FROM p0 p {join}),
    tot AS (SELECT spec, count(DISTINCT tender_id) AS n_all FROM p GROUP BY spec),
    tr AS (SELECT spec, tenderer_id, count(DISTINCT tender_id) AS n_tr FROM p GROUP BY spec, tenderer_id),
    ex AS (SELECT expert_id, count(*) AS n_e FROM p GROUP BY expert_id),
    c AS (
        SELECT expert_id, tenderer_id, any_value(spec) AS spec, count(*) AS k, list_sort(list(tender_id)) AS tenders
        FROM p GROUP BY expert_id, tenderer_id HAVING count(*) >= {min_k}
    )
    SELECT c.expert_id, c.tenderer_id, c.k, c.tenders, ex.n_e, tr.n_tr, tot.n_all,
           ex.n_e * tr.n_tr / tot.n_all AS expected,
           (SELECT any_value(name) FROM companies co WHERE co.company_id = c.tenderer_id) AS tenderer_name
    FROM c JOIN ex ON ex.expert_id = c.expert_id
    JOIN tr ON tr.tenderer_id = c.tenderer_id AND tr.spec = c.spec
    JOIN tot ON tot.spec = c.spec
    ORDER BY c.expert_id, c.tenderer_id
    """)
    cols = ["tender_id", "project_id", "company_ids", "score", "severity", "evidence"]
    if stats.empty:
        return pd.DataFrame(columns=cols)
    stats["p_value"] = poisson.sf(stats["k"] - 1, stats["expected"])
    count_k = int(ctx.p("experts.repeat_count_panels"))
    count_ratio = float(ctx.p("experts.repeat_count_min_ratio"))
    tested = (stats["k"] >= ratio * stats["expected"]) & (stats["p_value"] <= max_p)
    counted = (stats["k"] >= count_k) & (stats["k"] >= count_ratio * stats["expected"])
    hits = stats[tested | counted]
    names_ = {}
    if len(hits) and ctx.has("experts", "name"):
        names_ = ctx.engine.query("SELECT expert_id, name FROM experts").set_index("expert_id")["name"].to_dict()
    rows = []
    for h in hits.itertuples(index=False):
        ev = {"expert_id": h.expert_id, "expert_name": names_.get(h.expert_id), "tenderer_id": h.tenderer_id,
              "tenderer_name": h.tenderer_name, "panels_with_tenderer": int(h.k), "expert_panels": int(h.n_e),
              "expected": round(float(h.expected), 3), "p_value": float(f"{float(h.p_value):.3g}"),
              "tenders": [str(t) for t in h.tenders]}
        for t in h.tenders:
            rows.append({"tender_id": str(t), "project_id": None, "company_ids": [h.tenderer_id],
                         "score": min(0.8, 0.4 + 0.05 * int(h.k)), "severity": None,
                         "evidence": orjson.dumps(ev).decode()})
    return pd.DataFrame(rows, columns=cols)
