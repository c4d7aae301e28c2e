"""联合惩戒: sanctioned companies (or their legal representatives) bidding while barred.

法〔2016〕285号 restricts 失信被执行人 from bidding; 发改法规〔2018〕457号 extends joint punishment to serious
violators in public-resource trading and their legal representatives; 法 第53–54条 / 条例 第67–68条 bar
colluders and falsifiers from mandatory tenders for 1–3 years. A record counts when it is active on the
day of the bid deadline (start ≤ deadline ≤ end, open end = still active): a record that expired before
the deadline is not an alert. A barred bidder that *won* is ``high`` (the restriction was not applied
and the award is affected); one that only bid is ``medium``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bidwatch.indicators.base import ScanContext, indicator, names, sql_list, tender_coverage

MEASURE_ZH = {
    "debarment": "禁止投标（取消投标资格）", "blacklist": "严重失信主体名单", "dishonest_debtor": "失信被执行人",
    "bribery_record": "行贿犯罪记录", "penalty": "行政处罚", "expert_suspended": "暂停评标资格",
    "expert_removed": "取消评标专家资格", "other": "其他惩戒",
}


def sanction_details(ctx: ScanContext) -> str:
    """``authority`` and ``reason`` of the sanctions row aliased ``s`` (NULL where the dataset has no such column)."""
    return ", ".join(f"{ctx.column_or_null('s', 'sanctions', c)} AS {c}" for c in ("authority", "reason"))


def in_force(on: str) -> str:
    """The sanctions row aliased ``s`` is in force on the date ``on`` (an empty end: still in force)."""
    return f"s.start_on <= {on} AND (s.end_on IS NULL OR s.end_on >= {on})"


def _sanction_text(row: Mapping[str, Any]) -> str:
    ev = row["evidence"]
    parts = []
    for s in ev["sanctions"]:
        who = "其法定代表人" + (s.get("person_id") or "") if s.get("via") == "person" else "该企业"
        period = f"{s['start_on']}至{s.get('end_on') or '长期'}"
        basis = f"，{s['authority']}" if s.get("authority") else ""
        parts.append(f"{who}被列入{MEASURE_ZH.get(s['measure'], s['measure'])}（{period}{basis}）")
    outcome = "并中标" if ev.get("won") else ("（投标文件递交后撤回）" if ev.get("withdrawn") else "")
    return f"投标人{names(row)}在投标截止日{ev['on_date']}处于联合惩戒期内：{'；'.join(parts)}，仍参加投标{outcome}"


@indicator(
    code="sanctioned_bidder",
    name_zh="失信或被禁止投标的主体参加投标",
    name_en="Bidder under an active debarment, blacklist or dishonest-debtor record",
    family="sanctioned_bidder",
    legal_basis="法〔2016〕285号；发改法规〔2018〕457号；招标投标法 第53–54条；实施条例 第67–68条",
    severity="medium",
    requires={"sanctions": ("measure", "start_on")},
    # every bidder present is checked against the list; tenders without bids have nobody to check
    coverage=tender_coverage("true", "t.tender_id IN (SELECT tender_id FROM bids)"),
    message=_sanction_text,
)
def sanctioned_bidder(ctx: ScanContext) -> str:
    """投标人本身（按企业编号或统一社会信用代码）或其法定代表人在投标截止日处于禁止投标、严重失信主体名单、
    失信被执行人等惩戒期内（起始日 ≤ 截止日 ≤ 终止日，终止日为空视为仍有效）。中标的为高风险，未中标为中风险；
    递交后撤回的投标也计入（说明报名、递交环节未落实限制）。"""
    measures = sql_list(list(ctx.p("credit.barring_measures")))
    roles = sql_list(list(ctx.p("credit.person_roles")))
    on_parts = [e for c, e in (("bid_deadline", "CAST(t.bid_deadline AS DATE)"), ("awarded_on", "t.awarded_on"),
                               ("announced_on", "t.announced_on")) if ctx.has("tenders", c)]
    on_date = f"coalesce({', '.join(on_parts)})" if on_parts else "CAST(NULL AS DATE)"
    winner = ctx.column_or_null("t", "tenders", "winner_id")
    hits = []
    if ctx.has("sanctions", "company_id"):
        hits.append("SELECT bd.tender_id, bd.company_id, s.sanction_id, 'company' AS via, "
                    "CAST(NULL AS VARCHAR) AS person_id FROM bd JOIN s ON s.company_id = bd.company_id")
    if ctx.has("sanctions", "uscc") and ctx.has("companies", "uscc"):
        hits.append("SELECT bd.tender_id, bd.company_id, s.sanction_id, 'company' AS via, "
                    "CAST(NULL AS VARCHAR) AS person_id FROM bd JOIN companies c ON c.company_id = bd.company_id "
                    "JOIN s ON upper(trim(s.uscc)) = upper(trim(c.uscc))")
    if ctx.has("sanctions", "person_id"):
        if ctx.has("companies", "legal_rep_id") and "'legal_rep'" in roles:
            hits.append("SELECT bd.tender_id, bd.company_id, s.sanction_id, 'person' AS via, s.person_id "
                        "FROM bd JOIN companies c ON c.company_id = bd.company_id "
                        "JOIN s ON s.person_id = c.legal_rep_id")
        if ctx.has("people", "person_id", "role"):
            hits.append(f"""SELECT bd.tender_id, bd.company_id, s.sanction_id, 'person' AS via, s.person_id
                FROM bd JOIN people p ON p.company_id = bd.company_id AND p.role IN {roles}
                JOIN s ON s.person_id = p.person_id
                WHERE (p.since IS NULL OR p.since <= bd.on_date) AND (p.until IS NULL OR p.until >= bd.on_date)""")
    if not hits:
        hits.append("SELECT bd.tender_id, bd.company_id, s.sanction_id, 'company' AS via, "
                    "CAST(NULL AS VARCHAR) AS person_id FROM bd JOIN s ON false")
    return f"""
WITH bd AS (
    -- a withdrawn bid counts too: the barred company was let in to submit, the restriction was not applied
    SELECT b.tender_id, b.company_id, any_value({on_date}) AS on_date, any_value({winner}) AS winner_id,
           bool_and(coalesce(b.status, 'valid') = 'withdrawn') AS withdrawn
    FROM bids b JOIN tenders t ON t.tender_id = b.tender_id
    GROUP BY b.tender_id, b.company_id
),
s AS (SELECT * FROM sanctions WHERE measure IN {measures}),
h AS (SELECT DISTINCT * FROM ({" UNION ALL ".join(hits)}) x),
a AS (
    SELECT h.tender_id, h.company_id, h.via, h.person_id, bd.on_date, bd.winner_id, bd.withdrawn,
           s.sanction_id, s.measure, {sanction_details(ctx)}, s.start_on, s.end_on
    FROM h JOIN bd ON bd.tender_id = h.tender_id AND bd.company_id = h.company_id
    JOIN s ON s.sanction_id = h.sanction_id
    WHERE bd.on_date IS NOT NULL AND {in_force("bd.on_date")}
)
SELECT tender_id, NULL AS project_id, [company_id] AS company_ids,
       CASE WHEN bool_or(winner_id = company_id) THEN 0.95 ELSE 0.7 END AS score,
       CASE WHEN bool_or(winner_id = company_id) THEN 'high' END AS severity,
       CAST(to_json(struct_pack(
           on_date := any_value(on_date), won := coalesce(bool_or(winner_id = company_id), false),
           withdrawn := bool_and(withdrawn),
           sanctions := list(struct_pack(sanction_id := sanction_id, measure := measure, via := via,
                                         person_id := person_id, authority := authority, reason := reason,
                                         start_on := start_on, end_on := end_on) ORDER BY sanction_id)))
            AS VARCHAR) AS evidence
FROM a
GROUP BY tender_id, company_id
"""
