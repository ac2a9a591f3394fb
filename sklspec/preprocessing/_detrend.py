"""Polynomial detrending of spectra."""

from __future__ import annotations

from numbers import Integral

import numpy as np
from sklearn.utils._param_validation import Interval

from ._base import _BaseSpectralTransformer


class Detrend(_BaseSpectralTransformer):
    """Subtract a polynomial baseline from each spectrum.

    A polynomial of degree `order` in the wavelength is fitted by least squares to
    each spectrum, and subtracted from it. All spectra are fitted in one
    least-squares solve against a shared Vandermonde matrix. The axis is the
    `wavelengths` parameter, or the string column names of a DataFrame, or, when
    neither is known, the column index ``0, 1, ..., n_features - 1``.

    Parameters
    ----------
    order : int, default=1
        Degree of the baseline polynomial (0: subtract the mean, 1: a line,
        2: a parabola...).

    wavelengths : array-like of shape (n_features,), default=None
        Wavelength axis of the spectra, strictly monotonic. None reads it from the
        column names of a DataFrame, else uses the column index.

    Attributes
    ----------
    {attributes_in}

    See Also
    --------
    scipy.signal.detrend : Linear detrending of a signal.
    SavitzkyGolay : Derivatives, which also remove offsets and slopes.

    Notes
    -----
    Fitting needs at least ``order + 1`` spectral points; with exactly
    ``order + 1`` the polynomial goes through every point and the output is zero.
    The axis is rescaled to [-1, 1] before building the Vandermonde matrix, which
    keeps high orders well conditioned and does not change the result.

    When `X` has no feature names but `wavelengths` is given,
    :meth:`get_feature_names_out` names the outputs after the wavelengths.

    Examples
    --------
    >>> import numpy as np
    >>> from sklspec.preprocessing import Detrend
    >>> w = np.array([1000.0, 1100.0, 1200.0, 1300.0])
    >>> X = np.array([[1.0, 3.0, 2.0, 4.0]]) + 0.01 * w
    >>> Detrend(order=1, wavelengths=w).fit_transform(X).round(2)
    array([[-0.3,  0.9, -0.9,  0.3]])
    """

    _parameter_constraints: dict = {
        "order": [Interval(Integral, 0, None, closed="left")],
        "wavelengths": [None, "array-like"],
    }

    def __init__(self, order: int = 1, *, wavelengths=None) -> None:
        self.order = order
        self.wavelengths = wavelengths

    _min_features_param = "order"

    def _min_features(self) -> int:
        return self.order + 1

    def _vandermonde(self) -> np.ndarray:
        n = self.n_features_in_
        axis = self.wavelengths_in_
        if axis is None:
            axis = np.arange(n, dtype=float)
        lo, hi = axis.min(), axis.max()
        t = np.zeros(n) if hi == lo else 2.0 * (axis - lo) / (hi - lo) - 1.0
        return np.vander(t, self.order + 1, increasing=True)

    def _transform(self, X) -> np.ndarray:
        V = self._vandermonde()
        Xd = X.astype(np.float64, copy=False)
        coef, *_ = np.linalg.lstsq(V, Xd.T, rcond=None)
        X_tr = Xd - (V @ coef).T
        return X_tr.astype(X.dtype, copy=False)
