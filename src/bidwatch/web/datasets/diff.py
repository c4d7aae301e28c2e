"""What an import will do to the stored records, computed before anything is written.

Every record keeps its provenance (``tenders.models.Provenance``: source system and import). Before an
import is applied its rows are compared, key by key, with the stored ones:

* **add**: a key not stored yet;
* **change**: a key the same source holds, with other values (the fields that differ are listed);
* **retire**: bids of the dataset's tenders that the file no longer has (the loader removes them);
  the active alerts of those tenders are re-checked by the scan, and those not found again turn
  inactive (counted after the import, ``counts["alerts_retired"]``);
* **clash**: a key another source system holds. Ids are the source system's own numbers (the ones
  regulators cite), so two systems' records are never merged into one and never renamed: the import
  is refused with the clashing ids named. One exception, companies: a company another source lists
  with the same particulars (name, credit code, ...) is the same company and is left as it is (the summary
  counts it as *kept*, under the source that holds it: the file's companies are all counted somewhere).
* **unrecorded**: a key stored before provenance was kept (no source): the import may claim it, once
  confirmed.

An import that only adds applies at once; one that changes, retires or claims waits for a person to
confirm the summary shown on its page (``DatasetImport.Status.REVIEW``). The digest names the summary
confirmed: if the stored data changed meanwhile, the import asks again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterable
from typing import Any

from django.db.models import Model

from bidwatch.web.alerts.models import Alert, scan_alerts
from bidwatch.web.datasets import engine, loader
from bidwatch.web.tenders.models import Bid, Company, Project, Sanction, Tender

CHUNK = 2000
EXAMPLES = 5
TABLES = ("companies", "projects", "tenders", "bids", "sanctions")


def _shown(value: Any) -> str:
    if value is None:
        return ""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return text if len(text) <= 80 else text[:80] + "…"


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return (a is None or a == "") and (b is None or b == "")
    if isinstance(a, float) or isinstance(b, float):
        try:
            return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))
        except (TypeError, ValueError):
            return False
    return bool(a == b)


def _compare(
    model: type[Model], key_name: str, fields: list[str], rows: Iterable[tuple[str, dict[str, Any]]], source: str,
    *, same_is_fine: bool = False,
) -> tuple[dict[str, Any], set[str]]:
    """Compare incoming rows with the stored ones; return the table's summary and the keys another
    source holds with identical values (only when ``same_is_fine``: counted as ``kept``, by source, in
    ``kept_by``)."""
    summary: dict[str, Any] = {"add": 0, "change": 0, "same": 0, "unrecorded": 0, "clash": 0, "retire": 0,
                               "examples": {"add": [], "change": [], "retire": [], "clash": []}}
    if same_is_fine:
        summary.update(kept=0, kept_by={})
    kept: set[str] = set()
    empty = not model.objects.exists()  # type: ignore[attr-defined]
    sector_changes = 0
    chunk: list[tuple[str, dict[str, Any]]] = []

    def flush() -> None:
        nonlocal sector_changes
        if empty:
            stored: dict[str, tuple[Any, ...]] = {}
        else:
            stored = {
                row[0]: row[1:]
                for row in model.objects.filter(pk__in=[k for k, _v in chunk])  # type: ignore[attr-defined]
                .values_list(key_name, "source", "dataset_import_id", *fields)
            }
        for key, values in chunk:
            old = stored.get(key)
            if old is None:
                summary["add"] += 1
                if len(summary["examples"]["add"]) < EXAMPLES:
                    summary["examples"]["add"].append(key)
                continue
            old_source, old_import, old_values = old[0], old[1], dict(zip(fields, old[2:], strict=True))
            differs = {f: [_shown(old_values[f]), _shown(values[f])] for f in fields
                       if not _same(old_values[f], values[f])}
            if old_source and old_source != source:
                if same_is_fine and not differs:
                    kept.add(key)
                    summary["kept"] += 1
                    summary["kept_by"][old_source] = summary["kept_by"].get(old_source, 0) + 1
                    continue
                summary["clash"] += 1
                if len(summary["examples"]["clash"]) < 50:
                    summary["examples"]["clash"].append({"id": key, "source": old_source, "import": old_import})
                continue
            if not old_source:
                summary["unrecorded"] += 1
            if differs:
                summary["change"] += 1
                if "sector" in differs:
                    sector_changes += 1
                if len(summary["examples"]["change"]) < EXAMPLES:
                    summary["examples"]["change"].append({"id": key, "fields": differs})
            else:
                summary["same"] += 1
        chunk.clear()

    for item in rows:
        chunk.append(item)
        if len(chunk) >= CHUNK:
            flush()
    if chunk:
        flush()
    if sector_changes:
        summary["sector_changes"] = sector_changes
    return summary, kept


def compute(ds: Any, source: str, *, skip_sanctions: Collection[str] = ()) -> dict[str, Any]:
    """The summary of what importing ``ds`` as ``source`` would add, change, retire and refuse."""
    eng = engine.dataset_engine(ds)
    projects = loader.project_meta(eng)
    tables: dict[str, Any] = {}
    tables["companies"], kept = _compare(Company, "company_id", loader.COMPANY_FIELDS, loader.company_rows(eng),
                                         source, same_is_fine=True)
    tables["projects"], _k = _compare(Project, "project_id", loader.PROJECT_FIELDS, loader.project_rows(eng), source)
    tables["tenders"], _k = _compare(Tender, "tender_id", loader.TENDER_FIELDS, loader.tender_rows(eng, projects),
                                     source)
    tables["bids"], _k = _compare(Bid, "bid_id", loader.BID_FIELDS, loader.bid_rows(eng), source)
    tables["sanctions"], _k = _compare(Sanction, "sanction_id", loader.SANCTION_FIELDS,
                                       loader.sanction_rows(eng, set(skip_sanctions)), source)

    # Retired: the stored bids of the dataset's tenders that the file does not have any more; and the
    # active alerts of those tenders, which the scan checks again.
    tender_ids = sorted({tid for tid, _v in loader.tender_rows(eng, projects)})
    alerts_rechecked = 0
    if Bid.objects.exists() or Alert.objects.exists():
        bid_keys = loader.bid_keys(eng)
        for i in range(0, len(tender_ids), 900):
            part = tender_ids[i:i + 900]
            for bid_id, tender_id in Bid.objects.filter(tender_id__in=part).values_list("bid_id", "tender_id"):
                if bid_id not in bid_keys:
                    tables["bids"]["retire"] += 1
                    if len(tables["bids"]["examples"]["retire"]) < EXAMPLES:
                        tables["bids"]["examples"]["retire"].append(f"{bid_id} ({tender_id})")
            # the scan's own alerts only (a bid-file comparison's are not the scan's to retire, loader.py)
            alerts_rechecked += scan_alerts().filter(tender_id__in=part, active=True).count()
        project_ids = sorted(projects)
        for i in range(0, len(project_ids), 900):  # the projects' own alerts (no tender), retired the same way
            alerts_rechecked += scan_alerts().filter(tender=None, project_id__in=project_ids[i:i + 900],
                                                     active=True).count()
    kept_elsewhere = Tender.objects.filter(source=source).exclude(tender_id__in=tender_ids).count() if source else 0

    totals = {k: sum(t[k] for t in tables.values()) for k in ("add", "change", "same", "unrecorded", "clash", "retire")}
    out: dict[str, Any] = {
        "source": source, "tables": tables, "totals": totals, "alerts_rechecked": alerts_rechecked,
        "tenders_in_file": len(tender_ids),
        "tenders_not_in_file": kept_elsewhere, "companies_kept": sorted(kept),
        "needs_confirmation": bool(totals["change"] or totals["retire"] or totals["unrecorded"]),
    }
    out["digest"] = digest(out)
    return out


def digest(summary: dict[str, Any]) -> str:
    body = {k: v for k, v in summary.items() if k != "digest"}
    return hashlib.blake2b(json.dumps(body, sort_keys=True, ensure_ascii=False, default=str).encode(),
                           digest_size=12).hexdigest()


def clash_problems(summary: dict[str, Any]) -> list[dict[str, str]]:
    """The clashes as rows of the import's problem table: per table, the ids and who holds them."""
    from django.utils.translation import gettext as _

    problems = []
    for table in TABLES:
        t = summary["tables"].get(table, {})
        if not t.get("clash"):
            continue
        by_source: dict[str, list[str]] = {}
        for c in t["examples"]["clash"]:
            by_source.setdefault(c["source"], []).append(c["id"])
        for other, ids in by_source.items():
            more = t["clash"] - len(t["examples"]["clash"])
            shown = "、".join(ids) + (f" … (+{more})" if more > 0 else "")
            problems.append({
                "table": table, "row": "", "column": f"{table[:-1] if table != 'companies' else 'company'}_id",
                "value": shown[:300],
                "expected": (_("These ids are already used by the source system “%(other)s”; this import declares "
                               "“%(source)s”. Records of two systems are never merged: if the file is a new extract "
                               "of “%(other)s”, upload it again declaring that source; otherwise the ids must differ.")
                             % {"other": other, "source": summary["source"]})[:300],
            })
    return problems
