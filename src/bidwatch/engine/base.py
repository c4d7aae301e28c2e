"""Backend-neutral engine protocol."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import sqlglot

if TYPE_CHECKING:
    import pandas as pd

    from bidwatch.contract import Dataset

#: The dialect every indicator is written in.
SOURCE_DIALECT = "duckdb"


class EngineError(RuntimeError):
    """A query failed on the backend; carries the indicator's SQL for diagnosis."""


class Engine(Protocol):
    kind: str

    def query(self, sql: str) -> pd.DataFrame:
        """Run one SELECT written in the DuckDB dialect and return its rows."""

    def register(self, name: str, frame: pd.DataFrame) -> None:
        """Make a derived table (computed in Python) visible to later queries."""

    def has_table(self, name: str) -> bool: ...


def transpile(sql: str, dialect: str) -> str:
    """Translate an indicator's DuckDB SQL into another backend's dialect."""
    if dialect == SOURCE_DIALECT:
        return sql
    return ";\n".join(sqlglot.transpile(sql, read=SOURCE_DIALECT, write=dialect, pretty=False))


def connect(dataset: Dataset, kind: str = "duckdb", **options: object) -> Engine:
    """Return an engine over a loaded dataset. ``kind`` is ``duckdb`` (default) or ``spark``."""
    if kind == "duckdb":
        from bidwatch.engine.duck import DuckDBEngine

        return DuckDBEngine(dataset.con)
    if kind == "spark":
        try:
            from bidwatch.engine.spark import SparkEngine  # type: ignore[import-not-found]
        except ImportError as exc:  # pragma: no cover - depends on the installation
            raise EngineError("Spark 引擎不可用：未安装 PySpark / Spark engine needs pyspark") from exc
        return SparkEngine.from_dataset(dataset, **options)
    raise EngineError(f"未知引擎 / unknown engine: {kind!r} (duckdb, spark)")
