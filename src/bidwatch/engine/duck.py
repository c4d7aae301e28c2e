"""DuckDB, the embedded default."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import duckdb

from bidwatch.engine.base import EngineError, register_backend

if TYPE_CHECKING:
    import pandas as pd


class DuckDBEngine:
    kind = "duckdb"

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    @classmethod
    def from_dataset(cls, dataset: Any, **_: Any) -> DuckDBEngine:
        return cls(dataset.con)

    def query(self, sql: str) -> pd.DataFrame:
        # A cursor per query: DuckDB 2 refuses new work on a connection whose last result was not
        # read to the end, and the dataset's connection is shared with other readers.
        try:
            return self.con.cursor().sql(sql).df()
        except duckdb.Error as exc:
            raise EngineError(f"{exc}\n--- SQL ---\n{sql}") from exc

    def iter_rows(self, sql: str, batch: int = 50_000) -> Iterator[tuple[Any, ...]]:
        cur = self.con.cursor()
        try:
            cur.execute(sql)
        except duckdb.Error as exc:
            cur.close()
            raise EngineError(f"{exc}\n--- SQL ---\n{sql}") from exc
        try:
            while True:
                chunk = cur.fetchmany(batch)
                if not chunk:
                    return
                yield from chunk
        finally:
            cur.close()

    def register(self, name: str, frame: pd.DataFrame) -> None:
        # A real table, not a view over the frame: later joins run inside DuckDB at full speed.
        cur = self.con.cursor()
        cur.register("_bw_tmp_frame", frame)
        try:
            cur.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM _bw_tmp_frame').fetchall()
        finally:
            cur.unregister("_bw_tmp_frame")

    def has_table(self, name: str) -> bool:
        rows = self.con.cursor().execute(
            "SELECT 1 FROM information_schema.tables WHERE table_name = ?", [name]
        ).fetchall()
        return bool(rows)

    def columns(self, name: str) -> list[str]:
        rows = self.con.cursor().execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
            [name],
        ).fetchall()
        return [str(r[0]).lower() for r in rows]


register_backend("duckdb", DuckDBEngine.from_dataset)
