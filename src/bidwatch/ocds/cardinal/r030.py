"""R030 — late bid won.

Measures: valid bids of a tenderer that is a supplier of an active award, received after the
tender period's end date.
Cardinal: ``src/indicators/r030.rs`` (Cardinal 0.0.8).
Threshold: none: flags the contracting process (OCID group, 1.0) and the tenderer (Tenderer group,
1.0). Cardinal compares the bid date and the end date as strings (time zones break it); with
``r030_dates = instant`` in ``[bidwatch]`` they are compared as instants (an unparseable date is
never late).
"""

from __future__ import annotations

from bidwatch.ocds.cardinal.base import BIDS, Context, Indicator, active_supplier_ids, flag
from bidwatch.ocds.cardinal.dates import parse_instant
from bidwatch.ocds.settings import Settings


class R030(Indicator):
    code = "R030"
    phase = BIDS

    def __init__(self, settings: Settings, map_: bool):
        super().__init__(settings, map_)
        self.instant = settings.r030_dates == "instant"

    def fold(self, ctx: Context) -> None:
        valid1, multi_bids = ctx.valid1, ctx.multi_bids
        only = ctx.only_supplier
        if only is not None and not multi_bids:
            # The common case: one award, one supplier, no consortium bid.
            n = valid1.count(only)
            if n:
                tender = ctx.tender
                tp = tender.get("tenderPeriod") if tender is not None else None
                end_date = tp.get("endDate") if type(tp) is dict else None
                if type(end_date) is str:
                    bids1 = ctx.valid1_bids
                    instant = self.instant
                    i = valid1.index(only)  # usually the winner's one bid
                    while True:
                        bd = bids1[i].get("date")
                        if type(bd) is str and (late(bd, end_date, True) if instant else bd > end_date):
                            _flag(ctx.res_ocid, ctx.res_tenderer, ctx.maps, ctx.ocid, only)
                        n -= 1
                        if not n:
                            break
                        i = valid1.index(only, i + 1)
            return
        if not ctx.actives or not (valid1 or multi_bids):
            return
        end_date = _end_date(ctx.tender)
        if end_date is None:
            return
        if only is not None:
            active_ids = {only}
        else:
            active_ids = active_supplier_ids(ctx.actives)
            if not active_ids:
                return
        # The valid bids of an award's supplier, in bid order: one-tenderer bids found by position
        # (usually one winner, one bid), consortium bids placed back among them.
        found = []
        if not active_ids.isdisjoint(valid1):
            bids1 = ctx.valid1_bids
            for tid in active_ids:
                i = -1
                for _ in range(valid1.count(tid)):
                    i = valid1.index(tid, i + 1)
                    found.append((i, 1, (tid,), bids1[i]))
        for pos, multi, bid in multi_bids:
            found.append((pos, 0, multi, bid))
        if len(found) > 1:
            found.sort(key=_position)
        instant = self.instant
        for _, _, ids, bid in found:
            bd = bid.get("date")
            if type(bd) is str and late(bd, end_date, instant):
                for i in ids:
                    if i in active_ids:
                        _flag(ctx.res_ocid, ctx.res_tenderer, ctx.maps, ctx.ocid, i)


def _end_date(tender: dict | None) -> str | None:
    if tender is not None:
        tp = tender.get("tenderPeriod")
        if type(tp) is dict:
            end_date = tp.get("endDate")
            if type(end_date) is str:
                return end_date
    return None


def _flag(res_ocid: dict, res_tenderer: dict, maps: dict | None, ocid: str, tenderer: str) -> None:
    flag(res_ocid, ocid, "R030", 1.0)
    flag(res_tenderer, tenderer, "R030", 1.0)
    if maps is not None:
        maps["ocid_tenderer_r030"].setdefault(ocid, set()).add(tenderer)


def _position(entry: tuple) -> tuple[int, int]:
    return entry[0], entry[1]


def late(bid_date: str, end_date: str, instant: bool) -> bool:
    """R030's "bid received after the deadline": Cardinal compares the strings; the corrected
    behaviour compares instants (an unparseable date is never late)."""
    if not instant:
        return bid_date > end_date
    b = parse_instant(bid_date)
    e = parse_instant(end_date)
    return b is not None and e is not None and b > e
