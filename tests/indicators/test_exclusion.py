"""排斥潜在投标人 (法 第24、28条; 条例 第16、26、32条): a planted positive and a near miss per indicator."""

from __future__ import annotations

import json

import pytest

from bidwatch.indicators.exclusion import find_restrictive_clauses, load_clause_rules
from tests.indicators.helpers import bid_row, companies_of, scan, world


def dated(t1: dict, t2: dict) -> dict:
    t = world()
    t["tenders"][0].update(t1)
    t["tenders"][1].update(t2)
    return t


# ---- time limits -----------------------------------------------------------------------------------

def test_nineteen_days_fire_twenty_full_days_do_not(make_dataset, backend):
    t = dated({"docs_from": "2024-05-01"},                                  # deadline 2024-05-20: 19 days
              {"docs_from": "2024-05-31"})                                  # deadline 2024-06-20: exactly 20
    alerts = scan(make_dataset(t), "short_bid_period", backend)
    assert list(alerts["tender_id"]) == ["T1"]
    ev = json.loads(alerts.iloc[0]["evidence"])
    assert ev["days"] == 19 and alerts.iloc[0]["severity"] == "medium"
    assert "少于法定20日" in alerts.iloc[0]["message"]


def test_bid_period_falls_back_to_the_announcement(make_dataset):
    t = dated({"announced_on": "2024-05-10"}, {"announced_on": "2024-05-01", "procedure": "single_source"})
    alerts = scan(make_dataset(t), "short_bid_period")
    assert list(alerts["tender_id"]) == ["T1"]
    assert json.loads(alerts.iloc[0]["evidence"])["from_field_zh"] == "公告发布日期"


def test_document_sale_of_four_days_fires_five_do_not(make_dataset, backend):
    t = dated({"docs_from": "2024-04-01", "docs_until": "2024-04-05"},      # 4 days
              {"docs_from": "2024-05-01", "docs_until": "2024-05-06"})      # 5 days
    alerts = scan(make_dataset(t), "short_document_sale", backend)
    assert list(alerts["tender_id"]) == ["T1"]
    assert json.loads(alerts.iloc[0]["evidence"])["days"] == 4


# ---- bidders, bonds, disqualifications --------------------------------------------------------------

def test_award_with_one_bidder_fires_three_do_not(make_dataset, backend):
    t = world()
    bid_row(t, "B12")["status"] = "withdrawn"
    bid_row(t, "B13")["status"] = "withdrawn"
    alerts = scan(make_dataset(t), "few_bidders", backend)
    assert list(alerts["tender_id"]) == ["T1"] and companies_of(alerts) == [["C1"]]
    assert json.loads(alerts.iloc[0]["evidence"])["n_bidders"] == 1


def test_bid_bond_over_two_percent_fires_exactly_two_does_not(make_dataset, backend):
    t = dated({"bid_bond": 30_000.0}, {"bid_bond": 44_000.0})              # 2.73% of 1.1M; 2.00% of 2.2M
    t["tenders"].append({"tender_id": "T3", "title": "三号桥", "estimate": 60_000_000.0, "bid_bond": 900_000.0})
    alerts = scan(make_dataset(t), "excessive_bid_bond", backend)
    assert sorted(alerts["tender_id"]) == ["T1", "T3"]
    t3 = json.loads(alerts[alerts["tender_id"] == "T3"].iloc[0]["evidence"])
    assert t3["over_cap"] is True                                           # 1.5%, but above 800,000 yuan


def test_all_but_winner_disqualified(make_dataset, backend):
    t = world()
    for b in ("B12", "B13"):
        bid_row(t, b).update(status="disqualified", disqualify_reason="资格审查不合格")
    bid_row(t, "B25").update(status="disqualified")                        # T2: one of two losers only
    alerts = scan(make_dataset(t), "all_but_winner_disqualified", backend)
    assert list(alerts["tender_id"]) == ["T1"]
    ev = json.loads(alerts.iloc[0]["evidence"])
    assert ev["n_disqualified"] == 2 and ev["winner_id"] == "C1"
    # the message names the disqualified bidders, not the winner among them
    message = alerts.iloc[0]["message"]
    assert message.endswith("被否决的投标人：Beta建设工程有限公司、Gamma建设工程有限公司")
    # the evidence does not depend on the order of the file's rows (QA, 2026-12-07: a shuffled bids.csv wrote the
    # disqualified bids in another order)
    t["bids"].reverse()
    again = scan(make_dataset(t), "all_but_winner_disqualified", backend)
    assert again.iloc[0]["evidence"] == alerts.iloc[0]["evidence"]
    assert [d["bid_id"] for d in json.loads(again.iloc[0]["evidence"])["disqualified"]] == ["B12", "B13"]


def test_lowest_bid_disqualified_under_lowest_price(make_dataset, backend):
    t = dated({"award_method": "lowest_price"},                             # lowest bid B11 wins: lawful
              {"award_method": "lowest_price", "winner_id": "C5"})
    bid_row(t, "B24").update(status="disqualified", disqualify_reason="报价低于成本")
    t["tenders"].append({"tender_id": "T3", "award_method": "comprehensive", "winner_id": "C2"})
    t["bids"] += [{"bid_id": "B31", "tender_id": "T3", "company_id": "C1", "price": 100.0, "status": "disqualified"},
                  {"bid_id": "B32", "tender_id": "T3", "company_id": "C2", "price": 110.0}]
    alerts = scan(make_dataset(t), "lowest_bid_disqualified", backend)
    assert list(alerts["tender_id"]) == ["T2"]
    assert companies_of(alerts) == [["C4", "C5"]]
    assert "报价低于成本" in alerts.iloc[0]["message"]


# ---- restrictive clauses ----------------------------------------------------------------------------

LAWFUL = [
    "投标人须具有建筑工程施工总承包二级及以上资质，并具有有效的安全生产许可证。",
    "拟派项目经理须具有建筑工程专业二级及以上注册建造师执业资格，且未担任其他在建工程项目的项目经理。",
    "投标人须具有独立法人资格，未被列入失信被执行人名单，近三年内无行贿犯罪记录。",
    "投标人近三年（2021年1月1日以来）须具有一项以上类似工程业绩（全国范围内均可）。",
    "项目经理须为投标人本单位人员，提供本单位缴纳的近六个月社会保险证明。",
    "主要材料可参考品牌：中联、海螺或同等及以上品质产品。",
    "中标后须在项目所在地设立项目部并按规定在当地预缴税款。",
    "投标人须具有智能化系统集成业绩，设备须符合国家强制性标准。",
]

RESTRICTIVE = [
    ("投标人注册地须在长沙市内。", "local_registration"),
    ("仅限湖南省内注册的企业参与投标。", "local_registration"),
    ("投标人须在本市设立分公司或常驻机构。", "local_branch"),
    ("项目管理人员须在本地缴纳社保满一年。", "local_tax_social_insurance"),
    ("具有湖南省内类似工程业绩的每项加2分。", "regional_performance"),
    ("获得过本市优质工程奖的加3分。", "regional_performance"),
    ("须具有水利系统内工程业绩。", "industry_performance"),
    ("电缆品牌须为远东电缆。", "named_brand"),
    ("须采用XX牌防水卷材。", "named_brand"),
    ("投标人须为国有企业或国有控股企业。", "ownership_form"),
    ("投标人注册资本不低于5000万元。", "size_requirement"),
    ("年营业收入不低于2亿元。", "size_requirement"),
    ("投标人须具有ISO9001质量管理体系认证。", "non_mandatory_certification"),
    ("投标人成立时间须满5年。", "establishment_years"),
]


@pytest.mark.parametrize("text", LAWFUL)
def test_lawful_conditions_are_left_alone(text):
    assert find_restrictive_clauses(text, load_clause_rules()) == []


@pytest.mark.parametrize(("text", "rule"), RESTRICTIVE)
def test_each_pattern_catches_its_clause(text, rule):
    found = find_restrictive_clauses(text, load_clause_rules())
    assert [f["rule"] for f in found] == [rule]
    assert found[0]["legal_basis"]


def test_restrictive_clause_alert_names_each_rule_and_its_basis(make_dataset, backend):
    t = dated({"requirements_text": LAWFUL[0] + "投标人须在本市设立分公司。具有湖南省内类似工程业绩的每项加2分。"},
              {"requirements_text": "".join(LAWFUL)})                       # a lawful grade requirement
    alerts = scan(make_dataset(t), "restrictive_clause", backend)
    assert list(alerts["tender_id"]) == ["T1"]
    ev = json.loads(alerts.iloc[0]["evidence"])
    assert [f["rule"] for f in ev["findings"]] == ["local_branch", "regional_performance"]
    assert "第32条第(三)项" in alerts.iloc[0]["message"] and alerts.iloc[0]["severity"] == "medium"


def test_requirements_text_from_a_file(make_dataset):
    t = dated({"requirements_text": "req/T1.txt"}, {"requirements_text": LAWFUL[1]})
    ds = make_dataset(t, texts={"req/T1.txt": "投标人须为国有企业。\n" + LAWFUL[0]})
    alerts = scan(ds, "restrictive_clause")
    assert list(alerts["tender_id"]) == ["T1"]
    assert json.loads(alerts.iloc[0]["evidence"])["findings"][0]["rule"] == "ownership_form"


# ---- issue 13: periods rolled past holidays (民法典 第203条), bid-bond caps by category ---------------------------------

def test_bid_period_whose_20th_day_is_a_holiday_runs_to_the_next_working_day(make_dataset, backend):
    # Documents from 2024-09-12: day 20 is 10-02 (National Day) → the earliest lawful deadline is Tuesday 10-08.
    t = dated({"docs_from": "2024-09-12", "bid_deadline": "2024-10-07 09:30:00"},   # 25 days, yet too early
              {"docs_from": "2024-09-12", "bid_deadline": "2024-10-08 09:30:00"})   # lawful
    alerts = scan(make_dataset(t), "short_bid_period", backend)
    assert list(alerts["tender_id"]) == ["T1"]
    ev = json.loads(alerts.iloc[0]["evidence"])
    assert ev["earliest_lawful"] == "2024-10-08" and ev["days"] == 25 and ev["deadline_exact"] is True
    assert "2024-10-08" in alerts.iloc[0]["message"]


def test_document_sale_whose_5th_day_is_a_holiday_runs_to_the_next_working_day(make_dataset):
    # On sale from Friday 2024-09-27: day 5 is 10-02 → sale must last until 10-08.
    t = dated({"docs_from": "2024-09-27", "docs_until": "2024-10-07"},
              {"docs_from": "2024-09-27", "docs_until": "2024-10-08"})
    alerts = scan(make_dataset(t), "short_document_sale")
    assert list(alerts["tender_id"]) == ["T1"]
    assert json.loads(alerts.iloc[0]["evidence"])["earliest_lawful"] == "2024-10-08"


def test_survey_and_design_bid_bond_cap_is_100000(make_dataset, backend):
    # 《工程建设项目勘察设计招标投标办法》第24条: at most 10万; 150,000 is 1.5% of 10M (under 2%), over that cap.
    t = dated({"category": "services", "service_kind": "design", "estimate": 10_000_000.0, "bid_bond": 150_000.0},
              {"category": "services", "service_kind": "supervision", "estimate": 10_000_000.0,
               "bid_bond": 150_000.0})                                            # 监理: no national amount cap
    t["tenders"].append({"tender_id": "T3", "title": "三号楼施工", "category": "works", "estimate": 10_000_000.0,
                         "bid_bond": 150_000.0})                                  # works: 80万 cap, lawful
    t["tenders"].append({"tender_id": "T4", "title": "四号楼设计", "category": "services", "service_kind": "survey",
                         "estimate": 10_000_000.0, "bid_bond": 100_000.0})        # exactly the cap: lawful
    alerts = scan(make_dataset(t), "excessive_bid_bond", backend)
    assert list(alerts["tender_id"]) == ["T1"]
    ev = json.loads(alerts.iloc[0]["evidence"])
    assert ev["cap"] == 100_000 and ev["cap_rule"] == "survey_design" and ev["over_cap"] is True
    assert "勘察设计招标10万元" in alerts.iloc[0]["message"]


def test_works_bid_bond_cap_is_still_800000(make_dataset):
    t = dated({"estimate": 60_000_000.0, "bid_bond": 800_000.0},     # 1.33%, exactly the cap: lawful
              {"estimate": 60_000_000.0, "bid_bond": 800_001.0})     # over 80万
    alerts = scan(make_dataset(t), "excessive_bid_bond")
    assert list(alerts["tender_id"]) == ["T2"]
    assert "施工、货物招标80万元" in alerts.iloc[0]["message"]


# ---- dates in the wrong order are a data error, not evidence ------------------------------------------------

def test_a_deadline_before_the_issue_is_not_judged(make_dataset, backend):
    from bidwatch.scan import run_scan

    # T1: the deadline (2024-05-20) 46 days *before* the announcement: no bid could be made, the dates are wrong;
    # T2: a real 9-day period (announced 2024-06-11, deadline 2024-06-20) stays an alert
    ds = make_dataset(dated({"announced_on": "2024-07-05"}, {"announced_on": "2024-06-11"}))
    assert list(scan(ds, "short_bid_period", backend)["tender_id"]) == ["T2"]
    cov = run_scan(ds, only=["short_bid_period"], engine=backend).summary["coverage"]["short_bid_period"]
    assert cov["checked"] == 1 and cov["in_scope"] == 2


def test_a_document_sale_ending_before_it_starts_is_not_judged(make_dataset, backend):
    from bidwatch.scan import run_scan

    ds = make_dataset(dated({"docs_from": "2024-04-10", "docs_until": "2024-04-02"},     # ends before it starts
                            {"docs_from": "2024-05-01", "docs_until": "2024-05-03"}))    # 2 days: an alert
    assert list(scan(ds, "short_document_sale", backend)["tender_id"]) == ["T2"]
    cov = run_scan(ds, only=["short_document_sale"], engine=backend).summary["coverage"]["short_document_sale"]
    assert cov["checked"] == 1 and cov["in_scope"] == 2


def test_a_bid_period_from_the_announcement_counts_as_checked_where_the_dataset_has_docs_from(make_dataset, backend):
    from bidwatch.scan import run_scan

    # the dataset has docs_from (T2), T1 only its announcement: both periods are judged, so both are checked
    ds = make_dataset(dated({"announced_on": "2024-05-10"}, {"docs_from": "2024-05-31"}))
    assert list(scan(ds, "short_bid_period", backend)["tender_id"]) == ["T1"]
    cov = run_scan(ds, only=["short_bid_period"], engine=backend).summary["coverage"]["short_bid_period"]
    assert cov["checked"] == 2


# ---- 法 第24条 binds only 依法必须进行招标的项目 ---------------------------------------------------------------

def test_twenty_days_bind_mandatory_projects_not_a_private_small_one(make_dataset, backend):
    """法 第24条: "依法必须进行招标的项目，…最短不得少于二十日". T1 (10 days) is a private project outside 843号
    (state_funded false, no infrastructure): only a 合理时间 binds it, not an alert; T2 (10 days) is the same
    project but state funded: an alert. T3 (10 days) has no funding data: still judged (unknown stays in scope).
    T4 (10 days) is state funded but its whole project (60万) is under the works threshold: no contract of it can be
    mandatory."""
    from bidwatch.scan import run_scan

    t = dated({"announced_on": "2024-05-10", "project_id": "P1"}, {"announced_on": "2024-06-10", "project_id": "P2"})
    t["tenders"] += [
        {"tender_id": "T3", "title": "三号", "category": "works", "procedure": "open", "project_id": "P3",
         "announced_on": "2024-06-10", "bid_deadline": "2024-06-20 09:30:00"},
        {"tender_id": "T4", "title": "四号", "category": "works", "procedure": "open", "project_id": "P4",
         "announced_on": "2024-06-10", "bid_deadline": "2024-06-20 09:30:00"},
    ]
    t["projects"] = [
        {"project_id": "P1", "name": "民营厂房", "state_funded": False, "infrastructure": "none",
         "total_investment": 800_000.0},
        {"project_id": "P2", "name": "学校", "state_funded": True, "total_investment": 800_000_000.0},
        {"project_id": "P3", "name": "不明"},
        {"project_id": "P4", "name": "小修", "state_funded": True, "total_investment": 600_000.0},
    ]
    ds = make_dataset(t)
    assert sorted(scan(ds, "short_bid_period", backend)["tender_id"]) == ["T2", "T3"]
    cov = run_scan(ds, only=["short_bid_period"], engine=backend).summary["coverage"]["short_bid_period"]
    assert cov["in_scope"] == 2  # T1 and T4 are outside the mandatory scope: not checked, not counted


def test_a_period_that_lasts_its_days_but_ends_in_a_holiday_is_low_and_says_so(make_dataset, backend):
    """民法典 第203条 rolls a last day in a holiday forward; a deadline that keeps the 20 calendar days but falls
    before the rolled day is a low finding that says both ("已满25日 … 顺延至2024-10-08"), never "仅25日，少于法定
    20日". Near miss: 17 days across the same holiday stay a medium "fewer than 20 days"."""
    t = dated({"docs_from": "2024-09-12", "bid_deadline": "2024-10-07 09:30:00"},   # day 20 = 10-02, rolled to 10-08
              {"docs_from": "2024-09-20", "bid_deadline": "2024-10-07 09:30:00"})   # 17 days
    alerts = scan(make_dataset(t), "short_bid_period", backend).set_index("tender_id")
    rolled, short = alerts.loc["T1"], alerts.loc["T2"]
    ev = json.loads(rolled["evidence"])
    assert rolled["severity"] == "low" and ev["rolled_only"] is True and ev["days"] == 25
    assert ev["nominal_last_day"] == "2024-10-02" and ev["earliest_lawful"] == "2024-10-08"
    assert "已满25日" in rolled["message"] and "顺延至2024-10-08" in rolled["message"]
    assert "少于法定" not in rolled["message"]
    assert short["severity"] == "medium" and "仅17日，少于法定20日" in short["message"]


def test_a_document_sale_of_five_days_ending_on_a_rest_day_is_low(make_dataset):
    # 2024-03-04 (Mon) to 03-09 (Sat): 5 days, day 5 a Saturday rolled to Monday 03-11; near miss 03-04..03-08 (4 days)
    t = dated({"docs_from": "2024-03-04", "docs_until": "2024-03-09"}, {"docs_from": "2024-03-04", "docs_until": "2024-03-08"})
    alerts = scan(make_dataset(t), "short_document_sale").set_index("tender_id")
    assert alerts.loc["T1", "severity"] == "low" and "已满5日" in alerts.loc["T1", "message"]
    assert alerts.loc["T2", "severity"] == "medium" and "仅4日" in alerts.loc["T2", "message"]


def test_bid_bond_cap_follows_the_service_kind_when_the_category_is_not_given(make_dataset, backend):
    """A 监理 tender written with its service kind only has no amount cap (2% only): 90万 on 5,000万 (1.8%) is lawful;
    a 设计 tender the same way has the 10万 cap (勘察设计招标投标办法 第24条): 15万 on 1,000万 is over it."""
    t = dated({"estimate": 50_000_000.0, "bid_bond": 900_000.0, "category": None, "service_kind": "supervision"},
              {"estimate": 10_000_000.0, "bid_bond": 150_000.0, "category": None, "service_kind": "design"})
    alerts = scan(make_dataset(t), "excessive_bid_bond", backend)
    assert list(alerts["tender_id"]) == ["T2"]
    assert "勘察设计招标10万元" in alerts.iloc[0]["message"] and "超出50,000.00元" in alerts.iloc[0]["message"]


def test_an_estimate_not_above_the_bond_is_a_unit_error_not_a_bond_of_20000_percent(make_dataset):
    """Estimate 1000 (万元 typed without the unit) beside a bond of 20万元: no "20000%" alert; near miss: the same bond
    on a real 500万 estimate (4%) is one, and says by how much (a share of 2.000001% reads 2.00%)."""
    t = dated({"estimate": 1000.0, "ceiling_price": None, "bid_bond": 200_000.0},
              {"estimate": 5_000_000.0, "bid_bond": 200_000.0})
    t["tenders"].append({"tender_id": "T3", "title": "三号", "category": "works", "procedure": "open",
                         "estimate": 10_000_000.0, "bid_bond": 200_000.01})
    alerts = scan(make_dataset(t), "excessive_bid_bond").set_index("tender_id")
    assert sorted(alerts.index) == ["T2", "T3"]
    assert "超出100,000.00元" in alerts.loc["T2", "message"]
    assert "2.00%" in alerts.loc["T3", "message"] and "超出0.01元" in alerts.loc["T3", "message"]


def test_the_title_tells_a_survey_design_or_supervision_tender_when_the_kind_is_not_given(make_dataset):
    """A clerk's 类别 勘察 or 设计 is read as services and says no more: the title does (勘察设计招标投标办法 第24条's 10万
    cap). T1 "…勘察设计" 15万 on 1,000万: over the 10万 cap; T2 "…施工图设计" likewise; near misses: T3 "…工程监理" 90万 on
    5,000万 (no cap, 1.8%) and T4 "…设计施工总承包" (works: the 80万 cap) 70万 on 5,000万 stay lawful."""
    t = world()
    t["tenders"] = [
        {"tender_id": "T1", "title": "一号路勘察设计", "category": "services", "estimate": 10_000_000.0, "bid_bond": 150_000.0},
        {"tender_id": "T2", "title": "二号楼施工图设计", "category": None, "estimate": 10_000_000.0, "bid_bond": 150_000.0},
        {"tender_id": "T3", "title": "三号桥工程监理", "category": "services", "estimate": 50_000_000.0, "bid_bond": 900_000.0},
        {"tender_id": "T4", "title": "四号路设计施工总承包", "category": None, "estimate": 50_000_000.0,
         "bid_bond": 700_000.0},
    ]
    t["bids"] = [b for b in t["bids"] if b["tender_id"] in ("T1", "T2")]
    alerts = scan(make_dataset(t), "excessive_bid_bond")
    assert sorted(alerts["tender_id"]) == ["T1", "T2"]
    assert all("勘察设计招标10万元" in m for m in alerts["message"])
