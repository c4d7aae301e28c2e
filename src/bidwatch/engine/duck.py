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
        try:
            return self.con.sql(sql).df()
        except duckdb.Error as exc:
            raise EngineError(f"{exc}\n--- SQL ---\n{sql}") from exc

    def register(self, name: str, frame: pd.DataFrame) -> None:
        # A real table, not a view over the frame: later joins run inside DuckDB at full speed.
        self.con.register("_bw_tmp_frame", frame)
        try:
            self.con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM _bw_tmp_frame').fetchall()
        finally:
            self.con.unregister("_bw_tmp_frame")

    def has_table(self, name: str) -> bool:
        rows = self.con.execute(
            "SELECT 1 FROM information_schema.tables WHERE table_name = ?", [name]
        ).fetchall()
        return bool(rows)
