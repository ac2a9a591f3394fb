"""Savitzky-Golay smoothing and derivatives of spectra."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from scipy.signal import savgol_filter
from sklearn.base import OneToOneFeatureMixin
from sklearn.utils._param_validation import Interval, StrOptions

from ._base import _BaseSpectralTransformer


class SavitzkyGolay(OneToOneFeatureMixin, _BaseSpectralTransformer):
    """Smooth or differentiate spectra with a Savitzky-Golay filter.

    A thin estimator around :func:`scipy.signal.savgol_filter`, applied along the
    spectral axis (``axis=1``) of all spectra at once. The parameters have the names,
    meanings and defaults of scipy's function.

    Parameters
    ----------
    window_length : int, default=11
        Length of the filter window, in spectral points. Must not exceed the number
        of features of `X`. An odd length keeps the filter centred; an even one
        (allowed by scipy) shifts the output by half a point.

    polyorder : int, default=2
        Order of the polynomial fitted in each window. Must be less than
        `window_length`.

    deriv : int, default=0
        Order of the derivative to compute (0: smoothing only). A `deriv` greater
        than `polyorder` gives zeros, as in scipy.

    delta : float, default=1.0
        Spacing of the samples, used only when ``deriv > 0``. Set it to the
        wavelength step to get derivatives per wavelength unit rather than per
        point.

    mode : {"mirror", "constant", "nearest", "wrap", "interp"}, default="interp"
        Extension at the ends of each spectrum. ``"interp"`` fits a polynomial to
        the last `window_length` points at each end instead of padding.

    cval : float, default=0.0
        Value to fill past the edges when ``mode="constant"``.

    Attributes
    ----------
    {attributes_in}

    See Also
    --------
    scipy.signal.savgol_filter : The filter applied.
    Detrend : Remove a polynomial baseline.

    Notes
    -----
    The filter assumes evenly spaced spectral points.

    Examples
    --------
    >>> import numpy as np
    >>> from sklspec.preprocessing import SavitzkyGolay
    >>> x = np.arange(7.0)
    >>> X = np.vstack([x**2, np.sin(x)])
    >>> sg = SavitzkyGolay(window_length=5, polyorder=2, deriv=1).fit(X)
    >>> sg.transform(X).shape
    (2, 7)
    >>> bool(np.allclose(sg.transform(X)[0], 2 * x))  # d(x**2)/dx, exact
    True
    """

    _parameter_constraints: dict = {
        "window_length": [Interval(Integral, 1, None, closed="left")],
        "polyorder": [Interval(Integral, 0, None, closed="left")],
        "deriv": [Interval(Integral, 0, None, closed="left")],
        "delta": [Interval(Real, 0, None, closed="neither")],
        "mode": [StrOptions({"mirror", "constant", "nearest", "wrap", "interp"})],
        "cval": [Interval(Real, None, None, closed="neither")],
    }

    def __init__(
        self,
        window_length: int = 11,
        polyorder: int = 2,
        *,
        deriv: int = 0,
        delta: float = 1.0,
        mode: str = "interp",
        cval: float = 0.0,
    ) -> None:
        self.window_length = window_length
        self.polyorder = polyorder
        self.deriv = deriv
        self.delta = delta
        self.mode = mode
        self.cval = cval

    def _fit(self, X) -> None:
        if self.polyorder >= self.window_length:
            raise ValueError(
                f"polyorder={self.polyorder} must be less than "
                f"window_length={self.window_length}; lower polyorder or widen "
                "the window."
            )
        n_features = X.shape[1]
        if self.window_length > n_features:
            raise ValueError(
                f"window_length={self.window_length} is larger than the number of "
                f"spectral points: X has {n_features} feature(s). Choose "
                f"window_length <= {n_features}."
            )

    def _transform(self, X) -> np.ndarray:
        X_tr = savgol_filter(
            X,
            self.window_length,
            self.polyorder,
            deriv=self.deriv,
            delta=self.delta,
            axis=1,
            mode=self.mode,
            cval=self.cval,
        )
        return np.asarray(X_tr).astype(X.dtype, copy=False)
