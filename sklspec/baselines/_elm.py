"""Extreme learning machines (random hidden layer + ridge readout)."""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from scipy import linalg
from scipy.special import expit
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    MultiOutputMixin,
    RegressorMixin,
    _fit_context,
)
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions

from ..utils._validation import validate_data
from ._classifier import _OneHotClassifierMixin, _validate_fitted

__all__ = ["ELMClassifier", "ELMRegressor"]


def _relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0, out=z)


_ACTIVATIONS = {"tanh": np.tanh, "sigmoid": expit, "relu": _relu}


def _ridge_readout(H: np.ndarray, Y: np.ndarray, alpha: float):
    """Closed-form ridge regression of ``Y`` on ``H`` with unpenalised intercept.

    Solves the primal ``(Hc' Hc + alpha I) beta = Hc' Yc`` when there are more
    samples than hidden units, the dual ``beta = Hc' (Hc Hc' + alpha I)^-1 Yc``
    otherwise (same solution, smaller system). Falls back to least squares when
    the system is singular (``alpha=0`` on rank-deficient ``H``).
    """
    h_mean = H.mean(axis=0)
    y_mean = Y.mean(axis=0)
    Hc = H - h_mean
    Yc = Y - y_mean
    n_samples, n_hidden = Hc.shape
    if n_samples >= n_hidden:
        A = Hc.T @ Hc
        A.flat[:: n_hidden + 1] += alpha
        B = Hc.T @ Yc
    else:
        A = Hc @ Hc.T
        A.flat[:: n_samples + 1] += alpha
        B = Yc
    try:
        coef = linalg.solve(A, B, assume_a="pos", check_finite=False)
    except (linalg.LinAlgError, ValueError):
        coef = linalg.lstsq(A, B, check_finite=False)[0]
    if n_samples < n_hidden:
        coef = Hc.T @ coef
    intercept = y_mean - h_mean @ coef
    return coef, intercept


class _BaseELM(BaseEstimator):
    """Shared hidden layer and readout of the ELM estimators."""

    _parameter_constraints: dict = {
        "n_hidden": [Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions(set(_ACTIVATIONS))],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        n_hidden: int = 200,
        *,
        activation: str = "tanh",
        alpha: float = 1e-3,
        random_state=None,
    ):
        self.n_hidden = n_hidden
        self.activation = activation
        self.alpha = alpha
        self.random_state = random_state

    def _init_hidden(self, X: np.ndarray) -> None:
        n_features = X.shape[1]
        self.x_mean_ = X.mean(axis=0)
        scale = X.std(axis=0)
        tiny = 10 * np.finfo(np.float64).eps * np.maximum(np.abs(self.x_mean_), 1.0)
        scale[scale <= tiny] = 1.0
        self.x_scale_ = scale
        rng = check_random_state(self.random_state)
        self.hidden_weights_ = rng.standard_normal((n_features, self.n_hidden))
        self.hidden_weights_ /= np.sqrt(n_features)
        self.hidden_bias_ = rng.standard_normal(self.n_hidden)

    def _hidden(self, X: np.ndarray) -> np.ndarray:
        Z = ((X - self.x_mean_) / self.x_scale_) @ self.hidden_weights_
        Z += self.hidden_bias_
        return _ACTIVATIONS[self.activation](Z)

    def _fit_readout(self, X: np.ndarray, Y: np.ndarray) -> None:
        self._init_hidden(X)
        self.coef_, self.intercept_ = _ridge_readout(
            self._hidden(X), Y, float(self.alpha)
        )

    def _raw_outputs(self, X) -> np.ndarray:
        return self._hidden(X) @ self.coef_ + self.intercept_


_ELM_PARAMETERS_DOC = """
    Parameters
    ----------
    n_hidden : int, default=200
        Number of random hidden units.
    activation : {"tanh", "sigmoid", "relu"}, default="tanh"
        Activation of the hidden layer.
    alpha : float, default=1e-3
        Ridge penalty of the output weights (the intercept is not penalised).
    random_state : int, RandomState instance or None, default=None
        Seeds the random hidden weights, drawn in :meth:`fit` from
        ``check_random_state(random_state)``. Pass an int for reproducible
        results.
"""

_ELM_NOTES_DOC = """
    Each feature of ``X`` is first standardised with the training mean and
    standard deviation (constant features are left unscaled), so that the
    random projection sees comparable inputs whatever the units of the
    spectra. The hidden layer is ``act(X_std @ W + b)`` with ``W`` drawn from
    ``N(0, 1 / n_features)`` (pre-activations of order one, whatever the
    number of spectral points, so ``tanh``/``sigmoid`` do not saturate) and
    ``b`` from ``N(0, 1)``. The output weights are the closed-form ridge
    solution (primal or dual system, whichever is smaller), so fitting is a
    single linear solve: there is no iterative training.
"""


class ELMClassifier(_OneHotClassifierMixin, ClassifierMixin, _BaseELM):
    __doc__ = (
        """Extreme learning machine classifier.

    A single hidden layer with random, untrained weights and a ridge readout
    fitted in closed form on a one-hot coding of the classes [1]_. A common
    fast non-linear comparator in spectroscopic classification [2]_.
"""
        + _ELM_PARAMETERS_DOC
        + """
    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels known to the classifier.
    x_mean_, x_scale_ : ndarray of shape (`n_features_in_`,)
        Standardisation applied to ``X`` before the hidden layer.
    hidden_weights_ : ndarray of shape (`n_features_in_`, n_hidden)
        Random input weights.
    hidden_bias_ : ndarray of shape (n_hidden,)
        Random hidden biases.
    coef_ : ndarray of shape (n_hidden, n_classes)
        Ridge output weights.
    intercept_ : ndarray of shape (n_classes,)
        Output intercepts.
    n_features_in_ : int
        Number of features seen during :meth:`fit`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :meth:`fit`. Defined only when ``X`` has
        feature names that are all strings.

    See Also
    --------
    ELMRegressor : The regression counterpart.
    PLSDAClassifier : The linear chemometrics reference.

    Notes
    -----"""
        + _ELM_NOTES_DOC
        + """
    Targets are coded one-hot (one column per class, also for two classes).
    :meth:`predict` is the argmax of the outputs, :meth:`predict_proba` their
    softmax: argmax- and rank-consistent with the outputs but not calibrated
    (outputs live on the 0-1 scale of the coding); use
    :class:`~sklearn.calibration.CalibratedClassifierCV` for calibrated
    probabilities. :meth:`decision_function` returns the outputs, or with two
    classes the 1-D difference ``output[:, 1] - output[:, 0]``.

    References
    ----------
    .. [1] G.-B. Huang, Q.-Y. Zhu and C.-K. Siew, "Extreme learning machine:
       theory and applications", Neurocomputing, 70(1-3), 489-501, 2006.
    .. [2] G.-B. Huang, H. Zhou, X. Ding and R. Zhang, "Extreme learning
       machine for regression and multiclass classification", IEEE
       Transactions on Systems, Man, and Cybernetics, Part B, 42(2), 513-529,
       2012.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklspec.baselines import ELMClassifier
    >>> X, y = make_classification(n_samples=200, n_features=20, random_state=0)
    >>> clf = ELMClassifier(n_hidden=100, random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:3]).shape
    (3, 2)
    >>> bool(clf.score(X, y) > 0.9)
    True
    """
    )

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Draw the hidden layer and fit the ridge readout.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training spectra.
        y : array-like of shape (n_samples,)
            Class labels.

        Returns
        -------
        self : ELMClassifier
            Fitted classifier.
        """
        X, y = validate_data(self, X, y, dtype=np.float64)
        self._fit_readout(X, self._encode_classes(y))
        return self


class ELMRegressor(MultiOutputMixin, RegressorMixin, _BaseELM):
    __doc__ = (
        """Extreme learning machine regressor.

    A single hidden layer with random, untrained weights and a ridge readout
    fitted in closed form [1]_. Supports multi-output targets.
"""
        + _ELM_PARAMETERS_DOC
        + """
    Attributes
    ----------
    x_mean_, x_scale_ : ndarray of shape (`n_features_in_`,)
        Standardisation applied to ``X`` before the hidden layer.
    hidden_weights_ : ndarray of shape (`n_features_in_`, n_hidden)
        Random input weights.
    hidden_bias_ : ndarray of shape (n_hidden,)
        Random hidden biases.
    coef_ : ndarray of shape (n_hidden,) or (n_hidden, n_targets)
        Ridge output weights.
    intercept_ : float or ndarray of shape (n_targets,)
        Output intercepts.
    n_features_in_ : int
        Number of features seen during :meth:`fit`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :meth:`fit`. Defined only when ``X`` has
        feature names that are all strings.

    See Also
    --------
    ELMClassifier : The classification counterpart.

    Notes
    -----"""
        + _ELM_NOTES_DOC
        + """
    The targets are not rescaled: the intercept absorbs their mean and the
    penalty ``alpha`` acts on the output weights only.

    References
    ----------
    .. [1] G.-B. Huang, Q.-Y. Zhu and C.-K. Siew, "Extreme learning machine:
       theory and applications", Neurocomputing, 70(1-3), 489-501, 2006.

    Examples
    --------
    >>> import numpy as np
    >>> from sklspec.baselines import ELMRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(-2, 2, size=(300, 1))
    >>> y = np.sin(2 * X[:, 0])
    >>> reg = ELMRegressor(n_hidden=100, random_state=0).fit(X, y)
    >>> bool(reg.score(X, y) > 0.99)
    True
    """
    )

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Draw the hidden layer and fit the ridge readout.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training spectra.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Target values.

        Returns
        -------
        self : ELMRegressor
            Fitted regressor.
        """
        X, y = validate_data(
            self, X, y, dtype=np.float64, multi_output=True, y_numeric=True
        )
        y = np.asarray(y, dtype=np.float64)
        self._fit_readout(X, y.reshape(y.shape[0], -1))
        if y.ndim == 1:
            self.coef_ = self.coef_[:, 0]
            self.intercept_ = float(self.intercept_[0])
        return self

    def predict(self, X) -> np.ndarray:
        """Predict targets.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Spectra.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_targets)
            Predicted values, with the shape of the training targets.
        """
        return self._raw_outputs(_validate_fitted(self, X))
