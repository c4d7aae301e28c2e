"""Import an external list of dishonest entities (失信名单) as published by the credit platforms (信用中国 and the
provincial platforms), a CSV or XLSX, into the sanctions registry — with the data contract's own checks: the
unified social credit code's check character (GB 32100-2015), the ``sanctions`` table's measure enumeration and
its spellings, the contract's date formats, an end not before the start. Either every row is entered or none is:
the problems come back all at once, each with its row, column and value."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from bidwatch.contract.schema import TABLES
from bidwatch.contract.sources import first_line
from bidwatch.contract.values import _DATE8_RE, _DATE_RE, enum_key, enum_lookup, uscc_valid
from bidwatch.web.credit import services
from bidwatch.web.credit.models import RegistryEntry

#: header spellings (normalised by ``enum_key``) -> registry field; the platforms' exports differ
HEADERS = {
    "company_name": ("企业名称", "主体名称", "失信主体名称", "单位名称", "名称", "company_name", "name"),
    "uscc": ("统一社会信用代码", "信用代码", "社会信用代码", "uscc"),
    "measure": ("惩戒措施", "失信类型", "名单类型", "列入类型", "measure"),
    "authority": ("认定机关", "决定机关", "列入机关", "作出决定机关", "authority"),
    "document_number": ("决定文书号", "文书号", "文号", "决定书文号", "document_number"),
    "reason": ("列入原因", "失信行为", "失信事由", "事由", "列入事由", "reason"),
    "start_on": ("列入日期", "认定日期", "起始日期", "决定日期", "start_on"),
    "end_on": ("截止日期", "移出日期", "有效期至", "end_on"),
    "person_id": ("人员编号", "专家编号", "person_id"),
}
_BY_HEADER = {enum_key(h): field for field, names in HEADERS.items() for h in names}
_MEASURES = enum_lookup(TABLES["sanctions"].column("measure"))
#: what the platforms call their lists, beyond the contract's own spellings
_MEASURES.update({enum_key(k): v for k, v in {
    "严重失信主体名单": "blacklist", "严重违法失信名单": "blacklist", "黑名单": "blacklist",
    "失信联合惩戒对象": "blacklist", "限制投标": "debarment", "取消投标资格": "debarment"}.items()})
#: the contract's spellings of the measures, named when a row's measure is not one of them
_MEASURE_NAMES = "、".join(TABLES["sanctions"].column("measure").enum.values())
MAX_ROWS = 20000


@dataclass(frozen=True)
class Problem:
    row: int | None
    column: str
    value: str
    expected: str


def _date(text: str) -> dt.date | None:
    t = text.strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    t = re.sub(r"[Tt ].*$", "", t) if re.match(r"^\d{4}-\d{1,2}-\d{1,2}[Tt ]", t) else t
    for pattern in (_DATE_RE, _DATE8_RE):
        m = re.match(pattern, t)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return None
    return None


def read_rows(name: str, data: bytes) -> list[dict[str, str]]:
    """The file's rows as {header: text}; CSV in UTF-8 (with or without BOM) or GB18030, or the first sheet of an
    XLSX."""
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = wb.worksheets[0].iter_rows(values_only=True)
        header = [str(h or "").strip() for h in next(rows, ())]
        out = []
        for values in rows:
            cells = {}
            for h, v in zip(header, values, strict=False):
                if isinstance(v, dt.datetime):
                    v = v.date()
                cells[h] = v.isoformat() if isinstance(v, dt.date) else ("" if v is None else str(v).strip())
            if any(cells.values()):
                out.append(cells)
        return out
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValueError(_("not UTF-8 or GB18030 text"))
    return [{(k or "").strip(): (v or "").strip() for k, v in r.items()} for r in csv.DictReader(io.StringIO(text))
            if any((v or "").strip() for v in r.values())]


def check(rows: list[dict[str, str]], authority: str) -> tuple[list[dict[str, Any]], list[Problem]]:
    """The registry's fields of each row, and every problem found."""
    problems: list[Problem] = []
    if not rows:
        return [], [Problem(None, "", "", _("at least one row"))]
    if len(rows) > MAX_ROWS:
        return [], [Problem(None, "", str(len(rows)), _("at most %(n)s rows") % {"n": MAX_ROWS})]
    columns = {h: _BY_HEADER.get(enum_key(h)) for h in rows[0]}
    found = set(columns.values())
    for needed in ("measure", "start_on"):
        if needed not in found:
            problems.append(Problem(None, needed, "", _("a column %(column)s") % {"column": HEADERS[needed][0]}))
    if not found & {"uscc", "person_id"}:
        problems.append(Problem(None, "uscc", "", _("a column %(column)s") % {"column": HEADERS["uscc"][0]}))
    if problems:
        return [], problems
    out: list[dict[str, Any]] = []
    seen: dict[tuple[str, str, str, Any], int] = {}
    for n, raw in enumerate(rows, start=2):  # row 1 is the header
        r = {field: raw[h] for h, field in columns.items() if field}
        uscc = r.get("uscc", "").strip().upper()
        person = r.get("person_id", "").strip()
        if not uscc and not person:
            problems.append(Problem(n, "uscc", "", _("a unified social credit code")))
        elif uscc and not uscc_valid(uscc):
            problems.append(Problem(n, "uscc", uscc, _(
                "an 18-character unified social credit code with a valid check character (GB 32100-2015)")))
        measure = _MEASURES.get(enum_key(r.get("measure", "")))
        if measure is None:
            problems.append(Problem(n, "measure", r.get("measure", ""),
                                    _("one of %(values)s") % {"values": _MEASURE_NAMES}))
        start = _date(r.get("start_on", ""))
        if start is None:
            problems.append(Problem(n, "start_on", r.get("start_on", ""), _("a date YYYY-MM-DD")))
        end = None
        if r.get("end_on", "").strip():
            end = _date(r["end_on"])
            if end is None:
                problems.append(Problem(n, "end_on", r["end_on"], _("a date YYYY-MM-DD")))
            elif start and end < start:
                problems.append(Problem(n, "end_on", r["end_on"], _("not before the start")))
        expert = measure in RegistryEntry.EXPERT_MEASURES
        if expert and (uscc or not person):
            # the subject of a measure on an evaluation expert is the expert (the scan matches experts.expert_id)
            problems.append(Problem(n, "person_id", uscc or person,
                                    _("the expert's person ID, without a credit code")))
        if measure == RegistryEntry.Measure.EXPERT_REMOVED and end is not None:
            problems.append(Problem(n, "end_on", r["end_on"], _("no end date for a removal from the expert pool")))
        key = (uscc, person, measure or "", start)
        if key in seen:
            problems.append(Problem(n, "uscc", uscc or person, _("not the same as row %(row)s") % {"row": seen[key]}))
        seen[key] = n
        name = r.get("company_name", "")[:300]
        out.append({"uscc": uscc, "person_id": person, "company_id": "", "company_name": "" if expert else name,
                    "person_name": name if expert else "",
                    "measure": measure, "authority": (r.get("authority") or authority).strip()[:200],
                    "document_number": r.get("document_number", "")[:100],
                    "reason": r.get("reason", "").strip() or "外部信用平台公布的失信名单", "legal_basis": "",
                    "start_on": start, "end_on": end})
    return out, problems


@transaction.atomic
def import_list(user: Any, name: str, data: bytes, authority: str, *, request: Any = None) -> tuple[int, list[Problem]]:
    """Enter every row, or none (returns the problems). Each entry gets its history and audit entry."""
    services._require_manager(user)
    if not authority.strip():
        return 0, [Problem(None, "authority", "", _("who published the list"))]
    try:
        rows = read_rows(name, data)
    except Exception as exc:  # an unreadable file is a problem to show, not a crash
        return 0, [Problem(None, "", name, _("a readable CSV or XLSX file") + f": {first_line(exc)}")]
    fields, problems = check(rows, authority)
    if problems:
        return 0, problems
    for f in fields:
        services.record_entry(user, request=request, source=f"导入：{name}"[:200], **f)
    return len(fields), []
