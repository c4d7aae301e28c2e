"""R018 — single bid received.

Measures: the tender's ``numberOfTenderers``.
Cardinal: ``src/indicators/r018.rs`` (Cardinal 0.0.8).
Threshold: flags the contracting process (OCID group, value 1.0) when ``numberOfTenderers`` is the
integer 1, for the methods in ``[R018] procurement_methods`` (default ``open|selective``; empty: any).
"""

from __future__ import annotations

from bidwatch.ocds.cardinal.base import TENDER, Context, Indicator, flag
from bidwatch.ocds.settings import Settings, split_pipe


class R018(Indicator):
    code = "R018"
    phase = TENDER

    def __init__(self, settings: Settings, map_: bool):
        super().__init__(settings, map_)
        methods = settings.get("R018", "procurement_methods")
        self.methods = split_pipe("open|selective" if methods is None else methods)

    def fold(self, ctx: Context) -> None:
        tender = ctx.tender
        if tender is None:
            return
        if self.methods:
            pm = tender.get("procurementMethod")
            if type(pm) is not str or pm not in self.methods:
                return
        n = tender.get("numberOfTenderers")
        if type(n) is int and n == 1:
            flag(ctx.res_ocid, ctx.ocid, "R018", 1.0)
