"""The rules of issue 13 (条例 第21、54、57、58条; 法 第46条) and the shared period rule (民法典 第201、203条):
a planted positive and a lawful near miss each."""

from __future__ import annotations

import json

from bidwatch.indicators import CATALOGUE
from bidwatch.scan import run_scan
from tests.indicators.helpers import bid_row, companies_of, scan, world


def dated(t1: dict, t2: dict, **extra: list[dict]) -> dict:
    t = world(**extra)
    t["tenders"][0].update(t1)
    t["tenders"][1].update(t2)
    return t


# ---- 条例 第54条: publicity at least 3 days ------------------------------------------------------------------------------

def test_publicity_of_two_days_fires_three_does_not(make_dataset, backend):
    # Published Monday 2024-05-13: counted from 05-14, day 3 is Thursday 05-16.
    t = dated({"candidates_published_on": "2024-05-13", "publicity_until": "2024-05-15"},
              {"candidates_published_on": "2024-05-13", "publicity_until": "2024-05-16"})
    alerts = scan(make_dataset(t), "short_publicity", backend)
    assert list(alerts["tender_id"]) == ["T1"] and companies_of(alerts) == [["C1"]]
    ev = json.loads(alerts.iloc[0]["evidence"])
    assert ev["deadline"] == "2024-05-16" and ev["days"] == 2 and ev["deadline_exact"] is True
    assert "2024-05-16" in alerts.iloc[0]["message"]


def test_publicity_ending_in_a_holiday_runs_to_the_next_working_day(make_dataset):
    # Published Saturday 2024-09-28: day 3 is 10-01 (National Day) → publicity must last until 10-08.
    t = dated({"candidates_published_on": "2024-09-28", "publicity_until": "2024-10-07"},
              {"candidates_published_on": "2024-09-28", "publicity_until": "2024-10-08"})
    alerts = scan(make_dataset(t), "short_publicity")
    assert list(alerts["tender_id"]) == ["T1"]
    assert json.loads(alerts.iloc[0]["evidence"])["deadline"] == "2024-10-08"


def test_publicity_coverage_counts_only_tenders_with_both_dates(make_dataset):
    t = dated({"candidates_published_on": "2024-05-13", "publicity_until": "2024-05-16"},
              {"candidates_published_on": "2024-05-13"})                  # no end date: not checked
    cov = run_scan(make_dataset(t), only=["short_publicity"]).summary["coverage"]["short_publicity"]
    assert (cov["in_scope"], cov["checked"]) == (2, 1)


def test_publicity_ending_before_it_started_is_a_data_error_not_evidence(make_dataset):
    t = dated({"candidates_published_on": "2024-05-13", "publicity_until": "2024-05-12"}, {})
    assert scan(make_dataset(t), "short_publicity").empty


# ---- 条例 第21条: amendments at least 15 days before the deadline ---------------------------------------------------------

def test_amendment_14_days_before_the_deadline_fires_15_does_not(make_dataset, backend):
    t = dated({"last_amendment_on": "2024-05-06"},      # T1 deadline 2024-05-20: 14 days
              {"last_amendment_on": "2024-06-05"})      # T2 deadline 2024-06-20: 15 days, lawful
    alerts = scan(make_dataset(t), "late_amendment", backend)
    assert list(alerts["tender_id"]) == ["T1"]
    ev = json.loads(alerts.iloc[0]["evidence"])
    assert ev["days_before"] == 14 and ev["latest_lawful"] == "2024-05-05"


def test_amendment_after_the_deadline_is_not_this_rule(make_dataset):
    # an entry dated after the bid deadline is not a 第21条 amendment of the tender documents
    t = dated({"last_amendment_on": "2024-05-21"}, {})
    assert scan(make_dataset(t), "late_amendment").empty


# ---- 条例 第58条: performance bond at most 10% ---------------------------------------------------------------------------

def contracts(*rows: dict) -> list[dict]:
    return [{"buyer_id": "C6", "supplier_id": "C1", "signed_on": "2024-06-10", **r} for r in rows]


def test_performance_bond_over_ten_percent_fires_exactly_ten_does_not(make_dataset, backend):
    t = world(contracts=contracts(
        {"contract_id": "K1", "tender_id": "T1", "amount": 900_000.0, "performance_bond": 90_000.01},
        {"contract_id": "K2", "tender_id": "T2", "supplier_id": "C4", "amount": 1_900_000.0,
         "performance_bond": 190_000.0},
        {"contract_id": "K3", "tender_id": "T2", "supplier_id": "C4", "amount": 100_000.0}))   # no bond: not checked
    alerts = scan(make_dataset(t), "excessive_performance_bond", backend)
    assert list(alerts["tender_id"]) == ["T1"] and companies_of(alerts) == [["C1"]]
    assert json.loads(alerts.iloc[0]["evidence"])["contract_id"] == "K1"
    cov = run_scan(make_dataset(t), only=["excessive_performance_bond"]).summary["coverage"]
    assert (cov["excessive_performance_bond"]["unit"], cov["excessive_performance_bond"]["checked"]) == ("contracts", 2)


# ---- 条例 第57条第2款: bid bonds refunded within 5 days of the contract --------------------------------------------------

def test_bond_refund_after_the_fifth_day_fires_and_the_holiday_extends_it(make_dataset, backend):
    # T1 contract Thursday 2024-09-26: day 5 is 10-01 → refunds are due by 10-08. T2 contract Monday 2024-06-17:
    # day 5 is Saturday 06-22 → Monday 06-24.
    t = dated({"contract_signed_on": "2024-09-26"}, {"contract_signed_on": "2024-06-17"})
    bid_row(t, "B11")["bond_refunded_on"] = "2024-10-08"   # on time
    bid_row(t, "B12")["bond_refunded_on"] = "2024-10-09"   # late
    bid_row(t, "B13").update(bond_refunded_on="2024-11-01", status="withdrawn")   # 第35条, not this rule
    bid_row(t, "B24")["bond_refunded_on"] = "2024-06-24"   # on time (rolled past the weekend)
    bid_row(t, "B25")["bond_refunded_on"] = "2024-06-24"
    alerts = scan(make_dataset(t), "late_bond_refund", backend)
    assert list(alerts["tender_id"]) == ["T1"] and companies_of(alerts) == [["C2"]]
    ev = json.loads(alerts.iloc[0]["evidence"])
    assert ev["deadline"] == "2024-10-08" and ev["n_late"] == 1 and ev["bids"][0]["bid_id"] == "B12"


def test_bond_refund_from_the_contracts_table(make_dataset):
    t = world(contracts=contracts({"contract_id": "K1", "tender_id": "T1", "amount": 900_000.0,
                                   "signed_on": "2024-07-01"}))
    bid_row(t, "B12")["bond_refunded_on"] = "2024-07-08"   # Monday 07-01 + 5 = Saturday 07-06 → 07-08: on time
    bid_row(t, "B13")["bond_refunded_on"] = "2024-07-09"
    alerts = scan(make_dataset(t), "late_bond_refund")
    assert companies_of(alerts) == [["C3"]]


# ---- 法 第46条 / 条例 第57条: the contract agrees with the award ----------------------------------------------------------

def test_contract_price_departing_from_the_award_fires_within_tolerance_does_not(make_dataset, backend):
    t = dated({"award_price": 900_000.0}, {"award_price": 1_900_000.0},
              contracts=contracts(
                  {"contract_id": "K1", "tender_id": "T1", "amount": 900_000.0},
                  {"contract_id": "K1b", "tender_id": "T1", "amount": 90_000.0},           # a supplement: +10%
                  {"contract_id": "K2", "tender_id": "T2", "supplier_id": "C4", "amount": 1_915_000.0}))  # +0.8%
    alerts = scan(make_dataset(t), "contract_departs_from_award", backend)
    assert list(alerts["tender_id"]) == ["T1"] and companies_of(alerts) == [["C1"]]
    ev = json.loads(alerts.iloc[0]["evidence"])
    assert ev["contract_ids"] == ["K1", "K1b"] and abs(ev["deviation"] - 0.1) < 1e-9
    assert "高出中标价10.0%" in alerts.iloc[0]["message"]


def test_contract_compared_with_the_winning_bid_when_no_award_price(make_dataset):
    # T1 won by C1 with a bid of 900,000; the contract is for 850,000 (−5.6%).
    t = world(contracts=contracts({"contract_id": "K1", "tender_id": "T1", "amount": 850_000.0}))
    alerts = scan(make_dataset(t), "contract_departs_from_award")
    assert json.loads(alerts.iloc[0]["evidence"])["award_from"] == "winner_bid"
    assert "低于中标价" in alerts.iloc[0]["message"]


def test_a_contract_in_another_money_than_the_tender_is_not_compared(make_dataset, backend):
    # amounts are not converted: a USD contract against a yuan tender's winning bid says nothing of a departure
    # (a dataset in another money altogether is not judged by 第46条 at all: test_jurisdiction)
    t = world(contracts=contracts({"contract_id": "K1", "tender_id": "T1", "amount": 850_000.0}))
    for row in t["tenders"]:
        row["currency"] = "CNY"
    t["contracts"][0]["currency"] = "USD"
    assert scan(make_dataset(t), "contract_departs_from_award", backend).empty
    t["contracts"][0]["currency"] = "CNY"  # near miss: the same money, the −5.6 % departure is found
    assert list(scan(make_dataset(t), "contract_departs_from_award", backend)["tender_id"]) == ["T1"]


def test_every_new_rule_cites_its_article_and_declares_coverage():
    expected = {"short_publicity": "第54条", "late_amendment": "第21条", "excessive_performance_bond": "第58条",
                "late_bond_refund": "第57条", "contract_departs_from_award": "第46条"}
    for code, article in expected.items():
        ind = CATALOGUE[code]
        assert article in ind.legal_basis and ind.coverage is not None, code


def test_a_full_three_day_publicity_ending_on_a_sunday_is_low_not_compressed(make_dataset):
    """Published Thursday 2025-06-12, until Sunday 06-15: 3 full days (72 hours), day 3 a Sunday rolled to 06-16 —
    low, saying so; near miss: until Saturday 06-14 (2 days) stays medium."""
    t = dated({"candidates_published_on": "2025-06-12", "publicity_until": "2025-06-15"},
              {"candidates_published_on": "2025-06-12", "publicity_until": "2025-06-14"})
    alerts = scan(make_dataset(t), "short_publicity").set_index("tender_id")
    assert alerts.loc["T1", "severity"] == "low" and "已满3日" in alerts.loc["T1", "message"]
    assert "顺延至2025-06-16" in alerts.loc["T1", "message"] and "压缩" not in alerts.loc["T1", "message"]
    assert alerts.loc["T2", "severity"] == "medium" and "异议期被压缩" in alerts.loc["T2", "message"]


def test_publicity_rules_bind_only_mandatory_projects(make_dataset):
    """条例 第54条: "依法必须进行招标的项目…公示期不得少于3日": a private project outside 843号 (T1) is not judged,
    on the publicity or on a contract signed inside it; the same dates on a state-funded project (T2) are."""
    t = dated({"candidates_published_on": "2024-05-13", "publicity_until": "2024-05-14", "project_id": "P1",
               "awarded_on": "2024-05-14", "contract_signed_on": "2024-05-14"},
              {"candidates_published_on": "2024-05-13", "publicity_until": "2024-05-14", "project_id": "P2",
               "awarded_on": "2024-05-14", "contract_signed_on": "2024-05-14"},
              projects=[{"project_id": "P1", "name": "民营", "state_funded": False, "infrastructure": "none"},
                        {"project_id": "P2", "name": "国有", "state_funded": True}])
    ds = make_dataset(t)
    assert list(scan(ds, "short_publicity")["tender_id"]) == ["T2"]
    assert list(scan(ds, "contract_before_publicity_end")["tender_id"]) == ["T2"]
