"""The registry's way into the scans: before a dataset is scanned (import or rescan,
:func:`bidwatch.web.datasets.services.import_scan`), the entries that are not revoked join its
``sanctions`` table through the analytics' ``add_sanctions`` (behind the engine seam), with the
loader's checks. Expired entries are fed too: the scan compares each record's period with the bid's
own date, and a ban that ended last year still covers last year's bids.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from bidwatch.i18n import chinese_first as _
from bidwatch.web.credit.models import RegistryEntry
from bidwatch.web.datasets import engine

#: How a problem found in the registry's rows is labelled on the import page: "中文 / english", as the data
#: contract's problems beside it (they are stored with the import and written to problems.csv).
REGISTRY_TABLE = _("sanctions registry")


def feed_rows() -> list[dict[str, Any]]:
    """The entries not revoked, as rows of the data contract's ``sanctions`` table."""
    rows = []
    for e in RegistryEntry.objects.filter(revoked_on__isnull=True).order_by("id"):
        rows.append({
            "sanction_id": e.public_id, "company_id": e.company_id or None, "uscc": e.uscc or None,
            "person_id": e.person_id or None, "measure": e.measure,
            # the contract has no column for the document number: the evidence shows it with the authority
            "authority": " ".join(p for p in (e.authority, e.document_number) if p) or None,
            "reason": e.reason or None, "start_on": e.start_on,
            # an early removal after credit repair ends the measure the day before
            "end_on": e.effective_end,
        })
    return rows


def add_registry(ds: Any, rows: list[dict[str, Any]] | None = None) -> list[str]:
    """Add the registry's rows to the loaded dataset; return their sanction_ids.

    ``rows``: the rows of :func:`feed_rows`, read beforehand (the import's child process has no
    database, ``datasets/isolated.py``).

    A refusal (a dataset that already uses one of the ids, or a row the contract rejects) is raised
    as the engine's ``DatasetInvalid``, each problem restated as the registry's, with the entry's id.
    """
    rows = feed_rows() if rows is None else rows
    if not rows:
        return []
    invalid = engine.dataset_invalid_error()
    try:
        engine.add_sanctions(ds, rows)
    except invalid as exc:
        problems = []
        for p in getattr(exc, "problems", []):
            row = getattr(p, "row", None)
            sid = rows[row - 1]["sanction_id"] if isinstance(row, int) and 0 < row <= len(rows) else ""
            problems.append(dataclasses.replace(p, table=REGISTRY_TABLE, row=None,
                                                expected=f"{sid}：{p.expected}" if sid else p.expected))
        raise invalid(problems) from exc
    return [str(r["sanction_id"]) for r in rows]
