"""RFC 3339 date-times as ``chrono`` parses them (R003), and the corrected R030's instants."""

from __future__ import annotations

import re
from datetime import date as _date

_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|([+-])(\d{2}):(\d{2}))\Z",
    re.ASCII,
)
_NS = 1_000_000_000
_DAY_NS = 86_400 * _NS
_day_cache: dict[str, int | None] = {}
_time_cache: dict[str, int | None] = {}


def _day_ordinal(text: str) -> int | None:
    v = _day_cache.get(text)
    if v is None and text not in _day_cache:
        try:
            v = _date(int(text[0:4]), int(text[5:7]), int(text[8:10])).toordinal()
        except ValueError:
            v = None
        if len(_day_cache) < 100_000:
            _day_cache[text] = v
    return v


def parse_rfc3339(text: str) -> int | None:
    """Nanoseconds since 0001-01-01 UTC of an RFC 3339 date-time (``chrono``'s
    ``parse_from_rfc3339``), or None when it is not one."""
    # Fast path: YYYY-MM-DDTHH:MM:SSZ, with caches filled only from validated strings.
    if len(text) == 20 and text[19] == "Z" and text[10] == "T":
        t = _time_cache.get(text[11:19])
        d = _day_cache.get(text[0:10])
        if t is not None and d is not None:
            return d * _DAY_NS + t
        m = _RFC3339.match(text)
        if m is None:
            return None
        hh, mm, ss = int(m.group(4)), int(m.group(5)), int(m.group(6))
        if hh > 23 or mm > 59 or ss > 60:
            return None
        t = (hh * 3600 + mm * 60 + ss) * _NS
        if len(_time_cache) < 100_000:
            _time_cache[text[11:19]] = t
        d = _day_ordinal(text[0:10])
        if d is None:
            return None
        return d * _DAY_NS + t
    m = _RFC3339.match(text)
    if m is None:
        return None
    hh, mm, ss = int(m.group(4)), int(m.group(5)), int(m.group(6))
    if hh > 23 or mm > 59 or ss > 60:
        return None
    d = _day_ordinal(text[0:10])
    if d is None:
        return None
    frac = m.group(7)
    nanos = int((frac + "000000000")[:9]) if frac else 0
    offset = 0
    if m.group(8):
        oh, om = int(m.group(9)), int(m.group(10))
        if oh > 23 or om > 59:
            return None
        offset = (oh * 3600 + om * 60) * _NS
        if m.group(8) == "-":
            offset = -offset
    return d * _DAY_NS + (hh * 3600 + mm * 60 + ss) * _NS + nanos - offset


def days_between(start: str, end: str) -> int | None:
    """Whole days from ``start`` to ``end`` (RFC 3339 date-times), rounded towards zero as
    ``chrono``'s ``num_days``; None when either is not one. R003's measure: one call per release,
    both dates read from the caches when both are ``YYYY-MM-DDTHH:MM:SSZ`` already seen."""
    if (len(start) == 20 and len(end) == 20 and start[19] == "Z" and end[19] == "Z" and start[10] == "T"
            and end[10] == "T"):
        ts = _time_cache.get(start[11:19])
        te = _time_cache.get(end[11:19])
        ds = _day_cache.get(start[0:10])
        de = _day_cache.get(end[0:10])
        if ts is None or te is None or ds is None or de is None:
            s = parse_rfc3339(start)
            e = parse_rfc3339(end)
            if s is None or e is None:
                return None
            diff = e - s
        else:
            diff = (de - ds) * _DAY_NS + (te - ts)
    else:
        s = parse_rfc3339(start)
        e = parse_rfc3339(end)
        if s is None or e is None:
            return None
        diff = e - s
    return diff // _DAY_NS if diff >= 0 else -((-diff) // _DAY_NS)


_NAIVE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\Z", re.ASCII)


def parse_instant(text: str) -> int | None:
    """Like :func:`parse_rfc3339`, but also a date or a date-time without offset (taken as UTC).
    Used by the corrected R030."""
    v = parse_rfc3339(text)
    if v is not None:
        return v
    m = _NAIVE.match(text)
    if m is None:
        return None
    d = _day_ordinal(text[0:10])
    if d is None:
        return None
    hh, mm, ss = int(m.group(4) or 0), int(m.group(5) or 0), int(m.group(6) or 0)
    if hh > 23 or mm > 59 or ss > 60:
        return None
    frac = m.group(7)
    nanos = int((frac + "000000000")[:9]) if frac else 0
    return d * _DAY_NS + (hh * 3600 + mm * 60 + ss) * _NS + nanos
