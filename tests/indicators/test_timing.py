"""先建设后招标 and the contract clock (法 第46条; 条例 第54条): a planted positive and a near miss each."""

from __future__ import annotations

import json

from tests.indicators.helpers import companies_of, market, scan, world


def dated(t1: dict, t2: dict, **extra: list[dict]) -> dict:
    t = world(**extra)
    t["tenders"][0].update(t1)
    t["tenders"][1].update(t2)
    return t


def with_projects(t: dict, p1: dict, p2: dict | None = None) -> dict:
    t["projects"] = [{"project_id": "P1", "name": "一号路", **p1}, {"project_id": "P2", "name": "二号中学", **(p2 or {})}]
    t["tenders"][0]["project_id"] = "P1"
    t["tenders"][1]["project_id"] = "P2"
    return t


def test_works_started_before_the_award_is_high(make_dataset, backend):
    t = with_projects(dated({"announced_on": "2024-04-25", "awarded_on": "2024-05-28"},
                            {"announced_on": "2024-05-20", "awarded_on": "2024-06-28"}),
                      {"works_started_on": "2024-04-10"},           # before even the notice
                      {"works_started_on": "2024-06-29"})           # the day after the award: lawful
    alerts = scan(make_dataset(t), "works_before_award", backend)
    assert list(alerts["tender_id"]) == ["T1"]
    row = alerts.iloc[0]
    assert row["severity"] == "high" and companies_of(alerts) == [["C1"]]
    ev = json.loads(row["evidence"])
    assert ev["before_announcement"] is True and ev["works_started_on"] == "2024-04-10"
    assert "招标公告发布" in row["message"]


def test_permit_before_award_and_later_sections_are_medium(make_dataset):
    t = with_projects(dated({"awarded_on": "2024-05-28"}, {"awarded_on": "2024-06-28"}),
                      {"permit_on": "2024-05-27"})
    t["tenders"][1]["project_id"] = "P1"  # a second works section of the same project, awarded later
    alerts = scan(make_dataset(t), "works_before_award")
    got = dict(zip(alerts["tender_id"], alerts["severity"], strict=True))
    assert got == {"T1": "high", "T2": "medium"}
    assert json.loads(alerts[alerts["tender_id"] == "T1"].iloc[0]["evidence"])["permit_on"] == "2024-05-27"


def test_services_tender_is_compared_when_the_project_has_no_works_tender(make_dataset):
    t = with_projects(dated({"awarded_on": "2024-05-28", "category": "services"}, {"awarded_on": "2024-06-28"}),
                      {"works_started_on": "2024-05-01"})
    alerts = scan(make_dataset(t), "works_before_award")
    assert list(alerts["tender_id"]) == ["T1"] and alerts.iloc[0]["severity"] == "medium"
    assert "服务标段" in alerts.iloc[0]["message"]


def test_later_sections_after_a_lawful_first_award_do_not_fire(make_dataset):
    t = with_projects(dated({"awarded_on": "2024-05-28"}, {"awarded_on": "2024-08-28", "category": "services"}),
                      {"works_started_on": "2024-06-10"})
    t["tenders"][1]["project_id"] = "P1"  # works awarded, then started; a later services tender is not evidence
    assert scan(make_dataset(t), "works_before_award").empty


def test_goods_tender_after_a_lawfully_awarded_start_does_not_fire(make_dataset):
    t = with_projects(dated({"awarded_on": "2024-04-28"}, {"awarded_on": "2024-06-28", "category": "goods"}),
                      {"works_started_on": "2024-05-01"})
    t["tenders"][1]["project_id"] = "P1"  # works awarded 04-28, started 05-01, equipment bought later: lawful
    assert scan(make_dataset(t), "works_before_award").empty


def test_contract_before_award_is_high_and_same_day_is_lawful(make_dataset, backend):
    t = dated({"awarded_on": "2024-05-28", "contract_signed_on": "2024-05-20"},
              {"awarded_on": "2024-06-28", "contract_signed_on": "2024-06-28"})
    alerts = scan(make_dataset(t), "contract_before_award", backend)
    assert list(alerts["tender_id"]) == ["T1"]
    assert alerts.iloc[0]["severity"] == "high"
    assert json.loads(alerts.iloc[0]["evidence"])["days_after_award"] == -8


def test_contract_before_award_from_the_contracts_table(make_dataset):
    t = dated({"awarded_on": "2024-05-28"}, {"awarded_on": "2024-06-28"},
              contracts=[{"contract_id": "HT1", "tender_id": "T2", "buyer_id": "C1", "supplier_id": "C4",
                          "amount": 1_900_000.0, "signed_on": "2024-06-01"}])
    alerts = scan(make_dataset(t), "contract_before_award")
    assert list(alerts["tender_id"]) == ["T2"]
    assert json.loads(alerts.iloc[0]["evidence"])["contract_ids"] == ["HT1"]


def _contract_market(n: int, before: int) -> dict:
    """``n`` awarded tenders with a contract; the first ``before`` of them signed 9 days before the award."""
    t = market([(f"T{i:02d}", "C1", ["C1", "C2", "C3"]) for i in range(n)])
    for i, row in enumerate(t["tenders"]):
        row.update(awarded_on="2024-05-28", contract_signed_on="2024-05-19" if i < before else "2024-06-10")
    return t


def test_contract_before_award_as_the_rule_of_the_dataset_is_a_low_data_check(make_dataset, backend):
    # 11 of 12 tenders signed before the award (as in Paraguay's OCDS, 25 of 26): the award dates are not the notices'
    alerts = scan(make_dataset(_contract_market(12, 11)), "contract_before_award", backend)
    assert len(alerts) == 11 and set(alerts["severity"]) == {"low"}
    ev = json.loads(alerts.iloc[0]["evidence"])
    assert ev["systemic"] is True and (ev["dataset_hits"], ev["dataset_checked"]) == (11, 12)
    assert "12个标段中有11个" in alerts.iloc[0]["message"] and "先定后招" not in alerts.iloc[0]["message"]


def test_contract_before_award_as_the_exception_stays_high(make_dataset, backend):
    # near misses of the rule: 1 of 12 (the exception), and 6 of 6 (every one, but too few tenders to speak for the data)
    alerts = scan(make_dataset(_contract_market(12, 1)), "contract_before_award", backend)
    assert list(alerts["severity"]) == ["high"] and json.loads(alerts.iloc[0]["evidence"])["systemic"] is False
    alerts = scan(make_dataset(_contract_market(6, 6)), "contract_before_award", backend)
    assert len(alerts) == 6 and set(alerts["severity"]) == {"high"} and "先定后招" in alerts.iloc[0]["message"]


def test_contract_clocks_count_as_checked_only_tenders_with_a_contract_date(make_dataset):
    from bidwatch.scan import run_scan

    t = dated({"awarded_on": "2024-05-28", "contract_signed_on": "2024-05-20", "publicity_until": "2024-05-25"},
              {"awarded_on": "2024-06-28", "publicity_until": "2024-06-25"})  # T2: no contract on record
    coverage = run_scan(make_dataset(t), only=["contract_before_award", "contract_before_publicity_end"]
                        ).summary["coverage"]
    assert coverage["contract_before_award"] == {"unit": "tenders", "in_scope": 2, "checked": 1, "share": 0.5}
    assert coverage["contract_before_publicity_end"]["checked"] == 1


def test_contract_clocks_judge_only_tendered_procedures(make_dataset, backend):
    # the same dates on a direct award and a negotiation: no 中标通知书, no candidate publicity, not judged and not
    # counted as checked; an invited tender is judged like an open one
    from bidwatch.scan import run_scan

    codes = ["contract_before_award", "late_contract", "contract_before_publicity_end"]
    for procedure, fires in (("direct", False), ("negotiated", False), ("invited", True)):
        t = dated({"awarded_on": "2024-05-28", "contract_signed_on": "2024-05-20", "publicity_until": "2024-05-25"},
                  {"awarded_on": "2024-05-28", "contract_signed_on": "2024-07-20"})
        for row in t["tenders"]:
            row["procedure"] = procedure
        result = run_scan(make_dataset(t), only=codes, engine=backend)
        assert sorted(result.alerts["indicator"]) == (
            ["contract_before_award", "contract_before_publicity_end", "late_contract"] if fires else []), procedure
        assert result.summary["coverage"]["contract_before_award"]["in_scope"] == (2 if fires else 0), procedure


def test_late_contract_31_days_fires_30_does_not(make_dataset, backend):
    t = dated({"awarded_on": "2024-05-28", "contract_signed_on": "2024-06-28"},   # 31 days
              {"awarded_on": "2024-06-28", "contract_signed_on": "2024-07-28"})   # 30 days
    alerts = scan(make_dataset(t), "late_contract", backend)
    assert list(alerts["tender_id"]) == ["T1"]
    assert alerts.iloc[0]["severity"] == "medium" and "第31天" in alerts.iloc[0]["message"]


def test_contract_before_publicity_end(make_dataset, backend):
    t = dated({"publicity_until": "2024-05-24", "awarded_on": "2024-05-23", "contract_signed_on": "2024-05-24"},
              {"publicity_until": "2024-06-24", "awarded_on": "2024-06-25", "contract_signed_on": "2024-06-25"})
    alerts = scan(make_dataset(t), "contract_before_publicity_end", backend)
    assert list(alerts["tender_id"]) == ["T1"]
    assert alerts.iloc[0]["severity"] == "medium"


# ---- 民法典 第203条: a period whose last day is a statutory holiday ends on the next working day (issue 13) -------------

def test_late_contract_across_national_day_ends_on_the_next_working_day(make_dataset, backend):
    # Award 2024-09-02: day 30 is 10-02, inside the 10-01..07 holiday, so the period ends on Tuesday 10-08.
    t = dated({"awarded_on": "2024-09-02", "contract_signed_on": "2024-10-08"},   # on time (36 calendar days)
              {"awarded_on": "2024-09-02", "contract_signed_on": "2024-10-09"})   # one day late
    alerts = scan(make_dataset(t), "late_contract", backend)
    assert list(alerts["tender_id"]) == ["T2"]
    ev = json.loads(alerts.iloc[0]["evidence"])
    assert ev["deadline"] == "2024-10-08" and ev["deadline_exact"] is True and ev["days_late"] == 1
    assert "期限届满日2024-10-08" in alerts.iloc[0]["message"]


def test_late_contract_a_weekend_last_day_rolls_to_monday(make_dataset):
    # Award Thursday 2024-07-04: day 30 is Saturday 08-03, so Monday 08-05 is on time and Tuesday 08-06 is not.
    t = dated({"awarded_on": "2024-07-04", "contract_signed_on": "2024-08-05"},
              {"awarded_on": "2024-07-04", "contract_signed_on": "2024-08-06"})
    alerts = scan(make_dataset(t), "late_contract")
    assert list(alerts["tender_id"]) == ["T2"]
    assert json.loads(alerts.iloc[0]["evidence"])["deadline"] == "2024-08-05"
    # Award Thursday 2024-05-09: day 30 is Saturday 06-08, Sunday 06-09 and Monday 06-10 (端午节) are rest days too.
    t = dated({"awarded_on": "2024-05-09", "contract_signed_on": "2024-06-11"}, {})
    assert scan(make_dataset(t), "late_contract").empty


def test_late_contract_in_an_unknown_year_is_marked_estimated(make_dataset):
    # 2027 is not in the bundled calendar: the deadline is computed (Monday–Friday less 1 January) but estimated.
    t = dated({"awarded_on": "2027-03-01", "contract_signed_on": "2027-04-05"}, {})
    alerts = scan(make_dataset(t), "late_contract")
    ev = json.loads(alerts.iloc[0]["evidence"])
    assert ev["deadline"] == "2027-03-31" and ev["deadline_exact"] is False
    assert "按估算" in alerts.iloc[0]["message"]


def test_late_contract_coverage_counts_awarded_tenders_with_a_contract_date(make_dataset):
    from bidwatch.scan import run_scan

    t = dated({"awarded_on": "2024-05-09", "contract_signed_on": "2024-06-10"}, {"awarded_on": "2024-05-09"})
    cov = run_scan(make_dataset(t), only=["late_contract"]).summary["coverage"]["late_contract"]
    assert (cov["unit"], cov["in_scope"], cov["checked"]) == ("tenders", 2, 1)


def test_works_before_award_cites_the_scope_and_the_permit_articles():
    from bidwatch.indicators import CATALOGUE

    basis = CATALOGUE["works_before_award"].legal_basis
    assert "第3条" in basis and "第49条" in basis and "第7条" in basis and "第64条" in basis
    assert "第9条" not in basis  # 法 第9条 is about approvals and funds, not building first


def test_works_before_award_coverage_counts_projects_with_a_start_or_permit(make_dataset):
    from bidwatch.scan import run_scan

    t = with_projects(dated({"awarded_on": "2024-05-28"}, {"awarded_on": "2024-06-28"}), {"permit_on": "2024-06-01"})
    cov = run_scan(make_dataset(t), only=["works_before_award"]).summary["coverage"]["works_before_award"]
    assert (cov["in_scope"], cov["checked"]) == (2, 1)   # P2 has neither date: not checked


def test_each_date_is_said_before_the_event_it_precedes(make_dataset):
    """Permit 03-22 before the announcement 03-23, works 03-31 after it but before the award 04-20: the message said
    both were "早于招标公告发布"; now each date is set against the event it precedes."""
    t = with_projects(dated({"announced_on": "2023-03-23", "awarded_on": "2023-04-20"}, {"awarded_on": "2024-06-28"}),
                      {"permit_on": "2023-03-22", "works_started_on": "2023-03-31"})
    (message,) = scan(make_dataset(t), "works_before_award")["message"]
    assert "施工许可日期2023-03-22早于招标公告发布" in message
    assert "实际开工日期2023-03-31早于中标通知书发出" in message and "2023-03-31早于招标公告" not in message
