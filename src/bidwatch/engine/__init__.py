"""The one place that knows analytics backends.

Indicators are written once, as SQL in the DuckDB dialect over the contract's table names, and never
execute anything themselves. An :class:`Engine` runs that SQL: DuckDB directly, other backends
(Spark, issue 6) through SQLGlot transpilation. Nothing here imports Django.

Backends register themselves (:func:`register_backend`) when their module is imported; this package
imports the ones that ship with bidwatch, so ``connect(dataset, "spark")`` finds Spark without
``base.py`` knowing it. Spark's module imports PySpark only when a session starts.
"""

from __future__ import annotations

from bidwatch.engine import duck, spark  # noqa: F401  (each registers its backend)
from bidwatch.engine.base import Engine, EngineError, backends, connect, register_backend
from bidwatch.engine.duck import DuckDBEngine

__all__ = ["Engine", "EngineError", "DuckDBEngine", "backends", "connect", "register_backend"]
