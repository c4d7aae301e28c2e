"""The whole catalogue on DuckDB and on Spark over the same synthetic dataset: the same alerts."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from bidwatch.contract import load_dataset
from bidwatch.scan import run_scan
from bidwatch.synth import write_synthetic
from tests.conftest import SPARK_AVAILABLE

pytestmark = [
    pytest.mark.spark,
    # one Spark JVM at a time: two xdist workers each with its own JVM ran out of driver memory for a broadcast
    # (Makefile: --dist loadgroup keeps this group on one worker)
    pytest.mark.xdist_group("spark"),
    pytest.mark.skipif(not SPARK_AVAILABLE, reason="PySpark or Java is not installed (make installs .[spark])"),
]


def _sorted(value: object) -> object:
    """Evidence with every list in a canonical order: engines may aggregate rows in any order."""
    if isinstance(value, dict):
        return {k: _sorted(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((_sorted(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def _canonical(alerts: pd.DataFrame) -> pd.DataFrame:
    out = alerts[["indicator", "severity", "tender_id", "project_id", "company_ids", "evidence", "message"]].copy()
    out["company_ids"] = out["company_ids"].map(";".join)
    out["score"] = alerts["score"]  # compared to 1e-9: a score rounded to six places by one engine differs
    out["evidence"] = [json.dumps(_sorted(json.loads(e)), sort_keys=True, ensure_ascii=False) for e in out["evidence"]]
    return out.sort_values(["indicator", "tender_id", "project_id", "company_ids", "evidence"]).reset_index(drop=True)


#: indicators whose alerts are known to differ between the engines, each with the reason; the list
#: may only shrink, and is empty: cobidding_group orders its co-bidding sets before grouping, and
#: contract_splitting sorts its contracts as structs (list_sort) and takes the first one's subject.
KNOWN_DIFFERENCES: set[str] = set()


def test_duckdb_and_spark_give_the_same_alerts(tmp_path):
    write_synthetic(tmp_path / "ds", 160, 4)
    ds = load_dataset(tmp_path / "ds")
    duck = run_scan(ds, engine="duckdb")
    spark = run_scan(ds, engine="spark")
    assert duck.summary["indicators_run"] == spark.summary["indicators_run"]
    assert len(duck.alerts) > 50
    a, b = _canonical(duck.alerts), _canonical(spark.alerts)
    differing = set()
    for code in sorted(set(a["indicator"]) | set(b["indicator"])):
        left = a[a["indicator"] == code].reset_index(drop=True)
        right = b[b["indicator"] == code].reset_index(drop=True)
        try:
            pd.testing.assert_frame_equal(left, right, check_exact=False, rtol=1e-9)
        except AssertionError:
            differing.add(code)
    assert differing <= KNOWN_DIFFERENCES, f"engines disagree on {sorted(differing - KNOWN_DIFFERENCES)}"
    same = a[~a["indicator"].isin(KNOWN_DIFFERENCES)]
    assert len(same) > 50 and same["indicator"].nunique() >= 20
    # the two indicators that used to differ do run here, with alerts
    assert {"cobidding_group", "contract_splitting"} <= set(a["indicator"])
    # messages as well as evidence are identical (evidence lists were only compared as sets above)
    for code in ("cobidding_group", "contract_splitting"):
        left = duck.alerts[duck.alerts["indicator"] == code].sort_values("evidence")
        right = spark.alerts[spark.alerts["indicator"] == code].sort_values("evidence")
        assert list(left["evidence"]) == list(right["evidence"])
        assert list(left["message"]) == list(right["message"])


def test_cluster_staging_url_is_written_and_read_through_spark(tmp_path, monkeypatch):
    """--spark-dir hdfs://… / s3a://…: the tables go to Spark as Arrow, are written as Parquet under
    the URL and read back from it (exercised here with a file:// URL, as no HDFS is at hand)."""
    from bidwatch.engine import spark as spark_engine

    assert spark_engine._is_url("hdfs://nn:8020/bidwatch/run1") and spark_engine._is_url("s3a://bucket/x")
    assert not spark_engine._is_url("/mnt/nfs/bidwatch") and not spark_engine._is_url("file:///tmp/x")
    assert not spark_engine._is_url("C:/data")
    write_synthetic(tmp_path / "ds", 100, 5)
    ds = load_dataset(tmp_path / "ds")
    monkeypatch.setattr(spark_engine, "_is_url", lambda path: path.startswith("file://"))
    url = f"file://{tmp_path}/stage"
    only = ["identical_bid_prices", "few_bidders", "short_bid_period"]
    spark = run_scan(ds, engine="spark", only=only, engine_options={"spark_dir": url})
    duck = run_scan(ds, engine="duckdb", only=only)
    assert {p.name for p in (tmp_path / "stage").iterdir()} == {f"{t}.parquet" for t in ds.tables}
    assert len(duck.alerts) > 0
    pd.testing.assert_frame_equal(_canonical(spark.alerts), _canonical(duck.alerts), check_exact=False, rtol=1e-9)


def test_spark_settings_from_the_environment():
    from bidwatch.engine.base import EngineError
    from bidwatch.engine.spark import conf_from_env

    assert conf_from_env("spark.executor.memory=8g; spark.sql.shuffle.partitions = 200;") == {
        "spark.executor.memory": "8g", "spark.sql.shuffle.partitions": "200"}
    assert conf_from_env("") == {}
    with pytest.raises(EngineError, match="spark.executor.memory8g"):
        conf_from_env("spark.executor.memory8g")


def _write(folder, name: str, rows: list[list[object]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows[1:], columns=rows[0]).to_csv(folder / f"{name}.csv", index=False)


def test_the_engines_write_the_same_evidence_to_the_last_digit_where_real_data_differed(tmp_path):
    """Three differences a QA run found on real data (session 18), none of which the synthetic world shows: a list
    aggregated over no row (a contract date from tenders.contract_signed_on with no linked contract; bonds without a
    payer's name) was null on DuckDB and [] on Spark; a score divided by a decimal literal (0.1 * days / 30.0) was
    rounded to six places by Spark's DECIMAL division; a probability rounded to three significant digits differed
    in its last binary digit (0.000036700000000000004 against 0.0000367)."""
    ds = tmp_path / "ds"
    companies = [["company_id", "name"]] + [[f"C{i}", f"企业{i}"] for i in range(1, 9)]
    tenders = [["tender_id", "title", "procedure", "awarded_on", "winner_id", "contract_signed_on"],
               ["T1", "道路维修", "open", "2024-08-11", "C1", "2024-10-18"],    # signed 68 days after the award
               ["T2", "桥梁加固", "open", "2024-05-10", "C2", "2024-05-01"],    # signed before the award
               ["T3", "排水工程", "open", None, None, None]]
    # T3: eight bids spread over 20 %, two of them tied to the fen: improbable by chance
    prices = [1_000_000.00, 1_023_456.78, 1_048_765.43, 1_071_234.56, 1_071_234.56, 1_112_345.67, 1_150_987.65,
              1_187_654.32]
    bids = [["bid_id", "tender_id", "company_id", "price"], ["B1", "T1", "C1", 1_000_000], ["B2", "T2", "C2", 1_000_000]]
    bids += [[f"B3{k}", "T3", f"C{k + 1}", p] for k, p in enumerate(prices)]
    bonds = [["bid_id", "payer_account", "amount"], ["B30", "6222 0000 1111 2222", 20000],
             ["B31", "6222-0000-1111-2222", 20000], ["B32", "6222000011113333", 20000]]
    for name, rows in (("companies", companies), ("tenders", tenders), ("bids", bids), ("bonds", bonds)):
        _write(ds, name, rows)
    data = load_dataset(ds)
    only = ["late_contract", "contract_before_award", "same_bond_account", "identical_bid_prices"]
    duck, spark = run_scan(data, engine="duckdb", only=only), run_scan(data, engine="spark", only=only)
    a, b = duck.alerts.sort_values("alert_id"), spark.alerts.sort_values("alert_id")
    assert set(a["indicator"]) == set(only), a[["indicator", "evidence"]]
    assert list(a["evidence"]) == list(b["evidence"]) and list(a["score"]) == list(b["score"])
    evidence = {row.indicator: json.loads(row.evidence) for row in a.itertuples()}
    assert evidence["contract_before_award"]["contract_ids"] == [] and evidence["same_bond_account"]["payer_names"] == []
    assert a.loc[a["indicator"] == "late_contract", "score"].iloc[0] == pytest.approx(0.5 + 0.1 * (68 - 30) / 30, abs=1e-15)  # 30 days allowed
    # the probability is written as the decimal it is rounded to, not with a float's tail
    assert len(repr(evidence["identical_bid_prices"]["probability"])) <= 10
