"""Distance to the calibration cloud in any embedding (Mahalanobis, k-NN)."""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

from numbers import Integral

import numpy as np
from sklearn.base import _fit_context, clone
from sklearn.covariance import LedoitWolf, ShrunkCovariance
from sklearn.neighbors import NearestNeighbors
from sklearn.utils import check_array
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import validate_data

from ..utils._validation import check_magnitude
from ._base import _CV_CONSTRAINT, _BaseDetector, _check_n_samples, _folds

__all__ = ["EmbeddingDistanceDetector"]


class EmbeddingDistanceDetector(_BaseDetector):
    """Applicability domain as the distance to the calibration embeddings.

    Embeds the calibration spectra with ``transformer`` (an sklspec embedder,
    a fitted pipeline step, PCA ...; none: the input is already an
    embedding, e.g. after an embedding step of a
    :class:`~sklearn.pipeline.Pipeline`) and scores a new spectrum by its
    distance to that cloud:

    - ``method="mahalanobis"``: the squared Mahalanobis distance to the mean
      embedding under the Ledoit-Wolf shrinkage covariance
      (:class:`~sklearn.covariance.LedoitWolf`), well defined even with more
      embedding dimensions than calibration spectra; a single elliptical
      cloud;
    - ``method="knn"``: the mean Euclidean distance to the ``n_neighbors``
      nearest calibration embeddings; follows clusters and curved clouds,
      but depends on the scale of each embedding dimension (put a
      :class:`~sklearn.preprocessing.StandardScaler` before it when the
      dimensions are on different scales).

    The threshold is the ``1 - alpha`` quantile of out-of-sample calibration
    distances: leave-one-out for k-NN (a calibration spectrum's own zero
    distance is left out) and ``cv``-fold cross-validation of the mean and
    covariance for Mahalanobis.

    Parameters
    ----------
    transformer : transformer or None, default=None
        Maps spectra to embeddings. Cloned and fitted on the calibration
        spectra in :meth:`fit`; wrap an already fitted one (a pretrained
        embedder) in :class:`~sklearn.frozen.FrozenEstimator` to use it as
        is. None: the input is the embedding.
    method : {"mahalanobis", "knn"}, default="mahalanobis"
        Distance to the calibration cloud.
    n_neighbors : int, default=5
        Neighbours averaged by ``method="knn"``.
    {alpha}
    cv : int, default=5
        Cross-validation folds for the calibration distances of
        ``method="mahalanobis"`` (at least 2; unused by k-NN).
    random_state : int, RandomState instance or None, default=None
        Seeds the shuffling of the cross-validation folds.

    Attributes
    ----------
    transformer_ : transformer or None
        The fitted transformer (the same object for a
        :class:`~sklearn.frozen.FrozenEstimator`).
    covariance_ : LedoitWolf
        The mean and shrunk covariance of the calibration embeddings
        (``method="mahalanobis"``); its ``shrinkage_`` is also used for the
        cross-validation folds, so that fold and final distances compare.
    neighbors_ : NearestNeighbors
        The index of the calibration embeddings (``method="knn"``).
    {attributes_threshold}
    n_features_in_ : int
        Number of features seen during :term:`fit` (spectral points, or
        embedding dimensions without a transformer).
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X` has
        feature names that are all strings.

    See Also
    --------
    PCAOutlierDetector : T² and Q on PCA scores.
    ReconstructionErrorDetector : The reconstruction error of an MAE / VAE.
    sklearn.covariance.EllipticEnvelope : Mahalanobis with a robust
        covariance, threshold from in-sample distances.

    Notes
    -----
    A transformer trained on the calibration spectra themselves (not frozen)
    is fitted once, on all of them; only the distance model is
    cross-validated, so its calibration distances can be slightly
    optimistic. A frozen embedder pretrained on other spectra avoids this.

    Examples
    --------
    >>> from sklearn.decomposition import PCA
    >>> from sklspec.datasets import make_spectra
    >>> from sklspec.domain import EmbeddingDistanceDetector
    >>> X, _ = make_spectra(n_samples=200, n_wavelengths=100, random_state=0,
    ...                     return_X_y=True)
    >>> ad = EmbeddingDistanceDetector(PCA(n_components=5), method="knn")
    >>> ad = ad.fit(X[:150])
    >>> (ad.predict(X[150:]) == 1).mean() > 0.8
    np.True_
    >>> ad.predict(X[150:155] * 1.5)  # five times the usual scatter
    array([-1, -1, -1, -1, -1])
    """

    _parameter_constraints: dict = {
        **_BaseDetector._parameter_constraints,
        "transformer": [HasMethods(["fit", "transform"]), None],
        "method": [StrOptions({"mahalanobis", "knn"})],
        "n_neighbors": [Interval(Integral, 1, None, closed="left")],
        "cv": _CV_CONSTRAINT,
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        transformer=None,
        *,
        method: str = "mahalanobis",
        n_neighbors: int = 5,
        alpha: float = 0.05,
        cv: int = 5,
        random_state=None,
    ):
        self.transformer = transformer
        self.method = method
        self.n_neighbors = n_neighbors
        self.alpha = alpha
        self.cv = cv
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y=None):
        """Embed the calibration spectra and set the threshold.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Calibration spectra (or embeddings, without a transformer). A
            DataFrame reaches the transformer as it is (its wavelength
            column names included).
        y : None
            Ignored.

        Returns
        -------
        self : EmbeddingDistanceDetector
            The fitted detector.
        """
        if self.transformer is None:
            self.transformer_ = None
            X = validate_data(self, X, dtype=np.float64, ensure_min_samples=2)
            Z = X
        else:
            validate_data(self, X, skip_check_array=True)
            self.transformer_ = clone(self.transformer).fit(X, None)
            Z = self._embedding(X)
        check_magnitude(
            Z,
            type(self).__name__,
            "the covariance and the distances would be inf or NaN",
            "spectra" if self.transformer is None else "embeddings",
        )
        n_samples = Z.shape[0]
        if self.method == "knn":
            k = self.n_neighbors
            _check_n_samples(
                self, n_samples, k + 1, f"n_neighbors={k} neighbours besides itself"
            )
            self.neighbors_ = NearestNeighbors(n_neighbors=k).fit(Z)
            distances, _ = self.neighbors_.kneighbors()  # leave-one-out
            calibration = distances.mean(axis=1)
        else:
            _check_n_samples(
                self, n_samples, max(self.cv, 3), f"{self.cv}-fold cross-validation"
            )
            self.covariance_ = LedoitWolf().fit(Z)
            # the folds keep the shrinkage of the final model: a fold's own
            # (larger) Ledoit-Wolf shrinkage would make its distances smaller
            # than those of new spectra under the final model
            shrinkage = self.covariance_.shrinkage_
            calibration = np.empty(n_samples)
            for train, test in _folds(n_samples, self.cv, self.random_state):
                cov = ShrunkCovariance(shrinkage=shrinkage).fit(Z[train])
                calibration[test] = cov.mahalanobis(Z[test])
        self._set_threshold(calibration)
        return self

    def _embedding(self, X):
        Z = self.transformer_.transform(X)
        return check_array(Z, dtype=np.float64, input_name="the embedding")

    def _validated(self, X):
        if self.transformer_ is None:
            return validate_data(self, X, reset=False, dtype=np.float64)
        validate_data(self, X, reset=False, skip_check_array=True)
        return self._embedding(X)

    def _statistic(self, Z):
        if self.method == "knn":
            distances, _ = self.neighbors_.kneighbors(Z)
            return distances.mean(axis=1)
        return self.covariance_.mahalanobis(Z)
