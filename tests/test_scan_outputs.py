"""The scan's CSV writer (DuckDB's COPY) against pandas' ``to_csv``, which it replaced for speed."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bidwatch.exports import neutralise_frame
from bidwatch.scan import _csv
from bidwatch.scoring import _join_by

AWKWARD = pd.DataFrame({
    "text": ["plain", "a,b", 'say "hi"', "line\nbreak", "", None, "=1+2", " lead", "中文，标点", "-5", "tab\there",
             "@cmd"],
    "number": [0.1, 1.0, np.nan, 1e16, 1e-7, 123456789.123, -0.0, 2.5, 3.0, 100.0, np.inf, 0.30000000000000004],
    "count": list(range(12)),
    "mixed": [["x"], None, "y", 1, 2.0, "", "z", "w", "v", "u", "t", "q"],
})


def test_csv_is_byte_for_byte_what_pandas_writes(tmp_path):
    _csv(AWKWARD, tmp_path / "duck.csv")
    neutralise_frame(AWKWARD).to_csv(tmp_path / "pandas.csv", index=False, encoding="utf-8-sig")
    written = (tmp_path / "duck.csv").read_bytes()
    assert written.startswith(b"\xef\xbb\xbf")
    assert written == (tmp_path / "pandas.csv").read_bytes()
    assert not (tmp_path / "duck.csv.body").exists()


def test_csv_quotes_a_lone_carriage_return_and_reads_back(tmp_path):
    frame = pd.DataFrame({"text": ["cr\rhere", "ok"], "n": [1, 2]})
    _csv(frame, tmp_path / "out.csv")
    assert b'"cr\rhere"' in (tmp_path / "out.csv").read_bytes()
    back = pd.read_csv(tmp_path / "out.csv", encoding="utf-8-sig")
    assert back["text"].tolist() == ["cr\rhere", "ok"]


def test_csv_neutralises_formulas(tmp_path):
    _csv(pd.DataFrame({"name": ["=HYPERLINK(1)", "甲公司"]}), tmp_path / "out.csv")
    assert pd.read_csv(tmp_path / "out.csv", encoding="utf-8-sig")["name"].tolist() == ["'=HYPERLINK(1)", "甲公司"]


def test_join_by_sorted_runs_and_keys_seen_again():
    keys = pd.Series(["T1", "T1", "T2", "T3", "T3", "T3"])
    assert _join_by(keys, pd.Series(["a", "b", "c", "d", "e", "f"]), ";").to_dict() == {
        "T1": "a;b", "T2": "c", "T3": "d;e;f"}
    # a key that comes back after another (rows not sorted): its values still gather in row order
    assert _join_by(pd.Series(["T2", "T1", "T2"]), ["x", "y", "z"], "；").to_dict() == {"T2": "x；z", "T1": "y"}
    assert _join_by(pd.Series([], dtype=object), [], ";").empty


def test_alert_ids_do_not_depend_on_the_order_the_query_gave():
    # two contract_splitting alerts of one pair of companies on two projects (no tender) tie on severity, score,
    # indicator, tender and companies: their ids came in the query's order and changed between runs of one dataset
    from types import SimpleNamespace

    from bidwatch.indicators.base import ScanContext
    from bidwatch.scan import _finish_alerts

    def query(sql: str) -> pd.DataFrame:
        if "FROM tenders" in sql:
            return pd.DataFrame({"tender_id": pd.Series([], dtype=object), "project_id": pd.Series([], dtype=object)})
        return pd.DataFrame({"company_id": ["C1", "C2"], "name": ["甲", "乙"]})

    ctx = ScanContext(engine=SimpleNamespace(kind="duckdb", query=query), dataset=None, settings={})
    evidence = ('{"buyer_id":"B%d","buyer_name":"局","by":"project","subject":"采购","category":"goods","n_contracts":2,'
                '"total":3000000.0,"threshold":2000000.0,"first_signed":"2024-01-0%d","last_signed":"2024-02-01",'
                '"suppliers":"related","contracts":[]}')
    rows = [{"tender_id": None, "project_id": f"PJ{i}", "company_ids": ["C1", "C2"], "score": 1.0,
             "severity": "medium", "evidence": evidence % (i, i), "indicator": "contract_splitting",
             "family": "evasion", "legal_basis": "", "name_zh": "化整为零规避招标"} for i in (1, 2)]
    ids = [dict(zip(out["project_id"], out["alert_id"], strict=True))
           for out in (_finish_alerts(pd.DataFrame(order), ctx) for order in (rows, rows[::-1]))]
    assert ids[0] == ids[1] == {"PJ1": "A0000001", "PJ2": "A0000002"}
