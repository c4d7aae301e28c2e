"""Releases of one ocid compiled with ocdsmerge, offline; organisation references without an id; dates in
the publisher's time zone; the contract's last refusals dropped row by row instead of rejecting the file."""

from __future__ import annotations

import csv
import gzip
import json
import socket
from pathlib import Path

import pytest
from ocds_helpers import write_lines

from bidwatch.cli import main
from bidwatch.ocds import merge, reader
from bidwatch.ocds.reader import ReadStats, iter_compiled
from bidwatch.ocds.tables import local_date, local_timestamp, read_ocds_tables, zone


def _stages(ocid: str) -> list[dict]:
    """One contracting process published as three releases (tender, award, contract), as Jalisco does."""
    party = [{"id": "B", "name": "某市住建局", "roles": ["buyer"]}]
    return [
        {"ocid": ocid, "id": f"{ocid}-t", "date": "2024-01-05T09:00:00+08:00", "tag": ["tender"],
         "parties": party, "buyer": {"id": "B"},
         "tender": {"id": "t", "title": "旧标题", "value": {"amount": 1_000_000, "currency": "CNY"},
                    "description": "to be removed", "numberOfTenderers": 2,
                    "tenderPeriod": {"startDate": "2024-01-05T09:00:00+08:00"}},
         "bids": {"details": [{"id": "b1", "tenderers": [{"id": "S1", "name": "甲公司"}],
                               "value": {"amount": 950_000, "currency": "CNY"}}]}},
        {"ocid": ocid, "id": f"{ocid}-a", "date": "2024-02-01T09:00:00+08:00", "tag": ["award"],
         "parties": [{"id": "S1", "name": "甲公司", "roles": ["supplier"]}],
         "tender": {"id": "t", "title": "新标题", "description": None},
         "bids": {"details": [{"id": "b2", "tenderers": [{"id": "S2", "name": "乙公司"}],
                               "value": {"amount": 990_000, "currency": "CNY"}}]},
         "awards": [{"id": "a1", "status": "active", "date": "2024-02-01T09:00:00+08:00",
                     "suppliers": [{"id": "S1"}], "value": {"amount": 950_000, "currency": "CNY"}}]},
        {"ocid": ocid, "id": f"{ocid}-c", "date": "2024-02-20T09:00:00+08:00", "tag": ["contract"],
         "contracts": [{"id": "c1", "awardID": "a1", "dateSigned": "2024-02-20T09:00:00+08:00",
                        "value": {"amount": 950_000, "currency": "CNY"}}]},
    ]


def _spread(path: Path) -> Path:
    """The stages of two ocids interleaved with a third, single-release one, out of date order."""
    a, b = _stages("ocds-a"), _stages("ocds-b")
    single = {"ocid": "ocds-single", "date": "2024-01-01T00:00:00Z", "tender": {"id": "x", "title": "单条"}}
    return write_lines(path, [a[2], b[0], single, a[0], b[1], a[1], b[2]])


def _check_merged(tables: dict, single: bool = True) -> None:
    tenders = tables["tenders"].set_index("tender_id")
    assert sorted(tenders.index) == ["ocds-a", "ocds-b"] + (["ocds-single"] if single else [])
    a = tenders.loc["ocds-a"]
    assert a["title"] == "新标题"  # the later release wins
    assert a["winner_id"] == "S1" and a["awarded_on"] == "2024-02-01" and a["contract_signed_on"] == "2024-02-20"
    assert a["estimate"] == 1_000_000  # kept from the tender stage
    assert a["bid_list"] == "all"
    bids = tables["bids"]
    # bids of the two stages merged by id
    assert sorted(bids.loc[bids["tender_id"] == "ocds-a", "company_id"]) == ["S1", "S2"]
    contracts = tables["contracts"].set_index("contract_id")
    assert contracts.loc["ocds-a/c1", "supplier_id"] == "S1" and contracts.loc["ocds-a/c1", "buyer_id"] == "B"


def test_releases_spread_over_the_file_are_compiled_per_ocid(tmp_path):
    stats = ReadStats()
    tables, problems = read_ocds_tables(_spread(tmp_path / "r.jsonl"), stats=stats)
    assert problems == []
    _check_merged(tables)
    assert stats.as_dict() == {"lines": 7, "packages": 0, "releases": 7, "records": 0, "skipped": 0,
                               "processes": 3, "merged": 2}
    # null removes a field (OCDS merge), omitWhenMerged fields are dropped, the compiled release is tagged
    compiled = {r["ocid"]: r for _, r in iter_compiled(tmp_path / "r.jsonl", [])}
    assert "description" not in compiled["ocds-a"]["tender"]
    assert compiled["ocds-a"]["tag"] == ["compiled"] and compiled["ocds-a"]["date"] == "2024-02-20T09:00:00+08:00"
    assert [p["id"] for p in compiled["ocds-a"]["parties"]] == ["B", "S1"]


def test_two_pass_reading_of_large_and_gzipped_files_gives_the_same(tmp_path, monkeypatch):
    plain = _spread(tmp_path / "r.jsonl")
    monkeypatch.setattr(reader, "KEEP_IN_MEMORY_BYTES", 0)  # as for a file of more than 8 MiB
    tables, problems = read_ocds_tables(plain)
    assert problems == []
    _check_merged(tables)
    gz = tmp_path / "r.jsonl.gz"
    gz.write_bytes(gzip.compress(plain.read_bytes()))
    tables, _ = read_ocds_tables(gz)
    _check_merged(tables)


def test_releases_in_packages_and_records_of_one_ocid_are_merged(tmp_path):
    a = _stages("ocds-a")
    path = write_lines(tmp_path / "p.jsonl", [
        {"uri": "x", "releases": a[:2]},
        {"records": [{"ocid": "ocds-b", "releases": _stages("ocds-b")}]},  # embedded releases: compiled
        {"uri": "y", "releases": a[2:]},
    ])
    stats = ReadStats()
    tables, problems = read_ocds_tables(path, stats=stats)
    assert problems == []
    _check_merged(tables, single=False)
    assert stats.packages == 3 and stats.records == 1 and stats.processes == 2 and stats.merged == 2


def test_merge_never_touches_the_network(tmp_path, monkeypatch):
    import requests

    def refuse(*args, **kwargs):
        raise AssertionError("network access during the OCDS merge")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(requests.Session, "request", refuse)
    monkeypatch.setattr(requests, "get", refuse)
    merge.merge_rules.cache_clear()  # derive the rules again, under the ban
    try:
        tables, problems = read_ocds_tables(_spread(tmp_path / "r.jsonl"))
    finally:
        merge.merge_rules.cache_clear()
    assert problems == []
    _check_merged(tables)


def test_merge_rules_come_from_the_shipped_ocds_1_1_structure():
    rules = merge.merge_rules()
    assert rules[("id",)] == rules[("date",)] == rules[("tag",)] == "omitWhenMerged"
    assert rules[("parties", "additionalIdentifiers")] == "wholeListMerge"
    assert rules[("parties", "roles")] == "wholeListMerge"
    assert rules[("bids", "details", "relatedLots")] == "wholeListMerge"
    assert ("awards", "suppliers") not in rules  # organisation references merge by id


def test_merge_of_inconsistent_releases_keeps_the_latest_and_says_so():
    notes: list[str] = []
    out = merge.compile_releases([
        {"ocid": "x", "date": "2024-01-01", "awards": {"id": "1"}},
        {"ocid": "x", "date": "2024-02-01", "awards": [{"id": "1", "status": "active"}]},
    ], notes)
    assert out["awards"] == [{"id": "1", "status": "active"}] and out["tag"] == ["compiled"]
    assert notes and "latest release" in notes[0]


def test_award_given_as_an_object_is_repaired_before_merging(tmp_path):
    a = _stages("ocds-a")
    a[1]["awards"] = a[1]["awards"][0]  # an object, as Taiwan publishes it
    path = write_lines(tmp_path / "r.jsonl", a)
    tables, problems = read_ocds_tables(path)
    assert [(p.path, p.what) for p in problems] == [("/awards", "repaired")]
    assert tables["tenders"].loc[0, "winner_id"] == "S1"


def test_prozorro_style_bidders_identified_by_identifier_keep_their_bids(tmp_path):
    """Prozorro's bids name their tenderers by `identifier` (scheme + id) and name, without `id`."""
    release = {
        "ocid": "ocds-be6bcu-UA-2024-01-01-000001-a", "date": "2024-01-20T10:00:00+02:00",
        "parties": [
            {"id": "UA-EDR-11111111", "name": "ТОВ Перший", "roles": ["tenderer"],
             "identifier": {"scheme": "UA-EDR", "id": "11111111", "legalName": "ТОВ Перший"}},
            {"id": "buyer-1", "name": "Міська рада", "roles": ["buyer"]},
        ],
        "buyer": {"name": "Міська рада"},  # no id: the party with that name
        "tender": {"id": "t", "value": {"amount": 500000, "currency": "UAH"}},
        "bids": {"details": [
            # matches the party by identifier: the party's id
            {"id": "b1", "status": "valid", "value": {"amount": 480000, "currency": "UAH"},
             "tenderers": [{"name": "ТОВ Перший", "identifier": {"scheme": "UA-EDR", "id": "11111111"}}]},
            # no party: {scheme}-{id}, as OCDS builds party ids
            {"id": "b2", "status": "valid", "value": {"amount": 490000, "currency": "UAH"},
             "tenderers": [{"name": "ТОВ Другий", "identifier": {"scheme": "UA-EDR", "id": 22222222}}]},
            # a name only
            {"id": "b3", "status": "valid", "value": {"amount": 495000, "currency": "UAH"},
             "tenderers": [{"name": "ФОП Третій"}]},
            # nothing to identify the tenderer: dropped, listed
            {"id": "b4", "status": "valid", "value": {"amount": 499000, "currency": "UAH"},
             "tenderers": [{"address": {"locality": "Київ"}}]},
        ]},
    }
    tables, problems = read_ocds_tables(write_lines(tmp_path / "ua.jsonl", [release]))
    bids = tables["bids"].set_index("ocds_bid_id")
    assert bids["company_id"].to_dict() == {"b1": "UA-EDR-11111111", "b2": "UA-EDR-22222222", "b3": "ФОП Третій"}
    companies = tables["companies"].set_index("company_id")
    assert companies.loc["UA-EDR-22222222", "name"] == "ТОВ Другий"
    assert companies.loc["UA-EDR-22222222", "identifier_id"] == "22222222"
    assert tables["projects"].loc[0, "owner_id"] == "buyer-1"
    assert [(p.path, p.what) for p in problems] == [("/bids/details[3]", "dropped")]
    assert tables["tenders"].loc[0, "bid_list"] == "none"  # one bid lost: not the whole list any more


def test_dates_in_the_publishers_time_zone():
    mexico = zone("America/Mexico_City")
    # UTC is converted: 03:31 UTC on 17 May is 22:31 on 16 May in Mexico City
    assert local_date("2017-05-17T03:31:32Z", mexico) == "2017-05-16"
    assert local_date("2017-05-17T03:31:32Z") == "2017-05-17"  # Asia/Shanghai by default
    # date-only values written as midnight or noon UTC keep their date in every zone
    for value in ("2017-05-16T00:00:00Z", "2017-05-16T12:00:00Z", "2017-05-16T12:00:00.000Z",
                  "2017-05-16T00:00:00+00:00", "2017-05-16"):
        assert local_date(value, mexico) == local_date(value, zone("Pacific/Kiritimati")) == "2017-05-16"
    # an instant at noon with a fraction is an instant
    assert local_date("2017-05-16T12:00:00.5Z", zone("Pacific/Kiritimati")) == "2017-05-17"
    # an explicit non-UTC offset: the local date written, whatever the configured zone
    assert local_date("2017-05-16T23:30:00-05:00") == "2017-05-16"
    assert local_date("2017-05-16T23:30:00-05:00", zone("Asia/Tokyo")) == "2017-05-16"
    # no offset: local already
    assert local_date("2017-05-16T23:30:00", mexico) == "2017-05-16"
    # timestamps become naive local time in the zone (the contract reads naive timestamps as local)
    assert local_timestamp("2017-05-17T03:31:32Z", mexico) == "2017-05-16T22:31:32"
    assert local_timestamp("2017-05-16T23:30:00-05:00", mexico) == "2017-05-16T23:30:00"
    assert local_timestamp("not a date", mexico) is None
    with pytest.raises(ValueError, match="Mars/Olympus"):
        zone("Mars/Olympus")


def test_unknown_time_zone_is_a_clear_error(tmp_path, capsys):
    src = _spread(tmp_path / "r.jsonl")
    assert main(["scan", str(src), "--out", str(tmp_path / "out"), "--quiet", "--timezone", "Mars/Olympus"]) == 2
    assert "unknown time zone 'Mars/Olympus'" in capsys.readouterr().err


def _mexican_award(path, currency="MXN"):
    """An award at 22:31 on 16 May in Mexico City (03:31Z on the 17th) and a contract dated 16 May (date-only)."""
    return write_lines(path, [{
        "ocid": "mx-1", "buyer": {"id": "B", "name": "B"}, "tender": {"id": "t"},
        "awards": [{"id": "a", "status": "active", "date": "2017-05-17T03:31:32Z", "suppliers": [{"id": "S"}],
                    "value": {"amount": 10, "currency": currency}}],
        "contracts": [{"id": "c", "awardID": "a", "dateSigned": "2017-05-16T12:00:00Z",
                       "value": {"amount": 10, "currency": currency}}]}])


def _contract_before_award(tmp_path, src, *extra):
    out = tmp_path / f"out-{src.stem}-{len(extra)}"
    assert main(["scan", str(src), "--out", str(out), "--quiet", "--only", "contract_before_award", *extra]) == 0
    summary = json.loads((out / "summary.json").read_text())
    return "contract_before_award" in (out / "alerts.csv").read_text(encoding="utf-8-sig"), summary


def test_timezone_from_the_settings_file(tmp_path):
    src = _mexican_award(tmp_path / "r.jsonl")
    settings = tmp_path / "settings.toml"
    for zone_name, flagged in (("Asia/Shanghai", True), ("America/Mexico_City", False)):
        settings.write_text(f'[ocds]\ntimezone = "{zone_name}"\n', encoding="utf-8")
        got, summary = _contract_before_award(tmp_path, src, "--settings", str(settings))
        assert got is flagged
        assert (summary["ocds_timezone"], summary["ocds_timezone_basis"]) == (zone_name, "given")


def test_timezone_inferred_from_the_currency(tmp_path):
    # the default (auto): MXN is Mexico's money, so the award was made on 16 May, the day the contract was signed
    got, summary = _contract_before_award(tmp_path, _mexican_award(tmp_path / "mxn.jsonl"))
    assert got is False and summary["ocds_timezone"] == "America/Mexico_City"
    assert summary["ocds_timezone_basis"] == "inferred from the currency MXN (2 of 2 amounts)"
    report = (tmp_path / "out-mxn-0" / "report.html").read_text(encoding="utf-8")
    assert "日期按时区 America/Mexico_City 判断（按文件中的币种 MXN 推断：2/2 个金额为该币种）" in report
    # near miss: US dollars are the money of several zones and countries: not guessed, the default zone is said
    got, summary = _contract_before_award(tmp_path, _mexican_award(tmp_path / "usd.jsonl", "USD"))
    assert got is True and summary["ocds_timezone"] == "Asia/Shanghai"
    assert summary["ocds_timezone_basis"].startswith("default")
    # an explicit zone wins over the currency
    got, summary = _contract_before_award(tmp_path, _mexican_award(tmp_path / "mxn2.jsonl"), "--timezone",
                                          "Asia/Shanghai")
    assert got is True and summary["ocds_timezone_basis"] == "given"


def test_what_the_contract_still_refuses_is_dropped_row_by_row(tmp_path):
    """Lot 1 of ocid `dup` and the process with ocid `dup/1` are both tender `dup/1`: the contract refuses the
    repeated key; the scan drops the refused rows, lists them, and runs on the rest instead of rejecting the file."""
    releases = [
        {"ocid": "ok", "buyer": {"id": "B", "name": "B"}, "tender": {"id": "t"},
         "bids": {"details": [{"id": "1", "tenderers": [{"id": "S"}], "value": {"amount": 5, "currency": "CNY"}}]}},
        {"ocid": "dup", "buyer": {"id": "B", "name": "B"}, "tender": {"id": "t", "lots": [{"id": "1"}]}},
        {"ocid": "dup/1", "buyer": {"id": "B", "name": "B"}, "tender": {"id": "t"}},
    ]
    src = write_lines(tmp_path / "r.jsonl", releases)
    out = tmp_path / "out"
    assert main(["scan", str(src), "--out", str(out), "--quiet"]) == 0
    with (out / "ocds_problems.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows and all(r["action"] == "dropped" and r["path"] == "tenders.tender_id" for r in rows)
    assert {(r["ocid"], r["line"]) for r in rows} <= {("dup", "2"), ("dup/1", "3")}
    summary = json.loads((out / "summary.json").read_text())
    assert summary["rows"]["tenders"] == 3 - len(rows) and summary["ocds_problems"] == len(rows)


def test_repeated_ids_within_one_release(tmp_path):
    """The same contract (or bid) id twice in one release: an identical repetition is dropped, two different
    contracts under one id are both kept (the second as `id#n`); each listed."""
    value = {"amount": 100, "currency": "CNY"}
    release = {
        "ocid": "r", "buyer": {"id": "B", "name": "B"}, "tender": {"id": "t"},
        "bids": {"details": [{"id": "1", "tenderers": [{"id": "S"}], "value": value},
                             {"id": "1", "tenderers": [{"id": "S"}], "value": value},
                             {"id": "1", "tenderers": [{"id": "T"}], "value": {"amount": 120, "currency": "CNY"}}]},
        "awards": [{"id": "a", "status": "active", "suppliers": [{"id": "S"}], "value": value}],
        "contracts": [{"id": "c", "awardID": "a", "dateSigned": "2024-01-02", "value": value},
                      {"id": "c", "awardID": "a", "dateSigned": "2024-01-02", "value": value},
                      {"id": "c", "awardID": "a", "dateSigned": "2024-03-01", "value": {"amount": 50, "currency": "CNY"}}],
    }
    tables, problems = read_ocds_tables(write_lines(tmp_path / "r.jsonl", [release]))
    assert sorted(tables["contracts"]["contract_id"]) == ["r/c", "r/c#3"]
    assert sorted(tables["bids"]["bid_id"]) == ["r/1", "r/1#3"]
    assert sorted((p.path, p.what) for p in problems) == [
        ("/bids/details[1]/id", "dropped"), ("/bids/details[2]/id", "repaired"),
        ("/contracts[1]/id", "dropped"), ("/contracts[2]/id", "repaired")]
    assert tables["tenders"].loc[0, "bid_list"] == "all"  # a repetition removed: the list is still whole


def test_negative_estimate_cleared_zero_kept(tmp_path):
    rows = [{"ocid": "neg", "tender": {"id": "t", "value": {"amount": -5, "currency": "CNY"}}},
            {"ocid": "zero", "tender": {"id": "t", "value": {"amount": 0, "currency": "CNY"}}}]
    tables, problems = read_ocds_tables(write_lines(tmp_path / "r.jsonl", rows))
    estimates = tables["tenders"].set_index("tender_id")["estimate"]
    assert estimates.isna()["neg"] and estimates["zero"] == 0
    assert [(p.ocid, p.path, p.what) for p in problems] == [("neg", "/tender/value/amount", "cleared")]


def test_an_award_or_signing_dated_after_its_release_is_cleared_and_listed(tmp_path):
    # the real case (Grupo Aeroportuario): an award of 2105-10-09 in a release of 2017-02-08, whose contract of
    # 2015-10-23 would read as signed 32,858 days before the award. A date a day later than the release (a
    # date-only value its zone moved) is kept.
    def release(ocid: str, released: str, awarded: str, signed: str) -> dict:
        supplier = {"id": "S1", "name": "供应商一"}
        return {"ocid": ocid, "date": released, "buyer": {"id": "B1", "name": "采购人"}, "tender": {"id": "t"},
                "awards": [{"id": "a", "status": "active", "date": awarded, "suppliers": [supplier],
                            "value": {"amount": 100, "currency": "CNY"}}],
                "contracts": [{"id": "c", "awardID": "a", "dateSigned": signed,
                               "value": {"amount": 100, "currency": "CNY"}}]}

    rows = [release("typo", "2017-02-08T10:00:00Z", "2105-10-09T00:00:00Z", "2015-10-23"),
            release("late", "2017-02-08T10:00:00Z", "2017-01-05", "2017-03-01"),
            release("zone", "2017-02-08T10:00:00Z", "2017-02-09", "2017-02-09")]
    tables, problems = read_ocds_tables(write_lines(tmp_path / "r.jsonl", rows))
    t = tables["tenders"].set_index("tender_id")
    assert t.isna().loc["typo", "awarded_on"] and t.loc["typo", "contract_signed_on"] == "2015-10-23"
    assert t.loc["late", "awarded_on"] == "2017-01-05" and t.isna().loc["late", "contract_signed_on"]
    assert t.loc["zone", "awarded_on"] == "2017-02-09" and t.loc["zone", "contract_signed_on"] == "2017-02-09"
    listed = sorted((p.ocid, p.path, p.what) for p in problems if "later than the release" in p.message)
    assert listed == [("late", "/contracts[0]/dateSigned", "cleared"), ("typo", "/awards[0]/date", "cleared")]
    # the contract without its signing date leaves the contracts table, listed as such
    assert sorted(tables["contracts"]["contract_id"]) == ["typo/c", "zone/c"]
    # an award date that is no date at all is not judged here: the awards table keeps it as written
    odd = release("odd", "2017-02-08T10:00:00Z", "sometime", "2017-01-05")
    tables, problems = read_ocds_tables(write_lines(tmp_path / "odd.jsonl", [odd]))
    assert tables["awards"]["date"].tolist() == ["sometime"]
    assert not [p for p in problems if "later than the release" in p.message]


def test_a_release_reports_as_far_as_its_payments_not_only_its_own_date(tmp_path):
    # Portland: the compiled release keeps the process's first date, and reports the award, the contract and the
    # payments of the next two years: the award and the signing are no typing errors
    def release(payment: str) -> dict:
        return {"ocid": "p", "date": "2015-04-29T00:00:00-07:00", "buyer": {"id": "B", "name": "Buyer"},
                "tender": {"id": "t"},
                "awards": [{"id": "a", "status": "active", "date": "2015-11-06T00:00:00-08:00",
                            "suppliers": [{"id": "S", "name": "S"}], "value": {"amount": 391600.0, "currency": "USD"}}],
                "contracts": [{"id": "c", "awardID": "a", "dateSigned": "2015-11-20T00:00:00-08:00",
                               "value": {"amount": 391600.0, "currency": "USD"},
                               "implementation": {"transactions": [{"id": "x", "date": payment}]}}]}

    tables, problems = read_ocds_tables(write_lines(tmp_path / "a.jsonl", [release("2017-06-30T00:00:00-07:00")]),
                                        timezone="America/Los_Angeles")
    row = tables["tenders"].iloc[0]
    assert (row["awarded_on"], row["contract_signed_on"]) == ("2015-11-06", "2015-11-20")
    assert not [p for p in problems if "later than the release" in p.message]
    # near misses: a payment dated in the future (a typing error too) proves nothing; without it the award and
    # the signing are later than what the release shows, and are cleared as before
    for payment in ("2999-06-30T00:00:00-07:00", None):
        tables, problems = read_ocds_tables(write_lines(tmp_path / "b.jsonl", [release(payment)]),
                                            timezone="America/Los_Angeles")
        assert tables["tenders"].isna().iloc[0]["awarded_on"], payment
        assert len([p for p in problems if "later than the release" in p.message]) == 2


def test_ocds_indicators_says_what_it_read(tmp_path, capsys):
    src = _spread(tmp_path / "r.jsonl")
    with open(src, "ab") as f:
        f.write(b"not json\n")
    assert main(["ocds", "indicators", str(src), "-o", str(tmp_path / "out.json")]) == 0
    err = capsys.readouterr().err
    assert "read 8 line(s), 7 release(s), 1 skipped" in err
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    assert main(["ocds", "indicators", str(empty), "-o", str(tmp_path / "out2.json")]) == 0
    assert "the OCDS file is empty (0 lines)" in capsys.readouterr().err


def test_every_currency_zone_is_a_zone_and_tunisia_is_inferred(tmp_path):
    from bidwatch.ocds.tables import CURRENCY_ZONES, infer_timezone, zone

    assert all(zone(name) is not None for name in CURRENCY_ZONES.values())
    # Tunisia's prototype: TND amounts; its 09:00Z deadline is 10:00 in Tunis, not 17:00 in Shanghai
    release = {"ocid": "ocds-tn", "date": "2018-05-28T00:00:00Z",
               "tender": {"id": "t", "value": {"amount": 10.0, "currency": "TND"},
                          "tenderPeriod": {"endDate": "2018-06-28T09:00:00Z"}}}
    path = write_lines(tmp_path / "tn.jsonl", [release])
    assert infer_timezone(path)[0] == "Africa/Tunis"
    # near miss: euros are several countries' money: not guessed
    release["tender"]["value"]["currency"] = "EUR"
    assert infer_timezone(write_lines(tmp_path / "eu.jsonl", [release])) is None


def test_dollars_beside_pesos_do_not_hide_the_publisher_s_zone(tmp_path):
    # Mexico City: a tender in MXN awarded in USD (a software licence): 2 of 3 amounts in pesos, none in another
    # currency of one zone: Mexico City's zone, not the default
    from bidwatch.ocds.tables import infer_timezone

    def release(*currencies: str) -> dict:
        return {"ocid": "ocds-mx", "tender": {"id": "t", "value": {"amount": 1.0, "currency": currencies[0]}},
                "awards": [{"id": str(i), "value": {"amount": 1.0, "currency": c}}
                           for i, c in enumerate(currencies[1:])]}

    zone_, why = infer_timezone(write_lines(tmp_path / "mx.jsonl", [release("MXN", "MXN", "USD")]))
    assert zone_ == "America/Mexico_City" and why == "currency MXN (2 of 3 amounts; the other 1 in USD)"
    # near misses: pesos and soles (two zones) are not guessed; a few pesos among many dollars are no publisher's zone
    assert infer_timezone(write_lines(tmp_path / "pe.jsonl", [release("MXN", "MXN", "PEN", "PEN")])) is None
    assert infer_timezone(write_lines(tmp_path / "us.jsonl", [release("MXN", "USD", "USD", "USD")])) is None
