"""PRC law's standards apply to PRC projects: a dataset whose tenders are in another currency (OCDS from Mexico,
Ukraine, ...) is not judged by 招标投标法's statutory periods, thresholds and counts; the rest of the catalogue runs."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from bidwatch.config import load_settings
from bidwatch.indicators import CATALOGUE
from bidwatch.scan import run_scan
from tests.indicators.helpers import bid_row, world

CODES = ["short_bid_period", "identical_bid_prices"]


def _world(currency: str | None) -> dict:
    t = world()
    for row in t["tenders"]:
        row.update(announced_on="2024-05-10", bid_deadline="2024-05-20 09:30:00")  # 10 days: short under 第24条
        if currency is not None:
            row["currency"] = currency
    bid_row(t, "B25")["price"] = bid_row(t, "B26")["price"] = 1_985_123.45  # identical to the fen
    return t


def test_statutory_indicators_do_not_judge_a_foreign_dataset_and_say_why(make_dataset):
    result = run_scan(make_dataset(_world("MXN")), only=CODES)
    assert set(result.alerts["indicator"]) == {"identical_bid_prices"}
    (skip,) = result.skipped
    assert skip["indicator"] == "short_bid_period" and skip["missing"] == []
    assert "MXN" in skip["not_applicable"] and "2/2个金额" in skip["not_applicable"]
    assert result.summary["coverage"]["short_bid_period"]["checked"] == 0
    assert result.summary["coverage"]["short_bid_period"]["not_applicable"] == skip["not_applicable"]


def test_yuan_no_currency_or_the_setting_keep_prc_law(make_dataset):
    # near misses: the same tenders in CNY, in 人民币, with no currency column, and in MXN with [law] jurisdiction = CN
    for currency, settings in (("CNY", None), ("人民币", None), (None, None),
                               ("MXN", load_settings(overrides={"law": {"jurisdiction": "CN"}}))):
        result = run_scan(make_dataset(_world(currency)), only=CODES, settings=settings)
        assert set(result.alerts["indicator"]) == set(CODES), currency
        assert not result.skipped
    # and "other" turns them off whatever the currency
    result = run_scan(make_dataset(_world("CNY")), only=CODES,
                      settings=load_settings(overrides={"law": {"jurisdiction": "other"}}))
    assert [s["indicator"] for s in result.skipped] == ["short_bid_period"]


def test_the_bids_money_counts_where_the_tenders_give_none(make_dataset):
    # eForms: the lot has no value, its bid and award are in NOK
    t = _world(None)
    for row in t["bids"]:
        row["currency"] = "NOK"
    result = run_scan(make_dataset(t), only=CODES)
    assert [s["indicator"] for s in result.skipped] == ["short_bid_period"]
    assert "NOK（6/6个金额）" in result.skipped[0]["not_applicable"]


def test_the_statutory_mark_covers_the_periods_thresholds_and_counts():
    statutory = {c for c, ind in CATALOGUE.items() if ind.statutory}
    assert {"short_bid_period", "few_bidders", "untendered_contract", "late_contract",
            "contract_departs_from_award"} <= statutory
    # logic and evidence that hold under any law stay
    assert not statutory & {"identical_bid_prices", "same_preparer", "contract_before_award", "ml_collusion"}


def test_the_report_and_the_command_line_give_the_reason(make_dataset, tmp_path, capsys):
    from bidwatch.cli import main
    from bidwatch.contract import save_dataset

    folder = save_dataset({k: pd.DataFrame(v) for k, v in _world("UAH").items()}, tmp_path / "ds")
    assert main(["scan", str(folder), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "数据币种为UAH" in out and "short_bid_period" in out.split("数据币种为UAH")[1]
    report = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "数据币种为UAH" in report
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert any(s.get("not_applicable") for s in summary["skipped"])


def test_an_ocds_process_whose_money_is_on_its_award_alone_is_foreign(tmp_path):
    # Moldova: /tender/value {"amount": "", "currency": ""}, the award in "mdl", a 14-day bid period: 第24条's 20 days
    # are not Moldova's law
    from tests.ocds.ocds_helpers import write_lines

    from bidwatch.commands import load

    release = {"ocid": "ocds-ngfbwp-1", "date": "2017-01-03T00:00:00.000Z", "buyer": {"id": "B", "name": "B"},
               "tender": {"id": "t", "procurementMethod": "open", "value": {"amount": "", "currency": ""},
                          "tenderPeriod": {"startDate": "2017-01-03T00:00:00Z", "endDate": "2017-01-17T10:00:00Z"}},
               "awards": [{"id": "a", "status": "active", "suppliers": [{"id": "S", "name": "S"}],
                           "value": {"amount": 203_179.71, "currency": "mdl"}}]}
    path = write_lines(tmp_path / "md.jsonl", [release])
    result = run_scan(load(str(path), timezone="Europe/Chisinau"), only=["short_bid_period"])
    assert result.alerts.empty and "MDL" in result.skipped[0]["not_applicable"]
    # near miss: the same process in yuan is judged: 14 days < 20
    release["awards"][0]["value"]["currency"] = "CNY"
    result = run_scan(load(str(write_lines(tmp_path / "cn.jsonl", [release]))), only=["short_bid_period"])
    assert list(result.alerts["indicator"]) == ["short_bid_period"]


def test_without_any_currency_the_parties_country_or_ocds_input_decide(make_dataset):
    """No amount names a currency: parties in Chile (ChileCompra's countryName) → foreign; an OCDS dataset
    (tenders.ocid) naming neither currency nor country → not taken as the PRC's (Uruguay's ARCE tender releases);
    near misses: parties in 中国, and a clerk's workbook without currency or country, keep PRC law."""
    def scan_with(companies_country: str | None, ocid: bool) -> Any:
        t = _world(None)
        for c in t["companies"]:
            if companies_country is not None:
                c["country"] = companies_country
        if ocid:
            for row in t["tenders"]:
                row["ocid"] = f"ocds-yfs5dr-{row['tender_id']}"
        return run_scan(make_dataset(t), only=CODES)

    chile = scan_with("Chile", ocid=False)
    assert [s["indicator"] for s in chile.skipped] == ["short_bid_period"]
    assert "CHILE" in chile.skipped[0]["not_applicable"]
    bare_ocds = scan_with(None, ocid=True)
    assert [s["indicator"] for s in bare_ocds.skipped] == ["short_bid_period"]
    assert "jurisdiction = \"CN\"" in bare_ocds.skipped[0]["not_applicable"]
    for country, ocid in (("中国", True), (None, False)):
        kept = scan_with(country, ocid)
        assert set(kept.alerts["indicator"]) == set(CODES) and not kept.skipped, (country, ocid)
