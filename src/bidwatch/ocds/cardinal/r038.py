"""R038 — excessive disqualified bids.

Measures: the share of disqualified bids among submitted bids, per buyer, per procuring entity and
per tenderer.
Cardinal: ``src/indicators/r038.rs`` (Cardinal 0.0.8).
Threshold: among buyers and procuring entities with at least ``[R038] minimum_contracting_processes``
(default 2; Cardinal compares it with the number of submitted bids, ``r038_minimum_contracting_processes
= processes`` in ``[bidwatch]`` with the number of processes) and tenderers with at least ``[R038]
minimum_submitted_bids`` (default 2), flags (Buyer, ProcuringEntity and Tenderer groups, value: the
share) those at or above the upper fence Q3 + 1.5 × IQR of their group's shares, or at or above
``[R038] threshold`` when set; nothing when the fence is not positive.
"""

from __future__ import annotations

from collections import Counter

from bidwatch.ocds.cardinal.base import BIDS, Context, Indicator, Output, State, flag
from bidwatch.ocds.cardinal.numbers import fma, quartiles
from bidwatch.ocds.settings import Settings


class R038(Indicator):
    code = "R038"
    phase = BIDS
    maps_tenderers = True

    def __init__(self, settings: Settings, map_: bool):
        super().__init__(settings, map_)
        self.threshold = settings.get("R038", "threshold")
        self.min_bids = settings.get("R038", "minimum_submitted_bids", 2)
        self.min_processes = settings.get("R038", "minimum_contracting_processes", 2)
        self.col = 2 if settings.r038_minimum_contracting_processes == "processes" else 1
        self.buyers: dict = {}  # buyer -> [disqualified, submitted, processes]
        self.entities: dict = {}  # procuring entity -> same
        self.submitted: Counter = Counter()  # tenderer -> submitted bids
        self.disqualified: Counter = Counter()  # tenderer -> disqualified bids
        self.batch_sub: list = []  # counted by ``flush`` (C speed)
        self.batch_disq: list = []

    def fold(self, ctx: Context) -> None:
        n_sub = ctx.n_sub
        if not n_sub:
            return
        n_disq = ctx.n_disq
        self.batch_sub.extend(ctx.sub_ids)
        if n_disq:
            self.batch_disq.extend(ctx.disq_ids)
        maps = ctx.maps
        buyer = ctx.release.get("buyer")
        if type(buyer) is dict:
            bid_ = buyer.get("id")
            if type(bid_) is str:
                f = self.buyers.get(bid_)
                if f is None:
                    self.buyers[bid_] = [n_disq, n_sub, 1]
                else:
                    f[0] += n_disq
                    f[1] += n_sub
                    f[2] += 1
                if maps is not None and n_disq:
                    maps["ocid_buyer_r038"][ctx.ocid] = bid_
        elif buyer is not None:
            ctx.wrong(ctx.no, "/buyer", buyer, "object")
        tender = ctx.tender
        if tender is not None:
            pe = tender.get("procuringEntity")
            if type(pe) is dict:
                pid = pe.get("id")
                if type(pid) is str:
                    f = self.entities.get(pid)
                    if f is None:
                        self.entities[pid] = [n_disq, n_sub, 1]
                    else:
                        f[0] += n_disq
                        f[1] += n_sub
                        f[2] += 1
                    if maps is not None and n_disq:
                        maps["ocid_procuringentity_r038"][ctx.ocid] = pid

    def flush(self) -> None:
        self.submitted.update(self.batch_sub)
        self.disqualified.update(self.batch_disq)
        self.batch_sub.clear()
        self.batch_disq.clear()

    def merge(self, other: R038) -> None:
        self.submitted.update(other.submitted)
        self.disqualified.update(other.disqualified)
        for mine, theirs in ((self.buyers, other.buyers), (self.entities, other.entities)):
            for key, f in theirs.items():
                _add(mine, key, f[0], f[1], f[2])

    def finalize(self, state: State, out: Output) -> None:
        col, min_processes = self.col, self.min_processes
        disq = self.disqualified
        tenderer_ratios = {k: disq.get(k, 0) / n for k, n in self.submitted.items() if n >= self.min_bids}
        for group, res, group_ratios in (
            ("Buyer", out.buyer, {k: f[0] / f[1] for k, f in self.buyers.items() if f[col] >= min_processes}),
            ("ProcuringEntity", out.procuring_entity,
             {k: f[0] / f[1] for k, f in self.entities.items() if f[col] >= min_processes}),
            ("Tenderer", out.tenderer, tenderer_ratios),
        ):
            if not group_ratios:
                continue
            m = out.meta.setdefault("R038", {})
            if self.threshold is None:
                q1, q3 = quartiles(group_ratios.values())
                upper = fma(q3 - q1, 1.5, q3)
                m[f"{group}_q1"] = q1
                m[f"{group}_q3"] = q3
            else:
                upper = float(self.threshold)
            m[f"{group}_upper_fence"] = upper
            if upper > 0.0:
                for k, ratio in group_ratios.items():
                    if ratio >= upper:
                        flag(res, k, "R038", ratio)


def _add(counts: dict, key: str, disqualified: int, submitted: int, processes: int) -> None:
    """The counters of one buyer or procuring entity: [disqualified, submitted, processes]."""
    f = counts.get(key)
    if f is None:
        counts[key] = [disqualified, submitted, processes]
    else:
        f[0] += disqualified
        f[1] += submitted
        f[2] += processes
