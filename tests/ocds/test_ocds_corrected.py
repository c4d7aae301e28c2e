"""Corrected behaviour of Cardinal's known defects, settings parsing, numbers, parallel runs."""

from __future__ import annotations

import importlib.util
import math
import os
import random

import orjson
import pytest
from ocds_helpers import REPO, write_lines

from bidwatch.ocds import cardinal
from bidwatch.ocds.cardinal import compute, fma, parse_rfc3339, round4, statrs_quantile
from bidwatch.ocds.settings import Settings, SettingsError, parse_settings_text


def _settings(text: str, *corrected: str) -> Settings:
    s = parse_settings_text(text)
    for which in corrected:
        s.correct(which)
    return s


# --- R030: dates compared as strings (Cardinal) or as instants (corrected) -------------------------

def _r030(ocid, bid_date, end_date):
    return {"ocid": ocid, "tender": {"tenderPeriod": {"endDate": end_date}},
            "bids": {"details": [{"status": "valid", "date": bid_date, "tenderers": [{"id": ocid + "-W"}]}]},
            "awards": [{"status": "active", "suppliers": [{"id": ocid + "-W"}]}]}


def test_r030_time_zones(tmp_path):
    path = write_lines(tmp_path / "r030.jsonl", [
        _r030("same instant", "2000-03-15T08:00:00+08:00", "2000-03-15T00:00:00Z"),
        _r030("late by an hour", "2000-03-15T01:00:00Z", "2000-03-15T08:00:00+08:00"),
        _r030("plainly late", "2000-04-01T00:00:00Z", "2000-03-15T00:00:00Z"),
        _r030("unparseable", "soon", "2000-03-15T00:00:00Z"),
    ])
    parity = compute(path, _settings("[R030]"))
    assert set(parity["OCID"]) == {"same instant", "plainly late", "unparseable"}  # string comparison
    fixed = compute(path, _settings("[R030]", "R030"))
    assert set(fixed["OCID"]) == {"late by an hour", "plainly late"}
    assert fixed == compute(path, _settings("[R030]\n[bidwatch]\nr030_dates = instant"))


# --- R025: processes (Cardinal) or bids (corrected) ------------------------------------------------

def test_r025_counts_bids_when_corrected(tmp_path):
    rows = []
    for i in range(5):
        winner = "F" if i < 2 else f"X{i}"
        rows.append({"ocid": str(i), "bids": {"details": [
            {"status": "valid", "tenderers": [{"id": "F"}]}, {"status": "valid", "tenderers": [{"id": "F"}]},
            {"status": "valid", "tenderers": [{"id": f"X{i}"}]}]},
            "awards": [{"status": "active", "suppliers": [{"id": winner}]}]})
    path = write_lines(tmp_path / "r025.jsonl", rows)
    text = "[R025]\nthreshold = 0.3\n"
    parity = compute(path, _settings(text))
    assert "F" not in parity.get("Tenderer", {})  # 2 wins / 5 processes = 0.4
    fixed = compute(path, _settings(text, "R025"))
    assert fixed["Tenderer"]["F"] == {"R025": 0.2}  # 2 wins / 10 valid bids
    assert fixed["Meta"]["R025"]["upper_fence"] > parity["Meta"]["R025"]["upper_fence"]


# --- R038: minimum_contracting_processes on bids (Cardinal) or processes (corrected) ---------------

def test_r038_minimum_contracting_processes(tmp_path):
    rows = [{"ocid": "0", "buyer": {"id": "B"}, "tender": {"procuringEntity": {"id": "P"}},
             "bids": {"details": [{"status": "valid", "tenderers": [{"id": "W"}]},
                                  {"status": "disqualified", "tenderers": [{"id": "D"}]}]}}]
    rows += [{"ocid": str(i), "buyer": {"id": str(i)}, "tender": {"procuringEntity": {"id": str(i)}},
              "bids": {"details": [{"status": "valid", "tenderers": [{"id": f"W{i}"}]}]}} for i in range(1, 5)]
    path = write_lines(tmp_path / "r038.jsonl", rows)
    parity = compute(path, _settings("[R038]"))
    assert parity["Buyer"] == {"B": {"R038": 0.5}} and parity["ProcuringEntity"] == {"P": {"R038": 0.5}}
    fixed = compute(path, _settings("[R038]", "R038"))
    assert "Buyer" not in fixed and "ProcuringEntity" not in fixed  # B ran one contracting process
    assert "R038" not in fixed["Meta"]


def test_corrected_all():
    s = Settings()
    s.correct()
    assert (s.r030_dates, s.r025_count, s.r038_minimum_contracting_processes) == ("instant", "bids", "processes")
    with pytest.raises(SettingsError):
        s.correct("R024")


# --- settings --------------------------------------------------------------------------------------

def test_settings_file_like_cardinal():
    s = parse_settings_text(
        "; comment\ncurrency = USD\nno_price_comparison_procurement_methods = Random Selection|Lottery|\n"
        "[defaults]\nbid_status = valid\n[codelists.bid_status]\nqualified = valid\n"
        "[exclusions]\nprocurement_method_details = EXC\n[R003]\nthreshold = 10\n"
        "[R003.procurement_method_details]\nemergency = 5\n[R025]\npercentile = 90\nthreshold = 0.05\n"
        "[R038]\nminimum_submitted_bids = 3\n[R058]\n")
    assert s.currency == "USD"
    assert cardinal.split_pipe(s.no_price_comparison_procurement_methods) == {"Random Selection", "Lottery"}
    assert s.indicators == {"R003": {"threshold": 10, "procurement_method_details": {"emergency": 5}},
                            "R025": {"percentile": 90, "threshold": 0.05},
                            "R038": {"minimum_submitted_bids": 3}, "R058": {}}
    assert s.exclusions == {"procurement_method_details": "EXC"}


@pytest.mark.parametrize("text, message", [
    ("[R024]\nthreshhold = 1\n", "unknown key"),
    ("[R999]\n", "unknown section"),
    ("[R035]\nthreshold = -1\n", "non-negative integer"),
    ("[R024]\nthreshold = x\n", "decimal number"),
    ("[bidwatch]\nr025_count = tenders\n", "expected one of"),
    ("just text\n", "expected `key = value`"),
])
def test_settings_errors(text, message):
    with pytest.raises(SettingsError, match=message):
        parse_settings_text(text, "s.ini")


def test_default_settings_file_enables_everything(tmp_path):
    from bidwatch.cli import main
    from bidwatch.ocds.settings import INDICATORS, load_settings

    path = tmp_path / "settings.ini"
    assert main(["ocds", "init", str(path)]) == 0
    assert set(load_settings(path).indicators) == set(INDICATORS)


# --- numbers ---------------------------------------------------------------------------------------

def test_quantiles_are_type_8():
    np = pytest.importorskip("numpy")
    rng = random.Random(5)
    for n in (1, 2, 3, 5, 10, 37, 100):
        values = sorted(rng.random() * 100 for _ in range(n))
        for p in (0.0, 0.25, 0.5, 0.75, 0.9, 1.0):
            assert statrs_quantile(values, p) == pytest.approx(
                float(np.quantile(values, p, method="median_unbiased")), rel=1e-12, abs=1e-12)
    assert math.isnan(statrs_quantile([], 0.5))


def test_rounding_and_fma():
    assert round4(0.00005) == 0.0001 and round4(-0.00005) == -0.0001 and round4(2.5e-5) == 0.0
    assert round4(66.66666666) == 66.6667 and math.isnan(round4(math.nan))
    assert fma(0.1, 10.0, -1.0) == 5.551115123125783e-17  # one rounding, as Rust's mul_add
    assert parse_rfc3339("2000-01-01T00:00:00Z") - parse_rfc3339("2000-01-01T08:00:00+08:00") == 0
    assert parse_rfc3339("2000-01-01T00:00:00.5-01:30") is not None
    assert parse_rfc3339("2000-02-30T00:00:00Z") is None and parse_rfc3339("2000-01-01") is None


# --- parallel runs give the sequential result ------------------------------------------------------

def _generator():
    spec = importlib.util.spec_from_file_location("ocds_gen", REPO / "bench" / "ocds_gen.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_parallel_equals_sequential(tmp_path, monkeypatch):
    gen = _generator()
    rng = random.Random(3)
    rows = [gen.release(i, rng) for i in range(3000)]
    # The main currency is the first observed: USD here, which the second worker must know.
    first = gen.release(99999, random.Random(1))
    for bid in first["bids"]["details"]:
        bid["value"]["currency"] = "USD"
        bid["status"] = "valid"
    first["tender"]["status"] = "complete"
    first["tender"].pop("procurementMethodDetails", None)
    first["awards"] = [{"status": "active", "suppliers": first["bids"]["details"][0]["tenderers"][:1]}]
    first["bids"]["details"] = [b for b in first["bids"]["details"] if len(b["tenderers"]) == 1] or \
        [{"status": "valid", "tenderers": [{"id": "Z"}], "value": {"amount": 1, "currency": "USD"}}]
    first["awards"][0]["suppliers"] = first["bids"]["details"][0]["tenderers"][:1]
    lines = [orjson.dumps(first)] + [orjson.dumps(r) for r in rows]
    lines.insert(2500, b"{not json")
    # A run of bad and blank lines around the middle, where a worker's range ends.
    middle = len(lines) // 2
    lines[middle:middle] = [b"", b"{bad"] * 150
    path = tmp_path / "gen.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    settings = Settings.all_indicators()
    settings.indicators["R048"] = {"minimum_contracting_processes": 2}
    p1: list = []
    sequential = compute(path, settings, map=True, problems=p1, jobs=1)
    monkeypatch.setattr(cardinal, "MIN_PARALLEL_BYTES", 0)
    _force_fork(monkeypatch)
    forked = tmp_path / "forked"
    real_child = cardinal._child

    def child(*args):
        with forked.open("a") as f:
            f.write("x")
        real_child(*args)

    monkeypatch.setattr(cardinal, "_child", child)
    for jobs in (2, 3):
        pn: list = []
        parallel = compute(path, settings, map=True, problems=pn, jobs=jobs)
        assert orjson.dumps(parallel, option=orjson.OPT_SORT_KEYS) == orjson.dumps(sequential, option=orjson.OPT_SORT_KEYS)
        assert [(p.line, p.message) for p in pn] == [(p.line, p.message) for p in p1]
    assert len(p1) == 151 and p1[-1].line == 2801
    assert forked.read_text() == "xxx"  # 1 worker with jobs=2, 2 with jobs=3: the parallel path ran
    assert "R036" in str(sequential) or "R024" in str(sequential)


def _force_fork(monkeypatch):
    """Fork even if this pytest process has other threads running: a Spark test run earlier in
    the same (xdist) worker leaves py4j/SparkContext threads behind, and compute() then reads
    every range itself (see test_no_fork_while_other_threads_run); that made these tests flaky."""
    import multiprocessing

    monkeypatch.setattr(cardinal, "_fork_context", lambda: multiprocessing.get_context("fork"))


def test_no_fork_while_other_threads_run(tmp_path, monkeypatch):
    import threading

    gen = _generator()
    rng = random.Random(5)
    path = write_lines(tmp_path / "g.jsonl", [gen.release(i, rng) for i in range(300)])
    settings = Settings.all_indicators()
    expected = compute(path, settings, jobs=1)
    monkeypatch.setattr(cardinal, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(cardinal, "_child", lambda *args: os._exit(3))  # a worker would be reported
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        assert cardinal._fork_context() is None
        problems: list = []
        got = compute(path, settings, jobs=2, problems=problems)
    finally:
        stop.set()
        other.join()
    assert orjson.dumps(got, option=orjson.OPT_SORT_KEYS) == orjson.dumps(expected, option=orjson.OPT_SORT_KEYS)
    assert problems == []


def test_failed_worker_is_redone(tmp_path, monkeypatch):
    gen = _generator()
    rng = random.Random(4)
    path = write_lines(tmp_path / "g.jsonl", [gen.release(i, rng) for i in range(400)])
    settings = Settings.all_indicators()
    expected = compute(path, settings, jobs=1)
    monkeypatch.setattr(cardinal, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(cardinal, "_child", lambda *args: os._exit(3))
    _force_fork(monkeypatch)
    problems = []
    got = compute(path, settings, jobs=2, problems=problems)
    assert orjson.dumps(got, option=orjson.OPT_SORT_KEYS) == orjson.dumps(expected, option=orjson.OPT_SORT_KEYS)
    assert [p.message for p in problems] == [
        "worker process failed (exit code 3); its part of the file was read again sequentially"]

