"""What a dataset file becomes before SQL: a :class:`Source` mapped onto the contract.

Header matching: the English name (case, spaces and ``-`` ignored) or the Chinese alias, with
surrounding whitespace ignored; a trailing unit such as ``投标报价（万元）`` is stripped and, for a
money column, makes bare numbers count as 万元.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .problems import Problem
from .schema import TABLES, Column, Table
from .values import WHITESPACE

# A header may carry the unit: 投标报价(万元), 投标报价（元）.
_UNIT_RE = re.compile(r"[（(]\s*(万元|万|元)\s*[）)]$")


@dataclass
class Source:
    """One table's file, mapped onto the contract."""

    table: Table
    path: Path
    fmt: str
    from_sql: str = ""
    headers: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    positions: dict[str, int] = field(default_factory=dict)  # contract column -> position
    extras: list[tuple[int, str]] = field(default_factory=list)  # (position, kept name)
    wan_columns: set[str] = field(default_factory=set)
    rejects_table: str | None = None
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Scratch:
    """Temporary things a load creates, all removed at the end, success or not."""

    con: duckdb.DuckDBPyConnection
    _dir: tempfile.TemporaryDirectory[str] | None = None
    _undo: list[Callable[[], None]] = field(default_factory=list)

    def temp_path(self, name: str) -> Path:
        if self._dir is None:
            self._dir = tempfile.TemporaryDirectory(prefix="bidwatch-load-")
        return Path(self._dir.name) / name

    def on_close(self, fn: Callable[[], None]) -> None:
        self._undo.append(fn)

    def close(self) -> None:
        for fn in reversed(self._undo):
            try:
                fn()
            except Exception:  # noqa: BLE001 - best-effort cleanup must not hide the real error
                pass
        if self._dir is not None:
            self._dir.cleanup()


def table_by_file_stem() -> dict[str, Table]:
    out: dict[str, Table] = {}
    for t in TABLES.values():
        out[t.name] = t
        out[t.zh] = t
    return out


def first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def header_lookup(table: Table) -> dict[str, Column]:
    out: dict[str, Column] = {}
    for c in table.columns:
        for h in (c.name, c.zh, *c.aliases):
            out[_header_key(h)] = c
    return out


def header_key(h: str) -> str:
    """The form in which a header is matched: surrounding spaces dropped; ASCII case, spaces and ``-``
    ignored."""
    return _header_key(h)


def _header_key(h: str) -> str:
    h = h.strip(WHITESPACE)
    if h.isascii():
        h = re.sub(r"[\s\-]+", "_", h.lower())
    return h


def map_headers(src: Source, headers: list[str]) -> None:
    """Fill ``positions``/``extras``/``wan_columns``; duplicate columns become problems."""
    lookup = header_lookup(src.table)
    seen: dict[str, str] = {}
    used_names = {"__row", *src.table.column_names, *("__raw__" + c for c in src.table.column_names)}
    src.headers = [h.strip(WHITESPACE) for h in headers]
    for i, h in enumerate(src.headers):
        unit = _UNIT_RE.search(h)
        key = _header_key(_UNIT_RE.sub("", h) if unit else h)
        col = lookup.get(key)
        if col is not None and col.name in src.positions:
            src.problems.append(Problem(src.table.name, 1, col.name, h,
                                        f"列重复：“{seen[col.name]}”与“{h}”都对应 {col.name} / "
                                        f"duplicate column: both headers map to {col.name}"))
            continue
        if col is not None:
            src.positions[col.name] = i
            seen[col.name] = h
            if unit and col.kind == "money" and unit.group(1).startswith("万"):
                src.wan_columns.add(col.name)
            continue
        name = h or f"column{i + 1}"
        base, n = name, 2
        while name in used_names:
            name, n = f"{base}_{n}", n + 1
        used_names.add(name)
        src.extras.append((i, name))
    for col in src.table.columns:
        if col.required and col.name not in src.positions:
            src.problems.append(Problem(src.table.name, None, col.name, None,
                                        f"缺少必填列 {col.name}（{col.zh}） / required column missing"))
