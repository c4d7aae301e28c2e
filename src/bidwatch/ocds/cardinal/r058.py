"""R058 — heavily discounted bid.

Measures: the second-lowest bid ratio of each contracting process ((second lowest − lowest) /
lowest, see :mod:`.second_lowest_bid_ratio`): a winning bid far below the runner-up.
Cardinal: ``src/indicators/r058.rs`` (Cardinal 0.0.8).
Threshold: flags the process (OCID group, value: the ratio) and the winner (Tenderer group, 0.0)
when the ratio is at or above the upper fence Q3 + 1.5 × IQR of all ratios, or at or above
``[R058] threshold`` when set; nothing when the fence is not positive.
"""

from __future__ import annotations

from bidwatch.ocds.cardinal.base import BIDS, Indicator, Output, State, flag
from bidwatch.ocds.cardinal.numbers import fma, quartiles
from bidwatch.ocds.cardinal.second_lowest_bid_ratio import SecondLowestBidRatio
from bidwatch.ocds.settings import Settings


class R058(Indicator):
    code = "R058"
    phase = BIDS
    uses = (SecondLowestBidRatio,)

    def __init__(self, settings: Settings, map_: bool):
        super().__init__(settings, map_)
        self.threshold = settings.get("R058", "threshold")

    def finalize(self, state: State, out: Output) -> None:
        slbr = state.part(SecondLowestBidRatio)
        ratios, pairs = slbr.ratios, slbr.pairs
        if self.threshold is None:
            q1, q3 = quartiles(ratios.values())
            upper = fma(q3 - q1, 1.5, q3)
            out.meta["R058"] = {"q1": q1, "q3": q3}
        else:
            upper = float(self.threshold)
        out.meta.setdefault("R058", {})["upper_fence"] = upper
        if upper > 0.0:
            table = out.maps["ocid_tenderer_r058"] if self.map else None
            for o, ratio in ratios.items():
                if ratio >= upper:
                    flag(out.ocid, o, "R058", ratio)
                    w = pairs[o][0]
                    flag(out.tenderer, w, "R058", 0.0)
                    if table is not None:
                        table.setdefault(o, set()).add(w)
