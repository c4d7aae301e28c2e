"""先建设后招标 and the award-to-contract clock (招标投标法 第3条、第46条、第49条; 建筑法 第7条、第64条; 条例 第54条).

Dates only: a day's difference is a fact, so the legally decisive cases (a contract signed before the
award, works or a construction permit before a works award) are ``high``; the clocks that are procedural
(late contract, contract before the publicity period ended) are ``medium``.

The 30 days of 法 第46条 are counted as every calendar-day period of the scan (:mod:`bidwatch.indicators.periods`):
from the day after the award (民法典 第201条), the last day rolled to the next working day when it is a statutory
rest day (民法典 第203条) — an award of 2024-09-02 and a contract of 2024-10-08 are on time (day 30, 10-02, falls in
the National Day holiday). The evidence gives the deadline as computed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bidwatch.indicators.base import Coverage, CoverageBuilder, ScanContext, indicator, names, sql_list
from bidwatch.indicators.periods import (contract_dates_sql, deadline_join, deadline_sql, exact_sql, is_tender_sql,
                                        mandatory_tender_sql)


def _contract_dates_sql(ctx: ScanContext) -> str:
    """One contract date per tender: tenders.contract_signed_on, else the earliest linked contract."""
    parts = []
    if ctx.has("tenders", "contract_signed_on"):
        parts.append("SELECT tender_id, contract_signed_on AS signed_on, 'tenders' AS source, "
                     "CAST(NULL AS VARCHAR) AS contract_id FROM tenders WHERE contract_signed_on IS NOT NULL")
    if ctx.has("contracts", "tender_id"):
        parts.append("SELECT tender_id, signed_on, 'contracts' AS source, contract_id FROM contracts "
                     "WHERE tender_id IS NOT NULL AND signed_on IS NOT NULL")
    union = " UNION ALL ".join(parts)
    return f"""
    SELECT tender_id, min(signed_on) AS signed_on,
           coalesce(list_sort(list(DISTINCT contract_id) FILTER (WHERE contract_id IS NOT NULL)), []) AS contract_ids
    FROM ({union}) x GROUP BY tender_id"""


_CONTRACT_REQUIRES_ANY = ({"tenders": ("awarded_on",), "contracts": ("tender_id", "signed_on")},)


def _winner(ctx: ScanContext) -> str:
    return ("CASE WHEN t.winner_id IS NULL THEN CAST([] AS VARCHAR[]) ELSE [t.winner_id] END"
            if ctx.has("tenders", "winner_id") else "CAST([] AS VARCHAR[])")


def _contract_clock_sql(ctx: ScanContext, condition: str, score: str, deadline_days: int | None = None,
                        systemic: tuple[float, int] | None = None,
                        scope: Callable[[ScanContext], str] = is_tender_sql) -> str:
    """The tenders with a contract date where ``condition`` holds; with ``deadline_days`` also the statutory
    deadline (``deadline``, ``deadline_exact``, ``days_late``) of that many calendar days after the award.

    With ``systemic = (share, least)`` the condition is also counted over the dataset (tenders with both dates):
    where it holds for at least ``share`` of them and at least ``least`` tenders, it describes the dataset's
    dates rather than the tenders, and the rows are low with score 0.3 (``dataset_hits`` / ``dataset_checked``
    in the evidence)."""
    publicity = ctx.column_or_null("t", "tenders", "publicity_until", "DATE")
    if deadline_days is None:
        join, cols, extra = "", "", ""
    else:
        due = deadline_sql("dl", "t.awarded_on", deadline_days)
        join = deadline_join(ctx, "dl", "t.awarded_on", deadline_days)
        cols = f", {due} AS deadline, {exact_sql('dl')} AS deadline_exact"
        extra = (", deadline := deadline, deadline_exact := deadline_exact, "
                 "days_late := date_diff('day', deadline, signed_on)")
    severity, with_sys, from_sys = "NULL", "", ""
    if systemic is not None:
        share, least = systemic
        with_sys = (f", s AS (SELECT count(*) FILTER (WHERE {condition}) AS hits, count(*) AS n FROM x "
                    "WHERE awarded_on IS NOT NULL AND signed_on IS NOT NULL), "
                    f"k AS (SELECT hits, n, hits >= {int(least)} AND hits >= {float(share)} * n AS systemic FROM s)")
        from_sys = " CROSS JOIN k"
        severity = "CASE WHEN k.systemic THEN 'low' END"
        score = f"CASE WHEN k.systemic THEN 0.3 ELSE {score} END"
        extra += ", systemic := k.systemic, dataset_hits := k.hits, dataset_checked := k.n"
    return f"""
WITH c AS ({_contract_dates_sql(ctx)}),
x AS (
    SELECT t.tender_id, t.project_id, {_winner(ctx)} AS company_ids, t.awarded_on, {publicity} AS publicity_until,
           c.signed_on, c.contract_ids, date_diff('day', t.awarded_on, c.signed_on) AS days_after_award{cols}
    FROM tenders t JOIN c ON c.tender_id = t.tender_id {join}
    WHERE {scope(ctx)}
){with_sys}
SELECT tender_id, project_id, company_ids, {score} AS score, {severity} AS severity,
       CAST(to_json(struct_pack(awarded_on := awarded_on, signed_on := signed_on, publicity_until := publicity_until,
                                days_after_award := days_after_award, contract_ids := contract_ids{extra}))
            AS VARCHAR) AS evidence
FROM x{from_sys}
WHERE {condition}
"""


def _contract_date_cov(column: str, scope_sql: Callable[[ScanContext], str] = is_tender_sql) -> CoverageBuilder:
    """Tenders run as tenders (open / invited: a direct award or a negotiation has no 中标通知书 and no candidate
    publicity) with ``tenders.<column>``; checked where a contract date is known (tender record or linked contract)."""

    def build(ctx: ScanContext) -> Coverage:
        scope = (f"SELECT t.tender_id AS id FROM tenders t WHERE t.{column} IS NOT NULL AND {scope_sql(ctx)}"
                 if ctx.has("tenders", column) else "SELECT t.tender_id AS id FROM tenders t WHERE false")
        return Coverage("tenders", scope, f"SELECT tender_id AS id FROM ({contract_dates_sql(ctx)}) k "
                                          f"WHERE tender_id IN ({scope})")

    return build


_contract_clock_cov = _contract_date_cov("awarded_on")


@indicator(
    code="contract_before_award",
    name_zh="中标通知书发出前已签订合同",
    name_en="Contract signed before the award",
    family="works_before_award",
    legal_basis="招标投标法 第43条、第46条、第55条；实施条例 第57条",
    severity="high",
    requires={"tenders": ("awarded_on", "contract_signed_on")},
    requires_any=_CONTRACT_REQUIRES_ANY,
    coverage=_contract_clock_cov,
    message=lambda r: _before_award_text(r),
)
def contract_before_award(ctx: ScanContext) -> str:
    """合同签订日期（标段记录或关联合同中最早者）早于中标通知书日期：招标结果在招标完成前已确定。
    只判断以招标方式（公开、邀请招标）采购的标段：直接发包、谈判等方式没有中标通知书。
    若本数据集中此情形是常态（有两个日期的标段中至少半数、且不少于10个），说明数据中的“中标日期”并非中标通知书
    发出日期（如公告或登记日期），仅作低风险数据核对提示，不作先定后招的指控。"""
    systemic = (float(ctx.p("timing.systemic_share")), int(ctx.p("timing.systemic_min")))
    return _contract_clock_sql(ctx, "signed_on < awarded_on", "0.95", systemic=systemic)


def _before_award_text(r: Mapping[str, Any]) -> str:
    ev = r["evidence"]
    dates = (f"中标人{names(r)}的合同签订日期{ev['signed_on']}早于中标通知书日期{ev['awarded_on']}"
             f"（提前{-ev['days_after_award']}天）")
    if not ev.get("systemic"):
        return f"{dates}，属先定后招"
    return (f"{dates}。但本数据集有合同与中标两个日期的{ev['dataset_checked']}个标段中有{ev['dataset_hits']}个如此，"
            "数据中的“中标日期”很可能不是中标通知书发出日期（如为公告或登记日期），此处仅作数据核对提示，"
            "请向数据提供方核实日期含义")


@indicator(
    code="late_contract",
    statutory=True,
    name_zh="中标后超过30日签订合同",
    name_en="Contract signed more than 30 days after the award",
    family="works_before_award",
    legal_basis="招标投标法 第46条第1款；实施条例（2019年修订）第73条；民法典 第201条、第203条",
    severity="medium",
    requires={"tenders": ("awarded_on", "contract_signed_on")},
    requires_any=_CONTRACT_REQUIRES_ANY,
    coverage=_contract_clock_cov,
    message=lambda r: (f"中标通知书{r['evidence']['awarded_on']}发出后第{r['evidence']['days_after_award']}天"
                       f"（{r['evidence']['signed_on']}）才与中标人{names(r)}签订合同，超过法定30日"
                       f"（期限届满日{r['evidence']['deadline']}"
                       f"{'' if r['evidence']['deadline_exact'] else '，节假日安排未知，按估算'}）"),
)
def late_contract(ctx: ScanContext) -> str:
    """合同签订日期晚于中标通知书发出后30日的届满日（第46条：自中标通知书发出之日起三十日内订立书面合同；
    次日起算，届满日为法定休假日的顺延至其后第一个工作日，民法典第201条、第203条）。只判断公开、邀请招标的标段。"""
    days = int(ctx.p("timing.contract_deadline_days"))
    return _contract_clock_sql(ctx, "signed_on > deadline",
                               "least(0.9, 0.5 + 0.1 * date_diff('day', deadline, signed_on) / 30.0)", days)


@indicator(
    code="contract_before_publicity_end",
    statutory=True,
    name_zh="中标候选人公示期未满即签订合同",
    name_en="Contract signed before the candidate publicity ended",
    family="works_before_award",
    legal_basis="实施条例 第54条；招标投标法 第46条",
    severity="medium",
    requires={"tenders": ("publicity_until", "contract_signed_on")},
    requires_any=({"tenders": ("publicity_until",), "contracts": ("tender_id", "signed_on")},),
    coverage=_contract_date_cov("publicity_until", mandatory_tender_sql),
    message=lambda r: (f"中标候选人公示截止日期为{r['evidence']['publicity_until']}，合同却在"
                       f"{r['evidence']['signed_on']}与{names(r)}签订，公示期内异议权未得到保障"),
)
def contract_before_publicity_end(ctx: ScanContext) -> str:
    """合同签订日期不晚于公示截止日期（公示截止当日仍在公示期内，异议应暂停招标投标活动）。只判断公开、邀请招标的标段。"""
    return _contract_clock_sql(ctx, "signed_on <= publicity_until", "0.7", scope=mandatory_tender_sql)


def _works_text(row: Mapping[str, Any]) -> str:
    ev = row["evidence"]
    announced, awarded = ev.get("announced_on"), ev.get("awarded_on")
    what = []
    # each date against the event it precedes: works started after the announcement but before the award is "早于中标
    # 通知书发出", even where the permit came before the announcement
    for key, label in (("works_started_on", "实际开工日期"), ("permit_on", "施工许可日期")):
        day = ev.get(key)
        if not day:
            continue
        if announced and str(day) < str(announced):
            what.append(f"{label}{day}早于招标公告发布")
        elif awarded and str(day) < str(awarded):
            what.append(f"{label}{day}早于中标通知书发出")
    kinds = {"services": "服务", "goods": "货物"}
    note = (f"（该项目数据中没有施工标段，与其{kinds.get(ev.get('compared_with'), '')}标段比较）"
            if ev.get("compared_with") in kinds else "")
    return (f"项目{row.get('project_id') or ''}的{'，'.join(what)}（公告{announced or '不详'}，"
            f"中标通知书{awarded}），中标人{names(row)}，属先建设后招标{note}")


@indicator(
    code="works_before_award",
    statutory=True,
    name_zh="先建设后招标",
    name_en="Works started or permitted before the award",
    family="works_before_award",
    legal_basis="招标投标法 第3条、第49条；建筑法（2019年修正）第7条、第8条、第64条；《建筑工程施工许可管理办法》第3–4条",
    severity="high",
    requires={"projects": ("works_started_on",), "tenders": ("awarded_on", "project_id")},
    requires_any=({"projects": ("permit_on",), "tenders": ("awarded_on", "project_id")},),
    coverage=lambda ctx: Coverage(
        "tenders", "SELECT t.tender_id AS id FROM tenders t WHERE t.awarded_on IS NOT NULL AND t.project_id IS NOT NULL",
        "SELECT t.tender_id AS id FROM tenders t JOIN projects p ON p.project_id = t.project_id "
        "WHERE t.awarded_on IS NOT NULL AND ("
        + " OR ".join([f"p.{c} IS NOT NULL" for c in ("works_started_on", "permit_on") if ctx.has("projects", c)]
                      or ["false"]) + ")"),
    message=_works_text,
)
def works_before_award(ctx: ScanContext) -> str:
    """项目实际开工日期或施工许可日期早于该项目最早一个施工标段的中标通知书日期（早于招标公告的在证据中注明），
    即开工时没有任何依法确定的施工单位。最早定标的施工标段为高风险，其后定标的施工标段为中风险；
    数据中没有施工标段的项目依次与其服务标段（勘察设计监理）、货物标段比较，为中风险
    （已开工却查不到施工招标本身就是需要核实的线索）。"""
    started = ctx.column_or_null("p", "projects", "works_started_on", "DATE")
    permit = ctx.column_or_null("p", "projects", "permit_on", "DATE")
    announced = ctx.column_or_null("t", "tenders", "announced_on", "DATE")
    works = sql_list(list(ctx.p("timing.works_categories")))
    category = ctx.column_or_null("t", "tenders", "category")
    if ctx.has("tenders", "category"):
        order = list(ctx.p("timing.fallback_categories"))
        tier = (f"CASE WHEN coalesce(t.category, 'works') IN {works} THEN 1 "
                + " ".join(f"WHEN t.category = '{c}' THEN {i + 2}" for i, c in enumerate(order)) + " END")
    else:
        tier = "1"
    return f"""
WITH tt AS (
    SELECT t.tender_id, t.project_id, {_winner(ctx)} AS company_ids, t.awarded_on, {announced} AS announced_on,
           {tier} AS tier, {category} AS tier_category
    FROM tenders t WHERE t.awarded_on IS NOT NULL AND t.project_id IS NOT NULL
),
best AS (SELECT project_id, min(tier) AS tier FROM tt WHERE tier IS NOT NULL GROUP BY project_id),
w AS (
    SELECT tt.*, {started} AS works_started_on, {permit} AS permit_on,
           min(tt.awarded_on) OVER (PARTITION BY tt.project_id) AS first_award,
           row_number() OVER (PARTITION BY tt.project_id ORDER BY tt.awarded_on, tt.tender_id) AS k
    FROM tt JOIN best ON best.project_id = tt.project_id AND best.tier = tt.tier
    JOIN projects p ON p.project_id = tt.project_id
),
x AS (
    SELECT w.*,
           CASE WHEN works_started_on < first_award THEN works_started_on END AS s_before,
           CASE WHEN permit_on < first_award THEN permit_on END AS p_before
    FROM w
),
y AS (SELECT x.*, least(coalesce(s_before, p_before), coalesce(p_before, s_before)) AS earliest FROM x)
SELECT tender_id, project_id, company_ids,
       least(1.0, 0.8 + 0.005 * date_diff('day', earliest, awarded_on)) AS score,
       CASE WHEN k > 1 OR tier > 1 THEN 'medium' END AS severity,
       CAST(to_json(struct_pack(
           works_started_on := s_before, permit_on := p_before, awarded_on := awarded_on, announced_on := announced_on,
           before_announcement := coalesce(earliest < announced_on, false),
           days_before_award := date_diff('day', earliest, awarded_on),
           compared_with := CASE WHEN tier = 1 THEN 'works' ELSE tier_category END,
           works_tender_order := k)) AS VARCHAR) AS evidence
FROM y
WHERE earliest IS NOT NULL
"""
