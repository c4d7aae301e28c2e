"""Quoting helpers for the SQL this package generates (identifiers come from user files), and
the private DuckDB connections it opens."""

from __future__ import annotations

import os
import tempfile

import duckdb

from bidwatch.i18n import chinese_first as _


def ident(name: str) -> str:
    """A DuckDB identifier, double-quoted."""
    return '"' + name.replace('"', '""') + '"'


def lit(value: str) -> str:
    """A DuckDB string literal."""
    return "'" + value.replace("'", "''") + "'"


#: DuckDB's memory budget unless ``BIDWATCH_MEMORY_LIMIT`` says otherwise. DuckDB's own default is 80 %
#: of the RAM; a scan of 1M bids needs about 2 GiB of table data and fits in 3 GB, and above the limit
#: DuckDB spills tables and intermediate results to the temp folder instead of failing.
DEFAULT_MEMORY_LIMIT = "3GB"


def memory_limit() -> str:
    return os.environ.get("BIDWATCH_MEMORY_LIMIT", "").strip() or DEFAULT_MEMORY_LIMIT


def private_connection() -> duckdb.DuckDBPyConnection:
    """An in-memory connection with a bounded memory budget that spills to the system temp folder,
    not to ``./.tmp``."""
    con = duckdb.connect()
    spill = os.path.join(tempfile.gettempdir(), f"bidwatch-duckdb-{os.getpid()}")
    con.execute(f"SET temp_directory = {lit(spill)}")
    try:
        con.execute(f"SET memory_limit = {lit(memory_limit())}")
    except duckdb.Error as exc:
        raise ValueError(_("BIDWATCH_MEMORY_LIMIT=%(value)r: invalid memory limit (examples: 3GB, 8GiB, 500MB)",
                           value=memory_limit()) + f": {exc}") from exc
    con.execute("SET enable_progress_bar = false")
    return con
