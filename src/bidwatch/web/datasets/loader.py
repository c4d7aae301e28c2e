"""Write a loaded dataset and its scan result into the web database, in one transaction.

Entity rows are upserted by their dataset keys, with their provenance (source system and import;
``datasets/diff.py`` has checked before that the keys are not another source's); alerts by a key made of what the alert is about
(:func:`alert_key`), so that triage status and history survive a re-import; alerts of the dataset's
tenders that the new scan no longer finds are marked inactive rather than deleted (their triage
history stays readable).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Model

from bidwatch.web.accounts.models import Agency, Sector
from bidwatch.web.alerts.models import Alert, scan_alerts
from bidwatch.engine import Engine, reads
from bidwatch.web.datasets import engine
from bidwatch.web.datasets.links import mask
from bidwatch.web.tenders.models import Bid, BidderLink, Company, Project, Sanction, Tender

SHANGHAI = ZoneInfo("Asia/Shanghai")
BATCH = 5000
SECTORS = {s.value for s in Sector}
SEVERITIES = {"high", "medium", "low"}


# ---------------------------------------------------------------- value conversion
def _missing(value: Any) -> bool:
    """None, NaN, pandas NA/NaT (scalars only: lists are values)."""
    if value is None or type(value).__name__ == "NAType":
        return True
    if isinstance(value, (str, bytes, list, tuple, dict)):
        return False
    try:
        return bool(value != value)  # noqa: PLR0124 - NaN, NaT and pd.NA compare unequal to themselves
    except (TypeError, ValueError):
        return False


def _s(value: Any, limit: int | None = None) -> str:
    """A text cell; ``limit``: cut to it (only where the load said so, :func:`length_limits`, or where the
    value is the scan's own or a code the contract checked)."""
    if _missing(value):
        return ""
    text = str(value).strip()
    return text[:limit] if limit else text


class TooLong(ValueError):
    """An id longer than its field: never cut (two ids cut to one prefix would be one record). The load
    refuses such a dataset first, naming the row (:func:`length_limits`); this guards the writer whatever the
    engine."""

    def __init__(self, table: str, column: str, value: str, limit: int) -> None:
        super().__init__(f"{table}.{column}: {len(value)} > {limit}")
        from bidwatch.contract.validate import too_long

        self.problem = {"table": table, "row": "", "column": column, "value": value,
                        "expected": too_long(limit).replace("{info}", str(len(value)))}


def _id(value: Any, table: str, column: str, limit: int) -> str:
    """An id as stored: whole, or :class:`TooLong`."""
    text = _s(value)
    if len(text) > limit:
        raise TooLong(table, column, text, limit)
    return text


def _money(value: Any) -> Decimal | None:
    if _missing(value):
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return None


def _float(value: Any) -> float | None:
    if _missing(value):
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _int(value: Any) -> int | None:
    f = _float(value)
    return None if f is None else int(f)


def _date(value: Any) -> dt.date | None:
    if _missing(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _s(value)
    if not text or text.lower() in {"nat", "nan", "none"}:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def _ts(value: Any) -> dt.datetime | None:
    if _missing(value):
        return None
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=SHANGHAI)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(), tzinfo=SHANGHAI)
    text = _s(value)
    if not text:
        return None
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=SHANGHAI)


def _bool(value: Any) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    text = _s(value).lower()
    if text in {"1", "true", "是", "y", "yes"}:
        return True
    if text in {"0", "false", "否", "n", "no"}:
        return False
    return None


def _company_list(value: Any) -> list[str]:
    """``company_ids`` as the scan gives it: a list (array) of IDs or one ';'-joined string."""
    if _missing(value):
        return []
    if isinstance(value, str):
        items: Iterable[Any] = value.split(";")
    elif hasattr(value, "__iter__"):
        items = value
    else:
        items = [value]
    return [str(c).strip() for c in items if c is not None and str(c).strip()]


def _batched(items: Iterable[Any], size: int = BATCH) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _upsert(model: type[Model], objs: Iterable[Model], key: str, fields: list[str]) -> int:
    n = 0
    for chunk in _batched(objs):
        model.objects.bulk_create(  # type: ignore[attr-defined]
            chunk, batch_size=BATCH, update_conflicts=True, unique_fields=[key], update_fields=fields
        )
        n += len(chunk)
    return n


def _frame_records(frame: Any) -> list[dict[str, Any]]:
    if frame is None:
        return []
    if hasattr(frame, "to_dict"):
        records = frame.to_dict(orient="records")
    else:
        records = list(frame)
    return [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()} for r in records]



# ---------------------------------------------------------------- the dataset's rows, as stored
# Each iterator yields (key, values): the values a record gets from the dataset, by attribute name.
# The writer adds the scan's figures; the import's diff (``datasets/diff.py``) compares these values
# with the stored ones, so that what the page announces is what the writer does.
COMPANY_FIELDS = ["name", "uscc", "legal_rep", "phone", "address", "region_code", "founded_on", "registered_capital"]
PROJECT_FIELDS = ["name", "owner_name", "sector", "estimated_amount", "state_funded", "approved_on", "permit_on",
                  "works_started_on", "region_code"]
TENDER_FIELDS = ["project_id", "title", "category", "procedure", "tenderer_id", "agency", "ceiling_price", "estimate",
                 "announced_on", "bid_deadline", "award_method", "candidates_published_on", "awarded_on", "winner_id",
                 "award_price", "contract_signed_on", "sector", "region_code"]
BID_FIELDS = ["tender_id", "company_id", "price", "submitted_at", "status", "disqualify_reason", "rank", "score",
              "project_manager_id", "agent_id"]
SANCTION_FIELDS = ["company_key", "uscc", "person_id", "measure", "authority", "reason", "start_on", "end_on"]

Rows = Iterator[tuple[str, dict[str, Any]]]


def _max(model: type[Model], field: str) -> int:
    return int(model._meta.get_field(field).max_length)  # type: ignore[arg-type]


#: The dataset's ids the import stores (the contract's table and column → the field's length): whole or not
#: at all.
ID_COLUMNS: dict[str, dict[str, int]] = {
    "companies": {"company_id": _max(Company, "company_id")},
    "projects": {"project_id": _max(Project, "project_id")},
    "tenders": {"tender_id": _max(Tender, "tender_id"), "project_id": _max(Project, "project_id"),
                "tenderer_id": _max(Company, "company_id"), "winner_id": _max(Company, "company_id")},
    "bids": {"bid_id": _max(Bid, "bid_id"), "tender_id": _max(Tender, "tender_id"),
             "company_id": _max(Company, "company_id"), "project_manager_id": _max(Bid, "project_manager_id"),
             "agent_id": _max(Bid, "agent_id")},
    "sanctions": {"sanction_id": _max(Sanction, "sanction_id"), "company_id": _max(Sanction, "company_key"),
                  "person_id": _max(Sanction, "person_id")},
    # not stored, but an alert on a contract names its project and tender (``Alert.project_id``)
    "contracts": {"project_id": _max(Alert, "project_id"), "tender_id": _max(Tender, "tender_id")},
}
#: The dataset's texts the import stores in fields of a length: a longer one keeps its start, and the import's
#: notices say so (row, column, length). Titles and project names are stored whole (text fields).
TEXT_COLUMNS: dict[str, dict[str, int]] = {
    "companies": {"name": _max(Company, "name"), "legal_rep": _max(Company, "legal_rep"),
                  "phone": _max(Company, "phone"), "address": _max(Company, "address")},
    "projects": {"owner_name": _max(Project, "owner_name")},
    "tenders": {"agency": _max(Tender, "agency")},
    "bids": {"disqualify_reason": _max(Bid, "disqualify_reason")},
    "sanctions": {"authority": _max(Sanction, "authority")},
}


def length_limits() -> dict[str, Any]:
    """The load's options for what the import stores (``bidwatch.contract.load_dataset``): an id longer than
    its field refuses the dataset, naming table, row, column and value; a longer text is a notice."""
    return {"max_lengths": ID_COLUMNS, "cut_lengths": TEXT_COLUMNS}


def company_rows(eng: Engine) -> Rows:
    wanted = ["company_id", *COMPANY_FIELDS]
    for r in reads.iter_table(eng, "companies", wanted):
        cid = _id(r["company_id"], "companies", "company_id", ID_COLUMNS["companies"]["company_id"])
        cut = TEXT_COLUMNS["companies"]
        yield cid, {
            "name": _s(r["name"], cut["name"]) or cid, "uscc": _s(r["uscc"], 18),
            "legal_rep": _s(r["legal_rep"], cut["legal_rep"]), "phone": _s(r["phone"], cut["phone"]),
            "address": _s(r["address"], cut["address"]), "region_code": _s(r["region_code"], 12),
            "founded_on": _date(r["founded_on"]), "registered_capital": _money(r["registered_capital"]),
        }


def project_rows(eng: Engine) -> Rows:
    wanted = ["project_id", *PROJECT_FIELDS]
    for r in reads.iter_table(eng, "projects", wanted):
        pid = _id(r["project_id"], "projects", "project_id", ID_COLUMNS["projects"]["project_id"])
        yield pid, {
            "name": _s(r["name"]) or pid,
            "owner_name": _s(r["owner_name"], TEXT_COLUMNS["projects"]["owner_name"]),
            "sector": _s(r["sector"]) if _s(r["sector"]) in SECTORS else Sector.OTHER,
            "estimated_amount": _money(r["estimated_amount"]), "state_funded": _bool(r["state_funded"]),
            "approved_on": _date(r["approved_on"]), "permit_on": _date(r["permit_on"]),
            "works_started_on": _date(r["works_started_on"]), "region_code": _s(r["region_code"], 12),
        }


#: The dates of a tender that date its alerts, in the order of the procedure (docs/data-contract.md,
#: tenders): the first one the dataset gives is the alert's date (``Alert.detected_on``: the reports'
#: periods, the list's date filters, the dashboard's trend). ``result_published_on`` is not a contract
#: column: ``bidwatch notices`` keeps a result notice's date under that name beside them. A tender known only
#: from its candidates or result notice has no announcement: its alerts were undated and counted in no
#: period (QA 2026-12, 宜昌).
ALERT_DATES = ("announced_on", "docs_from", "docs_until", "last_amendment_on", "bid_deadline",
               "candidates_published_on", "publicity_until", "awarded_on", "result_published_on",
               "contract_signed_on")


def tender_dates(eng: Engine) -> dict[str, dt.date | None]:
    """Each tender's date for its alerts: the first of :data:`ALERT_DATES` it has."""
    out: dict[str, dt.date | None] = {}
    for r in reads.iter_table(eng, "tenders", ["tender_id", *ALERT_DATES]):
        out[_s(r["tender_id"])] = next((d for d in (_date(r[c]) for c in ALERT_DATES) if d is not None), None)
    return out


def project_meta(eng: Engine) -> dict[str, tuple[str, str]]:
    """Each project's sector and district (its tenders and alerts get them)."""
    return {pid: (v["sector"], v["region_code"]) for pid, v in project_rows(eng)}


def tender_rows(eng: Engine, projects: dict[str, tuple[str, str]]) -> Rows:
    wanted = ["tender_id", "project_id", "title", "category", "procedure", "tenderer_id", "agency", "ceiling_price",
              "estimate", "announced_on", "bid_deadline", "award_method", "candidates_published_on", "awarded_on",
              "winner_id", "award_price", "contract_signed_on"]
    limit = ID_COLUMNS["tenders"]
    for r in reads.iter_table(eng, "tenders", wanted):
        tid = _id(r["tender_id"], "tenders", "tender_id", limit["tender_id"])
        pid = _id(r["project_id"], "tenders", "project_id", limit["project_id"])
        sector, region = projects.get(pid, (Sector.OTHER, ""))
        yield tid, {
            "project_id": pid if pid in projects else None, "title": _s(r["title"]),
            "category": _s(r["category"], 20), "procedure": _s(r["procedure"], 20),
            "tenderer_id": _id(r["tenderer_id"], "tenders", "tenderer_id", limit["tenderer_id"]) or None,
            "agency": _s(r["agency"], TEXT_COLUMNS["tenders"]["agency"]),
            "ceiling_price": _money(r["ceiling_price"]), "estimate": _money(r["estimate"]),
            "announced_on": _date(r["announced_on"]), "bid_deadline": _ts(r["bid_deadline"]),
            "award_method": _s(r["award_method"], 20), "candidates_published_on": _date(r["candidates_published_on"]),
            "awarded_on": _date(r["awarded_on"]),
            "winner_id": _id(r["winner_id"], "tenders", "winner_id", limit["winner_id"]) or None,
            "award_price": _money(r["award_price"]), "contract_signed_on": _date(r["contract_signed_on"]),
            "sector": sector, "region_code": region,
        }


def bid_rows(eng: Engine) -> Rows:
    wanted = ["bid_id", *BID_FIELDS]
    statuses = {s.value for s in Bid.Status}
    limit = ID_COLUMNS["bids"]

    def key(r: dict[str, Any], column: str) -> str:
        return _id(r[column], "bids", column, limit[column])

    for r in reads.iter_table(eng, "bids", wanted):
        status = _s(r["status"]) or Bid.Status.VALID
        yield key(r, "bid_id"), {
            "tender_id": key(r, "tender_id"), "company_id": key(r, "company_id"), "price": _money(r["price"]),
            "submitted_at": _ts(r["submitted_at"]), "status": status if status in statuses else Bid.Status.VALID,
            "disqualify_reason": _s(r["disqualify_reason"], TEXT_COLUMNS["bids"]["disqualify_reason"]),
            "rank": _int(r["rank"]), "score": _float(r["score"]),
            "project_manager_id": key(r, "project_manager_id"), "agent_id": key(r, "agent_id"),
        }


def bid_keys(eng: Engine) -> set[str]:
    """The dataset's bid ids, as stored."""
    limit = ID_COLUMNS["bids"]["bid_id"]
    return {_id(r["bid_id"], "bids", "bid_id", limit) for r in reads.iter_table(eng, "bids", ["bid_id"])}


def sanction_rows(eng: Engine, skip: Collection[str] = ()) -> Rows:
    wanted = ["sanction_id", "company_id", "uscc", "person_id", "measure", "authority", "reason", "start_on", "end_on"]
    for r in reads.iter_table(eng, "sanctions", wanted):
        if _s(r["sanction_id"]) in skip:
            continue
        limit = ID_COLUMNS["sanctions"]
        yield _id(r["sanction_id"], "sanctions", "sanction_id", limit["sanction_id"]), {
            "company_key": _id(r["company_id"], "sanctions", "company_id", limit["company_id"]),
            "uscc": _s(r["uscc"], 18),
            "person_id": _id(r["person_id"], "sanctions", "person_id", limit["person_id"]),
            "measure": _s(r["measure"], 30),
            "authority": _s(r["authority"], TEXT_COLUMNS["sanctions"]["authority"]),
            "reason": _s(r["reason"]),
            "start_on": _date(r["start_on"]), "end_on": _date(r["end_on"]),
        }


# ---------------------------------------------------------------- the writer
Progress = Callable[[str, float], None]
PROVENANCE = ["source", "dataset_import"]


def write_dataset(ds: Any, result: Any, progress: Progress | None = None, *,
                  skip_sanctions: Collection[str] = (), source: str = "", dataset_import: Any = None,
                  keep_companies: Collection[str] = ()) -> dict[str, int]:
    """Upsert the dataset's rows and the scan's results; return row counts per table.

    ``skip_sanctions``: sanction_ids that were added to the dataset for the scan only (the sanctions
    registry's ``REG-`` entries, which the registry itself keeps) and are not written as sanctions.
    ``source``/``dataset_import``: the provenance every written row gets. ``keep_companies``: companies
    another source already holds with the same particulars (found by the diff): left as they are."""
    eng = engine.dataset_engine(ds)  # the dataset is read through the engine, whatever holds it
    report = progress or (lambda stage, f: None)
    prov = {"source": source[:64], "dataset_import": dataset_import}
    counts: dict[str, int] = {}
    with transaction.atomic():
        report("companies", 0.0)
        counts["companies"] = _write_companies(eng, result, prov, set(keep_companies))
        report("projects", 0.1)
        projects = _write_projects(eng, prov)
        counts["projects"] = len(projects)
        report("tenders", 0.2)
        tender_ids, tender_meta = _write_tenders(eng, result, projects, prov)
        counts["tenders"] = len(tender_ids)
        report("bids", 0.35)
        counts["bids"], counts["bids_retired"] = _write_bids(eng, tender_ids, prov)
        report("sanctions", 0.7)
        counts["sanctions"] = _write_sanctions(eng, set(skip_sanctions), prov)
        report("links", 0.75)
        counts["links"] = _write_links(eng, tender_ids)
        report("alerts", 0.85)
        counts["alerts"], counts["alerts_retired"] = _write_alerts(result, tender_ids, tender_meta, projects)
        report("done", 1.0)
    return counts


def _write_companies(eng: Engine, result: Any, prov: dict[str, Any], keep: set[str]) -> int:
    stats = reads.company_bid_stats(eng)
    risk = {str(r.get("company_id")): r for r in _frame_records(getattr(result, "companies", None))}
    alerts_per_company: dict[str, int] = defaultdict(int)
    for a in _frame_records(getattr(result, "alerts", None)):
        for cid in _company_list(a.get("company_ids")):
            alerts_per_company[cid] += 1

    def objs() -> Iterator[Company]:
        for cid, values in company_rows(eng):
            if cid in keep:
                continue
            rr = risk.get(cid, {})
            n_bids, n_wins = stats.get(cid, (0, 0))
            detail = {
                k: (v.isoformat() if hasattr(v, "isoformat") else v)
                for k, v in rr.items()
                if k not in {"company_id", "name", "risk_score"} and isinstance(v, (str, int, float, bool, type(None)))
            }
            yield Company(
                company_id=cid, **values, risk_score=_float(rr.get("risk_score")), n_bids=n_bids, n_wins=n_wins,
                n_alerts=alerts_per_company.get(cid, 0), risk_detail=detail, **prov,
            )

    fields = [*COMPANY_FIELDS, "risk_score", "n_bids", "n_wins", "n_alerts", "risk_detail", *PROVENANCE]
    return _upsert(Company, objs(), "company_id", fields)


def _write_projects(eng: Engine, prov: dict[str, Any]) -> dict[str, tuple[str, str]]:
    meta: dict[str, tuple[str, str]] = {}
    objs = []
    for pid, values in project_rows(eng):
        meta[pid] = (values["sector"], values["region_code"])
        objs.append(Project(project_id=pid, **values, **prov))
    _upsert(Project, objs, "project_id", [*PROJECT_FIELDS, *PROVENANCE])
    return meta


def _write_tenders(
    eng: Engine, result: Any, projects: dict[str, tuple[str, str]], prov: dict[str, Any]
) -> tuple[set[str], dict[str, tuple[str, str, dt.date | None]]]:
    risk = {str(r.get("tender_id")): r for r in _frame_records(getattr(result, "tenders", None))}
    n_bids = reads.bids_per_tender(eng)
    dates = tender_dates(eng)
    ids: set[str] = set()
    meta: dict[str, tuple[str, str, dt.date | None]] = {}

    def objs() -> Iterator[Tender]:
        for tid, values in tender_rows(eng, projects):
            rr = risk.get(tid, {})
            top = rr.get("top_indicators")
            if isinstance(top, (list, tuple)):
                top = ";".join(map(str, top))
            ids.add(tid)
            meta[tid] = (values["sector"], values["region_code"], dates.get(tid))
            yield Tender(
                tender_id=tid, **values, n_bids=n_bids.get(tid, 0), risk_score=_float(rr.get("risk_score")),
                risk_level=_s(rr.get("risk_level"), 20), n_alerts=_int(rr.get("n_alerts")) or 0,
                n_high=_int(rr.get("n_high")) or 0, top_indicators=_s(top, 500), explanation=_s(rr.get("explanation")),
                **prov,
            )

    fields = [f.removesuffix("_id") if f in {"project_id", "tenderer_id", "winner_id"} else f for f in TENDER_FIELDS]
    fields += ["n_bids", "risk_score", "risk_level", "n_alerts", "n_high", "top_indicators", "explanation", *PROVENANCE]
    _upsert(Tender, objs(), "tender_id", fields)
    return ids, meta


def _write_bids(eng: Engine, tender_ids: set[str], prov: dict[str, Any]) -> tuple[int, int]:
    """The dataset's bids replace those of its tenders (bids withdrawn from a corrected extract go
    away). Returns (bids written, bids of these tenders removed)."""
    keys = bid_keys(eng)
    retired = 0
    for chunk in _batched(sorted(tender_ids), 900):
        gone = [b for b in Bid.objects.filter(tender_id__in=chunk).values_list("bid_id", flat=True) if b not in keys]
        retired += len(gone)
        Bid.objects.filter(tender_id__in=chunk).delete()
    fields = [f.removesuffix("_id") if f in {"tender_id", "company_id"} else f for f in BID_FIELDS] + PROVENANCE
    return _upsert(Bid, (Bid(bid_id=bid, **values, **prov) for bid, values in bid_rows(eng)), "bid_id", fields), retired


def _write_sanctions(eng: Engine, skip: set[str], prov: dict[str, Any]) -> int:
    objs = (Sanction(sanction_id=sid, **values, **prov) for sid, values in sanction_rows(eng, skip))
    return _upsert(Sanction, objs, "sanction_id", [*SANCTION_FIELDS, *PROVENANCE])


def _write_links(eng: Engine, tender_ids: set[str]) -> int:
    for chunk in _batched(sorted(tender_ids), 900):
        BidderLink.objects.filter(tender_id__in=chunk).delete()
    n = 0
    for rows in _batched(reads.bidder_links(eng, BATCH)):
        BidderLink.objects.bulk_create(
            [
                BidderLink(tender_id=str(t), company_a_id=str(a), company_b_id=str(b), kind=k, attribute=attr,
                           value=mask(v, attr)[:200])
                for t, a, b, k, attr, v in rows
                if str(t) in tender_ids
            ],
            batch_size=BATCH,
        )
        n += len(rows)
    return n


def _evidence(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return value
    text = _s(value)
    if not text:
        return {}
    try:
        return json.loads(text)
    except ValueError:
        return {"text": text}


#: the dates a contract-level alert's evidence carries, in order of preference (contract_splitting's
#: first contract, untendered_contract's contract): its date on the dashboard's trend and in filters
_EVIDENCE_DATES = ("first_signed", "signed_on")


def _evidence_date(evidence: Any) -> dt.date | None:
    if not isinstance(evidence, dict):
        return None
    for key in _EVIDENCE_DATES:
        try:
            return dt.date.fromisoformat(str(evidence[key])[:10])
        except (KeyError, ValueError):
            continue
    return None


def alert_key(indicator: str, tender_id: str, project_id: str, companies: Iterable[str]) -> str:
    """The web's key of an alert: indicator, tender (or project) and the companies named.

    The scan numbers its alerts by rank (``A0000001`` ...): the numbers shift whenever one alert comes
    or goes and repeat in every dataset, so keying by them would move a confirmed status onto another
    alert after a re-scan, or let a second dataset overwrite the first one's alerts.
    """
    group = hashlib.blake2b(";".join(sorted(set(companies))).encode(), digest_size=5).hexdigest()
    return _fit_key(f"{indicator}:{tender_id or project_id or '-'}:{group}")


#: the length of an alert's key (``Alert.alert_id``)
KEY_LENGTH = _max(Alert, "alert_id")


def _fit_key(key: str) -> str:
    """``key`` as it is where it fits; else its start and a digest of the whole. A tender id of up to 255
    characters makes a longer key, and cutting it would merge the alerts of one tender on different
    companies."""
    if len(key) <= KEY_LENGTH:
        return key
    digest = hashlib.blake2b(key.encode(), digest_size=8).hexdigest()
    return f"{key[:KEY_LENGTH - len(digest) - 1]}~{digest}"


def _keyed_alerts(records: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """Each record with its :func:`alert_key`; alerts sharing one (same indicator, tender and
    companies, other evidence) are told apart by a digest of their evidence."""
    keyed = []
    for r in records:
        tid, pid = _s(r.get("tender_id")), _s(r.get("project_id"))
        keyed.append((alert_key(_s(r.get("indicator"), 80), tid, pid, _company_list(r.get("company_ids"))), r))
    counts: dict[str, int] = defaultdict(int)
    for key, _r in keyed:
        counts[key] += 1
    out = []
    for key, r in keyed:
        if counts[key] > 1:
            ev = _evidence(r.get("evidence"))
            key = f"{key}:{hashlib.blake2b(json.dumps(ev, sort_keys=True, ensure_ascii=False).encode(), digest_size=4).hexdigest()}"
        out.append((_fit_key(key), r))
    return out


def _write_alerts(
    result: Any, tender_ids: set[str], tender_meta: dict[str, tuple[str, str, dt.date | None]],
    projects: dict[str, tuple[str, str]],
) -> tuple[int, int]:
    """Upsert the scan's alerts; return (alerts written, active alerts of these tenders and projects
    that the scan did not find again and that turned inactive)."""
    records = _frame_records(getattr(result, "alerts", None))
    departments = {
        a.sector: a for a in Agency.objects.filter(kind=Agency.Kind.DEPARTMENT).exclude(sector="").order_by("-id")
    }
    office = Agency.objects.filter(kind=Agency.Kind.OFFICE).first()
    known_companies = set(Company.objects.values_list("company_id", flat=True)) if records else set()
    objs: list[Alert] = []
    links: list[tuple[str, str]] = []
    seen: set[str] = set()
    for aid, r in _keyed_alerts(records):
        if aid in seen:
            continue
        seen.add(aid)
        tid = _s(r.get("tender_id"))
        pid = _id(r.get("project_id"), "alerts", "project_id", _max(Alert, "project_id"))
        if tid in tender_meta:
            sector, region, when = tender_meta[tid]
        else:  # a project's alert (e.g. contract splitting): the project's sector and district
            sector, region = projects.get(pid, (Sector.OTHER, ""))
            when = _evidence_date(_evidence(r.get("evidence")))
        severity = _s(r.get("severity")).lower()
        companies = _company_list(r.get("company_ids"))
        objs.append(Alert(
            alert_id=aid, indicator=_s(r.get("indicator"), 80), name_zh=_s(r.get("name_zh"), 200) or _s(r.get("indicator")),
            family=_s(r.get("family"), 40), severity=severity if severity in SEVERITIES else "low",
            tender_id=tid if tid in tender_ids else None, project_id=pid,
            company_ids=";".join(companies), score=_float(r.get("score")) or 0.0,
            legal_basis=_s(r.get("legal_basis"), 500), evidence=_evidence(r.get("evidence")), message=_s(r.get("message")),
            sector=sector, region_code=region, detected_on=when,
            department=departments.get(sector, office), active=True,
        ))
        links.extend((aid, c) for c in companies if c in known_companies)
    fields = ["indicator", "name_zh", "family", "severity", "tender", "project_id", "company_ids", "score",
              "legal_basis", "evidence", "message", "sector", "region_code", "detected_on", "department", "active",
              "last_seen"]
    # Alerts of these tenders that this scan does not find again are kept, but inactive: deactivate
    # them all first, the upsert below switches the found ones back on (same transaction). Alerts found on
    # uploaded bid files are not the scan's to retire.
    was_active: set[str] = set()
    for chunk in _batched(sorted(tender_ids), 900):
        found = scan_alerts().filter(tender_id__in=chunk, active=True)
        was_active.update(found.values_list("alert_id", flat=True))
        found.update(active=False)
    for chunk in _batched(sorted(projects), 900):  # the projects' own alerts (no tender)
        found = scan_alerts().filter(tender=None, project_id__in=chunk, active=True)
        was_active.update(found.values_list("alert_id", flat=True))
        found.update(active=False)
    _upsert(Alert, objs, "alert_id", fields)
    through = Alert.companies.through
    ids = sorted(seen)
    for chunk in _batched(ids, 900):
        through.objects.filter(alert_id__in=chunk).delete()
    for chunk in _batched(links):
        through.objects.bulk_create([through(alert_id=a, company_id=c) for a, c in chunk], ignore_conflicts=True)
    return len(objs), len(was_active - seen)
