"""R024 — price close to the winning bid.

Measures: the second-lowest bid ratio of each contracting process ((second lowest − lowest) /
lowest, see :mod:`.second_lowest_bid_ratio`): a runner-up bid very close to the winner's.
Cardinal: ``src/indicators/r024.rs`` (Cardinal 0.0.8).
Threshold: flags the process (OCID group, value: the ratio) and both tenderers (Tenderer group,
0.0) when the ratio is at or below the lower fence Q1 − 1.5 × IQR of all ratios, or at or below
``[R024] threshold`` when set; nothing when the fence or Q1 is not positive.
"""

from __future__ import annotations

from bidwatch.ocds.cardinal.base import BIDS, Indicator, Output, State, flag
from bidwatch.ocds.cardinal.numbers import fma, quartiles
from bidwatch.ocds.cardinal.second_lowest_bid_ratio import SecondLowestBidRatio
from bidwatch.ocds.settings import Settings


class R024(Indicator):
    code = "R024"
    phase = BIDS
    uses = (SecondLowestBidRatio,)

    def __init__(self, settings: Settings, map_: bool):
        super().__init__(settings, map_)
        self.threshold = settings.get("R024", "threshold")

    def finalize(self, state: State, out: Output) -> None:
        slbr = state.part(SecondLowestBidRatio)
        ratios, pairs = slbr.ratios, slbr.pairs
        if self.threshold is None:
            q1, q3 = quartiles(ratios.values())
            lower = fma(q3 - q1, -1.5, q1)
            out.meta["R024"] = {"q1": q1, "q3": q3}
        else:
            lower, q1 = float(self.threshold), 1.0
        out.meta.setdefault("R024", {})["lower_fence"] = lower
        if q1 > 0.0 and lower > 0.0:
            table = out.maps["ocid_tenderer_r024"] if self.map else None
            for o, ratio in ratios.items():
                if ratio <= lower:
                    flag(out.ocid, o, "R024", ratio)
                    for i in pairs[o]:
                        flag(out.tenderer, i, "R024", 0.0)
                        if table is not None:
                            table.setdefault(o, set()).add(i)
