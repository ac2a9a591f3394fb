"""The base class of the applicability-domain detectors.

A detector turns a spectrum into one *statistic* (higher: less like the
calibration spectra) and flags it when the statistic exceeds a threshold, the
``1 - alpha`` quantile of the statistic over the calibration spectra, computed
out of sample (cross-validated or leave-one-out) so that about a share
``alpha`` of new in-distribution spectra are flagged.

scikit-learn's outlier API on top: :meth:`score_samples` is minus the
statistic (higher: more typical), ``offset_`` is minus the threshold,
:meth:`decision_function` is ``score_samples - offset_`` (negative outside)
and :meth:`predict` is +1 inside, -1 outside.
"""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, OutlierMixin
from sklearn.model_selection import KFold
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted

from ..utils._docs import fill_doc

__all__: list[str] = []

# Parameter docs shared word for word by every detector ("{alpha}" ...).
_DOC_FRAGMENTS = {
    "alpha": """\
alpha : float, default=0.05
    False-alarm rate: the share of new in-distribution spectra flagged as
    outside. The threshold is the ``1 - alpha`` quantile of the statistic over
    the calibration spectra, each scored by a model that did not see it.
""",
    "attributes_threshold": """\
threshold_ : float
    Statistic above which a spectrum is outside: the ``1 - alpha`` quantile
    of :attr:`calibration_scores_` (or, where the detector offers
    ``threshold="parametric"`` and it is chosen, a distributional limit).
offset_ : float
    ``-threshold_``, so that ``decision_function = score_samples - offset_``
    (scikit-learn's convention).
calibration_scores_ : ndarray of shape (n_calibration,)
    Out-of-sample statistic of every calibration spectrum (higher: less
    typical), from which the threshold was taken.
""",
    "attributes_input": """\
n_features_in_ : int
    Number of features (spectral points) seen during :term:`fit`.
feature_names_in_ : ndarray of shape (`n_features_in_`,)
    Names of features seen during :term:`fit`. Defined only when `X` has
    feature names that are all strings.
""",
}


def _check_n_samples(
    estimator, n_samples: int, minimum: int, why: str, param: str | None = None
) -> None:
    """Refuse too few calibration spectra, naming the minimum and the reason.

    ``param``: the parameter that sets the minimum, named in the fix.
    """
    if n_samples < minimum:
        fix = f" Lower {param} or measure more calibration spectra." if param else ""
        raise ValueError(
            f"{type(estimator).__name__} needs at least {minimum} calibration "
            f"spectra ({why}); got n_samples = {n_samples}.{fix}"
        )


def _check_cv_samples(estimator, n_samples: int) -> None:
    """Refuse fewer calibration spectra than ``estimator.cv``-fold CV needs (3)."""
    cv = estimator.cv
    _check_n_samples(
        estimator, n_samples, max(cv, 3), f"{cv}-fold cross-validation, cv={cv}", "cv"
    )


def _folds(n_samples: int, cv: int, random_state):
    """Shuffled K-fold train/test indices (int seed or RandomState as given)."""
    return KFold(n_splits=cv, shuffle=True, random_state=random_state).split(
        np.zeros((n_samples, 1))
    )


class _BaseDetector(OutlierMixin, BaseEstimator):
    """Threshold, offset and the outlier API; subclasses give the statistic.

    Subclasses implement ``_statistic(X)`` (validated input, fitted model;
    higher = less typical) and call :meth:`_set_threshold` at the end of fit
    with the out-of-sample calibration statistics.
    """

    _parameter_constraints: dict = {
        "alpha": [Interval(Real, 0, 1, closed="neither")],
    }

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.__doc__ = fill_doc(cls.__doc__, _DOC_FRAGMENTS)

    # ----------------------------------------------------------- threshold
    def _set_threshold(self, calibration_scores: np.ndarray, threshold=None) -> None:
        """Store the calibration statistics and the threshold.

        ``threshold=None``: the empirical ``1 - alpha`` quantile of the
        statistics; a number (a distributional control limit) is used as is.
        """
        scores = np.asarray(calibration_scores, dtype=np.float64)
        n = scores.shape[0]
        if threshold is None and n * self.alpha < 1:
            warnings.warn(
                f"alpha={self.alpha} with {n} calibration spectra: fewer than one "
                "spectrum lies beyond the threshold, so it is the largest "
                "calibration statistic and the false-alarm rate is not "
                f"controlled; use at least {int(np.ceil(1 / self.alpha))} "
                "calibration spectra or a larger alpha.",
                UserWarning,
                stacklevel=3,
            )
        self.calibration_scores_ = scores
        if threshold is None:
            threshold = np.quantile(scores, 1.0 - self.alpha)
        self.threshold_ = float(threshold)
        self.offset_ = -self.threshold_

    # --------------------------------------------------------- outlier API
    def _validated(self, X):
        raise NotImplementedError

    def _statistic(self, X) -> np.ndarray:
        raise NotImplementedError

    def score_samples(self, X):
        """Minus the statistic: higher for spectra like the calibration set.

        scikit-learn's convention (as in
        :class:`~sklearn.covariance.EllipticEnvelope`): the lower, the more
        abnormal.

        Parameters
        ----------
        X : array-like of shape (n_spectra, n_points)
            Spectra.

        Returns
        -------
        scores : ndarray of shape (n_spectra,)
            ``-statistic``, float64.
        """
        check_is_fitted(self)
        return -np.asarray(self._statistic(self._validated(X)), dtype=np.float64)

    def decision_function(self, X):
        """Signed distance to the threshold: negative outside the domain.

        Parameters
        ----------
        X : array-like of shape (n_spectra, n_points)
            Spectra.

        Returns
        -------
        decision : ndarray of shape (n_spectra,)
            ``score_samples(X) - offset_`` = ``threshold_ - statistic``.
        """
        return self.score_samples(X) - self.offset_

    def predict(self, X):
        """Flag spectra outside the applicability domain.

        Parameters
        ----------
        X : array-like of shape (n_spectra, n_points)
            Spectra.

        Returns
        -------
        labels : ndarray of shape (n_spectra,)
            +1 inside (``decision_function >= 0``), -1 outside.
        """
        decision = self.decision_function(X)
        return np.where(decision >= 0, 1, -1)


_CV_CONSTRAINT = [Interval(Integral, 2, None, closed="left")]
