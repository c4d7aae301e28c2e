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


def transpile(sql: str, dialect: str) -> str:
    """Translate an indicator's DuckDB SQL into another backend's dialect."""
    if dialect == SOURCE_DIALECT:
        return sql
    return ";\n".join(sqlglot.transpile(sql, read=SOURCE_DIALECT, write=dialect, pretty=False))


def connect(dataset: Any, kind: str = "duckdb", **options: object) -> Engine:
    """Return an engine over a loaded dataset. ``kind`` is one of :func:`backends` (``duckdb``, the
    default, or ``spark``)."""
    factory = _BACKENDS.get(kind)
    if factory is None:
        raise EngineError(_("unknown engine: %(kind)r (%(known)s)", kind=kind, known=", ".join(backends())))
    return factory(dataset, **options)
