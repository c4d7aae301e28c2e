"""R028 — identical bid prices.

Measures: submitted bids of different tenderers (or consortia) with the same amount and currency in
one contracting process with price comparison.
Cardinal: ``src/indicators/r028.rs`` (Cardinal 0.0.8).
Threshold: none: flags the process (OCID group, 1.0) and the tenderers of both bids (Tenderer group,
1.0). Cardinal's loop is kept exactly (the price table is re-assigned bid after bid); it only runs
when two submitted bids share an amount.
"""

from __future__ import annotations

from bidwatch.ocds.cardinal.base import BIDS, Context, Indicator, flag


class R028(Indicator):
    code = "R028"
    phase = BIDS
    reads_amounts = True

    def fold(self, ctx: Context) -> None:
        if not ctx.price_ok:
            return
        # Two amounts alike (any currency, any bid) or not: the exact loop only runs when they are.
        amounts = ctx.main_amounts
        if ctx.other_amounts:
            amounts = amounts + ctx.other_amounts
        if len(amounts) > 1 and len(set(amounts)) < len(amounts):
            _exact(ctx.details, ctx.ocid, ctx.res_ocid, ctx.res_tenderer,
                   ctx.maps["ocid_tenderer_r028"] if ctx.maps is not None else None)


def _exact(details: list, ocid: str, res_ocid: dict, res_tenderer: dict, m028: dict | None) -> None:
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
            flag(res_ocid, ocid, "R028", 1.0)
            for i in ids | other:
                flag(res_tenderer, i, "R028", 1.0)
                if m028 is not None:
                    m028.setdefault(ocid, set()).add(i)
        prices[key] = ids
