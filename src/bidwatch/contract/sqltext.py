"""Quoting helpers for the SQL this package generates (identifiers come from user files), and
the private DuckDB connections it opens."""

from __future__ import annotations

import os
import tempfile

import duckdb


def ident(name: str) -> str:
    """A DuckDB identifier, double-quoted."""
    return '"' + name.replace('"', '""') + '"'


def lit(value: str) -> str:
    """A DuckDB string literal."""
    return "'" + value.replace("'", "''") + "'"


def private_connection() -> duckdb.DuckDBPyConnection:
    """An in-memory connection that spills to the system temp folder, not to ``./.tmp``."""
    con = duckdb.connect()
    spill = os.path.join(tempfile.gettempdir(), f"bidwatch-duckdb-{os.getpid()}")
    con.execute(f"SET temp_directory = {lit(spill)}")
    con.execute("SET enable_progress_bar = false")
    return con
