"""Partial least squares discriminant analysis (PLS-DA)."""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.cross_decomposition import PLSRegression
from sklearn.utils._param_validation import Interval

from ..exceptions import DataLimitWarning
from ..utils._validation import check_magnitude, validate_data
from ._classifier import _OneHotClassifierMixin, _validate_fitted

__all__ = ["PLSDAClassifier"]


class PLSDAClassifier(
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    _OneHotClassifierMixin,
    ClassifierMixin,
    BaseEstimator,
):
    """Partial least squares discriminant analysis (PLS-DA).

    PLS-DA [1]_ [2]_ is the chemometrics workhorse for classifying spectra: a
    PLS2 regression (:class:`~sklearn.cross_decomposition.PLSRegression`) of the
    spectra on a one-hot coding of the classes, followed by the rule "assign
    the class whose column of the regression output is largest".

    Parameters
    ----------
    n_components : int, default=2
        Number of latent variables (PLS components) requested. The number
        actually used, :attr:`n_components_`, is
        ``min(n_components, n_features, n_samples - 1)`` (and at least 1): a PLS
        model cannot have more latent variables than spectral points, nor more
        than the rank of the centred training set. The value is clipped, so
        that a grid over ``n_components`` stays valid on small
        cross-validation folds, and a :class:`~sklspec.exceptions.DataLimitWarning`
        names the limit and the value used.
    scale : bool, default=True
        Whether the inner PLS scales ``X`` (and the one-hot targets) to unit
        variance; see :class:`~sklearn.cross_decomposition.PLSRegression`.
    max_iter : int, default=500
        Maximum number of NIPALS iterations per component.
    tol : float, default=1e-6
        Convergence tolerance of the NIPALS inner loop.

    Attributes
    ----------
    pls_ : PLSRegression
        The fitted PLS regression of ``X`` on the one-hot targets.
    classes_ : ndarray of shape (n_classes,)
        Class labels known to the classifier.
    n_components_ : int
        Number of latent variables actually used (see ``n_components``).
    n_iter_ : int
        Largest number of NIPALS iterations run for one component (equal to
        ``max_iter`` when a component did not converge); the per-component
        counts are in ``pls_.n_iter_``.
    n_features_in_ : int
        Number of features (spectral points) seen during :meth:`fit`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :meth:`fit`. Defined only when ``X`` has
        feature names that are all strings.

    See Also
    --------
    sklearn.cross_decomposition.PLSRegression : The regression underneath.
    ELMClassifier : A non-linear, randomised alternative.

    Notes
    -----
    The targets are coded with one column per class, also for two classes
    (some texts use a single ``{0, 1}`` column there; with two columns the two
    outputs of the PLS model sum to one and the decision is the same).

    :meth:`decision_function` returns the raw PLS outputs ``(n_samples,
    n_classes)``; with two classes it returns, as scikit-learn classifiers do,
    the 1-D difference ``output[:, 1] - output[:, 0]``, positive for
    ``classes_[1]``.

    :meth:`predict_proba` is the softmax of the PLS outputs. It is not
    calibrated: the outputs live on the 0–1 scale of the one-hot coding, so
    the probabilities are soft (two classes perfectly predicted give
    ``0.73 / 0.27``). It is strictly monotonic in the outputs, hence
    argmax-consistent with :meth:`predict` and rank-consistent with
    :meth:`decision_function`, which is what ROC curves need. Wrap the model in
    :class:`~sklearn.calibration.CalibratedClassifierCV` when calibrated
    probabilities matter. (The other common choice, clipping negative outputs
    to zero and renormalising, creates ties whenever an output exceeds one.)

    References
    ----------
    .. [1] M. Barker and W. Rayens, "Partial least squares for
       discrimination", Journal of Chemometrics, 17(3), 166-173, 2003.
    .. [2] D. Ballabio and V. Consonni, "Classification tools in chemistry.
       Part 1: linear models. PLS-DA", Analytical Methods, 5, 3790-3798, 2013.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklspec.baselines import PLSDAClassifier
    >>> X, y = make_classification(n_samples=100, n_features=30, random_state=0)
    >>> clf = PLSDAClassifier(n_components=3).fit(X, y)
    >>> clf.predict(X[:5]).shape
    (5,)
    >>> clf.predict_proba(X[:2]).sum(axis=1)
    array([1., 1.])
    >>> clf.transform(X).shape
    (100, 3)
    """

    _parameter_constraints: dict = {
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "scale": ["boolean"],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(
        self,
        n_components: int = 2,
        *,
        scale: bool = True,
        max_iter: int = 500,
        tol: float = 1e-6,
    ):
        self.n_components = n_components
        self.scale = scale
        self.max_iter = max_iter
        self.tol = tol

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Fit the PLS regression of ``X`` on the one-hot coded classes.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training spectra.
        y : array-like of shape (n_samples,)
            Class labels. At least two classes are required.

        Returns
        -------
        self : PLSDAClassifier
            Fitted classifier.

        Warns
        -----
        DataLimitWarning
            If ``n_components`` is beyond the spectral points or the training
            spectra minus one (see ``n_components``).
        """
        X, y = validate_data(self, X, y, dtype=np.float64, ensure_min_samples=2)
        Y = self._encode_classes(y)
        n_samples, n_features = X.shape
        self.n_components_ = int(
            max(1, min(self.n_components, n_features, n_samples - 1))
        )
        if self.n_components_ < self.n_components:
            limit = (
                f"the spectra have {n_features} points"
                if n_features <= n_samples - 1
                else f"{n_samples} training spectra allow at most "
                f"{max(1, n_samples - 1)} (n_samples - 1)"
            )
            warnings.warn(
                f"PLSDAClassifier(n_components={self.n_components}) asks for more "
                f"latent variables than the data allow: {limit}; fitting "
                f"n_components_={self.n_components_}. Pass n_components <= "
                f"{self.n_components_} (or more spectra) to silence this.",
                DataLimitWarning,
                stacklevel=2,
            )
        check_magnitude(X, "PLSDAClassifier", "the PLS fit would end in NaN")
        self.pls_ = PLSRegression(
            n_components=self.n_components_,
            scale=self.scale,
            max_iter=self.max_iter,
            tol=self.tol,
        ).fit(X, Y)
        self.n_iter_ = int(max(self.pls_.n_iter_))
        self._n_features_out = self.n_components_
        return self

    def _raw_outputs(self, X) -> np.ndarray:
        return np.asarray(self.pls_.predict(X), dtype=np.float64).reshape(
            X.shape[0], -1
        )

    def transform(self, X) -> np.ndarray:
        """Project spectra on the PLS latent variables (the x scores).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Spectra.

        Returns
        -------
        x_scores : ndarray of shape (n_samples, `n_components_`)
            Scores of ``X`` on the latent variables.
        """
        return self.pls_.transform(_validate_fitted(self, X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        return tags
