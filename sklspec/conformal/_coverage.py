"""Empirical coverage of conformal intervals and sets over repeated splits."""

from __future__ import annotations

from numbers import Integral

import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.model_selection import (
    GroupShuffleSplit,
    ShuffleSplit,
    StratifiedShuffleSplit,
    check_cv,
)
from sklearn.utils import _safe_indexing
from sklearn.utils.validation import check_consistent_length

from ._estimators import ConformalClassifier, ConformalRegressor, _levels

__all__ = ["CoverageResult", "coverage_table"]


class CoverageResult:
    """Empirical coverage and size of conformal predictions, by level.

    Attributes
    ----------
    levels : ndarray of shape (n_levels,)
        Nominal confidence levels.
    coverage : ndarray of shape (n_splits, n_levels)
        Fraction of held-out samples whose true value lies in the interval
        (or whose true class is in the set), per outer split and level.
    width : ndarray of shape (n_splits, n_levels)
        Mean interval width (regression, in the units of ``y``) or mean set
        size in classes (classification), per split and level.
    task : {"regression", "classification"}
    method : {"split", "cv_plus"}
    n_test : ndarray of shape (n_splits,)
        Held-out samples per split.
    """

    def __init__(self, levels, coverage, width, *, task, method, n_test):
        self.levels = np.asarray(levels, dtype=float)
        self.coverage = np.asarray(coverage, dtype=float)
        self.width = np.asarray(width, dtype=float)
        self.task = task
        self.method = method
        self.n_test = np.asarray(n_test, dtype=int)

    @property
    def mean_coverage(self) -> np.ndarray:
        """Coverage averaged over the splits, per level."""
        return self.coverage.mean(axis=0)

    @property
    def mean_width(self) -> np.ndarray:
        """Width (or set size) averaged over the splits, per level."""
        return self.width.mean(axis=0)

    @property
    def coverage_gap(self) -> np.ndarray:
        """``mean_coverage - levels``: negative means under-coverage."""
        return self.mean_coverage - self.levels

    def to_records(self) -> list[dict]:
        """One plain dict per level (JSON-ready), means and stds over splits."""
        size = "width" if self.task == "regression" else "set_size"
        rows = []
        for j, level in enumerate(self.levels):
            rows.append(
                {
                    "level": float(level),
                    "coverage": float(self.coverage[:, j].mean()),
                    "coverage_std": float(self.coverage[:, j].std()),
                    size: float(self.width[:, j].mean()),
                    f"{size}_std": float(self.width[:, j].std()),
                    "n_splits": int(self.coverage.shape[0]),
                    "method": self.method,
                }
            )
        return rows

    def to_frame(self):
        """The records as a pandas DataFrame indexed by level (needs pandas)."""
        import pandas as pd

        return pd.DataFrame(self.to_records()).set_index("level")

    def __repr__(self) -> str:
        size = "width" if self.task == "regression" else "set size"
        lines = [f"{'level':>6} {'coverage':>9} {size:>10}   ({self.method})"]
        for j, level in enumerate(self.levels):
            lines.append(
                f"{level:6.2f} {self.coverage[:, j].mean():9.3f} "
                f"{self.width[:, j].mean():10.4g}"
            )
        return "\n".join(lines)


def _outer_splitter(outer_cv, n_splits, test_size, random_state, classifier, groups):
    if outer_cv is not None:
        if isinstance(outer_cv, Integral):
            raise ValueError(
                "outer_cv must be a splitter object; use n_splits for a number "
                "of random splits."
            )
        return check_cv(outer_cv, classifier=classifier)
    if groups is not None:
        return GroupShuffleSplit(
            n_splits, test_size=test_size, random_state=random_state
        )
    cls = StratifiedShuffleSplit if classifier else ShuffleSplit
    return cls(n_splits, test_size=test_size, random_state=random_state)


def coverage_table(
    estimator,
    X,
    y,
    *,
    levels=(0.8, 0.9, 0.95),
    method="split",
    n_splits=10,
    test_size=0.25,
    calibration_size=0.25,
    cv=5,
    conformity_score=None,
    groups=None,
    outer_cv=None,
    random_state=None,
) -> CoverageResult:
    """Measure the empirical coverage of conformal predictions on held-out data.

    Over ``n_splits`` random train/test splits, fits a
    :class:`ConformalRegressor` (or :class:`ConformalClassifier`, for a
    classifier) on the training part, with every level of ``levels`` at once,
    and records on the test part the fraction of samples covered and the
    mean interval width (mean set size for classification). A well
    calibrated model has ``mean_coverage`` close to ``levels`` (conformal
    guarantees *at least* the level on average, and at most ``level + 1 /
    (n_calibration + 1)`` for continuous scores); one split's coverage
    scatters by about ``sqrt(level * (1 - level) / n)`` around it.

    Parameters
    ----------
    estimator : estimator, ConformalRegressor or ConformalClassifier
        The point model (any pipeline). A conformal wrapper is used with its
        own settings, its ``confidence_level`` replaced by ``levels`` (then
        ``method``, ``calibration_size``, ``cv`` and ``conformity_score``
        here are ignored).
    X : array-like or DataFrame of shape (n_samples, n_points)
    y : array-like of shape (n_samples,)
    levels : sequence of float, default=(0.8, 0.9, 0.95)
        Nominal confidence levels.
    method : {"split", "cv_plus"}, default="split"
        Conformal method (see :class:`ConformalRegressor`).
    n_splits : int, default=10
        Number of random outer train/test splits.
    test_size : float or int, default=0.25
        Held-out part of each outer split.
    calibration_size : float or int, default=0.25
        Calibration part of the training data for ``"split"`` (a fraction
        or number of the groups when ``groups`` is given).
    cv : int or splitter, default=5
        Folds of ``"cv_plus"``.
    conformity_score : str or MAPIE score, optional
        MAPIE conformity score (default ``"absolute"`` / ``"lac"``).
    groups : array-like of shape (n_samples,), optional
        Groups kept on one side of every outer and calibration split.
    outer_cv : splitter, optional
        Replaces the random outer splits (e.g. ``GroupKFold(5)``).
    random_state : int or None, default=None
        Seeds the outer splits and every calibration split / fold.

    Returns
    -------
    result : CoverageResult
        ``coverage`` and ``width`` per split and level, ``mean_coverage``,
        ``mean_width``, ``to_records()`` and ``to_frame()``.

    Examples
    --------
    >>> from sklearn.cross_decomposition import PLSRegression
    >>> from sklspec.conformal import coverage_table
    >>> from sklspec.datasets import make_spectra
    >>> X, y = make_spectra(400, 64, task="regression", random_state=0,
    ...                     return_X_y=True)
    >>> result = coverage_table(PLSRegression(8), X, y, n_splits=3,
    ...                         random_state=0)
    >>> result.coverage.shape
    (3, 3)
    """
    lv = _levels(levels)
    check_consistent_length(X, y)
    y = np.asarray(y)
    if isinstance(estimator, (ConformalRegressor, ConformalClassifier)):
        template = clone(estimator).set_params(confidence_level=lv)
    else:
        cls = ConformalClassifier if is_classifier(estimator) else ConformalRegressor
        template = cls(
            estimator,
            confidence_level=lv,
            method=method,
            calibration_size=calibration_size,
            cv=cv,
            conformity_score=conformity_score,
        )
    classifier = isinstance(template, ConformalClassifier)
    rng = np.random.RandomState(random_state)
    outer = _outer_splitter(
        outer_cv, n_splits, test_size, rng.randint(2**31 - 1), classifier, groups
    )
    coverage, width, n_test = [], [], []
    for train, test in outer.split(np.zeros((len(y), 1)), y, groups):
        model = clone(template).set_params(random_state=rng.randint(2**31 - 1))
        g = None if groups is None else np.asarray(groups)[train]
        model.fit(_safe_indexing(X, train), y[train], groups=g)
        X_test, y_test = _safe_indexing(X, test), y[test]
        if classifier:
            sets = model.predict_set(X_test)  # (n, n_classes, n_levels)
            index = np.searchsorted(model.classes_, y_test)
            known = (index < len(model.classes_)) & (
                model.classes_[np.minimum(index, len(model.classes_) - 1)] == y_test
            )
            hit = np.zeros((len(y_test), len(lv)), dtype=bool)
            hit[known] = sets[np.flatnonzero(known), index[known]]
            coverage.append(hit.mean(axis=0))
            width.append(sets.sum(axis=1).mean(axis=0))
        else:
            bounds = model.predict_interval(X_test)  # (n, 2, n_levels)
            yt = y_test.astype(float)[:, None]
            coverage.append(((bounds[:, 0] <= yt) & (yt <= bounds[:, 1])).mean(axis=0))
            width.append((bounds[:, 1] - bounds[:, 0]).mean(axis=0))
        n_test.append(len(test))
    return CoverageResult(
        lv,
        coverage,
        width,
        task="classification" if classifier else "regression",
        method=template.method,
        n_test=n_test,
    )
