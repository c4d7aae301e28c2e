"""XLSX workbooks (sheet = table), read with openpyxl in read-only mode.

Workbooks are small by nature (Excel stops at 1,048,576 rows), so cells are turned into text in
Python, as a CSV export would hold them, and handed to DuckDB as an Arrow table of strings; row
numbers are the sheet's own.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .problems import Problem
from .sources import Scratch, Source, first_line, map_headers, table_by_file_stem
from .sqltext import ident
from .values import WHITESPACE


def discover_workbook(path: Path, scratch: Scratch) -> tuple[list[Source], list[Problem]]:
    import pyarrow as pa
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a corrupt file
        return [], [Problem(path.name, None, None, None,
                            f"无法读取 Excel 工作簿 / unreadable workbook: {first_line(exc)}")]
    by_stem = table_by_file_stem()
    sources: list[Source] = []
    problems: list[Problem] = []
    try:
        seen: dict[str, str] = {}
        for ws in wb.worksheets:
            title = ws.title.strip()
            table = by_stem.get(title.lower()) or by_stem.get(title)
            if table is None:
                continue
            if table.name in seen:
                problems.append(Problem(table.name, None, None, f"{seen[table.name]}, {ws.title}",
                                        "同一张表只能有一个工作表 / table given by more than one sheet"))
                continue
            seen[table.name] = ws.title
            src = Source(table, path, "xlsx")
            header_row, headers, rows = _sheet_rows(ws)
            if header_row is None:
                src.problems.append(Problem(table.name, 1, None, None, "工作表为空 / empty sheet, no header row"))
                sources.append(src)
                continue
            map_headers(src, headers)
            src.types = ["VARCHAR"] * len(headers)
            arrays = {"__row": pa.array([r for r, _ in rows], pa.int64())}
            for i in range(len(headers)):
                column = [vals[i] if i < len(vals) else None for _, vals in rows]
                arrays[f"c{i}"] = pa.array(column, pa.string())
            view = f"__bidwatch_xlsx_{table.name}"
            scratch.con.register(view, pa.table(arrays))
            scratch.on_close(lambda v=view: scratch.con.unregister(v))
            src.from_sql = f"SELECT * FROM {ident(view)}"
            sources.append(src)
    finally:
        wb.close()
    return sources, problems


def _sheet_rows(ws: object) -> tuple[int | None, list[str], list[tuple[int, list[str | None]]]]:
    header_row: int | None = None
    headers: list[str] = []
    rows: list[tuple[int, list[str | None]]] = []
    for r, values in enumerate(ws.iter_rows(values_only=True), start=1):  # type: ignore[attr-defined]
        cells = [_cell_text(v) for v in values]
        if all(c is None or c.strip(WHITESPACE) == "" for c in cells):
            continue
        if header_row is None:
            header_row = r
            while cells and cells[-1] is None:
                cells.pop()
            headers = [c or "" for c in cells]
            continue
        rows.append((r, cells))
    return header_row, headers, rows


def _cell_text(v: object) -> str | None:
    """A cell as the text a CSV export would hold."""
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, dt.datetime):
        if v.tzinfo is not None:
            return v.isoformat()
        if (v.hour, v.minute, v.second, v.microsecond) == (0, 0, 0, 0):
            return v.date().isoformat()
        return v.isoformat(sep=" ")
    if isinstance(v, dt.date | dt.time):
        return v.isoformat()
    return str(v)
