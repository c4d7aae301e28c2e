"""R035 — all except winning bid disqualified.

Measures: in a contracting process whose awards are final, the tenderers disqualified when exactly
one tenderer (or consortium member set of one) has valid bids and it is the active awards' only
supplier.
Cardinal: ``src/indicators/r035.rs`` (Cardinal 0.0.8).
Threshold: flags the process (OCID group, value: the number of disqualified tenderers other than
the winner) when that number is at least ``[R035] threshold`` (default 1, at least 1), and the
winner (Tenderer group, 0.0).
"""

from __future__ import annotations

from bidwatch.ocds.cardinal.base import BIDS, Context, Indicator, active_supplier_ids, flag
from bidwatch.ocds.settings import Settings


class R035(Indicator):
    code = "R035"
    phase = BIDS

    def __init__(self, settings: Settings, map_: bool):
        super().__init__(settings, map_)
        self.threshold = max(settings.get("R035", "threshold", 1), 1)

    def fold(self, ctx: Context) -> None:
        if not ctx.final:
            return
        vs1, vm = ctx.valid1, ctx.valid_multi
        if vm:
            vs = set(vs1)
            vs.update(vm)
            if len(vs) != 1:
                return
        elif not vs1 or vs1.count(vs1[0]) != len(vs1):
            return  # no valid bid, or valid bids of several tenderers (the common case, without a set)
        else:
            vs = {vs1[0]}
        only = ctx.only_supplier
        if only is not None:
            if only not in vs:
                return
        elif vs != active_supplier_ids(ctx.actives):
            return
        difference = len(set(ctx.disq_ids) - vs)
        if difference >= self.threshold:
            ocid = ctx.ocid
            flag(ctx.res_ocid, ocid, "R035", float(difference))
            (w,) = vs
            flag(ctx.res_tenderer, w, "R035", 0.0)
            if ctx.maps is not None:
                ctx.maps["ocid_tenderer_r035"].setdefault(ocid, set()).add(w)
