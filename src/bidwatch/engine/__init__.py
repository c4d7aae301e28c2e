"""The one place that knows analytics backends.

Indicators are written once, as SQL in the DuckDB dialect over the contract's table names, and never
execute anything themselves. An :class:`Engine` runs that SQL: DuckDB directly, other backends
(Spark, issue 6) through SQLGlot transpilation. Nothing here imports Django.
"""

from __future__ import annotations

from bidwatch.engine.base import Engine, EngineError, connect
from bidwatch.engine.duck import DuckDBEngine

__all__ = ["Engine", "EngineError", "DuckDBEngine", "connect"]
