"""DuckDB, the embedded default."""

from __future__ import annotations

import duckdb
import pandas as pd

from bidwatch.engine.base import EngineError


class DuckDBEngine:
    kind = "duckdb"

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def query(self, sql: str) -> pd.DataFrame:
        # A cursor per query: DuckDB 2 refuses new work on a connection whose last result was not
        # read to the end, and the dataset's connection is shared with other readers.
        try:
            return self.con.cursor().sql(sql).df()
        except duckdb.Error as exc:
            raise EngineError(f"{exc}\n--- SQL ---\n{sql}") from exc

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
