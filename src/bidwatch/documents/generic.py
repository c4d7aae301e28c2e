"""Editing-origin values that a system, an office suite or a ghost image writes by default (issue 17).

A Windows installation names its first account "Windows 用户" or "Administrator", an OEM image "Lenovo", a
pirated ghost image "雨林木风" or "YlmF" — and the computer after it: 雨林木风-PC, YLMF123, LENOVO-电脑,
DEEPIN.ORG. Office copies that name into every file's author, last-modified-by and often company
property. Two bidders whose files say "雨林木风-PC" may have bought their computers in the same shop; it
is what the scan's ``same_preparer`` calls a low lead (``indicators/collusion.py: default_author_sql``),
and the bid-file comparison must weigh it the same way rather than call it one editing origin (条例
第40条(一)). Both read ``[collusion] default_author_stems``; this is the rule of that SQL in Python:
stems upper-cased without spaces, then optionally ``-PC``/``_PC``/``PC``, ``-电脑``, a number of up to 4
digits (after ``-``, ``_`` or ``.``, or none) or ``.ORG``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from bidwatch.documents.normalise import comparable_value

#: the computer-name suffixes the default stems come with (as ``default_author_sql``'s pattern)
SUFFIX = r"(?:[-_]?PC|-电脑|[-_.]?[0-9]{1,4}|[.]ORG)?"


@lru_cache(maxsize=8)
def default_author_pattern(stems: tuple[str, ...]) -> re.Pattern[str] | None:
    """The compiled rule for ``stems`` (the setting's list), or None when the list is empty. The SQL keeps
    only stems of letters and digits (a regex escape reads differently in DuckDB's and Spark's literals);
    here every stem is escaped, so the two agree on those and Python also takes the others."""
    cleaned = sorted({s for s in (comparable_value(x) for x in stems) if s}, key=len, reverse=True)
    if not cleaned:
        return None
    return re.compile(f"^(?:{'|'.join(re.escape(s) for s in cleaned)}){SUFFIX}$")


def is_default_author(value: object, stems: Iterable[str]) -> bool:
    """Whether ``value`` (an author, last modified by or company property, any case and spacing, disguise
    undone) is a default name of a system or an image with its computer-name suffix."""
    pattern = default_author_pattern(tuple(stems))
    norm = comparable_value(value)
    return bool(pattern is not None and norm and pattern.match(norm))
