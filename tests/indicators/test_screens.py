"""Price screens (collusion family, statistical) and the winning price at the ceiling (条例 第41条)."""

from __future__ import annotations

import json

import pytest

from bidwatch.model.screens import tender_screens
from tests.indicators.helpers import companies_of, scan, world

COVER = [1_000_000.0, 1_100_000.0, 1_101_000.0, 1_102_000.0, 1_103_000.0, 1_104_000.0]   # cover bids
SPREAD = [1_000_000.0, 1_040_000.0, 1_080_000.0, 1_120_000.0, 1_160_000.0, 1_200_000.0]  # evenly spread


def six_bidders(t1: list[float], t2: list[float]) -> dict:
    t = world(companies=world()["companies"] + [
        {"company_id": f"C{i}", "name": f"投标人{i}有限公司"} for i in range(7, 13)])
    t["bids"] = [{"bid_id": f"B1{i}", "tender_id": "T1", "company_id": f"C{i + 1}", "price": p}
                 for i, p in enumerate(t1)]
    t["bids"] += [{"bid_id": f"B2{i}", "tender_id": "T2", "company_id": f"C{i + 7}", "price": p}
                  for i, p in enumerate(t2)]
    t["tenders"][1]["winner_id"] = "C7"
    return t


def test_cover_bids_fire_and_an_even_spread_does_not(make_dataset, backend):
    alerts = scan(make_dataset(six_bidders(COVER, SPREAD)), "price_screen", backend)
    assert list(alerts["tender_id"]) == ["T1"]
    ev = json.loads(alerts.iloc[0]["evidence"])
    assert {"DIFFP", "RD", "RDNOR", "RDALT", "SKEW"} <= set(ev["flagged"])
    assert ev["screens"]["DIFFP"] == pytest.approx(tender_screens(COVER)["DIFFP"])
    assert len(ev["flagged"]) == 7 and alerts.iloc[0]["severity"] == "low"   # 8 or more: medium
    assert companies_of(alerts) == [[f"C{i}" for i in range(1, 7)]]


def test_too_few_bids_are_not_screened(make_dataset):
    t = world()  # three bids per tender: below min_bids
    assert scan(make_dataset(t), "price_screen").empty


def test_award_within_half_a_percent_of_the_ceiling(make_dataset, backend):
    t = world()
    t["tenders"][0]["award_price"] = 1_096_000.0                          # 0.36% below 1.1M
    t["tenders"][1]["award_price"] = 2_180_000.0                          # 0.91% below 2.2M
    alerts = scan(make_dataset(t), "award_near_ceiling", backend)
    assert list(alerts["tender_id"]) == ["T1"] and companies_of(alerts) == [["C1"]]
    assert json.loads(alerts.iloc[0]["evidence"])["below_ceiling"] == pytest.approx(4 / 1100)
    assert alerts.iloc[0]["severity"] == "medium"                      # only three bidders
    assert "缺乏实质性的价格竞争" in alerts.iloc[0]["message"]              # the ceiling is public: no leak alleged
    assert "第27条" in alerts.iloc[0]["legal_basis"]


def test_a_fixed_fee_every_bidder_bids_is_no_missing_competition(make_dataset, backend):
    # the near miss: three bidders, every one at the published 1.1M (a 造价咨询 fee at the guidance rate: the marks
    # decide, the price does not compete) — a lead, not a medium alert
    t = world()
    for b in t["bids"][:3]:
        b["price"] = 1_100_000.0
    alerts = scan(make_dataset(t), "award_near_ceiling", backend)
    assert list(alerts["tender_id"]) == ["T1"] and alerts.iloc[0]["severity"] == "low"
    ev = json.loads(alerts.iloc[0]["evidence"])
    assert ev["fixed_fee"] is True and ev["below_ceiling"] == 0
    assert "等于最高投标限价" in alerts.iloc[0]["message"] and "价格不参与竞争" in alerts.iloc[0]["message"]
    # the planted positive: the winner at the ceiling, the two others 0.1% and 0.2% below it — they competed on
    # nothing either, but the tender let them: medium as before
    t["bids"][1]["price"], t["bids"][2]["price"] = 1_098_900.0, 1_097_800.0
    alerts = scan(make_dataset(t), "award_near_ceiling", backend)
    assert alerts.iloc[0]["severity"] == "medium"
    assert json.loads(alerts.iloc[0]["evidence"])["fixed_fee"] is False


def test_award_near_ceiling_with_only_the_candidates_is_low(make_dataset):
    t = world()
    t["tenders"][0]["award_price"] = 1_096_000.0
    t["tenders"][0]["bid_list"] = "candidates"          # three candidates published: the bidders are unknown
    t["tenders"][1]["bid_list"] = "all"
    alerts = scan(make_dataset(t), "award_near_ceiling")
    assert list(alerts["tender_id"]) == ["T1"] and alerts.iloc[0]["severity"] == "low"


def test_award_price_falls_back_to_the_winning_bid(make_dataset):
    t = six_bidders([1_099_000.0 + 150 * i for i in range(6)], SPREAD)   # C1 wins T1 at 0.09% below the ceiling
    alerts = scan(make_dataset(t), "award_near_ceiling")
    assert list(alerts["tender_id"]) == ["T1"]
    assert alerts.iloc[0]["severity"] == "low"                         # six bidders


def test_statistical_leads_weigh_less_than_hard_evidence():
    import pandas as pd

    from bidwatch.config import load_settings
    from bidwatch.scoring import risk_table

    def alert(tender: str, code: str, severity: str, score: float = 1.0) -> dict:
        return {"tender_id": tender, "indicator": code, "severity": severity, "score": score, "name_zh": code,
                "family": "collusion"}

    alerts = pd.DataFrame([alert("T1", "identical_bid_prices", "high")]
                          + [alert("T2", "price_screen", "low") for _ in range(5)]
                          + [alert("T3", "price_screen", "medium"), alert("T3", "cobidding_group", "medium")])
    risk = risk_table(alerts, "tender_id", load_settings()).set_index("tender_id")["risk_score"]
    assert risk["T1"] == 70.0                       # one high alert: 100 × 0.7
    assert risk["T2"] < 15                          # five low screens, with diminishing returns
    assert 30 < risk["T3"] < risk["T1"]             # two different medium leads


def test_a_cover_bid_shape_that_chance_gives_five_bids_is_not_alerted(make_dataset, backend):
    # seven screens beyond their thresholds, as five independent bids give them about 3% of the time
    near = [1_000_000.0, 1_030_000.0, 1_038_000.0, 1_045_000.0, 1_050_000.0]
    t = six_bidders(COVER, SPREAD)
    t["bids"] = [b for b in t["bids"] if b["tender_id"] == "T1"]
    t["bids"] += [{"bid_id": f"B2{i}", "tender_id": "T2", "company_id": f"C{i + 7}", "price": p}
                  for i, p in enumerate(near)]
    alerts = scan(make_dataset(t), "price_screen", backend)
    assert list(alerts["tender_id"]) == ["T1"]
    assert json.loads(alerts.iloc[0]["evidence"])["probability"] <= 0.01
    assert "概率" in alerts.iloc[0]["message"]


def test_tenders_with_only_the_candidates_are_not_screened(make_dataset):
    t = six_bidders(COVER, SPREAD)
    t["tenders"][0]["bid_list"] = "candidates"
    t["tenders"][1]["bid_list"] = "all"
    assert scan(make_dataset(t), "price_screen").empty


def test_the_market_pool_does_not_depend_on_the_order_of_the_bids() -> None:
    # The simulation draws from the pool by position: a pool in the row order of an unordered query made the
    # same 1M-bid dataset give 4,153 to 4,234 price_screen alerts from run to run.
    import numpy as np
    import pandas as pd

    from bidwatch.indicators.screens import _market_residuals

    rng = np.random.default_rng(3)
    bids = pd.DataFrame({"tender_id": np.repeat([f"T{i}" for i in range(40)], 6),
                         "price": rng.uniform(90, 110, 240).round(2)})
    pool = _market_residuals(bids, 5)
    for seed in range(5):
        shuffled = bids.sample(frac=1.0, random_state=seed).reset_index(drop=True)
        assert np.array_equal(_market_residuals(shuffled, 5), pool)
    assert len(pool) == 240 and np.all(np.diff(pool) >= 0)
