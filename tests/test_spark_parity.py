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
    out["score"] = alerts["score"].round(6)
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
