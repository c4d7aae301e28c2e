"""The indicator catalogue: importing this package registers every indicator in :data:`CATALOGUE`."""

from __future__ import annotations

from bidwatch.indicators import (  # noqa: F401  (registration by import)
    collusion,
    credit,
    evasion,
    exclusion,
    experts,
    ml,
    network,
    periods,
    screens,
    textsim,
    timing,
)
from bidwatch.indicators.base import (
    ALERT_COLUMNS,
    CATALOGUE,
    FAMILIES,
    SEVERITY_ZH,
    Family,
    Indicator,
    ScanContext,
    indicator,
)

__all__ = ["ALERT_COLUMNS", "CATALOGUE", "FAMILIES", "SEVERITY_ZH", "Family", "Indicator", "ScanContext", "indicator"]
