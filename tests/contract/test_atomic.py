"""A dataset loads whole or not at all: a rejection leaves no tables and no files behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import duckdb
import pytest

from bidwatch.contract import DatasetInvalid, load_dataset

from .conftest import BASE_CSV, write_dataset


def _snapshot(folder: Path) -> list[tuple[str, int]]:
    return sorted((str(p.relative_to(folder)), p.stat().st_size) for p in folder.rglob("*"))


def test_rejected_dataset_leaves_connection_and_disk_untouched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    folder = write_dataset(tmp_path / "ds", {
        # GB18030 forces a temporary UTF-8 copy; the bad price forces a rejection after staging.
        "bids": BASE_CSV["bids"].replace("900000", "九十万").encode("gb18030"),
        "bid_items": "bid_id,item_code,unit_price\nB1,01,1\n",
    })
    before = _snapshot(folder)
    con = duckdb.connect()
    con.execute("CREATE TABLE bids AS SELECT 'mine' AS x")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        with pytest.raises(DatasetInvalid) as info:
            load_dataset(folder, con)
    finally:
        os.chdir(cwd)
    assert [(p.table, p.row, p.column, p.value) for p in info.value.problems] == [("bids", 2, "price", "九十万")]
    assert con.execute("SELECT table_name FROM information_schema.tables").fetchall() == [("bids",)]
    assert con.execute("SELECT * FROM bids").fetchall() == [("mine",)]
    assert _snapshot(folder) == before
    assert list(scratch.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ds", "scratch"]


def test_valid_dataset_replaces_tables_in_the_given_connection(tmp_path: Path):
    con = duckdb.connect()
    con.execute("CREATE TABLE bids AS SELECT 'old' AS x")
    ds = load_dataset(write_dataset(tmp_path, {}), con)
    assert ds.con is con
    assert con.execute("SELECT count(*) FROM bids").fetchone() == (3,)
    names = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert names == {"bids", "companies", "tenders"}  # no staging, reject or helper tables left
    assert not any(c.startswith("__") for c in con.table("bids").columns)


def test_loading_twice_into_one_connection(tmp_path: Path):
    con = duckdb.connect()
    load_dataset(write_dataset(tmp_path / "a", {}), con)
    ds = load_dataset(write_dataset(tmp_path / "b", {"bids": BASE_CSV["bids"] + "B4,T1,C1,1,valid\n"}), con)
    assert ds.row_counts["bids"] == 4


def test_a_second_dataset_without_an_optional_table_drops_the_stale_one(tmp_path: Path):
    con = duckdb.connect()
    load_dataset(write_dataset(tmp_path / "a", {"experts": "expert_id\nE1\n"}), con)
    ds = load_dataset(write_dataset(tmp_path / "b", {}), con)
    assert "experts" not in ds.tables
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert tables == {"bids", "companies", "tenders"}


def test_loader_connection_has_a_bounded_memory_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    from bidwatch.contract.sqltext import DEFAULT_MEMORY_LIMIT, private_connection

    def limit() -> str:
        return private_connection().execute("SELECT current_setting('memory_limit')").fetchall()[0][0]

    monkeypatch.delenv("BIDWATCH_MEMORY_LIMIT", raising=False)
    assert DEFAULT_MEMORY_LIMIT == "2.5GB" and limit() in ("2.3 GiB", "2.4 GiB")  # 2.5 GB, not 80 % of the RAM
    monkeypatch.setenv("BIDWATCH_MEMORY_LIMIT", "500MB")
    assert limit() in ("476.8 MiB", "476.9 MiB")
    monkeypatch.setenv("BIDWATCH_MEMORY_LIMIT", "lots")
    with pytest.raises(ValueError, match="BIDWATCH_MEMORY_LIMIT"):
        private_connection()
