"""OCDS compiled releases -> bidwatch's contract tables (see shared/data-contract.md).

``read_ocds_tables(path)`` returns ``({table: DataFrame}, problems)`` with the English column names
of the data contract:

- ``companies`` from ``parties`` and every organization reference (buyer, procuring entity,
  tenderers, suppliers): identifiers (``uscc`` when the identifier is a valid 统一社会信用代码),
  address, contact point;
- ``projects``: one per contracting process (``project_id`` = ocid);
- ``tenders``: one per contracting process (``tender_id`` = ocid), or one per lot
  (``tender_id`` = ``{ocid}/{lot id}``) when ``tender/lots`` is set; periods, method, values,
  award method (``award_method`` from ``awardCriteria``: ``priceOnly`` / ``lowestCost`` are ``lowest_price``),
  winner and award value, contract signature date;
- ``bids``: every submitted bid (invited bids are not bids); a consortium bid has its first
  tenderer as ``company_id`` and the others, ``;``-separated, in ``consortium_members``; a bid
  with ``relatedLots`` goes to each of those lots, a bid without them to every lot;
- ``contracts``: every contract, with its award's supplier and lots; an award or contract repeated in a release
  with the same values (Colombia's SECOP publishes them two or three times) is one;
- ``awards`` and ``items`` (item classifications of the tender, awards and contracts): extra
  tables, kept for analysts.

Columns beyond the contract (``ocid``, ``currency``, ``ocds_status``, ...) are extra columns, which
the contract allows. Amounts are not converted between currencies (``currency`` says which).
Dates are judged in the publisher's time zone (``timezone``, default Asia/Shanghai; see ``local_date``
for the rule on offsets and date-only values); timestamps are naive local times in that zone.

The releases of one ocid are compiled with ``ocdsmerge`` first (``reader.iter_compiled``).
Organisation references are resolved by ``id``, else by ``identifier`` (scheme + id: the party with
that identifier, else ``{scheme}-{id}``), else by name; a procuring entity whose ``id`` names no party and is the
buyer's identifier (or whose identifier is the buyer's) is the buyer. ``tenders.bid_list`` is ``all`` where the
release gives its bids and none was dropped, ``none`` otherwise (``numberOfTenderers`` alone is kept in
``number_of_tenderers``).

Problems carry the line number, the ocid and the JSON path; a release that cannot be read is skipped,
a field of the wrong type is ignored, a row the contract would refuse (a bid without tenderer or
price, a contract without buyer, supplier, amount or signing date) is dropped, a negative estimate and an award
or signing date later than the release that reports it are cleared (a signing date the release states again as its
contract's period start is kept: Moldova dates a release by its tender), an object where the standard has an array
is repaired — each reported. How far a release reports is its ``date`` or a later day its documents, or the package
or record that holds it, were published on or its contracts' payments and milestones show (``reported_until``). An
award without a status — or with an empty one, or a text of no status code (a code in another case is that code) —
is active where a contract not cancelled names it (repaired), else not the winner (listed); a copy of an active award
under another status is not a second award (listed). A
second active award of a tender to its winner adds to the award price; one to another firm is listed. A tender
without a currency of its own takes its award's (the jurisdiction is judged by it: ``bidwatch.scan.jurisdiction``).
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

from bidwatch.ocds.reader import Problem, ReadStats, iter_compiled, type_name

COLUMNS = {
    "companies": ["company_id", "name", "uscc", "legal_rep", "phone", "email", "address", "region_code",
                  "identifier_scheme", "identifier_id", "contact_name", "country", "roles"],
    "projects": ["project_id", "name", "owner_id", "owner_name", "sector", "estimated_amount", "currency"],
    "tenders": ["tender_id", "project_id", "title", "category", "procedure", "tenderer_id", "agency",
                "ceiling_price", "estimate", "announced_on", "bid_deadline", "award_method", "awarded_on", "winner_id",
                "award_price", "contract_signed_on", "ocid", "lot_id", "status", "procurement_method",
                "procurement_method_details", "number_of_tenderers", "tender_start", "currency",
                "winner_consortium_members", "bid_list"],
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
#: ``tender.awardCriteria`` (compared without case) -> the contract's ``award_method`` (评标办法): the lowest price wins
#: (1.1 ``priceOnly``, 1.0 ``lowestCost``: 经评审的最低投标价法); price and other criteria scored (1.1 ``ratedCriteria``,
#: 1.0 ``bestValueToGovernment``, which Mexico's GACM writes ``bestValueToGoverment``: 综合评估法); quality alone, or a
#: cost that is not the bid price (``costOnly``: life-cycle cost), is another method. 1.0's ``bestProposal`` (by the
#: criteria the tender states) and ``singleBidOnly``, and a publisher's own words, say no method: left empty.
_AWARD_METHOD = {"priceonly": "lowest_price", "lowestcost": "lowest_price", "ratedcriteria": "comprehensive",
                 "bestvaluetogovernment": "comprehensive", "bestvaluetogoverment": "comprehensive",
                 "qualityonly": "other", "costonly": "other"}
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


DEFAULT_TIMEZONE = "Asia/Shanghai"


def zone(name: str | None):
    """The ``ZoneInfo`` of an IANA time-zone name (``Asia/Shanghai``, ``America/Mexico_City``); a
    ValueError naming the value when it is not one."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = name or DEFAULT_TIMEZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise ValueError(f"未知时区 / unknown time zone {name!r}: expected an IANA name such as "
                         "Asia/Shanghai or America/Mexico_City") from e


#: Name of the time-zone setting that asks for the publisher's zone to be inferred from the file (the default).
AUTO_TIMEZONE = "auto"
#: Where a currency is the money of one country that keeps (nearly) one civil time, that time: the publishers of
#: ../shared/real-ocds write their amounts in it. Currencies of several zones or countries (USD, EUR, CAD, AUD, BRL,
#: RUB, IDR...) are not here: a guess among their zones could move a date by a day, so they keep the default.
CURRENCY_ZONES = {
    "CNY": "Asia/Shanghai", "HKD": "Asia/Hong_Kong", "MOP": "Asia/Macau", "TWD": "Asia/Taipei",
    "JPY": "Asia/Tokyo", "KRW": "Asia/Seoul", "PHP": "Asia/Manila", "THB": "Asia/Bangkok", "VND": "Asia/Ho_Chi_Minh",
    "INR": "Asia/Kolkata", "NPR": "Asia/Kathmandu", "BDT": "Asia/Dhaka", "AFN": "Asia/Kabul", "AMD": "Asia/Yerevan",
    "GEL": "Asia/Tbilisi", "KGS": "Asia/Bishkek", "MDL": "Europe/Chisinau", "UAH": "Europe/Kyiv",
    "GBP": "Europe/London", "NGN": "Africa/Lagos", "KES": "Africa/Nairobi", "UGX": "Africa/Kampala",
    "TZS": "Africa/Dar_es_Salaam", "ZMW": "Africa/Lusaka", "MWK": "Africa/Blantyre",
    "MXN": "America/Mexico_City", "GTQ": "America/Guatemala", "HNL": "America/Tegucigalpa",
    "CRC": "America/Costa_Rica", "PAB": "America/Panama", "DOP": "America/Santo_Domingo",
    "COP": "America/Bogota", "PEN": "America/Lima", "PYG": "America/Asuncion", "UYU": "America/Montevideo",
    "CLP": "America/Santiago", "ARS": "America/Argentina/Buenos_Aires", "BOB": "America/La_Paz",
    "TND": "Africa/Tunis", "MAD": "Africa/Casablanca", "DZD": "Africa/Algiers", "EGP": "Africa/Cairo",
    "GHS": "Africa/Accra", "RWF": "Africa/Kigali", "ETB": "Africa/Addis_Ababa", "SLE": "Africa/Freetown",
    "LRD": "Africa/Monrovia", "MYR": "Asia/Kuala_Lumpur", "SGD": "Asia/Singapore", "LKR": "Asia/Colombo",
    "PKR": "Asia/Karachi", "AZN": "Asia/Baku", "UZS": "Asia/Tashkent", "TJS": "Asia/Dushanbe", "NZD": "Pacific/Auckland",
    "ALL": "Europe/Tirane", "MKD": "Europe/Skopje", "RSD": "Europe/Belgrade", "BAM": "Europe/Sarajevo",
    "PLN": "Europe/Warsaw", "CZK": "Europe/Prague", "HUF": "Europe/Budapest", "RON": "Europe/Bucharest",
    "BGN": "Europe/Sofia", "SEK": "Europe/Stockholm", "NOK": "Europe/Oslo", "CHF": "Europe/Zurich",
}
_SNIFF_BYTES = 4 << 20
_CURRENCY = re.compile(rb'"currency"\s*:\s*"([A-Za-z]{3})"')
_OFFSET = re.compile(rb'"\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?([Zz]|[+-]\d\d:?\d\d)"')


def infer_timezone(path: str | Path) -> tuple[str, str] | None:
    """The publisher's zone read from the file's first 4 MB: ``(IANA name, why)``, or None (keep the default).

    The zone matters only for UTC (``Z``) timestamps: a date written with its own offset is taken as written. So it
    is inferred from the money: the currency of at least 90 % of the amounts in currencies of one zone
    (:data:`CURRENCY_ZONES`; USD and EUR are not) and of a third of all (Jalisco's MXN: America/Mexico_City, where
    an award at ``2017-05-17T03:31:32Z`` was made on 16 May, the day its contract was signed). Standard input cannot
    be read twice: never inferred."""
    from collections import Counter

    if str(path) == "-":
        return None
    try:
        if str(path).endswith(".gz"):
            import gzip

            with gzip.open(path, "rb") as f:
                head = f.read(_SNIFF_BYTES)
        else:
            with open(path, "rb") as f:
                head = f.read(_SNIFF_BYTES)
    except (OSError, EOFError):
        return None
    currencies = Counter(m.upper() for m in _CURRENCY.findall(head))
    if not currencies:
        return None
    total = sum(currencies.values())
    # a currency of several zones (USD, EUR: Mexico City pays its software licences in dollars) says nothing of the
    # publisher's zone: the share is taken among the amounts in currencies of one zone, which must be a third at least
    zoned = Counter({c: n for c, n in currencies.items() if c.decode("ascii") in CURRENCY_ZONES})
    if not zoned:
        return None
    (code, n), in_zoned = zoned.most_common(1)[0], sum(zoned.values())
    if n < 0.9 * in_zoned or 3 * n < total:
        return None
    others = "" if n == total else (f"; the other {total - n} in " + ", ".join(
        sorted(c.decode("ascii") for c in currencies if c != code)))
    return CURRENCY_ZONES[code.decode("ascii")], f"currency {code.decode('ascii')} ({n} of {total} amounts{others})"


def resolve_timezone(path: str | Path, timezone: str | None) -> tuple[str, str]:
    """The zone the dates of ``path`` are judged in and why: a named zone as given; ``auto`` or nothing inferred by
    :func:`infer_timezone`, else the default (Asia/Shanghai)."""
    if timezone and timezone.strip().lower() != AUTO_TIMEZONE:
        return timezone, "given"
    inferred = infer_timezone(path)
    if inferred is not None:
        return inferred[0], f"inferred from the {inferred[1]}"
    return DEFAULT_TIMEZONE, "default: not inferable from the file"


def local_date(value, tz=None) -> str | None:
    """The date, in the publisher's time zone ``tz`` (default Asia/Shanghai), of an OCDS date-time.

    - ``2017-05-16``: a date-only value, kept;
    - no offset (``2017-05-16T10:00:00``): local time already, the date as written;
    - an explicit non-UTC offset (``2017-05-16T22:31:00-05:00``): the publisher wrote its local time,
      the date as written (whatever ``tz`` says);
    - UTC (``Z``, ``+00:00``): converted to ``tz`` (``2017-05-17T03:31:32Z`` is 16 May in Mexico City),
      except exactly midnight or noon (``T00:00:00Z``, ``T12:00:00Z``, any fraction of zeros): what
      publishers write for a date-only value, so the date as written. Converting them would move
      every date-only value of a zone west of UTC to the day before (or, for noon, east of UTC+12 to
      the day after), and put a date-only contract *before* an award made the same day. Likewise
      ``T23:59:59Z`` (any fraction: ``.999Z``) and ``T23:59:00Z``, the end-of-day markers of TED/eForms, Kosovo
      and others: the day as written, not the next morning in Europe.

    Two events of the same day therefore get the same date and are never ordered by the time part:
    the indicators compare dates with ``<``.
    """
    if not isinstance(value, str):
        return None
    m = _DATETIME.match(value.strip())
    if not m:
        return None
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    from datetime import date, datetime, timedelta, timezone

    try:
        day = date(y, mo, d)
        utc = m.group(7) is not None or (m.group(8) is not None and m.group(9) == "00" and m.group(10) == "00")
        if m.group(4) is None or not utc:
            return day.isoformat()
        hh, mm, ss = int(m.group(4)), int(m.group(5)), int(m.group(6) or 0)
        if _day_marker(hh, mm, ss, value):
            return day.isoformat()
        dt = datetime(y, mo, d, hh, mm, min(ss, 59), tzinfo=timezone(timedelta(0)))
    except ValueError:
        return None
    return dt.astimezone(tz if tz is not None else zone(DEFAULT_TIMEZONE)).date().isoformat()


def local_timestamp(value, tz=None) -> str | None:
    """An OCDS date-time as a naive local timestamp ``YYYY-MM-DDTHH:MM:SS`` in the publisher's zone ``tz``
    (the contract reads naive timestamps as local time): an explicit non-UTC offset keeps the local time
    written, UTC is converted to ``tz``, a date-only value or a value without offset is kept as written.
    None when it is not a date-time (the contract would refuse it; the caller reports it)."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    m = _DATETIME.match(text)
    if not m:
        return None
    from datetime import datetime, timedelta, timezone

    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    try:
        if m.group(4) is None:
            return datetime(y, mo, d).date().isoformat()
        hh, mm, ss = int(m.group(4)), int(m.group(5)), min(int(m.group(6) or 0), 59)
        local = datetime(y, mo, d, hh, mm, ss)
    except ValueError:
        return None
    utc = m.group(7) is not None or (m.group(8) is not None and m.group(9) == "00" and m.group(10) == "00")
    if utc and not _day_marker(hh, mm, ss, text):
        local = local.replace(tzinfo=timezone(timedelta(0))).astimezone(
            tz if tz is not None else zone(DEFAULT_TIMEZONE)).replace(tzinfo=None)
    return local.isoformat(timespec="seconds")


def _day_marker(hh: int, mm: int, ss: int, value: str) -> bool:
    """Whether a UTC time of day marks a whole day rather than an instant: midnight or noon exactly (a date-only
    value), or 23:59:59 with any fraction or 23:59 exactly (the end of the day written: Kosovo's 23:59:00Z)."""
    return (((hh, mm, ss) in ((0, 0, 0), (12, 0, 0), (23, 59, 0)) and not _has_fraction(value))
            or (hh, mm, ss) == (23, 59, 59))


def _has_fraction(value: str) -> bool:
    """Whether the seconds carry a non-zero fraction (``12:00:00.5Z`` is an instant, ``.000Z`` is not)."""
    m = re.search(r"\.(\d+)", value)
    return bool(m and m.group(1).strip("0"))


class _Reader:
    """Typed access to a release's fields; wrong types become problems (field ignored)."""

    def __init__(self, no: int, problems: list[Problem], ocid: str | None = None):
        self.no = no
        self.problems = problems
        self.ocid = ocid

    def note(self, path: str | None, message: str, action: str = "ignored") -> None:
        self.problems.append(Problem(self.no, message, skipped=action == "skipped", ocid=self.ocid, path=path,
                                     action=action))

    def obj(self, parent, key: str, path: str) -> dict | None:
        v = parent.get(key) if isinstance(parent, dict) else None
        if v is None or isinstance(v, dict):
            return v
        self.note(path, f"{path} is {type_name(v)}, expected object")
        return None

    def arr(self, parent, key: str, path: str) -> list:
        v = parent.get(key) if isinstance(parent, dict) else None
        if v is None:
            return []
        if isinstance(v, list):
            return v
        self.note(path, f"{path} is {type_name(v)}, expected array")
        return []

    def text(self, parent, key: str, path: str) -> str | None:
        v = parent.get(key) if isinstance(parent, dict) else None
        if v is None or isinstance(v, str):
            return v
        if isinstance(v, (int, float)) and not isinstance(v, bool) and key == "id":
            return str(v)  # OCDS ids may be integers
        self.note(path, f"{path} is {type_name(v)}, expected string")
        return None

    def number(self, parent, key: str, path: str) -> float | None:
        v = parent.get(key) if isinstance(parent, dict) else None
        if v is None:
            return None
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return float(v)
        self.note(path, f"{path} is {type_name(v)}, expected number")
        return None

    def amount(self, parent, key: str, path: str) -> tuple[float | None, str | None]:
        value = self.obj(parent, key, path)
        if value is None:
            return None, None
        return self.number(value, "amount", f"{path}/amount"), self.text(value, "currency", f"{path}/currency")

    def ident(self, element, path: str) -> str | None:
        if not isinstance(element, dict):
            if element is not None:
                self.note(path, f"{path} is {type_name(element)}, expected object")
            return None
        return self.text(element, "id", f"{path}/id")


def _next_day(day: str) -> str:
    """The ISO date after ``day`` (an ISO date)."""
    import datetime as dt

    return (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()


def _join(values) -> str | None:
    values = [v for v in values if v]
    return ";".join(values) if values else None


def _procedure(method: str | None, details: str | None) -> str | None:
    if details:
        for word, code in _DETAILS:
            if word in details:
                return code
    return _METHOD.get(method) if method else None


def _str_id(value) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return str(int(value)) if float(value).is_integer() else str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _identifier_key(org) -> tuple[str, str] | None:
    """``(scheme, id)`` of an organisation's ``identifier``, or None."""
    ident = org.get("identifier") if isinstance(org, dict) else None
    if not isinstance(ident, dict):
        return None
    value = _str_id(ident.get("id"))
    if not value:
        return None
    scheme = ident.get("scheme")
    return (scheme.strip() if isinstance(scheme, str) else "", value)


#: party ids that name nobody: a publisher's placeholder where it has no id (Malaysia's Sinar: five suppliers "none")
_PLACEHOLDER_IDS = frozenset({"none", "null", "nil", "n/a", "na", "-", "--", "0", "undefined", "unknown"})


def _name_key(name: str) -> str:
    """A name as compared across processes: case, spaces and punctuation aside (ACME S.A. = Acme SA)."""
    return re.sub(r"[\W_]+", "", name).casefold()


def _other_org(row: dict, org: dict) -> bool:
    """Whether ``org`` (a party or an embedded organisation) is another organisation than the company ``row`` made
    under the same id in another process: another identifier, or, without one on either side, another name."""
    key = _identifier_key(org)
    if key and row.get("identifier_id"):
        return key[1] != row["identifier_id"]
    name = _org_name(org)
    return bool(name and row.get("name") and _name_key(name) != _name_key(row["name"]))


def _org_name(org: dict) -> str | None:
    for v in (org.get("name"), (org.get("identifier") or {}).get("legalName")
              if isinstance(org.get("identifier"), dict) else None):
        if isinstance(v, str) and v.strip():
            return v.strip()
    for k, v in org.items():  # name_en, name_es...: a translated name is still the name
        if k.startswith("name_") and isinstance(v, str) and v.strip():
            return v.strip()
    return None


_MISSING = object()


class _Builder:
    def __init__(self, tz=None, file: str | None = None) -> None:
        self.rows: dict[str, list[dict]] = {name: [] for name in COLUMNS}
        self.companies: dict[str, dict] = {}
        #: the release's party ids that name another organisation than the same id in an earlier process
        #: (OCDS party ids are unique within a process only: eForms numbers them ORG-0001… in every notice)
        self.local: dict[str, str] = {}
        self.ocid: str | None = None
        self.seen: dict[str, int] = {}
        self.lines: dict[str, int] = {}  # ocid -> line, for problems found after conversion
        self.tz = tz if tz is not None else zone(DEFAULT_TIMEZONE)
        self.file = file
        self._dates: dict[str, str | None] = {}
        #: no release reports an event after the day of the conversion (:meth:`reported_until`)
        self.today = datetime.date.today().isoformat()
        self._stamps: dict[str, str | None] = {}
        # organisation references of the release being read: by identifier (scheme, id) and by name
        self.by_identifier: dict[tuple[str, str], str] = {}
        self.by_name: dict[str, str] = {}
        self.party_ids: set[str] = set()  # the ids of the release's parties

    def date(self, value) -> str | None:
        if type(value) is not str:
            return None
        out = self._dates.get(value, _MISSING)
        if out is _MISSING:  # the same dates recur: convert each once
            out = self._dates[value] = local_date(value, self.tz)
        return out

    def notice_day(self, tender: dict, start: str | None, end: str | None, rd: _Reader) -> str | None:
        """The day the tender was first made public (``announced_on``): the earliest of ``tender.datePublished``,
        ``enquiryPeriod.startDate``, the ``datePublished`` of a ``tenderNotice`` or ``biddingDocuments`` document and
        ``tenderPeriod.startDate``. 招标投标法 第24条 counts the bid period from the documents' first issue;
        ``tenderPeriod.startDate`` is when bids may be submitted, often days later (Prozorro: documents and enquiries
        from 02-25, submissions from 02-28). Each of these dates is at or after the documents' first issue (a document's
        ``datePublished`` may be its latest version's, a clarification meeting follows the documents), so the earliest
        is the closest, and a period measured from it is never shorter than from ``tenderPeriod.startDate`` alone.
        Where neither ``tenderPeriod.startDate`` nor ``tender.datePublished`` is given, the other dates do not make a
        notice day of their own (Mexico's GACM: a clarification meeting two days before the deadline, documents
        "published" after it): the period is not checked, as before. A ``tenderPeriod`` whose start equals its end
        is a single date, not a period: its start is not taken (listed); one that ends before it starts is a data
        error, kept as it is so that it is reported and not judged."""
        if start is not None and start == end:
            rd.note("/tender/tenderPeriod/startDate", f"/tender/tenderPeriod/startDate equals its endDate ({start}): "
                                                      "a single date, not taken as the notice's day", "ignored")
            start = None
        published = rd.text(tender, "datePublished", "/tender/datePublished")
        first, last = self.date(start), self.date(end)
        if not first and not self.date(published):
            return None
        if first and last and first > last:
            return first  # a period in an impossible order is a data error, reported and not judged as such
        enquiry = rd.obj(tender, "enquiryPeriod", "/tender/enquiryPeriod") or {}
        notice = [start, published, rd.text(enquiry, "startDate", "/tender/enquiryPeriod/startDate")]
        for i, doc in enumerate(rd.arr(tender, "documents", "/tender/documents")):
            if isinstance(doc, dict) and doc.get("documentType") in ("tenderNotice", "biddingDocuments"):
                notice.append(rd.text(doc, "datePublished", f"/tender/documents[{i}]/datePublished"))
        days = [d for d in map(self.date, notice) if d]
        return min(days) if days else None

    def reported_until(self, r: dict, released: str | None, packages: list[str] | None = None) -> str | None:
        """The latest day a release shows to have passed: its ``date``, or a later day on which its contracts'
        implementation reports a payment (``transactions[].date``) or a milestone met (``dateMet``), or on which one
        of its documents was published (``datePublished``: Colombia's SECOP dates a release at the process's start
        and publishes the signed contract's documents on the day it was signed), or on which the package or record
        that holds it was published (``packages``: their ``publishedDate``; Ecuador's SERCOP dates a release at the
        process's start, 2021-03-15, in a package published on 2021-09-19), up to today.
        Portland's compiled release keeps the process's first date (2015-04-29) while reporting the award of
        2015-11-06, the contract of 11-20 and payments of 2017: its own date is not how far it reports."""
        if released is None:
            return None
        days = [released]
        for value in packages or ():
            day = self.date(value)
            if day and day <= self.today:
                days.append(day)

        def published(docs: object) -> None:
            for doc in docs if isinstance(docs, list) else []:
                day = self.date(doc.get("datePublished")) if isinstance(doc, dict) else None
                if day and day <= self.today:
                    days.append(day)

        tender = r.get("tender")
        published(tender.get("documents") if isinstance(tender, dict) else None)
        for award in r.get("awards") or []:
            published(award.get("documents") if isinstance(award, dict) else None)
        for contract in r.get("contracts") or []:
            if not isinstance(contract, dict):
                continue
            published(contract.get("documents"))
            impl = contract.get("implementation")
            if not isinstance(impl, dict):
                continue
            published(impl.get("documents"))
            for key, field in (("transactions", "date"), ("milestones", "dateMet")):
                for event in impl.get(key) or []:
                    day = self.date(event.get(field)) if isinstance(event, dict) else None
                    if day and day <= self.today:
                        days.append(day)
        return max(days)

    def happened(self, day: str | None, released: str | None, rd: _Reader, path: str, what: str,
                 restated: str | None = None) -> str | None:
        """``day`` (a local date) of an event the release reports as done (an award decided, a contract signed), or
        None where it lies more than a day after the release's own date: a release cannot report what has not
        happened yet (e.g. an award dated 2105 in a release of 2017), so the date is a typing error. It is cleared
        and listed rather than read as "the contract was signed 32,858 days before the award". A day of slack keeps
        a date-only value that the publisher's zone moves across midnight. A day the release states again in
        another field (``restated``: the contract's period begins on the day it was signed) is no typing error, and
        one not after today is kept: Moldova's releases are dated the day the tender opened and report the contracts
        signed weeks later."""
        if day is None or released is None or day <= _next_day(released):
            return day
        if restated is not None and day == restated and day <= self.today:
            return day
        rd.note(path, f"{what} {day} is later than the release that reports it (reporting up to {released}: its date, "
                      "or a later publication (of its package or documents) or payment it shows): not a date that had "
                      "happened, left empty", "cleared")
        return None

    def timestamp(self, value, path: str, rd: _Reader) -> str | None:
        if value is None:
            return None
        out = self._stamps.get(value, _MISSING) if type(value) is str else None
        if out is _MISSING:
            out = self._stamps[value] = local_timestamp(value, self.tz)
        if out is None and isinstance(value, str) and value.strip():
            rd.note(path, f"{path} {value!r} is not an ISO-8601 date-time: left empty", "cleared")
        return out

    def resolve(self, org: dict, rd: _Reader, path: str) -> str | None:
        """The company id of an organisation (reference): its ``id``; else the party with the same
        ``identifier`` (scheme + id), else ``{scheme}-{id}`` (the OCDS rule for party ids); else the
        party with the same name, else the name. None when it has none of these."""
        cid = _str_id(org.get("id"))
        if cid and cid.lower() not in _PLACEHOLDER_IDS:
            return cid
        key = _identifier_key(org)
        if key:
            return self.by_identifier.get(key) or "-".join(x for x in key if x)
        name = _org_name(org)
        if name:
            return self.by_name.get(name) or name
        return None

    def company(self, org, rd: _Reader, path: str, role: str | None = None, party: bool = False) -> str | None:
        if type(org) is not dict:
            if org is not None:
                rd.note(path, f"{path} is {type_name(org)}, expected object")
            return None
        oid = org.get("id")
        if type(oid) is str and oid and oid == oid.strip() and oid.lower() not in _PLACEHOLDER_IDS:
            cid = oid  # the common case, quickly
        else:
            if oid is not None and not isinstance(oid, (str, int)):
                rd.note(f"{path}/id", f"{path}/id is {type_name(oid)}, expected string")
            cid = self.resolve(org, rd, path)
            if not cid:
                return None
        cid = self.local.get(cid, cid)
        row = self.companies.get(cid)
        if row is None:
            row = self.companies[cid] = {"company_id": cid, "roles": set(), "_ocid": self.ocid}
        elif row.get("_ocid") != self.ocid and cid not in self.local and _other_org(row, org):
            scoped = self.local[cid] = f"{cid}@{self.ocid}"
            rd.note(f"{path}/id", f"{path}: party id {cid!r} names another organisation ({_org_name(org) or '?'}) than "
                                  f"in {row['_ocid']} ({row.get('name') or '?'}): kept as {scoped!r}", "repaired")
            cid = scoped
            row = self.companies[cid] = {"company_id": cid, "roles": set(), "_ocid": self.ocid}
        elif row.get("_ocid") != self.ocid:
            self.local.setdefault(cid, cid)  # the same organisation: decided once per release
        if not row.get("name"):
            name = _org_name(org)
            if name:
                row["name"] = name
        if role:
            row["roles"].add(role)
        if party or "identifier" in org or "address" in org or "contactPoint" in org:
            self.details(row, org, rd, path)  # a party, or an embedded organisation (OCDS 1.0 style)
        return cid

    def names_buyer(self, org, buyer_id: str | None) -> str | None:
        """How a procuring entity whose ``id`` names no party of the release names the buyer: by its ``id`` or its
        ``identifier`` equal to the buyer's identifier (Colombia's TVEC: ``{"id": "899999020", "name": <a person>}``
        beside the buyer ``CO-RUE899999020``, identifier CO-RUE 899999020). None where it does not: it is another
        organisation, or its own party."""
        row = self.companies.get(buyer_id) if buyer_id and isinstance(org, dict) else None
        if row is None or not row.get("identifier_id"):
            return None
        oid = _str_id(org.get("id"))
        oid = None if oid and oid.lower() in _PLACEHOLDER_IDS else oid
        if oid and (oid == buyer_id or oid in self.party_ids):
            return None
        key = _identifier_key(org)
        scheme = row.get("identifier_scheme") or ""
        if key:  # an identifier of its own: the buyer's only if it is the buyer's
            same = key[1] == row["identifier_id"] and (not key[0] or not scheme or key[0] == scheme)
            return f"identifier {' '.join(x for x in key if x)}" if same else None
        return f"id {oid!r}" if oid == row["identifier_id"] else None

    def party(self, party: dict, rd: _Reader, path: str) -> None:
        cid = self.company(party, rd, path, party=True)
        if cid is None:
            return
        row = self.companies[cid]
        for role in rd.arr(party, "roles", f"{path}/roles"):
            if isinstance(role, str):
                row["roles"].add(role)

    def index_parties(self, parties: list, rd: _Reader) -> None:
        """Index the release's parties by identifier and by name, for references without an ``id``."""
        self.by_identifier = {}
        self.by_name = {}
        self.party_ids = set()
        for party in parties:
            if not isinstance(party, dict):
                continue
            cid = _str_id(party.get("id"))
            cid = None if cid and cid.lower() in _PLACEHOLDER_IDS else cid
            if cid:
                self.party_ids.add(cid)
            key = _identifier_key(party)
            cid = cid or ("-".join(x for x in key if x) if key else None) or _org_name(party)
            if not cid:
                continue
            if key:
                self.by_identifier.setdefault(key, cid)
            name = _org_name(party)
            if name:
                self.by_name.setdefault(name, cid)

    def details(self, row: dict, party: dict, rd: _Reader, path: str) -> None:
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
                elif scheme in _USCC_SCHEMES and not row.get("_uscc_reported"):
                    row["_uscc_reported"] = True
                    rd.note(f"{path}/identifier", f"{path}: identifier {value!r} is not a valid "
                                                  "统一社会信用代码 (check digit), uscc left empty", "cleared")
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
                if isinstance(v, str) and v.strip() and not row.get(dst):  # a blank (" ") is no value
                    row[dst] = v.strip()

    def release(self, no: int, r: dict, problems: list[Problem], published: list[str] | None = None) -> None:
        ocid = r["ocid"]
        if ocid in self.seen:
            problems.append(Problem(no, f"ocid {ocid!r} already read on line {self.seen[ocid]}, "
                                        "release skipped", ocid=ocid, action="skipped"))
            return
        if _versioned(r):
            r = _latest(r)
            problems.append(Problem(no, "a versioned release (each field a list of its values over time, with "
                                        "releaseID/releaseDate): read as its compiled release, each field at its last "
                                        "value", skipped=False, ocid=ocid, action="repaired"))
        self.seen[ocid] = no
        self.lines[ocid] = no
        rd = _Reader(no, problems, ocid)
        self.local, self.ocid = {}, ocid
        parties = rd.arr(r, "parties", "/parties")
        self.index_parties(parties, rd)
        for i, party in enumerate(parties):
            if isinstance(party, dict):
                self.party(party, rd, f"/parties[{i}]")
            else:
                rd.note(f"/parties[{i}]", f"/parties[{i}] is {type_name(party)}, expected object")
        buyer_id = self.company(r.get("buyer"), rd, "/buyer", "buyer")
        if buyer_id is None:
            # No `buyer`, but one party has the role buyer: that is the buyer (OCDS 1.1 parties/roles).
            buyers = {self.resolve(party, rd, "/parties") for party in parties if isinstance(party, dict)
                      and isinstance(party.get("roles"), list) and "buyer" in party["roles"]} - {None}
            if len(buyers) == 1:
                buyer_id = buyers.pop()
                buyer_id = self.local.get(buyer_id, buyer_id)  # the id this release's party was kept under
                rd.note("/buyer", f"/buyer missing: the one party with the role buyer ({buyer_id}) taken", "repaired")
        released = self.reported_until(r, self.date(rd.text(r, "date", "/date")), published)
        tender = rd.obj(r, "tender", "/tender") or {}
        pe = tender.get("procuringEntity")
        as_buyer = self.names_buyer(pe, buyer_id)
        if as_buyer is None:
            pe_id = self.company(pe, rd, "/tender/procuringEntity", "procuringEntity")
        else:
            pe_id = buyer_id
            self.companies[buyer_id]["roles"].add("procuringEntity")
            if as_buyer.startswith("id "):  # listed; by the buyer's identifier itself, it is the same organisation
                rd.note("/tender/procuringEntity", f"/tender/procuringEntity ({_org_name(pe) or '?'}): its {as_buyer} "
                                                   f"is the buyer's identifier and names no party: the buyer "
                                                   f"({buyer_id}) taken", "repaired")
        buyer_id = buyer_id or None
        buyer_name = self.companies[buyer_id].get("name") if buyer_id else None

        method = rd.text(tender, "procurementMethod", "/tender/procurementMethod")
        details = rd.text(tender, "procurementMethodDetails", "/tender/procurementMethodDetails")
        procedure = _procedure(method, details)
        category = _CATEGORY.get(rd.text(tender, "mainProcurementCategory", "/tender/mainProcurementCategory"))
        title = rd.text(tender, "title", "/tender/title")
        t_amount, t_currency = rd.amount(tender, "value", "/tender/value")
        t_path = "/tender/value/amount"
        period = rd.obj(tender, "tenderPeriod", "/tender/tenderPeriod") or {}
        start = rd.text(period, "startDate", "/tender/tenderPeriod/startDate")
        end = rd.text(period, "endDate", "/tender/tenderPeriod/endDate")
        planning = rd.obj(r, "planning", "/planning") or {}
        budget = planning.get("budget") if isinstance(planning.get("budget"), dict) else {}
        project_name = title or (budget.get("project") if isinstance(budget.get("project"), str) else None)
        if t_amount is None:
            # the tender's currency stays where its amount is not given (UK Contracts Finder: {"currency": "GBP",
            # "amount": null}): it says whose money the process is in, which the jurisdiction is judged by
            t_amount, b_currency = rd.amount(budget, "amount", "/planning/budget/amount")
            t_currency = b_currency or t_currency
            t_path = "/planning/budget/amount/amount"
        if t_amount is not None and t_amount < 0:
            rd.note(t_path, f"negative estimate {t_amount:.2f} (OCDS: a payment from the supplier to the buyer) "
                            "left empty: the contract takes no negative amount", "cleared")
            t_amount = None

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
            related = rd.arr(element, "relatedLots", f"{path}/relatedLots")
            if not related and isinstance(element, dict) and isinstance(element.get("relatedLot"), (str, int)):
                related = [element["relatedLot"]]  # a bid or item of one lot (Armenia, older lots extension)
            related = [str(x) for x in related if isinstance(x, (str, int)) and not isinstance(x, bool)]
            related = [x for x in related if x in lot_ids]
            return [f"{ocid}/{x}" for x in (related or lot_ids)]

        announced_on = self.notice_day(tender, start, end, rd)
        criteria = rd.text(tender, "awardCriteria", "/tender/awardCriteria")
        tender_rows: dict[str, dict] = {}
        status = rd.text(tender, "status", "/tender/status")
        n_tenderers = tender.get("numberOfTenderers")
        # tender/tenderers: "all parties who submit a bid" (an older way to name them, without bids): each a company,
        # and their number where numberOfTenderers is not given; the bid list stays unknown (none): no prices
        named = _once(rd, [c for c in (self.company(t, rd, f"/tender/tenderers[{k}]", "tenderer")
                                       for k, t in enumerate(rd.arr(tender, "tenderers", "/tender/tenderers"))) if c],
                      "/tender/tenderers", "tenderer")
        if named and type(n_tenderers) is not int:
            n_tenderers = len(named)  # the list the count is of: nothing to note (Taiwan's and INAI's releases)
        base = {
            "project_id": ocid, "category": category, "procedure": procedure, "tenderer_id": buyer_id or pe_id,
            "agency": pe_id if pe_id and pe_id != buyer_id else None, "ceiling_price": None,
            "announced_on": announced_on,
            "bid_deadline": self.timestamp(end, "/tender/tenderPeriod/endDate", rd),
            "award_method": _AWARD_METHOD.get(criteria.strip().casefold()) if criteria else None,
            "ocid": ocid, "status": status,
            "procurement_method": method, "procurement_method_details": details,
            "number_of_tenderers": n_tenderers if type(n_tenderers) is int else None,
            "tender_start": start, "awarded_on": None, "winner_id": None, "award_price": None,
            "contract_signed_on": None, "winner_consortium_members": None, "bid_list": "none",
        }
        if lots:
            for lot_id, lot in lots:
                amount, currency = rd.amount(lot, "value", f"/tender/lots[{lot_id}]/value")
                if amount is not None and amount < 0:
                    rd.note(f"/tender/lots[{lot_id}]/value/amount", f"negative lot estimate {amount:.2f} left empty: "
                                                                     "the contract takes no negative amount", "cleared")
                    amount = None
                lot_title = lot.get("title") if isinstance(lot.get("title"), str) else None
                tid = f"{ocid}/{lot_id}"
                if amount is None and len(lots) == 1:
                    # the one lot is the whole tender: the tender's value is its estimate (Scotland's PCS gives it there)
                    amount, currency = t_amount, currency or t_currency
                tender_rows[tid] = {**base, "tender_id": tid, "lot_id": lot_id,
                                    "title": " / ".join(x for x in (title, lot_title) if x) or None,
                                    "estimate": amount, "currency": currency or t_currency}
        else:
            tender_rows[ocid] = {**base, "tender_id": ocid, "lot_id": None, "title": title,
                                 "estimate": t_amount, "currency": t_currency}

        for i, item in enumerate(rd.arr(tender, "items", "/tender/items")):
            self.item(item, tender_ids(item, f"/tender/items[{i}]") if lots else [ocid], ocid, "tender",
                      None, rd, f"/tender/items[{i}]")

        # Bids. A tender's bid list is `all` when the release gives its bids and none was dropped; a
        # dropped bid (no tenderer, no price) makes the list incomplete: `none`, so that the indicators that
        # count or compare bidders do not judge it on the bids left.
        bids = rd.obj(r, "bids", "/bids") or {}
        with_bids: set[str] = set()
        incomplete: set[str] = set()
        bid_keys: dict[str, list[Any]] = {}
        bid_tenderers: dict[str, list[str]] = {}  # bid id -> its tenderers, for an award that names only its bid
        for i, bid in enumerate(rd.arr(bids, "details", "/bids/details")):
            path = f"/bids/details[{i}]"
            if not isinstance(bid, dict):
                rd.note(path, f"{path} is {type_name(bid)}, expected object")
                continue
            ocds_status = rd.text(bid, "status", f"{path}/status")
            members = [self.company(t, rd, f"{path}/tenderers[{k}]",
                                    "invited" if ocds_status == "invited" else "tenderer")
                       for k, t in enumerate(rd.arr(bid, "tenderers", f"{path}/tenderers"))]
            members = _once(rd, [m for m in members if m], f"{path}/tenderers", "tenderer")
            own_id = _str_id(bid.get("id"))
            if own_id and members:
                bid_tenderers.setdefault(own_id, members)
            if ocds_status == "invited":
                continue  # invited, never submitted: a company, not a bid
            tids = tender_ids(bid, path)
            if not members:
                rd.note(path, f"{path} names no tenderer (no id, identifier or name): bid dropped; the tender's "
                              "bid list is incomplete (bid_list = none)", "dropped")
                incomplete.update(tids)
                continue
            amount, currency = rd.amount(bid, "value", f"{path}/value")
            status_code = _BID_STATUS.get(ocds_status or "valid", "valid")
            if (amount is None or amount < 0) and status_code != "withdrawn":
                what = "no price" if amount is None else f"a negative price {amount:.2f}"
                rd.note(f"{path}/value", f"{path} has {what}: bid dropped (the contract needs a price unless "
                                         "withdrawn); the tender's bid list is incomplete (bid_list = none)",
                        "dropped")
                incomplete.update(tids)
                continue
            if amount is not None and amount < 0:
                amount = None
            bid_key = rd.text(bid, "id", f"{path}/id") or str(i + 1)
            bid_key = _unique_id(rd, bid_keys, bid_key, (tuple(members), amount, tuple(tids)), i, path, "bid",
                                 "with the same tenderer and price")
            if bid_key is None:
                continue
            for tid in tids:
                with_bids.add(tid)
                self.rows["bids"].append({
                    "bid_id": f"{tid}/{bid_key}", "tender_id": tid, "company_id": members[0], "price": amount,
                    "submitted_at": self.timestamp(rd.text(bid, "date", f"{path}/date"), f"{path}/date", rd),
                    "status": status_code,
                    "consortium_members": _join(members[1:]), "ocds_status": ocds_status, "currency": currency,
                    "ocid": ocid, "ocds_bid_id": bid_key,
                })
        for tid, row in tender_rows.items():
            row["bid_list"] = "all" if tid in with_bids and tid not in incomplete else "none"

        # Awards. An award without a status (optional in OCDS: Ecuador's SERCOP, Honduras' SIAFI2) is active where a
        # contract not cancelled names it (Cardinal's prepare step fills an award's status from its contract's).
        contracted: dict[str, tuple[str, str | None]] = {}  # awardID -> (contract id, its status)
        for i, contract in enumerate(r.get("contracts") if isinstance(r.get("contracts"), list) else []):
            aid = _str_id(contract.get("awardID")) if isinstance(contract, dict) else None
            if aid and contract.get("status") != "cancelled":
                c_status = contract.get("status")
                contracted.setdefault(aid, (_str_id(contract.get("id")) or str(i + 1),
                                              c_status if isinstance(c_status, str) else None))
        award_lots: dict[str, list[str]] = {}
        award_suppliers: dict[str, list[str]] = {}
        award_seen: dict[str, list[Any]] = {}
        # ids of the awards published active: a copy of one under another status (Colombia repeats an award with a
        # text of its own as the status) is that award again, not a second award to be added to it
        active_ids = {_str_id(a.get("id")) for a in r.get("awards") or [] if isinstance(a, dict)
                      and isinstance(a.get("status"), str) and a["status"].strip().lower() == "active"}
        for i, award in enumerate(rd.arr(r, "awards", "/awards")):
            path = f"/awards[{i}]"
            if not isinstance(award, dict):
                rd.note(path, f"{path} is {type_name(award)}, expected object")
                continue
            award_id = rd.text(award, "id", f"{path}/id") or str(i + 1)
            same = [award.get(k) for k in ("status", "value", "date", "suppliers", "relatedLots", "relatedBids")]
            unique = _unique_id(rd, award_seen, award_id, same, i, path, "award",
                                "with the same status, value, date and suppliers")
            if unique is None:
                continue
            award_id = unique
            suppliers = [self.company(s, rd, f"{path}/suppliers[{k}]", "supplier")
                         for k, s in enumerate(rd.arr(award, "suppliers", f"{path}/suppliers"))]
            suppliers = _once(rd, [s for s in suppliers if s], f"{path}/suppliers", "supplier")
            if not suppliers:
                # eForms / TED: an award names the winning bid (relatedBids), whose tenderers are the suppliers
                for bid_id in rd.arr(award, "relatedBids", f"{path}/relatedBids"):
                    suppliers += [m for m in bid_tenderers.get(_str_id(bid_id) or "", []) if m not in suppliers]
            a_status = _award_status(rd, award, f"{path}/status", award_id)
            if a_status is None and suppliers and award.get("status") is not None \
                    and _str_id(award.get("id")) in active_ids:
                rd.note(f"{path}/status", f"{path} ({award_id}): a copy of the active award {_str_id(award.get('id'))} "
                                          "under another status: not taken as a second award to its winner", "ignored")
            elif a_status is None and suppliers:
                by = contracted.get(_str_id(award.get("id")) or "")
                if by is not None:
                    a_status = "active"
                    rd.note(f"{path}/status", f"{path} ({award_id}): an award without status, named by contract "
                                              f"{by[0]} ({by[1] or 'no status'}, not cancelled): taken as active",
                            "repaired")
                else:
                    rd.note(f"{path}/status", f"{path} ({award_id}): an award without status, named by no contract "
                                              "that is not cancelled: not taken as the tender's winner", "ignored")
            if not suppliers and a_status == "active":
                # Malaysia's Sinar: the award names no supplier, the release's one party with the role supplier is it
                named = {self.resolve(p, rd, "/parties") for p in parties if isinstance(p, dict)
                         and isinstance(p.get("roles"), list) and "supplier" in p["roles"]} - {None}
                if len(named) == 1:
                    supplier = named.pop()
                    suppliers = [self.local.get(supplier, supplier)]
                    rd.note(f"{path}/suppliers", f"{path} ({award_id}): an active award without suppliers: the "
                                                 f"release's one supplier party ({suppliers[0]}) taken", "repaired")
                else:
                    rd.note(f"{path}/suppliers", f"{path} ({award_id}): an active award names no supplier "
                                                 f"({len(named)} supplier parties in the release): no winner taken",
                            "ignored")
            amount, currency = rd.amount(award, "value", f"{path}/value")
            if amount is not None and amount < 0:
                rd.note(f"{path}/value/amount", f"negative award value {amount:.2f} left empty: the contract takes "
                                                "no negative amount", "cleared")
                amount = None
            a_date = rd.text(award, "date", f"{path}/date")
            parsed = self.date(a_date)
            a_day = self.happened(parsed, released, rd, f"{path}/date", "award date")
            if a_day is None and parsed is not None:  # cleared as a date that had not happened (kept if unparsed)
                a_date = None
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
                if row is not None and not row.get("currency") and currency:
                    # a tender without a currency of its own is in its award's money (Moldova and Montréal give it on
                    # the awards alone): what the jurisdiction is judged by
                    row["currency"] = currency
                if row is not None and a_status == "active" and suppliers and row["winner_id"] is None:
                    row["winner_id"] = suppliers[0]
                    row["winner_consortium_members"] = _join(suppliers[1:])
                    row["award_price"] = amount
                    if amount is not None and currency and row.get("currency") and currency != row["currency"]:
                        # amounts are not converted: an award in another money than the tender's estimate is no
                        # award price to compare with the estimate or the contract (CDMX: MXN tender, USD award)
                        row["award_price"] = None
                        rd.note(f"{path}/value/currency", f"award value in {currency}, the tender's in "
                                                          f"{row['currency']}: not taken as the award price "
                                                          "(amounts are not converted)", "cleared")
                    row["awarded_on"] = a_day
                elif row is not None and a_status == "active" and suppliers:
                    # a second active award of the tender (Colombia: 6,000,000 and 2,605,500 to one firm, together the
                    # tender's value): the same winner's in the same money adds to the award price; another firm's is
                    # listed, the tender keeping one winner
                    if suppliers[0] != row["winner_id"]:
                        rd.note(f"{path}/suppliers", f"{path} ({award_id}): a second active award, to another supplier "
                                                     f"({suppliers[0]}): the tender's winner stays {row['winner_id']}",
                                "ignored")
                    elif amount is not None and row["award_price"] is not None and (
                            not currency or not row.get("currency") or currency == row["currency"]):
                        row["award_price"] += amount
                        rd.note(f"{path}/value/amount", f"{path} ({award_id}): a second active award to the same "
                                                        f"supplier: the award price is their sum "
                                                        f"({row['award_price']:.2f})", "repaired")
            for k, item in enumerate(rd.arr(award, "items", f"{path}/items")):
                self.item(item, tids, ocid, "award", award_id, rd, f"{path}/items[{k}]")

        # Contracts. The contract table needs buyer, supplier, amount and signing date: a contract
        # without one of them is dropped from it (listed), its signing date still dates the tender.
        contract_seen: dict[str, list[Any]] = {}
        for i, contract in enumerate(rd.arr(r, "contracts", "/contracts")):
            path = f"/contracts[{i}]"
            if not isinstance(contract, dict):
                rd.note(path, f"{path} is {type_name(contract)}, expected object")
                continue
            contract_id = rd.text(contract, "id", f"{path}/id") or str(i + 1)
            # one contract published twice in a release (Colombia's SECOP: three copies of 2719-2016, one with another
            # status text and its documents) is one contract: the same award, value, signing date and suppliers
            same = [contract.get(k) for k in ("awardID", "value", "dateSigned", "suppliers")]
            contract_id = _unique_id(rd, contract_seen, contract_id, same, i, path, "contract",
                                     "with the same award, value, signing date and suppliers")
            if contract_id is None:
                continue
            award_id = _str_id(contract.get("awardID"))
            tids = award_lots.get(award_id) if award_id else None
            suppliers = award_suppliers.get(award_id, []) if award_id else []
            if not suppliers and len(award_suppliers) == 1 and not award_id:
                suppliers = next(iter(award_suppliers.values()))  # one award: the contract's, certainly
            if not suppliers:
                # the Contract Suppliers extension (Paraguay's DNCP): a contract whose award is not in the release
                # names its own suppliers. Only then: where the award names them, the award's ids are the ones the
                # tender's winner has (Paraguay's contract names the same firm by its identifier, another id)
                listed = contract.get("suppliers")  # Paraguay writes one supplier as an object, not a list of one
                listed = [listed] if isinstance(listed, dict) else rd.arr(contract, "suppliers", f"{path}/suppliers")
                own = [self.company(s, rd, f"{path}/suppliers[{k}]", "supplier") for k, s in enumerate(listed)]
                suppliers = [s for s in own if s]
            amount, currency = rd.amount(contract, "value", f"{path}/value")
            if amount is None and isinstance(contract.get("valueWithTax"), dict):
                # Mexico's federal CompraNet gives a contract's amount only with tax (an extension's field): a
                # Chinese contract price includes tax as well (含税价), so it is the amount, said
                amount, currency = rd.amount(contract, "valueWithTax", f"{path}/valueWithTax")
                if amount is not None:
                    rd.note(f"{path}/valueWithTax", f"{path}: no value; its valueWithTax ({amount:.2f}) taken as the "
                                                    "amount", "repaired")
            signed_as_given = self.date(rd.text(contract, "dateSigned", f"{path}/dateSigned"))
            period = contract.get("period")
            restated = self.date(period.get("startDate")) if isinstance(period, dict) else None
            signed = self.happened(signed_as_given, released, rd, f"{path}/dateSigned", "contract signing date",
                                   restated)
            for tid in tids or ([ocid] if not lots else []):
                row = tender_rows.get(tid)
                if row is not None and row["contract_signed_on"] is None:
                    row["contract_signed_on"] = signed
            signing = "dateSigned" if signed_as_given is None else "dateSigned it could keep (the one given was cleared)"
            contract_buyer = buyer_id
            listed_buyers = contract.get("buyers")
            if contract_buyer is None and isinstance(listed_buyers, list) and len(listed_buyers) == 1 \
                    and isinstance(listed_buyers[0], dict):
                # Mexico's CompraNet: no release buyer (the release's parties hold two), each contract names its own
                contract_buyer = self.company(listed_buyers[0], rd, f"{path}/buyers[0]", "buyer")
                if contract_buyer is not None:
                    rd.note(f"{path}/buyers", f"{path}: no release buyer; the contract's own buyer "
                                              f"({contract_buyer}) taken", "repaired")
            missing = [name for name, v in (("buyer", contract_buyer), ("supplier", suppliers[0] if suppliers else None),
                                            ("amount", amount), (signing, signed)) if v is None]
            if amount is not None and amount < 0:
                missing.append(f"a non-negative amount (it is {amount:.2f})")
            if missing:
                unmatched = (f" (its awardID {award_id!r} names no award of the release)"
                             if award_id and award_id not in award_suppliers and not suppliers else "")
                rd.note(path, f"{path} ({contract_id}) has no {', no '.join(missing)}{unmatched}: contract dropped from "
                              "the contracts table (the contract needs them)", "dropped")
                continue
            self.rows["contracts"].append({
                "contract_id": f"{ocid}/{contract_id}", "project_id": ocid,
                "tender_id": (tids[0] if tids else (ocid if not lots else None)), "buyer_id": contract_buyer,
                "supplier_id": suppliers[0], "category": category,
                "procedure": procedure, "amount": amount, "signed_on": signed,
                "subject": next((v for v in (contract.get("title"), contract.get("description"))
                                 if isinstance(v, str) and v), None),
                "consortium_members": _join(suppliers[1:]), "award_id": f"{ocid}/{award_id}" if award_id else None,
                "status": rd.text(contract, "status", f"{path}/status"), "currency": currency, "ocid": ocid,
            })
            for k, item in enumerate(rd.arr(contract, "items", f"{path}/items")):
                self.item(item, tids or [ocid], ocid, "contract", contract_id, rd, f"{path}/items[{k}]")

        self.rows["tenders"].extend(tender_rows.values())

    def add(self, no: int, release: dict, problems: list[Problem], published: list[str] | None = None) -> None:
        """Convert one release (``published``: the ``publishedDate`` of its packages or records); its rows are kept
        only if the whole release converts."""
        kept = self.rows
        self.rows = {name: [] for name in COLUMNS}
        try:
            self.release(no, release, problems, published)
        except Exception as e:  # noqa: BLE001 - one odd release must not stop the conversion
            ocid = release.get("ocid")
            problems.append(Problem(no, f"release could not be converted ({type(e).__name__}: {e}), skipped",
                                    ocid=ocid, action="skipped"))
            self.seen.pop(ocid, None)
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
                rd.note(path, f"{path} is {type_name(item)}, expected object")
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
            row = {k: v for k, v in row.items() if not k.startswith("_")}
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


def _is_version_history(value: Any) -> bool:
    """A versioned release's field: a list of {releaseID, releaseDate, releaseTag, value} objects."""
    return (isinstance(value, list) and bool(value) and isinstance(value[0], dict)
            and "releaseDate" in value[0] and "value" in value[0])


def _latest(value: Any) -> Any:
    """A versioned release as its compiled release: each version history (:func:`_is_version_history`) replaced by its
    last value (the merge appends a field's values in release order; a last value of null removes the field, as in a
    compiled release)."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if _is_version_history(v):
                v = v[-1].get("value")
                if v is None:
                    continue
            out[k] = _latest(v)
        return out
    if isinstance(value, list):
        return [_latest(v) for v in value]
    return value


#: OCDS 1.1's closed award status codelist
AWARD_STATUSES = ("pending", "active", "cancelled", "unsuccessful")


def _award_status(rd, award: dict, path: str, award_id: str) -> str | None:
    """An award's status of the codelist; a status written in another case (``Active``) is read as it; an empty one
    (Moldova writes ``""`` on every award) or one of no codelist (Colombia: a person's name) is read as no status, which
    the contracts then decide, and noted."""
    status = rd.text(award, "status", path)
    if status is None or status in AWARD_STATUSES:
        return status
    if status.strip().lower() in AWARD_STATUSES:
        rd.note(path, f"{path} ({award_id}): status “{status}” read as “{status.strip().lower()}”", "repaired")
        return status.strip().lower()
    said = "an empty status" if not status.strip() else f"status “{status}”, of no award status code " \
                                                          f"({', '.join(AWARD_STATUSES)}),"
    rd.note(path, f"{path} ({award_id}): {said} read as an award without status", "repaired")
    return None


def _versioned(release: dict) -> bool:
    """Whether ``release`` is a versioned release (OCDS merging): its ``date``, ``tag`` or ``initiationType``, or a
    field of its ``tender``, or of its first award or contract, is a version history (:func:`_is_version_history`)."""
    objects = [release, release.get("tender")]
    for key in ("awards", "contracts"):
        if isinstance(release.get(key), list) and release[key]:
            objects.append(release[key][0])
    return any(_is_version_history(v) for o in objects if isinstance(o, dict) for v in o.values())


def read_ocds_tables(path: str | Path, *, timezone: str | None = None, stats: ReadStats | None = None,
                     lines: dict[str, int] | None = None) -> tuple[dict, list[Problem]]:
    """Read an OCDS file (JSON lines of releases / release packages / record packages, or one
    package document) into the contract tables. Returns ``(tables, problems)``; every problem
    has the line number (``problem.line``), the ocid and JSON path where known, a message and what
    was done (``problem.what``); bad lines never stop the read.

    The releases of one ocid are compiled with ``ocdsmerge`` wherever they are in the file
    (``reader.iter_compiled``); dates are judged in ``timezone`` (IANA name; ``auto`` or None: inferred from the
    file's currency, :func:`resolve_timezone`, else Asia/Shanghai; see ``local_date``); ``stats`` (a ``ReadStats``) receives the counts of lines, releases, records;
    ``lines`` receives the line of each ocid (for problems found later, by the contract's checks)."""
    problems: list[Problem] = []
    name, basis = resolve_timezone(path, timezone)
    builder = _Builder(zone(name), Path(str(path)).name)
    if stats is not None:
        stats.timezone, stats.timezone_basis = name, basis
    published: dict[str, list[str]] = {}
    for no, release in iter_compiled(path, problems, stats, published):
        builder.add(no, release, problems, published.pop(release.get("ocid"), None))
    if lines is not None:
        lines.update(builder.lines)
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


def _once(rd: Any, ids: list[str], path: str, role: str) -> list[str]:
    """``ids`` with each company once, a repeat noted (repaired): releases that give a supplier or tenderer without an
    ``id`` (OCDS 1.0) each add a copy in the compiled release (the merge appends objects it cannot match), and the
    copies read as a consortium of the company with itself."""
    unique = list(dict.fromkeys(ids))
    if len(unique) < len(ids):
        repeated = sorted({c for c in ids if ids.count(c) > 1})
        rd.note(path, f"{path} names the same {role} more than once ({', '.join(repeated)}; {len(ids)} entries, "
                      f"{len(unique)} companies): each counted once", "repaired")
    return unique


def _unique_id(rd: Any, seen: dict[str, list[Any]], key: str, fingerprint: Any, i: int, path: str, kind: str,
               same: str) -> str | None:
    """The id under which the ``i``-th ``kind`` (bid, award, contract) of a release is kept: ``key`` the first time; a
    repetition with the ``fingerprint`` of any earlier copy is dropped (``None``); other values under a used id are
    kept as ``key#i`` (both listed among the release's notes)."""
    if key in seen:
        if fingerprint in seen[key]:
            rd.note(f"{path}/id", f"{path}: {kind} {key!r} repeated in the release, {same}: the repetition dropped",
                    "dropped")
            return None
        seen[key].append(fingerprint)
        new = f"{key}#{i + 1}"
        rd.note(f"{path}/id", f"{path}: {kind} id {key!r} repeated in the release with other values: kept as {new!r}",
                "repaired")
        key = new
    seen.setdefault(key, []).append(fingerprint)
    return key
