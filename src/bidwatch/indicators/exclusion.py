"""排斥潜在投标人: unreasonable conditions and procedures that keep bidders out (法 第18、20、24、28条; 条例 第16、26、32条).

Time limits are counted from the day after the issue (民法典 第201条), so "20 days" from 2024-05-01 ends on
2024-05-21 and a deadline on 2024-05-21 is lawful; a last day that is a statutory rest day moves to the next working
day (民法典 第203条), by the scan's one rule for calendar-day periods (:mod:`bidwatch.indicators.periods`), and the
evidence gives that day. The tendering rules apply to
tenders run as tenders (procedure open / invited or unknown); negotiations and single-source
purchases are the evasion family's concern.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import orjson
import pandas as pd

from bidwatch.indicators.base import (ScanContext, complete_bid_lists, in_complete_bid_lists, indicator, names,
                                      tender_coverage)
from bidwatch.indicators.evasion import wan
from bidwatch.indicators.periods import (deadline_join, deadline_sql, exact_sql, mandatory_tender_sql, nominal_sql,
                                        rolled_only_sql, rolled_text, tender_cov)
from bidwatch.indicators.periods import is_tender_sql as _is_tender
from bidwatch.indicators.periods import winner_sql as _winner

NOT_WITHDRAWN = "coalesce(b.status, 'valid') <> 'withdrawn'"


def _issued_on_sql(ctx: ScanContext) -> str:
    """SQL on ``t``: the day the tender documents were first issued, else the announcement's."""
    docs = ctx.column_or_null("t", "tenders", "docs_from", "DATE")
    ann = ctx.column_or_null("t", "tenders", "announced_on", "DATE")
    return f"coalesce({docs}, {ann})"


def _bid_period_checked(ctx: ScanContext) -> str:
    """Checked as judged: a start (:func:`_issued_on_sql`) and a deadline not before it (a data error)."""
    if not ctx.has("tenders", "bid_deadline"):
        return "false"
    issued = _issued_on_sql(ctx)
    return f"{issued} IS NOT NULL AND t.bid_deadline IS NOT NULL AND CAST(t.bid_deadline AS DATE) >= {issued}"


_bid_period_cov = tender_coverage(_bid_period_checked, mandatory_tender_sql)


@indicator(
    code="short_bid_period",
    statutory=True,
    name_zh="招标文件发出至投标截止不足20日",
    name_en="Fewer than 20 days from tender documents to the bid deadline",
    family="exclusion",
    legal_basis="招标投标法 第24条；实施条例（2019年修订）第64条；民法典 第201条、第203条",
    severity="medium",
    requires={"tenders": ("docs_from", "bid_deadline")},
    requires_any=({"tenders": ("announced_on", "bid_deadline")},),
    coverage=_bid_period_cov,
    message=lambda r: (f"招标文件发出（{r['evidence']['from_field_zh']}）至投标截止："
                       + rolled_text(r["evidence"], r["evidence"]["minimum"], r["evidence"]["issued_on"],
                                     r["evidence"]["deadline"])
                       if r["evidence"].get("rolled_only") else
                       f"招标文件自{r['evidence']['issued_on']}开始发出（{r['evidence']['from_field_zh']}），"
                       f"投标截止{r['evidence']['deadline']}，早于20日期限届满日{r['evidence']['earliest_lawful']}"
                       f"{'' if r['evidence']['deadline_exact'] else '（节假日安排未知，按估算）'}，"
                       f"仅{r['evidence']['days']}日，少于法定20日"),
)
def short_bid_period(ctx: ScanContext) -> str:
    """投标截止日期早于自招标文件开始发出之日（无发售日期时用公告发布日期）次日起算第20日（届满日为法定休假日的
    顺延至其后第一个工作日，民法典第201条、第203条；恰好届满当日截止合法）。"""
    min_days = int(ctx.p("exclusion.min_bid_period_days"))
    docs = ctx.column_or_null("t", "tenders", "docs_from", "DATE")
    rolled = rolled_only_sql("issued_on", "deadline", min_days)
    return f"""
WITH x AS (
    SELECT t.tender_id, t.project_id, {_winner(ctx)} AS company_ids, {_issued_on_sql(ctx)} AS issued_on,
           CASE WHEN {docs} IS NOT NULL THEN '招标文件发售起始日期' ELSE '公告发布日期' END AS from_field_zh,
           CAST(t.bid_deadline AS DATE) AS deadline
    FROM tenders t
    WHERE {mandatory_tender_sql(ctx)} AND t.bid_deadline IS NOT NULL
),
y AS (
    SELECT x.*, {deadline_sql('d', 'x.issued_on', min_days)} AS earliest_lawful, {exact_sql('d')} AS deadline_exact
    FROM x {deadline_join(ctx, 'd', 'x.issued_on', min_days)}
    -- a deadline before the documents were issued is a data error (no bid can be made), not a short period
    WHERE x.issued_on IS NOT NULL AND x.deadline >= x.issued_on
)
SELECT tender_id, project_id, company_ids,
       CASE WHEN {rolled} THEN 0.3 ELSE least(0.9, 0.5 + 0.02 * date_diff('day', deadline, earliest_lawful)) END
           AS score,
       CASE WHEN {rolled} THEN 'low' END AS severity,
       CAST(to_json(struct_pack(issued_on := issued_on, deadline := deadline, from_field_zh := from_field_zh,
                                days := date_diff('day', issued_on, deadline), minimum := {min_days},
                                earliest_lawful := earliest_lawful, deadline_exact := deadline_exact,
                                nominal_last_day := {nominal_sql('issued_on', min_days)}, rolled_only := {rolled}))
            AS VARCHAR) AS evidence
FROM y
WHERE deadline < earliest_lawful
"""


@indicator(
    code="short_document_sale",
    statutory=True,
    name_zh="招标文件发售期不足5日",
    name_en="Tender documents on sale for fewer than 5 days",
    family="exclusion",
    legal_basis="实施条例（2019年修订）第16条、第64条；民法典 第201条、第203条",
    severity="medium",
    requires={"tenders": ("docs_from", "docs_until")},
    coverage=tender_cov(tenders=("docs_from", "docs_until"), ordered=True),
    message=lambda r: ("招标文件发售期" + rolled_text(r["evidence"], r["evidence"]["minimum"],
                                                   r["evidence"]["docs_from"], r["evidence"]["docs_until"])
                       if r["evidence"].get("rolled_only") else
                       f"招标文件发售期{r['evidence']['docs_from']}至{r['evidence']['docs_until']}，"
                       f"早于5日发售期届满日{r['evidence']['earliest_lawful']}"
                       f"{'' if r['evidence']['deadline_exact'] else '（节假日安排未知，按估算）'}，"
                       f"仅{r['evidence']['days']}日，少于法定5日"),
)
def short_document_sale(ctx: ScanContext) -> str:
    """招标文件（资格预审文件）发售截止日期早于发售起始日次日起算第5日（届满日为法定休假日的顺延至其后第一个工作日）。"""
    min_days = int(ctx.p("exclusion.min_document_sale_days"))
    due = deadline_sql("d", "t.docs_from", min_days)
    rolled = rolled_only_sql("t.docs_from", "t.docs_until", min_days)
    return f"""
SELECT t.tender_id, t.project_id, {_winner(ctx)} AS company_ids,
       CASE WHEN {rolled} THEN 0.3 ELSE least(0.9, 0.5 + 0.08 * date_diff('day', t.docs_until, {due})) END AS score,
       CASE WHEN {rolled} THEN 'low' END AS severity,
       CAST(to_json(struct_pack(docs_from := t.docs_from, docs_until := t.docs_until,
                                days := date_diff('day', t.docs_from, t.docs_until), minimum := {min_days},
                                earliest_lawful := {due}, deadline_exact := {exact_sql('d')},
                                nominal_last_day := {nominal_sql('t.docs_from', min_days)}, rolled_only := {rolled}))
            AS VARCHAR) AS evidence
FROM tenders t {deadline_join(ctx, 'd', 't.docs_from', min_days)}
WHERE {_is_tender(ctx)} AND t.docs_from IS NOT NULL AND t.docs_until IS NOT NULL
  -- a sale that ends before it starts is a data error, not a short sale
  AND t.docs_until >= t.docs_from AND t.docs_until < {due}
"""


@indicator(
    code="few_bidders",
    statutory=True,
    name_zh="投标人少于3个仍确定中标人",
    name_en="Award with fewer than three bidders",
    family="exclusion",
    legal_basis="招标投标法 第28条；实施条例 第44条",
    severity="medium",
    requires={"tenders": ("winner_id",), "bids": ("tender_id",)},
    coverage=tender_coverage(in_complete_bid_lists, lambda ctx: f"{_is_tender(ctx)} AND t.winner_id IS NOT NULL"),
    message=lambda r: (f"本标段仅有{r['evidence']['n_bidders']}个投标人"
                       + (f"（{r['evidence']['n_company_ids']}个企业编号中有统一社会信用代码相同的，为同一法人）"
                          if r['evidence'].get('n_company_ids', 0) > r['evidence']['n_bidders'] else "")
                       + f"，依法应当重新招标，却确定{names(r)}中标"),
)
def few_bidders(ctx: ScanContext) -> str:
    """递交投标文件（未撤回）的投标人少于3个，招标人仍确定了中标人（应当重新招标）。只判断投标人名单完整的标段
    （tenders.bid_list = 全部投标人，或数据集有该标段的投标记录而未说明）：只公示中标候选人或没有投标数据的标段
    "未检查"，缺少的数据不是证据。"""
    min_n = int(ctx.p("exclusion.min_bidders"))
    # bidders are legal persons: two company ids with one 统一社会信用代码 are one bidder (the loader notices them)
    uscc = ctx.has("companies", "uscc")
    entity = "coalesce(c.uscc, b.company_id)" if uscc else "b.company_id"
    joined = "LEFT JOIN companies c ON c.company_id = b.company_id" if uscc else ""
    return f"""
WITH n AS (
    SELECT b.tender_id, count(DISTINCT {entity}) AS n_bidders, count(DISTINCT b.company_id) AS n_company_ids,
           list_sort(list(DISTINCT b.bid_id)) AS bids
    FROM bids b {joined} WHERE {NOT_WITHDRAWN} GROUP BY b.tender_id
)
SELECT t.tender_id, t.project_id, [t.winner_id] AS company_ids,
       CASE WHEN coalesce(n.n_bidders, 0) <= 1 THEN 0.8 ELSE 0.6 END AS score, NULL AS severity,
       CAST(to_json(struct_pack(n_bidders := coalesce(n.n_bidders, 0), n_company_ids := coalesce(n.n_company_ids, 0),
                                minimum := {min_n}, bids := n.bids))
            AS VARCHAR) AS evidence
FROM tenders t LEFT JOIN n ON n.tender_id = t.tender_id
WHERE {_is_tender(ctx)} AND t.winner_id IS NOT NULL AND coalesce(n.n_bidders, 0) < {min_n}
  AND t.tender_id IN ({complete_bid_lists(ctx)})
"""


_CAP_ZH = {"works_goods": "施工、货物招标", "survey_design": "勘察设计招标"}


#: an estimate or ceiling below this (yuan) beside a bid bond is taken for a unit error, not judged (see the SQL)
MIN_BASE = 10_000


def _bond_text(r: Mapping[str, Any]) -> str:
    ev = r["evidence"]
    over_share = ev["share"] is not None and ev["share"] > ev["max_share"]
    over_cap = bool(ev["over_cap"])
    amount = f"{ev['cap'] / 1e4:g}万元" if ev["cap"] and ev["cap"] % 1e4 == 0 else wan(ev["cap"])
    cap = f"{_CAP_ZH.get(ev['cap_rule'], '')}{amount}"
    base = ev["base_field_zh"]
    what = (f"{base}2%和{cap}的上限" if over_cap and over_share
            else f"{cap}的上限" if over_cap else f"{base}2%的上限")
    # the excess in yuan: a share of 2.000001% reads "2.00%" and would contradict "超过2%"
    limits = [x for x in ((ev["cap"] if over_cap else None),
                          (ev["max_share"] * ev["base"] if over_share else None)) if x is not None]
    excess = f"，超出{ev['bid_bond'] - min(limits):,.2f}元" if limits else ""
    if ev["base"] is None:
        return f"投标保证金{wan(ev['bid_bond'])}，超过{what}{excess}"
    share = f"的{ev['share']:.2%}" if ev["share"] is not None else ""
    return f"投标保证金{wan(ev['bid_bond'])}，为{base}{wan(ev['base'])}{share}，超过{what}{excess}"


def _bond_cov(ctx: ScanContext) -> Any:
    return tender_cov(tenders=("bid_bond",))(ctx)


@indicator(
    code="excessive_bid_bond",
    statutory=True,
    name_zh="投标保证金超过估算价2%或类别上限",
    name_en="Bid bond above 2% of the estimate or the category's cap",
    family="exclusion",
    legal_basis="实施条例（2019年修订）第26条、第66条；《工程建设项目施工招标投标办法》（2013年修订）第37条；"
                "《工程建设项目货物招标投标办法》（2013年修订）第27条；《工程建设项目勘察设计招标投标办法》（2013年修订）第24条",
    severity="medium",
    requires={"tenders": ("bid_bond", "estimate")},
    requires_any=({"tenders": ("bid_bond", "ceiling_price")}, {"tenders": ("bid_bond", "category")}),
    coverage=_bond_cov,
    message=_bond_text,
)
def excessive_bid_bond(ctx: ScanContext) -> str:
    """投标保证金超过招标项目估算价（无估算价时用最高投标限价）的2%，或超过标段类别的金额上限：施工、货物（及类别不明）
    80万元，勘察、设计10万元；监理等其他服务国家规定没有金额上限，只看2%。"""
    share = float(ctx.p("exclusion.max_bid_bond_share"))
    cap = float(ctx.p("exclusion.max_bid_bond_amount"))
    cap_sd = float(ctx.p("exclusion.max_bid_bond_survey_design"))
    est = ctx.column_or_null("t", "tenders", "estimate", "DOUBLE")
    ceil = ctx.column_or_null("t", "tenders", "ceiling_price", "DOUBLE")
    category = ctx.column_or_null("t", "tenders", "category")
    given = ctx.column_or_null("t", "tenders", "service_kind")
    # where the kind is not given, the title tells a survey/design or a supervision tender (a clerk's 类别 勘察 is read
    # as services and says no more); a title with 施工 (other than 施工图设计) is works, whatever else it names
    title = ctx.column_or_null("t", "tenders", "title")
    plain = f"replace(coalesce({title}, ''), '施工图', '')"
    kind = (f"coalesce({given}, CASE WHEN {plain} LIKE '%施工%' THEN NULL WHEN {plain} LIKE '%监理%' THEN 'supervision' "
            f"WHEN {plain} LIKE '%勘察%' OR {plain} LIKE '%设计%' THEN 'survey_design' END)")
    return f"""
WITH x AS (
    SELECT t.tender_id, t.project_id, {_winner(ctx)} AS company_ids, t.bid_bond, coalesce({est}, {ceil}) AS base,
           CASE WHEN {est} IS NOT NULL THEN '估算价' ELSE '最高投标限价' END AS base_field_zh,
           -- the service kind decides where the category is services or not given (a 监理 tender is often written
           -- with its kind only): 勘察、设计 10万; other services no cap; works, goods and the unknown 80万
           CASE WHEN coalesce({category}, 'services') = 'services' AND {kind} IN ('survey', 'design', 'survey_design')
                     THEN 'survey_design'
                WHEN {category} = 'services' OR ({category} IS NULL AND {given} IS NOT NULL) THEN 'none'
                WHEN {category} IS NULL AND {kind} = 'supervision' THEN 'none'
                ELSE 'works_goods' END AS cap_rule
    FROM tenders t WHERE t.bid_bond IS NOT NULL AND t.bid_bond > 0
),
y AS (
    -- a base under 1万元, or not above the bond itself, is a unit error (an estimate in 万元 beside a bond in 元), not a
    -- tender whose bond is 200 times the 2%: the share is not judged on it; the category's cap still is
    -- (the columns named: Spark has no SELECT * REPLACE)
    SELECT tender_id, project_id, company_ids, bid_bond, base_field_zh, cap_rule,
           CASE WHEN base >= {MIN_BASE} AND base > bid_bond THEN base END AS base,
           CASE cap_rule WHEN 'survey_design' THEN {cap_sd} WHEN 'works_goods' THEN {cap} END AS cap,
           base IS NOT NULL AND NOT (base >= {MIN_BASE} AND base > bid_bond) AS base_unusable
    FROM x
)
SELECT tender_id, project_id, company_ids,
       CASE WHEN coalesce(bid_bond > cap, false) OR bid_bond > 2 * {share} * base THEN 0.8 ELSE 0.6 END AS score,
       NULL AS severity,
       CAST(to_json(struct_pack(bid_bond := bid_bond, base := base, base_field_zh := base_field_zh,
                                share := CASE WHEN base > 0 THEN bid_bond / base END, max_share := {share},
                                cap := cap, cap_rule := cap_rule, base_unusable := base_unusable,
                                over_cap := coalesce(bid_bond > cap, false))) AS VARCHAR) AS evidence
FROM y
WHERE coalesce(bid_bond > cap, false) OR (base > 0 AND bid_bond > round({share} * base, 2))
"""


def _all_disqualified_text(r: Mapping[str, Any]) -> str:
    """Names the disqualified bidders, not the winner among them (names(r) is every company of the alert)."""
    ev = r["evidence"]
    by_id = dict(zip(r.get("company_ids") or [], r.get("company_names") or r.get("company_ids") or [], strict=False))
    out = sorted({d["company_id"] for d in ev.get("disqualified") or [] if d.get("company_id") != ev["winner_id"]})
    return (f"本标段{ev['n_bids']}份投标中除中标人{ev.get('winner_name') or ev['winner_id']}外其余"
            f"{ev['n_disqualified']}份全部被否决，被否决的投标人：{'、'.join(by_id.get(c, c) for c in out)}")


@indicator(
    code="all_but_winner_disqualified",
    name_zh="除中标人外其余投标均被否决",
    name_en="All bids but the winner's disqualified",
    family="exclusion",
    legal_basis="实施条例 第51条；招标投标法 第18条（线索）",
    severity="medium",
    requires={"bids": ("status",), "tenders": ("winner_id",)},
    coverage=tender_coverage(in_complete_bid_lists, "t.winner_id IS NOT NULL"),
    message=lambda r: _all_disqualified_text(r),
)
def all_but_winner_disqualified(ctx: ScanContext) -> str:
    """至少3份有效递交的投标中，除中标人外的投标全部被否决（OCP R035）。只判断投标人名单完整的标段。"""
    min_n = int(ctx.p("exclusion.all_disqualified_min_bids"))
    reason = ctx.column_or_null("b", "bids", "disqualify_reason")
    return f"""
WITH b AS (
    SELECT b.tender_id, b.bid_id, b.company_id, b.status, {reason} AS reason, t.winner_id, wc.name AS winner_name
    FROM bids b JOIN tenders t ON t.tender_id = b.tender_id
    LEFT JOIN companies wc ON wc.company_id = t.winner_id
    WHERE {NOT_WITHDRAWN} AND t.winner_id IS NOT NULL AND t.tender_id IN ({complete_bid_lists(ctx)})
)
SELECT tender_id, NULL AS project_id, list_sort(list(DISTINCT company_id)) AS company_ids, 0.7 AS score,
       NULL AS severity,
       CAST(to_json(struct_pack(
           winner_id := any_value(winner_id), winner_name := any_value(winner_name),
           n_bids := count(*),
           n_disqualified := count(*) FILTER (WHERE status = 'disqualified'),
           -- sorted (by bid id): the evidence must not depend on the order of the file's rows
           disqualified := list_sort(list(struct_pack(bid_id := bid_id, company_id := company_id, reason := reason))
                                     FILTER (WHERE status = 'disqualified')))) AS VARCHAR) AS evidence
FROM b
GROUP BY tender_id
HAVING count(*) >= {min_n}
   AND count(*) FILTER (WHERE company_id <> winner_id AND status = 'disqualified')
       = count(*) FILTER (WHERE company_id <> winner_id)
   AND count(*) FILTER (WHERE company_id = winner_id AND status <> 'disqualified') >= 1
"""


@indicator(
    code="lowest_bid_disqualified",
    name_zh="经评审的最低投标价法下最低报价被否决",
    name_en="Lowest bid disqualified under the lowest-price method",
    family="exclusion",
    legal_basis="招标投标法 第41条；实施条例 第51条（线索）",
    severity="medium",
    requires={"bids": ("status", "price"), "tenders": ("award_method", "winner_id")},
    coverage=tender_coverage(in_complete_bid_lists, "t.award_method = 'lowest_price' AND t.winner_id IS NOT NULL"),
    message=lambda r: (f"采用经评审的最低投标价法，最低报价{r['evidence']['lowest_price']:,.2f}元"
                       f"（{r['evidence'].get('lowest_name') or r['evidence']['lowest_company_id']}）被否决"
                       f"{('（理由：' + r['evidence']['reason'] + '）') if r['evidence'].get('reason') else ''}，"
                       f"由报价{r['evidence']['winner_price']:,.2f}元的"
                       f"{r['evidence'].get('winner_name') or r['evidence']['winner_id']}中标，"
                       f"高出{r['evidence']['premium']:.1%}"),
)
def lowest_bid_disqualified(ctx: ScanContext) -> str:
    """评标办法为经评审的最低投标价法，报价最低的投标被否决而由报价更高者中标（OCP R036）。
    只判断投标人名单完整的标段：只有中标候选人的名单不知道最低报价是谁。"""
    reason = ctx.column_or_null("b", "bids", "disqualify_reason")
    return f"""
WITH b AS (
    SELECT b.tender_id, b.bid_id, b.company_id, b.status, b.price, {reason} AS reason,
           row_number() OVER (PARTITION BY b.tender_id ORDER BY b.price, b.bid_id) AS k
    FROM bids b JOIN tenders t ON t.tender_id = b.tender_id
    WHERE {NOT_WITHDRAWN} AND b.price > 0 AND t.award_method = 'lowest_price'
      AND t.tender_id IN ({complete_bid_lists(ctx)})
),
w AS (
    SELECT b.tender_id, min(b.price) AS winner_price, any_value(t.winner_id) AS winner_id
    FROM b JOIN tenders t ON t.tender_id = b.tender_id AND t.winner_id = b.company_id
    GROUP BY b.tender_id
)
SELECT l.tender_id, NULL AS project_id, list_sort([l.company_id, w.winner_id]) AS company_ids, 0.6 AS score,
       NULL AS severity,
       CAST(to_json(struct_pack(lowest_bid := l.bid_id, lowest_company_id := l.company_id, lowest_price := l.price,
                                lowest_name := lc.name, reason := l.reason, winner_id := w.winner_id,
                                winner_name := wc.name,
                                winner_price := w.winner_price,
                                premium := w.winner_price / l.price - 1)) AS VARCHAR) AS evidence
FROM b l JOIN w ON w.tender_id = l.tender_id
LEFT JOIN companies lc ON lc.company_id = l.company_id
LEFT JOIN companies wc ON wc.company_id = w.winner_id
WHERE l.k = 1 AND l.status = 'disqualified' AND w.winner_price > l.price AND w.winner_id <> l.company_id
"""


# ---- restrictive clauses ----------------------------------------------------------------------------

_SENTENCE = re.compile(r"[^。；;！!？?\r\n]+")
_SPACES = re.compile(r"[ \t\u3000]+")


@lru_cache(maxsize=8)
def load_clause_rules(path: str = "") -> tuple[dict[str, Any], ...]:
    """The restrictive-clause rules (packaged list, or a deployment's file at ``path``), compiled.

    A rule has its phrase ``pattern`` (what we have seen written) and, where the file declares a
    ``[[category]]`` of the same code, its ``category``: the concepts that must meet in one part of a sentence
    whatever the wording (see the file's comments)."""
    if path:
        text = Path(path).read_text(encoding="utf-8")
    else:
        text = resources.files("bidwatch.indicators").joinpath("rules/restrictive_clauses.toml").read_text(
            encoding="utf-8")
    data = tomllib.loads(text)
    holders = {**data.get("placeholders", {})}
    concepts = {**holders, **data.get("concepts", {})}

    def expand(p: str, table: dict[str, str]) -> str:
        for _ in range(3):
            for key, value in table.items():
                p = p.replace("{" + key + "}", value)
        return p

    def either(patterns: list[str], table: dict[str, str]) -> re.Pattern[str] | None:
        return re.compile("|".join(f"(?:{expand(p, table)})" for p in patterns)) if patterns else None

    negation = ["{NEGATION}"] if "NEGATION" in concepts else []
    categories = {
        c["code"]: {
            "near": tuple(re.compile(expand(p, concepts)) for p in c["near"]),
            "marker": re.compile(expand(c["marker"], concepts)) if c.get("marker") else None,
            "unless": either([*c.get("unless", ()), *negation], concepts),
        }
        for c in data.get("category", ())
    }
    rules = []
    for r in data["rule"]:
        rules.append({
            "code": r["code"], "name_zh": r["name_zh"], "legal_basis": r["legal_basis"],
            "pattern": either(list(r["patterns"]), holders),
            # a sentence that says a thing is not a condition is no restriction, whichever way it was caught
            "unless": either([*r.get("unless", ()), *negation], concepts),
            "keywords": tuple(r.get("keywords", ())),
            "category": categories.get(r["code"]),
        })
    return tuple(rules)


#: parts of a sentence: the concepts of a category must meet inside one of them
_PART = re.compile(r"[^，,：:]+")


def _category_match(sentence: str, category: Mapping[str, Any]) -> str | None:
    """The part of ``sentence`` in which every concept of ``category`` occurs, if the sentence is a condition."""
    if category["unless"] is not None and category["unless"].search(sentence):
        return None
    if category["marker"] is not None and not category["marker"].search(sentence):
        return None
    for part in _PART.findall(sentence):
        if all(concept.search(part) for concept in category["near"]):
            return part
    return None


def find_restrictive_clauses(text: str, rules: tuple[dict[str, Any], ...]) -> list[dict[str, str]]:
    """The rules a requirements text breaks: one finding per rule with the clause and the matched words.

    The text is cut into sentences. A rule's phrase pattern runs only on sentences holding one of its keywords,
    and a match is kept unless its sentence matches the rule's ``unless`` pattern; a sentence the phrases miss is
    then judged by the rule's category (its concepts in one part of the sentence, any wording). ``via`` says which.
    """
    text = _SPACES.sub("", text)
    sentences = [(m.start(), m.group(0)) for m in _SENTENCE.finditer(text)]
    found = []
    for rule in rules:
        keywords = rule["keywords"]
        hit: tuple[int, dict[str, str]] | None = None
        if not keywords or any(k in text for k in keywords):
            for start, sentence in sentences:
                if keywords and not any(k in sentence for k in keywords):
                    continue
                m = rule["pattern"].search(sentence)
                if m is None or (rule["unless"] is not None and rule["unless"].search(sentence)):
                    continue
                hit = (start + m.start(), {"match": m.group(0), "clause": sentence[:120], "via": "phrase"})
                break
        if hit is None and rule["category"] is not None:
            for start, sentence in sentences:
                part = _category_match(sentence, rule["category"])
                if part is not None:
                    hit = (start + sentence.find(part), {"match": part, "clause": sentence[:120], "via": "category"})
                    break
        if hit is not None:
            found.append((hit[0], {"rule": rule["code"], "name_zh": rule["name_zh"],
                                   "legal_basis": rule["legal_basis"], **hit[1]}))
    return [f for _, f in sorted(found, key=lambda x: x[0])]


def _clauses_text(row: Mapping[str, Any]) -> str:
    parts = [f"{f['name_zh']}：“{f['clause'][:60]}”（{f['legal_basis']}）" for f in row["evidence"]["findings"]]
    return "招标文件资格或评审条件含限制、排斥潜在投标人的条款——" + "；".join(parts)


@indicator(
    code="restrictive_clause",
    name_zh="招标文件设置限制性条款",
    name_en="Restrictive clauses in the tender requirements",
    family="exclusion",
    legal_basis="招标投标法 第6条、第18条、第20条；实施条例 第32条；发改法规规〔2022〕1117号",
    severity="medium",
    kind="python",
    requires={"tenders": ("requirements_text",)},
    message=_clauses_text,
)
def restrictive_clause(ctx: ScanContext) -> pd.DataFrame:
    """按维护的规则清单（indicators/rules/restrictive_clauses.toml，每条附法律依据）逐句匹配资格条件和评审条件：
    限定注册地、要求设立本地分支机构或在本地缴纳税收社保、特定地区或行业业绩奖项、指定品牌专利供应商、
    限定所有制形式、注册资本规模门槛、非强制认证、成立年限。资质等级、安全生产许可证、注册建造师等法定条件不计。"""
    rules = load_clause_rules(str(ctx.p("exclusion.restrictive_clause_rules") or ""))
    cols = ["tender_id", "project_id", "company_ids", "score", "severity", "evidence"]
    # tender documents reuse templates: each distinct text is read once (751 texts for 151k tenders at 1M bids), and
    # the tenders are joined to the texts with findings in the engine (fetching every tender's text into Python was
    # 2 of the indicator's 3 s)
    distinct = ctx.engine.query("SELECT DISTINCT requirements_text AS text FROM tenders "
                                "WHERE requirements_text IS NOT NULL AND length(requirements_text) > 0")
    hits = []
    for text in distinct["text"].tolist():
        findings = find_restrictive_clauses(str(text), rules)
        if findings:
            hits.append({"text": text, "score": min(0.9, 0.6 + 0.1 * (len(findings) - 1)),
                         "evidence": orjson.dumps({"findings": findings}).decode()})
    if not hits:
        return pd.DataFrame(columns=cols)
    ctx.engine.register("_bw_clause_hits", pd.DataFrame(hits))
    winner = ctx.or_null("t.winner_id", "tenders", "winner_id")
    return ctx.engine.query(
        f"SELECT t.tender_id, t.project_id, CASE WHEN {winner} IS NULL THEN [] ELSE [{winner}] END AS company_ids, "
        "h.score, NULL AS severity, h.evidence FROM tenders t JOIN _bw_clause_hits h ON t.requirements_text = h.text "
        "ORDER BY t.tender_id")
