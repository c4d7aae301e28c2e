"""Missing data is never evidence (issue 11 item 2): indicators that count or compare bidders judge only the
tenders whose bids are the whole bid list (``tenders.bid_list``), and every indicator reports its coverage."""

from __future__ import annotations

import json

from bidwatch.scan import run_scan
from tests.indicators.helpers import scan, world


def _tender(tid: str, winner: str, **extra):
    return {"tender_id": tid, "title": f"{tid}标段", "category": "works", "procedure": "open",
            "bid_deadline": "2024-07-01 09:30:00", "winner_id": winner, **extra}


def _few_world(**t3_extra):
    tables = world()
    # T3: two bidders only and a winner
    tables["tenders"].append(_tender("T3", "C1", **t3_extra))
    tables["bids"] += [
        {"bid_id": "B31", "tender_id": "T3", "company_id": "C1", "price": 500_000.0},
        {"bid_id": "B32", "tender_id": "T3", "company_id": "C2", "price": 520_000.0},
    ]
    return tables


def test_two_bidders_in_a_complete_list_is_few_bidders(make_dataset, backend):
    alerts = scan(make_dataset(_few_world(bid_list="all")), "few_bidders", backend)
    assert list(alerts["tender_id"]) == ["T3"]
    assert json.loads(alerts.iloc[0]["evidence"])["n_bidders"] == 2


def test_inferred_bid_list_counts_bids_that_exist(make_dataset):
    alerts = scan(make_dataset(_few_world()), "few_bidders")  # no bid_list column: inferred all
    assert list(alerts["tender_id"]) == ["T3"]


def test_candidates_only_or_no_bids_is_not_checked(make_dataset, backend):
    tables = _few_world(bid_list="candidates")
    # T4: awarded, no bids in the data at all (a 中标结果公告 that names only the winner)
    tables["tenders"].append(_tender("T4", "C3"))
    ds = make_dataset(tables)
    alerts = scan(ds, "few_bidders", backend)
    assert alerts.empty, alerts["message"].tolist()
    cov = run_scan(ds, only=["few_bidders"], engine=backend).summary["coverage"]["few_bidders"]
    # in scope: the four awarded open tenders; checked: T1 and T2 only
    assert cov == {"unit": "tenders", "in_scope": 4, "checked": 2, "share": 0.5}


def test_disqualification_rules_skip_candidate_lists(make_dataset):
    tables = world()
    for b in tables["bids"]:
        if b["tender_id"] == "T1" and b["company_id"] != "C1":
            b["status"] = "disqualified"
    tables["tenders"][0]["award_method"] = "lowest_price"
    tables["tenders"][1]["award_method"] = "comprehensive"
    positive = scan(make_dataset(tables), "all_but_winner_disqualified")
    assert list(positive["tender_id"]) == ["T1"]
    tables["tenders"][0]["bid_list"] = "candidates"
    ds = make_dataset(tables)
    assert scan(ds, "all_but_winner_disqualified").empty
    summary = run_scan(ds, only=["all_but_winner_disqualified", "lowest_bid_disqualified"]).summary
    assert summary["coverage"]["all_but_winner_disqualified"]["checked"] == 1
    assert summary["coverage"]["lowest_bid_disqualified"] == {
        "unit": "tenders", "in_scope": 1, "checked": 0, "share": 0.0}


def test_a_skipped_indicator_checked_nothing(make_dataset):
    ds = make_dataset(world())
    summary = run_scan(ds, only=["same_bond_account"]).summary  # no bonds table
    assert summary["coverage"]["same_bond_account"]["checked"] == 0
    assert summary["coverage"]["same_bond_account"]["in_scope"] == 2
