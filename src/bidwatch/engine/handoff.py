"""Handing a loaded dataset from one process to another (the web's memory-limited import child).

The child loads and scans a dataset; the parent writes it into the platform's database and compares it
with what is stored. The tables travel as one DuckDB database file: :func:`export_tables` writes the
dataset's tables into it, :func:`open_exported` opens it read-only as a dataset the engine reads
(``bidwatch.engine.connect``). The web knows neither DuckDB nor the dataset's connection.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class ExportedDataset:
    """A dataset opened from :func:`export_tables`' file: its tables, read-only, through ``con``."""

    con: Any
    tables: set[str]
    row_counts: dict[str, int] = field(default_factory=dict)
    #: the loader's notices (``Dataset.notices``), handed back with the tables
    notices: list[Any] = field(default_factory=list)

    def close(self) -> None:
        self.con.close()


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def export_tables(dataset: Any, path: str | Path) -> list[str]:
    """Copy every table of a loaded (DuckDB) dataset into a new database file at ``path``; the table names."""
    tables = sorted(dataset.tables)
    con = dataset.con
    target = str(path).replace("'", "''")
    con.execute(f"ATTACH '{target}' AS handed")
    try:
        for table in tables:
            con.execute(f"CREATE TABLE handed.{_q(table)} AS SELECT * FROM main.{_q(table)}")
    finally:
        con.execute("DETACH handed")
    return tables


def open_exported(path: str | Path, tables: set[str], row_counts: dict[str, int] | None = None,
                  notices: list[Any] | None = None) -> ExportedDataset:
    """Open :func:`export_tables`' file read-only as a dataset."""
    import duckdb

    return ExportedDataset(duckdb.connect(str(path), read_only=True), set(tables), dict(row_counts or {}),
                           list(notices or []))
