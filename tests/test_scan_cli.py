"""The scan command end to end: files written, exit codes, atomic failure, encodings, evaluation."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from bidwatch.cli import main
from bidwatch.contract import load_dataset, save_dataset
from bidwatch.scan import ALERT_FILE_COLUMNS, run_scan
from bidwatch.synth import generate, write_synthetic


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "ds"
    write_synthetic(out, 300, 11)
    return out


def test_scan_writes_every_output(synthetic: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "scan"
    assert main(["scan", str(synthetic), "--out", str(out), "--quiet"]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "alerts.csv", "companies.csv", "report.html", "summary.json", "tenders.csv"]
    alerts = pd.read_csv(out / "alerts.csv", encoding="utf-8-sig", dtype=str)
    assert list(alerts.columns) == ALERT_FILE_COLUMNS
    assert set(alerts["severity"]) <= {"high", "medium", "low"}
    assert alerts["message"].str.contains("投标人").any()
    assert all(json.loads(e) for e in alerts["evidence"])
    tenders = pd.read_csv(out / "tenders.csv", encoding="utf-8-sig")
    assert tenders["risk_score"].between(0, 100).all()
    assert (tenders.loc[tenders["n_alerts"] > 0, "explanation"].str.len() > 0).all()
    summary = json.loads((out / "summary.json").read_text())
    assert summary["alerts"] == len(alerts) and "timings" in summary
    html = (out / "report.html").read_text()
    assert "风险扫描报告" in html and "第40条" in html
    assert "http://" not in html and "https://" not in html  # self-contained: nothing fetched
    assert "扫描完成" in capsys.readouterr().out


def test_invalid_dataset_exits_2_and_writes_only_problems(synthetic: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken"
    tables, _ = generate(100, 5, texts=False)
    tables["bids"].loc[3, "price"] = -5.0
    save_dataset(tables, broken)
    out = tmp_path / "scan"
    assert main(["scan", str(broken), "--out", str(out)]) == 2
    assert [p.name for p in out.iterdir()] == ["problems.csv"]
    problems = pd.read_csv(out / "problems.csv", encoding="utf-8-sig", dtype=str)
    assert ((problems["table"] == "bids") & (problems["row"] == "5") & (problems["column"] == "price")).any()
    assert "bids" in capsys.readouterr().err


def test_a_failed_scan_leaves_earlier_results_untouched(synthetic: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "scan"
    assert main(["scan", str(synthetic), "--out", str(out), "--quiet"]) == 0
    before = (out / "alerts.csv").read_bytes()

    def boom(*args: object, **kwargs: object) -> str:
        raise RuntimeError("disk full")

    monkeypatch.setattr("bidwatch.report.render_report", boom)
    with pytest.raises(RuntimeError):
        main(["scan", str(synthetic), "--out", str(out), "--quiet"])
    assert (out / "alerts.csv").read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".scan-")]


def test_gb18030_chinese_headers_in_wan_give_the_same_alerts(tmp_path: Path) -> None:
    write_synthetic(tmp_path / "en", 150, 21)  # English headers, UTF-8, yuan, with document texts
    tables, _ = generate(150, 21)  # the same data again (deterministic), written the Chinese way
    save_dataset(tables, tmp_path / "zh", encoding="gb18030", chinese_headers=True, money_unit="wan")
    shutil.copytree(tmp_path / "en" / "texts", tmp_path / "zh" / "texts")  # links out of a dataset are refused
    header = (tmp_path / "zh" / "bids.csv").read_bytes().split(b"\n")[0].decode("gb18030")
    assert "投标报价" in header
    assert "万元" in (tmp_path / "zh" / "bids.csv").read_bytes().decode("gb18030")
    en = run_scan(load_dataset(tmp_path / "en")).alerts
    zh = run_scan(load_dataset(tmp_path / "zh")).alerts
    assert len(en) > 0
    cols = ["indicator", "severity", "tender_id", "company_ids", "score", "evidence", "message"]
    pd.testing.assert_frame_equal(en[cols], zh[cols])


def test_evaluate_meets_the_collusion_targets(synthetic: Path, tmp_path: Path) -> None:
    out = tmp_path / "ev.json"
    assert main(["evaluate", str(synthetic), "--json", str(out)]) == 0
    ev = json.loads(out.read_text())
    assert ev["families"]["collusion"]["recall"] >= 0.95
    assert ev["high_severity"]["precision"] >= 0.95


def test_check_command(synthetic: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(synthetic)]) == 0
    assert "数据集有效" in capsys.readouterr().out


def test_each_command_is_owned_by_the_module_that_registers_it() -> None:
    import argparse

    from bidwatch.cli import COMMAND_OWNERS, build_parser

    def commands(parser: argparse.ArgumentParser) -> set[str]:
        action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))  # noqa: SLF001
        return set(action.choices)

    assert commands(build_parser()) == set(COMMAND_OWNERS)
    for command in COMMAND_OWNERS:
        assert command in commands(build_parser(command))
    assert commands(build_parser("no-such-command")) == set(COMMAND_OWNERS)


def test_ocds_command_does_not_import_pandas_or_sklearn(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = ("import sys\nfrom bidwatch.cli import main\nrc = main(['ocds', 'init', sys.argv[1]])\n"
            "print(rc, sorted(m for m in ('pandas', 'sklearn', 'scipy', 'numpy', 'duckdb') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "settings.ini")],
                          capture_output=True, text=True, check=True)
    assert done.stdout.split("\n")[-2] == "0 []"
    assert "[R003]" in (tmp_path / "settings.ini").read_text()


def test_background_indicators_give_the_sequential_result(synthetic: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ml_collusion runs on a second thread beside the SQL indicators; the alerts must not change."""
    from bidwatch.indicators import CATALOGUE

    assert CATALOGUE["ml_collusion"].background
    ds = load_dataset(synthetic)
    together = run_scan(ds).alerts
    monkeypatch.setenv("BIDWATCH_SEQUENTIAL", "1")
    alone = run_scan(ds).alerts
    assert (together["indicator"] == "ml_collusion").any()
    pd.testing.assert_frame_equal(together, alone)
