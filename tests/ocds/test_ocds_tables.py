"""OCDS -> contract tables: lots, consortia, parties, awards, contracts, items."""

from __future__ import annotations

import math

from ocds_helpers import write_lines

from bidwatch.ocds.tables import local_date, local_timestamp, read_ocds_tables, uscc_valid, write_tables

USCC = "91350100M000100Y43"  # a valid check digit


def _release():
    return {
        "ocid": "ocds-1",
        "buyer": {"id": "B", "name": "某市住建局"},
        "parties": [
            {"id": "B", "name": "某市住建局", "roles": ["buyer"],
             "address": {"region": "福建省", "locality": "福州市", "streetAddress": "五四路1号"},
             "contactPoint": {"name": "王工", "telephone": "0591-1234567", "email": "b@example.cn"}},
            {"id": "A1", "name": "甲建设公司", "roles": ["tenderer", "supplier"],
             "identifier": {"scheme": "CN-USCC", "id": USCC}},
            {"id": "A2", "name": "乙设计院", "roles": ["tenderer"],
             "identifier": {"scheme": "CN-USCC", "id": "91350100M000100Y44"}},
            {"id": "C", "name": "丙公司", "roles": ["tenderer"]},
            {"id": "P", "name": "代理公司", "roles": ["procuringEntity"]},
        ],
        "tender": {
            "id": "t", "title": "道路工程", "status": "complete", "procurementMethod": "open",
            "procurementMethodDetails": "公开招标", "mainProcurementCategory": "works",
            "procuringEntity": {"id": "P"}, "value": {"amount": 3000000, "currency": "CNY"},
            "tenderPeriod": {"startDate": "2024-03-01T20:00:00Z", "endDate": "2024-03-21T01:30:00Z"},
            "lots": [{"id": "1", "title": "一标段", "value": {"amount": 2000000, "currency": "CNY"}},
                     {"id": "2", "title": "二标段", "value": {"amount": 1000000, "currency": "CNY"}}],
            "items": [{"id": "i1", "relatedLot": "1", "classification": {"scheme": "CPV", "id": "45233000"}}],
        },
        "bids": {"details": [
            # consortium bid on lot 1
            {"id": "b1", "status": "valid", "date": "2024-03-20T02:00:00Z", "relatedLots": ["1"],
             "tenderers": [{"id": "A1"}, {"id": "A2"}], "value": {"amount": 1900000, "currency": "CNY"}},
            {"id": "b2", "status": "disqualified", "relatedLots": ["1"], "tenderers": [{"id": "C"}],
             "value": {"amount": 1850000, "currency": "CNY"}},
            # a bid without relatedLots goes to every lot
            {"id": "b3", "status": "pending", "tenderers": [{"id": "C", "name": "丙公司"}],
             "value": {"amount": 950000, "currency": "CNY"}},
            {"id": "b4", "status": "invited", "tenderers": [{"id": "D"}]},
            {"id": "b5", "status": "withdrawn", "relatedLots": ["2"], "tenderers": [{"id": "A1"}]},
        ]},
        "awards": [
            {"id": "a1", "status": "active", "relatedLots": ["1"], "date": "2024-04-01T17:00:00Z",
             "suppliers": [{"id": "A1"}, {"id": "A2"}], "value": {"amount": 1900000, "currency": "CNY"},
             "items": [{"id": "1", "classification": {"scheme": "CPV", "id": "45233120"}}]},
            {"id": "a2", "status": "active", "relatedLots": ["2"], "suppliers": [{"id": "C"}],
             "value": {"amount": 950000, "currency": "CNY"}},
        ],
        "contracts": [{"id": "k1", "awardID": "a1", "title": "一标段施工合同", "dateSigned": "2024-04-10T09:00:00+08:00",
                       "value": {"amount": 1900000, "currency": "CNY"}}],
    }


def test_lots_and_consortia(tmp_path):
    path = write_lines(tmp_path / "r.jsonl", [_release(), {"ocid": "ocds-2", "tender": {"title": "无标段"},
                                                           "bids": {"details": [{"status": "valid",
                                                                                 "tenderers": [{"id": "C"}]}]}}])
    tables, problems = read_ocds_tables(path)
    tenders = tables["tenders"].set_index("tender_id")
    assert list(tenders.index) == ["ocds-1/1", "ocds-1/2", "ocds-2"]
    lot1 = tenders.loc["ocds-1/1"]
    assert lot1["title"] == "道路工程 / 一标段" and lot1["estimate"] == 2000000
    assert lot1["procedure"] == "open" and lot1["category"] == "works"
    assert lot1["tenderer_id"] == "B" and lot1["agency"] == "P"
    assert lot1["winner_id"] == "A1" and lot1["winner_consortium_members"] == "A2"
    assert lot1["award_price"] == 1900000 and lot1["awarded_on"] == "2024-04-02"  # UTC+8
    assert lot1["announced_on"] == "2024-03-02" and lot1["bid_deadline"] == "2024-03-21T09:30:00"
    assert lot1["contract_signed_on"] == "2024-04-10"
    assert tenders.loc["ocds-1/2", "winner_id"] == "C"

    bids = tables["bids"].set_index("bid_id")
    # ocds-2's bid has no price: dropped (the contract needs one), listed, and ocds-2's bid list incomplete
    assert sorted(bids.index) == ["ocds-1/1/b1", "ocds-1/1/b2", "ocds-1/1/b3", "ocds-1/2/b3", "ocds-1/2/b5"]
    assert any(p.ocid == "ocds-2" and p.what == "dropped" and "has no price" in p.message for p in problems)
    assert tenders["bid_list"].to_dict() == {"ocds-1/1": "all", "ocds-1/2": "all", "ocds-2": "none"}
    b1 = bids.loc["ocds-1/1/b1"]
    assert b1["company_id"] == "A1" and b1["consortium_members"] == "A2" and b1["price"] == 1900000
    assert bids.loc["ocds-1/1/b2", "status"] == "disqualified"
    assert bids.loc["ocds-1/2/b3", "status"] == "valid" and bids.loc["ocds-1/2/b3", "ocds_status"] == "pending"
    assert bids.loc["ocds-1/2/b5", "status"] == "withdrawn" and math.isnan(bids.loc["ocds-1/2/b5", "price"])
    assert "D" not in set(bids["company_id"])  # invited is not a bid

    contracts = tables["contracts"]
    assert contracts.to_dict("records")[0] | {} == {
        "contract_id": "ocds-1/k1", "project_id": "ocds-1", "tender_id": "ocds-1/1", "buyer_id": "B",
        "supplier_id": "A1", "category": "works", "procedure": "open", "amount": 1900000.0,
        "signed_on": "2024-04-10", "subject": "一标段施工合同", "consortium_members": "A2",
        "award_id": "ocds-1/a1", "status": None, "currency": "CNY", "ocid": "ocds-1"}

    companies = tables["companies"].set_index("company_id")
    assert companies.loc["A1", "uscc"] == USCC and companies.loc["A1", "name"] == "甲建设公司"
    assert companies.loc["A2", "uscc"] is None or isinstance(companies.loc["A2", "uscc"], float)
    assert companies.loc["B", "phone"] == "0591-1234567" and companies.loc["B", "address"] == "福建省 福州市 五四路1号"
    assert companies.loc["D", "name"] == "D"  # referenced only: name falls back to the id
    assert set(companies.loc["A1", "roles"].split(";")) == {"tenderer", "supplier"}
    assert any("not a valid 统一社会信用代码" in p.message for p in problems)

    items = tables["items"]
    assert set(items["classification_id"]) == {"45233000", "45233120"}
    assert set(tables["projects"]["project_id"]) == {"ocds-1", "ocds-2"}
    assert tables["awards"]["tender_id"].tolist() == ["ocds-1/1", "ocds-1/2"]

    written = write_tables(tables, tmp_path / "out")
    assert {p.name for p in written} >= {"companies.csv", "tenders.csv", "bids.csv", "contracts.csv"}


def test_releases_of_one_ocid_without_dates_are_merged_in_file_order(tmp_path):
    path = write_lines(tmp_path / "d.jsonl", [{"ocid": "x", "tender": {"title": "旧"}},
                                              {"ocid": "x", "tender": {"title": "新"}}])
    tables, problems = read_ocds_tables(path)
    assert tables["tenders"]["title"].tolist() == ["新"]
    assert problems[0].line == 1 and "2 release(s) without a date" in problems[0].message


def _dated_tender(**tender) -> dict:
    base = {"procurementMethod": "open", "value": {"amount": 1_000_000, "currency": "CNY"},
            "tenderPeriod": {"startDate": "2024-02-28T09:00:00+08:00", "endDate": "2024-03-04T09:30:00+08:00"}}
    return {"ocid": "ocds-d", "date": "2024-03-04T10:00:00+08:00", "tender": {**base, **tender}}


def test_the_notice_day_is_the_earliest_publication_of_the_tender(tmp_path):
    # Prozorro: documents and enquiries from 02-25, submissions only from 02-28; a later amended document does not move
    # the first issue, and a contract notice or a clarification is no notice of the tender
    release = _dated_tender(
        enquiryPeriod={"startDate": "2024-02-26T10:00:00+08:00"},
        documents=[{"id": "d1", "documentType": "biddingDocuments", "datePublished": "2024-02-25T14:30:00+08:00"},
                   {"id": "d2", "documentType": "biddingDocuments", "datePublished": "2024-02-29T08:00:00+08:00"},
                   {"id": "d3", "documentType": "clarifications", "datePublished": "2024-02-20T08:00:00+08:00"}])
    tables, _ = read_ocds_tables(write_lines(tmp_path / "a.jsonl", [release]))
    row = tables["tenders"].iloc[0]
    assert row["announced_on"] == "2024-02-25" and "docs_from" not in tables["tenders"].columns
    # near misses: no documents, no enquiries: the submission period's start is the notice's day, as before; without
    # that start (or tender.datePublished) an enquiry meeting or a document's upload date makes no notice day
    tables, _ = read_ocds_tables(write_lines(tmp_path / "b.jsonl", [_dated_tender(datePublished=None)]))
    assert tables["tenders"].iloc[0]["announced_on"] == "2024-02-28"
    no_start = {**release, "tender": {**release["tender"], "tenderPeriod": {"endDate": "2024-03-04T09:30:00+08:00"}}}
    tables, _ = read_ocds_tables(write_lines(tmp_path / "c.jsonl", [no_start]))
    assert tables["tenders"].iloc[0]["announced_on"] is None


def test_a_tender_period_that_is_one_date_gives_no_notice_day(tmp_path):
    release = _dated_tender(tenderPeriod={"startDate": "2015-12-22T00:00:00-06:00",
                                          "endDate": "2015-12-22T00:00:00-06:00"})
    tables, problems = read_ocds_tables(write_lines(tmp_path / "a.jsonl", [release]), timezone="America/Mexico_City")
    assert tables["tenders"].iloc[0]["announced_on"] is None
    assert any("equals its endDate" in p.message and p.action == "ignored" for p in problems)
    # a period that ends before it starts (GACM: 07-16 to 05-31) stays the data error it is: an enquiry meeting does
    # not make it a 7-day period
    release = _dated_tender(tenderPeriod={"startDate": "2016-07-16T05:00:00Z", "endDate": "2016-05-31T05:00:00Z"},
                            enquiryPeriod={"startDate": "2016-05-24T05:00:00Z"})
    tables, _ = read_ocds_tables(write_lines(tmp_path / "b.jsonl", [release]), timezone="America/Mexico_City")
    assert tables["tenders"].iloc[0]["announced_on"] == "2016-07-16"


def test_the_end_of_day_marker_keeps_its_day_and_a_late_instant_moves():
    from bidwatch.ocds.tables import zone

    oslo = zone("Europe/Oslo")
    # TED/eForms write a date as its last second in UTC: the 26th, not 01:59 on the 27th in Oslo
    assert local_date("2023-09-26T23:59:59Z", oslo) == "2023-09-26"
    assert local_date("2023-09-26T23:59:59.999Z", oslo) == "2023-09-26"
    assert local_timestamp("2023-09-26T23:59:59Z", oslo) == "2023-09-26T23:59:59"
    # near miss: a real instant a second earlier is converted like any other
    assert local_date("2023-09-26T23:59:58Z", oslo) == "2023-09-27"
    # Kosovo writes the day's end to the minute: 2015-05-22T23:59:00Z is the 22nd; 23:59:00.5 is an instant
    belgrade = zone("Europe/Belgrade")
    assert local_date("2015-05-22T23:59:00Z", belgrade) == "2015-05-22"
    assert local_date("2015-05-22T23:59:00.500Z", belgrade) == "2015-05-23"


def test_a_contract_naming_its_own_suppliers_is_kept(tmp_path):
    # the Contract Suppliers extension (Paraguay's DNCP): no award in the release, the contract names the supplier
    release = {"ocid": "ocds-c", "date": "2018-12-18T13:20:42Z", "buyer": {"id": "B", "name": "Buyer"},
               "contracts": [{"id": "c1", "awardID": "a-elsewhere", "value": {"amount": 17875000, "currency": "PYG"},
                              "dateSigned": "2013-04-05T12:00:00Z",
                              "suppliers": [{"id": "S", "name": "11 DE SETIEMBRE SRL"}]}]}
    tables, problems = read_ocds_tables(write_lines(tmp_path / "a.jsonl", [release]))
    assert tables["contracts"]["supplier_id"].tolist() == ["S"] and not [p for p in problems if p.action == "dropped"]
    # one supplier written as an object (Paraguay), not a list of one: read alike, and no "expected array" noise
    release["contracts"][0]["suppliers"] = {"id": "S", "name": "11 DE SETIEMBRE SRL"}
    tables, problems = read_ocds_tables(write_lines(tmp_path / "o.jsonl", [release]))
    assert tables["contracts"]["supplier_id"].tolist() == ["S"] and not problems
    # where the award is in the release, its supplier ids are the winner's: the contract's other spelling of the
    # same firm (by identifier) does not replace them
    award = {**release, "awards": [{"id": "a-elsewhere", "status": "active", "suppliers": [{"id": "W", "name": "W"}],
                                    "value": {"amount": 17875000, "currency": "PYG"}}]}
    tables, _ = read_ocds_tables(write_lines(tmp_path / "w.jsonl", [award]))
    assert tables["contracts"]["supplier_id"].tolist() == ["W"]
    # near miss: without suppliers on the contract or an award, it is dropped and listed, as before
    del release["contracts"][0]["suppliers"]
    tables, problems = read_ocds_tables(write_lines(tmp_path / "b.jsonl", [release]))
    assert tables["contracts"].empty and any("has no supplier" in p.message for p in problems)


def test_an_award_in_another_currency_than_the_tender_is_no_award_price(tmp_path):
    release = _dated_tender(value={"amount": 1_471_566.72, "currency": "MXN"})
    release["awards"] = [{"id": "1", "status": "active", "suppliers": [{"id": "S", "name": "S"}],
                          "value": {"amount": 75_464.96, "currency": "USD"}}]
    tables, problems = read_ocds_tables(write_lines(tmp_path / "a.jsonl", [release]), timezone="America/Mexico_City")
    row = tables["tenders"].iloc[0]
    assert row["winner_id"] == "S" and math.isnan(row["award_price"])
    assert any("award value in USD" in p.message and p.action == "cleared" for p in problems)
    release["awards"][0]["value"]["currency"] = "MXN"  # near miss: the same money is the award price
    tables, _ = read_ocds_tables(write_lines(tmp_path / "b.jsonl", [release]), timezone="America/Mexico_City")
    assert tables["tenders"].iloc[0]["award_price"] == 75_464.96


def test_an_eforms_award_names_its_winner_through_the_winning_bid(tmp_path):
    release = {"ocid": "ocds-e", "date": "2023-09-28T12:00:00+02:00",
               "parties": [{"id": "ORG-1", "name": "KS", "roles": ["buyer"]},
                           {"id": "ORG-2", "name": "Kons AS", "roles": ["tenderer"]}],
               "buyer": {"id": "ORG-1"}, "tender": {"id": "t", "procurementMethod": "open"},
               "bids": {"details": [{"id": "TEN-1", "value": {"amount": 2_700_000.0, "currency": "NOK"},
                                     "tenderers": [{"id": "ORG-2"}]}]},
               "awards": [{"id": "RES-1", "status": "active", "date": "2023-09-20T00:00:00+02:00",
                           "value": {"amount": 2_700_000.0, "currency": "NOK"}, "relatedBids": ["TEN-1"]}]}
    tables, _ = read_ocds_tables(write_lines(tmp_path / "a.jsonl", [release]), timezone="Europe/Oslo")
    row = tables["tenders"].iloc[0]
    assert (row["winner_id"], row["award_price"], row["awarded_on"]) == ("ORG-2", 2_700_000.0, "2023-09-20")
    release["awards"][0]["relatedBids"] = ["TEN-9"]  # near miss: a bid the release does not hold names nobody
    tables, _ = read_ocds_tables(write_lines(tmp_path / "b.jsonl", [release]), timezone="Europe/Oslo")
    assert tables["tenders"].iloc[0]["winner_id"] is None


def _colombia(**extra) -> dict:
    """Colombia's SECOP as published: the release dated at the process's start, awards and contracts repeated."""
    award = {"id": 4876707, "status": "active", "suppliers": [{"id": "R", "name": "RIELCO"}],
             "value": {"amount": 6_000_000.0, "currency": "COP"}}
    contract = {"id": "160177-0-2016", "awardID": "4876707", "dateSigned": "2016-07-19T05:00:00Z",
                "value": {"amount": 6_000_000.0, "currency": "COP"},
                "documents": [{"id": "d1", "datePublished": "2016-07-19T11:32:00Z"}]}
    release = {"ocid": "ocds-k50g02-1", "date": "2016-06-30T05:00:00Z", "buyer": {"id": "B", "name": "Alcaldía"},
               "tender": {"id": "t", "procurementMethod": "open", "value": {"amount": 8_605_500.0, "currency": "COP"}},
               "awards": [award, {**award, "status": "Servicios de personal temporal"}, dict(award)],
               "contracts": [contract, {**contract, "status": "otra"}, dict(contract)]}
    return {**release, **extra}


def test_an_award_and_a_contract_published_twice_in_a_release_count_once(tmp_path):
    tables, problems = read_ocds_tables(write_lines(tmp_path / "a.jsonl", [_colombia()]), timezone="America/Bogota")
    # three copies of one contract (one with another status text): one contract, not three summed against the award
    assert tables["contracts"]["contract_id"].tolist() == ["ocds-k50g02-1/160177-0-2016"]
    awards = tables["awards"]
    assert sorted(awards["award_id"]) == ["ocds-k50g02-1/4876707", "ocds-k50g02-1/4876707#2"]  # other status: kept
    assert sum("repeated in the release" in p.message and p.action == "dropped" for p in problems) == 3
    assert tables["tenders"].iloc[0]["award_price"] == 6_000_000.0
    # near miss: a contract of the same id with another amount is another contract, kept under its own key
    release = _colombia()
    release["contracts"][2] = {**release["contracts"][2], "value": {"amount": 1_000.0, "currency": "COP"}}
    tables, _ = read_ocds_tables(write_lines(tmp_path / "b.jsonl", [release]), timezone="America/Bogota")
    assert sorted(tables["contracts"]["amount"]) == [1_000.0, 6_000_000.0]


def test_two_active_awards_to_one_firm_make_the_award_price(tmp_path):
    release = _colombia()
    second = {"id": 4876740, "status": "active", "suppliers": [{"id": "R", "name": "RIELCO"}],
              "value": {"amount": 2_605_500.0, "currency": "COP"}}
    release["awards"] = [release["awards"][0], second]
    tables, problems = read_ocds_tables(write_lines(tmp_path / "a.jsonl", [release]), timezone="America/Bogota")
    row = tables["tenders"].iloc[0]
    assert (row["winner_id"], row["award_price"]) == ("R", 8_605_500.0)
    assert any("their sum" in p.message and p.action == "repaired" for p in problems)
    # near miss: a second award to another firm leaves the first winner and price, and says so
    release["awards"][1] = {**second, "suppliers": [{"id": "X", "name": "OTRA"}]}
    tables, problems = read_ocds_tables(write_lines(tmp_path / "b.jsonl", [release]), timezone="America/Bogota")
    row = tables["tenders"].iloc[0]
    assert (row["winner_id"], row["award_price"]) == ("R", 6_000_000.0)
    assert any("to another supplier" in p.message for p in problems)


def test_a_signing_day_its_documents_were_published_on_is_kept(tmp_path):
    # the release is dated at the process's start (06-30); the contract signed 07-19, its documents published that day
    tables, problems = read_ocds_tables(write_lines(tmp_path / "a.jsonl", [_colombia()]), timezone="America/Bogota")
    assert tables["contracts"]["signed_on"].tolist() == ["2016-07-19"]
    # near miss: without a document published after the release's date, the date is still "not yet happened"
    release = _colombia()
    for c in release["contracts"]:
        c.pop("documents")
    tables, problems = read_ocds_tables(write_lines(tmp_path / "b.jsonl", [release]), timezone="America/Bogota")
    assert tables["contracts"].empty
    assert any("later than the release" in p.message and p.action == "cleared" for p in problems)


def test_a_tender_in_a_currency_without_an_amount_keeps_it(tmp_path):
    # UK Contracts Finder: the value names GBP and no amount; Moldova: only its awards carry the money
    uk = _dated_tender(value={"currency": "GBP", "amount": None})
    tables, _ = read_ocds_tables(write_lines(tmp_path / "uk.jsonl", [uk]))
    assert tables["tenders"].iloc[0]["currency"] == "GBP"
    md = _dated_tender(value={"amount": "", "currency": ""})
    md["awards"] = [{"id": "a", "status": "active", "suppliers": [{"id": "S", "name": "S"}],
                     "value": {"amount": 203_179.71, "currency": "mdl"}}]
    tables, _ = read_ocds_tables(write_lines(tmp_path / "md.jsonl", [md]))
    assert tables["tenders"].iloc[0]["currency"] == "mdl"
    # near miss: a tender in its own money keeps it whatever its award says
    cn = _dated_tender(value={"amount": 100.0, "currency": "CNY"})
    cn["awards"] = [{**md["awards"][0], "value": {"amount": 90.0, "currency": "USD"}}]
    tables, _ = read_ocds_tables(write_lines(tmp_path / "cn.jsonl", [cn]))
    assert tables["tenders"].iloc[0]["currency"] == "CNY"


def test_a_versioned_release_is_read_at_each_field_s_last_value(tmp_path):
    # as OCDS Kit and the Mexico City publisher give it: each field the list of its values over the releases
    def history(*values):
        return [{"releaseID": f"0{i}", "releaseDate": f"2015-12-2{i}T00:00:00-06:00", "releaseTag": ["tender"],
                 "value": v} for i, v in enumerate(values, start=1)]

    versioned = {"ocid": "ocds-v", "date": history("2015-12-21T00:00:00-06:00"),
                 "tender": {"id": history("t"), "title": history("Obra", "Obra pública"),
                            "description": history("x", None)},
                 "awards": [{"id": history("1"), "status": history("pending", "active"),
                             "suppliers": history([{"id": "S", "name": "S"}])}]}
    # near miss: a compiled release is read as it is, without the note
    plain = {"ocid": "ocds-p", "date": "2015-12-22T00:00:00-06:00", "tender": {"id": "t", "title": "T"}}
    tables, problems = read_ocds_tables(write_lines(tmp_path / "a.jsonl", [versioned, plain]),
                                        timezone="America/Mexico_City")
    tenders = tables["tenders"].set_index("tender_id")
    assert tenders.loc["ocds-v", "title"] == "Obra pública" and tenders.loc["ocds-v", "winner_id"] == "S"
    assert [(p.ocid, p.action) for p in problems if "versioned release" in p.message] == [("ocds-v", "repaired")]
    assert tenders.loc["ocds-p", "title"] == "T"


def test_helpers():
    assert uscc_valid(USCC) and not uscc_valid("91350100M000100Y44") and not uscc_valid("123")
    assert local_date("2024-01-01T16:00:00Z") == "2024-01-02"
    assert local_date("2024-01-01T16:00:00+08:00") == "2024-01-01"
    assert local_date("2024-01-01") == "2024-01-01"
    assert local_date("not a date") is None


def test_a_single_lot_without_a_value_takes_the_tenders(tmp_path):
    release = _dated_tender(value={"amount": 457_000.0, "currency": "GBP"}, lots=[{"id": "1", "title": "Lot 1"}])
    tables, _ = read_ocds_tables(write_lines(tmp_path / "a.jsonl", [release]))
    assert tables["tenders"][["estimate", "currency"]].values.tolist() == [[457_000.0, "GBP"]]
    # near miss: of two lots without values neither is given the whole tender's value
    release["tender"]["lots"].append({"id": "2", "title": "Lot 2"})
    tables, _ = read_ocds_tables(write_lines(tmp_path / "b.jsonl", [release]))
    assert tables["tenders"]["estimate"].isna().all()


def _notice(ocid: str, buyer: str, tenderer: str, tenderer_ident: str) -> dict:
    """An eForms notice: parties numbered ORG-0001… afresh in every notice."""
    return {"ocid": ocid, "date": "2023-09-28T12:00:00+02:00",
            "parties": [{"id": "ORG-0001", "name": buyer, "roles": ["buyer"]},
                        {"id": "ORG-0002", "name": tenderer, "roles": ["tenderer"],
                         "identifier": {"scheme": "NO-ORG", "id": tenderer_ident}}],
            "buyer": {"id": "ORG-0001"}, "tender": {"id": "t", "procurementMethod": "open"},
            "bids": {"details": [{"id": "TEN-1", "value": {"amount": 1_000_000.0, "currency": "NOK"},
                                  "tenderers": [{"id": "ORG-0002"}]}]},
            "awards": [{"id": "RES-1", "status": "active", "relatedBids": ["TEN-1"],
                        "value": {"amount": 1_000_000.0, "currency": "NOK"}}]}


def test_a_party_id_of_one_process_is_not_another_processs_organisation(tmp_path):
    notices = [_notice("ocds-a", "KS", "Kons AS", "111"), _notice("ocds-b", "Ringerike Kommune", "Focus Software AS", "222")]
    tables, problems = read_ocds_tables(write_lines(tmp_path / "a.jsonl", notices), timezone="Europe/Oslo")
    names = dict(zip(tables["companies"]["company_id"], tables["companies"]["name"], strict=True))
    assert names == {"ORG-0001": "KS", "ORG-0002": "Kons AS", "ORG-0001@ocds-b": "Ringerike Kommune",
                     "ORG-0002@ocds-b": "Focus Software AS"}
    # each process's bid, winner and buyer are its own organisations
    tenders = tables["tenders"].set_index("tender_id")
    assert tenders.loc["ocds-b", "winner_id"] == "ORG-0002@ocds-b" and tenders.loc["ocds-b", "tenderer_id"] == "ORG-0001@ocds-b"
    assert tables["bids"].set_index("tender_id").loc["ocds-b", "company_id"] == "ORG-0002@ocds-b"
    assert sum("names another organisation" in p.message for p in problems) == 2
    # near miss: a global id (the same organisation in two processes, its name spelt a little differently) is one
    same = [_notice("ocds-a", "KS", "Kons AS", "111"), _notice("ocds-b", "KS", "KONS A.S.", "111")]
    tables, problems = read_ocds_tables(write_lines(tmp_path / "b.jsonl", same), timezone="Europe/Oslo")
    assert sorted(tables["companies"]["company_id"]) == ["ORG-0001", "ORG-0002"]
    assert not any("names another organisation" in p.message for p in problems)


def test_a_placeholder_party_id_names_nobody(tmp_path):
    # Malaysia's Sinar: every supplier's party id is "none"; each is its own firm, found by its name
    releases = [{"ocid": f"ocds-m{i}", "date": "2020-01-01T00:00:00+08:00",
                 "parties": [{"id": "none", "name": name, "roles": ["supplier"]}],
                 "awards": [{"id": "1", "status": "active", "suppliers": [{"id": "none", "name": name}],
                             "value": {"amount": 9_909.5, "currency": "MYR"}}]}
                for i, name in enumerate(["SAFARIS MAJU SDN. BHD.", "NNC Link Enterprise"])]
    tables, _ = read_ocds_tables(write_lines(tmp_path / "a.jsonl", releases))
    assert sorted(tables["companies"]["name"]) == ["NNC Link Enterprise", "SAFARIS MAJU SDN. BHD."]
    assert sorted(tables["tenders"]["winner_id"]) == ["NNC Link Enterprise", "SAFARIS MAJU SDN. BHD."]


def test_an_active_award_without_suppliers_takes_the_one_supplier_party(tmp_path):
    # Malaysia's Sinar CIDB: the award names no supplier; the release's one party is the supplier
    release = {"ocid": "ocds-my", "date": "2012-01-10T00:00:00+08:00",
               "parties": [{"id": "0120001010-WP060310", "name": "SAFARIS MAJU", "roles": ["supplier"]}],
               "awards": [{"id": "a1", "status": "active", "value": {"amount": 9_909.5, "currency": "MYR"}}]}
    tables, problems = read_ocds_tables(write_lines(tmp_path / "a.jsonl", [release]))
    row = tables["tenders"].iloc[0]
    assert (row["winner_id"], row["award_price"]) == ("0120001010-WP060310", 9_909.5)
    assert any("one supplier party" in p.message and p.action == "repaired" for p in problems)
    # near miss: two supplier parties — which one won is not guessed, and the release says nothing: listed
    release["parties"].append({"id": "X", "name": "OTHER", "roles": ["supplier"]})
    tables, problems = read_ocds_tables(write_lines(tmp_path / "b.jsonl", [release]))
    assert tables["tenders"].iloc[0]["winner_id"] is None
    assert any("names no supplier" in p.message for p in problems)


def test_a_supplier_repeated_by_the_merge_is_no_consortium_with_itself(tmp_path):
    # OCDS 1.0 suppliers without an id: each release's copy is appended by the merge, and two copies of one firm
    # read as a consortium of the firm with itself (Mexico City's packages)
    def release(day: str, suppliers: list[dict]) -> dict:
        return {"ocid": "ocds-m", "id": day, "date": f"2015-12-{day}T00:00:00-06:00", "tag": ["award"],
                "tender": {"id": "t", "title": "T", "value": {"amount": 10.0, "currency": "MXN"}},
                "awards": [{"id": "1", "status": "active", "value": {"amount": 9.0, "currency": "MXN"},
                            "suppliers": suppliers}]}

    one = {"name": "BENTLEY SYSTEMS", "identifier": {"scheme": "MX-RFC", "id": "BSM971107ME6"}}
    other = {"name": "OTRA", "identifier": {"scheme": "MX-RFC", "id": "OTR010101AAA"}}
    tables, problems = read_ocds_tables(write_lines(tmp_path / "a.jsonl", [release("21", [one]),
                                                                           release("22", [one])]),
                                        timezone="America/Mexico_City")
    row = tables["tenders"].iloc[0]
    assert not row["winner_consortium_members"] and tables["awards"].iloc[0]["consortium_members"] in (None, "")
    assert [p.action for p in problems if "same supplier" in p.message] == ["repaired"]
    # near miss: two firms named in one award are a consortium
    tables, problems = read_ocds_tables(write_lines(tmp_path / "b.jsonl", [release("21", [one, other])]),
                                        timezone="America/Mexico_City")
    assert tables["tenders"].iloc[0]["winner_consortium_members"] and not any("same" in p.message for p in problems)


def test_the_tenderers_of_a_tender_are_companies_and_their_number(tmp_path):
    # OCDS's tender/tenderers names the bidders without their bids (the Data Review Tool's fixtures): they were lost
    release = {"ocid": "ocds-t", "date": "2024-03-01T00:00:00+08:00",
               "tender": {"id": "t", "title": "T", "tenderers": [{"id": "A", "name": "甲公司"},
                                                                 {"id": "B", "name": "乙公司"}, {"id": "A"}]}}
    tables, problems = read_ocds_tables(write_lines(tmp_path / "a.jsonl", [release]))
    assert {"A", "B"} <= set(tables["companies"]["company_id"])
    row = tables["tenders"].iloc[0]
    assert (row["number_of_tenderers"], row["bid_list"]) == (2, "none")  # no prices: the bid list stays unknown
    assert [p.action for p in problems] == ["repaired"] and "same tenderer" in problems[0].message  # A twice
    # near miss: the publisher's own count stands
    release["tender"]["numberOfTenderers"] = 3
    tables, problems = read_ocds_tables(write_lines(tmp_path / "b.jsonl", [release]))
    assert tables["tenders"].iloc[0]["number_of_tenderers"] == 3
