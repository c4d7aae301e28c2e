"""评标专家 (条例 第46条、第49条、第71条): recusal, favouritism, repeated panels."""

from __future__ import annotations

import json

from tests.indicators.helpers import companies_of, company, scan, world


def panel(tender: str, experts: list[str], bidders: list[str], score: float = 80.0,
          tweak: dict[tuple[str, str], float] | None = None) -> list[dict]:
    """Every expert scores every bidder ``score`` (+ a small spread), plus ``tweak[(expert, company)]``."""
    rows = []
    for i, e in enumerate(experts):
        for j, c in enumerate(bidders):
            s = score + j * 2.0 + (i % 3) * 0.5 + (tweak or {}).get((e, c), 0.0)
            rows.append({"tender_id": tender, "expert_id": e, "company_id": c, "score": s})
    return rows


def experts(*rows: tuple[str, str | None]) -> list[dict]:
    return [{"expert_id": e, "name": f"专家{e}", "employer_id": emp} for e, emp in rows]


# ---- recusal ----------------------------------------------------------------------------------------

def test_expert_employed_by_a_bidder_is_high(make_dataset, backend):
    t = world(experts=experts(("E1", "C2"), ("E2", "C5"), ("E3", None), ("E4", None), ("E5", None)),
              evaluations=panel("T1", ["E1", "E2", "E3"], ["C1", "C2", "C3"])     # E2 works for C5: not in T1
              + panel("T2", ["E3", "E4", "E5"], ["C4", "C5", "C6"]))
    alerts = scan(make_dataset(t), "expert_related_to_bidder", backend)
    assert list(alerts["tender_id"]) == ["T1"] and companies_of(alerts) == [["C2"]]
    row = alerts.iloc[0]
    assert row["severity"] == "high"
    assert json.loads(row["evidence"])["expert_id"] == "E1" and "专家E1" in row["message"]


def test_expert_related_to_a_company_that_did_not_bid_does_not_fire(make_dataset):
    t = world(experts=experts(("E1", None), ("E2", None), ("E3", None)),
              people=[{"person_id": "E1", "company_id": "C4", "role": "shareholder", "share_pct": 30}],
              evaluations=panel("T1", ["E1", "E2", "E3"], ["C1", "C2", "C3"]))
    assert scan(make_dataset(t), "expert_related_to_bidder").empty


def test_expert_holding_a_role_in_a_bidder_and_employer_related(make_dataset, backend):
    t = world(experts=experts(("E1", None), ("E2", "X9"), ("E3", None)),
              people=[{"person_id": "E1", "company_id": "C6", "role": "executive"},
                      {"person_id": "E1", "company_id": "C2", "role": "employee", "until": "2020-12-31"}],
              evaluations=panel("T2", ["E1", "E2", "E3"], ["C4", "C5", "C6"])
              + panel("T1", ["E1", "E2", "E3"], ["C1", "C2", "C3"]))
    t["companies"].append(company("X9", "某设计院", legal_rep_id="LR4"))    # X9 shares C4's legal representative
    alerts = scan(make_dataset(t), "expert_related_to_bidder", backend)
    got = {(r.tender_id, json.loads(r.evidence)["expert_id"]): (r.severity, tuple(r.company_ids))
           for r in alerts.itertuples()}
    assert got == {("T2", "E1"): ("high", ("C6",)), ("T2", "E2"): ("medium", ("C4",))}


# ---- favouritism --------------------------------------------------------------------------------------

def favour_world(n_favoured: int) -> dict:
    t = world(experts=experts(*[(f"E{i}", None) for i in range(1, 6)]))
    t["tenders"] = []
    t["bids"] = []
    t["evaluations"] = []
    for k in range(1, 5):
        tid = f"T{k}"
        t["tenders"].append({"tender_id": tid, "title": f"{tid}工程", "winner_id": "C2"})
        for j, c in enumerate(["C1", "C2", "C3"]):
            t["bids"].append({"bid_id": f"{tid}{c}", "tender_id": tid, "company_id": c, "price": 1e6 + j})
        tweak = {("E1", "C2"): 20.0} if k <= n_favoured else {}
        tweak[("E2", "C1")] = 1.5 if k % 2 else -1.5                   # noise, no pattern
        # E3 is lenient with everybody: a harsh or generous expert is not a biased one
        tweak.update({("E3", c): 10.0 for c in ["C1", "C2", "C3"]})
        t["evaluations"] += panel(tid, ["E1", "E2", "E3", "E4"], ["C1", "C2", "C3"], tweak=tweak)
    return t


def test_expert_favouring_one_company_in_three_tenders(make_dataset, backend):
    alerts = scan(make_dataset(favour_world(3)), "expert_favouritism", backend)
    assert sorted(alerts["tender_id"]) == ["T1", "T2", "T3"]
    assert companies_of(alerts) == [["C2"]] * 3
    ev = json.loads(alerts.iloc[0]["evidence"])
    assert ev["expert_id"] == "E1" and ev["n_tenders"] == 3 and ev["mean_bias"] > 0.1


def test_favouring_in_two_tenders_only_does_not_fire(make_dataset):
    assert scan(make_dataset(favour_world(2)), "expert_favouritism").empty


# ---- repeated panels -----------------------------------------------------------------------------------

def repeat_world() -> dict:
    t = world(experts=experts(*[(f"E{i:02d}", None) for i in range(1, 31)]))
    t["companies"] += [company("G1", "甲城投公司"), company("G2", "乙交投公司"), company("G3", "丙水投公司")]
    t["tenders"], t["bids"], t["evaluations"] = [], [], []
    for k in range(40):
        tid = f"T{k:02d}"
        tenderer = "G1" if k < 6 else ("G2" if k < 30 else "G3")
        t["tenders"].append({"tender_id": tid, "title": tid, "tenderer_id": tenderer})
        t["bids"] += [{"bid_id": f"{tid}{c}", "tender_id": tid, "company_id": c, "price": 1e6} for c in ("C1", "C2")]
        # rotate through the pool: 5 experts per panel
        chosen = [f"E{3 + (k * 5 + i) % 28:02d}" for i in range(5)]
        if tenderer == "G1":
            chosen[0] = "E01"                                          # E01 sits on all six G1 panels
        if tenderer == "G2" and k % 4 == 0:
            chosen[0] = "E02"                                          # E02: 6 of G2's 24 panels
        t["evaluations"] += panel(tid, chosen, ["C1", "C2"])
    return t


def test_same_expert_on_all_of_one_tenderers_panels(make_dataset, backend):
    alerts = scan(make_dataset(repeat_world()), "expert_repeat_panel", backend)
    experts_hit = {json.loads(e)["expert_id"] for e in alerts["evidence"]}
    assert experts_hit == {"E01"}
    assert sorted(alerts["tender_id"]) == [f"T{k:02d}" for k in range(6)]
    assert companies_of(alerts)[0] == ["G1"]
    ev = json.loads(alerts.iloc[0]["evidence"])
    assert ev["panels_with_tenderer"] == 6 and ev["expected"] < 1.5
