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

from ..preprocessing._canonical import STATS_NAMES
from ..utils._docs import fill_doc
from ..utils._validation import check_magnitude, validate_data
from ._base import (
    _CV_CONSTRAINT,
    _BaseDetector,
    _check_cv_samples,
    _check_n_samples,
    _folds,
)
from ._latent import _LatentDetector, _LatentModel

__all__ = ["EmbeddingDistanceDetector", "EmbeddingPCADetector"]

_TRANSFORMER_CONSTRAINT = [HasMethods(["fit", "transform"]), None]

# Docstring text shared word for word by the embedding detectors.
_EMBEDDING_DOCS = {
    "transformer": """\
transformer : transformer or None, default=None
    Maps spectra to embeddings. Cloned and fitted on the calibration
    spectra in :meth:`fit`; wrap an already fitted one (a pretrained
    embedder) in :class:`~sklearn.frozen.FrozenEstimator` to use it as
    is. None: the input is the embedding.
""",
    "attributes_transformer": """\
transformer_ : transformer or None
    The fitted transformer (the same object for a
    :class:`~sklearn.frozen.FrozenEstimator`).
""",
    "attributes_embedding_input": """\
n_features_in_ : int
    Number of features seen during :term:`fit` (spectral points, or
    embedding dimensions without a transformer).
feature_names_in_ : ndarray of shape (`n_features_in_`,)
    Names of features seen during :term:`fit`. Defined only when `X` has
    feature names that are all strings.
""",
    "fit_parameters": """\
X : array-like of shape (n_samples, n_features)
    Calibration spectra (or embeddings, without a transformer). A
    DataFrame reaches the transformer as it is (its wavelength
    column names included).
y : None
    Ignored.
""",
}


class _EmbeddingInputMixin:
    """The ``transformer`` of the embedding detectors: spectra in, embeddings out.

    ``transformer=None``: the input is the embedding, validated as spectra.
    Otherwise the input reaches the (cloned) transformer as it is, so a
    DataFrame keeps its wavelength column names, and only its width (and
    names) are checked here.
    """

    def _fit_embedding(self, X):
        """Check the calibration input, fit ``transformer_``; the embeddings."""
        if self.transformer is None:
            self.transformer_ = None
            return validate_data(self, X, dtype=np.float64, ensure_min_samples=2)
        validate_data(self, X, skip_check_array=True)
        self.transformer_ = clone(self.transformer).fit(X, None)
        return self._embedding(X)

    def _embedding(self, X):
        Z = self.transformer_.transform(X)
        return check_array(Z, dtype=np.float64, input_name="the embedding")

    def _validated(self, X):
        if self.transformer_ is None:
            return validate_data(self, X, reset=False, dtype=np.float64)
        validate_data(self, X, reset=False, skip_check_array=True)
        return self._embedding(X)


class EmbeddingDistanceDetector(_EmbeddingInputMixin, _BaseDetector):
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
    {transformer}
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
    {attributes_transformer}
    covariance_ : LedoitWolf
        The mean and shrunk covariance of the calibration embeddings
        (``method="mahalanobis"``); its ``shrinkage_`` is also used for the
        cross-validation folds, so that fold and final distances compare.
    neighbors_ : NearestNeighbors
        The index of the calibration embeddings (``method="knn"``).
    {attributes_threshold}
    {attributes_embedding_input}

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
        "transformer": _TRANSFORMER_CONSTRAINT,
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
        {fit_parameters}

        Returns
        -------
        self : EmbeddingDistanceDetector
            The fitted detector.
        """
        Z = self._fit_embedding(X)
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
                self,
                n_samples,
                k + 1,
                f"n_neighbors={k} neighbours besides itself",
                "n_neighbors",
            )
            self.neighbors_ = NearestNeighbors(n_neighbors=k).fit(Z)
            distances, _ = self.neighbors_.kneighbors()  # leave-one-out
            calibration = distances.mean(axis=1)
        else:
            _check_cv_samples(self, n_samples)
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

    def _statistic(self, Z):
        if self.method == "knn":
            distances, _ = self.neighbors_.kneighbors(Z)
            return distances.mean(axis=1)
        return self.covariance_.mahalanobis(Z)


class EmbeddingPCADetector(_EmbeddingInputMixin, _LatentDetector):
    """Hotelling T² and Q-residuals in a PCA of an embedding.

    The chemometric applicability domain (:class:`PCAOutlierDetector`) moved
    from the spectra to an embedding: the calibration embeddings are
    autoscaled (each dimension to unit variance, as chemometrics does for
    variables of different units), a PCA of ``n_components`` is fitted to
    them, and a new spectrum is scored by Hotelling's T² inside that plane,
    its Q-residual off it, or both in the total distance of data-driven
    SIMCA, with a threshold from cross-validated calibration statistics (or
    the F / Jackson-Mudholkar limits) at the false-alarm rate ``alpha``.

    Embedders that normalise every spectrum keep what they removed as a few
    extra columns (sklspec's canonical grid: ``offset``, ``scale``,
    ``range_start``, ``range_stop``, the physical intensity level and axis of
    the spectrum). Among a thousand embedding dimensions those few columns
    would weigh almost nothing in the PCA, so they form their own *block*:
    each block (the side columns, the rest) is divided by the square root of
    its total variance, as in multi-block PCA, and the components are fitted
    to both blocks at once. T² then sees how intensity and band shape vary
    *together* in the calibration set, not only each on its own.

    Parameters
    ----------
    {transformer}
    n_components : int, default=10
        Number of principal components of the (scaled) embedding.
    statistic : {"t2", "q", "combined"}, default="combined"
        The statistic thresholded: Hotelling's T², the Q-residual, or both
        in the total distance of data-driven SIMCA (see
        :class:`PCAOutlierDetector`).
    scale : bool, default=True
        Autoscale every embedding dimension by its calibration standard
        deviation before the PCA (constant dimensions keep unit scale).
        False: centre only (dimensions already in comparable units).
    side_features : "auto", array-like of int or None, default="auto"
        Columns of the embedding forming a block of their own (see above).
        ``"auto"``: the columns named ``offset``, ``scale``, ``range_start``
        or ``range_stop`` by the transformer's ``get_feature_names_out`` (or,
        without a transformer, by the input's column names), else the four
        statistics columns an sklspec embedder with a canonical grid appends
        (``grid_.keep_stats``; also inside a
        :class:`~sklearn.frozen.FrozenEstimator` or as the last step of a
        pipeline); none found, or None: a single block.
    threshold : {"empirical", "parametric"}, default="empirical"
        The ``1 - alpha`` quantile of the cross-validated calibration
        statistics, or the distributional control limits (see
        :class:`PCAOutlierDetector`).
    {alpha}
    cv : int, default=5
        Number of cross-validation folds giving the out-of-sample calibration
        statistics (at least 2); the scaling and the PCA are refitted in
        every fold.
    random_state : int, RandomState instance or None, default=None
        Seeds the shuffling of the cross-validation folds.

    Attributes
    ----------
    {attributes_transformer}
    side_features_ : ndarray of int
        Columns of the embedding in the side block (empty: one block).
    model_ : object
        The scaled PCA fitted on all calibration embeddings: ``center_``,
        ``weights_`` (the per-dimension factors, block scaling included),
        ``loadings_``, ``score_variance_``.
    n_components_ : int
        Number of components used.
    t2_limit_, q_limit_ : float
        The limits of T² and Q at ``alpha`` (cross-validated quantiles, or
        the F and Jackson-Mudholkar limits with ``threshold="parametric"``).
    t2_scale_, q_scale_, t2_dof_, q_dof_ : float
        :math:`h_0, q_0, N_h, N_q` of the combined statistic.
    {attributes_threshold}
    {attributes_embedding_input}

    See Also
    --------
    PCAOutlierDetector : T² and Q on the spectra themselves.
    EmbeddingDistanceDetector : Mahalanobis or k-NN distance in an embedding.

    Notes
    -----
    As with :class:`EmbeddingDistanceDetector`, a transformer trained on the
    calibration spectra themselves is fitted once, on all of them; only the
    scaling and the PCA are cross-validated.

    References
    ----------
    .. [1] J. A. Westerhuis, T. Kourti, J. F. MacGregor, "Analysis of
       multiblock and hierarchical PCA and PLS models", Journal of
       Chemometrics, 12, 301-321, 1998 (block scaling).
    .. [2] A. L. Pomerantsev, "Acceptance areas for multivariate
       classification derived by projection methods", Journal of
       Chemometrics, 22, 601-609, 2008.

    Examples
    --------
    >>> import numpy as np
    >>> from sklspec.datasets import make_spectra
    >>> from sklspec.domain import EmbeddingPCADetector
    >>> from sklspec.preprocessing import CanonicalGrid
    >>> data = make_spectra(n_samples=200, n_wavelengths=100, random_state=0)
    >>> X = data.X
    >>> ad = EmbeddingPCADetector(CanonicalGrid(n_points=32), n_components=5,
    ...                           random_state=0).fit(X[:150])
    >>> ad.side_features_  # offset, scale, range_start, range_stop
    array([32, 33, 34, 35])
    >>> bool(np.mean(ad.predict(X[150:]) == 1) > 0.8)
    True
    >>> ad.predict(X[150:155] * 1.5)  # five times the usual intensity
    array([-1, -1, -1, -1, -1])
    """

    _kind = "pca"

    _parameter_constraints: dict = {
        **_LatentDetector._parameter_constraints,
        "transformer": _TRANSFORMER_CONSTRAINT,
        "scale": ["boolean"],
        "side_features": [StrOptions({"auto"}), "array-like", None],
    }

    def __init__(
        self,
        transformer=None,
        *,
        n_components: int = 10,
        statistic: str = "combined",
        scale: bool = True,
        side_features="auto",
        threshold: str = "empirical",
        alpha: float = 0.05,
        cv: int = 5,
        random_state=None,
    ):
        self.transformer = transformer
        self.n_components = n_components
        self.statistic = statistic
        self.scale = scale
        self.side_features = side_features
        self.threshold = threshold
        self.alpha = alpha
        self.cv = cv
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y=None):
        """Embed the calibration spectra, fit the scaled PCA, set the threshold.

        Parameters
        ----------
        {fit_parameters}

        Returns
        -------
        self : EmbeddingPCADetector
            The fitted detector.
        """
        Z = self._fit_embedding(X)
        n_features = Z.shape[1]
        self.side_features_ = self._side_columns(n_features)
        side = self.side_features_
        rest = np.setdiff1d(np.arange(n_features), side)
        self._blocks = [b for b in (rest, side) if len(b)] if len(side) else None
        return self._fit(Z)

    def _side_columns(self, n_features: int) -> np.ndarray:
        if self.side_features is None:
            return np.zeros(0, dtype=np.intp)
        if isinstance(self.side_features, str):  # "auto"
            names = self._embedding_names()
            if names is not None and len(names) == n_features:
                found = np.flatnonzero(np.isin(names, STATS_NAMES))
                if found.size:
                    return found.astype(np.intp)
            n_stats = _grid_stats_width(self.transformer_)
            return np.arange(n_features - n_stats, n_features, dtype=np.intp)
        columns = np.asarray(self.side_features)
        if columns.ndim != 1 or not (
            columns.size == 0 or np.issubdtype(columns.dtype, np.integer)
        ):
            raise ValueError(
                "side_features must be 'auto', None or a 1-d array of column "
                f"indices of the embedding; got {self.side_features!r}."
            )
        if columns.size and (columns.min() < 0 or columns.max() >= n_features):
            raise ValueError(
                f"side_features holds column indices outside the embedding's "
                f"{n_features} columns: {columns.tolist()}."
            )
        return np.unique(columns).astype(np.intp)

    def _embedding_names(self):
        if self.transformer_ is None:
            return getattr(self, "feature_names_in_", None)
        try:
            return np.asarray(self.transformer_.get_feature_names_out(), dtype=str)
        except Exception:  # noqa: BLE001 - no names: no automatic side block
            return None

    def _latent_model(self):
        return _LatentModel(
            "pca", self.n_components, scale=self.scale, blocks=self._blocks
        )


def _grid_stats_width(estimator) -> int:
    """Number of trailing grid-stats columns an (embedding) estimator appends.

    An sklspec embedder with a canonical grid that keeps its statistics
    (``grid_.keep_stats``) appends ``offset, scale, range_start, range_stop``
    after its embedding. Looks through a :class:`~sklearn.frozen.FrozenEstimator`
    and the last step of a :class:`~sklearn.pipeline.Pipeline`.
    """
    for _ in range(8):  # unwrap nested wrappers
        if estimator is None:
            return 0
        if hasattr(estimator, "steps"):
            estimator = estimator.steps[-1][1]
        elif hasattr(estimator, "estimator") and not hasattr(estimator, "grid_"):
            estimator = estimator.estimator
        else:
            break
    grid = getattr(estimator, "grid_", None)
    if grid is not None and getattr(grid, "keep_stats", False):
        return len(STATS_NAMES)
    return 0


for _cls in (EmbeddingDistanceDetector, EmbeddingPCADetector):
    _cls.__doc__ = fill_doc(_cls.__doc__, _EMBEDDING_DOCS)
    _cls.fit.__doc__ = fill_doc(_cls.fit.__doc__, _EMBEDDING_DOCS)
del _cls
