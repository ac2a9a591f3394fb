"""Reconstruction error of an MAE / VAE embedder as an applicability domain."""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

import inspect
from numbers import Integral

import numpy as np
from sklearn.base import _fit_context, clone
from sklearn.frozen import FrozenEstimator
from sklearn.utils._param_validation import HasMethods, Interval
from sklearn.utils.validation import (
    _num_samples,
    check_random_state,
)

from ..utils._validation import validate_data
from ._base import _BaseDetector, _check_cv_samples, _folds

__all__ = ["ReconstructionErrorDetector"]


class ReconstructionErrorDetector(_BaseDetector):
    """Applicability domain from an autoencoder's reconstruction error.

    An autoencoder trained on the calibration (or pretraining) spectra
    reconstructs spectra like them well and others badly: the statistic is
    the embedder's ``reconstruction_error`` (RMSE of the decoded latent mean
    for :class:`~sklspec.embedders.VAEEmbedder`, the masked-patch error of
    :class:`~sklspec.embedders.MAEEmbedder`), thresholded at the ``1 -
    alpha`` quantile of the calibration errors.

    Parameters
    ----------
    embedder : estimator with ``reconstruction_error`` or None, default=None
        An MAE or VAE embedder. Unfitted: cloned and trained on the
        calibration spectra in :meth:`fit` (and once per ``cv`` fold for the
        calibration errors). An already fitted one (a pretrained embedder)
        wrapped in :class:`~sklearn.frozen.FrozenEstimator` is used as it is.
        None: ``VAEEmbedder()``.
    {alpha}
    cv : int or None, default=3
        Folds of the cross-validated calibration errors: the embedder is
        trained ``cv`` more times, each time without the fold it scores,
        since errors on its own training spectra are optimistic. None scores
        the calibration spectra with the final embedder (fast; honest only
        when it never saw them). Unused with a
        :class:`~sklearn.frozen.FrozenEstimator`, which cannot be retrained:
        then pass calibration spectra it was not trained on.
    error_params : dict or None, default=None
        Keyword arguments of ``reconstruction_error`` (e.g. ``{"n_repeats":
        16}`` for an MAE).
    random_state : int, RandomState instance or None, default=None
        Seeds the cross-validation folds and, when ``reconstruction_error``
        takes a ``random_state`` (the MAE's maskings), its randomness, so
        that scores are reproducible; None leaves the latter to the
        embedder.

    Attributes
    ----------
    embedder_ : estimator
        The fitted embedder (the same object for a
        :class:`~sklearn.frozen.FrozenEstimator`).
    {attributes_threshold}
    {attributes_input}

    See Also
    --------
    sklspec.embedders.VAEEmbedder.reconstruction_error : The VAE's error.
    sklspec.embedders.MAEEmbedder.reconstruction_error : The MAE's error.
    EmbeddingDistanceDetector : Distances in the embedding instead.

    Examples
    --------
    >>> from sklearn.frozen import FrozenEstimator
    >>> from sklspec.datasets import make_spectra
    >>> from sklspec.domain import ReconstructionErrorDetector
    >>> from sklspec.embedders import VAEEmbedder
    >>> X, _ = make_spectra(n_samples=200, n_wavelengths=64, random_state=0,
    ...                     return_X_y=True)
    >>> vae = VAEEmbedder(latent_dim=4, hidden=(32,), max_epochs=30,
    ...                   random_state=0).fit(X[:100])
    >>> ad = ReconstructionErrorDetector(FrozenEstimator(vae), alpha=0.1)
    >>> ad = ad.fit(X[100:150])  # spectra the VAE did not train on
    >>> ad.predict(X[150:153] + 0.5)
    array([-1, -1, -1])
    """

    _parameter_constraints: dict = {
        **_BaseDetector._parameter_constraints,
        "embedder": [HasMethods(["fit", "reconstruction_error"]), None],
        "cv": [Interval(Integral, 2, None, closed="left"), None],
        "error_params": [dict, None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        embedder=None,
        *,
        alpha: float = 0.05,
        cv: int | None = 3,
        error_params: dict | None = None,
        random_state=None,
    ):
        self.embedder = embedder
        self.alpha = alpha
        self.cv = cv
        self.error_params = error_params
        self.random_state = random_state

    def _base_embedder(self):
        if self.embedder is None:
            from ..embedders import VAEEmbedder

            return VAEEmbedder()
        return self.embedder

    def _error(self, embedder, X):
        params = dict(self.error_params or {})
        takes_seed = (
            "random_state"
            in inspect.signature(embedder.reconstruction_error).parameters
        )
        if takes_seed and self._error_seed is not None:
            params.setdefault("random_state", self._error_seed)
        return np.asarray(embedder.reconstruction_error(X, **params), np.float64)

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y=None):
        """Train (or take) the embedder and set the threshold.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Calibration spectra; a DataFrame reaches the embedder as it is
            (its wavelength column names included).
        y : None
            Ignored.

        Returns
        -------
        self : ReconstructionErrorDetector
            The fitted detector.
        """
        validate_data(self, X, skip_check_array=True)
        # checked here for shape and NaN; the embedder gets X as given
        validate_data(self, X, reset=False, dtype=None, ensure_min_samples=2)
        rng = check_random_state(self.random_state)
        self._error_seed = (
            None if self.random_state is None else int(rng.randint(2**31 - 1))
        )
        base = self._base_embedder()
        n_samples = _num_samples(X)
        frozen = isinstance(base, FrozenEstimator)
        if self.cv is not None and not frozen:
            _check_cv_samples(self, n_samples)
            calibration = np.empty(n_samples)
            for train, test in _folds(n_samples, self.cv, rng):
                fold = clone(base).fit(_rows(X, train), None)
                calibration[test] = self._error(fold, _rows(X, test))
            self.embedder_ = clone(base).fit(X, None)
        else:
            self.embedder_ = clone(base).fit(X, None)
            calibration = self._error(self.embedder_, X)
        self._set_threshold(calibration)
        return self

    def _validated(self, X):
        validate_data(self, X, reset=False, dtype=None)
        return X

    def _statistic(self, X):
        return self._error(self.embedder_, X)


def _rows(X, index):
    """Rows of an array or DataFrame."""
    if hasattr(X, "iloc"):
        return X.iloc[index]
    return np.asarray(X)[index]
