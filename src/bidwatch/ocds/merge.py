"""Compiling the releases of one contracting process with the Open Contracting Partnership's own merge
library, ``ocdsmerge`` (the reference implementation of OCDS merging), offline.

Why ``ocdsmerge`` and not a merge of our own: the merge rules of the standard (identifier merge of
arrays of objects, whole-list merge of ``additionalIdentifiers``, ``roles``, ``relatedLots``...,
``omitWhenMerged`` fields, ``null`` removes a field) are subtle, and a publisher who checks our
compiled release against theirs (made with OCDS Kit, which uses ``ocdsmerge``) must get the same.

Offline: ``ocdsmerge`` fetches the latest release schema from the web unless it is given the merge
rules. The rules are derived once per process, by ``ocdsmerge.get_merge_rules`` itself, from
``data/release-merge-schema-1.1.json`` shipped in this package: the structure of the OCDS 1.1 release
schema (1__1__5, Apache License 2.0, Open Contracting Partnership) that the merge reads (types, the
``id`` of objects in arrays, ``omitWhenMerged``, ``wholeListMerge``), plus the bids and lots
extensions that bidwatch reads. Nothing is downloaded: ``tests/ocds/test_ocds_merge.py`` runs the
merge with sockets and ``requests`` made to fail.

What a publisher's data may do to the merge, and what happens (each a problem, never a stop):

- a release without a ``date`` (or not a string): ordered first, as the oldest (``ocdsmerge`` would
  refuse the whole process);
- a field that is an object in one release and an array in another (``InconsistentTypeError``), or
  any other merge error: the latest release of the process is kept, as it is;
- two objects with the same ``id`` in one array (``DuplicateIdValueWarning``): merged into one, as
  the standard says; reported.
"""

from __future__ import annotations

import json
import warnings
from functools import lru_cache
from importlib import resources
from typing import Any

SCHEMA_FILE = "release-merge-schema-1.1.json"


def merge_schema() -> dict[str, Any]:
    """The shipped merge schema (OCDS 1.1 structure, see the module docstring)."""
    text = resources.files("bidwatch.ocds").joinpath("data", SCHEMA_FILE).read_text(encoding="utf-8")
    return json.loads(text)


@lru_cache(maxsize=1)
def merge_rules() -> dict[tuple[str, ...], str]:
    """``ocdsmerge``'s merge rules from the shipped schema (never the web)."""
    from ocdsmerge.rules import get_merge_rules

    return get_merge_rules(merge_schema())


def _date_key(release: dict) -> str:
    date = release.get("date")
    return date if isinstance(date, str) else ""


def compile_releases(releases: list[dict], notes: list[str] | None = None) -> dict:
    """The compiled release of the releases of one ocid (``ocdsmerge.CompiledRelease``), in date
    order (file order among equal dates). ``notes`` receives a text for each deviation met (see the
    module docstring); the merge itself never raises."""
    from ocdsmerge import CompiledRelease
    from ocdsmerge.exceptions import DuplicateIdValueWarning, OCDSMergeError

    notes = notes if notes is not None else []
    undated = sum(1 for r in releases if not isinstance(r.get("date"), str))
    if undated:
        notes.append(f"{undated} release(s) without a date: merged first, as the oldest")
    ordered = sorted(releases, key=_date_key)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DuplicateIdValueWarning)
        try:
            merged = CompiledRelease(merge_rules=merge_rules())
            for release in ordered:
                merged.append(release)
            compiled = merged.asdict()
        except (OCDSMergeError, TypeError, AttributeError, KeyError) as e:
            latest = dict(ordered[-1])
            notes.append(f"the releases could not be merged ({type(e).__name__}: {e}); "
                         f"the latest release (date {latest.get('date')!r}) is kept as it is")
            latest["tag"] = ["compiled"]
            return latest
    seen = set()
    for w in caught:
        if issubclass(w.category, DuplicateIdValueWarning) and str(w.message) not in seen:
            seen.add(str(w.message))
            notes.append(f"{w.message}: merged into one object, as OCDS merging does")
    # Keep the last release date even when the latest release had none (ocdsmerge sets `date` to it).
    if compiled.get("date") is None:
        dates = [d for d in (_date_key(r) for r in ordered) if d]
        if dates:
            compiled["date"] = dates[-1]
    return compiled
