"""Cells safe to open in a spreadsheet: neutralise formula injection (CSV / formula injection, OWASP).

A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is taken by Excel,
WPS and LibreOffice for a formula (``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``, ``@SUM(...)``) when the
file is opened; and openpyxl itself writes a string beginning with ``=`` as a live formula. Every
export — CSV and XLSX, command line and web — passes its text cells through :func:`neutralise`, which
prefixes such a value with a single quote, so that it is shown as the text it is (OWASP's
recommendation). Numbers, dates and ``None`` are left alone (they are typed cells, never formulas), and
so is a string that is just a number (``-12.5``, ``+86``): spreadsheets read it as that number, not
as a formula, and a minus sign is not an injection.

Dataset files written to be read back by the data contract (``bidwatch.contract.writer``, the OCDS
conversion) are data, not reports, and are not neutralised: a quote would change the value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

#: The first characters that make a spreadsheet evaluate a cell (OWASP: = + - @ tab carriage return).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def neutralise(value: Any) -> Any:
    """``value`` as it may be written to a cell: a text that a spreadsheet would evaluate gets a
    leading ``'``; anything else is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def neutralise_row(row: Iterable[Any]) -> list[Any]:
    return [neutralise(v) for v in row]


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell neutralised (the scan's CSV files)."""
    from pandas.api import types

    out = frame.copy()
    for i in range(out.shape[1]):
        dtype = out.dtypes.iloc[i]
        if not (types.is_numeric_dtype(dtype) or types.is_datetime64_any_dtype(dtype) or types.is_bool_dtype(dtype)):
            column = out.iloc[:, i]
            # Only cells that begin with a formula character can change: test the first character of every
            # cell at once and run neutralise on those few (the per-cell Python call over every text cell of
            # 100k tenders took seconds). Non-strings (None, numbers in an object column) are never changed.
            try:
                suspect = column.str.startswith(FORMULA_PREFIXES, na=False).to_numpy(dtype=bool)
            except AttributeError:  # no string in the column at all: nothing to neutralise
                continue
            if suspect.any():
                column = column.copy()
                column.iloc[suspect] = column.iloc[suspect].map(neutralise)
                out.isetitem(i, column)
    return out
