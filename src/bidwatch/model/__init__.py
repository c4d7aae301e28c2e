"""The collusion classifier (串通投标识别模型).

Public API for the scan and the price-screen indicators:

* :func:`tender_screens`, :func:`screens_by_tender`, :func:`subset_screens_by_tender` – the screens;
* :class:`CollusionClassifier` – the scikit-learn estimator;
* :func:`load_default_model`, :func:`score_tenders` – the shipped model and per-tender scoring.

The names are imported when first used (PEP 562): the price screens need numpy and pandas only, and a scan
imports scikit-learn on the classifier's pre-warm thread (``bidwatch.indicators.ml.prewarm``), where the import
overlaps DuckDB's reading of the dataset, instead of before the scan starts.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_WHERE = {
    "CollusionClassifier": "bidwatch.model.estimator",
    "TrainedModel": "bidwatch.model.scoring",
    "load_default_model": "bidwatch.model.scoring",
    "score_tenders": "bidwatch.model.scoring",
    "train_model": "bidwatch.model.scoring",
    "SCREEN_NAMES": "bidwatch.model.screens",
    "screens_by_tender": "bidwatch.model.screens",
    "subset_screens_by_tender": "bidwatch.model.screens",
    "tender_screens": "bidwatch.model.screens",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
