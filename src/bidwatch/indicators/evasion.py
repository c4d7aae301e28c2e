"""规避招标 / 化整为零: contracts that should have been tendered (招标投标法 第3条、第4条、第49条).

Contract-level findings (no tender exists) carry ``tender_id`` NULL, the ``project_id`` and the suppliers.

Mandatory scope (法 第3条, detailed by the NDRC), each project's first applicable ground is its ``mandatory_basis``:

* ``state_funded`` — 《必须招标的工程项目规定》(国家发展改革委令2018年第16号, in force 2018-06-01) 第2条第(二)项:
  funds of state-owned enterprises or institutions in a controlling or dominant position (``projects.state_funded``);
* ``budget_funds`` — 16号令 第2条第(一)项: budget funds (预算资金) of at least 200万元 *and* at least 10% of the
  investment (``projects.budget_funds`` over ``projects.total_investment``, else the project's estimate);
* ``infrastructure`` — 《必须招标的基础设施和公用事业项目范围规定》(发改法规规〔2018〕843号, in force 2018-06-06)
  第2条: energy, transport, telecom, water and urban-rail (城建) infrastructure must be tendered *whatever its
  funding* (``projects.infrastructure``);
* ``sector`` — where ``infrastructure`` is not given, a project of the 水利 or 交通 sector is presumed in 843号's
  scope (第2条第(四)、(二)项); an inference, so its alerts are ``medium``.

The size test is 16号令 第5条 per category. A project with no ground and ``state_funded`` unknown is still checked
(``medium``); one with ``state_funded`` false and no other ground is left alone (a private project outside 843号 need
not be tendered).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bidwatch.contract.schema import SECTOR as SECTOR_ZH
from bidwatch.indicators.base import Coverage, ScanContext, indicator, names, sql_list
from bidwatch.indicators.network import relation_links_sql

CATEGORY_ZH = {"works": "施工", "goods": "货物", "services": "服务"}
PROCEDURE_ZH = {
    "open": "公开招标", "invited": "邀请招标", "negotiated": "竞争性谈判/磋商", "single_source": "单一来源",
    "direct": "直接发包", "inquiry": "询价",
}


def wan(amount: Any) -> str:
    """Yuan as 万元 text: 4,000,000 → 400.00万元."""
    try:
        return f"{float(amount) / 1e4:,.2f}万元"
    except (TypeError, ValueError):
        return "未知金额"


def _category_case(category: str, th: Mapping[str, Any], unknown: float) -> str:
    return (f"CASE {category} WHEN 'works' THEN {float(th['works'])} WHEN 'goods' THEN {float(th['goods'])} "
            f"WHEN 'services' THEN {float(th['services'])} ELSE {unknown} END")


def threshold_sql(ctx: ScanContext, category: str, on: str | None = None) -> str:
    """The threshold of a category expression (unknown → the configured amount): 16号令 第5条's; with ``on`` (the
    contract's date expression), before 16号令 was in force (2018-06-01) the rule then in force, 《工程建设项目招标范围和
    规模标准规定》(国家计委令2000年第3号) 第7条: 施工200万、货物100万、服务50万 — a contract is judged by the law of its
    day. (That rule's 第7条第(四)项, any contract of a project of 3,000万元 or more, is not applied: the contracts'
    projects rarely give their investment, and the rule's alerts would fall on the smallest purchases.)"""
    new = _category_case(category, ctx.p("evasion.thresholds"), float(ctx.p("evasion.unknown_category_threshold")))
    if on is None:
        return new
    old_th = ctx.p("evasion.thresholds_2000")
    old = _category_case(category, old_th, float(old_th["works"]))
    return f"CASE WHEN {on} < DATE '{ctx.p('evasion.thresholds_2000_until')}' THEN {old} ELSE {new} END"


def rule_sql(ctx: ScanContext, on: str) -> str:
    """Which rule's thresholds judged a contract of date ``on``: '2000' (国家计委令第3号) or '2018' (16号令)."""
    return f"CASE WHEN {on} < DATE '{ctx.p('evasion.thresholds_2000_until')}' THEN '2000' ELSE '2018' END"


#: the rule whose thresholds an alert used, as its message names it
RULE_ZH = {"2000": "《工程建设项目招标范围和规模标准规定》（国家计委令第3号）第7条，2018年6月1日前适用",
           "2018": "《必须招标的工程项目规定》（国家发展改革委令第16号）第5条"}


#: the grounds of the mandatory scope that the data states (not inferred): their alerts may be ``high``
STATED_BASES = ("state_funded", "budget_funds", "infrastructure")
BASIS_ZH = {
    "state_funded": "国有资金占控股或主导地位的项目（16号令第2条第(二)项）",
    "budget_funds": "使用预算资金200万元以上且占投资额10%以上的项目（16号令第2条第(一)项）",
    "infrastructure": "基础设施、公用事业项目（发改法规规〔2018〕843号第2条）",
    "sector": "按行业推定属于843号范围的基础设施项目",
}


def _project_cols(ctx: ScanContext) -> tuple[str, str, str, str]:
    """(join clause, state_funded expression, mandatory_basis expression, SELECT list of the scope columns) for contracts ``c`` and their project
    ``p``: ``mandatory_basis`` (see the module docstring), the budget funds, the investment, the infrastructure type
    and the sector."""
    if not ctx.has("projects"):
        none = ("CAST(NULL AS VARCHAR) AS mandatory_basis, CAST(NULL AS DOUBLE) AS budget_funds, "
                "CAST(NULL AS DOUBLE) AS investment, CAST(NULL AS VARCHAR) AS infrastructure, "
                "CAST(NULL AS VARCHAR) AS sector")
        return "", "CAST(NULL AS BOOLEAN)", "CAST(NULL AS VARCHAR)", none

    def col(name: str, sql_type: str) -> str:
        return ctx.column_or_null("p", "projects", name, sql_type)

    funded = col("state_funded", "BOOLEAN")
    budget = col("budget_funds", "DOUBLE")
    investment = f"coalesce({col('total_investment', 'DOUBLE')}, {col('estimated_amount', 'DOUBLE')})"
    infra = col("infrastructure", "VARCHAR")
    sector = col("sector", "VARCHAR")
    min_budget = float(ctx.p("evasion.budget_funds_min"))
    min_share = float(ctx.p("evasion.budget_funds_min_share"))
    infra_types = sql_list(list(ctx.p("evasion.infrastructure_types")))
    sectors = sql_list(list(ctx.p("evasion.infrastructure_sectors")))
    basis = f"""CASE WHEN {funded} THEN 'state_funded'
                WHEN {budget} >= {min_budget} AND {investment} > 0 AND {budget} >= {min_share} * {investment}
                     THEN 'budget_funds'
                WHEN {infra} IN {infra_types} THEN 'infrastructure'
                WHEN {infra} IS NULL AND {sector} IN {sectors} THEN 'sector' END"""
    cols = (f"{basis} AS mandatory_basis, {budget} AS budget_funds, {investment} AS investment, "
            f"{infra} AS infrastructure, {sector} AS sector")
    return "LEFT JOIN projects p ON p.project_id = c.project_id", funded, basis, cols


def outside_mandatory_scope_sql(ctx: ScanContext) -> str:
    """SQL condition on tenders ``t``: the data shows that the tender is *not* 依法必须进行招标, so the periods that
    the law sets only for such projects (法 第24条's 20 days, 条例 第54条's 3-day publicity) do not bind it:

    * its project is not state funded (``state_funded`` false) and has no other ground of the mandatory scope
      (budget funds, an 843号 infrastructure type or sector) — a private project outside 843号;
    * or its project's whole investment (``total_investment``, else ``estimated_amount``) is below the 16号令 第5条
      threshold of the tender's category (below the smallest threshold where the category is unknown): no contract
      of the project, alone or added up (第5条第2款), can reach it.

    Unknown stays in scope (the campaign's tenders are those of the trading centres, nearly all mandatory)."""
    if not ctx.has("projects") or not ctx.has("tenders", "project_id"):
        return "false"
    _join, funded, basis, _cols = _project_cols(ctx)
    private = f"SELECT p.project_id FROM projects p WHERE ({funded}) = false AND ({basis}) IS NULL"
    conds = [f"coalesce(t.project_id IN ({private}), false)"]
    total = ctx.column_or_null("p", "projects", "total_investment", "DOUBLE")
    estimate = ctx.column_or_null("p", "projects", "estimated_amount", "DOUBLE")
    th = ctx.p("evasion.thresholds")
    smallest = min(float(v) for v in th.values())

    def below(amount: float) -> str:
        return f"SELECT p.project_id FROM projects p WHERE coalesce({total}, {estimate}) < {amount}"

    category = ctx.column_or_null("t", "tenders", "category")
    by_category = " OR ".join(f"({category} = '{c}' AND t.project_id IN ({below(float(v))}))" for c, v in th.items())
    known = sql_list(list(th))
    conds.append(f"coalesce({by_category} OR (coalesce({category} NOT IN {known}, true) "
                 f"AND t.project_id IN ({below(smallest)})), false)")
    return " OR ".join(f"({c})" for c in conds)


def _untendered_sql(ctx: ScanContext) -> str:
    """Contracts with no tender behind them (CTE body ``u``), with their threshold and funding."""
    join, funded, basis, scope_cols = _project_cols(ctx)
    tendered = sql_list(list(ctx.p("evasion.tender_procedures")))
    tol = float(ctx.p("evasion.linked_award_tolerance"))
    category = ctx.column_or_null("c", "contracts", "category")
    procedure = ctx.column_or_null("c", "contracts", "procedure")
    subject = ctx.column_or_null("c", "contracts", "subject")
    linked_join, linked_where = "", ""
    if ctx.has("tenders", "winner_id"):
        # the award amount of a tender: its award price, else the winner's bid
        award = "coalesce(t.award_price, w.price)" if ctx.has("tenders", "award_price") else "w.price"
        linked_join = f"""
    LEFT JOIN (
        SELECT DISTINCT c2.contract_id
        FROM contracts c2
        JOIN tenders t ON t.project_id = c2.project_id AND t.winner_id = c2.supplier_id
        LEFT JOIN (
            SELECT b.tender_id, min(b.price) AS price FROM bids b
            JOIN tenders t3 ON t3.tender_id = b.tender_id AND t3.winner_id = b.company_id
            GROUP BY b.tender_id
        ) w ON w.tender_id = t.tender_id
        WHERE c2.tender_id IS NULL AND abs({award} - c2.amount) <= {tol} * c2.amount
    ) lk ON lk.contract_id = c.contract_id"""
        linked_where = "\n      AND lk.contract_id IS NULL"
    return f"""
    SELECT c.contract_id, c.project_id, c.buyer_id, c.supplier_id, {category} AS category,
           {procedure} AS procedure, c.amount, c.signed_on, {subject} AS subject,
           {funded} AS state_funded, {scope_cols}, {threshold_sql(ctx, category, 'c.signed_on')} AS threshold,
           {rule_sql(ctx, 'c.signed_on')} AS rule
    FROM contracts c {join}{linked_join}
    WHERE c.tender_id IS NULL AND c.amount IS NOT NULL
      AND coalesce({procedure}, 'direct') NOT IN {tendered}
      AND ({funded} IS NOT FALSE OR ({basis}) IS NOT NULL){linked_where}"""


def _untendered_cov(ctx: ScanContext) -> Coverage:
    """Contracts without a tender; checked = those in the mandatory scope or of unknown funding, with an amount
    (a private project outside the scope is not in question; it is not "unchecked" either, but out of the rule)."""
    return Coverage("contracts", "SELECT c.contract_id AS id FROM contracts c WHERE c.tender_id IS NULL",
                    f"SELECT contract_id AS id FROM ({_untendered_sql(ctx)}) u")


def _untendered_text(row: Mapping[str, Any]) -> str:
    ev = row["evidence"]
    cat = CATEGORY_ZH.get(ev.get("category") or "", "类别不明的")
    proc = PROCEDURE_ZH.get(ev.get("procedure") or "", "未经招标")
    funded = BASIS_ZH.get(ev.get("mandatory_basis") or "", "项目资金性质不明")
    if ev.get("mandatory_basis") == "sector":
        funded += f"（行业：{SECTOR_ZH.get(ev.get('sector') or '', ev.get('sector'))}）"
    return (f"合同{ev['contract_id']}（{funded}{('“' + ev['subject'] + '”') if ev.get('subject') else ''}）"
            f"以{proc}方式直接与{names(row)}签订，{cat}合同金额{wan(ev['amount'])}，达到必须招标标准"
            f"{wan(ev['threshold'])}（{RULE_ZH.get(ev.get('rule') or '2018')}），无招标记录")


@indicator(
    code="untendered_contract",
    statutory=True,
    name_zh="依法必须招标的合同未招标",
    name_en="Contract at or above the mandatory-tender threshold awarded without a tender",
    family="evasion",
    legal_basis="招标投标法 第3条、第4条、第49条；必须招标的工程项目规定（国家发展改革委令2018年第16号）第2条、第5条；"
                "必须招标的基础设施和公用事业项目范围规定（发改法规规〔2018〕843号）第2条",
    severity="high",
    requires={"contracts": ("amount",)},
    coverage=_untendered_cov,
    message=_untendered_text,
)
def untendered_contract(ctx: ScanContext) -> str:
    """合同没有对应的招标（无标段编号，采购方式不是公开或邀请招标），单项合同金额达到16号令第5条标准
    （施工400万元、货物200万元、服务100万元），且项目属于必须招标范围：国有资金占控股或主导地位（16号令第2条第(二)项），
    使用预算资金200万元以上且占投资额10%以上（第2条第(一)项），或属843号第2条的能源、交通、通信、水利、城建基础设施
    （不论资金来源）。范围依据明确且类别明确为高风险；按行业推定属于843号范围、资金性质或类别不明为中风险；
    民营资金且不属上述范围的不作判断。同一项目由该承包人中标、中标价与合同金额相差不超过10%的视为已招标（合同缺少标段关联）。"""
    return f"""
WITH u AS ({_untendered_sql(ctx)})
SELECT NULL AS tender_id, project_id, [supplier_id] AS company_ids,
       least(1.0, 0.8 + 0.1 * amount / threshold / 5) AS score,
       CASE WHEN mandatory_basis IN {sql_list(list(STATED_BASES))} AND category IS NOT NULL THEN 'high'
            ELSE 'medium' END AS severity,
       CAST(to_json(struct_pack(contract_id := contract_id, buyer_id := buyer_id, amount := amount,
                                threshold := threshold, rule := rule, category := category, procedure := procedure,
                                signed_on := signed_on, subject := subject, state_funded := state_funded,
                                mandatory_basis := mandatory_basis, budget_funds := budget_funds,
                                investment := investment, infrastructure := infrastructure, sector := sector))
            AS VARCHAR) AS evidence
FROM u
WHERE amount >= threshold
"""


def _split_text(row: Mapping[str, Any]) -> str:
    ev = row["evidence"]
    cat = CATEGORY_ZH.get(ev.get("category") or "", "")
    scope = f"同一项目{row.get('project_id') or ''}" if ev.get("by") == "project" else f"同一内容“{ev.get('subject')}”"
    who = "同一承包人" if ev.get("suppliers") == "same" else ("存在关联关系的承包人" if ev.get("suppliers") == "related"
                                                               else "多个承包人")
    return (f"发包人{ev.get('buyer_name') or ev['buyer_id']}在{ev['first_signed']}至{ev['last_signed']}期间就{scope}与{who}{names(row)}"
            f"签订{ev['n_contracts']}份{cat}合同，单份均低于{wan(ev['threshold'])}，合计{wan(ev['total'])}，"
            f"达到必须招标标准，疑似化整为零规避招标")


@indicator(
    code="contract_splitting",
    statutory=True,
    name_zh="化整为零规避招标",
    name_en="Splitting a procurement below the tender thresholds",
    family="evasion",
    legal_basis="招标投标法 第4条、第49条；国家发展改革委令第16号 第5条第2款；实施条例 第24条",
    severity="medium",
    requires={"contracts": ("amount", "signed_on")},
    coverage=_untendered_cov,
    message=_split_text,
)
def contract_splitting(ctx: ScanContext) -> str:
    """同一发包人就同一项目（无项目编号时为同一合同内容）、同一类别，在窗口期（默认365天）内与同一或关联承包人
    签订多份未经招标的合同，单份均低于必须招标标准，合计达到标准。国有资金项目、同一承包人为高风险，其余为中风险。"""
    window = int(ctx.p("evasion.splitting_window_days"))
    min_n = int(ctx.p("evasion.splitting_min_contracts"))
    same_or_related = ctx.p("evasion.splitting_suppliers") == "same_or_related"
    links = relation_links_sql(ctx, ("legal_rep", "shareholder", "executive"))
    # one-hop supplier cluster: a supplier and the companies directly related to it share the smallest id
    cluster = "s.supplier_id"
    cluster_cte = ""
    if same_or_related and links:
        cluster_cte = f"""
links AS ({links}),
sym AS (SELECT c1 AS a, c2 AS b FROM links UNION ALL SELECT c2, c1 FROM links),
clus AS (SELECT a AS company_id, least(a, min(b)) AS cluster FROM sym GROUP BY a),"""
        cluster = "coalesce(cl.cluster, s.supplier_id)"
    cluster_join = "LEFT JOIN clus cl ON cl.company_id = s.supplier_id" if cluster_cte else ""
    supplier_key = cluster if same_or_related else "'*'"
    subject_norm = "regexp_replace(lower(subject), '[\\s\\d第期次批（）()、，,.。:：#号-]', '', 'g')"
    return f"""
WITH u AS ({_untendered_sql(ctx)}),{cluster_cte}
s AS (
    SELECT u.*,
           CASE WHEN u.project_id IS NOT NULL THEN 'P:' || u.project_id
                WHEN u.subject IS NOT NULL AND length({subject_norm}) >= 4 THEN 'S:' || {subject_norm} END AS grp
    FROM u WHERE u.amount < u.threshold
),
k AS (
    SELECT s.*, {supplier_key} AS supkey FROM s {cluster_join} WHERE s.grp IS NOT NULL
),
win AS (
    SELECT a.contract_id AS anchor, b.contract_id, b.buyer_id, b.grp, b.category, b.supkey, b.amount, b.threshold
    FROM k a JOIN k b
      ON a.buyer_id = b.buyer_id AND a.grp = b.grp AND coalesce(a.category, '?') = coalesce(b.category, '?')
     AND a.supkey = b.supkey
     AND b.signed_on >= a.signed_on AND b.signed_on <= a.signed_on + INTERVAL {window} DAY
),
good AS (
    SELECT anchor FROM win GROUP BY anchor
    HAVING count(*) >= {min_n} AND sum(amount) >= max(threshold)
),
members AS (
    SELECT DISTINCT w.contract_id FROM win w JOIN good g ON g.anchor = w.anchor
)
SELECT tender_id, project_id, company_ids, score, severity,
       CAST(to_json(struct_pack(
           buyer_id := buyer_id, buyer_name := buyer_name, by := by_kind,
           subject := cs[1].subject, category := category,
           n_contracts := n_contracts, total := total, threshold := threshold,
           first_signed := first_signed, last_signed := last_signed, suppliers := suppliers,
           contracts := list_transform(cs, lambda c: struct_pack(contract_id := c.contract_id, supplier_id := c.supplier_id,
                                                                 amount := c.amount, signed_on := c.signed_on))
       )) AS VARCHAR) AS evidence
FROM (
-- The contracts in (signing date, contract id) order, sorted as structs with list_sort: an ORDER BY
-- inside list() does not survive the transpile to Spark. The subject shown is the first contract's,
-- and the total is rounded to the fen, so that neither depends on the engine's row order.
SELECT NULL AS tender_id, any_value(k.project_id) AS project_id, list_sort(list(DISTINCT k.supplier_id)) AS company_ids,
       least(1.0, 0.6 + 0.1 * count(*)) AS score,
       CASE WHEN bool_and(coalesce(k.mandatory_basis IN {sql_list(list(STATED_BASES))}, false))
                 AND count(DISTINCT k.supplier_id) = 1
                 AND any_value(k.grp) LIKE 'P:%' AND any_value(k.category) IS NOT NULL THEN 'high' END AS severity,
       k.buyer_id AS buyer_id, any_value(bc.name) AS buyer_name,
       CASE WHEN k.grp LIKE 'P:%' THEN 'project' ELSE 'subject' END AS by_kind,
       any_value(k.category) AS category,
       count(*) AS n_contracts, round(sum(k.amount), 2) AS total, max(k.threshold) AS threshold,
       min(k.signed_on) AS first_signed, max(k.signed_on) AS last_signed,
       CASE WHEN count(DISTINCT k.supplier_id) = 1 THEN 'same'
            WHEN {'true' if same_or_related else 'false'} THEN 'related' ELSE 'any' END AS suppliers,
       list_sort(list(struct_pack(signed_on := k.signed_on, contract_id := k.contract_id, supplier_id := k.supplier_id,
                                  amount := k.amount, subject := k.subject))) AS cs
FROM k JOIN members m ON m.contract_id = k.contract_id
LEFT JOIN companies bc ON bc.company_id = k.buyer_id
GROUP BY k.buyer_id, k.grp, coalesce(k.category, '?'), k.supkey
) g
"""


def _non_open_text(row: Mapping[str, Any]) -> str:
    ev = row["evidence"]
    return (f"国有资金项目的{CATEGORY_ZH.get(ev.get('category') or '', '')}标段（估算{wan(ev['amount'])}，"
            f"达到{wan(ev['threshold'])}的必须招标标准）采用{PROCEDURE_ZH.get(ev['procedure'], ev['procedure'])}，"
            f"请核查是否有第8条、第9条规定的审批或核准依据（中标人{names(row)}）")


@indicator(
    code="non_open_without_basis",
    statutory=True,
    name_zh="国有资金依法必须招标项目未公开招标",
    name_en="State-funded mandatory tender not run as an open tender",
    family="evasion",
    legal_basis="实施条例 第8条、第9条、第64条；国家发展改革委令第16号 第5条",
    severity="low",
    requires={"tenders": ("procedure",), "projects": ("state_funded",)},
    message=_non_open_text,
)
def non_open_without_basis(ctx: ScanContext) -> str:
    """国有资金占控股或主导地位的项目，标段估算价（无则最高投标限价、中标价）达到必须招标标准，
    却采用邀请招标、谈判、单一来源、直接发包或询价。第8条允许的邀请招标需经审批或核准，数据中没有审批依据，
    只作为核查审批文件的线索（低风险）。"""
    amount_parts = [c for c in ("estimate", "ceiling_price", "award_price") if ctx.has("tenders", c)]
    amount = f"coalesce({', '.join('t.' + c for c in amount_parts)})" if amount_parts else "CAST(NULL AS DOUBLE)"
    category = ctx.column_or_null("t", "tenders", "category")
    winner = ctx.column_or_null("t", "tenders", "winner_id")
    non_open = sql_list(list(ctx.p("evasion.non_open_procedures")))
    return f"""
WITH t AS (
    SELECT t.tender_id, t.project_id, t.procedure, {category} AS category, {amount} AS amount,
           {threshold_sql(ctx, category)} AS threshold, {winner} AS winner_id
    FROM tenders t JOIN projects p ON p.project_id = t.project_id
    WHERE p.state_funded AND t.procedure IN {non_open}
)
SELECT tender_id, project_id, CASE WHEN winner_id IS NULL THEN [] ELSE [winner_id] END AS company_ids,
       0.6 AS score, NULL AS severity,
       CAST(to_json(struct_pack(procedure := procedure, category := category, amount := amount,
                                threshold := threshold)) AS VARCHAR) AS evidence
FROM t
WHERE amount >= threshold
"""
