"""`bidwatch scan FILE.jsonl` / `bidwatch check FILE.jsonl`: an OCDS file as DATASET, from the command
line, with planted red flags and malformed lines that are reported by line number and skipped."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pandas as pd
import pytest

from bidwatch.cli import main
from ocds_helpers import write_lines


def _party(pid: str, name: str, role: str) -> dict:
    return {"id": pid, "name": name, "roles": [role],
            "address": {"streetAddress": f"{name}路1号", "locality": "杭州市"},
            "contactPoint": {"name": f"{name}联系人", "telephone": f"0571-8{sum(map(ord, pid)):07d}"}}


def _release(ocid: str, prices: dict[str, float], winner: str) -> dict:
    tenderers = sorted(prices)
    return {
        "ocid": ocid, "id": f"{ocid}-1", "date": "2024-03-20T09:00:00+08:00", "tag": ["compiled"],
        "initiationType": "tender",
        "buyer": {"id": "BUYER", "name": "某市住房和城乡建设局"},
        "parties": [_party("BUYER", "某市住房和城乡建设局", "buyer")]
                   + [_party(t, f"{t}建设有限公司", "tenderer") for t in tenderers],
        "tender": {
            "id": ocid, "title": f"{ocid} 道路改造工程", "status": "complete",
            "procurementMethod": "open", "procurementMethodDetails": "公开招标", "mainProcurementCategory": "works",
            "value": {"amount": 5_000_000, "currency": "CNY"},
            "tenderPeriod": {"startDate": "2024-02-01T09:00:00+08:00", "endDate": "2024-03-01T09:00:00+08:00"},
            "numberOfTenderers": len(tenderers),
        },
        "bids": {"details": [
            {"id": f"{ocid}-bid-{t}", "status": "valid", "date": "2024-02-28T10:00:00+08:00",
             "tenderers": [{"id": t, "name": f"{t}建设有限公司"}],
             "value": {"amount": prices[t], "currency": "CNY"}}
            for t in tenderers]},
        "awards": [{"id": f"{ocid}-award", "status": "active", "date": "2024-03-10T09:00:00+08:00",
                    "suppliers": [{"id": winner, "name": f"{winner}建设有限公司"}],
                    "value": {"amount": prices[winner], "currency": "CNY"}}],
    }


def _ocds_file(path: Path) -> Path:
    releases = [
        # identical bid prices from two different tenderers (条例第40条)
        _release("ocds-test-0001", {"C01": 4_812_345.67, "C02": 4_812_345.67, "C03": 4_700_000.0,
                                    "C04": 4_950_000.0}, "C03"),
        # only two bidders, yet a winner (法第28条)
        _release("ocds-test-0002", {"C05": 3_100_000.0, "C06": 3_350_000.0}, "C05"),
        # nothing wrong
        _release("ocds-test-0003", {"C07": 2_000_000.0, "C08": 2_150_000.0, "C09": 2_310_000.0,
                                    "C10": 2_460_000.0}, "C07"),
    ]
    write_lines(path, releases)
    good = path.read_bytes().splitlines(keepends=True)
    bad = [b'{"ocid": "ocds-test-0004", "tender": \n',   # line 2: invalid JSON
           b'{"ocid": "ocds-test-0005", "x": "\xff\xfe"\n',  # line 3: invalid UTF-8, and no JSON in any encoding
           b'{"ocid": 17}\n']                              # line 5: ocid of the wrong type
    path.write_bytes(good[0] + bad[0] + bad[1] + good[1] + bad[2] + good[2])
    return path


def test_scan_ocds_file_gives_alerts_and_reports_bad_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    src = _ocds_file(tmp_path / "releases.jsonl")
    out = tmp_path / "scan"
    assert main(["scan", str(src), "--out", str(out), "--quiet"]) == 0
    err = capsys.readouterr().err
    for line in (2, 3, 5):
        assert f"line {line}:" in err
    assert "invalid JSON" in err and "invalid UTF-8" in err and "ocid is number" in err

    alerts = pd.read_csv(out / "alerts.csv", encoding="utf-8-sig", dtype=str)
    same = alerts[alerts["indicator"] == "identical_bid_prices"]
    assert list(same["tender_id"]) == ["ocds-test-0001"]
    assert set(same.iloc[0]["company_ids"].split(";")) == {"C01", "C02"}
    assert json.loads(same.iloc[0]["evidence"])["price"] == pytest.approx(4_812_345.67)
    few = alerts[alerts["indicator"] == "few_bidders"]
    assert list(few["tender_id"]) == ["ocds-test-0002"]
    assert json.loads(few.iloc[0]["evidence"])["n_bidders"] == 2
    assert "ocds-test-0003" not in set(alerts.loc[alerts["indicator"].isin(
        ["identical_bid_prices", "few_bidders"]), "tender_id"])

    with (out / "ocds_problems.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [int(r["line"]) for r in rows] == [2, 3, 5]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["ocds_problems"] == 3 and summary["alerts"] == len(alerts)


def test_check_accepts_gzipped_ocds(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    plain = _ocds_file(tmp_path / "r.jsonl")
    gz = tmp_path / "r.jsonl.gz"
    gz.write_bytes(gzip.compress(plain.read_bytes()))
    assert main(["check", str(gz)]) == 0
    out = capsys.readouterr()
    assert "dataset valid" in out.out
    counts = {line.split()[0]: int(line.split()[1]) for line in out.out.splitlines()[1:]}
    assert counts["tenders"] == 3 and counts["bids"] == 10
    assert "line 2:" in out.err


def test_ocds_file_without_any_release_is_rejected(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    src = tmp_path / "broken.jsonl"
    src.write_bytes(b'{"ocid": "a", \nnot json\n')
    out = tmp_path / "scan"
    assert main(["scan", str(src), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "line 1:" in err and "line 2:" in err and "no readable OCDS release" in err
    assert sorted(p.name for p in out.iterdir()) == ["ocds_problems.csv", "problems.csv"]
    with (out / "ocds_problems.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["file"], r["line"], r["action"]) for r in rows] == [("broken.jsonl", "1", "skipped"),
                                                                   ("broken.jsonl", "2", "skipped")]
    assert "read 2 line(s), 0 release(s)" in err


def test_empty_ocds_file_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    src = tmp_path / "empty.jsonl"
    src.write_bytes(b"\n\n")
    out = tmp_path / "scan"
    assert main(["scan", str(src), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "the OCDS file is empty (0 lines)" in err and "no readable OCDS release" not in err
    assert (out / "ocds_problems.csv").read_text(encoding="utf-8-sig").splitlines() == [
        "file,line,ocid,path,action,处理,message"]


def test_convert_refuses_a_file_with_no_readable_release_as_scan_does(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]):
    # it wrote empty tables and exited 0 where `bidwatch scan` refused the same file
    src = tmp_path / "garbage.jsonl"
    src.write_bytes(b'{"ocid": 17}\n[1, 2]\n')
    out = tmp_path / "tables"
    assert main(["ocds", "convert", str(src), str(out)]) == 2
    assert "no readable OCDS release in the file; nothing written" in capsys.readouterr().err and not out.exists()
    # near miss: one readable release among bad lines is converted
    src.write_bytes(b'{"ocid": 17}\n{"ocid": "ocds-1", "tender": {"id": "t", "title": "T"}}\n')
    assert main(["ocds", "convert", str(src), str(out)]) == 0 and (out / "tenders.csv").exists()


def test_convert_reads_standard_input_like_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch):
    """``ocds convert - OUT`` (a pipe, e.g. from ``zcat`` or ``jq``) gives the tables the file gives, its bad lines
    named as lines of ``stdin``, and the time zone still inferred from the currencies (stdin is read twice)."""
    import io

    src = _ocds_file(tmp_path / "releases.jsonl")
    assert main(["ocds", "convert", str(src), str(tmp_path / "from-file")]) == 0
    from_file = capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(src.read_bytes())))
    assert main(["ocds", "convert", "-", str(tmp_path / "from-stdin")]) == 0
    from_stdin = capsys.readouterr()
    for table in ("tenders", "bids", "companies"):
        assert (tmp_path / "from-stdin" / f"{table}.csv").read_text() == \
               (tmp_path / "from-file" / f"{table}.csv").read_text()
    judged = [line for line in from_file.err.splitlines() if line.startswith("dates judged in")]
    assert judged and judged == [line for line in from_stdin.err.splitlines() if line.startswith("dates judged in")]
    assert "line 2:" in from_stdin.err and "releases.jsonl" not in from_stdin.err
    # near miss: a missing file is still an error that names it
    assert main(["ocds", "convert", str(tmp_path / "nope.jsonl"), str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert "找不到文件" in err and "file not found" in err and "nope.jsonl" in err
