"""OCDS input: Cardinal-compatible red-flag indicators and conversion to the contract tables.

Public API (imports are lazy so that ``import bidwatch.ocds`` stays cheap):

- ``read_ocds_tables(path) -> (dict[str, pandas.DataFrame], list[Problem])``
- ``compute_indicators(path, settings=None, *, map=False, meta=True, problems=None, jobs=None) -> dict``
- ``looks_like_ocds(path) -> bool``: a .json/.jsonl/.ndjson(.gz) file with ``ocid``/``releases``/``records``
  (for ``bidwatch scan`` to pick this reader);
- ``load_settings(path) -> Settings``; ``Problem(line, message, skipped)``.
"""

from __future__ import annotations

__all__ = ["Problem", "Settings", "compute_indicators", "iter_releases", "load_settings", "looks_like_ocds",
           "read_ocds_tables"]


def __getattr__(name: str):
    if name == "read_ocds_tables":
        from bidwatch.ocds.tables import read_ocds_tables

        return read_ocds_tables
    if name == "compute_indicators":
        from bidwatch.ocds.cardinal import compute

        return compute
    if name in ("load_settings", "Settings"):
        from bidwatch.ocds import settings

        return getattr(settings, name)
    if name in ("Problem", "iter_releases", "looks_like_ocds"):
        from bidwatch.ocds import reader

        return getattr(reader, name)
    raise AttributeError(name)
