"""Hotelling T² and Q-residuals on PCA or PLS scores (the chemometric standard)."""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

from numbers import Integral

import numpy as np
from scipy import stats
from sklearn.base import _fit_context
from sklearn.cross_decomposition import PLSRegression
from sklearn.decomposition import PCA
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ..utils._docs import fill_doc
from ..utils._validation import check_magnitude, validate_data
from ._base import (
    _CV_CONSTRAINT,
    _DOC_FRAGMENTS,
    _BaseDetector,
    _check_cv_samples,
    _folds,
)

__all__ = ["PCAOutlierDetector", "PLSOutlierDetector"]

_TINY = np.finfo(np.float64).tiny

_LATENT_NOTES = """\
With the calibration spectra centred on their mean :math:`\\mu` and a model
of :math:`A` components, loadings :math:`P` (points x :math:`A`) and scores
:math:`t = (x - \\mu) W` (:math:`W = P` for PCA, the x rotations for PLS):

- Hotelling's :math:`T^2 = \\sum_a t_a^2 / \\lambda_a`, with :math:`\\lambda_a`
  the variance (``ddof=1``) of the calibration scores on component
  :math:`a`: the distance *inside* the model plane, large for spectra with
  unusual amounts of the modelled variation (extrapolation);
- the Q-residual, or squared prediction error (SPE),
  :math:`Q = \\lVert (x - \\mu) - t P^\\top \\rVert^2`: the distance *to* the
  plane, large for spectra holding something the model has not seen (a new
  band, another baseline, another instrument);
- ``"combined"``: the total distance of data-driven SIMCA (Pomerantsev,
  2008), :math:`f = N_h T^2 / h_0 + N_q Q / q_0`, where :math:`h_0, q_0`
  are the means of the calibration :math:`T^2` and :math:`Q` and
  :math:`N_h, N_q = 2 m^2 / v` their numbers of degrees of freedom by the
  method of moments (mean :math:`m`, variance :math:`v`; clipped to
  ``[1, 1000]``), so each part weighs as a scaled chi-squared variable.

The threshold is the empirical ``1 - alpha`` quantile of the statistic of the
calibration spectra, each scored by a model fitted without it (``cv``-fold
cross-validation): in-sample :math:`Q` is optimistic (the model was fitted
to those spectra) and would flag far more than ``alpha`` of new spectra. The
scaling constants of ``"combined"`` come from the same cross-validated
statistics. This empirical threshold holds the false-alarm rate without
assuming normally distributed scores.

``threshold="parametric"`` uses the chemometric control limits instead:
for :math:`T^2` of a new spectrum the F limit
:math:`A (n-1)(n+1) / (n (n-A)) \\, F_{A, n-A}(1-\\alpha)` (:math:`n`
calibration spectra); for :math:`Q` the Jackson-Mudholkar limit
:math:`\\theta_1 [c_\\alpha \\sqrt{2 \\theta_2 h_0^2} / \\theta_1 + 1 +
\\theta_2 h_0 (h_0 - 1) / \\theta_1^2]^{1/h_0}`, with :math:`\\theta_i =
\\sum_j \\lambda_j^i` over the eigenvalues of the calibration residuals'
covariance, :math:`h_0 = 1 - 2\\theta_1\\theta_3 / (3\\theta_2^2)` and
:math:`c_\\alpha` the standard normal ``1 - alpha`` quantile; for
``"combined"`` the :math:`\\chi^2_{N_h + N_q}(1-\\alpha)` limit of
data-driven SIMCA. These assume normally distributed spectra, and the
residual eigenvalues come from the model's own (in-sample) residuals,
which are smaller than those of new spectra: with few calibration spectra
the Q limit flags more than ``alpha`` of new spectra. The cross-validated
statistics are still computed and kept in :attr:`calibration_scores_`.
"""


def _dof(values: np.ndarray) -> float:
    mean, var = float(np.mean(values)), float(np.var(values))
    if var <= 0:
        return 1000.0
    return float(np.clip(2.0 * mean**2 / var, 1.0, 1000.0))


class _LatentModel:
    """Centring, scaling, scores, score variances and loadings of a PCA/PLS.

    ``scale=True`` divides every feature by its calibration standard
    deviation (autoscaling; constant features keep unit scale) and
    ``blocks`` (a list of column-index arrays) divides each block further by
    the square root of its total calibration variance, so that every block
    carries the same total variance, one (block scaling of multi-block PCA).
    """

    def __init__(self, kind: str, n_components: int, *, scale=False, blocks=None):
        self.kind = kind
        self.n_components = n_components
        self.scale = scale
        self.blocks = blocks

    def _weights(self, X):
        n_features = X.shape[1]
        weights = np.ones(n_features)
        if self.scale:
            std = X.std(axis=0, ddof=1) if X.shape[0] > 1 else np.zeros(n_features)
            level = np.maximum(np.abs(X.mean(axis=0)), 1.0)
            std = np.where(std > 1e3 * np.finfo(np.float64).eps * level, std, 1.0)
            weights = weights / std
        if self.blocks:
            variance = X.var(axis=0, ddof=1) * weights**2 if X.shape[0] > 1 else 0
            variance = np.broadcast_to(variance, (n_features,))
            for block in self.blocks:
                total = float(np.sum(variance[block]))
                if total > 0:
                    weights[block] /= np.sqrt(total)
        return weights

    def _prepared(self, X):
        return (X - self.center_) * self.weights_

    def fit(self, X, y=None):
        self.center_ = X.mean(axis=0)
        self.weights_ = self._weights(X)
        Xs = self._prepared(X)
        if self.kind == "pca":
            model = PCA(n_components=self.n_components, svd_solver="full").fit(Xs)
            self.mean_ = model.mean_
            self.rotations_ = model.components_.T
            self.loadings_ = model.components_.T
        else:
            model = PLSRegression(n_components=self.n_components, scale=False)
            model.fit(Xs, y)
            self.mean_ = Xs.mean(axis=0)
            self.rotations_ = model.x_rotations_
            self.loadings_ = model.x_loadings_
        scores = (Xs - self.mean_) @ self.rotations_
        self.score_variance_ = np.maximum(scores.var(axis=0, ddof=1), _TINY)
        residual = (Xs - self.mean_) - scores @ self.loadings_.T
        # eigenvalues of the residual covariance (Jackson-Mudholkar's theta)
        singular = np.linalg.svd(residual, compute_uv=False)
        self.residual_eigenvalues_ = singular**2 / max(X.shape[0] - 1, 1)
        return self

    def t2_q(self, X):
        Xc = self._prepared(X) - self.mean_
        scores = Xc @ self.rotations_
        t2 = np.sum(scores**2 / self.score_variance_, axis=1)
        residual = Xc - scores @ self.loadings_.T
        q = np.sum(residual**2, axis=1)
        return t2, q


def _f_limit(n_components: int, n_samples: int, alpha: float) -> float:
    """F-distribution limit of Hotelling's T² of a new observation."""
    a, n = n_components, n_samples
    if n - a < 1:
        return np.inf
    factor = a * (n - 1) * (n + 1) / (n * (n - a))
    return float(factor * stats.f.ppf(1.0 - alpha, a, n - a))


def _jackson_mudholkar_limit(eigenvalues: np.ndarray, alpha: float) -> float:
    """Jackson-Mudholkar (1979) limit of the Q-residual."""
    theta1, theta2, theta3 = (float(np.sum(eigenvalues**i)) for i in (1, 2, 3))
    if theta1 <= 0 or theta2 <= 0:
        return 0.0
    h0 = 1.0 - 2.0 * theta1 * theta3 / (3.0 * theta2**2)
    if abs(h0) < 1e-6:  # the normal approximation degenerates; h0 -> 0 limit
        h0 = 1e-6
    c = stats.norm.ppf(1.0 - alpha)
    base = (
        c * np.sqrt(2.0 * theta2 * h0**2) / theta1
        + 1.0
        + theta2 * h0 * (h0 - 1.0) / theta1**2
    )
    return float(theta1 * max(base, 0.0) ** (1.0 / h0))


class _LatentDetector(_BaseDetector):
    _kind = "pca"

    _parameter_constraints: dict = {
        **_BaseDetector._parameter_constraints,
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "statistic": [StrOptions({"t2", "q", "combined"})],
        "threshold": [StrOptions({"empirical", "parametric"})],
        "cv": _CV_CONSTRAINT,
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        n_components: int = 2,
        *,
        statistic: str = "combined",
        threshold: str = "empirical",
        alpha: float = 0.05,
        cv: int = 5,
        random_state=None,
    ):
        self.n_components = n_components
        self.statistic = statistic
        self.threshold = threshold
        self.alpha = alpha
        self.cv = cv
        self.random_state = random_state

    def _check_sizes(self, X):
        n_samples, n_features = X.shape
        _check_cv_samples(self, n_samples)
        k = self.n_components
        if self.statistic != "t2" and k >= n_features:
            raise ValueError(
                f"n_components={k} must be smaller than the number of spectral "
                f"points (n_features = {n_features}) for Q-residuals: with as "
                "many components as points every residual is zero. Lower "
                "n_components or use statistic='t2'."
            )
        if k > n_features:
            raise ValueError(
                f"n_components={k} exceeds the number of spectral points "
                f"(n_features = {n_features})."
            )
        n_train = n_samples - int(np.ceil(n_samples / self.cv))
        if k > n_train - 1:
            raise ValueError(
                f"n_components={k} is too many for {n_samples} calibration spectra: "
                f"each {self.cv}-fold training set holds {n_train} spectra, which "
                f"support at most {max(n_train - 1, 0)} components. Lower "
                "n_components or measure more calibration spectra."
            )

    def _fit(self, X, y=None):
        self._check_sizes(X)
        check_magnitude(
            X, type(self).__name__, "T² and Q-residuals would be inf, 0 or NaN"
        )
        n_samples = X.shape[0]
        t2_cv = np.empty(n_samples)
        q_cv = np.empty(n_samples)
        for train, test in _folds(n_samples, self.cv, self.random_state):
            model = self._latent_model().fit(X[train], None if y is None else y[train])
            t2_cv[test], q_cv[test] = model.t2_q(X[test])
        self.model_ = self._latent_model().fit(X, y)
        self.n_components_ = self.n_components
        self.mean_ = self.model_.mean_
        self.loadings_ = self.model_.loadings_
        self.score_variance_ = self.model_.score_variance_
        self.t2_scale_ = max(float(np.mean(t2_cv)), _TINY)
        self.q_scale_ = max(float(np.mean(q_cv)), _TINY)
        self.t2_dof_ = _dof(t2_cv)
        self.q_dof_ = _dof(q_cv)
        if self.threshold == "parametric":
            self.t2_limit_ = _f_limit(self.n_components, n_samples, self.alpha)
            self.q_limit_ = _jackson_mudholkar_limit(
                self.model_.residual_eigenvalues_, self.alpha
            )
            limit = {
                "t2": self.t2_limit_,
                "q": self.q_limit_,
                "combined": float(
                    stats.chi2.ppf(1.0 - self.alpha, self.t2_dof_ + self.q_dof_)
                ),
            }[self.statistic]
        else:
            self.t2_limit_ = float(np.quantile(t2_cv, 1.0 - self.alpha))
            self.q_limit_ = float(np.quantile(q_cv, 1.0 - self.alpha))
            limit = None
        self._set_threshold(self._combine(t2_cv, q_cv), limit)
        return self

    def _latent_model(self):
        return _LatentModel(self._kind, self.n_components)

    def _combine(self, t2, q):
        if self.statistic == "t2":
            return t2
        if self.statistic == "q":
            return q
        return self.t2_dof_ * t2 / self.t2_scale_ + self.q_dof_ * q / self.q_scale_

    def _validated(self, X):
        return validate_data(self, X, reset=False, dtype=np.float64)

    def _statistic(self, X):
        return self._combine(*self.model_.t2_q(X))

    def hotelling_t2(self, X):
        """Hotelling's T² of spectra on the fitted model's scores.

        Parameters
        ----------
        X : array-like of shape (n_spectra, n_points)
            Spectra.

        Returns
        -------
        t2 : ndarray of shape (n_spectra,)
            :math:`\\sum_a t_a^2 / \\lambda_a` (see Notes).
        """
        check_is_fitted(self)
        return self.model_.t2_q(self._validated(X))[0]

    def q_residuals(self, X):
        """Q-residuals (squared prediction error) of spectra.

        Parameters
        ----------
        X : array-like of shape (n_spectra, n_points)
            Spectra.

        Returns
        -------
        q : ndarray of shape (n_spectra,)
            Squared norm of the part of the centred spectrum outside the
            model plane (see Notes).
        """
        check_is_fitted(self)
        return self.model_.t2_q(self._validated(X))[1]


_LATENT_PARAMS = """\
n_components : int, default=2
    Number of components (latent variables) of the model.
statistic : {"t2", "q", "combined"}, default="combined"
    The statistic thresholded: Hotelling's T², the Q-residual, or both in
    the total distance of data-driven SIMCA (see Notes).
threshold : {"empirical", "parametric"}, default="empirical"
    How the threshold is set: the ``1 - alpha`` quantile of the
    cross-validated calibration statistics, or the distributional control
    limits of chemometrics (F for T², Jackson-Mudholkar for Q, chi-squared
    for the combined distance; see Notes).
{alpha}
cv : int, default=5
    Number of cross-validation folds giving the out-of-sample calibration
    statistics (at least 2).
random_state : int, RandomState instance or None, default=None
    Seeds the shuffling of the cross-validation folds.
"""

_LATENT_ATTRIBUTES = """\
model_ : object
    The latent model fitted on all calibration spectra.
n_components_ : int
    Number of components used.
mean_ : ndarray of shape (`n_features_in_`,)
    Mean calibration spectrum.
loadings_ : ndarray of shape (`n_features_in_`, `n_components_`)
    Loadings :math:`P`.
score_variance_ : ndarray of shape (`n_components_`,)
    Variance :math:`\\lambda_a` of the calibration scores.
t2_limit_, q_limit_ : float
    The limits of T² and Q at ``alpha`` (the two limits of a T²-Q plot; used
    as thresholds with ``statistic="t2"`` or ``"q"``): the ``1 - alpha``
    quantiles of the cross-validated T² and Q, or with
    ``threshold="parametric"`` the F and Jackson-Mudholkar limits.
t2_scale_, q_scale_, t2_dof_, q_dof_ : float
    :math:`h_0, q_0, N_h, N_q` of the combined statistic.
{attributes_threshold}
{attributes_input}
"""


class PCAOutlierDetector(_LatentDetector):
    """Applicability domain from PCA: Hotelling T² and Q-residuals.

    The chemometric standard for "is this spectrum like the calibration
    spectra?": a PCA model of the calibration spectra, Hotelling's T² inside
    its plane and the Q-residual (SPE) off it, each or combined, with a
    threshold set from cross-validated calibration statistics at the
    false-alarm rate ``alpha``.

    Parameters
    ----------
    {latent_params}

    Attributes
    ----------
    {latent_attributes}

    See Also
    --------
    PLSOutlierDetector : The same statistics on PLS scores (fitted with y).
    EmbeddingDistanceDetector : Distances in any embedding.

    Notes
    -----
    {latent_notes}

    References
    ----------
    .. [1] J. E. Jackson, "A User's Guide to Principal Components", Wiley,
       1991, chapter 1.7 (T² and Q).
    .. [2] A. L. Pomerantsev, "Acceptance areas for multivariate
       classification derived by projection methods", Journal of
       Chemometrics, 22, 601-609, 2008.

    Examples
    --------
    >>> import numpy as np
    >>> from sklspec.datasets import make_spectra
    >>> from sklspec.domain import PCAOutlierDetector
    >>> data = make_spectra(n_samples=200, n_wavelengths=100, random_state=0)
    >>> X = data.X
    >>> ad = PCAOutlierDetector(n_components=10, alpha=0.05, random_state=0)
    >>> ad = ad.fit(X[:150])
    >>> float((ad.predict(X[150:]) == -1).mean())  # false alarms, near alpha
    0.02
    >>> band = 0.03 * np.exp(-0.5 * ((data.wavelengths - 1800) / 15) ** 2)
    >>> ad.predict(X[150:155] + band)  # a band the calibration never had
    array([-1, -1, -1, -1, -1])
    >>> bool(ad.q_residuals(X[150:151] + band)[0] > ad.q_limit_)
    True
    """

    _kind = "pca"

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Fit the PCA model and set the threshold.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Calibration spectra.
        y : None
            Ignored.

        Returns
        -------
        self : PCAOutlierDetector
            The fitted detector.
        """
        X = validate_data(self, X, dtype=np.float64, ensure_min_samples=2)
        return self._fit(X)


class PLSOutlierDetector(_LatentDetector):
    """Applicability domain from PLS: Hotelling T² and Q-residuals.

    As :class:`PCAOutlierDetector`, on the x scores and x loadings of a PLS
    regression of the spectra on their reference values (no scaling of the
    spectra): the domain of a PLS calibration as its own latent variables see
    it.

    Parameters
    ----------
    {latent_params}

    Attributes
    ----------
    {latent_attributes}

    See Also
    --------
    PCAOutlierDetector : The unsupervised version.
    sklearn.cross_decomposition.PLSRegression : The model underneath.

    Notes
    -----
    {latent_notes}

    Examples
    --------
    >>> import numpy as np
    >>> from sklspec.datasets import make_spectra
    >>> from sklspec.domain import PLSOutlierDetector
    >>> data = make_spectra(n_samples=200, n_wavelengths=100, task="regression",
    ...                     random_state=0)
    >>> ad = PLSOutlierDetector(n_components=10, random_state=0)
    >>> ad = ad.fit(data.X, data.y)
    >>> band = 0.03 * np.exp(-0.5 * ((data.wavelengths - 1800) / 15) ** 2)
    >>> ad.predict(data.X[:3] + band)
    array([-1, -1, -1])
    """

    _kind = "pls"

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Fit the PLS model of ``X`` on ``y`` and set the threshold.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Calibration spectra.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Reference values.

        Returns
        -------
        self : PLSOutlierDetector
            The fitted detector.
        """
        X, y = validate_data(
            self, X, y, dtype=np.float64, ensure_min_samples=2, multi_output=True
        )
        return self._fit(X, y)

    def fit_predict(self, X, y):
        """Fit on ``(X, y)`` and flag the calibration spectra themselves.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Calibration spectra.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Reference values.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            +1 inside, -1 outside, for the (in-sample) calibration spectra.
        """
        return self.fit(X, y).predict(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        return tags


_FRAGMENTS = {
    "latent_params": fill_doc(_LATENT_PARAMS, _DOC_FRAGMENTS),
    "latent_attributes": fill_doc(_LATENT_ATTRIBUTES, _DOC_FRAGMENTS),
    "latent_notes": _LATENT_NOTES,
}
PCAOutlierDetector.__doc__ = fill_doc(PCAOutlierDetector.__doc__, _FRAGMENTS)
PLSOutlierDetector.__doc__ = fill_doc(PLSOutlierDetector.__doc__, _FRAGMENTS)
