"""The indicators, in fold order (the order their flags are set within a release, hence the key
order of the output). ``finalize`` runs in code order."""

from __future__ import annotations

from bidwatch.ocds.cardinal.base import Indicator
from bidwatch.ocds.cardinal.r003 import R003
from bidwatch.ocds.cardinal.r018 import R018
from bidwatch.ocds.cardinal.r024 import R024
from bidwatch.ocds.cardinal.r025 import R025
from bidwatch.ocds.cardinal.r028 import R028
from bidwatch.ocds.cardinal.r030 import R030
from bidwatch.ocds.cardinal.r035 import R035
from bidwatch.ocds.cardinal.r036 import R036
from bidwatch.ocds.cardinal.r038 import R038
from bidwatch.ocds.cardinal.r044 import R044
from bidwatch.ocds.cardinal.r048 import R048
from bidwatch.ocds.cardinal.r058 import R058
from bidwatch.ocds.cardinal.second_lowest_bid_ratio import SecondLowestBidRatio

REGISTRY: tuple[type[Indicator], ...] = (
    R003, R018, R044,  # tender
    R048,  # awards
    SecondLowestBidRatio, R024, R058, R030, R025, R028, R035, R036, R038,  # bids
)

#: the red flags by code
INDICATORS: dict[str, type[Indicator]] = {cls.code: cls for cls in REGISTRY if cls.code.startswith("R")}
