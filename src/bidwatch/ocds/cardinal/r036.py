"""R036 — lowest bid disqualified.

Measures: in a contracting process with price comparison and an active award, whether the lowest
submitted bid in the main currency was disqualified while a valid bid in that currency exists.
Cardinal: ``src/indicators/r036.rs`` (Cardinal 0.0.8).
Threshold: none: flags the process (OCID group, 1.0). When ``currency`` is not set, the main
currency is the first observed (after the second-lowest bid ratio's observation), in file order.
"""

from __future__ import annotations

from bidwatch.ocds.cardinal.base import BIDS, DISQUALIFIED, VALID, Context, Indicator, flag


class R036(Indicator):
    code = "R036"
    phase = BIDS
    reads_amounts = True
    observes_currency = True

    def first_currency(self, ctx: Context) -> str | None:
        if not ctx.price_ok or not ctx.actives:
            return None
        for bid in ctx.details:
            if type(bid) is dict:
                st = bid.get("status")
                if type(st) is str and st != "invited" and st != "withdrawn":
                    v = bid.get("value")
                    if (type(v) is dict and type(v.get("amount")) in (int, float)
                            and type(v.get("currency")) is str):
                        return v["currency"]
        return None

    def fold(self, ctx: Context) -> None:
        if not ctx.price_ok or not ctx.actives:
            return
        amounts = ctx.main_amounts
        if not amounts:
            return
        kinds = ctx.main_kinds
        # The first lowest bid in the main currency.
        if kinds[amounts.index(min(amounts))] == DISQUALIFIED and VALID in kinds:
            flag(ctx.res_ocid, ctx.ocid, "R036", 1.0)
