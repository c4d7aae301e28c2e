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
#: may only shrink. cobidding_group picks the "top five" co-bidding sets of a group in Python from
#: rows whose order the engine does not fix, so ties fall differently; contract_splitting builds its
#: message and evidence from contract rows in engine order as well (issue 3 note).
KNOWN_DIFFERENCES = {"cobidding_group", "contract_splitting"}


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
