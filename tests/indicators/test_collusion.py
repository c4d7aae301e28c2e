"""第40条 / 第34条 indicators: each with a planted positive and a near miss that must not fire."""

from __future__ import annotations

import json

from tests.indicators.helpers import bid_row, companies_of, scan, world


def files(**by_bid: dict) -> list[dict]:
    rows = []
    for bid in ("B11", "B12", "B13", "B24", "B25", "B26"):
        row = {"bid_id": bid, "machine_code": f"MC-{bid}", "mac": f"00-11-22-33-44-{bid[-2:]}",
               "disk_serial": f"WD-{bid}", "ca_lock_id": f"CA{bid}", "author": f"作者{bid}",
               "tool_serial": f"GLD-{bid}", "ip": f"10.0.0.{bid[-2:]}"}
        row.update(by_bid.get(bid, {}))
        rows.append(row)
    return rows


# ---- 第40条(一) same preparer ---------------------------------------------------------------

def test_same_mac_in_two_notations_fires_high(make_dataset, backend):
    ds = make_dataset(world(bid_files=files(B11={"mac": "AA-BB-CC-00-11-22"}, B12={"mac": "aabb.cc00.1122"})))
    alerts = scan(ds, "same_preparer", backend)
    assert companies_of(alerts) == [["C1", "C2"]]
    row = alerts.iloc[0]
    assert row["severity"] == "high"
    ev = json.loads(row["evidence"])
    assert ev["matches"][0]["field"] == "mac" and ev["matches"][0]["value"] == "AABBCC001122"
    assert ev["matches"][0]["raw"]  # as stored by the loader (which may already canonicalise MACs)
    assert ev["bids"] == ["B11", "B12"]
    assert "MAC地址" in row["message"] and "Alpha建设工程有限公司" in row["message"]


def test_several_shared_fingerprints_make_one_alert(make_dataset):
    ds = make_dataset(world(bid_files=files(B11={"machine_code": "M1", "ca_lock_id": "L9"},
                                            B13={"machine_code": "m1", "ca_lock_id": "L9"})))
    alerts = scan(ds, "same_preparer")
    assert companies_of(alerts) == [["C1", "C3"]]
    fields = [m["field"] for m in json.loads(alerts.iloc[0]["evidence"])["matches"]]
    assert fields == ["ca_lock_id", "machine_code"]


def test_same_mac_in_two_different_tenders_does_not_fire(make_dataset, backend):
    ds = make_dataset(world(bid_files=files(B11={"mac": "AA-BB-CC-00-11-22"}, B24={"mac": "aa:bb:cc:00:11:22"})))
    assert scan(ds, "same_preparer", backend).empty


def test_generic_author_does_not_fire(make_dataset):
    ds = make_dataset(world(bid_files=files(B11={"author": "Administrator"}, B12={"author": "administrator"})))
    assert scan(ds, "same_preparer").empty


def test_shared_ip_alone_is_medium(make_dataset, backend):
    ds = make_dataset(world(bid_files=files(B12={"ip": "10.1.1.1"}, B13={"ip": "10.1.1.1"})))
    alerts = scan(ds, "shared_ip", backend)
    assert companies_of(alerts) == [["C2", "C3"]]
    assert alerts.iloc[0]["severity"] == "medium"
    assert scan(ds, "same_preparer").empty


# ---- 第40条(二)(三) same agent / project manager -------------------------------------------

def test_same_agent_fires_and_same_company_across_tenders_does_not(make_dataset, backend):
    t = world(people=[{"person_id": "AG1", "name": "王五", "company_id": "C1", "role": "agent"}])
    bid_row(t, "B11")["agent_id"] = "AG1"
    bid_row(t, "B13")["agent_id"] = "AG1"
    bid_row(t, "B24")["agent_id"] = "AG7"  # one agent, one company, two tenders: lawful
    bid_row(t, "B12")["agent_id"] = "AG7"
    alerts = scan(make_dataset(t), "same_agent", backend)
    assert companies_of(alerts) == [["C1", "C3"]]
    assert "王五" in alerts.iloc[0]["message"]


def test_same_project_manager(make_dataset, backend):
    t = world()
    bid_row(t, "B24")["project_manager_id"] = "PM1"
    bid_row(t, "B26")["project_manager_id"] = "PM1"
    bid_row(t, "B11")["project_manager_id"] = "PM2"
    alerts = scan(make_dataset(t), "same_project_manager", backend)
    assert companies_of(alerts) == [["C4", "C6"]]
    assert alerts.iloc[0]["legal_basis"].endswith("第40条第(三)项")


# ---- 第40条(四) identical unit prices, prices, documents; regular differences ---------------

def boq(bid: str, prices: list[float]) -> list[dict]:
    return [{"bid_id": bid, "item_code": f"0101010{i:02d}", "unit_price": p} for i, p in enumerate(prices)]


def test_identical_unit_prices_on_most_items(make_dataset, backend):
    base = [100.0 + i for i in range(10)]
    copy9 = base[:9] + [999.0]
    other = [p * 1.07 for p in base]
    ds = make_dataset(world(bid_items=boq("B11", base) + boq("B12", copy9) + boq("B13", other)))
    alerts = scan(ds, "identical_unit_prices", backend)
    assert companies_of(alerts) == [["C1", "C2"]]
    ev = json.loads(alerts.iloc[0]["evidence"])
    assert ev["identical_items"] == 9 and ev["compared_items"] == 10


def test_seventy_percent_identical_and_provisional_sums_do_not_fire(make_dataset):
    base = [100.0 + i for i in range(10)]
    copy7 = base[:7] + [901.0, 902.0, 903.0]
    # items 0-3 are provisional sums: every bidder has the same price, so they are not evidence
    third = base[:4] + [p * 1.1 for p in base[4:]]
    ds = make_dataset(world(bid_items=boq("B11", base) + boq("B12", copy7) + boq("B13", third)))
    assert scan(ds, "identical_unit_prices").empty


def test_identical_bid_prices(make_dataset, backend):
    t = world()
    bid_row(t, "B26")["price"] = 1_985_000.0
    bid_row(t, "B12")["price"] = 900_000.01  # one fen apart: not identical
    alerts = scan(make_dataset(t), "identical_bid_prices", backend)
    assert companies_of(alerts) == [["C5", "C6"]]
    assert "1,985,000.00元" in alerts.iloc[0]["message"]


def test_prices_three_percent_apart_without_pattern_do_not_fire(make_dataset, backend):
    assert scan(make_dataset(world()), "regular_price_pattern", backend).empty


def test_arithmetic_progression_with_an_interloper(make_dataset, backend):
    t = world(companies=world()["companies"] + [
        {"company_id": "C7", "name": "Eta建设工程有限公司"}])
    bid_row(t, "B11")["price"] = 1_000_000.0
    bid_row(t, "B12")["price"] = 1_030_000.0
    bid_row(t, "B13")["price"] = 1_060_000.0
    t["bids"].append({"bid_id": "B17", "tender_id": "T1", "company_id": "C7", "price": 1_041_234.0})
    alerts = scan(make_dataset(t), "regular_price_pattern", backend)
    assert companies_of(alerts) == [["C1", "C2", "C3"]]
    assert alerts.iloc[0]["severity"] == "medium"
    assert "等差" in alerts.iloc[0]["message"]


def test_geometric_progression(make_dataset):
    t = world()
    bid_row(t, "B24")["price"] = 1_800_000.0
    bid_row(t, "B25")["price"] = round(1_800_000.0 * 1.02, 2)
    bid_row(t, "B26")["price"] = round(1_800_000.0 * 1.02 * 1.02, 2)
    alerts = scan(make_dataset(t), "regular_price_pattern")
    assert companies_of(alerts) == [["C4", "C5", "C6"]]
    assert "等比" in alerts.iloc[0]["message"]


def test_identical_discount_to_the_ceiling(make_dataset):
    t = world()
    bid_row(t, "B11")["price"] = 1_045_000.00  # 5.00% below 1,100,000
    bid_row(t, "B12")["price"] = 1_045_000.40  # also 5.00% to four decimals, but not the same price
    alerts = scan(make_dataset(t), "regular_price_pattern")
    assert companies_of(alerts) == [["C1", "C2"]]
    assert json.loads(alerts.iloc[0]["evidence"])["patterns"][0]["kind"] == "identical_discount"


def test_fixed_ratio_across_tenders(make_dataset):
    t = world()
    t["tenders"].append({"tender_id": "T3", "title": "三号", "ceiling_price": 3_300_000.0})
    t["bids"] += [
        {"bid_id": "B31", "tender_id": "T3", "company_id": "C1", "price": 3_000_000.0},
        {"bid_id": "B32", "tender_id": "T3", "company_id": "C2", "price": 3_090_000.0},
    ]
    t["bids"] += [
        {"bid_id": "B21", "tender_id": "T2", "company_id": "C1", "price": 2_100_000.0},
        {"bid_id": "B22", "tender_id": "T2", "company_id": "C2", "price": 2_163_000.0},
    ]
    # T1: 900,000 and 927,000 = ×1.03 too
    alerts = scan(make_dataset(t), "regular_price_pattern")
    fixed = alerts[alerts["evidence"].str.contains("fixed_ratio")]
    assert sorted(fixed["tender_id"]) == ["T1", "T2", "T3"]
    assert all(ids == ["C1", "C2"] for ids in fixed["company_ids"])


# ---- 第40条(六) bonds -----------------------------------------------------------------------

def test_same_bond_account(make_dataset, backend):
    bonds = [{"bid_id": b, "payer_account": f"62220000{b}"} for b in ("B11", "B12", "B13", "B24", "B25", "B26")]
    bonds[0]["payer_account"] = "6222 0200 1234 5678"
    bonds[2]["payer_account"] = "6222-0200-1234-5678"
    bonds[3]["payer_account"] = "6222020012345678"  # the same account in another tender: no evidence
    alerts = scan(make_dataset(world(bonds=bonds)), "same_bond_account", backend)
    assert companies_of(alerts) == [["C1", "C3"]]
    assert json.loads(alerts.iloc[0]["evidence"])["account"] == "6222020012345678"


# ---- 第34条 related bidders, shared contacts ------------------------------------------------

def test_same_legal_representative_is_high(make_dataset, backend):
    t = world()
    t["companies"][1]["legal_rep_id"] = "LR1"  # C2 shares C1's legal representative
    t["companies"][4]["legal_rep_id"] = "LR4"  # C5 shares C4's: they bid together in T2
    alerts = scan(make_dataset(t), "related_bidders", backend)
    assert companies_of(alerts) == [["C1", "C2"], ["C4", "C5"]]
    assert set(alerts["severity"]) == {"high"}


def test_control_and_cross_roles(make_dataset, backend):
    people = [
        {"person_id": "C1", "company_id": "C3", "role": "shareholder", "share_pct": 60},  # C1 controls C3
        {"person_id": "X9", "name": "赵六", "company_id": "C4", "role": "executive"},
        {"person_id": "X9", "name": "赵六", "company_id": "C6", "role": "executive"},
    ]
    alerts = scan(make_dataset(world(people=people)), "related_bidders", backend)
    got = {tuple(ids): sev for ids, sev in zip(alerts["company_ids"], alerts["severity"], strict=True)}
    assert got == {("C1", "C3"): "high", ("C4", "C6"): "medium"}


def test_relation_ended_before_the_deadline_does_not_fire(make_dataset):
    people = [
        {"person_id": "P7", "company_id": "C1", "role": "legal_rep", "until": "2023-12-31"},
        {"person_id": "P7", "company_id": "C2", "role": "legal_rep", "since": "2024-01-01"},
    ]
    assert scan(make_dataset(world(people=people)), "related_bidders").empty


def test_shared_phone(make_dataset, backend):
    t = world()
    t["companies"][2]["phone"] = "+86 139-0731-0001"  # C3 uses C1's phone
    t["companies"][5]["phone"] = "13907310002"  # C6 uses C2's phone, but they never bid together
    alerts = scan(make_dataset(t), "shared_contact_details", backend)
    assert companies_of(alerts) == [["C1", "C3"]]
    assert alerts.iloc[0]["severity"] == "medium"
    assert "联系电话" in alerts.iloc[0]["message"]
