"""MiniRocket features for spectra (a wrapper around aeon's MiniRocket)."""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

from numbers import Integral

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted

from ..utils._validation import validate_data

__all__ = ["MiniRocketTransformer"]

#: MiniRocket's kernels have 9 weights: shorter series cannot be convolved.
MIN_N_POINTS = 9

_INSTALL_HINT = (
    "MiniRocketTransformer needs the optional dependency aeon; install it with "
    '`pip install "sklspec[rocket]"`.'
)


def _import_minirocket():
    try:
        from aeon.transformations.collection.convolution_based import MiniRocket
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(_INSTALL_HINT) from exc
    return MiniRocket


class MiniRocketTransformer(
    ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator
):
    """MiniRocket random-convolution features of spectra.

    MiniRocket [1]_ convolves each series with 84 fixed length-9 kernels at
    several dilations and records, for biases drawn from the training data, the
    proportion of positive values (PPV). With a linear classifier on top
    (ridge), it is a strong, fast baseline of time-series classification, and
    a natural comparator for learned spectral representations. This wrapper
    takes spectra as a 2-D array ``(n_spectra, n_points)`` and hands them to
    :class:`aeon.transformations.collection.convolution_based.MiniRocket` as
    the univariate collection ``(n_spectra, 1, n_points)`` it expects.

    Parameters
    ----------
    n_kernels : int, default=10000
        Number of features requested. As in aeon, the number produced is
        rounded down to a multiple of 84, with a minimum of 84 (for example
        ``10000`` gives ``9996``); see :attr:`n_features_out_`.
    max_dilations_per_kernel : int, default=32
        Maximum number of dilations per kernel.
    random_state : int, RandomState instance or None, default=None
        Seeds the choice of biases. An integer seed is drawn in :meth:`fit` from
        ``check_random_state(random_state)`` and passed to aeon; NumPy's global
        random state, which aeon seeds, is restored afterwards.
    n_jobs : int, default=1
        Number of numba threads used by :meth:`transform` (``-1``: all cores).

    Attributes
    ----------
    minirocket_ : aeon MiniRocket
        The fitted aeon transformer.
    n_features_out_ : int
        Number of output features.
    n_features_in_ : int
        Number of points per spectrum seen during :meth:`fit`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :meth:`fit`. Defined only when ``X`` has
        feature names that are all strings.

    See Also
    --------
    sklspec.baselines.make_baselines : ``"MiniRocket"`` pairs this transformer
        with a scaler and a ridge model, as in aeon's ``MiniRocketClassifier``.

    Notes
    -----
    Spectra must have at least 9 points (the kernel length); :meth:`fit` raises
    a ``ValueError`` otherwise. aeon computes in float32; the output is
    returned as float64. The first call of a session compiles aeon's numba
    kernels (cached on disk afterwards).

    References
    ----------
    .. [1] A. Dempster, D. F. Schmidt and G. I. Webb, "MiniRocket: a very fast
       (almost) deterministic transform for time series classification",
       Proceedings of the 27th ACM SIGKDD Conference, 248-257, 2021.

    Examples
    --------
    >>> import numpy as np
    >>> from sklspec.baselines import MiniRocketTransformer
    >>> X = np.random.default_rng(0).normal(size=(10, 50))
    >>> MiniRocketTransformer(n_kernels=168, random_state=0).fit_transform(X).shape
    (10, 168)
    """

    _parameter_constraints: dict = {
        "n_kernels": [Interval(Integral, 1, None, closed="left")],
        "max_dilations_per_kernel": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
        "n_jobs": [Integral, None],
    }

    def __init__(
        self,
        n_kernels: int = 10_000,
        max_dilations_per_kernel: int = 32,
        random_state=None,
        n_jobs: int | None = 1,
    ):
        self.n_kernels = n_kernels
        self.max_dilations_per_kernel = max_dilations_per_kernel
        self.random_state = random_state
        self.n_jobs = n_jobs

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Choose dilations and biases from the training spectra.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_points)
            Training spectra, ``n_points >= 9``.
        y : None
            Ignored.

        Returns
        -------
        self : MiniRocketTransformer
            Fitted transformer.
        """
        MiniRocket = _import_minirocket()
        X = validate_data(self, X, dtype=np.float64)
        n_points = X.shape[1]
        if n_points < MIN_N_POINTS:
            raise ValueError(
                f"MiniRocket needs spectra of at least {MIN_N_POINTS} points (its "
                f"kernels have length 9), got {n_points} feature(s) (shape="
                f"{X.shape}). Resample or zero-pad the spectra."
            )
        seed = int(
            check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        )
        # aeon seeds NumPy's legacy global generator: put it back as it was.
        global_state = np.random.get_state()  # noqa: NPY002
        try:
            self.minirocket_ = MiniRocket(
                n_kernels=self.n_kernels,
                max_dilations_per_kernel=self.max_dilations_per_kernel,
                n_jobs=1 if self.n_jobs is None else self.n_jobs,
                random_state=seed,
            ).fit(X[:, np.newaxis, :])
        finally:
            np.random.set_state(global_state)  # noqa: NPY002
        n_features_per_dilation = self.minirocket_.parameters[3]
        self.n_features_out_ = int(84 * np.sum(n_features_per_dilation))
        return self

    @property
    def _n_features_out(self):
        return self.n_features_out_

    def transform(self, X) -> np.ndarray:
        """Compute the MiniRocket features.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_points)
            Spectra with as many points as in :meth:`fit`.

        Returns
        -------
        X_new : ndarray of shape (n_samples, `n_features_out_`)
            PPV features, as float64.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        Xt = self.minirocket_.transform(X[:, np.newaxis, :])
        return np.asarray(Xt, dtype=np.float64)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = True
        return tags
