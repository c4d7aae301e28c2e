"""R025 — excessive unsuccessful bids.

Measures: per tenderer, the share of its bids that won: contracting processes won / contracting
processes with a valid bid of it (Cardinal; ``r025_count = bids`` in ``[bidwatch]`` counts valid
bids instead), over processes whose awards are final with one active award of one supplier.
Cardinal: ``src/indicators/r025.rs`` (Cardinal 0.0.8).
Threshold: flags (Tenderer group, value: the ratio) tenderers whose count of bids is at least the
``[R025] percentile`` (default 75) of all tenderers' counts and whose ratio is at or below the lower
fence Q1 − 1.5 × IQR of all ratios, or at or below ``[R025] threshold`` when set; nothing when the
fence or Q1 is not positive.
"""

from __future__ import annotations

from collections import Counter

from bidwatch.ocds.cardinal.base import BIDS, Context, Indicator, Output, State, flag
from bidwatch.ocds.cardinal.numbers import fma, quartiles, statrs_quantile
from bidwatch.ocds.settings import Settings


class R025(Indicator):
    code = "R025"
    phase = BIDS
    maps_tenderers = True

    def __init__(self, settings: Settings, map_: bool):
        super().__init__(settings, map_)
        self.count_bids = settings.r025_count == "bids"
        self.percentile = settings.get("R025", "percentile", 75)
        self.threshold = settings.get("R025", "threshold")
        self.all: Counter = Counter()  # tenderer -> valid bids (processes, by default)
        self.won: Counter = Counter()  # tenderer -> won processes
        self.batch: list = []  # counted into ``all`` by ``flush`` (C speed)

    def fold(self, ctx: Context) -> None:
        sole = ctx.sole
        vs1 = ctx.valid1
        if sole is None or not vs1:
            return
        unique = set(vs1)
        self.batch.extend(vs1 if self.count_bids else unique)
        if sole in unique:
            won = self.won
            won[sole] = won.get(sole, 0) + 1

    def flush(self) -> None:
        self.all.update(self.batch)
        self.batch.clear()

    def merge(self, other: R025) -> None:
        self.all.update(other.all)
        self.won.update(other.won)

    def finalize(self, state: State, out: Output) -> None:
        counts, won = self.all, self.won
        upper = statrs_quantile(sorted(map(float, counts.values())), self.percentile / 100.0)
        if self.threshold is None:
            q1, q3 = quartiles([won.get(k, 0) / n for k, n in counts.items()])
            lower = fma(q3 - q1, -1.5, q1)
            out.meta["R025"] = {"q1": q1, "q3": q3}
        else:
            lower, q1 = float(self.threshold), 1.0
        out.meta.setdefault("R025", {}).update(upper_fence=upper, lower_fence=lower)
        if q1 > 0.0 and lower > 0.0:
            for k, n in counts.items():
                ratio = won.get(k, 0) / n
                if n >= upper and ratio <= lower:
                    flag(out.tenderer, k, "R025", ratio)
