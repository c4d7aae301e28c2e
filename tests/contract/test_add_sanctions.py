"""``add_sanctions``: records kept outside a dataset join its sanctions table by the loader's rules,
all or nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bidwatch.contract import DatasetInvalid, add_sanctions, load_dataset
from bidwatch.contract.values import uscc_valid
from tests.contract.conftest import VALID_USCC, write_dataset

SANCTIONS_CSV = ("sanction_id,company_id,measure,authority,start_on,end_on\n"
                 "S1,C2,debarment,某市住建局,2023-01-01,2025-12-31\n")


def _rows(con: object, sql: str) -> list[tuple[object, ...]]:
    return con.execute(sql).fetchall()  # type: ignore[attr-defined]


def test_rows_are_appended_typed_and_seen_by_has(tmp_path: Path) -> None:
    ds = load_dataset(write_dataset(tmp_path / "d", {"sanctions": SANCTIONS_CSV}))
    assert not ds.has("sanctions", "uscc")  # cached as absent before the append
    added = add_sanctions(ds, [
        {"sanction_id": "REG-1", "company_id": "C3", "measure": "禁止投标", "authority": "某市发改委 发改罚〔2024〕1号",
         "start_on": dt.date(2024, 1, 1), "end_on": None},
        {"sanction_id": "REG-2", "uscc": VALID_USCC.lower(), "measure": "blacklist", "start_on": "2024年3月1日"},
    ])
    assert added == 2 and ds.row_counts["sanctions"] == 3
    got = _rows(ds.con,
                "SELECT sanction_id, company_id, uscc, measure, start_on, end_on FROM sanctions ORDER BY 1")
    assert got == [
        ("REG-1", "C3", None, "debarment", dt.date(2024, 1, 1), None),
        ("REG-2", None, VALID_USCC, "blacklist", dt.date(2024, 3, 1), None),
        ("S1", "C2", None, "debarment", dt.date(2023, 1, 1), dt.date(2025, 12, 31)),
    ]
    assert ds.has("sanctions", "uscc")


def test_a_dataset_without_sanctions_gets_the_contract_table(tmp_path: Path) -> None:
    ds = load_dataset(write_dataset(tmp_path / "d", {}))
    assert "sanctions" not in ds.tables
    add_sanctions(ds, [{"sanction_id": "REG-7", "person_id": "P9", "measure": "dishonest_debtor",
                        "start_on": "2024-05-01", "end_on": "2026-04-30"}])
    assert "sanctions" in ds.tables and ds.has("sanctions", "measure", "start_on")
    types = dict(_rows(ds.con, "SELECT column_name, data_type FROM information_schema.columns "
                               "WHERE table_name = 'sanctions'"))
    assert types["start_on"] == "DATE" and types["end_on"] == "DATE" and types["sanction_id"] == "VARCHAR"
    assert add_sanctions(ds, []) == 0


@pytest.mark.parametrize(
    ("row", "column", "value"),
    [
        ({"uscc": "91350100M000100Y44"}, "uscc", "91350100M000100Y44"),  # wrong check character
        ({"measure": "罚款"}, "measure", "罚款"),
        ({"start_on": "2024-02-30"}, "start_on", "2024-02-30"),
        ({"start_on": ""}, "start_on", ""),
        ({"company_id": None}, "company_id/uscc/person_id", ""),
        # a measure on an evaluation expert names the expert (experts.expert_id), not a company
        ({"measure": "暂停评标资格"}, "person_id", "expert_suspended"),
    ],
)
def test_a_bad_row_is_rejected_with_its_place_and_nothing_is_added(tmp_path: Path, row: dict[str, object],
                                                                    column: str, value: str) -> None:
    ds = load_dataset(write_dataset(tmp_path / "d", {"sanctions": SANCTIONS_CSV}))
    good = {"sanction_id": "REG-1", "company_id": "C1", "measure": "debarment", "start_on": "2024-01-01"}
    with pytest.raises(DatasetInvalid) as caught:
        add_sanctions(ds, [good, {**good, "sanction_id": "REG-2", **row}])
    (problem,) = caught.value.problems
    assert (problem.table, problem.row, problem.column, problem.value) == ("sanctions", 2, column, value)
    assert " / " in problem.expected  # Chinese, then English, as the loader says it
    assert _rows(ds.con, "SELECT sanction_id FROM sanctions") == [("S1",)]
    assert ds.row_counts["sanctions"] == 1


def test_an_id_the_dataset_has_or_a_repeated_id_is_refused(tmp_path: Path) -> None:
    ds = load_dataset(write_dataset(tmp_path / "d", {"sanctions": SANCTIONS_CSV}))
    row = {"company_id": "C1", "measure": "debarment", "start_on": "2024-01-01"}
    with pytest.raises(DatasetInvalid) as caught:
        add_sanctions(ds, [{**row, "sanction_id": "REG-1"}, {**row, "sanction_id": "S1"}])
    (problem,) = caught.value.problems
    where = (problem.table, problem.row, problem.column, problem.value)
    assert where == ("sanctions", 2, "sanction_id", "S1")
    assert "已有" in problem.expected and "already present" in problem.expected
    with pytest.raises(DatasetInvalid) as caught:
        add_sanctions(ds, [{**row, "sanction_id": "REG-1"}, {**row, "sanction_id": "REG-1"}])
    assert [(p.row, p.column) for p in caught.value.problems] == [(2, "sanction_id")]
    assert _rows(ds.con, "SELECT count(*) FROM sanctions") == [(1,)]
    with pytest.raises(ValueError, match="not a column"):
        add_sanctions(ds, [{**row, "sanction_id": "REG-1", "document_number": "x"}])


def test_uscc_valid_is_the_loader_rule() -> None:
    assert uscc_valid(VALID_USCC) and uscc_valid("91110000600037341L")
    assert not uscc_valid("91350100M000100Y44") and not uscc_valid("123") and not uscc_valid("")
    assert not uscc_valid(VALID_USCC.lower())  # the loader upper-cases before checking
    assert not uscc_valid("x' OR true OR 'y")


def test_measures_on_evaluation_experts_are_added_by_the_experts_person_id(tmp_path: Path) -> None:
    ds = load_dataset(write_dataset(tmp_path / "d", {"sanctions": SANCTIONS_CSV}))
    add_sanctions(ds, [
        {"sanction_id": "REG-1", "person_id": "E7", "measure": "暂停评标资格", "start_on": "2024-01-01",
         "end_on": "2024-06-30"},
        {"sanction_id": "REG-2", "person_id": "E8", "measure": "取消评标专家资格", "start_on": "2024年3月1日"},
    ])
    got = _rows(ds.con, "SELECT sanction_id, person_id, measure, end_on FROM sanctions WHERE person_id IS NOT NULL "
                        "ORDER BY 1")
    assert got == [("REG-1", "E7", "expert_suspended", dt.date(2024, 6, 30)), ("REG-2", "E8", "expert_removed", None)]
