"""R048 — heterogeneous supplier.

Measures: per supplier (the one supplier of an active award with items), the number of distinct
item classification codes, cut to their first ``digits`` characters (``[R048] digits``, default 2),
over the contracting processes it won.
Cardinal: ``src/indicators/r048.rs`` (Cardinal 0.0.8).
Threshold: among suppliers with at least ``[R048] minimum_contracting_processes`` processes (default
20), flags (Tenderer group, value: the number of codes) those at or above the upper fence
Q3 + 1.5 × IQR of the numbers of codes, or at or above ``[R048] threshold`` when set.
"""

from __future__ import annotations

from bidwatch.ocds.cardinal.base import AWARDS, Context, Indicator, Output, State, flag
from bidwatch.ocds.cardinal.numbers import fma, quartiles
from bidwatch.ocds.settings import Settings


class R048(Indicator):
    code = "R048"
    phase = AWARDS
    maps_tenderers = True

    def __init__(self, settings: Settings, map_: bool):
        super().__init__(settings, map_)
        self.digits = settings.get("R048", "digits", 2)
        self.minimum = settings.get("R048", "minimum_contracting_processes", 20)
        self.threshold = settings.get("R048", "threshold")
        self.suppliers: dict = {}  # supplier -> [processes, codes]

    def fold(self, ctx: Context) -> None:
        actives = ctx.actives
        if not actives:
            return
        if len(actives) > 1:
            _several(actives, self.suppliers, self.digits)
            return
        a = actives[0]
        items = a.get("items")
        sup = a.get("suppliers")
        if type(items) is list and type(sup) is list and len(sup) == 1:
            s0 = sup[0]
            sid = s0.get("id") if type(s0) is dict else None
            if type(sid) is str:
                entry = None
                digits = self.digits
                for it in items:
                    if type(it) is dict:
                        cl = it.get("classification")
                        if type(cl) is dict:
                            cid = cl.get("id")
                            if type(cid) is str:
                                if entry is None:
                                    entry = self.suppliers.get(sid)
                                    if entry is None:
                                        entry = self.suppliers[sid] = [1, set()]
                                    else:
                                        entry[0] += 1
                                entry[1].add(cid[:digits])

    def merge(self, other: R048) -> None:
        mine = self.suppliers
        for key, (count, codes) in other.suppliers.items():
            g = mine.get(key)
            if g is None:
                mine[key] = [count, codes]
            else:
                g[0] += count
                g[1] |= codes

    def finalize(self, state: State, out: Output) -> None:
        minimum = self.minimum
        lengths = {k: float(len(codes)) for k, (count, codes) in self.suppliers.items() if count >= minimum}
        if self.threshold is None:
            q1, q3 = quartiles(lengths.values())
            upper = fma(q3 - q1, 1.5, q3)
            out.meta["R048"] = {"q1": q1, "q3": q3}
        else:
            upper = float(self.threshold)
        out.meta.setdefault("R048", {})["upper_fence"] = upper
        for k, length in lengths.items():
            if length >= upper:
                flag(out.tenderer, k, "R048", length)


def _several(actives: list, suppliers: dict, digits: int) -> None:
    """Several active awards: a supplier counts one process however many awards it has."""
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
                        entry = suppliers.get(sid)
                        if entry is None:
                            entry = suppliers[sid] = [0, set()]
                        if observed is None:
                            observed = {sid}
                            entry[0] += 1
                        elif sid not in observed:
                            observed.add(sid)
                            entry[0] += 1
                        entry[1].update(codes)
