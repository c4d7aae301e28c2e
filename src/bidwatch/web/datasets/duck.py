"""Reading the typed tables of a loaded dataset (``Dataset.con``, DuckDB) column by column.

Optional tables and columns may be absent: every read names the columns it wants and gets NULL
for those the dataset lacks, so the writers below never branch on the dataset's shape.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any


def tables(con: Any) -> set[str]:
    rows = con.execute("select table_name from information_schema.tables").fetchall()
    return {str(r[0]).lower() for r in rows}


def columns(con: Any, table: str) -> set[str]:
    if table not in tables(con):
        return set()
    desc = con.execute(f'select * from "{table}" limit 0').description
    return {str(d[0]).lower() for d in desc}


def select_sql(con: Any, table: str, wanted: Sequence[str]) -> str | None:
    have = columns(con, table)
    if not have:
        return None
    parts = [f'"{c}"' if c in have else f'NULL AS "{c}"' for c in wanted]
    return f'select {", ".join(parts)} from "{table}"'


def iter_rows(con: Any, table: str, wanted: Sequence[str], batch: int = 50_000) -> Iterator[dict[str, Any]]:
    sql = select_sql(con, table, wanted)
    if sql is None:
        return
    cur = con.cursor() if hasattr(con, "cursor") else con
    cur.execute(sql)
    while True:
        chunk = cur.fetchmany(batch)
        if not chunk:
            break
        for row in chunk:
            yield dict(zip(wanted, row, strict=True))


def count(con: Any, table: str) -> int:
    if table not in tables(con):
        return 0
    return int(con.execute(f'select count(*) from "{table}"').fetchone()[0])
