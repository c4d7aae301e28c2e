"""OCDS compiled releases -> bidwatch's contract tables (see shared/data-contract.md).

``read_ocds_tables(path)`` returns ``({table: DataFrame}, problems)`` with the English column names
of the data contract:

- ``companies`` from ``parties`` and every organization reference (buyer, procuring entity,
  tenderers, suppliers): identifiers (``uscc`` when the identifier is a valid 统一社会信用代码),
  address, contact point;
- ``projects``: one per contracting process (``project_id`` = ocid);
- ``tenders``: one per contracting process (``tender_id`` = ocid), or one per lot
  (``tender_id`` = ``{ocid}/{lot id}``) when ``tender/lots`` is set; periods, method, values,
  winner and award value, contract signature date;
- ``bids``: every submitted bid (invited bids are not bids); a consortium bid has its first
  tenderer as ``company_id`` and the others, ``;``-separated, in ``consortium_members``; a bid
  with ``relatedLots`` goes to each of those lots, a bid without them to every lot;
- ``contracts``: every contract, with its award's supplier and lots;
- ``awards`` and ``items`` (item classifications of the tender, awards and contracts): extra
  tables, kept for analysts.

Columns beyond the contract (``ocid``, ``currency``, ``ocds_status``, ...) are extra columns, which
the contract allows. Amounts are not converted between currencies (``currency`` says which).
Dates are local dates in Asia/Shanghai (UTC+8) of the OCDS date-times; timestamps keep their
ISO-8601 text.

Problems carry the line number; a release that cannot be read is skipped, a field of the wrong
type is ignored and reported.
"""

from __future__ import annotations

import re
from datetime import UTC
from pathlib import Path

from bidwatch.ocds.reader import Problem, iter_releases, type_name

COLUMNS = {
    "companies": ["company_id", "name", "uscc", "legal_rep", "phone", "email", "address", "region_code",
                  "identifier_scheme", "identifier_id", "contact_name", "country", "roles"],
    "projects": ["project_id", "name", "owner_id", "owner_name", "sector", "estimated_amount", "currency"],
    "tenders": ["tender_id", "project_id", "title", "category", "procedure", "tenderer_id", "agency",
                "ceiling_price", "estimate", "announced_on", "bid_deadline", "awarded_on", "winner_id",
                "award_price", "contract_signed_on", "ocid", "lot_id", "status", "procurement_method",
                "procurement_method_details", "number_of_tenderers", "tender_start", "currency",
                "winner_consortium_members"],
    "bids": ["bid_id", "tender_id", "company_id", "price", "submitted_at", "status", "consortium_members",
             "ocds_status", "currency", "ocid", "ocds_bid_id"],
    "contracts": ["contract_id", "project_id", "tender_id", "buyer_id", "supplier_id", "category",
                  "procedure", "amount", "signed_on", "subject", "consortium_members", "award_id", "status",
                  "currency", "ocid"],
    "awards": ["award_id", "tender_id", "ocid", "status", "supplier_id", "consortium_members", "amount",
               "currency", "date"],
    "items": ["tender_id", "ocid", "source", "source_id", "item_id", "scheme", "classification_id",
              "description", "quantity", "unit"],
}

_BID_STATUS = {"valid": "valid", "pending": "valid", "disqualified": "disqualified", "withdrawn": "withdrawn"}
_METHOD = {"open": "open", "selective": "invited", "limited": "negotiated", "direct": "direct"}
_DETAILS = (("单一来源", "single_source"), ("询价", "inquiry"), ("竞争性谈判", "negotiated"),
            ("竞争性磋商", "negotiated"), ("邀请招标", "invited"), ("直接发包", "direct"), ("公开招标", "open"))
_CATEGORY = {"works": "works", "goods": "goods", "services": "services"}
_USCC_SCHEMES = {"CN-USCC", "CN-SAMR", "CN-SAIC", "CN-USCI"}
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_RE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}\Z")
_DATETIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?"
                       r"(?:([Zz])|([+-])(\d{2}):?(\d{2}))?)?\Z", re.ASCII)


def uscc_valid(code: str) -> bool:
    """统一社会信用代码 check digit (GB 32100-2015)."""
    if not isinstance(code, str) or not _USCC_RE.match(code):
        return False
    total = sum(_USCC_CHARS.index(ch) * w for ch, w in zip(code[:17], _USCC_WEIGHTS))
    check = (31 - total % 31) % 31
    return _USCC_CHARS[check] == code[17]


def local_date(value) -> str | None:
    """The Asia/Shanghai (UTC+8) date of an ISO-8601 date-time; a date without offset is kept."""
    if not isinstance(value, str):
        return None
    m = _DATETIME.match(value.strip())
    if not m:
        return None
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    from datetime import date, datetime, timedelta, timezone

    try:
        if m.group(4) is None or (m.group(7) is None and m.group(8) is None):
            return date(y, mo, d).isoformat()
        if m.group(7):
            tz = UTC
        else:
            minutes = int(m.group(9)) * 60 + int(m.group(10))
            tz = timezone(timedelta(minutes=minutes if m.group(8) == "+" else -minutes))
        dt = datetime(y, mo, d, int(m.group(4)), int(m.group(5)), min(int(m.group(6) or 0), 59), tzinfo=tz)
    except ValueError:
        return None
    return (dt.astimezone(timezone(timedelta(hours=8)))).date().isoformat()


class _Reader:
    """Typed access to a release's fields; wrong types become problems (field ignored)."""

    def __init__(self, no: int, problems: list[Problem]):
        self.no = no
        self.problems = problems

    def obj(self, parent, key: str, path: str) -> dict | None:
        v = parent.get(key) if isinstance(parent, dict) else None
        if v is None or isinstance(v, dict):
            return v
        self.problems.append(Problem(self.no, f"{path} is {type_name(v)}, expected object", skipped=False))
        return None

    def arr(self, parent, key: str, path: str) -> list:
        v = parent.get(key) if isinstance(parent, dict) else None
        if v is None:
            return []
        if isinstance(v, list):
            return v
        self.problems.append(Problem(self.no, f"{path} is {type_name(v)}, expected array", skipped=False))
        return []

    def text(self, parent, key: str, path: str) -> str | None:
        v = parent.get(key) if isinstance(parent, dict) else None
        if v is None or isinstance(v, str):
            return v
        if isinstance(v, (int, float)) and not isinstance(v, bool) and key == "id":
            return str(v)  # OCDS ids may be integers
        self.problems.append(Problem(self.no, f"{path} is {type_name(v)}, expected string", skipped=False))
        return None

    def number(self, parent, key: str, path: str) -> float | None:
        v = parent.get(key) if isinstance(parent, dict) else None
        if v is None:
            return None
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return float(v)
        self.problems.append(Problem(self.no, f"{path} is {type_name(v)}, expected number", skipped=False))
        return None

    def amount(self, parent, key: str, path: str) -> tuple[float | None, str | None]:
        value = self.obj(parent, key, path)
        if value is None:
            return None, None
        return self.number(value, "amount", f"{path}/amount"), self.text(value, "currency", f"{path}/currency")

    def ident(self, element, path: str) -> str | None:
        if not isinstance(element, dict):
            if element is not None:
                self.problems.append(Problem(self.no, f"{path} is {type_name(element)}, expected object",
                                             skipped=False))
            return None
        return self.text(element, "id", f"{path}/id")


def _join(values) -> str | None:
    values = [v for v in values if v]
    return ";".join(values) if values else None


def _procedure(method: str | None, details: str | None) -> str | None:
    if details:
        for word, code in _DETAILS:
            if word in details:
                return code
    return _METHOD.get(method) if method else None


class _Builder:
    def __init__(self) -> None:
        self.rows: dict[str, list[dict]] = {name: [] for name in COLUMNS}
        self.companies: dict[str, dict] = {}
        self.seen: dict[str, int] = {}

    def company(self, org, rd: _Reader, path: str, role: str | None = None) -> str | None:
        if not isinstance(org, dict):
            if org is not None:
                rd.problems.append(Problem(rd.no, f"{path} is {type_name(org)}, expected object", skipped=False))
            return None
        cid = rd.text(org, "id", f"{path}/id")
        if not cid:
            return None
        row = self.companies.get(cid)
        if row is None:
            row = self.companies[cid] = {"company_id": cid, "roles": set()}
        name = org.get("name")
        if isinstance(name, str) and name and not row.get("name"):
            row["name"] = name
        if role:
            row["roles"].add(role)
        return cid

    def party(self, party: dict, rd: _Reader, path: str) -> None:
        cid = self.company(party, rd, path)
        if cid is None:
            return
        row = self.companies[cid]
        for role in rd.arr(party, "roles", f"{path}/roles"):
            if isinstance(role, str):
                row["roles"].add(role)
        identifiers = []
        ident = rd.obj(party, "identifier", f"{path}/identifier")
        if ident:
            identifiers.append(ident)
        identifiers += [i for i in rd.arr(party, "additionalIdentifiers", f"{path}/additionalIdentifiers")
                        if isinstance(i, dict)]
        for i in identifiers:
            scheme, value = i.get("scheme"), i.get("id")
            value = str(value) if isinstance(value, (int, str)) and not isinstance(value, bool) else None
            if value and not row.get("identifier_id"):
                row["identifier_scheme"] = scheme if isinstance(scheme, str) else None
                row["identifier_id"] = value
            if value and not row.get("uscc") and (scheme in _USCC_SCHEMES or _USCC_RE.match(value)):
                if uscc_valid(value.upper()):
                    row["uscc"] = value.upper()
                elif scheme in _USCC_SCHEMES:
                    rd.problems.append(Problem(rd.no, f"{path}: identifier {value!r} is not a valid "
                                                      "统一社会信用代码 (check digit), uscc left empty",
                                               skipped=False))
        address = rd.obj(party, "address", f"{path}/address")
        if address and not row.get("address"):
            parts = [address.get(k) for k in ("countryName", "region", "locality", "streetAddress",
                                              "postalCode")]
            row["address"] = " ".join(p.strip() for p in parts if isinstance(p, str) and p.strip()) or None
            country = address.get("countryName")
            if isinstance(country, str):
                row["country"] = country
        contact = rd.obj(party, "contactPoint", f"{path}/contactPoint")
        if contact:
            for src, dst in (("telephone", "phone"), ("email", "email"), ("name", "contact_name")):
                v = contact.get(src)
                if isinstance(v, str) and v and not row.get(dst):
                    row[dst] = v

    def release(self, no: int, r: dict, problems: list[Problem]) -> None:
        ocid = r["ocid"]
        if ocid in self.seen:
            problems.append(Problem(no, f"ocid {ocid!r} already read on line {self.seen[ocid]}, "
                                        "release skipped"))
            return
        self.seen[ocid] = no
        rd = _Reader(no, problems)
        for i, party in enumerate(rd.arr(r, "parties", "/parties")):
            if isinstance(party, dict):
                self.party(party, rd, f"/parties[{i}]")
            else:
                problems.append(Problem(no, f"/parties[{i}] is {type_name(party)}, expected object",
                                        skipped=False))
        buyer_id = self.company(r.get("buyer"), rd, "/buyer", "buyer")
        tender = rd.obj(r, "tender", "/tender") or {}
        pe_id = self.company(tender.get("procuringEntity"), rd, "/tender/procuringEntity", "procuringEntity")
        buyer_name = self.companies[buyer_id].get("name") if buyer_id else None

        method = rd.text(tender, "procurementMethod", "/tender/procurementMethod")
        details = rd.text(tender, "procurementMethodDetails", "/tender/procurementMethodDetails")
        procedure = _procedure(method, details)
        category = _CATEGORY.get(rd.text(tender, "mainProcurementCategory", "/tender/mainProcurementCategory"))
        title = rd.text(tender, "title", "/tender/title")
        t_amount, t_currency = rd.amount(tender, "value", "/tender/value")
        period = rd.obj(tender, "tenderPeriod", "/tender/tenderPeriod") or {}
        start = rd.text(period, "startDate", "/tender/tenderPeriod/startDate")
        end = rd.text(period, "endDate", "/tender/tenderPeriod/endDate")
        planning = rd.obj(r, "planning", "/planning") or {}
        project_name = title or (planning.get("project") if isinstance(planning.get("project"), str) else None)
        if t_amount is None:
            budget = planning.get("budget") if isinstance(planning.get("budget"), dict) else {}
            t_amount, t_currency = rd.amount(budget, "amount", "/planning/budget/amount")

        self.rows["projects"].append({
            "project_id": ocid, "name": project_name or ocid, "owner_id": buyer_id, "owner_name": buyer_name,
            "estimated_amount": t_amount, "currency": t_currency,
        })

        # Lots -> one tender row each.
        lots = []
        for i, lot in enumerate(rd.arr(tender, "lots", "/tender/lots")):
            lot_id = rd.ident(lot, f"/tender/lots[{i}]")
            if lot_id:
                lots.append((lot_id, lot))
        lot_ids = [lot_id for lot_id, _ in lots]

        def tender_ids(element, path: str) -> list[str]:
            if not lots:
                return [ocid]
            related = [str(x) for x in rd.arr(element, "relatedLots", f"{path}/relatedLots")
                       if isinstance(x, (str, int)) and not isinstance(x, bool)]
            related = [x for x in related if x in lot_ids]
            return [f"{ocid}/{x}" for x in (related or lot_ids)]

        tender_rows: dict[str, dict] = {}
        status = rd.text(tender, "status", "/tender/status")
        n_tenderers = tender.get("numberOfTenderers")
        base = {
            "project_id": ocid, "category": category, "procedure": procedure, "tenderer_id": buyer_id or pe_id,
            "agency": pe_id if pe_id and pe_id != buyer_id else None, "ceiling_price": None,
            "announced_on": local_date(start), "bid_deadline": end, "ocid": ocid, "status": status,
            "procurement_method": method, "procurement_method_details": details,
            "number_of_tenderers": n_tenderers if type(n_tenderers) is int else None,
            "tender_start": start, "awarded_on": None, "winner_id": None, "award_price": None,
            "contract_signed_on": None, "winner_consortium_members": None,
        }
        if lots:
            for lot_id, lot in lots:
                amount, currency = rd.amount(lot, "value", f"/tender/lots[{lot_id}]/value")
                lot_title = lot.get("title") if isinstance(lot.get("title"), str) else None
                tid = f"{ocid}/{lot_id}"
                tender_rows[tid] = {**base, "tender_id": tid, "lot_id": lot_id,
                                    "title": " / ".join(x for x in (title, lot_title) if x) or None,
                                    "estimate": amount, "currency": currency or t_currency}
        else:
            tender_rows[ocid] = {**base, "tender_id": ocid, "lot_id": None, "title": title,
                                 "estimate": t_amount, "currency": t_currency}

        for i, item in enumerate(rd.arr(tender, "items", "/tender/items")):
            self.item(item, tender_ids(item, f"/tender/items[{i}]") if lots else [ocid], ocid, "tender",
                      None, rd, f"/tender/items[{i}]")

        # Bids.
        bids = rd.obj(r, "bids", "/bids") or {}
        for i, bid in enumerate(rd.arr(bids, "details", "/bids/details")):
            path = f"/bids/details[{i}]"
            if not isinstance(bid, dict):
                problems.append(Problem(no, f"{path} is {type_name(bid)}, expected object", skipped=False))
                continue
            ocds_status = rd.text(bid, "status", f"{path}/status")
            members = [self.company(t, rd, f"{path}/tenderers[{k}]",
                                    "invited" if ocds_status == "invited" else "tenderer")
                       for k, t in enumerate(rd.arr(bid, "tenderers", f"{path}/tenderers"))]
            members = [m for m in members if m]
            if ocds_status == "invited":
                continue  # invited, never submitted: a company, not a bid
            if not members:
                problems.append(Problem(no, f"{path} has no tenderer id, bid skipped", skipped=False))
                continue
            amount, currency = rd.amount(bid, "value", f"{path}/value")
            bid_key = rd.text(bid, "id", f"{path}/id") or str(i + 1)
            for tid in tender_ids(bid, path):
                self.rows["bids"].append({
                    "bid_id": f"{tid}/{bid_key}", "tender_id": tid, "company_id": members[0], "price": amount,
                    "submitted_at": rd.text(bid, "date", f"{path}/date"),
                    "status": _BID_STATUS.get(ocds_status or "valid", "valid"),
                    "consortium_members": _join(members[1:]), "ocds_status": ocds_status, "currency": currency,
                    "ocid": ocid, "ocds_bid_id": bid_key,
                })

        # Awards.
        award_lots: dict[str, list[str]] = {}
        award_suppliers: dict[str, list[str]] = {}
        for i, award in enumerate(rd.arr(r, "awards", "/awards")):
            path = f"/awards[{i}]"
            if not isinstance(award, dict):
                problems.append(Problem(no, f"{path} is {type_name(award)}, expected object", skipped=False))
                continue
            award_id = rd.text(award, "id", f"{path}/id") or str(i + 1)
            suppliers = [self.company(s, rd, f"{path}/suppliers[{k}]", "supplier")
                         for k, s in enumerate(rd.arr(award, "suppliers", f"{path}/suppliers"))]
            suppliers = [s for s in suppliers if s]
            amount, currency = rd.amount(award, "value", f"{path}/value")
            a_status = rd.text(award, "status", f"{path}/status")
            a_date = rd.text(award, "date", f"{path}/date")
            tids = tender_ids(award, path)
            award_lots[award_id] = tids
            award_suppliers[award_id] = suppliers
            for tid in tids:
                self.rows["awards"].append({
                    "award_id": f"{ocid}/{award_id}", "tender_id": tid, "ocid": ocid, "status": a_status,
                    "supplier_id": suppliers[0] if suppliers else None,
                    "consortium_members": _join(suppliers[1:]), "amount": amount, "currency": currency,
                    "date": a_date,
                })
                row = tender_rows.get(tid)
                if row is not None and a_status == "active" and suppliers and row["winner_id"] is None:
                    row["winner_id"] = suppliers[0]
                    row["winner_consortium_members"] = _join(suppliers[1:])
                    row["award_price"] = amount
                    row["awarded_on"] = local_date(a_date)
            for k, item in enumerate(rd.arr(award, "items", f"{path}/items")):
                self.item(item, tids, ocid, "award", award_id, rd, f"{path}/items[{k}]")

        # Contracts.
        for i, contract in enumerate(rd.arr(r, "contracts", "/contracts")):
            path = f"/contracts[{i}]"
            if not isinstance(contract, dict):
                problems.append(Problem(no, f"{path} is {type_name(contract)}, expected object", skipped=False))
                continue
            contract_id = rd.text(contract, "id", f"{path}/id") or str(i + 1)
            award_id = contract.get("awardID")
            award_id = str(award_id) if isinstance(award_id, (str, int)) and not isinstance(award_id, bool) else None
            tids = award_lots.get(award_id) if award_id else None
            suppliers = award_suppliers.get(award_id, []) if award_id else []
            amount, currency = rd.amount(contract, "value", f"{path}/value")
            signed = local_date(rd.text(contract, "dateSigned", f"{path}/dateSigned"))
            for tid in tids or [None]:
                row = tender_rows.get(tid) if tid else None
                if row is not None and row["contract_signed_on"] is None:
                    row["contract_signed_on"] = signed
            self.rows["contracts"].append({
                "contract_id": f"{ocid}/{contract_id}", "project_id": ocid,
                "tender_id": (tids[0] if tids else (ocid if not lots else None)), "buyer_id": buyer_id,
                "supplier_id": suppliers[0] if suppliers else None, "category": category,
                "procedure": procedure, "amount": amount, "signed_on": signed,
                "subject": next((v for v in (contract.get("title"), contract.get("description"))
                                 if isinstance(v, str) and v), None),
                "consortium_members": _join(suppliers[1:]), "award_id": f"{ocid}/{award_id}" if award_id else None,
                "status": rd.text(contract, "status", f"{path}/status"), "currency": currency, "ocid": ocid,
            })
            for k, item in enumerate(rd.arr(contract, "items", f"{path}/items")):
                self.item(item, tids or [ocid], ocid, "contract", contract_id, rd, f"{path}/items[{k}]")

        self.rows["tenders"].extend(tender_rows.values())

    def add(self, no: int, release: dict, problems: list[Problem]) -> None:
        """Convert one release; its rows are kept only if the whole release converts."""
        kept = self.rows
        self.rows = {name: [] for name in COLUMNS}
        try:
            self.release(no, release, problems)
        except Exception as e:  # noqa: BLE001 - one odd release must not stop the conversion
            problems.append(Problem(no, f"release could not be converted ({type(e).__name__}: {e}), skipped"))
            self.seen.pop(release.get("ocid"), None)
            new = None
        else:
            new = self.rows
        finally:
            self.rows = kept
        if new:
            for name, rows in new.items():
                kept[name].extend(rows)

    def item(self, item, tids: list[str], ocid: str, source: str, source_id, rd: _Reader, path: str) -> None:
        if not isinstance(item, dict):
            if item is not None:
                rd.problems.append(Problem(rd.no, f"{path} is {type_name(item)}, expected object", skipped=False))
            return
        classification = rd.obj(item, "classification", f"{path}/classification") or {}
        unit = item.get("unit") if isinstance(item.get("unit"), dict) else {}
        for tid in tids:
            self.rows["items"].append({
                "tender_id": tid, "ocid": ocid, "source": source, "source_id": source_id,
                "item_id": rd.text(item, "id", f"{path}/id"),
                "scheme": classification.get("scheme") if isinstance(classification.get("scheme"), str) else None,
                "classification_id": rd.text(classification, "id", f"{path}/classification/id"),
                "description": item.get("description") if isinstance(item.get("description"), str) else None,
                "quantity": rd.number(item, "quantity", f"{path}/quantity"),
                "unit": unit.get("name") if isinstance(unit.get("name"), str) else None,
            })

    def frames(self):
        import pandas as pd

        companies = []
        for row in self.companies.values():
            row = dict(row)
            row["roles"] = _join(sorted(row["roles"]))
            row.setdefault("name", row["company_id"])
            if not row["name"]:
                row["name"] = row["company_id"]
            companies.append(row)
        tables = {"companies": pd.DataFrame(companies, columns=COLUMNS["companies"])}
        for name in ("projects", "tenders", "bids", "contracts", "awards", "items"):
            tables[name] = pd.DataFrame(self.rows[name], columns=COLUMNS[name])
        for name, df in tables.items():
            for col in df.columns:
                if col in ("price", "amount", "estimate", "estimated_amount", "award_price", "ceiling_price",
                           "quantity"):
                    tables[name][col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
                elif col == "number_of_tenderers":
                    tables[name][col] = df[col].astype("Int64")
                else:
                    tables[name][col] = df[col].astype("object")
        return tables


def read_ocds_tables(path: str | Path) -> tuple[dict, list[Problem]]:
    """Read an OCDS file (JSON lines of compiled releases / release packages / record packages, or
    one package document) into the contract tables. Returns ``(tables, problems)``; every problem
    has the line number (``problem.line``) and a message, and bad lines never stop the read."""
    problems: list[Problem] = []
    builder = _Builder()
    for no, release in iter_releases(path, problems):
        builder.add(no, release, problems)
    return builder.frames(), problems


def write_tables(tables: dict, out_dir: str | Path) -> list[Path]:
    """Write the tables as ``<table>.csv`` (UTF-8) into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, df in tables.items():
        path = out / f"{name}.csv"
        df.to_csv(path, index=False, encoding="utf-8")
        written.append(path)
    return written
