"""R003 — short submission period.

Measures: the days between the tender period's start and end (RFC 3339 date-times, whole days
rounded towards zero, as ``chrono``'s ``num_days``).
Cardinal: ``src/indicators/r003.rs`` (Cardinal 0.0.8).
Threshold: flags the contracting process (OCID group, value 1.0) when the period is shorter than
``[R003] threshold`` days (default 15), or the threshold of its ``procurementMethodDetails`` in
``[R003.procurement_method_details]``; only for the methods in ``[R003] procurement_methods`` when
set (pipe-separated).
"""

from __future__ import annotations

from bidwatch.ocds.cardinal.base import TENDER, Context, Indicator, flag
from bidwatch.ocds.cardinal.dates import days_between
from bidwatch.ocds.settings import Settings, split_pipe


class R003(Indicator):
    code = "R003"
    phase = TENDER

    def __init__(self, settings: Settings, map_: bool):
        super().__init__(settings, map_)
        self.threshold = settings.get("R003", "threshold", 15)
        self.methods = split_pipe(settings.get("R003", "procurement_methods"))
        self.details = settings.get("R003", "procurement_method_details", {}) or {}

    def fold(self, ctx: Context) -> None:
        tender = ctx.tender
        if tender is None:
            return
        if self.methods:
            pm = tender.get("procurementMethod")
            if type(pm) is not str or pm not in self.methods:
                return
        tp = tender.get("tenderPeriod")
        if type(tp) is dict:
            sd = tp.get("startDate")
            ed = tp.get("endDate")
            if type(sd) is str and type(ed) is str:
                days = days_between(sd, ed)
                if days is not None:
                    pmd = ctx.pmd
                    threshold = self.details.get(pmd, self.threshold) if pmd is not None else self.threshold
                    if days < threshold:
                        flag(ctx.res_ocid, ctx.ocid, "R003", 1.0)
        elif tp is not None:
            ctx.wrong(ctx.no, "/tender/tenderPeriod", tp, "object")
