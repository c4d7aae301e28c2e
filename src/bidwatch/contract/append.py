"""Appending sanction records (联合惩戒) that live outside the dataset to a loaded one.

The web application keeps a sanctions registry (信用惩戒名录) entered by its users; before a scan the
registry's records join the dataset's own ``sanctions`` table, so that every indicator reading that
table sees them.  The rows pass the loader's own rules — the same staging (trimming, every accepted
spelling of dates and of the measure, USCC upper-cased) and the same checks (required cells,
enumeration, dates, USCC check character, one of company_id / uscc / person_id, duplicate
``sanction_id``) — in a private scratch connection, and a ``sanction_id`` the dataset already has is
refused.  All or nothing: on any problem :class:`DatasetInvalid` is raised and the dataset is
unchanged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path

import duckdb

from bidwatch.i18n import chinese_first as _

from .dataset import MAX_PROBLEMS_PER_CHECK, Dataset
from .problems import DatasetInvalid, Problem
from .schema import TABLES
from .sources import Source
from .sqltext import ident, private_connection
from .stage import slow_pass, stage_sql
from .validate import key_checks, row_checks, run_checks, sort_problems

SANCTIONS = TABLES["sanctions"]
ALREADY_IN_DATASET = _("sanction_id already present in the dataset's sanctions table")
_VIEW = "__bidwatch_added_sanctions"


def add_sanctions(ds: Dataset, rows: Iterable[Mapping[str, object]], *,
                  max_problems_per_check: int | None = MAX_PROBLEMS_PER_CHECK) -> int:
    """Append ``rows`` to the dataset's ``sanctions`` table (created with the contract's column types
    when the dataset has none); return the number of rows added.

    Each row maps contract column names (``sanction_id``, ``company_id``, ``uscc``, ``person_id``,
    ``measure``, ``authority``, ``reason``, ``start_on``, ``end_on``) to text, a date or None; a
    missing key is an empty cell.  A problem's ``row`` is the row's 1-based position in ``rows``.
    Raises :class:`DatasetInvalid` (table ``sanctions``) and appends nothing when any row is bad.
    """
    rows = list(rows)
    if not rows:
        return 0
    names = SANCTIONS.column_names
    for row in rows:
        unknown = set(row) - set(names)
        if unknown:
            raise ValueError(f"not a column of sanctions: {', '.join(sorted(unknown))}")
    typed = _staged(rows, names, max_problems_per_check)
    con = ds.con
    con.register(_VIEW, typed)
    try:
        if "sanctions" in ds.tables:
            clashes = con.execute(
                f"SELECT a.__row, a.sanction_id FROM {ident(_VIEW)} a JOIN sanctions s USING (sanction_id) "
                f"ORDER BY a.__row").fetchall()
            if clashes:
                raise DatasetInvalid([Problem("sanctions", int(r), "sanction_id", str(v), ALREADY_IN_DATASET)
                                      for r, v in clashes])
        cols = ", ".join(ident(n) for n in names)
        con.begin()
        try:
            if "sanctions" not in ds.tables:
                typed_cols = ", ".join(f"{ident(c.name)} {c.sql_type}" for c in SANCTIONS.columns)
                con.execute(f"CREATE TABLE sanctions ({typed_cols})")
            con.execute(f"INSERT INTO sanctions ({cols}) SELECT {cols} FROM {ident(_VIEW)} ORDER BY __row")
            (total,) = con.execute("SELECT count(*) FROM sanctions").fetchone() or (0,)
            con.commit()
        except BaseException:
            con.rollback()
            raise
    finally:
        con.unregister(_VIEW)
    ds.tables.add("sanctions")
    ds.row_counts["sanctions"] = int(total)
    for key in [k for k in ds._has_cache if k[0] == "sanctions"]:
        del ds._has_cache[key]
    return len(rows)


def _cell(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _staged(rows: list[Mapping[str, object]], names: tuple[str, ...], cap: int | None) -> object:
    """The rows typed and checked by the loader's staging, as an Arrow table with ``__row``."""
    import pyarrow as pa

    con = private_connection()
    try:
        arrays = {"__row": pa.array(range(1, len(rows) + 1), pa.int64())}
        for i, name in enumerate(names):
            arrays[f"c{i}"] = pa.array([_cell(r.get(name)) for r in rows], pa.string())
        con.register("__rows", pa.table(arrays))
        src = Source(SANCTIONS, Path("<rows>"), "rows", from_sql="SELECT * FROM __rows", headers=list(names),
                     types=["VARCHAR"] * len(names), positions={n: i for i, n in enumerate(names)})
        con.execute(stage_sql(src))
        slow_pass(con, src)
        problems = run_checks(con, [*row_checks(src), *key_checks({"sanctions": src}, {"sanctions"})], cap)
        if problems:
            raise DatasetInvalid(sort_problems(problems))
        cols = ", ".join(ident(n) for n in names)
        return con.sql(f"SELECT __row, {cols} FROM sanctions ORDER BY __row").to_arrow_table()
    except duckdb.Error as exc:  # pragma: no cover - the staging SQL is the loader's, tested there
        problem = Problem("sanctions", None, None, None, f"无法处理 / cannot stage rows: {exc}")
        raise DatasetInvalid([problem]) from exc
    finally:
        con.close()
