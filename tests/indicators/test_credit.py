"""联合惩戒 (法〔2016〕285号; 发改法规〔2018〕457号): sanctioned bidders on the bid deadline."""

from __future__ import annotations

import json

from tests.indicators.helpers import companies_of, scan, world


def sanction(sid: str, measure: str, start: str, end: str | None = None, **who: str) -> dict:
    return {"sanction_id": sid, "measure": measure, "start_on": start, "end_on": end,
            "authority": "长沙市住房和城乡建设局", "reason": "串通投标", **who}


def test_debarred_winner_is_high_and_sanctioned_loser_medium(make_dataset, backend):
    t = world(sanctions=[
        sanction("S1", "debarment", "2024-01-01", "2025-12-31", company_id="C1"),   # T1 winner
        sanction("S2", "dishonest_debtor", "2023-06-01", None, company_id="C5"),     # open-ended; lost T2
    ])
    alerts = scan(make_dataset(t), "sanctioned_bidder", backend)
    got = {r.tender_id: (r.severity, tuple(r.company_ids)) for r in alerts.itertuples()}
    assert got == {"T1": ("high", ("C1",)), "T2": ("medium", ("C5",))}
    row = alerts[alerts["tender_id"] == "T1"].iloc[0]
    assert json.loads(row["evidence"])["won"] is True
    assert "禁止投标" in row["message"] and "并中标" in row["message"]


def test_a_withdrawn_bid_of_a_debarred_company_is_medium(make_dataset):
    t = world(sanctions=[sanction("S1", "blacklist", "2024-01-01", None, company_id="C3")])
    next(b for b in t["bids"] if b["bid_id"] == "B13").update(status="withdrawn", price=None)
    alerts = scan(make_dataset(t), "sanctioned_bidder")
    assert list(alerts["tender_id"]) == ["T1"] and alerts.iloc[0]["severity"] == "medium"
    assert "撤回" in alerts.iloc[0]["message"]


def test_sanction_expired_before_the_deadline_does_not_fire(make_dataset):
    t = world(sanctions=[
        sanction("S1", "debarment", "2022-05-20", "2024-05-19", company_id="C1"),   # T1 deadline 2024-05-20
        sanction("S2", "blacklist", "2024-06-21", None, company_id="C4"),           # starts after T2's deadline
        sanction("S3", "penalty", "2024-01-01", None, company_id="C2"),             # a fine does not bar bidding
    ])
    assert scan(make_dataset(t), "sanctioned_bidder").empty


def test_legal_representative_and_uscc_matches(make_dataset, backend):
    t = world(sanctions=[
        sanction("S1", "dishonest_debtor", "2024-01-01", "2026-01-01", person_id="LR6"),      # C6's legal rep
        sanction("S2", "blacklist", "2024-01-01", "2026-01-01", uscc="91430100MA4L00001J"),
    ])
    t["companies"][1]["uscc"] = "91430100MA4L00001J"
    alerts = scan(make_dataset(t), "sanctioned_bidder", backend)
    assert companies_of(alerts) == [["C2"], ["C6"]]
    via = {r.company_ids[0]: json.loads(r.evidence)["sanctions"][0]["via"] for r in alerts.itertuples()}
    assert via == {"C2": "company", "C6": "person"}
    assert "法定代表人" in alerts[alerts["tender_id"] == "T2"].iloc[0]["message"]
