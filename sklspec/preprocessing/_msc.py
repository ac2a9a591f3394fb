"""Multiplicative scatter correction (MSC) of spectra."""

from __future__ import annotations

import numpy as np
from sklearn.base import OneToOneFeatureMixin

from ._base import _BaseSpectralTransformer


class MultiplicativeScatterCorrection(OneToOneFeatureMixin, _BaseSpectralTransformer):
    """Correct each spectrum for additive and multiplicative scatter (MSC).

    Each spectrum ``x`` is regressed on a reference spectrum ``r`` by ordinary least
    squares, ``x ≈ a + b * r``, and replaced by ``(x - a) / b``. The reference is the
    mean spectrum of the training set unless one is given. The regression of all
    spectra is done at once, in closed form.

    A spectrum with no component along the centred reference (slope ``b`` zero to
    rounding, for instance a constant spectrum) cannot be rescaled: it is returned
    as ``x - a`` (zeros for a constant spectrum) instead of inf or NaN.

    Parameters
    ----------
    reference : array-like of shape (n_features,), default=None
        Reference spectrum. None uses the mean spectrum of the spectra passed to
        :meth:`fit`. It must not be constant.

    Attributes
    ----------
    reference_ : ndarray of shape (n_features,)
        The reference spectrum used by :meth:`transform` (float64).

    {attributes_in}

    See Also
    --------
    StandardNormalVariate : Scatter correction of each spectrum on its own.

    Notes
    -----
    MSC needs at least two spectral points (a line through one point is not
    defined); fit refuses narrower `X`.

    Examples
    --------
    >>> import numpy as np
    >>> from sklspec.preprocessing import MultiplicativeScatterCorrection
    >>> ref = np.array([0.0, 1.0, 4.0, 2.0])
    >>> X = np.vstack([1.0 + 2.0 * ref, -0.5 + 0.5 * ref])
    >>> msc = MultiplicativeScatterCorrection(reference=ref).fit(X)
    >>> msc.transform(X).shape
    (2, 4)
    >>> bool(np.allclose(msc.transform(X), ref))  # both spectra map onto ref
    True
    """

    _parameter_constraints: dict = {"reference": [None, "array-like"]}

    def __init__(self, reference=None) -> None:
        self.reference = reference

    def _min_features(self) -> int:
        return 2

    def _fit(self, X) -> None:
        n_features = X.shape[1]
        if self.reference is None:
            reference = X.mean(axis=0, dtype=np.float64)
        else:
            reference = np.asarray(self.reference, dtype=np.float64)
            if reference.ndim != 1 or reference.shape[0] != n_features:
                raise ValueError(
                    f"reference must be a 1-D array of length {n_features} (the "
                    f"number of features of X), got shape {reference.shape}."
                )
            if not np.all(np.isfinite(reference)):
                raise ValueError("reference contains NaN or infinite values.")
        peak = np.max(np.abs(reference))
        if peak == 0 or np.std(reference / peak) <= 10 * np.finfo(float).eps:
            raise ValueError(
                "The reference spectrum is constant: spectra cannot be regressed "
                "on it. Pass a non-constant reference, or fit on spectra whose "
                "mean is not flat."
            )
        self.reference_ = reference

    def _transform(self, X) -> np.ndarray:
        # The output does not depend on the scale of a row: divide by its largest
        # magnitude first, so that products neither overflow nor underflow.
        peak = np.max(np.abs(X), axis=1, keepdims=True).astype(np.float64)
        Xd = X / np.where(peak > 0, peak, 1.0)
        # The same for the reference, by a power of two (exact, so spectra in
        # ordinary units give the very same output): a reference near 1e-300
        # would underflow |r - r̄|² to 0, one near 1e300 overflow it. The output
        # is in the reference's units, hence the factor back at the end.
        ref_scale = _power_of_two(np.max(np.abs(self.reference_)))
        ref = self.reference_ / ref_scale
        ref_mean = ref.mean()
        ref_c = ref - ref_mean
        x_mean = Xd.mean(axis=1)
        # Least squares x = a + b * ref for all rows: b = <x - x̄, r - r̄> / |r - r̄|².
        num = (Xd - x_mean[:, None]) @ ref_c
        # |cos(x, r - r̄)| at rounding level: no usable slope, fit x = a only.
        norm_x = np.linalg.norm(Xd, axis=1) * np.linalg.norm(ref_c)
        flat = np.abs(num) <= Xd.shape[1] * np.finfo(float).eps * norm_x
        slope = np.where(flat, 0.0, num / (ref_c @ ref_c))
        intercept = x_mean - slope * ref_mean
        X_tr = (Xd - intercept[:, None]) / np.where(flat, 1.0, slope)[:, None]
        # back to the reference's units; a row without slope is x - a in its
        # own units, so its row scaling is undone instead
        X_tr *= np.where(flat[:, None], peak, ref_scale)
        return X_tr.astype(X.dtype, copy=False)


def _power_of_two(peak: float) -> float:
    """The power of two just above ``peak`` (1 for 0): an exact divisor."""
    return float(np.ldexp(1.0, np.frexp(peak)[1])) if peak > 0 else 1.0


MSC = MultiplicativeScatterCorrection
