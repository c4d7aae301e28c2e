"""Validation problems: what is wrong, where, and the error that carries them."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from bidwatch.exports import neutralise_row

PROBLEM_FIELDS = ("table", "row", "column", "value", "expected")


@dataclass(frozen=True)
class Problem:
    """One reason a dataset is rejected.

    ``row`` is the 1-based record number with the header as row 1 (the first data record is row 2;
    in a workbook it is the sheet's row number); ``None`` for table- or file-level problems.
    ``value`` is the offending cell as it appears in the file (``""`` for an empty cell).
    ``expected`` is a short Chinese text followed by English, e.g. ``"日期 YYYY-MM-DD / a date YYYY-MM-DD"``.
    """

    table: str
    row: int | None
    column: str | None
    value: str | None
    expected: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    def __str__(self) -> str:
        where = self.table
        if self.row is not None:
            where += f" 第{self.row}行/row {self.row}"
        if self.column:
            where += f" [{self.column}]"
        value = "" if self.value is None else f" {self.value!r}"
        return f"{where}{value}: {self.expected}"


class DatasetInvalid(Exception):
    """The dataset was rejected as a whole; ``problems`` lists every reason found."""

    def __init__(self, problems: list[Problem], notices: list[Problem] | None = None):
        self.problems = list(problems)
        #: the non-fatal notices of the load (title rows, totals rows skipped, …), for context
        self.notices = list(notices or [])
        super().__init__(self._summary())

    def _summary(self, shown: int = 3) -> str:
        n = len(self.problems)
        head = "; ".join(str(p) for p in self.problems[:shown])
        more = f"; …另有 {n - shown} 个 / {n - shown} more" if n > shown else ""
        return f"数据集未通过校验，共 {n} 个问题 / dataset rejected with {n} problem(s): {head}{more}"

    def __str__(self) -> str:
        return self._summary()


def write_problems_csv(problems: Iterable[Problem], path: str | Path) -> Path:
    """Write problems as CSV (``table,row,column,value,expected``), UTF-8 with BOM for Excel."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(PROBLEM_FIELDS)
        for p in problems:
            cells = (p.table, p.row, p.column, p.value, p.expected)
            writer.writerow(neutralise_row("" if v is None else v for v in cells))
    return path


NOTICE_FIELDS = ("table", "row", "column", "value", "notice")


def write_notices_csv(notices: Iterable[Problem], path: str | Path) -> Path:
    """Write load notices (title rows, totals rows skipped, …) as CSV (``table,row,column,value,notice``),
    UTF-8 with BOM for Excel."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(NOTICE_FIELDS)
        for p in notices:
            writer.writerow(["" if v is None else v for v in (p.table, p.row, p.column, p.value, p.expected)])
    return path
