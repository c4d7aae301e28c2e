"""Statutory periods and the contract's terms after the award (实施条例 第21条、第54条、第57条、第58条; 招标投标法 第46条).

One rule for every calendar-day period of the scan (issue 13): a period of N days after an event starts the day after
it (民法典 第201条, in force 2021-01-01) and ends on day N; if that day is a statutory rest day (法定休假日) the period
ends on the next working day (民法典 第203条). The rule lives in :func:`bidwatch.workdays.roll_forward_table`; the
indicators are SQL, so :func:`calendar_table` registers that table on the engine (once per scan, for the years the
dataset spans) and :func:`deadline_join` joins the nominal last day (``start + N``) to it. The evidence gives the
deadline as computed and whether the holiday schedule of its year was known (``deadline_exact``; otherwise Monday–
Friday less the fixed-date holidays was assumed, an estimate).

A period counted *back* from a deadline (第21条: at least 15 days before the bid deadline) has no last day that a
holiday could extend: its bound is the plain date ``deadline − 15``.

The rules here:

* ``short_publicity`` — 条例 第54条第1款: 中标候选人公示期不得少于3日.
* ``late_amendment`` — 条例 第21条 (法 第23条): a clarification or amendment that may affect the bids at least 15 days
  before the bid deadline, else the deadline must be extended.
* ``excessive_performance_bond`` — 条例 第58条: 履约保证金不得超过中标合同金额的10%.
* ``late_bond_refund`` — 条例 第57条第2款: 招标人最迟应当在书面合同签订后5日内向中标人和未中标的投标人退还投标保证金.
* ``contract_departs_from_award`` — 法 第46条第1款 / 条例 第57条第1款: the contract's price agrees with the winning bid;
  no other agreement departing from the contract's substance.

Absent data is *not checked*: a tender without the dates (or a contract without the bond) is out of the checked count
of the indicator's coverage, never an alert.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd

from bidwatch.indicators.base import (Coverage, CoverageBuilder, ScanContext, indicator, names, sql_list,
                                      tender_coverage)
from bidwatch.indicators.evasion import outside_mandatory_scope_sql, wan
from bidwatch.workdays import WorkCalendar, roll_forward_table

#: the engine table of (day, due, exact): ``due`` = ``day`` rolled forward to a working day (民法典 第203条)
CALENDAR = "_bw_calendar"

#: date columns whose span sets the calendar's years (a period starts on one of these)
_DATE_COLUMNS: dict[str, tuple[str, ...]] = {
    "tenders": ("announced_on", "docs_from", "docs_until", "candidates_published_on", "publicity_until",
                "awarded_on", "contract_signed_on", "bid_deadline", "last_amendment_on"),
    "contracts": ("signed_on",),
    "bids": ("bond_refunded_on",),
}
#: calendar years outside this range are data errors; their periods are left unrolled (nominal last day)
_YEARS = (1990, 2100)


def calendar_table(ctx: ScanContext) -> str:
    """Register :data:`CALENDAR` on the engine for the dataset's years (once per scan) and return its name.

    The years run from the earliest to the year after the latest date of the dataset (a 30-day period from December
    ends in January); the working-day calendar is the settings' ``[workdays]`` (the State Council's schedule plus a
    deployment's own years). Ten years are 3,653 small rows: a broadcast join on Spark, a hash join on DuckDB.
    """
    if CALENDAR in ctx.cache:
        return CALENDAR
    parts = [f"SELECT CAST(min({c}) AS DATE) AS lo, CAST(max({c}) AS DATE) AS hi FROM {t}"
             for t, cols in _DATE_COLUMNS.items() for c in cols if ctx.has(t, c)]
    lo_year = hi_year = date.today().year
    if parts:
        span = ctx.engine.query(f"SELECT min(lo) AS lo, max(hi) AS hi FROM ({' UNION ALL '.join(parts)}) s")
        lo, hi = span.iloc[0]["lo"], span.iloc[0]["hi"]
        if lo is not None and not pd.isna(lo):
            lo_year, hi_year = pd.Timestamp(lo).year, pd.Timestamp(hi).year
    lo_year, hi_year = max(_YEARS[0], min(lo_year, _YEARS[1])), max(_YEARS[0], min(hi_year + 1, _YEARS[1]))
    cal = WorkCalendar.from_settings(ctx.settings.get("workdays"))
    rows = roll_forward_table(date(lo_year, 1, 1), date(hi_year, 12, 31), cal)
    ctx.engine.register(CALENDAR, pd.DataFrame(rows, columns=["day", "due", "exact"]))
    ctx.cache[CALENDAR] = True
    return CALENDAR


def nominal_sql(start: str, days: int) -> str:
    """The nominal last day of ``days`` calendar days after the date expression ``start`` (民法典 第201条)."""
    return f"CAST({start} + INTERVAL {int(days)} DAY AS DATE)"


def deadline_join(ctx: ScanContext, alias: str, start: str, days: int) -> str:
    """``LEFT JOIN`` of the calendar row of the nominal last day as ``alias``; use :func:`deadline_sql` for the day."""
    return f"LEFT JOIN {calendar_table(ctx)} {alias} ON {alias}.day = {nominal_sql(start, days)}"


def deadline_sql(alias: str, start: str, days: int) -> str:
    """The last day of the period (民法典 第203条: rolled forward to a working day), from :func:`deadline_join`."""
    return f"coalesce({alias}.due, {nominal_sql(start, days)})"


def exact_sql(alias: str) -> str:
    """Whether the holiday schedule of the deadline's year was known (else the deadline is an estimate)."""
    return f"coalesce({alias}.exact, false)"


def rolled_only_sql(start: str, end: str, days: int) -> str:
    """Whether the period from ``start`` to ``end`` lasts its ``days`` calendar days and falls short only of the day
    民法典 第203条 rolls the last day to (a last day in a holiday): the law's minimum is met by the count, the roll is
    a reading regulators apply unevenly — a ``low`` finding that says so, not a ``medium`` "fewer than N days"."""
    return f"date_diff('day', {start}, {end}) >= {int(days)}"


def rolled_text(ev: dict[str, Any], minimum: int, start: str, end: str) -> str:
    """The message of a period that lasts its days but ends before the rolled last day (:func:`rolled_only_sql`)."""
    estimate = "" if ev.get("deadline_exact") else "（节假日安排未知，按估算）"
    return (f"{start}至{end}已满{ev['days']}日（不少于{minimum}日），但{minimum}日期间的最后一日{ev['nominal_last_day']}"
            f"为法定休假日，依民法典第203条顺延至{ev['earliest_lawful']}{estimate}，截止早于顺延后的届满日；"
            "按日历天数已满法定期间，是否顺延以当地监管口径为准，供核查")


def winner_sql(ctx: ScanContext) -> str:
    return ("CASE WHEN t.winner_id IS NULL THEN CAST([] AS VARCHAR[]) ELSE [t.winner_id] END"
            if ctx.has("tenders", "winner_id") else "CAST([] AS VARCHAR[])")


def is_tender_sql(ctx: ScanContext) -> str:
    """Tenders run as tenders (procedure open / invited or unknown): the tendering rules apply to them."""
    if not ctx.has("tenders", "procedure"):
        return "true"
    return f"coalesce(t.procedure, 'open') IN {sql_list(list(ctx.p('exclusion.tender_procedures')))}"


def mandatory_tender_sql(ctx: ScanContext) -> str:
    """Tenders run as tenders that the data does not show outside the mandatory scope (依法必须进行招标的项目,
    :func:`bidwatch.indicators.evasion.outside_mandatory_scope_sql`): the rules the law sets only for those projects
    (法 第24条's 20 days, 条例 第54条's publicity) judge these."""
    return f"({is_tender_sql(ctx)}) AND NOT ({outside_mandatory_scope_sql(ctx)})"


def tender_cov(*, ordered: bool = False, scope: Callable[[ScanContext], str] = is_tender_sql,
               **need: tuple[str, ...]) -> CoverageBuilder:
    """Coverage over tenders run as tenders: checked where every column of ``need`` (table → columns of ``t``)
    is present in the dataset and filled on the tender, and, with ``ordered``, where the period's end (the second
    tenders column) is not before its start (the first): an end before its start is a data error, not judged."""

    def checked(ctx: ScanContext) -> str:
        cols = need.get("tenders", ())
        if not all(ctx.has("tenders", c) for c in cols):
            return "false"
        conds = [f"t.{c} IS NOT NULL" for c in cols]
        if ordered:
            conds.append(f"CAST(t.{cols[1]} AS DATE) >= CAST(t.{cols[0]} AS DATE)")
        return " AND ".join(conds) or "true"

    return tender_coverage(checked, scope)


# ---- 条例 第54条: the candidates' publicity ----------------------------------------------------------------------------

def _publicity_text(r: dict[str, Any]) -> str:
    ev = r["evidence"]
    if ev.get("rolled_only"):
        text = rolled_text({**ev, "earliest_lawful": ev["deadline"]}, ev["minimum_days"], ev["published_on"],
                           ev["publicity_until"])
        return f"中标候选人公示：{text}（中标人{names(r) or '未载明'}）"
    return (f"中标候选人{ev['published_on']}公示，公示截止{ev['publicity_until']}，早于3日公示期届满日{ev['deadline']}"
            f"{'' if ev['deadline_exact'] else '（节假日安排未知，按估算）'}，"
            f"投标人的异议期被压缩（中标人{names(r) or '未载明'}）")


@indicator(
    code="short_publicity",
    statutory=True,
    name_zh="中标候选人公示期不足3日",
    name_en="Candidate publicity shorter than 3 days",
    family="exclusion",
    legal_basis="招标投标法实施条例（2019年修订）第54条第1款；民法典 第201条、第203条",
    severity="medium",
    requires={"tenders": ("candidates_published_on", "publicity_until")},
    coverage=tender_cov(tenders=("candidates_published_on", "publicity_until"), ordered=True,
                        scope=mandatory_tender_sql),
    message=lambda r: _publicity_text(r),
)
def short_publicity(ctx: ScanContext) -> str:
    """公示截止日期早于公示期届满日：公示次日起算满3日，届满日为法定休假日的顺延至其后第一个工作日（民法典第201、203条）。
    条例第54条：依法必须进行招标的项目，招标人应当自收到评标报告之日起3日内公示中标候选人，公示期不得少于3日。"""
    days = int(ctx.p("exclusion.min_publicity_days"))
    start = "t.candidates_published_on"
    rolled = rolled_only_sql(start, "t.publicity_until", days)
    return f"""
SELECT t.tender_id, t.project_id, {winner_sql(ctx)} AS company_ids,
       CASE WHEN {rolled} THEN 0.3
            ELSE least(0.8, 0.5 + 0.1 * date_diff('day', t.publicity_until, {deadline_sql('d', start, days)})) END
           AS score,
       CASE WHEN {rolled} THEN 'low' END AS severity,
       CAST(to_json(struct_pack(published_on := t.candidates_published_on, publicity_until := t.publicity_until,
                                minimum_days := {days}, deadline := {deadline_sql('d', start, days)},
                                deadline_exact := {exact_sql('d')}, nominal_last_day := {nominal_sql(start, days)},
                                rolled_only := {rolled},
                                days := date_diff('day', t.candidates_published_on, t.publicity_until)))
            AS VARCHAR) AS evidence
FROM tenders t {deadline_join(ctx, 'd', start, days)}
WHERE {mandatory_tender_sql(ctx)} AND t.candidates_published_on IS NOT NULL
  -- an end before the start is a data error, not a short publicity
  AND t.publicity_until >= t.candidates_published_on AND t.publicity_until < {deadline_sql('d', start, days)}
"""


# ---- 条例 第21条: late clarifications or amendments -------------------------------------------------------------------

@indicator(
    code="late_amendment",
    statutory=True,
    name_zh="投标截止前不足15日澄清修改招标文件未顺延",
    name_en="Tender documents amended less than 15 days before the bid deadline",
    family="exclusion",
    legal_basis="招标投标法 第23条；招标投标法实施条例（2019年修订）第21条",
    severity="medium",
    requires={"tenders": ("last_amendment_on", "bid_deadline")},
    coverage=tender_cov(tenders=("last_amendment_on", "bid_deadline")),
    message=lambda r: (f"招标文件于{r['evidence']['amended_on']}澄清或修改，距投标截止{r['evidence']['deadline']}"
                       f"仅{r['evidence']['days_before']}日，少于15日且未顺延投标截止时间"
                       f"（最迟应于{r['evidence']['latest_lawful']}前澄清修改；是否影响投标文件编制须核实）"),
)
def late_amendment(ctx: ScanContext) -> str:
    """最后一次澄清或修改（tenders.last_amendment_on）距投标截止时间不足15日，且截止时间未顺延（数据中的截止时间即最终截止）。
    第21条只约束可能影响投标文件编制的澄清修改，数据不能区分，故为中风险线索。期间自截止日倒算，无届满日顺延问题。"""
    days = int(ctx.p("exclusion.min_amendment_days"))
    return f"""
WITH x AS (
    SELECT t.tender_id, t.project_id, {winner_sql(ctx)} AS company_ids, t.last_amendment_on AS amended_on,
           CAST(t.bid_deadline AS DATE) AS deadline
    FROM tenders t
    WHERE {is_tender_sql(ctx)} AND t.last_amendment_on IS NOT NULL AND t.bid_deadline IS NOT NULL
)
SELECT tender_id, project_id, company_ids,
       least(0.8, 0.5 + 0.02 * ({days} - date_diff('day', amended_on, deadline))) AS score, NULL AS severity,
       CAST(to_json(struct_pack(amended_on := amended_on, deadline := deadline, minimum_days := {days},
                                days_before := date_diff('day', amended_on, deadline),
                                latest_lawful := CAST(deadline - INTERVAL {days} DAY AS DATE))) AS VARCHAR) AS evidence
FROM x
WHERE amended_on <= deadline AND date_diff('day', amended_on, deadline) < {days}
"""


# ---- 条例 第58条: the performance bond ---------------------------------------------------------------------------------

def _tendered_contracts_where(ctx: ScanContext) -> str:
    """Contracts that come out of a tender (第58条 concerns 中标合同): linked to a tender, or procured by one."""
    procedure = (f" OR c.procedure IN {sql_list(list(ctx.p('evasion.tender_procedures')))}"
                 if ctx.has("contracts", "procedure") else "")
    tender = "c.tender_id IS NOT NULL" if ctx.has("contracts", "tender_id") else "false"
    return f"({tender}{procedure})"


def _performance_bond_cov(ctx: ScanContext) -> Coverage:
    scope = f"SELECT c.contract_id AS id FROM contracts c WHERE {_tendered_contracts_where(ctx)}"
    bond = "c.performance_bond IS NOT NULL" if ctx.has("contracts", "performance_bond") else "false"
    return Coverage("contracts", scope, f"{scope} AND {bond} AND c.amount > 0")


@indicator(
    code="excessive_performance_bond",
    statutory=True,
    name_zh="履约保证金超过中标合同金额10%",
    name_en="Performance bond above 10% of the contract price",
    family="exclusion",
    legal_basis="招标投标法实施条例（2019年修订）第58条、第66条",
    severity="medium",
    requires={"contracts": ("performance_bond", "amount")},
    coverage=_performance_bond_cov,
    message=lambda r: (f"合同{r['evidence']['contract_id']}要求{names(r)}提交履约保证金"
                       f"{wan(r['evidence']['performance_bond'])}，为合同金额{wan(r['evidence']['amount'])}的"
                       f"{r['evidence']['share']:.1%}，超过法定上限10%"),
)
def excessive_performance_bond(ctx: ScanContext) -> str:
    """中标合同的履约保证金（contracts.performance_bond）超过合同金额的10%（第58条：不得超过中标合同金额的10%）。"""
    share = float(ctx.p("exclusion.max_performance_bond_share"))
    tender = ctx.column_or_null("c", "contracts", "tender_id")
    return f"""
SELECT {tender} AS tender_id, c.project_id, [c.supplier_id] AS company_ids,
       least(0.9, 0.6 + (c.performance_bond / c.amount - {share})) AS score, NULL AS severity,
       CAST(to_json(struct_pack(contract_id := c.contract_id, performance_bond := c.performance_bond,
                                amount := c.amount, share := c.performance_bond / c.amount, maximum_share := {share}))
            AS VARCHAR) AS evidence
FROM contracts c
WHERE {_tendered_contracts_where(ctx)} AND c.amount > 0 AND c.performance_bond IS NOT NULL
  AND c.performance_bond > round({share} * c.amount, 2)
"""


# ---- 条例 第57条第2款: the bid bonds' refund ----------------------------------------------------------------------------

def contract_dates_sql(ctx: ScanContext) -> str:
    """One contract date per tender: tenders.contract_signed_on, else the earliest linked contract."""
    parts = []
    if ctx.has("tenders", "contract_signed_on"):
        parts.append("SELECT tender_id, contract_signed_on AS signed_on FROM tenders WHERE contract_signed_on IS NOT NULL")
    if ctx.has("contracts", "tender_id"):
        parts.append("SELECT tender_id, signed_on FROM contracts WHERE tender_id IS NOT NULL AND signed_on IS NOT NULL")
    if not parts:
        return "SELECT CAST(NULL AS VARCHAR) AS tender_id, CAST(NULL AS DATE) AS signed_on WHERE false"
    return f"SELECT tender_id, min(signed_on) AS signed_on FROM ({' UNION ALL '.join(parts)}) x GROUP BY tender_id"


def _refund_cov(ctx: ScanContext) -> Coverage:
    scope = f"SELECT k.tender_id AS id FROM ({contract_dates_sql(ctx)}) k"
    refunded = ("SELECT b.tender_id AS id FROM bids b WHERE b.bond_refunded_on IS NOT NULL"
                if ctx.has("bids", "bond_refunded_on") else "SELECT CAST(NULL AS VARCHAR) AS id WHERE false")
    return Coverage("tenders", scope, f"SELECT id FROM ({scope}) s WHERE id IN ({refunded})")


@indicator(
    code="late_bond_refund",
    statutory=True,
    name_zh="合同签订后5日内未退还投标保证金",
    name_en="Bid bonds not refunded within 5 days of the contract",
    family="exclusion",
    legal_basis="招标投标法实施条例（2019年修订）第57条第2款、第66条；民法典 第201条、第203条",
    severity="low",
    requires={"bids": ("bond_refunded_on",), "tenders": ("contract_signed_on",)},
    requires_any=({"bids": ("bond_refunded_on",), "contracts": ("tender_id", "signed_on")},),
    coverage=_refund_cov,
    message=lambda r: (f"合同于{r['evidence']['signed_on']}签订，投标保证金最迟应于{r['evidence']['deadline']}"
                       f"{'' if r['evidence']['deadline_exact'] else '（节假日安排未知，按估算）'}前退还，"
                       f"{r['evidence']['n_late']}份投标的保证金逾期退还（最晚{r['evidence']['latest_refund']}），"
                       f"涉及{names(r)}"),
)
def late_bond_refund(ctx: ScanContext) -> str:
    """投标保证金退还日期（bids.bond_refunded_on）晚于合同签订后第5日（届满日为法定休假日的顺延至其后第一个工作日）。
    撤回的投标按第35条自收到撤回通知之日起5日内退还，不在本规则；未载明退还日期的投标不作判断。
    逾期退还多为管理问题，亦可能借保证金占压排挤投标人，为低风险线索。"""
    days = int(ctx.p("exclusion.bond_refund_days"))
    return f"""
WITH k AS ({contract_dates_sql(ctx)}),
d AS (
    SELECT k.tender_id, k.signed_on, {deadline_sql('cal', 'k.signed_on', days)} AS deadline, {exact_sql('cal')} AS exact
    FROM k {deadline_join(ctx, 'cal', 'k.signed_on', days)}
)
SELECT d.tender_id, NULL AS project_id, list_sort(list(DISTINCT b.company_id)) AS company_ids,
       least(0.8, 0.4 + 0.01 * max(date_diff('day', d.deadline, b.bond_refunded_on))) AS score, NULL AS severity,
       CAST(to_json(struct_pack(signed_on := any_value(d.signed_on), deadline := any_value(d.deadline),
                                deadline_exact := bool_and(d.exact), n_late := count(*),
                                latest_refund := max(b.bond_refunded_on),
                                bids := list_sort(list(struct_pack(bid_id := b.bid_id, company_id := b.company_id,
                                                                   refunded_on := b.bond_refunded_on)))))
            AS VARCHAR) AS evidence
FROM d JOIN bids b ON b.tender_id = d.tender_id
WHERE coalesce(b.status, 'valid') <> 'withdrawn' AND b.bond_refunded_on > d.deadline
GROUP BY d.tender_id
"""


# ---- 法 第46条 / 条例 第57条第1款: the contract agrees with the award -----------------------------------------------------

def _award_cov(ctx: ScanContext) -> Coverage:
    scope = ("SELECT DISTINCT c.tender_id AS id FROM contracts c JOIN tenders t ON t.tender_id = c.tender_id "
             "WHERE t.winner_id IS NOT NULL")
    award = "t.award_price IS NOT NULL OR " if ctx.has("tenders", "award_price") else ""
    checked = (f"{scope} AND ({award}EXISTS (SELECT 1 FROM bids b WHERE b.tender_id = t.tender_id "
               "AND b.company_id = t.winner_id AND b.price IS NOT NULL))")
    return Coverage("tenders", scope, checked)


@indicator(
    code="contract_departs_from_award",
    # 法 第46条's rule, judged in 万元: not on another country's contracts (Colombia's amended COP contracts)
    statutory=True,
    name_zh="合同价款背离中标价",
    name_en="Contract price departing from the award",
    family="works_before_award",
    legal_basis="招标投标法 第46条第1款、第59条；招标投标法实施条例（2019年修订）第57条第1款、第75条",
    severity="medium",
    requires={"contracts": ("tender_id", "amount"), "tenders": ("winner_id", "award_price")},
    requires_any=({"contracts": ("tender_id", "amount"), "tenders": ("winner_id",), "bids": ("price",)},),
    coverage=_award_cov,
    message=lambda r: (f"标段中标价{wan(r['evidence']['award_price'])}，与中标人{names(r)}签订的合同"
                       f"（{'、'.join(r['evidence']['contract_ids'])}）金额合计{wan(r['evidence']['contract_amount'])}，"
                       f"{'高出' if r['evidence']['deviation'] > 0 else '低于'}中标价{abs(r['evidence']['deviation']):.1%}，"
                       f"超过容差{r['evidence']['tolerance']:.1%}：合同价款应与中标人的投标文件一致，"
                       f"不得另行订立背离合同实质性内容的协议"),
)
def contract_departs_from_award(ctx: ScanContext) -> str:
    """同一标段与中标人签订的合同（含补充协议）金额合计与中标价（tenders.award_price，无则中标人的投标报价）相差超过
    容差（settings.toml [timing] contract_price_tolerance，默认1%，容许计价取整与分期合同的尾差）。
    合同价款是法第46条、条例第57条所称主要条款；变更应有设计变更、签证等依据，须核实。"""
    tol = float(ctx.p("timing.contract_price_tolerance"))
    award = ctx.column_or_null("t", "tenders", "award_price", "DOUBLE")
    win = ctx.column_or_null("w", "bids", "price", "DOUBLE")
    win_join = ("LEFT JOIN (SELECT b.tender_id, b.company_id, min(b.price) AS price FROM bids b "
                "WHERE coalesce(b.status, 'valid') <> 'withdrawn' GROUP BY b.tender_id, b.company_id) w "
                "ON w.tender_id = t.tender_id AND w.company_id = t.winner_id") if ctx.has("bids", "price") else ""
    # amounts are not converted between currencies (OCDS input carries them): contracts in another money than the
    # tender's are not compared, and a tender whose contracts mix monies is not judged
    money = ctx.has("tenders", "currency") and ctx.has("contracts", "currency")
    currency = (", CASE WHEN count(DISTINCT c.currency) <= 1 THEN max(c.currency) ELSE '*mixed*' END AS currency"
                if money else "")
    same_money = " AND (c.currency IS NULL OR t.currency IS NULL OR c.currency = t.currency)" if money else ""
    return f"""
WITH c AS (
    SELECT c.tender_id, c.supplier_id, round(sum(c.amount), 2) AS amount,
           list_sort(list(c.contract_id)) AS contract_ids{currency}
    FROM contracts c WHERE c.tender_id IS NOT NULL AND c.amount IS NOT NULL
    GROUP BY c.tender_id, c.supplier_id
),
x AS (
    SELECT t.tender_id, t.project_id, t.winner_id, coalesce({award}, {win}) AS award_price,
           CASE WHEN {award} IS NOT NULL THEN 'award_price' ELSE 'winner_bid' END AS award_from,
           c.amount, c.contract_ids
    FROM tenders t JOIN c ON c.tender_id = t.tender_id AND c.supplier_id = t.winner_id {win_join}
    WHERE t.winner_id IS NOT NULL{same_money}
)
SELECT tender_id, project_id, [winner_id] AS company_ids,
       least(0.9, 0.5 + abs(amount / award_price - 1)) AS score, NULL AS severity,
       CAST(to_json(struct_pack(award_price := award_price, award_from := award_from, contract_amount := amount,
                                contract_ids := contract_ids, deviation := amount / award_price - 1,
                                tolerance := {tol})) AS VARCHAR) AS evidence
FROM x
WHERE award_price > 0 AND abs(amount - award_price) > {tol} * award_price
"""
