"""Networks across the dataset: 抱团投标, 轮流坐庄, 陪标专业户 and relationship communities."""

from __future__ import annotations

import json

import pytest

from tests.indicators.helpers import company, scan, world
from tests.indicators.helpers import market as make_market


def _market() -> dict:
    rows: list[tuple[str, str | None, list[str]]] = []
    for i, w in enumerate(["C1", "C2", "C3", "C1", "C2", "C3", "C1"]):  # a stable group taking turns
        rows.append((f"R{i}", w, ["C1", "C2", "C3", f"O{i}"]))        # with one outsider each time
    for i in range(7):                                                 # a stable group, one company always wins
        rows.append((f"D{i}", "C6", ["C6", "C7", "C8"]))
    for i in range(8):                                                 # three large firms that meet often, but
        rows.append((f"X{i}", f"F{i}", ["C4", "C5", "C12", *[f"F{i}{j}" for j in range(6)], f"F{i}"]))  # among many
    for i in range(10):
        rows.append((f"Y{i}", f"G{i}", ["C4", f"G{i}", f"GG{i}"]))
        rows.append((f"Z{i}", f"H{i}", ["C5", f"H{i}", f"HH{i}"]))
    for i in range(25):                                                # C9 always loses, six times to C10
        w = "C10" if i < 6 else f"J{i}"
        rows.append((f"L{i:02d}", w, [w, "C9", f"JJ{i}"]))
    for i in range(25):                                                # C11 loses often but wins 6 of 25
        w = "C11" if i < 6 else f"K{i}"
        rows.append((f"M{i:02d}", w, [w, "C11", f"KK{i}"]))
    return make_market(rows)


@pytest.fixture(scope="module")
def market_alerts(tmp_path_factory: pytest.TempPathFactory) -> dict:
    import pandas as pd

    from bidwatch.contract import load_dataset, save_dataset

    out = tmp_path_factory.mktemp("market")
    save_dataset({k: pd.DataFrame(v) for k, v in _market().items()}, out)
    ds = load_dataset(out)
    return {code: scan(ds, code) for code in ("cobidding_group", "bid_rotation", "serial_loser")}


def test_cobidding_groups_are_named_on_each_tender(market_alerts):
    alerts = market_alerts["cobidding_group"]
    by_tender = {t: ids for t, ids in zip(alerts["tender_id"], alerts["company_ids"], strict=True)}
    assert sorted(by_tender) == [f"D{i}" for i in range(7)] + [f"R{i}" for i in range(7)]
    assert by_tender["R0"] == ["C1", "C2", "C3"] and by_tender["D0"] == ["C6", "C7", "C8"]
    ev = json.loads(alerts[alerts["tender_id"] == "R0"].iloc[0]["evidence"])
    assert ev["group"] == ["C1", "C2", "C3"] and ev["group_tenders"] == 7
    assert ev["sets"] == [{"members": ["C1", "C2", "C3"], "tenders": 7, "dominance": 0.75}]
    assert set(alerts["severity"]) == {"low"}          # a lead: local firms of a small market meet often


def test_firms_meeting_often_among_many_bidders_are_no_group(market_alerts):
    alerts = market_alerts["cobidding_group"]
    assert not any("C4" in ids or "C5" in ids for ids in alerts["company_ids"])   # 3 of 10 bidders each time


def test_rotation_inside_a_group_and_not_when_one_always_wins(market_alerts):
    alerts = market_alerts["bid_rotation"]
    assert sorted(alerts["tender_id"]) == [f"R{i}" for i in range(7)]
    ev = json.loads(alerts.iloc[0]["evidence"])
    assert ev["wins"] == {"C1": 3, "C2": 2, "C3": 2}
    assert "轮流" in alerts.iloc[0]["message"]
    # C1 C2 C3 C1 C2 C3 C1 in date order: turns no random draw among the three gives so regularly
    assert set(alerts["severity"]) == {"medium"}
    assert ev["p_turn"] <= 0.05 and ev["turns_probability"] <= ev["level"] == 0.05
    assert "疑似轮流坐庄" in alerts.iloc[0]["message"] and "概率约为" in alerts.iloc[0]["message"]


def _shared_wins(order: list[str]) -> list[tuple[str, str | None, list[str]]]:
    return [(f"S{i}", w, ["C1", "C2", "C3", f"O{i}"]) for i, w in enumerate(order)]


def test_the_same_group_sharing_wins_as_chance_shares_them_is_a_lead(make_dataset, backend):
    """The near miss: the same three firms, the same 3-2-2 split of seven wins, but not in turns (C1 wins twice
    running, C3 too): three local contractors competing would share the wins like this about as often as not."""
    alerts = scan(make_dataset(make_market(_shared_wins(["C1", "C1", "C2", "C1", "C3", "C3", "C2"]))),
                  "bid_rotation", backend)
    assert sorted(alerts["tender_id"]) == [f"S{i}" for i in range(7)]
    assert set(alerts["severity"]) == {"low"}
    ev = json.loads(alerts.iloc[0]["evidence"])
    assert ev["wins"] == {"C1": 3, "C2": 2, "C3": 2} and ev["turns_probability"] > 0.05
    assert "与成员之间的正常竞争相符" in alerts.iloc[0]["message"]
    # the planted positive on the same backend: the same wins in turns
    alerts = scan(make_dataset(make_market(_shared_wins(["C1", "C2", "C3", "C1", "C2", "C3", "C1"]))),
                  "bid_rotation", backend)
    assert set(alerts["severity"]) == {"medium"}


def test_turns_chance_is_small_for_a_strict_round_and_large_for_random_wins():
    import numpy as np

    from bidwatch.indicators.network import _turns_chance

    ring = ["A", "B", "C", "D"] * 3
    present = [["A", "B", "C", "D"]] * 12
    strict = _turns_chance(ring, present, 2000, 1)
    assert strict["p_turn"] < 0.001 and strict["p"] < 0.01
    rng = np.random.default_rng(5)
    drawn = [str(x) for x in rng.choice(list("ABCD"), 12)]
    assert _turns_chance(drawn, present, 2000, 1)["p"] > 0.05
    # one tender taken out of turn (B before A in the second round) still reads as turns
    assert _turns_chance(["A", "B", "C", "D", "B", "A", "C", "D", "A", "B", "C", "D"], present, 2000, 1)["p"] < 0.05


def test_serial_loser_is_named_on_the_tenders_won_by_its_partner(market_alerts):
    alerts = market_alerts["serial_loser"]
    assert sorted(alerts["tender_id"]) == [f"L{i:02d}" for i in range(6)]
    assert all(ids == ["C10", "C9"] for ids in alerts["company_ids"])
    ev = json.loads(alerts.iloc[0]["evidence"])
    assert ev["loser_id"] == "C9" and ev["wins"] == 0 and ev["n_bids"] == 25 and ev["p_value"] < 0.001
    assert not any("C11" in ids for ids in alerts["company_ids"])   # 6 wins of 25: an ordinary loser


def test_duckdb_and_other_backends_agree_on_groups(make_dataset, backend):
    alerts = scan(make_dataset(_market()), "bid_rotation", backend)
    assert sorted(alerts["tender_id"]) == [f"R{i}" for i in range(7)]


def test_relationship_community_links_companies_through_a_third(make_dataset, backend):
    t = world(people=[{"person_id": "P9", "name": "钱七", "company_id": "C7", "role": "executive"},
                      {"person_id": "P9", "name": "钱七", "company_id": "C3", "role": "shareholder", "share_pct": 20}])
    t["companies"].append(company("C7", "Eta咨询有限公司", phone="13907310001"))   # C1's phone
    # T2: C4, C5 share a phone with six other companies: an agency's number, not a relation
    for c in ("C4", "C5"):
        next(x for x in t["companies"] if x["company_id"] == c)["phone"] = "0731-88886666"
    t["companies"] += [company(f"A{i}", phone="0731-88886666") for i in range(6)]
    alerts = scan(make_dataset(t), "related_company_community", backend)
    assert list(alerts["tender_id"]) == ["T1"]
    assert list(alerts.iloc[0]["company_ids"]) == ["C1", "C3"]
    ev = json.loads(alerts.iloc[0]["evidence"])
    assert ev["community"] == ["C1", "C3", "C7"] and ev["links"] == []   # linked only through C7
    assert alerts.iloc[0]["severity"] == "medium"


def test_community_reports_direct_links_between_the_bidders(make_dataset):
    t = world()
    t["companies"][5]["legal_rep_id"] = "LR4"                          # C4 and C6 share a legal representative
    alerts = scan(make_dataset(t), "related_company_community")
    assert list(alerts["tender_id"]) == ["T2"]
    links = json.loads(alerts.iloc[0]["evidence"])["links"]
    assert links == [{"kind": "legal_rep", "value": "LR4", "companies": ["C4", "C6"]}]


def test_a_device_shared_in_another_tender_is_a_low_lead(make_dataset):
    t = world()
    t["tenders"].append({"tender_id": "T3", "title": "三号", "ceiling_price": 1e6})
    t["bids"] += [{"bid_id": "B31", "tender_id": "T3", "company_id": "C1", "price": 9e5},
                  {"bid_id": "B34", "tender_id": "T3", "company_id": "C4", "price": 9.2e5}]
    t["bids"].append({"bid_id": "B21", "tender_id": "T2", "company_id": "C1", "price": 2.05e6})
    t["bid_files"] = [{"bid_id": b["bid_id"], "machine_code": f"MC-{b['bid_id']}"} for b in t["bids"]]
    for f in t["bid_files"]:
        if f["bid_id"] in ("B31", "B34"):
            f["machine_code"] = "BFEBFBFF000906EA"          # one computer prepared both bids in T3
    alerts = scan(make_dataset(t), "related_company_community")
    got = {r.tender_id: r.severity for r in alerts.itertuples()}
    assert got == {"T2": "low", "T3": "low"}                 # T3 is same_preparer's; T2 only a lead


def test_companies_get_a_network_risk(tmp_path):
    import pandas as pd

    from bidwatch.contract import load_dataset, save_dataset
    from bidwatch.scan import run_scan

    save_dataset({k: pd.DataFrame(v) for k, v in _market().items()}, tmp_path / "m")
    result = run_scan(load_dataset(tmp_path / "m"), only=["cobidding_group", "bid_rotation", "serial_loser"])
    risk = result.companies.set_index("company_id")
    assert risk.loc["C1", "network_risk"] > 40 and risk.loc["C9", "network_risk"] > 0
    assert "关联网络风险" in risk.loc["C1", "explanation"] and "轮流坐庄" in risk.loc["C1", "explanation"]
    assert risk.loc["C11", "risk_score"] == 0                             # an ordinary loser


def test_candidates_only_tenders_are_not_counted(make_dataset):
    """The same stable group, but where only the winning candidates were published: the other bidders of those
    tenders are unknown, so neither the group's dominance nor C9's expected wins can be judged."""
    t = _market()
    for row in t["tenders"]:
        row["bid_list"] = "candidates" if row["tender_id"][0] in "DL" else "all"
    ds = make_dataset(t)
    groups = scan(ds, "cobidding_group")
    assert not any(tid.startswith("D") for tid in groups["tender_id"])
    assert any(tid.startswith("R") for tid in groups["tender_id"])          # complete lists: still found
    assert not any("C9" in ids for ids in scan(ds, "serial_loser")["company_ids"])


def test_without_dates_the_turns_are_not_tested(make_dataset):
    """The strict round of the planted positive, but the tenders carry no bid deadline or announcement: in tender-id
    order a "turn" is an accident of numbering, so only the evenness of the wins (3-2-2 of 7: as chance gives it)
    is tested, and the alerts are a lead that says so."""
    t = make_market(_shared_wins(["C1", "C2", "C3", "C1", "C2", "C3", "C1"]))
    for row in t["tenders"]:
        row.pop("bid_deadline", None)
    alerts = scan(make_dataset(t), "bid_rotation")
    assert sorted(alerts["tender_id"]) == [f"S{i}" for i in range(7)] and set(alerts["severity"]) == {"low"}
    ev = json.loads(alerts.iloc[0]["evidence"])
    assert ev["dated"] is False and ev["p_turn"] is None and ev["turns_probability"] == ev["p_even"] > 0.05
    assert "只检验了中标分布的均匀程度" in alerts.iloc[0]["message"]
