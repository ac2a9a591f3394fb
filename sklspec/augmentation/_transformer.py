"""Random spectral augmentation as a scikit-learn transformer."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from sklearn.base import (
    BaseEstimator,
    OneToOneFeatureMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.utils import check_consistent_length
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ..utils._validation import check_magnitude, validate_data
from ._transforms import _apply, _check_names, _check_range, check_generator

__all__ = ["SpectralAugmenter"]


class SpectralAugmenter(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Apply random spectral transformations (data augmentation).

    Each transformation of ``transformations`` is tried in order and applied
    to each spectrum independently with probability ``probability``, so a
    spectrum may receive none, some or all of them. The transformations are
    those of Zhao et al. (2025) §3.1.1.1 (see :data:`TRANSFORMATIONS`); the
    default keeps the three that give physically plausible spectra (noise,
    offset, multiplicative scaling). Amplitudes are relative to the standard
    deviation of the training set (all values of ``X`` given to :meth:`fit`).

    A scikit-learn transformer must keep the number of samples, so
    :meth:`transform` returns a perturbed copy of the same shape; use
    :meth:`augment` to enlarge a training set (``X`` and ``y``) with
    ``n_augment`` perturbed copies.

    Randomness: the generator is rebuilt from ``random_state`` at every call
    of :meth:`transform` and :meth:`augment`. With an int, repeated calls on
    the same input give the same output (and ``fit_transform`` equals
    ``fit().transform()``); with a ``RandomState`` or ``Generator`` instance
    every call draws new perturbations; with None they are not reproducible.
    The draws depend on the position of a spectrum in the batch, so the
    output for a spectrum changes with the batch it belongs to.

    Parameters
    ----------
    transformations : tuple of str, default=("noise", "offset", "multiply")
        Names from :data:`TRANSFORMATIONS`, applied in this order.
    probability : float, default=0.5
        Probability that each transformation is applied to each spectrum.
    n_augment : int, default=1
        Number of perturbed copies :meth:`augment` adds per spectrum.
    noise_scale : float, default=0.05
        Noise standard deviation, fraction of the training-set std.
    offset_scale : float, default=0.1
        Largest offset, fraction of the training-set std (§3.1.1.1).
    factor_range : tuple of float, default=(0.9, 1.1)
        Bounds of the multiplicative factor (§3.1.1.1, "1 ± 0.1").
    flip_center : {"zero", "mean"}, default="zero"
        Line about which ``"flip_horizontal"`` mirrors.
    n_segments : int, default=4
        Segments of ``"permute"``.
    random_state : int, RandomState or Generator instance, default=None
        Seed of the perturbations (see above).

    Attributes
    ----------
    reference_std_ : float
        Standard deviation of all values of the training spectra.
    transformations_ : tuple of str
        The validated transformation names.
    n_features_in_ : int
        Number of features seen during :term:`fit`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit` (string column names only).

    See Also
    --------
    make_pretext_dataset : Pseudo-labelled set of the pretext task.

    Examples
    --------
    >>> import numpy as np
    >>> from sklspec.augmentation import SpectralAugmenter
    >>> X = np.random.default_rng(0).random((6, 20))
    >>> aug = SpectralAugmenter(random_state=0).fit(X)
    >>> aug.transform(X).shape
    (6, 20)
    >>> np.array_equal(aug.transform(X), aug.transform(X))
    True
    >>> X_big, y_big = aug.augment(X, np.arange(6), n_augment=2)
    >>> X_big.shape, y_big[:8]
    ((18, 20), array([0, 1, 2, 3, 4, 5, 0, 1]))
    """

    _parameter_constraints: dict = {
        "transformations": [list, tuple],
        "probability": [Interval(Real, 0, 1, closed="both")],
        "n_augment": [Interval(Integral, 1, None, closed="left")],
        "noise_scale": [Interval(Real, 0, None, closed="left")],
        "offset_scale": [Interval(Real, 0, None, closed="left")],
        "factor_range": [list, tuple],
        "flip_center": [StrOptions({"zero", "mean"})],
        "n_segments": [Interval(Integral, 2, None, closed="left")],
        "random_state": ["random_state", np.random.Generator],
    }

    def __init__(
        self,
        transformations=("noise", "offset", "multiply"),
        probability=0.5,
        n_augment=1,
        noise_scale=0.05,
        offset_scale=0.1,
        factor_range=(0.9, 1.1),
        flip_center="zero",
        n_segments=4,
        random_state=None,
    ):
        self.transformations = transformations
        self.probability = probability
        self.n_augment = n_augment
        self.noise_scale = noise_scale
        self.offset_scale = offset_scale
        self.factor_range = factor_range
        self.flip_center = flip_center
        self.n_segments = n_segments
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Validate the parameters and store the training-set std.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training spectra.
        y : None
            Ignored.

        Returns
        -------
        self : SpectralAugmenter
            The fitted augmenter.
        """
        X = validate_data(self, X, dtype=[np.float64, np.float32])
        check_magnitude(X, type(self).__name__, "its noise scale would overflow")
        names = _check_names(self.transformations)
        _check_range(self.factor_range)
        if "permute" in names and self.n_segments > X.shape[1]:
            raise ValueError(
                f"n_segments={self.n_segments} exceeds the number of spectral "
                f"points, n_features={X.shape[1]}."
            )
        self.transformations_ = tuple(names)
        self.reference_std_ = float(np.std(X))
        return self

    def transform(self, X):
        """Randomly perturb each spectrum.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Spectra.

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_features)
            Perturbed spectra, same dtype (float32 or float64).
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32])
        return self._perturb(X, check_generator(self.random_state))

    def augment(self, X, y=None, *, n_augment=None, include_original=True):
        """Enlarge a training set with perturbed copies of its spectra.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Spectra.
        y : array-like of shape (n_samples,) or (n_samples, n_targets), optional
            Targets, repeated for the copies.
        n_augment : int, optional
            Copies per spectrum; default ``self.n_augment``.
        include_original : bool, default=True
            Put the unperturbed ``X`` first.

        Returns
        -------
        X_new : ndarray of shape ((n_augment + include_original) * n_samples,
            n_features)
            ``X`` (when ``include_original``), then ``n_augment`` blocks of
            perturbed copies, each block in the order of ``X``.
        y_new : ndarray or None
            ``y`` repeated in the same layout; None when ``y`` is None.
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32])
        n_augment = self.n_augment if n_augment is None else n_augment
        if (
            isinstance(n_augment, bool)
            or not isinstance(n_augment, Integral)
            or n_augment < 0
        ):
            raise ValueError(
                f"n_augment must be a non-negative integer, got {n_augment!r}."
            )
        copies = self._perturb(
            np.tile(X, (n_augment, 1)), check_generator(self.random_state)
        )
        X_new = np.concatenate([X, copies]) if include_original else copies
        if y is None:
            return X_new, None
        y = np.asarray(y)
        check_consistent_length(X, y)
        reps = n_augment + bool(include_original)
        return X_new, np.concatenate([y] * reps, axis=0) if reps else y[:0]

    def _perturb(self, X: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        out = X.copy()
        n = out.shape[0]
        for name in self.transformations_:
            transformed = _apply(
                name,
                out,
                rng,
                noise_scale=self.noise_scale,
                offset_scale=self.offset_scale,
                factor_range=self.factor_range,
                flip_center=self.flip_center,
                n_segments=self.n_segments,
                reference_std=self.reference_std_,
            )
            chosen = rng.random(n) < self.probability
            out = np.where(chosen[:, None], transformed, out)
        return out.astype(X.dtype, copy=False)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
