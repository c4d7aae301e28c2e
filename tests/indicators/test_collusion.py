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
    # F0:1F:AF is a hardware vendor's OUI (U/L bit clear): a burnt-in address
    ds = make_dataset(world(bid_files=files(B11={"mac": "F0-1F-AF-00-11-22"}, B12={"mac": "f01f.af00.1122"})))
    alerts = scan(ds, "same_preparer", backend)
    assert companies_of(alerts) == [["C1", "C2"]]
    row = alerts.iloc[0]
    assert row["severity"] == "high"
    ev = json.loads(row["evidence"])
    assert ev["matches"][0]["field"] == "mac" and ev["matches"][0]["value"] == "F01FAF001122"
    assert ev["matches"][0]["n_companies"] == 2 and ev["matches"][0]["strength"] == "full"
    assert "该值在本数据集中被2家企业使用" in row["message"]
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
    ds = make_dataset(world(bid_files=files(B11={"mac": "F0-1F-AF-00-11-22"}, B24={"mac": "f0:1f:af:00:11:22"})))
    assert scan(ds, "same_preparer", backend).empty


def test_generic_author_does_not_fire(make_dataset):
    ds = make_dataset(world(bid_files=files(B11={"author": "Administrator"}, B12={"author": "administrator"})))
    assert scan(ds, "same_preparer").empty


def spread_world(value: dict, users: int, same_group: bool = False) -> dict:
    """The base world plus ``users`` other companies, each bidding in a tender of its own with
    ``value`` in its bid file (a default author, a virtual host's MAC ...); C1 and C2 share it in T1."""
    t = world(bid_files=files(B11=value, B12=value))
    for i in range(users):
        c, tid = f"U{i}", f"TU{i}"
        t["companies"].append({"company_id": c, "name": f"用户{i}建设有限公司",
                               "legal_rep_id": "LR-U" if same_group else f"LR-U{i}"})
        t["tenders"].append({"tender_id": tid, "title": f"{tid}工程", "ceiling_price": 1e6})
        t["bids"] += [{"bid_id": f"B{tid}", "tender_id": tid, "company_id": c, "price": 9e5},
                      {"bid_id": f"B{tid}x", "tender_id": tid, "company_id": "C6", "price": 9.3e5}]
        t["bid_files"] += [{"bid_id": f"B{tid}", **value}, {"bid_id": f"B{tid}x", "author": "张工"}]
    return t


def test_default_author_used_by_many_unrelated_companies_does_not_fire(make_dataset, backend):
    # "Windows 用户" is in no list: its spread over eight unrelated companies makes it generic
    ds = make_dataset(spread_world({"author": "Windows 用户"}, users=6))
    assert scan(ds, "same_preparer", backend).empty


def test_value_shared_by_two_companies_only_is_high_and_by_five_is_medium(make_dataset):
    ds = make_dataset(spread_world({"author": "李工（投标部）"}, users=0))
    alerts = scan(ds, "same_preparer")
    assert companies_of(alerts) == [["C1", "C2"]] and list(alerts["severity"]) == ["high"]
    ds = make_dataset(spread_world({"author": "李工（投标部）"}, users=3))     # five companies use it
    alerts = scan(ds, "same_preparer")
    assert companies_of(alerts) == [["C1", "C2"]] and list(alerts["severity"]) == ["medium"]
    match = json.loads(alerts.iloc[0]["evidence"])["matches"][0]
    assert (match["n_companies"], match["n_tenders"], match["strength"]) == (5, 4, "reduced")
    assert "该值在本数据集中被5家企业使用、出现在4个标段" in alerts.iloc[0]["message"]


def test_companies_of_one_group_count_once(make_dataset):
    # eight companies, but six of them have one legal representative: three groups share the computer
    ds = make_dataset(spread_world({"machine_code": "BFEBFBFF000906EA"}, users=6, same_group=True))
    alerts = scan(ds, "same_preparer")
    assert companies_of(alerts) == [["C1", "C2"]] and list(alerts["severity"]) == ["high"]


def test_virtual_adapter_mac_alone_is_a_low_lead(make_dataset, backend):
    for mac in ("00-50-56-3A-7B-01", "02:42:AC:11:00:02", "0A-00-27-00-00-0F"):   # VMware, Docker, U/L bit
        ds = make_dataset(world(bid_files=files(B11={"mac": mac}, B12={"mac": mac})))
        alerts = scan(ds, "same_preparer", backend)
        assert companies_of(alerts) == [["C1", "C2"]] and list(alerts["severity"]) == ["low"], mac
        assert "虚拟网卡" in alerts.iloc[0]["message"]


def test_shared_ip_alone_is_low_and_repeated_is_medium(make_dataset, backend):
    ds = make_dataset(world(bid_files=files(B12={"ip": "61.187.1.1"}, B13={"ip": "61.187.1.1"})))
    alerts = scan(ds, "shared_ip", backend)
    assert companies_of(alerts) == [["C2", "C3"]] and list(alerts["severity"]) == ["low"]
    assert scan(ds, "same_preparer").empty
    # the same public exit of three firms links bidders in two tenders: repeated co-location, medium
    t = world(bid_files=files(B12={"ip": "61.187.1.1"}, B13={"ip": "61.187.1.1"}, B25={"ip": "61.187.1.1"}))
    t["bids"].append({"bid_id": "B22", "tender_id": "T2", "company_id": "C2", "price": 2_050_000.0})
    t["bid_files"].append({"bid_id": "B22", "ip": "61.187.1.1"})
    alerts = scan(make_dataset(t), "shared_ip", backend)
    assert companies_of(alerts) == [["C2", "C3"], ["C2", "C5"]] and set(alerts["severity"]) == {"medium"}
    # a private address says nothing across networks, however often
    ds = make_dataset(world(bid_files=files(B12={"ip": "192.168.1.100"}, B13={"ip": "192.168.1.100"},
                                            B25={"ip": "192.168.1.100"}, B26={"ip": "192.168.1.100"})))
    assert set(scan(ds, "shared_ip")["severity"]) == {"low"}


def test_an_unspecified_ip_address_links_nobody(make_dataset, backend):
    # 0.0.0.0 (and the broadcast address) is what a system writes when it recorded no address: two bidders with it
    # are not even a low lead (QA, 2026-12-07); the near miss, an address one digit away, stays a low lead
    for ip in ("0.0.0.0", "255.255.255.255"):
        ds = make_dataset(world(bid_files=files(B12={"ip": ip}, B13={"ip": ip})))
        assert scan(ds, "shared_ip", backend).empty, ip
    ds = make_dataset(world(bid_files=files(B12={"ip": "0.0.0.1"}, B13={"ip": "0.0.0.1"})))
    assert companies_of(scan(ds, "shared_ip", backend)) == [["C2", "C3"]]


def _own_uploads(t: dict, company: str, ip: str, n: int) -> None:
    """``company`` bids in ``n`` tenders of its own (against C6) and uploads from ``ip`` there."""
    for i in range(n):
        tid = f"TO{company}{i}"
        t["tenders"].append({"tender_id": tid, "title": f"{tid}工程", "ceiling_price": 1e6})
        t["bids"] += [{"bid_id": f"B{tid}", "tender_id": tid, "company_id": company, "price": 9e5},
                      {"bid_id": f"B{tid}x", "tender_id": tid, "company_id": "C6", "price": 9.4e5}]
        t["bid_files"] += [{"bid_id": f"B{tid}", "ip": ip}, {"bid_id": f"B{tid}x", "ip": f"58.20.0.{i + 1}"}]


def _repeated_ip_world() -> dict:
    """C2 and C3 upload from 61.187.1.1 in T1 and again in T2 (C3 bids there too)."""
    t = world(bid_files=files(B12={"ip": "61.187.1.1"}, B13={"ip": "61.187.1.1"}))
    t["bids"].append({"bid_id": "B23", "tender_id": "T2", "company_id": "C3", "price": 2_060_000.0})
    t["bids"].append({"bid_id": "B22", "tender_id": "T2", "company_id": "C2", "price": 2_050_000.0})
    t["bid_files"] += [{"bid_id": "B22", "ip": "61.187.1.1"}, {"bid_id": "B23", "ip": "61.187.1.1"}]
    return t


def test_an_ip_each_firm_uploads_from_on_its_own_is_their_office_network(make_dataset, backend):
    # the near miss: both firms also upload from that address in tenders the other does not bid in
    # (one office building, one industrial park): co-location, a low lead
    t = _repeated_ip_world()
    _own_uploads(t, "C2", "61.187.1.1", 2)
    _own_uploads(t, "C3", "61.187.1.1", 3)
    alerts = scan(make_dataset(t), "shared_ip", backend)
    assert companies_of(alerts) == [["C2", "C3"], ["C2", "C3"]] and set(alerts["severity"]) == {"low"}
    match = json.loads(alerts.iloc[0]["evidence"])["matches"][0]
    assert match["colocated"] is True
    assert "多为共用办公楼或园区网络" in alerts.iloc[0]["message"]
    # the planted positive: C3 uploads from its own exit elsewhere, C2 only ever from C3's address when C3 bids
    # too — one hand uploading the other's bid, repeated: medium
    t = _repeated_ip_world()
    _own_uploads(t, "C3", "61.187.1.1", 3)
    _own_uploads(t, "C2", "222.240.9.9", 3)
    alerts = scan(make_dataset(t), "shared_ip", backend)
    assert companies_of(alerts) == [["C2", "C3"], ["C2", "C3"]] and set(alerts["severity"]) == {"medium"}
    assert json.loads(alerts.iloc[0]["evidence"])["matches"][0]["colocated"] is False


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


def test_a_project_managers_bare_name_is_no_identity(make_dataset, backend):
    # a notice's 项目经理 column gives names: 张伟 in two bids is two people as often as one (QA, 2026-12-07: a high
    # 视为串通). A name alone is a medium lead that asks for the certificate number; near miss: a certificate number
    # (湘243060801234) shared is high, as is a name with an id (张伟430102…) that is no bare name
    for value, severity in (("张伟", "medium"), ("欧阳建国", "medium"), ("湘243060801234", "high"), ("张伟-4301", "high")):
        t = world()
        bid_row(t, "B24")["project_manager_id"] = bid_row(t, "B26")["project_manager_id"] = value
        alerts = scan(make_dataset(t), "same_project_manager", backend)
        assert list(alerts["severity"]) == [severity], value
        if severity == "medium":
            assert "同名" in alerts.iloc[0]["message"] and "同一人" not in alerts.iloc[0]["message"].split("同名")[0]
            assert json.loads(alerts.iloc[0]["evidence"])["name_only"] is True


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


def test_one_price_over_two_lines_is_compared_but_over_three_is_a_provisional_sum(make_dataset, backend):
    # B13 prices no item: every item has one price over B11's and B12's two lines, and is still compared
    base = [100.0 + i for i in range(10)]
    ds = make_dataset(world(bid_items=boq("B11", base) + boq("B12", base[:8] + [901.0, 902.0])))
    alerts = scan(ds, "identical_unit_prices", backend)
    assert companies_of(alerts) == [["C1", "C2"]]
    ev = json.loads(alerts.iloc[0]["evidence"])
    assert ev["identical_items"] == 8 and ev["compared_items"] == 10
    # with B13 pricing items 0-5 alike too, those six are provisional sums: 2 of 4 compared items remain
    ds = make_dataset(world(bid_items=boq("B11", base) + boq("B12", base[:8] + [901.0, 902.0])
                            + boq("B13", base[:6])))
    assert scan(ds, "identical_unit_prices", backend).empty


def test_identical_bid_prices(make_dataset, backend):
    t = world()
    bid_row(t, "B25")["price"] = 1_985_123.45
    bid_row(t, "B26")["price"] = 1_985_123.45
    bid_row(t, "B12")["price"] = 900_000.01  # one fen apart: not identical
    alerts = scan(make_dataset(t), "identical_bid_prices", backend)
    assert companies_of(alerts) == [["C5", "C6"]]
    row = alerts.iloc[0]
    ev = json.loads(row["evidence"])
    assert row["severity"] == "high" and "1,985,123.45元" in row["message"]
    assert ev["resolution"] == 0.01 and ev["tied_pairs"] == 1 and 0 < ev["probability"] < 1e-6
    assert "概率约为" in row["message"]


def test_bids_at_the_ceiling_or_a_round_discount_of_it_do_not_fire(make_dataset, backend):
    t = world()
    bid_row(t, "B25")["price"] = bid_row(t, "B26")["price"] = 2_200_000.0     # T2's published ceiling price
    bid_row(t, "B12")["price"] = bid_row(t, "B13")["price"] = 1_045_000.0     # 95% of T1's ceiling
    assert scan(make_dataset(t), "identical_bid_prices", backend).empty
    bid_row(t, "B12")["price"] = bid_row(t, "B13")["price"] = 1_045_123.45    # no published figure explains it
    assert companies_of(scan(make_dataset(t), "identical_bid_prices", backend)) == [["C2", "C3"]]


def coarse_tender(prices: list[float]) -> dict:
    """T1 with one bid at each of ``prices`` (C1, C2, ...)."""
    extra = [{"company_id": f"C{i}", "name": f"C{i}公司"} for i in range(7, len(prices) + 1)]
    t = world(companies=world()["companies"] + extra)
    t["bids"] = [b for b in t["bids"] if b["tender_id"] != "T1"]
    t["bids"] += [{"bid_id": f"B1{i}", "tender_id": "T1", "company_id": f"C{i}", "price": p}
                  for i, p in enumerate(prices, start=1)]
    return t


def test_a_tie_on_a_coarse_grid_is_chance_and_the_same_tie_to_the_fen_is_not(make_dataset, backend):
    # eight bids rounded to 万元 within 30万: two of them on the same 万 happens by chance (p ≈ 0.5)
    wan = [820_000.0, 850_000.0, 870_000.0, 890_000.0, 890_000.0, 910_000.0, 940_000.0, 1_010_000.0]
    assert scan(make_dataset(coarse_tender(wan)), "identical_bid_prices", backend).empty
    fen = [p + 1234.56 for p in wan]
    alerts = scan(make_dataset(coarse_tender(fen)), "identical_bid_prices", backend)
    assert companies_of(alerts) == [["C4", "C5"]]
    # two equal prices to the fen among round ones: the round prices do not excuse the fen tie
    mixed = [p + (1234.56 if i in (3, 4) else 0.0) for i, p in enumerate(wan)]
    alerts = scan(make_dataset(coarse_tender(mixed)), "identical_bid_prices", backend)
    assert companies_of(alerts) == [["C4", "C5"]] and json.loads(alerts.iloc[0]["evidence"])["resolution"] == 0.01


def test_a_tie_on_a_round_discount_of_the_published_figure_is_judged_on_that_grid(make_dataset, backend):
    # an average-bid auction: eight bids stated as discounts in hundredths of a per cent of the published 1.2亿,
    # prices to the fen; two bidders both bid 18.63 %: on a grid of 1.2万 yuan steps that happens by chance
    discounts = [0.1521, 0.1588, 0.1634, 0.1702, 0.1863, 0.1863, 0.1917, 0.2045]
    t = coarse_tender([round(120_000_000.0 * (1 - d), 2) for d in discounts])
    t["tenders"][0]["ceiling_price"] = 120_000_000.0
    assert scan(make_dataset(t), "identical_bid_prices", backend).empty
    # the same two prices a few yuan off the grid: a tie to the fen that no discount explains
    off = [round(120_000_000.0 * (1 - d), 2) + (3.57 if d == 0.1863 else 0.0) for d in discounts]
    t = coarse_tender(off)
    t["tenders"][0]["ceiling_price"] = 120_000_000.0
    alerts = scan(make_dataset(t), "identical_bid_prices", backend)
    assert companies_of(alerts) == [["C5", "C6"]] and json.loads(alerts.iloc[0]["evidence"])["resolution"] == 0.01


def heaped_tender(tie: float) -> dict:
    """A tender whose bids heap at a computable floor price (as Japan's 最低制限価格 makes them): twelve of fourteen
    bids within 0.2 % of 8,090,000, two far off; three of the heap bid ``8,091,000 + tie`` and two 8,095,000."""
    heap = [8_086_000.0, 8_087_000.0, 8_088_000.0, 8_089_000.0, 8_090_000.0, 8_093_000.0, 8_097_000.0]
    tied = [8_091_000.0 + tie] * 3 + [8_095_000.0] * 2
    t = coarse_tender([7_200_000.0] + heap + tied + [9_300_000.0])
    t["tenders"][0]["ceiling_price"] = t["tenders"][0]["estimate"] = 9_500_000.0
    return t


def test_ties_inside_a_heap_of_close_bids_are_chance_and_ties_to_the_fen_are_not(make_dataset, backend):
    # the two outliers inflate the sd to ≈ 420,000: a normal density makes four tied pairs on a 1,000-yuan grid
    # improbable (p ≈ 1e-7); the tender's own heap makes them expected (kernel density, indicators/chance.py)
    assert scan(make_dataset(heaped_tender(0.0)), "identical_bid_prices", backend).empty
    alerts = scan(make_dataset(heaped_tender(123.45)), "identical_bid_prices", backend)
    assert companies_of(alerts) == [["C10", "C11", "C9"]]
    assert json.loads(alerts.iloc[0]["evidence"])["resolution"] == 0.01


def floor_market(n_tenders: int, tie_ratio: float) -> dict:
    """``n_tenders`` tenders, each with an estimate of its own; in each, one bidder bids 80.93 % of the estimate plus
    3.17 yuan (a floor price the bidders compute from it, off every round discount grid) and five spread at
    83–94 %. In T1 two bidders (C1, C2) bid ``tie_ratio`` × the estimate plus 3.17, to the fen."""
    companies = [{"company_id": f"C{i}", "name": f"C{i}公司"} for i in range(1, 8)]
    tenders, bids = [], []
    for k in range(1, n_tenders + 1):
        est = 10_000_000.0 + 137_000.0 * k
        tenders.append({"tender_id": f"T{k}", "title": f"{k}号标段", "category": "works", "procedure": "open",
                        "estimate": est, "bid_deadline": "2024-05-20 09:30:00", "winner_id": "C1"})
        ratios = [tie_ratio, tie_ratio] if k == 1 else [0.8093]
        ratios += [0.83 + 0.0007 * k, 0.86 + 0.0011 * k, 0.88 + 0.0003 * k, 0.91 + 0.0009 * k, 0.94 - 0.0004 * k]
        bids += [{"bid_id": f"B{k}-{i}", "tender_id": f"T{k}", "company_id": f"C{i}", "price": round(est * r + 3.17, 2)}
                 for i, r in enumerate(ratios, start=1)]
    return {"companies": companies, "tenders": tenders, "bids": bids}


def test_a_tie_at_a_ratio_where_the_datasets_bids_heap_is_explained_and_elsewhere_is_not(make_dataset, backend):
    # twelve tenders' floor bids heap at 80.93 % of their estimates: the ratio is a computed figure (a floor price),
    # and two bidders who both computed it tie to the fen (indicators/chance.py, "Figures computed from a published one")
    assert scan(make_dataset(floor_market(12, 0.8093)), "identical_bid_prices", backend).empty
    # near misses: with nine tenders the heap is below focal_ratio_min_tenders; a tie at 81.93 % sits ten bins away
    for n, ratio in ((9, 0.8093), (12, 0.8193)):
        alerts = scan(make_dataset(floor_market(n, ratio)), "identical_bid_prices", backend)
        assert companies_of(alerts) == [["C1", "C2"]], (n, ratio)
        assert json.loads(alerts.iloc[0]["evidence"])["resolution"] == 0.01


def test_identical_prices_in_a_tender_with_only_the_candidates_are_not_judged(make_dataset):
    t = world()
    bid_row(t, "B25")["price"] = bid_row(t, "B26")["price"] = 1_985_123.45
    t["tenders"][1]["bid_list"] = "candidates"
    t["tenders"][0]["bid_list"] = "all"
    assert scan(make_dataset(t), "identical_bid_prices").empty


def test_prices_three_percent_apart_without_pattern_do_not_fire(make_dataset, backend):
    assert scan(make_dataset(world()), "regular_price_pattern", backend).empty


def test_arithmetic_progression_with_an_interloper(make_dataset, backend):
    t = world(companies=world()["companies"] + [
        {"company_id": "C7", "name": "Eta建设工程有限公司"}])
    bid_row(t, "B11")["price"] = 1_001_234.56
    bid_row(t, "B12")["price"] = 1_031_234.56
    bid_row(t, "B13")["price"] = 1_061_234.56
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
    bid_row(t, "B11")["price"] = 1_040_930.00  # 5.37% below 1,100,000
    bid_row(t, "B12")["price"] = 1_040_930.40  # also 5.37% to four decimals, but not the same price
    alerts = scan(make_dataset(t), "regular_price_pattern")
    assert companies_of(alerts) == [["C1", "C2"]]
    ev = json.loads(alerts.iloc[0]["evidence"])
    assert ev["patterns"][0]["kind"] == "identical_discount" and ev["probability"] < 0.01


def test_a_whole_per_cent_discount_of_the_ceiling_is_no_pattern(make_dataset):
    t = world()
    bid_row(t, "B11")["price"] = 1_045_000.00  # 5% below the published ceiling: a focal figure
    bid_row(t, "B12")["price"] = 1_045_000.40
    assert scan(make_dataset(t), "regular_price_pattern").empty


def test_a_chance_progression_on_a_coarse_grid_does_not_fire(make_dataset, backend):
    # eight prices rounded to 万元: 85万, 88万, 91万 are evenly spaced, as three of eight such prices often are
    wan = [820_000.0, 850_000.0, 880_000.0, 910_000.0, 960_000.0, 1_000_000.0, 1_070_000.0, 1_090_000.0]
    assert scan(make_dataset(coarse_tender(wan)), "regular_price_pattern", backend).empty
    # the same spacing to the fen among eight independent prices would be a one-in-a-million coincidence
    fen = [p + 1234.56 if i in (1, 2, 3) else p + 777.77 * i for i, p in enumerate(wan)]
    alerts = scan(make_dataset(coarse_tender(fen)), "regular_price_pattern", backend)
    assert companies_of(alerts) == [["C2", "C3", "C4"]]
    assert json.loads(alerts.iloc[0]["evidence"])["probability"] < 1e-3


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


def test_one_discount_each_over_the_lots_of_a_procurement_is_no_fixed_ratio(make_dataset, backend):
    # six lots of two procurements, each firm bidding one 下浮率 on all lots of a procurement (15.24 % / 17.26 %, then
    # 12.10 % / 14.15 %): the ratio is fixed, yet there are only two observations of the pair's positions
    t = world()
    t["tenders"] = []
    t["bids"] = []
    for k in range(6):
        ceiling = 1_000_000.0 + 137_000.0 * k
        da, db = (0.1524, 0.1726) if k < 3 else (0.1210, 0.1415)
        t["tenders"].append({"tender_id": f"L{k}", "title": f"标段{k}", "ceiling_price": ceiling})
        t["bids"] += [{"bid_id": f"L{k}A", "tender_id": f"L{k}", "company_id": "C1", "price": round(ceiling * (1 - da), 2)},
                      {"bid_id": f"L{k}B", "tender_id": f"L{k}", "company_id": "C2", "price": round(ceiling * (1 - db), 2)},
                      {"bid_id": f"L{k}C", "tender_id": f"L{k}", "company_id": "C3",
                       "price": round(ceiling * (0.83 + 0.011 * k), 2)}]
    alerts = scan(make_dataset(t), "regular_price_pattern", backend)
    assert not alerts["evidence"].str.contains("fixed_ratio").any()
    # the same two firms moving their 下浮率 together from lot to lot: six observations of one fixed ratio
    for k in range(6):
        ceiling = 1_000_000.0 + 137_000.0 * k
        a = round(ceiling * (1 - (0.10 + 0.013 * k * k % 7)), 2)
        next(b for b in t["bids"] if b["bid_id"] == f"L{k}A")["price"] = a
        next(b for b in t["bids"] if b["bid_id"] == f"L{k}B")["price"] = round(a * 1.023, 2)
    alerts = scan(make_dataset(t), "regular_price_pattern", backend)
    fixed = alerts[alerts["evidence"].str.contains("fixed_ratio")]
    assert sorted(fixed["tender_id"]) == [f"L{k}" for k in range(6)]


# ---- 第40条(六) bonds -----------------------------------------------------------------------

def test_same_bond_account(make_dataset, backend):
    bonds = [{"bid_id": b, "payer_account": f"62220000{b}"} for b in ("B11", "B12", "B13", "B24", "B25", "B26")]
    bonds[0]["payer_account"] = "6222 0200 1234 5678"
    bonds[2]["payer_account"] = "6222-0200-1234-5678"
    bonds[3]["payer_account"] = "6222020012345678"  # the same account in another tender: no evidence
    alerts = scan(make_dataset(world(bonds=bonds)), "same_bond_account", backend)
    assert companies_of(alerts) == [["C1", "C3"]]
    assert json.loads(alerts.iloc[0]["evidence"])["account"] == "6222020012345678"
    assert alerts.iloc[0]["severity"] == "high" and "该值在本数据集中被3家企业使用、出现在2个标段" in alerts.iloc[0]["message"]


def test_same_bond_account_needs_an_account(make_dataset, backend):
    # 银行保函, 电子保函, 现金 or "/" in the payer-account column say how the bond was given, not from where: two
    # bidders writing the same word are not deemed colluding (QA, 2026-12-07: a high alert on 保函). The near miss: a
    # real account shared by two bidders still gives the high alert beside them.
    words = {"B11": "银行保函", "B12": "现金", "B13": "银行保函", "B24": "电子保函", "B25": "电子保函", "B26": "/"}
    bonds = [{"bid_id": b, "payer_account": a} for b, a in words.items()]
    ds = make_dataset(world(bonds=bonds))
    assert scan(ds, "same_bond_account", backend).empty
    from bidwatch.scan import run_scan

    summary = run_scan(ds, only=["same_bond_account"], engine=backend).summary
    assert summary["coverage"]["same_bond_account"]["checked"] == 0  # not checked, rather than checked and clean
    bonds[4]["payer_account"] = bonds[5]["payer_account"] = "4300 1501 3620 5000 1234"
    alerts = scan(make_dataset(world(bonds=bonds)), "same_bond_account", backend)
    assert companies_of(alerts) == [["C5", "C6"]] and alerts.iloc[0]["severity"] == "high"


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


def test_sister_companies_are_medium_and_a_direct_link_stays_high(make_dataset, backend):
    people = [
        {"person_id": "P1", "name": "钱七", "company_id": "C4", "role": "shareholder", "share_pct": 60},
        {"person_id": "P1", "name": "钱七", "company_id": "C6", "role": "shareholder", "share_pct": 70},   # sisters
        {"person_id": "P2", "name": "孙八", "company_id": "C1", "role": "shareholder", "share_pct": 80},
        {"person_id": "P2", "name": "孙八", "company_id": "C2", "role": "legal_rep"},   # controls C1, heads C2
    ]
    t = world(people=people)
    alerts = scan(make_dataset(t), "related_bidders", backend)
    got = {tuple(ids): sev for ids, sev in zip(alerts["company_ids"], alerts["severity"], strict=True)}
    assert got == {("C4", "C6"): "medium", ("C1", "C2"): "medium"}
    assert all("未见直接的控股、管理关系" in m for m in alerts["message"])
    # the same sisters with one legal representative: 单位负责人为同一人, high
    t["companies"][5]["legal_rep_id"] = "LR4"
    alerts = scan(make_dataset(t), "related_bidders", backend)
    high = alerts[alerts["severity"] == "high"]
    assert companies_of(high) == [["C4", "C6"]] and "第34条所称单位负责人为同一人" in high.iloc[0]["message"]


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


# ---- spread of persons, accounts and contacts ------------------------------------------------

def test_agent_account_and_phone_used_by_many_unrelated_companies_do_not_fire(make_dataset):
    """A bidding agency's desk person, a guarantee company's account and a business centre's phone: eight
    unrelated companies use each, so two of them in one tender prove nothing; the same values used by two
    companies only are caught (tests above)."""
    t = world()
    t["bonds"] = [{"bid_id": b["bid_id"], "payer_account": f"6222{i:012d}"} for i, b in enumerate(t["bids"])]
    users = ["C1", "C2"]
    for i in range(6):
        c, tid = f"U{i}", f"TU{i}"
        t["companies"].append({"company_id": c, "name": f"用户{i}建设有限公司", "legal_rep_id": f"LR-U{i}",
                               "phone": "0731-88888888"})
        t["tenders"].append({"tender_id": tid, "title": f"{tid}工程", "ceiling_price": 1e6})
        t["bids"].append({"bid_id": f"B{tid}", "tender_id": tid, "company_id": c, "price": 9e5})
        t["bonds"].append({"bid_id": f"B{tid}", "payer_account": "6222 0000 8888 0001"})
        users.append(c)
    for b in ("B11", "B12", *(f"BTU{i}" for i in range(6))):
        bid = next(x for x in t["bids"] if x["bid_id"] == b)
        bid["agent_id"] = "AG-DESK"
    for row in t["bonds"][:2]:
        row["payer_account"] = "6222000088880001"
    for c in t["companies"][:2]:
        c["phone"] = "0731 8888 8888"
    ds = make_dataset(t)
    for code in ("same_agent", "same_bond_account", "shared_contact_details"):
        assert scan(ds, code).empty, code


def test_coverage_counts_only_the_tenders_each_indicator_could_compare(make_dataset):
    from bidwatch.scan import run_scan

    t = world(bid_files=files())
    t["tenders"][1]["bid_list"] = "candidates"      # T2: only the winning candidates were published
    t["tenders"][0]["bid_list"] = "all"
    t["bid_files"] = [f for f in t["bid_files"] if f["bid_id"] != "B12" and f["bid_id"] != "B13"]  # T1: one file
    cov = run_scan(make_dataset(t), only=["identical_bid_prices", "same_preparer"]).summary["coverage"]
    assert (cov["identical_bid_prices"]["in_scope"], cov["identical_bid_prices"]["checked"]) == (2, 1)   # T1 only
    assert (cov["same_preparer"]["in_scope"], cov["same_preparer"]["checked"]) == (2, 1)   # T2: files of 3 bidders


def test_a_system_image_default_author_shared_by_two_firms_is_a_low_lead(make_dataset, backend):
    """雨林木风-PC (a ghost Windows image's computer name) on two firms' files is what two firms with the same pirated
    image write: a low lead, whatever the spread; near miss: a person's name shared by the same two firms stays high,
    and a name that merely starts like a stem (Admin李工) is no default."""
    for value, severity in (({"author": "雨林木风-PC"}, "low"), ({"author": "ylmf123"}, "low"),
                            ({"author": "李工（投标部）"}, "high"), ({"author": "Admin李工"}, "high")):
        ds = make_dataset(world(bid_files=files(B11=value, B12=value)))
        alerts = scan(ds, "same_preparer", backend)
        assert list(alerts["severity"]) == [severity], value


def test_related_bidders_from_people_alone_without_legal_rep_ids(make_dataset, backend):
    """companies without legal_rep_id and a people table: the union began with the people branch, whose columns had
    no names (a Binder Error and no output); now C1 and C2 with one legal representative are high, C3 is not."""
    t = world(people=[{"person_id": "P1", "name": "张三", "company_id": "C1", "role": "legal_rep"},
                      {"person_id": "P1", "name": "张三", "company_id": "C2", "role": "legal_rep"},
                      {"person_id": "P2", "name": "李四", "company_id": "C3", "role": "legal_rep"}])
    for c in t["companies"]:
        c.pop("legal_rep_id")
    alerts = scan(make_dataset(t), "related_bidders", backend)
    assert companies_of(alerts) == [["C1", "C2"]] and list(alerts["severity"]) == ["high"]
