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
#: of the RAM. A scan of 1M bids holds about 1.4 GiB of table data; the classifier's arrays (Python, outside
#: the budget) run beside the SQL, so the budget leaves them room: at 2.5 GB the 1M scan peaked at 3.3 GiB
#: resident, at 3 GB at 3.7–3.8 GiB, in the same time (bench/README.md). Above the limit DuckDB spills tables
#: and intermediate results to the temp folder instead of failing.
DEFAULT_MEMORY_LIMIT = "2.5GB"


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
