"""The second-lowest bid ratio shared by R024 and R058 (Cardinal's ``SecondLowestBidRatio``).

Per contracting process with price comparison whose awards are final with one active award of one
supplier: the lowest valid one-tenderer bid of that supplier (the winner) and the lowest valid
one-tenderer bid of another tenderer, both in the main currency; when the other's is not lower,
the ratio (second lowest − lowest) / lowest. Not an indicator itself: R024 and R058 fence these
ratios. It also names the main currency when none is set (the first currency of a valid
one-tenderer bid in such a process), before R036 does.
"""

from __future__ import annotations

from bidwatch.ocds.cardinal.base import BIDS, Context, Indicator
from bidwatch.ocds.cardinal.numbers import fdiv
from bidwatch.ocds.settings import Settings


class SecondLowestBidRatio(Indicator):
    code = "SecondLowestBidRatio"
    phase = BIDS
    reads_amounts = True
    observes_currency = True

    def __init__(self, settings: Settings, map_: bool):
        super().__init__(settings, map_)
        self.ratios: dict = {}  # ocid -> ratio
        self.pairs: dict = {}  # ocid -> (winner, lowest non-winner)

    @classmethod
    def enabled(cls, settings: Settings) -> bool:
        return False  # only as a calculation R024 and R058 use

    def first_currency(self, ctx: Context) -> str | None:
        if not ctx.price_ok or ctx.sole is None:
            return None
        for bid in ctx.details:
            if type(bid) is dict and bid.get("status") == "valid":
                v = bid.get("value")
                t = bid.get("tenderers")
                if (type(v) is dict and type(v.get("amount")) in (int, float)
                        and type(v.get("currency")) is str and type(t) is list and len(t) == 1
                        and type(t[0]) is dict and type(t[0].get("id")) is str):
                    return v["currency"]
        return None

    def fold(self, ctx: Context) -> None:
        sole = ctx.sole
        mv = ctx.main_valid1
        if sole is None or len(mv) < 2 or not ctx.price_ok:
            return
        w_amt = l_amt = lnw = None
        for amount, tid in mv:
            if tid == sole:
                if w_amt is None or amount < w_amt:
                    w_amt = amount
            elif l_amt is None or amount < l_amt:
                l_amt = amount
                lnw = tid
        if w_amt is not None and l_amt is not None and l_amt >= w_amt:
            self.ratios[ctx.ocid] = fdiv(l_amt - w_amt, w_amt)
            self.pairs[ctx.ocid] = (sole, lnw)

    def merge(self, other: SecondLowestBidRatio) -> None:
        self.ratios.update(other.ratios)
        self.pairs.update(other.pairs)
