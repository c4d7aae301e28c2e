"""``bidwatch docs compare`` end to end: a zip of bids read by the worker processes, files written."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from bidwatch.cli import main
from tests.documents.fixtures import make_docx, make_zip
from tests.documents.test_compare import TENDER, USUAL, bid_docx, tender_rows


def test_compare_a_zip_of_bids(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files: dict[str, Path | bytes] = {
        f"标段一/投标人{s}/投标文件.docx": bid_docx(tmp_path / f"h{s}.docx", s) for s in (3, 4, 5)}
    files["标段一/甲公司/投标文件.docx"] = bid_docx(tmp_path / "a.docx", 11, rsids=["00C0FFEE"])
    files["标段一/=HYPERLINK(1)/投标文件.docx"] = bid_docx(tmp_path / "b.docx", 12, rsids=["00C0FFEE"])
    files["标段一/甲公司/损坏.pdf"] = b"%PDF-1.4 broken"
    archive = make_zip(tmp_path / "bids.zip", files)
    tender = make_docx(tmp_path / "招标文件.docx", TENDER + USUAL, tables=[tender_rows()])
    out = tmp_path / "out"
    assert main(["docs", "compare", str(archive), "--tender", str(tender), "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["files.csv", "findings.csv", "findings.json", "summary.txt"]
    with open(out / "findings.csv", encoding="utf-8-sig", newline="") as fh:
        header, *_ = csv.reader(fh)
        fh.seek(0)
        # Chinese first for the reader, the key after it for a program
        assert header[:2] == ["编号 / finding_id", "指标 / indicator"]
        rows = [{k.rpartition(" / ")[2]: v for k, v in r.items()} for r in csv.DictReader(fh)]
    assert [(r["indicator"], r["bidder_a"], r["bidder_b"]) for r in rows] == [
        ("doc_same_origin", "'=HYPERLINK(1)", "甲公司")]
    assert rows[0]["legal_basis"] == "招标投标法实施条例 第40条第(一)项" and json.loads(rows[0]["evidence"])["matches"]
    doc = json.loads((out / "findings.json").read_text())
    assert doc["bidders"] == ["=HYPERLINK(1)", "投标人3", "投标人4", "投标人5", "甲公司"]
    broken = [f for f in doc["files"] if f["error"]]
    assert [f["file"] for f in broken] == ["标段一/甲公司/损坏.pdf"]
    summary = (out / "summary.txt").read_text()
    assert "5家投标人" in summary and "无法读取" in summary and "第40条第(一)项" in summary
    assert "投标文件比对" in capsys.readouterr().out


def test_an_unsafe_archive_is_refused_whole(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    archive = make_zip(tmp_path / "bids.zip", {"甲/a.docx": b"x", "../../etc/evil.docx": b"x"})
    assert main(["docs", "compare", str(archive), "--out", str(tmp_path / "out")]) == 2
    assert "不安全路径" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_the_library_imports_neither_django_nor_pandas_nor_the_parsers() -> None:
    """The web process calls compare_archive; the parsers are imported only in the worker processes."""
    import subprocess
    import sys

    code = ("import sys, bidwatch.documents.batch, bidwatch.documents.cli\n"
            "print(sorted(m for m in ('pandas', 'sklearn', 'django', 'duckdb', 'docx', 'pypdf', 'pdfplumber',"
            " 'pypdfium2', 'imagehash') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
