"""规避招标 / 化整为零 (法 第4条; 16号令 第5条): a planted positive and a near miss per indicator."""

from __future__ import annotations

import json

import pandas as pd

from tests.indicators.helpers import companies_of, company, scan, world


def evasion_world(contracts: list[dict], *, funded: bool | None = True, **extra: list[dict]) -> dict:
    t = world(**extra)
    t["companies"] += [company("OWN", "长沙市城建投资有限公司"), company("S1", "湘江劳务有限公司", legal_rep_id="LR-S"),
                       company("S2", "岳麓建材有限公司", legal_rep_id="LR-S"), company("S3", "星城设备有限公司")]
    t["projects"] = [{"project_id": "P1", "name": "一号路提质改造", "owner_id": "OWN", "state_funded": funded},
                     {"project_id": "P2", "name": "二号中学", "owner_id": "OWN", "state_funded": False}]
    if contracts:
        t["contracts"] = contracts
    return t


def contract(cid: str, amount: float, *, supplier: str = "S1", project: str | None = "P1", category: str = "works",
             signed: str = "2024-03-01", **extra) -> dict:
    return {"contract_id": cid, "project_id": project, "buyer_id": "OWN", "supplier_id": supplier,
            "category": category, "procedure": "direct", "amount": amount, "signed_on": signed, **extra}


# ---- untendered_contract -----------------------------------------------------------------------

def test_untendered_state_funded_contract_over_threshold_is_high(make_dataset, backend):
    ds = make_dataset(evasion_world([
        contract("K1", 4_500_000.0),                                        # works ≥ 400万, no tender
        contract("K2", 3_999_999.0, supplier="S3", category="works"),       # just under, no siblings
        contract("K3", 2_500_000.0, supplier="S3", project="P2", category="goods"),  # not state-funded
    ]))
    alerts = scan(ds, "untendered_contract", backend)
    assert companies_of(alerts) == [["S1"]]
    row = alerts.iloc[0]
    assert row["severity"] == "high" and row["project_id"] == "P1"
    assert pd.isna(row["tender_id"])  # a contract-level finding
    ev = json.loads(row["evidence"])
    assert ev["contract_id"] == "K1" and ev["threshold"] == 4_000_000
    assert "450.00万元" in row["message"] and "400.00万元" in row["message"]


def test_just_under_the_threshold_with_no_siblings_does_not_fire(make_dataset):
    ds = make_dataset(evasion_world([contract("K2", 3_999_999.0)]))
    assert scan(ds, "untendered_contract").empty
    assert scan(ds, "contract_splitting").empty


def test_services_threshold_and_unknown_funding_is_medium(make_dataset):
    ds = make_dataset(evasion_world([contract("K4", 1_200_000.0, category="services")], funded=None))
    alerts = scan(ds, "untendered_contract")
    assert companies_of(alerts) == [["S1"]]
    assert alerts.iloc[0]["severity"] == "medium"


def test_tendered_contract_and_open_procedure_do_not_fire(make_dataset):
    t = evasion_world([
        contract("K5", 5_000_000.0, tender_id="T1"),                       # has its tender
        contract("K6", 5_000_000.0, procedure="open"),                      # tendered (link missing)
        contract("K7", 1_150_000.0, supplier="C1", procedure=None),        # T1 won by C1 at 1.1M: same deal
    ])
    t["tenders"][0].update(project_id="P1", award_price=1_100_000.0)
    t["contracts"][2]["category"] = "services"
    assert scan(make_dataset(t), "untendered_contract").empty


# ---- contract_splitting ------------------------------------------------------------------------------

def test_three_contracts_to_one_supplier_together_over_the_threshold(make_dataset, backend):
    ds = make_dataset(evasion_world([
        contract("K1", 1_500_000.0, signed="2024-03-01"),
        contract("K2", 1_450_000.0, signed="2024-03-20"),
        contract("K3", 1_400_000.0, signed="2024-04-15"),
        contract("K9", 1_500_000.0, supplier="S3", signed="2024-04-20"),   # unrelated supplier: not part of it
    ]))
    alerts = scan(ds, "contract_splitting", backend)
    assert companies_of(alerts) == [["S1"]]
    row = alerts.iloc[0]
    ev = json.loads(row["evidence"])
    assert [c["contract_id"] for c in ev["contracts"]] == ["K1", "K2", "K3"]
    assert ev["total"] == 4_350_000.0 and ev["suppliers"] == "same"
    assert row["severity"] == "high" and row["project_id"] == "P1"
    assert "化整为零" in row["message"]


def test_related_suppliers_split_is_medium(make_dataset):
    ds = make_dataset(evasion_world([
        contract("K1", 1_100_000.0, supplier="S1", category="goods"),
        contract("K2", 1_000_000.0, supplier="S2", category="goods", signed="2024-05-01"),  # S1, S2 share LR-S
    ]))
    alerts = scan(ds, "contract_splitting")
    assert companies_of(alerts) == [["S1", "S2"]]
    assert alerts.iloc[0]["severity"] == "medium"
    assert json.loads(alerts.iloc[0]["evidence"])["suppliers"] == "related"


def test_contracts_outside_the_window_or_to_unrelated_suppliers_do_not_split(make_dataset):
    ds = make_dataset(evasion_world([
        contract("K1", 2_500_000.0, signed="2023-01-01"),
        contract("K2", 2_500_000.0, signed="2024-06-01"),                  # 517 days later
        contract("K3", 2_500_000.0, supplier="S3", signed="2023-01-05"),   # unrelated to S1
    ]))
    assert scan(ds, "contract_splitting").empty


# ---- non_open_without_basis ------------------------------------------------------------------------

def test_invited_tender_of_a_state_funded_project_over_threshold(make_dataset, backend):
    t = evasion_world([])
    t["tenders"][0].update(project_id="P1", procedure="invited", estimate=4_200_000.0)
    t["tenders"][1].update(project_id="P1", procedure="invited", estimate=2_200_000.0)  # below 400万
    alerts = scan(make_dataset(t), "non_open_without_basis", backend)
    assert list(alerts["tender_id"]) == ["T1"]
    assert alerts.iloc[0]["severity"] == "low" and "邀请招标" in alerts.iloc[0]["message"]


def test_open_tender_and_private_project_do_not_fire(make_dataset):
    t = evasion_world([])
    t["tenders"][0].update(project_id="P1", procedure="open", estimate=5_000_000.0)
    t["tenders"][1].update(project_id="P2", procedure="single_source", estimate=5_000_000.0)
    assert scan(make_dataset(t), "non_open_without_basis").empty


def test_a_tender_won_by_the_supplier_for_another_amount_is_no_link(make_dataset):
    # C1 won T1 (bid 900,000, no award price recorded) and then got a 5,000,000 contract without a tender
    t = evasion_world([contract("K8", 5_000_000.0, supplier="C1")])
    t["tenders"][0]["project_id"] = "P1"
    alerts = scan(make_dataset(t), "untendered_contract")
    assert companies_of(alerts) == [["C1"]]


def test_a_scan_whose_alerts_name_no_company_builds_its_company_table(make_dataset):
    """Regression (issue 12): contract-level alerts without a company exploded to a float NaN column and
    the company table's merge failed with "merge on str and float64 columns"."""
    from bidwatch.scan import run_scan

    ds = make_dataset(evasion_world([contract("K1", 4_500_000.0)]))
    result = run_scan(ds, only=["untendered_contract"])
    result.alerts["company_ids"] = [[] for _ in range(len(result.alerts))]  # as an OCDS contract with no supplier id
    from bidwatch.scan import _company_table
    from bidwatch.config import load_settings
    from bidwatch.engine import connect
    from bidwatch.indicators import ScanContext

    settings = load_settings()
    ctx = ScanContext(engine=connect(ds, "duckdb"), dataset=ds, settings=settings)
    companies = _company_table(result.alerts, ctx, settings)
    assert len(companies) and (companies["n_alerts"] == 0).all()


# ---- mandatory scope beyond state funding (16号令 第2条第(一)项; 发改法规规〔2018〕843号 第2条) --------------------------

def test_privately_funded_water_project_contract_awarded_directly_is_flagged(make_dataset, backend):
    # 843号 第2条第(四)项: 水利 infrastructure must be tendered whatever its funding. P1 is a private 水利 project
    # (sector only: a presumption, medium); P2 is a private housing project: outside the scope, left alone.
    t = evasion_world([contract("K1", 5_000_000.0), contract("K2", 5_000_000.0, supplier="S3", project="P2")],
                      funded=False)
    t["projects"][0]["sector"] = "water"
    t["projects"][1]["sector"] = "housing"
    alerts = scan(make_dataset(t), "untendered_contract", backend)
    assert companies_of(alerts) == [["S1"]]
    row = alerts.iloc[0]
    ev = json.loads(row["evidence"])
    assert row["severity"] == "medium" and ev["mandatory_basis"] == "sector" and ev["sector"] == "water"
    assert "843号" in row["message"] and "水利" in row["message"]


def test_stated_infrastructure_type_is_high_and_none_is_left_alone(make_dataset):
    t = evasion_world([contract("K1", 5_000_000.0), contract("K2", 5_000_000.0, supplier="S3", project="P2")],
                      funded=False)
    t["projects"][0].update(sector="water", infrastructure="water")
    t["projects"][1].update(sector="water", infrastructure="none")   # the data says: not 843号 infrastructure
    alerts = scan(make_dataset(t), "untendered_contract")
    assert companies_of(alerts) == [["S1"]]
    assert alerts.iloc[0]["severity"] == "high"
    assert json.loads(alerts.iloc[0]["evidence"])["mandatory_basis"] == "infrastructure"


def test_budget_funds_of_200万_and_10_percent_bring_a_private_project_into_scope(make_dataset):
    # 16号令 第2条第(一)项: P1 uses 300万 of budget funds in 2,000万 (15%): mandatory. P2: 300万 in 5,000万 (6%): not.
    t = evasion_world([contract("K1", 5_000_000.0), contract("K2", 5_000_000.0, supplier="S3", project="P2")],
                      funded=False)
    t["projects"][0].update(budget_funds=3_000_000.0, total_investment=20_000_000.0)
    t["projects"][1].update(budget_funds=3_000_000.0, total_investment=50_000_000.0)
    alerts = scan(make_dataset(t), "untendered_contract")
    assert companies_of(alerts) == [["S1"]]
    ev = json.loads(alerts.iloc[0]["evidence"])
    assert ev["mandatory_basis"] == "budget_funds" and ev["investment"] == 20_000_000
    assert alerts.iloc[0]["severity"] == "high" and "预算资金" in alerts.iloc[0]["message"]


def test_budget_funds_under_200万_do_not_bring_a_project_into_scope(make_dataset):
    t = evasion_world([contract("K1", 5_000_000.0)], funded=False)
    t["projects"][0].update(budget_funds=1_990_000.0, total_investment=10_000_000.0)   # 19.9% but < 200万
    assert scan(make_dataset(t), "untendered_contract").empty


def test_untendered_coverage_counts_contracts_without_a_tender(make_dataset):
    from bidwatch.scan import run_scan

    t = evasion_world([contract("K1", 5_000_000.0), contract("K2", 5_000_000.0, tender_id="T1"),
                       contract("K3", 5_000_000.0, supplier="S3", project="P2")])   # P2: private, not in scope
    cov = run_scan(make_dataset(t), only=["untendered_contract"]).summary["coverage"]["untendered_contract"]
    assert (cov["unit"], cov["in_scope"], cov["checked"]) == ("contracts", 2, 1)


def test_a_contract_signed_before_16_ling_is_judged_by_the_2000_thresholds(make_dataset, backend):
    """16号令 is in force from 2018-06-01; before it, 国家计委令第3号 第7条 set 施工200万、货物100万、服务50万. A 300万 works
    contract of 2017 and a 150万 goods one were mandatory then (alerts naming the 2000 rule); near misses: the same
    300万 works in 2019 (under 16号令's 400万), and 150万 works in 2017 (under 200万)."""
    ds = make_dataset(evasion_world([
        contract("K1", 3_000_000.0, signed="2017-05-02"),
        contract("K2", 1_500_000.0, supplier="S3", category="goods", signed="2018-05-31"),
        contract("K3", 3_000_000.0, supplier="S2", signed="2019-03-01"),
        contract("K4", 1_500_000.0, supplier="S2", signed="2017-08-01", subject="另一工程"),
    ]))
    alerts = scan(ds, "untendered_contract", backend)
    got = {json.loads(e)["contract_id"]: json.loads(e) for e in alerts["evidence"]}
    assert set(got) == {"K1", "K2"}
    assert got["K1"]["threshold"] == 2_000_000 and got["K1"]["rule"] == "2000"
    assert got["K2"]["threshold"] == 1_000_000
    assert all("国家计委令第3号" in m for m in alerts["message"])
