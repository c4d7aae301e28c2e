"""The collusion classifier (串通投标识别模型).

Public API for the scan and the price-screen indicators:

* :func:`tender_screens`, :func:`screens_by_tender`, :func:`subset_screens_by_tender` – the screens;
* :class:`CollusionClassifier` – the scikit-learn estimator;
* :func:`load_default_model`, :func:`score_tenders` – the shipped model and per-tender scoring.
"""

from __future__ import annotations

from bidwatch.model.estimator import CollusionClassifier
from bidwatch.model.scoring import TrainedModel, load_default_model, score_tenders, train_model
from bidwatch.model.screens import (
    SCREEN_NAMES,
    screens_by_tender,
    subset_screens_by_tender,
    tender_screens,
)

__all__ = [
    "SCREEN_NAMES",
    "CollusionClassifier",
    "TrainedModel",
    "load_default_model",
    "score_tenders",
    "screens_by_tender",
    "subset_screens_by_tender",
    "tender_screens",
    "train_model",
]
