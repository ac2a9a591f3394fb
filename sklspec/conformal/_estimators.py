"""Conformal regressors and classifiers around any estimator, on MAPIE."""

from __future__ import annotations

import math
import warnings
from numbers import Integral, Real

import numpy as np
from scipy import sparse
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    RegressorMixin,
    clone,
    is_classifier,
)
from sklearn.linear_model import LogisticRegression, RidgeCV
from sklearn.model_selection import (
    GroupShuffleSplit,
    KFold,
    ShuffleSplit,
    StratifiedKFold,
    StratifiedShuffleSplit,
    check_cv,
)
from sklearn.utils import _safe_indexing
from sklearn.utils._param_validation import HasMethods, Interval, RealNotInt, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _num_samples,
    check_array,
    check_is_fitted,
    column_or_1d,
    indexable,
)

from ..utils._validation import check_2d, check_magnitude, check_same_axis

__all__ = ["ConformalClassifier", "ConformalRegressor", "min_calibration_size"]

_INSTALL = 'pip install "sklspec[conformal]"'


def _import_mapie(kind: str):
    """The MAPIE module ``mapie.<kind>`` (regression or classification)."""
    try:
        import importlib

        return importlib.import_module(f"mapie.{kind}")
    except ImportError as exc:
        raise ImportError(
            "sklspec.conformal computes its intervals and sets with MAPIE "
            f"(>= 1.0), which is not installed: {_INSTALL}"
        ) from exc


def _conformalize(mapie_split, X_cal, y_cal):
    """``mapie_split.conformalize`` without the spurious feature-name warning.

    MAPIE probes a prefit estimator with a plain ``np.zeros`` row, which warns
    when the estimator was fitted on a DataFrame (wavelength column names).
    """
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore",
            message="X does not have valid feature names",
            category=UserWarning,
        )
        return mapie_split.conformalize(X_cal, y_cal)


def min_calibration_size(confidence_level) -> int:
    """Fewest conformity scores MAPIE accepts for a confidence level.

    A conformal quantile at level ``c`` from ``n`` scores exists only when
    ``n >= max(1 / c, 1 / (1 - c))`` (MAPIE's own check): at least 5 scores
    for 80 %, 10 for 90 %, 20 for 95 %. For ``method="split"`` the scores are
    those of the calibration set, for ``"cv_plus"`` one per training sample.

    Parameters
    ----------
    confidence_level : float or sequence of float
        Level(s) in (0, 1).

    Returns
    -------
    n : int
        The smallest number of scores valid for every level.

    Examples
    --------
    >>> from sklspec.conformal import min_calibration_size
    >>> min_calibration_size(0.9), min_calibration_size([0.8, 0.95])
    (10, 20)
    """
    levels = np.atleast_1d(np.asarray(confidence_level, dtype=float))
    need = np.maximum(1.0 / levels, 1.0 / (1.0 - levels))
    return int(max(math.ceil(round(float(v), 9)) for v in need))


def _levels(confidence_level) -> list[float]:
    levels = np.atleast_1d(np.asarray(confidence_level, dtype=float)).ravel()
    if levels.size == 0 or not np.all((levels > 0) & (levels < 1)):
        raise ValueError(
            "confidence_level must be a float or a sequence of floats strictly "
            f"between 0 and 1; got {confidence_level!r}."
        )
    return [float(v) for v in levels]


class _ConformalBase(BaseEstimator):
    """Shared parameters, splitting and checks of the two wrappers."""

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "confidence_level": [Interval(Real, 0, 1, closed="neither"), "array-like"],
        "method": [StrOptions({"split", "cv_plus"})],
        "calibration_size": [
            Interval(RealNotInt, 0, 1, closed="neither"),
            Interval(Integral, 1, None, closed="left"),
        ],
        "cv": ["cv_object"],
        "conformity_score": "no_validation",  # MAPIE checks it
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        estimator=None,
        *,
        confidence_level=0.9,
        method="split",
        calibration_size=0.25,
        cv=5,
        conformity_score=None,
        random_state=None,
    ):
        self.estimator = estimator
        self.confidence_level = confidence_level
        self.method = method
        self.calibration_size = calibration_size
        self.cv = cv
        self.conformity_score = conformity_score
        self.random_state = random_state

    # -- helpers ---------------------------------------------------------
    def _check_n_scores(self, n: int, where: str):
        need = min_calibration_size(self._levels_)
        if n < need:
            raise ValueError(
                f"{where} has {n} samples, too few calibration samples for "
                f"confidence_level={self.confidence_level!r}: a conformal "
                f"quantile needs at least {need}. Use more data, a larger "
                "calibration_size, method='cv_plus' or a lower level."
            )

    def _split(self, X, y, groups, stratify: bool):
        n = _num_samples(X)
        if groups is not None:
            splitter = GroupShuffleSplit(
                n_splits=1,
                test_size=self.calibration_size,
                random_state=self.random_state,
            )
        elif stratify:
            splitter = StratifiedShuffleSplit(
                n_splits=1,
                test_size=self.calibration_size,
                random_state=self.random_state,
            )
        else:
            splitter = ShuffleSplit(
                n_splits=1,
                test_size=self.calibration_size,
                random_state=self.random_state,
            )
        try:
            train, cal = next(splitter.split(np.zeros((n, 1)), y, groups))
        except ValueError as exc:
            raise ValueError(
                f"cannot split {n} samples into a training and a calibration "
                f"set with calibration_size={self.calibration_size!r}: {exc}"
            ) from exc
        self._check_n_scores(len(cal), "the calibration set")
        return train, cal

    def _cv_object(self, y, classifier: bool):
        if isinstance(self.cv, Integral):
            cls = StratifiedKFold if classifier else KFold
            return cls(
                n_splits=self.cv,
                shuffle=True,
                random_state=self.random_state,
            )
        return check_cv(self.cv, y, classifier=classifier)

    def _fit_mapie(
        self,
        X,
        y,
        groups,
        estimator,
        *,
        classifier: bool,
        split_cls,
        cross_cls,
        score,
        split_kwargs=None,
        cross_kwargs=None,
        check_fitted=None,
    ):
        """Fit and calibrate ``split_cls`` or ``cross_cls`` per ``method``."""
        if self.method == "split":
            train, cal = self._split(X, y, groups, stratify=classifier)
            self.estimator_ = clone(estimator).fit(_safe_indexing(X, train), y[train])
            if check_fitted is not None:
                check_fitted(self.estimator_)
            split = split_cls(
                self.estimator_,
                confidence_level=self._levels_,
                conformity_score=score,
                prefit=True,
                **(split_kwargs or {}),
            )
            self.mapie_ = _conformalize(split, _safe_indexing(X, cal), y[cal])
            self.n_calibration_ = len(cal)
        else:
            self._check_n_scores(len(y), "the training set")
            self.estimator_ = None
            self.mapie_ = cross_cls(
                clone(estimator),
                confidence_level=self._levels_,
                conformity_score=score,
                cv=self._cv_object(y, classifier=classifier),
                random_state=self.random_state,
                **(cross_kwargs or {}),
            ).fit_conformalize(X, y, groups=groups)
            self.n_calibration_ = len(y)
        self._record_input(X)
        return self

    def _record_input(self, X):
        for name in ("n_features_in_", "feature_names_in_"):
            self.__dict__.pop(name, None)
        if hasattr(X, "shape") and len(X.shape) > 1:
            self.n_features_in_ = int(X.shape[1])
        if hasattr(X, "columns"):
            self.feature_names_in_ = np.asarray([str(c) for c in X.columns])

    def _setup(self, X, y, *, numeric: bool):
        """Validate parameters, refuse sparse X; X indexable and y 1-D."""
        self._validate_params()
        self._levels_ = _levels(self.confidence_level)
        if sparse.issparse(X):
            check_array(X, accept_sparse=False)  # sklearn's standard refusal
        check_2d(X)  # before the lengths of X and y are compared
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y "
                "is None."
            )
        y = check_array(
            y,
            ensure_2d=False,
            dtype="numeric" if numeric else None,
            input_name="y",
        )
        if y.ndim == 2 and y.shape[1] != 1:
            raise ValueError(
                f"{type(self).__name__} needs a 1-D target; got y of shape "
                f"{y.shape}. Fit one model per target column."
            )
        y = column_or_1d(y, warn=True)
        X, y = indexable(X, y)  # arrays and DataFrames pass unchanged
        if self.estimator is None:
            # the default models (RidgeCV, LogisticRegression) square the
            # spectra: refuse values near 1e+-300 with a message, not a LAPACK
            # error or a silent constant prediction
            check_magnitude(
                check_array(X, input_name="X"),
                type(self).__name__,
                "its default point model would fail or predict a constant",
            )
        return X, y

    def _squeeze(self, arr):
        return arr[..., 0] if np.ndim(self.confidence_level) == 0 else arr

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = self.estimator
        if inner is not None:
            try:
                tags.input_tags.allow_nan = (
                    inner.__sklearn_tags__().input_tags.allow_nan
                )
            except AttributeError:
                pass
        tags.input_tags.sparse = False
        return tags


class ConformalRegressor(RegressorMixin, _ConformalBase):
    """Conformal prediction intervals around any regressor (MAPIE).

    A scikit-learn regressor that fits ``estimator`` and calibrates
    distribution-free intervals on held-out residuals with MAPIE's
    :class:`~mapie.regression.SplitConformalRegressor` (``method="split"``)
    or :class:`~mapie.regression.CrossConformalRegressor` (``method=
    "cv_plus"``, CV+ / jackknife+). On exchangeable data, the interval of a
    new spectrum holds its true value with probability at least
    ``confidence_level`` (marginally, over the calibration draw). The
    estimator may be any sklspec or scikit-learn pipeline, including one with
    a pretrained embedder inside :class:`sklearn.frozen.FrozenEstimator`.

    Needs MAPIE: ``pip install "sklspec[conformal]"``.

    Parameters
    ----------
    estimator : regressor, default=None
        The point model (cloned). None: ``RidgeCV(alphas=logspace(-3, 3, 13))``.
    confidence_level : float or sequence of float, default=0.9
        Nominal coverage in (0, 1). A sequence gives one interval per level
        (``predict_interval`` then returns ``(n_samples, 2, n_levels)``).
    method : {"split", "cv_plus"}, default="split"
        ``"split"``: fit once on ``1 - calibration_size`` of the data and
        calibrate on the rest (cheap: one fit). ``"cv_plus"``: fit ``cv``
        models and use every sample's out-of-fold residual (CV+; ``cv`` fits,
        no data held out, narrower intervals on small sets).
    calibration_size : float or int, default=0.25
        For ``"split"``: fraction (or number) of the samples held out for
        calibration. With ``groups`` passed to ``fit``, of the groups
        (:class:`~sklearn.model_selection.GroupShuffleSplit`): whole groups
        are held out, so the number of samples varies with the groups' sizes.
    cv : int or cross-validation splitter, default=5
        For ``"cv_plus"``: folds (an int gives a shuffled ``KFold`` seeded by
        ``random_state``; ``LeaveOneOut()`` gives the jackknife+).
    conformity_score : str or MAPIE score, default=None
        MAPIE's conformity score; None: ``"absolute"`` (constant-width
        intervals). ``"gamma"`` or ``"residual_normalized"`` adapt the width.
    random_state : int, RandomState or None, default=None
        Seeds the calibration split or the CV+ folds.

    Attributes
    ----------
    mapie_ : SplitConformalRegressor or CrossConformalRegressor
        The fitted MAPIE object.
    estimator_ : regressor or None
        For ``"split"``: the point model fitted on the training part. None
        for ``"cv_plus"`` (the fold models live in ``mapie_``).
    n_calibration_ : int
        Number of conformity scores (calibration samples for ``"split"``, all
        samples for ``"cv_plus"``).
    n_features_in_ : int
        Number of spectral points seen in ``fit``.

    See Also
    --------
    ConformalClassifier : Conformal prediction sets.
    coverage_table : Empirical coverage and width over repeated splits.

    Examples
    --------
    >>> from sklearn.cross_decomposition import PLSRegression
    >>> from sklspec.conformal import ConformalRegressor
    >>> from sklspec.datasets import make_spectra
    >>> X, y = make_spectra(300, 64, task="regression", random_state=0,
    ...                     return_X_y=True)
    >>> model = ConformalRegressor(PLSRegression(8), confidence_level=0.9,
    ...                            random_state=0).fit(X[:200], y[:200])
    >>> model.predict_interval(X[200:]).shape
    (100, 2)
    """

    def fit(self, X, y, groups=None):
        """Fit the point model(s) and calibrate the intervals.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_points)
            Spectra (passed on unchanged, so wavelength column names reach
            sklspec transformers).
        y : array-like of shape (n_samples,)
            One target.
        groups : array-like of shape (n_samples,), optional
            Sample groups (e.g. replicate scans of one sample): the
            calibration split (``GroupShuffleSplit``) or the CV+ folds (with a
            group splitter as ``cv``) keep each group on one side.

        Returns
        -------
        self : ConformalRegressor
        """
        X, y = self._setup(X, y, numeric=True)
        y = y.astype(float)
        regression = _import_mapie("regression")
        estimator = (
            RidgeCV(np.logspace(-3, 3, 13))
            if self.estimator is None
            else (self.estimator)
        )
        return self._fit_mapie(
            X,
            y,
            groups,
            estimator,
            classifier=False,
            split_cls=regression.SplitConformalRegressor,
            cross_cls=regression.CrossConformalRegressor,
            score=self.conformity_score or "absolute",
            cross_kwargs={"method": "plus"},
        )

    def predict(self, X):
        """Point predictions (CV+: the mean of the fold models).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_points)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        check_is_fitted(self, "mapie_")
        check_same_axis(self, X)
        return np.asarray(self.mapie_.predict(X), dtype=float).reshape(-1)

    def predict_interval(self, X):
        """Lower and upper bounds of the conformal intervals.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_points)

        Returns
        -------
        intervals : ndarray of shape (n_samples, 2) or (n_samples, 2, n_levels)
            ``[:, 0]`` lower, ``[:, 1]`` upper bound; the last axis follows
            ``confidence_level`` when it is a sequence.
        """
        check_is_fitted(self, "mapie_")
        check_same_axis(self, X)
        _, intervals = self.mapie_.predict_interval(X)
        return self._squeeze(np.asarray(intervals, dtype=float))


class ConformalClassifier(ClassifierMixin, _ConformalBase):
    """Conformal prediction sets around any probabilistic classifier (MAPIE).

    Fits ``estimator`` and calibrates, with MAPIE's
    :class:`~mapie.classification.SplitConformalClassifier` (``method=
    "split"``) or :class:`~mapie.classification.CrossConformalClassifier`
    (``method="cv_plus"``, CV+ aggregation of Romano et al. 2020), a set of
    classes per spectrum that holds the true class with probability at least
    ``confidence_level`` on exchangeable data. The estimator needs
    ``predict_proba`` (any sklspec classification pipeline, embedders inside
    :class:`~sklearn.frozen.FrozenEstimator` included).

    Needs MAPIE: ``pip install "sklspec[conformal]"``.

    Parameters
    ----------
    estimator : classifier with predict_proba, default=None
        The point model (cloned). None: ``LogisticRegression(max_iter=1000)``.
    confidence_level : float or sequence of float, default=0.9
        Nominal coverage in (0, 1); a sequence gives one set per level.
    method : {"split", "cv_plus"}, default="split"
        ``"split"``: one fit, calibration on a held-out stratified part.
        ``"cv_plus"``: ``cv`` fits, out-of-fold scores of every sample.
    calibration_size : float or int, default=0.25
        For ``"split"``: fraction (or number) held out for calibration; of
        the groups when ``groups`` are passed to ``fit`` (whole groups held
        out, :class:`~sklearn.model_selection.GroupShuffleSplit`).
    cv : int or cross-validation splitter, default=5
        For ``"cv_plus"`` (an int gives a shuffled ``StratifiedKFold``).
    conformity_score : str or MAPIE score, default=None
        MAPIE's score; None: ``"lac"`` (smallest sets on average; a set may
        be empty). ``"aps"`` / ``"raps"`` adapt the set size to difficulty.
    random_state : int, RandomState or None, default=None
        Seeds the calibration split or the folds.

    Attributes
    ----------
    mapie_ : SplitConformalClassifier or CrossConformalClassifier
        The fitted MAPIE object.
    estimator_ : classifier or None
        For ``"split"``: the classifier fitted on the training part.
    classes_ : ndarray of shape (n_classes,)
        The class labels, in the column order of ``predict_set``.
    n_calibration_ : int
        Number of conformity scores.
    n_features_in_ : int
        Number of spectral points seen in ``fit``.

    See Also
    --------
    ConformalRegressor : Conformal prediction intervals.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklspec.conformal import ConformalClassifier
    >>> from sklspec.datasets import make_spectra
    >>> X, y = make_spectra(300, 64, random_state=0, return_X_y=True)
    >>> clf = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500))
    >>> model = ConformalClassifier(clf, random_state=0).fit(X[:200], y[:200])
    >>> sets = model.predict_set(X[200:])
    >>> sets.shape, sets.dtype
    ((100, 3), dtype('bool'))
    """

    def fit(self, X, y, groups=None):
        """Fit the classifier(s) and calibrate the sets.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_points)
            Spectra (passed on unchanged).
        y : array-like of shape (n_samples,)
            Class labels.
        groups : array-like of shape (n_samples,), optional
            Sample groups kept on one side of the calibration split (or of the
            CV+ folds, with a group splitter as ``cv``).

        Returns
        -------
        self : ConformalClassifier
        """
        X, y = self._setup(X, y, numeric=False)
        check_classification_targets(y)
        classification = _import_mapie("classification")
        estimator = (
            LogisticRegression(max_iter=1000)
            if self.estimator is None
            else self.estimator
        )
        if not hasattr(estimator, "predict_proba"):
            raise ValueError(
                f"ConformalClassifier needs an estimator with predict_proba; "
                f"{type(estimator).__name__} has none."
            )
        if not is_classifier(estimator):
            raise ValueError(
                f"ConformalClassifier needs a classifier; got {estimator!r}."
            )
        self.classes_ = np.unique(y)
        if len(self.classes_) < 2:
            raise ValueError(
                "ConformalClassifier needs at least 2 classes; got "
                f"{len(self.classes_)} class."
            )

        def check_classes(fitted):
            if len(fitted.classes_) != len(self.classes_):
                raise ValueError(
                    "the training part of the split lacks some classes; use a "
                    "smaller calibration_size or method='cv_plus'."
                )

        return self._fit_mapie(
            X,
            y,
            groups,
            estimator,
            classifier=True,
            split_cls=classification.SplitConformalClassifier,
            cross_cls=classification.CrossConformalClassifier,
            score=self.conformity_score or "lac",
            split_kwargs={"random_state": self.random_state},
            check_fitted=check_classes,
        )

    def predict(self, X):
        """Most probable class of each spectrum.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_points)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        check_is_fitted(self, "mapie_")
        check_same_axis(self, X)
        return np.asarray(self.mapie_.predict(X))

    def predict_set(self, X):
        """Conformal prediction sets as a boolean mask over ``classes_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_points)

        Returns
        -------
        sets : ndarray of bool, shape (n_samples, n_classes) or
            (n_samples, n_classes, n_levels)
            ``sets[i, k]`` is True when class ``classes_[k]`` is in the set of
            spectrum ``i``; the last axis follows ``confidence_level`` when it
            is a sequence.
        """
        check_is_fitted(self, "mapie_")
        check_same_axis(self, X)
        if self.method == "split":
            _, sets = self.mapie_.predict_set(X)
        else:
            _, sets = self.mapie_.predict_set(X, agg_scores="crossval")
        return self._squeeze(np.asarray(sets, dtype=bool))
