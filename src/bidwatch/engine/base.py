"""Backend-neutral engine protocol, and the registry that backends add themselves to.

This module imports no backend: ``engine/duck.py`` and ``engine/spark.py`` each call
:func:`register_backend` when imported, and the package (``engine/__init__.py``) imports them. A
new backend is one module that registers itself; nothing here changes (see docs/architecture.md,
"One definition, several engines").
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import sqlglot

from bidwatch.i18n import chinese_first as _

if TYPE_CHECKING:
    import pandas as pd

#: The dialect every indicator is written in.
SOURCE_DIALECT = "duckdb"


class EngineError(RuntimeError):
    """A query failed on the backend; carries the indicator's SQL for diagnosis."""


class Engine(Protocol):
    kind: str

    def query(self, sql: str) -> pd.DataFrame:
        """Run one SELECT written in the DuckDB dialect and return its rows."""

    def iter_rows(self, sql: str, batch: int = 50_000) -> Iterator[tuple[Any, ...]]:
        """Run one SELECT written in the DuckDB dialect and stream its rows as tuples, ``batch`` at a
        time (for readers that write millions of rows elsewhere, e.g. the web database)."""

    def register(self, name: str, frame: pd.DataFrame) -> None:
        """Make a derived table (computed in Python) visible to later queries."""

    def has_table(self, name: str) -> bool: ...

    def columns(self, name: str) -> Sequence[str]:
        """The column names of a table (lower case), empty when there is no such table."""


#: ``connect(dataset, **options)`` of each backend, by kind.
BackendFactory = Callable[..., Engine]
_BACKENDS: dict[str, BackendFactory] = {}


def register_backend(kind: str, factory: BackendFactory) -> None:
    """Called by a backend module when it is imported: ``connect(dataset, kind)`` then reaches it."""
    _BACKENDS[kind] = factory


def backends() -> tuple[str, ...]:
    """The kinds of engine that :func:`connect` knows, in registration order."""
    return tuple(_BACKENDS)


def _decimal_literal(node: sqlglot.exp.Expression) -> bool:
    return isinstance(node, sqlglot.exp.Literal) and node.is_number and ("." in node.this or "e" in node.this.lower())


def _divide_as_duckdb(node: sqlglot.exp.Expression) -> sqlglot.exp.Expression:
    """A division with a decimal literal (``x / 30.0``) as DuckDB computes it: in DOUBLE. DuckDB divides decimals
    as doubles; Spark keeps them DECIMAL and rounds the quotient to six places, so a score written
    ``0.5 + 0.1 * d / 30.0`` came out 0.6266666666666667 on one engine and 0.626667 on the other (QA on real
    data, session 18). The literal is cast to DOUBLE, which makes Spark divide as DuckDB does."""
    if isinstance(node, sqlglot.exp.Div):
        for side in ("this", "expression"):
            operand = node.args.get(side)
            if operand is not None and _decimal_literal(operand):
                node.set(side, sqlglot.exp.cast(operand.copy(), "DOUBLE"))
    return node


def transpile(sql: str, dialect: str) -> str:
    """Translate an indicator's DuckDB SQL into another backend's dialect (for Spark, divisions by a decimal
    literal in DOUBLE, as DuckDB computes them: :func:`_divide_as_duckdb`)."""
    if dialect == SOURCE_DIALECT:
        return sql
    trees = sqlglot.parse(sql, read=SOURCE_DIALECT)
    if dialect == "spark":
        trees = [t.transform(_divide_as_duckdb) if t is not None else None for t in trees]
    return ";\n".join(t.sql(dialect=dialect, pretty=False) for t in trees if t is not None)


def connect(dataset: Any, kind: str = "duckdb", **options: object) -> Engine:
    """Return an engine over a loaded dataset. ``kind`` is one of :func:`backends` (``duckdb``, the
    default, or ``spark``)."""
    factory = _BACKENDS.get(kind)
    if factory is None:
        raise EngineError(_("unknown engine: %(kind)r (%(known)s)", kind=kind, known=", ".join(backends())))
    return factory(dataset, **options)
