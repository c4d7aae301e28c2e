"""The collusion classifier (串通投标识别模型): a calibrated gradient-boosting / extra-trees blend."""

from __future__ import annotations

import numbers
from typing import ClassVar

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import ExtraTreesClassifier, HistGradientBoostingClassifier
from sklearn.model_selection import StratifiedKFold
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data
from threadpoolctl import threadpool_limits

from bidwatch.i18n import bilingual as _


class _SoftBlend(ClassifierMixin, BaseEstimator):
    """Average of the probabilities of two classifiers, passing sample weights to both.

    (``VotingClassifier`` does not declare ``sample_weight`` in its signature, so
    ``CalibratedClassifierCV`` would drop the weights.)
    """

    def __init__(self, boosting: BaseEstimator, forest: BaseEstimator | None = None) -> None:
        self.boosting = boosting
        self.forest = forest

    def fit(self, X, y, sample_weight=None) -> _SoftBlend:
        self.boosting_ = clone(self.boosting).fit(X, y, sample_weight=sample_weight)
        self.forest_ = None if self.forest is None else clone(self.forest).fit(X, y, sample_weight=sample_weight)
        self.classes_ = self.boosting_.classes_
        return self

    def predict_proba(self, X) -> np.ndarray:
        proba = self.boosting_.predict_proba(X)
        if self.forest_ is not None:
            proba = (proba + self.forest_.predict_proba(X)) / 2.0
        return proba

    def predict(self, X) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


class CollusionClassifier(ClassifierMixin, BaseEstimator):
    """Calibrated probability that a tender is collusive, from tender-level features.

    A soft-voting blend of a histogram gradient-boosting model and an extra-trees forest,
    calibrated by :class:`~sklearn.calibration.CalibratedClassifierCV` with ``cv`` stratified
    folds (each fold's blend is calibrated on the held-out part, predictions average the folds).
    Missing values (screens undefined for few bids, no estimate) are allowed: both tree models
    route them natively. Columns that are entirely missing in the training data are ignored.

    Parameters
    ----------
    max_iter : int, default=150
        Boosting iterations of the gradient-boosting model.
    learning_rate : float, default=0.05
        Its shrinkage.
    max_leaf_nodes : int, default=5
        Leaves per boosting tree (small trees: the labelled markets have a few hundred tenders).
    min_samples_leaf : int, default=20
        Minimum tenders per leaf of the boosting trees.
    l2_regularization : float, default=3.0
        L2 penalty of the boosting model.
    max_features : float, default=0.3
        Share of features drawn per split by the boosting model.
    n_trees : int, default=100
        Trees of the extra-trees forest per calibration fold (the folds' models are averaged,
        so 3 folds make 300 trees); 0 leaves the forest out.
    et_min_samples_leaf : int, default=5
        Minimum tenders per leaf of the forest.
    et_max_leaf_nodes : int, default=64
        Leaves per forest tree: smooths the forest on big markets and bounds the saved model's
        size whatever the number of training tenders.
    calibration : {"sigmoid", "isotonic", "none"}, default="sigmoid"
        Calibration method; "none" returns the blend's raw probabilities. Sigmoid is the safe
        choice for a few hundred tenders (isotonic needs more and ties the scores).
    cv : int, cross-validation generator or iterable, default=3
        Calibration folds. An int gives shuffled stratified folds, reduced to the size of the
        smallest class when that is smaller; calibration is skipped when a class has a single
        member. A splitter or an iterable of (train, test) indices is passed on as is.
    random_state : int, default=0
        Seed of the folds and of both tree models.
    n_jobs : int or None, default=None
        Threads of the boosting model and jobs of the forest; None means 1. On small data a
        single thread is faster: OpenMP threads spin-wait when the cores are shared.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_features_in_ : int
        Number of features seen in :meth:`fit`.
    feature_names_in_ : ndarray of str
        Feature names when ``X`` was a DataFrame with string column names.
    n_iter_ : int
        Boosting iterations of each gradient-boosting model (``max_iter``; no early stopping).
    used_features_ : ndarray of bool
        Columns with at least one value in the training data (the others are ignored).
    model_ : estimator
        The fitted (calibrated) blend.
    feature_importances_ : ndarray of shape (n_features_in_,)
        Impurity importances of the forest (zero for ignored columns); with ``n_trees=0``,
        a uniform vector over the used columns.

    Examples
    --------
    >>> import numpy as np
    >>> from bidwatch.model.estimator import CollusionClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 4))
    >>> y = (X[:, 0] + 0.5 * rng.normal(size=200) > 0).astype(int)
    >>> clf = CollusionClassifier(max_iter=50, n_trees=50).fit(X, y)
    >>> clf.predict_proba(X[:2]).shape
    (2, 2)
    >>> bool(clf.score(X, y) > 0.8)
    True
    """

    _parameter_constraints: ClassVar[dict] = {
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "learning_rate": [Interval(numbers.Real, 0, None, closed="neither")],
        "max_leaf_nodes": [Interval(numbers.Integral, 2, None, closed="left")],
        "min_samples_leaf": [Interval(numbers.Integral, 1, None, closed="left")],
        "l2_regularization": [Interval(numbers.Real, 0, None, closed="left")],
        "max_features": [Interval(numbers.Real, 0, 1, closed="right")],
        "n_trees": [Interval(numbers.Integral, 0, None, closed="left")],
        "et_min_samples_leaf": [Interval(numbers.Integral, 1, None, closed="left")],
        "et_max_leaf_nodes": [Interval(numbers.Integral, 2, None, closed="left")],
        "calibration": [StrOptions({"sigmoid", "isotonic", "none"})],
        "cv": [Interval(numbers.Integral, 2, None, closed="left"), "cv_object"],
        "random_state": ["random_state"],
        "n_jobs": [numbers.Integral, None],
    }

    def __init__(
        self,
        *,
        max_iter: int = 150,
        learning_rate: float = 0.05,
        max_leaf_nodes: int = 5,
        min_samples_leaf: int = 20,
        l2_regularization: float = 3.0,
        max_features: float = 0.3,
        n_trees: int = 100,
        et_min_samples_leaf: int = 5,
        et_max_leaf_nodes: int = 64,
        calibration: str = "sigmoid",
        cv: int = 3,
        random_state: int | None = 0,
        n_jobs: int | None = None,
    ) -> None:
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization
        self.max_features = max_features
        self.n_trees = n_trees
        self.et_min_samples_leaf = et_min_samples_leaf
        self.et_max_leaf_nodes = et_max_leaf_nodes
        self.calibration = calibration
        self.cv = cv
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _blend(self, n_samples: int) -> BaseEstimator:
        # Small trainings (a fold of a small market, the estimator checks) need smaller leaves.
        leaf = max(1, min(self.min_samples_leaf, n_samples // 10))
        hgb = HistGradientBoostingClassifier(
            max_iter=self.max_iter,
            learning_rate=self.learning_rate,
            max_leaf_nodes=self.max_leaf_nodes,
            min_samples_leaf=leaf,
            l2_regularization=self.l2_regularization,
            max_features=self.max_features,
            early_stopping=False,
            random_state=self.random_state,
        )
        if self.n_trees == 0:
            return _SoftBlend(hgb)
        forest = ExtraTreesClassifier(
            n_estimators=self.n_trees,
            min_samples_leaf=self.et_min_samples_leaf,
            max_leaf_nodes=self.et_max_leaf_nodes,
            max_features="sqrt",
            n_jobs=self.n_jobs,
            random_state=self.random_state,
        )
        return _SoftBlend(hgb, forest)

    def fit(self, X, y, sample_weight=None) -> CollusionClassifier:
        """Fit the blend and its calibration.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Tender features; NaN allowed.
        y : array-like of shape (n_samples,)
            Labels (1 = collusive for the binary case; any labels work).
        sample_weight : array-like of shape (n_samples,), default=None
            Tender weights.

        Returns
        -------
        self : CollusionClassifier
        """
        self._validate_params()
        X, y = validate_data(self, X, y, ensure_all_finite="allow-nan", dtype=np.float64)
        check_classification_targets(y)
        self.classes_, y_enc = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(
                _("Only one class (%(label)r) in the training labels; need collusive "
                  "and non-collusive tenders.", label=self.classes_[0])
            )
        self.used_features_ = ~np.all(np.isnan(X), axis=0)
        Xu = X[:, self.used_features_]
        fit_params = {} if sample_weight is None else {"sample_weight": np.asarray(sample_weight, float)}
        with threadpool_limits(limits=self._threads()):
            self._fit(Xu, y_enc, fit_params)
        self.n_iter_ = self.max_iter  # no early stopping: every boosting model runs max_iter
        self.feature_importances_ = self._importances(self.used_features_)
        return self

    def _threads(self) -> int:
        return max(1, int(self.n_jobs)) if self.n_jobs else 1

    def _fit(self, Xu: np.ndarray, y_enc: np.ndarray, fit_params: dict) -> None:
        blend = self._blend(len(y_enc))
        if isinstance(self.cv, numbers.Integral):
            folds = min(int(self.cv), int(np.bincount(y_enc).min()))
            splitter = StratifiedKFold(n_splits=max(folds, 2), shuffle=True, random_state=self.random_state)
        else:
            folds, splitter = 2, self.cv
        if self.calibration == "none" or folds < 2:
            # One member of a class leaves nothing to calibrate on: raw blend probabilities.
            self.model_ = clone(blend).fit(Xu, y_enc, **fit_params)
        else:
            self.model_ = CalibratedClassifierCV(blend, method=self.calibration, cv=splitter, ensemble=True)
            self.model_.fit(Xu, y_enc, **fit_params)

    def _importances(self, used: np.ndarray) -> np.ndarray:
        models = (
            [c.estimator for c in self.model_.calibrated_classifiers_]
            if isinstance(self.model_, CalibratedClassifierCV)
            else [self.model_]
        )
        values = np.zeros(int(used.sum()))
        for model in models:
            values += model.forest_.feature_importances_ if model.forest_ is not None else 1.0
        values /= values.sum() if values.sum() > 0 else 1.0
        out = np.zeros(len(used))
        out[used] = values
        return out

    def predict_proba(self, X) -> np.ndarray:
        """Calibrated class probabilities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            Columns in the order of ``classes_`` (for labels {0, 1}: column 1 = collusive).
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, ensure_all_finite="allow-nan", dtype=np.float64)
        with threadpool_limits(limits=self._threads()):
            return self.model_.predict_proba(X[:, self.used_features_])

    def predict(self, X) -> np.ndarray:
        """Most probable class of each tender (threshold 0.5 in the binary case)."""
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
