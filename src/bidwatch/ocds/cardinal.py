"""Cardinal's OCDS red-flag indicators, re-implemented in Python.

R003, R018, R024, R025, R028, R030, R035, R036, R038, R048, R058 follow Cardinal 0.0.8
(open-contracting/cardinal-rs, MIT) definitions, settings and JSON output shape; R044 follows the
unmerged branch that defines it. Quirks kept for parity (see ``settings.py`` for the corrected
behaviour of the first three):

- R030 compares the bid date and the tender period's end date as strings.
- R025 counts a tenderer once per contracting process, not once per valid bid.
- R038's ``minimum_contracting_processes`` is compared with the number of submitted bids.
- Quartiles are Hyndman–Fan type 8 computed as the ``statrs`` crate does; fences use a fused
  multiply-add, as Rust's ``mul_add``; ``Meta`` values are rounded half away from zero to 4 decimals.
- The main currency, when not set, is the first currency observed by R024/R058 or R036, in file
  order (Cardinal runs in parallel, so with several currencies its choice can vary between runs).
- NaN and infinities are written as ``null``.

Everything runs in one pass over the file; the state kept is per tenderer / buyer / procuring
entity and per flagged contracting process, not per release.
"""

from __future__ import annotations

import gc
import math
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable
from datetime import date as _date
from fractions import Fraction
from pathlib import Path

import orjson

from bidwatch.ocds.reader import Problem, iter_range, iter_releases, type_name
from bidwatch.ocds.settings import Settings, split_pipe

GROUPS = ("OCID", "Buyer", "ProcuringEntity", "Tenderer")

# --- numbers --------------------------------------------------------------------------------------


def statrs_quantile(sorted_values, tau: float) -> float:
    """``statrs::statistics::Data::quantile`` (Hyndman–Fan type 8) on already sorted values."""
    n = len(sorted_values)
    if not 0.0 <= tau <= 1.0 or n == 0:
        return math.nan
    h = (n + 1.0 / 3.0) * tau + 1.0 / 3.0
    hf = int(h)
    if hf <= 0 or tau == 0.0:
        return float(sorted_values[0])
    if hf >= n or abs(tau - 1.0) <= 2.220446049250313e-16 * 4:  # ulps_eq!(tau, 1.0)
        return float(sorted_values[n - 1])
    a = float(sorted_values[hf - 1])
    b = float(sorted_values[hf])
    return a + (h - hf) * (b - a)


def quartiles(values) -> tuple[float, float]:
    """First and third quartiles, as Cardinal's ``lower_quartile`` / ``upper_quartile``."""
    s = sorted(values)
    return statrs_quantile(s, 0.25), statrs_quantile(s, 0.75)


def fma(a: float, b: float, c: float) -> float:
    """``a * b + c`` with a single rounding, as Rust's ``f64::mul_add``."""
    if not (math.isfinite(a) and math.isfinite(b) and math.isfinite(c)):
        return a * b + c
    try:
        return float(Fraction(a) * Fraction(b) + Fraction(c))
    except OverflowError:
        return math.copysign(math.inf, a * b + c)


def fdiv(a: float, b: float) -> float:
    """IEEE division (Rust ``f64 /``): no ZeroDivisionError."""
    if b != 0:
        return a / b
    if a == 0 or math.isnan(a):
        return math.nan
    return math.copysign(math.inf, a) * math.copysign(1.0, b)


def round4(v: float) -> float:
    """Cardinal's ``(v * 10_000.0).round() / 10_000.0`` (round half away from zero)."""
    if not math.isfinite(v):
        return v
    y = v * 10_000.0
    r = math.trunc(y)
    if abs(y - r) >= 0.5:
        r += 1 if y > 0 else -1
    return r / 10_000.0


# --- RFC 3339 dates -------------------------------------------------------------------------------

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


# --- the run --------------------------------------------------------------------------------------


class _Wrong:
    """Collects 'wrong type' problems (field ignored), at most a few per line."""

    __slots__ = ("count", "last_line", "problems")

    def __init__(self, problems: list[Problem] | None):
        self.problems = problems
        self.last_line = -1
        self.count = 0

    def __call__(self, no: int, path: str, value, expected: str) -> None:
        if self.problems is None:
            return
        if no != self.last_line:
            self.last_line = no
            self.count = 0
        self.count += 1
        if self.count <= 5:
            self.problems.append(
                Problem(no, f"{path} is {type_name(value)}, expected {expected}", skipped=False))


class _Config:
    """Settings resolved once for the fold."""

    def __init__(self, settings: Settings, map_: bool):
        en = settings.enabled
        self.en003, self.en018, self.en024, self.en025 = en("R003"), en("R018"), en("R024"), en("R025")
        self.en028, self.en030, self.en035, self.en036 = en("R028"), en("R030"), en("R035"), en("R036")
        self.en038, self.en044, self.en048, self.en058 = en("R038"), en("R044"), en("R048"), en("R058")
        self.slbr = self.en024 or self.en058
        self.map = map_
        self.map_tenderers = map_ and (self.en025 or self.en038 or self.en048)
        self.excl = split_pipe(settings.exclusions.get("procurement_method_details"))
        self.npc = split_pipe(settings.no_price_comparison_procurement_methods)
        self.pc = split_pipe(settings.price_comparison_procurement_methods)
        self.currency = settings.currency
        self.r003_threshold = settings.get("R003", "threshold", 15)
        self.r003_methods = split_pipe(settings.get("R003", "procurement_methods"))
        self.r003_details = settings.get("R003", "procurement_method_details", {}) or {}
        r018 = settings.get("R018", "procurement_methods")
        self.r018_methods = split_pipe("open|selective" if r018 is None else r018)
        self.r035_threshold = max(settings.get("R035", "threshold", 1), 1)
        self.r030_instant = settings.r030_dates == "instant"
        self.r025_bids = settings.r025_count == "bids"
        self.r048_digits = settings.get("R048", "digits", 2)
        self.need_currency = self.currency is None and (self.slbr or self.en036)


def _new_state() -> dict:
    return {
        "ocid": {},  # results of the OCID group
        "tenderer": {},  # results of the Tenderer group (set during the fold)
        "ratios": {},  # SecondLowestBidRatio: ocid -> ratio
        "pairs": {},  # ocid -> (winner, lowest non-winner)
        "r025_all": Counter(),  # tenderer -> valid bids (processes, by default)
        "r025_win": Counter(),  # tenderer -> won processes
        "r038_b": {},  # buyer -> [disqualified, submitted, processes]
        "r038_p": {},  # procuring entity -> same
        "r038_sub": Counter(),  # tenderer -> submitted bids
        "r038_disq": Counter(),  # tenderer -> disqualified bids
        "r048": {},  # supplier -> [processes, codes]
        "maps": {name: {} for name in _MAP_NAMES},
        "currency": None,
        "lines": 0,
    }


_MAP_NAMES = ("ocid_buyer_r038", "ocid_procuringentity_r038", "ocid_tenderer", "ocid_tenderer_r024",
              "ocid_tenderer_r028", "ocid_tenderer_r030", "ocid_tenderer_r035", "ocid_tenderer_r058")


def _flag(res: dict, key: str, code: str, value: float) -> None:
    d = res.get(key)
    if d is None:
        res[key] = {code: value}
    else:
        d[code] = value


def _add_r038(counts: dict, key: str, disqualified: int, submitted: int, processes: int) -> None:
    """R038's counters of one buyer or procuring entity: [disqualified, submitted, processes]."""
    f = counts.get(key)
    if f is None:
        counts[key] = [disqualified, submitted, processes]
    else:
        f[0] += disqualified
        f[1] += submitted
        f[2] += processes


def _fold(releases: Iterable[tuple[int, dict]], c: _Config, st: dict, problems: list[Problem] | None,
          cur: str | None, probe: bool = False) -> str | None:
    """Fold releases into the state ``st``; return the main currency at the end. With ``probe``,
    stop as soon as the main currency is known (nothing else is kept)."""
    wrong = _Wrong(problems)
    flag = _flag
    en003, en018, en028, en030, en035 = c.en003, c.en018, c.en028, c.en030, c.en035
    en036, en038, en044, en048, slbr = c.en036, c.en038, c.en044, c.en048, c.slbr
    en025 = c.en025
    do_map, map_tenderers = c.map, c.map_tenderers
    excl, npc, pc = c.excl, c.npc, c.pc
    r003_methods, r003_details, r003_threshold = c.r003_methods, c.r003_details, c.r003_threshold
    r018_methods, r035_threshold = c.r018_methods, c.r035_threshold
    r030_instant, r025_bids, r048_digits = c.r030_instant, c.r025_bids, c.r048_digits
    res_ocid, res_tenderer = st["ocid"], st["tenderer"]
    ratios, pairs = st["ratios"], st["pairs"]
    r025_all, r025_win = st["r025_all"], st["r025_win"]
    r038_b, r038_p, r048 = st["r038_b"], st["r038_p"], st["r048"]
    c038_sub, c038_disq = st["r038_sub"], st["r038_disq"]
    maps = st["maps"]
    m_tenderer, m028, m030, m035 = (maps["ocid_tenderer"], maps["ocid_tenderer_r028"],
                                    maps["ocid_tenderer_r030"], maps["ocid_tenderer_r035"])
    m_buyer, m_pe = maps["ocid_buyer_r038"], maps["ocid_procuringentity_r038"]
    # Bulk lists, counted into the Counters every few thousand releases (C speed).
    g_sub: list = []
    g_disq: list = []
    g_025: list = []
    need_bids = slbr or en025 or en028 or en030 or en035 or en036 or en038 or map_tenderers
    need_awards = slbr or en025 or en030 or en035 or en036 or en048
    dict_, list_, str_, int_, float_ = dict, list, str, int, float
    since_flush = 0

    for no, r in releases:
        ocid = r["ocid"]
        tender = r.get("tender")
        if type(tender) is dict_:
            if tender.get("status") == "cancelled":
                continue
            pmd = tender.get("procurementMethodDetails")
            if type(pmd) is str_:
                if pmd in excl:
                    continue
                price_ok = (pmd in pc) if pc else (pmd not in npc)
            else:
                pmd = None
                price_ok = not pc
        else:
            if tender is not None:
                wrong(no, "/tender", tender, "object")
            tender = None
            pmd = None
            price_ok = not pc

        if not probe:
            # R003 -- short submission period.
            if en003 and tender is not None:
                if r003_methods:
                    pm = tender.get("procurementMethod")
                    ok = type(pm) is str_ and pm in r003_methods
                else:
                    ok = True
                if ok:
                    tp = tender.get("tenderPeriod")
                    if type(tp) is dict_:
                        sd = tp.get("startDate")
                        ed = tp.get("endDate")
                        if type(sd) is str_ and type(ed) is str_:
                            s = parse_rfc3339(sd)
                            e = parse_rfc3339(ed)
                            if s is not None and e is not None:
                                diff = e - s
                                days = diff // _DAY_NS if diff >= 0 else -((-diff) // _DAY_NS)
                                if pmd is not None:
                                    threshold = r003_details.get(pmd, r003_threshold)
                                else:
                                    threshold = r003_threshold
                                if days < threshold:
                                    flag(res_ocid, ocid, "R003", 1.0)
                    elif tp is not None:
                        wrong(no, "/tender/tenderPeriod", tp, "object")

            # R018 -- single bid received.
            if en018 and tender is not None:
                if r018_methods:
                    pm = tender.get("procurementMethod")
                    ok = type(pm) is str_ and pm in r018_methods
                else:
                    ok = True
                if ok:
                    n = tender.get("numberOfTenderers")
                    if type(n) is int_ and n == 1:
                        flag(res_ocid, ocid, "R018", 1.0)

            # R044 -- business similarities between tenderers.
            if en044:
                parties = r.get("parties")
                if type(parties) is list_:
                    _r044(parties, ocid, res_ocid, res_tenderer)
                elif parties is not None:
                    wrong(no, "/parties", parties, "array")

        if not (need_bids or need_awards):
            continue

        bids = r.get("bids")
        details = None
        if type(bids) is dict_:
            details = bids.get("details")
            if type(details) is not list_:
                if details is not None:
                    wrong(no, "/bids/details", details, "array")
                details = None
        elif bids is not None:
            wrong(no, "/bids", bids, "object")
        awards = r.get("awards")
        if type(awards) is not list_:
            if awards is not None:
                wrong(no, "/awards", awards, "array")
            awards = None

        # Awards: the active ones, and whether all awards with a status are final.
        actives = []
        all_final = True
        if awards is not None:
            for a in awards:
                if type(a) is dict_:
                    ast = a.get("status")
                    if ast == "active":
                        actives.append(a)
                    elif type(ast) is str_:
                        if ast != "cancelled" and ast != "unsuccessful":
                            all_final = False
                    elif ast is not None:
                        wrong(no, "/awards[]/status", ast, "string")
                else:
                    wrong(no, "/awards[]", a, "object")
        final = all_final and awards is not None and details is not None
        sole = None  # the supplier of the only complete award, if it has one supplier
        if final and len(actives) == 1:
            sup = actives[0].get("suppliers")
            if type(sup) is list_ and len(sup) == 1:
                s0 = sup[0]
                if type(s0) is dict_:
                    sole = s0.get("id")
                    if type(sole) is not str_:
                        sole = None

        slbr_on = slbr and price_ok and sole is not None
        r036_on = en036 and price_ok and len(actives) > 0
        if probe:
            if slbr_on or r036_on:
                cur = _first_currency(details or [], slbr_on, r036_on)
                if cur is not None:
                    return cur
            continue

        # R048 -- heterogeneous supplier.
        if en048 and actives:
            if len(actives) == 1:
                a = actives[0]
                items = a.get("items")
                sup = a.get("suppliers")
                if type(items) is list_ and type(sup) is list_ and len(sup) == 1:
                    s0 = sup[0]
                    sid = s0.get("id") if type(s0) is dict_ else None
                    if type(sid) is str_:
                        entry = None
                        for it in items:
                            if type(it) is dict_:
                                cl = it.get("classification")
                                if type(cl) is dict_:
                                    cid = cl.get("id")
                                    if type(cid) is str_:
                                        if entry is None:
                                            entry = r048.get(sid)
                                            if entry is None:
                                                entry = r048[sid] = [1, set()]
                                            else:
                                                entry[0] += 1
                                        entry[1].add(cid[:r048_digits])
            else:
                _r048(actives, r048, r048_digits)

        if details is None or not need_bids:
            continue

        r025_on = en025 and sole is not None
        r035_on = en035 and final
        r028_on = en028 and price_ok
        r030_on = False
        if en030 and tender is not None and awards is not None:
            tp = tender.get("tenderPeriod")
            if type(tp) is dict_:
                end_date = tp.get("endDate")
                if type(end_date) is str_:
                    r030_on = True
                    active_ids = set()
                    for a in actives:
                        sup = a.get("suppliers")
                        if type(sup) is list_:
                            for s0 in sup:
                                if type(s0) is dict_:
                                    sid = s0.get("id")
                                    if type(sid) is str_:
                                        active_ids.add(sid)
        need_amount = slbr_on or r028_on or r036_on
        if cur is None and (slbr_on or r036_on):
            cur = _first_currency(details, slbr_on, r036_on)

        winner = lnw = None
        w_amt = l_amt = 0.0
        low36 = None
        low36_disq = has_valid36 = False
        n_sub = n_disq = 0
        track_valid = r025_on or r035_on
        vs1 = []  # tenderer of each valid one-tenderer bid (R025, R035)
        vm = []  # tenderers of valid consortium bids (R035)
        d035 = [] if r035_on else None
        pk = [] if r028_on else None
        sub_start = len(g_sub)
        amount = None
        cur_ok = False

        for bid in details:
            if type(bid) is not dict_:
                wrong(no, "/bids/details[]", bid, "object")
                continue
            bst = bid.get("status")
            if bst == "valid":
                valid = True
                disq = False
            elif bst == "disqualified":
                valid = False
                disq = True
            elif type(bst) is str_:
                if bst == "invited" or bst == "withdrawn":
                    continue  # not submitted: no indicator reads it
                valid = disq = False
            else:
                if bst is not None:
                    wrong(no, "/bids/details[]/status", bst, "string")
                continue
            n_sub += 1
            n_disq += disq
            tl = bid.get("tenderers")
            tid = multi = None
            if type(tl) is list_:
                if len(tl) == 1:
                    t0 = tl[0]
                    if type(t0) is dict_:
                        tid = t0.get("id")
                        if type(tid) is not str_:
                            tid = None
                else:
                    multi = [t.get("id") for t in tl if type(t) is dict_ and type(t.get("id")) is str_]
            elif tl is not None:
                wrong(no, "/bids/details[]/tenderers", tl, "array")
            if need_amount:
                v = bid.get("value")
                if type(v) is dict_:
                    amount = v.get("amount")
                    ta = type(amount)
                    if ta is int_:
                        amount = float_(amount)
                    elif ta is not float_:
                        if amount is not None:
                            wrong(no, "/bids/details[]/value/amount", amount, "number")
                        amount = None
                    currency = v.get("currency")
                    if type(currency) is not str_:
                        amount = None
                    cur_ok = amount is not None and currency == cur
                else:
                    amount = None
                    cur_ok = False
            if tid is not None:
                # One tenderer (the common case).
                g_sub.append(tid)
                if valid:
                    if slbr_on and cur_ok:
                        if tid == sole:
                            if winner is None or amount < w_amt:
                                winner = tid
                                w_amt = amount
                        elif lnw is None or amount < l_amt:
                            lnw = tid
                            l_amt = amount
                    if track_valid:
                        vs1.append(tid)
                    if r030_on and tid in active_ids:
                        bd = bid.get("date")
                        if type(bd) is str_ and _late(bd, end_date, r030_instant):
                            flag(res_ocid, ocid, "R030", 1.0)
                            flag(res_tenderer, tid, "R030", 1.0)
                            if do_map:
                                m030.setdefault(ocid, set()).add(tid)
                elif disq:
                    g_disq.append(tid)
                    if r035_on:
                        d035.append(tid)
                if amount is not None:
                    if r028_on:
                        pk.append(amount)
                    if r036_on and cur_ok:
                        if low36 is None or amount < low36:
                            low36 = amount
                            low36_disq = disq
                        if valid:
                            has_valid36 = True
                continue
            if multi:
                g_sub.extend(multi)
                if disq:
                    g_disq.extend(multi)
            if valid:
                if multi and r035_on:
                    vm.extend(multi)
                if multi and r030_on:
                    bd = bid.get("date")
                    if type(bd) is str_ and _late(bd, end_date, r030_instant):
                        for i in multi:
                            if i in active_ids:
                                flag(res_ocid, ocid, "R030", 1.0)
                                flag(res_tenderer, i, "R030", 1.0)
                                if do_map:
                                    m030.setdefault(ocid, set()).add(i)
            elif disq and r035_on and multi:
                d035.extend(multi)
            if amount is not None:
                if r028_on and multi:
                    pk.append(amount)
                if r036_on and cur_ok:
                    if low36 is None or amount < low36:
                        low36 = amount
                        low36_disq = disq
                    if valid:
                        has_valid36 = True

        # SecondLowestBidRatio (R024, R058).
        if winner is not None and lnw is not None and l_amt >= w_amt:
            ratios[ocid] = fdiv(l_amt - w_amt, w_amt)
            pairs[ocid] = (winner, lnw)

        # R025 -- excessive unsuccessful bids.
        if r025_on and vs1:
            unique = set(vs1)
            g_025.extend(vs1 if r025_bids else unique)
            if sole in unique:
                r025_win[sole] += 1

        # R028 -- identical bid prices (only when two submitted bids share a price).
        if pk and len(pk) > 1 and len(set(pk)) < len(pk):
            _r028(details, ocid, res_ocid, res_tenderer, m028 if do_map else None)

        # R035 -- all except winning bid disqualified.
        if r035_on and (vs1 or vm):
            vs = set(vs1)
            if vm:
                vs.update(vm)
            if len(vs) == 1:
                award_ids = set()
                for a in actives:
                    sup = a.get("suppliers")
                    if type(sup) is list_:
                        for s0 in sup:
                            if type(s0) is dict_:
                                sid = s0.get("id")
                                if type(sid) is str_:
                                    award_ids.add(sid)
                if vs == award_ids:
                    difference = len(set(d035) - vs)
                    if difference >= r035_threshold:
                        flag(res_ocid, ocid, "R035", float_(difference))
                        (w,) = vs
                        flag(res_tenderer, w, "R035", 0.0)
                        if do_map:
                            m035.setdefault(ocid, set()).add(w)

        # R036 -- lowest bid disqualified.
        if low36_disq and has_valid36:
            flag(res_ocid, ocid, "R036", 1.0)

        # R038 -- excessive disqualified bids, per buyer and procuring entity.
        if en038 and n_sub:
            buyer = r.get("buyer")
            if type(buyer) is dict_:
                bid_ = buyer.get("id")
                if type(bid_) is str_:
                    _add_r038(r038_b, bid_, n_disq, n_sub, 1)
                    if do_map and n_disq:
                        m_buyer[ocid] = bid_
            elif buyer is not None:
                wrong(no, "/buyer", buyer, "object")
            if tender is not None:
                pe = tender.get("procuringEntity")
                if type(pe) is dict_:
                    pid = pe.get("id")
                    if type(pid) is str_:
                        _add_r038(r038_p, pid, n_disq, n_sub, 1)
                        if do_map and n_disq:
                            m_pe[ocid] = pid

        if map_tenderers and len(g_sub) > sub_start:
            ts = m_tenderer.get(ocid)
            if ts is None:
                ts = m_tenderer[ocid] = set()
            ts.update(g_sub[sub_start:])

        since_flush += 1
        if since_flush >= 1024:
            since_flush = 0
            if en038:
                c038_sub.update(g_sub)
                c038_disq.update(g_disq)
            r025_all.update(g_025)
            g_sub.clear()
            g_disq.clear()
            g_025.clear()

    if en038:
        c038_sub.update(g_sub)
        c038_disq.update(g_disq)
    r025_all.update(g_025)
    st["currency"] = cur
    return cur


def _merge(a: dict, b: dict) -> None:
    """Merge the state ``b`` (a later part of the file) into ``a``."""
    for name in ("ocid", "tenderer"):
        mine = a[name]
        for key, values in b[name].items():
            d = mine.get(key)
            if d is None:
                mine[key] = values
            else:
                d.update(values)
    a["ratios"].update(b["ratios"])
    a["pairs"].update(b["pairs"])
    for name in ("r025_all", "r025_win", "r038_sub", "r038_disq"):
        a[name].update(b[name])
    for name in ("r038_b", "r038_p"):
        for key, f in b[name].items():
            _add_r038(a[name], key, f[0], f[1], f[2])
    for key, (count, codes) in b["r048"].items():
        g = a["r048"].get(key)
        if g is None:
            a["r048"][key] = [count, codes]
        else:
            g[0] += count
            g[1] |= codes
    for name, table in b["maps"].items():
        mine = a["maps"][name]
        for key, value in table.items():
            if isinstance(value, set) and key in mine:
                mine[key] |= value
            else:
                mine[key] = value


def _finalize(st: dict, c: _Config, settings: Settings, meta: bool) -> dict:
    res_ocid, res_tenderer = st["ocid"], st["tenderer"]
    res_buyer: dict = {}
    res_pe: dict = {}
    ratios, pairs, maps = st["ratios"], st["pairs"], st["maps"]
    meta_out: dict[str, dict] = {}
    flag = _flag

    if c.en024:
        threshold = settings.get("R024", "threshold")
        if threshold is None:
            q1, q3 = quartiles(ratios.values())
            lower = fma(q3 - q1, -1.5, q1)
            meta_out["R024"] = {"q1": q1, "q3": q3}
        else:
            lower, q1 = float(threshold), 1.0
        meta_out.setdefault("R024", {})["lower_fence"] = lower
        if q1 > 0.0 and lower > 0.0:
            for o, ratio in ratios.items():
                if ratio <= lower:
                    flag(res_ocid, o, "R024", ratio)
                    for i in pairs[o]:
                        flag(res_tenderer, i, "R024", 0.0)
                        if c.map:
                            maps["ocid_tenderer_r024"].setdefault(o, set()).add(i)

    if c.en025:
        r025_all, r025_win = st["r025_all"], st["r025_win"]
        percentile = settings.get("R025", "percentile", 75)
        upper = statrs_quantile(sorted(map(float, r025_all.values())), percentile / 100.0)
        threshold = settings.get("R025", "threshold")
        if threshold is None:
            q1, q3 = quartiles([r025_win.get(k, 0) / n for k, n in r025_all.items()])
            lower = fma(q3 - q1, -1.5, q1)
            meta_out["R025"] = {"q1": q1, "q3": q3}
        else:
            lower, q1 = float(threshold), 1.0
        meta_out.setdefault("R025", {}).update(upper_fence=upper, lower_fence=lower)
        if q1 > 0.0 and lower > 0.0:
            for k, n in r025_all.items():
                ratio = r025_win.get(k, 0) / n
                if n >= upper and ratio <= lower:
                    flag(res_tenderer, k, "R025", ratio)

    if c.en038:
        threshold = settings.get("R038", "threshold")
        min_bids = settings.get("R038", "minimum_submitted_bids", 2)
        min_processes = settings.get("R038", "minimum_contracting_processes", 2)
        col = 2 if settings.r038_minimum_contracting_processes == "processes" else 1
        sub, disq = st["r038_sub"], st["r038_disq"]
        tenderer_ratios = {k: disq.get(k, 0) / n for k, n in sub.items() if n >= min_bids}
        for group, res, group_ratios in (
            ("Buyer", res_buyer, {k: f[0] / f[1] for k, f in st["r038_b"].items() if f[col] >= min_processes}),
            ("ProcuringEntity", res_pe,
             {k: f[0] / f[1] for k, f in st["r038_p"].items() if f[col] >= min_processes}),
            ("Tenderer", res_tenderer, tenderer_ratios),
        ):
            if not group_ratios:
                continue
            m = meta_out.setdefault("R038", {})
            if threshold is None:
                q1, q3 = quartiles(group_ratios.values())
                upper = fma(q3 - q1, 1.5, q3)
                m[f"{group}_q1"] = q1
                m[f"{group}_q3"] = q3
            else:
                upper = float(threshold)
            m[f"{group}_upper_fence"] = upper
            if upper > 0.0:
                for k, ratio in group_ratios.items():
                    if ratio >= upper:
                        flag(res, k, "R038", ratio)

    if c.en048:
        minimum = settings.get("R048", "minimum_contracting_processes", 20)
        lengths = {k: float(len(codes)) for k, (count, codes) in st["r048"].items() if count >= minimum}
        threshold = settings.get("R048", "threshold")
        if threshold is None:
            q1, q3 = quartiles(lengths.values())
            upper = fma(q3 - q1, 1.5, q3)
            meta_out["R048"] = {"q1": q1, "q3": q3}
        else:
            upper = float(threshold)
        meta_out.setdefault("R048", {})["upper_fence"] = upper
        for k, length in lengths.items():
            if length >= upper:
                flag(res_tenderer, k, "R048", length)

    if c.en058:
        threshold = settings.get("R058", "threshold")
        if threshold is None:
            q1, q3 = quartiles(ratios.values())
            upper = fma(q3 - q1, 1.5, q3)
            meta_out["R058"] = {"q1": q1, "q3": q3}
        else:
            upper = float(threshold)
        meta_out.setdefault("R058", {})["upper_fence"] = upper
        if upper > 0.0:
            for o, ratio in ratios.items():
                if ratio >= upper:
                    flag(res_ocid, o, "R058", ratio)
                    w = pairs[o][0]
                    flag(res_tenderer, w, "R058", 0.0)
                    if c.map:
                        maps["ocid_tenderer_r058"].setdefault(o, set()).add(w)

    out: dict = {}
    for name, res in zip(GROUPS, (res_ocid, res_buyer, res_pe, res_tenderer)):
        if res:
            out[name] = res
    if meta:
        out["Meta"] = {code: {k: round4(v) for k, v in values.items()} for code, values in meta_out.items()}
    if c.map:
        out["Maps"] = {
            name: {k: (sorted(v) if isinstance(v, set) else v) for k, v in table.items()}
            for name, table in maps.items()
        }
    return out


# --- entry point ----------------------------------------------------------------------------------

MIN_PARALLEL_BYTES = 16 << 20


def default_jobs() -> int:
    """Worker processes: the CPUs this process may use, at most 2 (more rarely pays off here)."""
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        n = os.cpu_count() or 1
    return max(1, min(n, 2))


def compute(
    source: str | Path | Iterable[tuple[int, dict]],
    settings: Settings | None = None,
    *,
    map: bool = False,
    meta: bool = True,
    problems: list[Problem] | None = None,
    jobs: int | None = None,
) -> dict:
    """Run the enabled indicators over ``source`` (a path, ``-``, or ``(line, release)`` pairs)
    and return Cardinal's result object: ``{"OCID": ..., "Buyer": ..., "ProcuringEntity": ...,
    "Tenderer": ..., "Meta": ...}`` (empty groups left out), plus ``"Maps"`` when ``map``.

    A JSON-lines file of at least 16 MiB is split at line boundaries over ``jobs`` processes
    (default: up to 2); the result is the same as a sequential run."""
    if settings is None:
        settings = Settings.all_indicators()
    if problems is None:
        problems = []
    c = _Config(settings, map)
    if c.npc and c.pc:
        problems.append(Problem(0, "no_price_comparison_procurement_methods has no effect if "
                                   "price_comparison_procurement_methods is set", skipped=False))
    jobs = default_jobs() if jobs is None else max(1, jobs)
    st = _new_state()
    # The fold makes no reference cycles: the cyclic GC would only walk every live object (all of
    # pandas' when the full CLI loaded it) again and again. Frozen objects are also not touched by
    # a forked worker's GC, which keeps their memory pages shared.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    gc.freeze()
    try:
        if isinstance(source, (str, Path)):
            ranges = _split(source, jobs) if jobs > 1 else None
            if ranges:
                _parallel(source, ranges, c, st, problems)
            else:
                _fold(iter_releases(source, problems), c, st, problems, c.currency)
        else:
            _fold(source, c, st, problems, c.currency)
    finally:
        gc.unfreeze()
        if gc_was_enabled:
            gc.enable()
    t0 = time.perf_counter()
    out = _finalize(st, c, settings, meta)
    _timing(f"finalize {time.perf_counter() - t0:.2f} s")
    return out


def _timing(message: str) -> None:
    if os.environ.get("BIDWATCH_OCDS_TIMING"):
        print(f"timing: {message}", file=sys.stderr)


def _split(path: str | Path, jobs: int) -> list[tuple[int, int]] | None:
    """Byte ranges starting at line starts, or None when the file should be read in one go
    (small, standard input, not JSON lines)."""
    if str(path) == "-" or str(path).endswith(".gz"):
        return None
    try:
        size = os.path.getsize(path)
    except OSError:
        return None
    if size < MIN_PARALLEL_BYTES:
        return None
    with open(path, "rb") as f:
        first = f.readline()
        if first.startswith(b"\xef\xbb\xbf"):
            first = first[3:]
        try:
            obj = orjson.loads(first)
        except orjson.JSONDecodeError:
            return None  # maybe one pretty-printed document: read sequentially
        if not isinstance(obj, dict):
            return None
        # The first range (read by the parent, which also merges and finalizes) is a bit smaller.
        weights = [0.9] + [1.0] * (jobs - 1)
        total = sum(weights)
        cuts = [0]
        for k in range(1, jobs):
            f.seek(max(int(size * sum(weights[:k]) / total) - 1, cuts[-1]))
            f.readline()
            pos = f.tell()
            if pos >= size or pos <= cuts[-1]:
                break
            cuts.append(pos)
    cuts.append(size)
    return [(cuts[i], cuts[i + 1]) for i in range(len(cuts) - 1)]


def _run_range(path, start, end, c, cur, probe=False):
    problems: list[Problem] = []
    st = _new_state()
    lines = [0]
    found = _fold(iter_range(path, start, end, problems, lines), c, st, problems, cur, probe)
    st["lines"] = lines[0]
    return st, problems, found


def _fork_context():
    """The ``fork`` multiprocessing context, or None when forking is not safe: another thread is
    running (it may hold a lock the child would inherit, held forever), e.g. in a web server, or
    in a process that started Spark (py4j and the SparkContext leave threads running), or the
    platform has no fork. The range is then read in this process: same result, no worker."""
    import multiprocessing
    import threading

    if threading.active_count() != 1:
        return None
    try:
        return multiprocessing.get_context("fork")
    except ValueError:
        return None


def _parallel(path, ranges, c: _Config, st: dict, problems: list[Problem]) -> None:
    import pickle

    ctx = _fork_context()
    # The main currency each range starts with: Cardinal takes the first one observed in the file.
    starts = [c.currency] * len(ranges)
    if c.need_currency:
        cur = None
        for k in range(1, len(ranges)):
            if cur is None:
                cur = _fold(iter_range(path, *ranges[k - 1], []), c, _new_state(), None, None, probe=True)
            starts[k] = cur
    if ctx is None:
        parts = [_run_range(path, s, e, c, cur) for (s, e), cur in zip(ranges, starts)]
    else:
        children = []
        for (s, e), cur in list(zip(ranges, starts))[1:]:
            reader, writer = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_child, args=(writer, path, s, e, c, cur), daemon=True)
            proc.start()
            writer.close()
            children.append((proc, reader))
        t0 = time.perf_counter()
        c0 = time.process_time()
        parts = [_run_range(path, *ranges[0], c, starts[0])]
        _timing(f"parent range {ranges[0]}: {time.perf_counter() - t0:.2f} s wall, "
                f"{time.process_time() - c0:.2f} s cpu")
        for (proc, reader), (s, e), cur in zip(children, ranges[1:], starts[1:]):
            try:
                payload = reader.recv_bytes()
            except EOFError:
                payload = None
            proc.join()
            _timing(f"child {proc.pid} done {time.perf_counter() - t0:.2f} s after the fork")
            part = pickle.loads(payload) if payload is not None else None
            if not isinstance(part, tuple):
                # The worker died or failed: read its range here instead.
                problems.append(Problem(0, f"worker process failed ({part or f'exit code {proc.exitcode}'}); "
                                           "its part of the file was read again sequentially", skipped=False))
                part = _run_range(path, s, e, c, cur)
            parts.append(part)
    t1 = time.perf_counter()
    offset = 0
    for i, (part, part_problems, _) in enumerate(parts):
        if i == 0:
            st.update(part)
        else:
            _merge(st, part)
        for p in part_problems:
            problems.append(Problem(p.line + offset, p.message, p.skipped) if p.line else p)
        offset += part["lines"]
    _timing(f"merge {time.perf_counter() - t1:.2f} s")


def _child(writer, path, start, end, c, cur) -> None:
    import pickle

    try:
        c0 = time.process_time()
        part = _run_range(path, start, end, c, cur)
        payload = pickle.dumps(part, protocol=pickle.HIGHEST_PROTOCOL)
        _timing(f"child range {(start, end)}: {time.process_time() - c0:.2f} s cpu, "
                f"{len(payload) / 2**20:.1f} MiB sent")
    except BaseException as e:  # noqa: BLE001 - reported by the parent, which redoes the range
        payload = pickle.dumps(f"{type(e).__name__}: {e}")
    writer.send_bytes(payload)
    writer.close()


def _late(bid_date: str, end_date: str, instant: bool) -> bool:
    """R030's "bid received after the deadline": Cardinal compares the strings; the corrected
    behaviour compares instants (an unparseable date is never late)."""
    if not instant:
        return bid_date > end_date
    b = parse_instant(bid_date)
    e = parse_instant(end_date)
    return b is not None and e is not None and b > e


def _r028(details: list, ocid: str, res_ocid: dict, res_tenderer: dict, m028: dict | None) -> None:
    """R028 on a release where two submitted bids share an amount: Cardinal's loop, exactly
    (prices re-assigned bid after bid)."""
    prices: dict = {}
    for bid in details:
        if type(bid) is not dict:
            continue
        st = bid.get("status")
        if type(st) is not str or st == "invited" or st == "withdrawn":
            continue
        tl = bid.get("tenderers")
        v = bid.get("value")
        if type(tl) is not list or type(v) is not dict:
            continue
        amount = v.get("amount")
        currency = v.get("currency")
        if type(amount) not in (int, float) or type(currency) is not str:
            continue
        ids = frozenset(i for t in tl if type(t) is dict and type(i := t.get("id")) is str)
        if not ids:
            continue
        key = (float(amount), currency)
        other = prices.get(key)
        if other is not None and ids != other:
            _flag(res_ocid, ocid, "R028", 1.0)
            for i in ids | other:
                _flag(res_tenderer, i, "R028", 1.0)
                if m028 is not None:
                    m028.setdefault(ocid, set()).add(i)
        prices[key] = ids


def _r048(actives: list, r048: dict, digits: int) -> None:
    observed = None
    for a in actives:
        items = a.get("items")
        sup = a.get("suppliers")
        if type(items) is list and type(sup) is list and len(sup) == 1:
            s0 = sup[0]
            if type(s0) is dict:
                sid = s0.get("id")
                if type(sid) is str:
                    codes = [cl["id"][:digits] for it in items
                             if type(it) is dict and type(cl := it.get("classification")) is dict
                             and type(cl.get("id")) is str]
                    if codes:
                        entry = r048.get(sid)
                        if entry is None:
                            entry = r048[sid] = [0, set()]
                        if observed is None:
                            observed = {sid}
                            entry[0] += 1
                        elif sid not in observed:
                            observed.add(sid)
                            entry[0] += 1
                        entry[1].update(codes)


def _first_currency(details: list, slbr_on: bool, r036_on: bool) -> str | None:
    """The currency Cardinal would observe first in this release (SecondLowestBidRatio runs
    before R036)."""
    if slbr_on:
        for bid in details:
            if type(bid) is dict and bid.get("status") == "valid":
                v = bid.get("value")
                t = bid.get("tenderers")
                if (type(v) is dict and type(v.get("amount")) in (int, float) and type(v.get("currency")) is str
                        and type(t) is list and len(t) == 1 and type(t[0]) is dict
                        and type(t[0].get("id")) is str):
                    return v["currency"]
    if r036_on:
        for bid in details:
            if type(bid) is dict:
                st = bid.get("status")
                if type(st) is str and st != "invited" and st != "withdrawn":
                    v = bid.get("value")
                    if type(v) is dict and type(v.get("amount")) in (int, float) and type(v.get("currency")) is str:
                        return v["currency"]
    return None


_WHITE_SPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"


def _r044_address(party: dict) -> str | None:
    address = party.get("address")
    if type(address) is dict and "streetAddress" in address:
        parts = []
        for field in ("streetAddress", "locality", "region", "postalCode", "countryName"):
            v = address.get(field)
            if type(v) is str:
                parts.append(v.strip(_WHITE_SPACE).lower() + " ")
        return "".join(parts)
    return None


def _r044_contact(a, b) -> bool:
    if type(a) is dict and type(b) is dict:
        for field in ("name", "email", "telephone", "faxNumber", "url"):
            x = a.get(field)
            y = b.get(field)
            if type(x) is str and type(y) is str:
                return x == y
    return False


def _r044(parties: list, ocid: str, res_ocid: dict, res_tenderer: dict) -> None:
    flag = _flag
    tenderers: dict[str, tuple] = {}
    for p in parties:
        if type(p) is dict:
            roles = p.get("roles")
            pid = p.get("id")
            if type(roles) is list and "tenderer" in roles and type(pid) is str:
                tenderers[pid] = (_r044_address(p), p.get("contactPoint"))
    if len(tenderers) < 2:
        return
    for id_a, (addr_a, cp_a) in tenderers.items():
        for id_b, (addr_b, cp_b) in tenderers.items():
            if id_a != id_b and ((addr_a is not None and addr_a == addr_b) or _r044_contact(cp_b, cp_a)):
                flag(res_ocid, ocid, "R044", 1.0)
                flag(res_tenderer, id_a, "R044", 1.0)


def dumps(result: dict) -> bytes:
    """Cardinal's compact JSON (NaN and infinities as null)."""
    return orjson.dumps(result)
