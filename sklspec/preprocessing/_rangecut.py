"""Selection of a spectral range."""

from __future__ import annotations

from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval

from ._base import _BaseSpectralTransformer


class RangeCut(_BaseSpectralTransformer):
    """Keep the spectral points whose wavelength lies in ``[start, stop]``.

    The axis is the `wavelengths` parameter, or the string column names of a
    DataFrame, or, when neither is known, the column index
    ``0, 1, ..., n_features - 1`` (then `start` and `stop` are column indices).
    The range is an interval of values, whatever the direction of the axis: a
    decreasing axis (wavenumbers from 4000 to 400 cm-1, say) is cut the same way
    as an increasing one, and the kept points stay in their input order. Both
    bounds are inclusive; when both are given they may come in either order.

    Parameters
    ----------
    start : float, default=None
        Lower end of the range (the other end when ``start > stop``). None: no
        lower bound.

    stop : float, default=None
        Upper end of the range. None: no upper bound.

    wavelengths : array-like of shape (n_features,), default=None
        Wavelength axis of the spectra, strictly monotonic. None reads it from the
        column names of a DataFrame, else uses the column index.

    Attributes
    ----------
    support_ : ndarray of shape (`n_features_in_`,), dtype=bool
        Mask of the kept spectral points.

    wavelengths_out_ : ndarray of shape (n_features_out,) or None
        Wavelengths of the kept points, or None when the axis is unknown.

    {attributes_in}

    See Also
    --------
    Resample : Interpolate spectra onto another wavelength axis.

    Notes
    -----
    :meth:`get_feature_names_out` returns the kept input names: the DataFrame
    column names seen at fit, else the kept wavelengths formatted as strings, else
    ``x<index>``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklspec.preprocessing import RangeCut
    >>> w = np.array([1000.0, 1100.0, 1200.0, 1300.0, 1400.0])
    >>> X = np.arange(10.0).reshape(2, 5)
    >>> cut = RangeCut(start=1100, stop=1300, wavelengths=w).fit(X)
    >>> cut.transform(X)
    array([[1., 2., 3.],
           [6., 7., 8.]])
    >>> cut.get_feature_names_out()
    array(['1100', '1200', '1300'], dtype=object)
    """

    _parameter_constraints: dict = {
        "start": [None, Interval(Real, None, None, closed="neither")],
        "stop": [None, Interval(Real, None, None, closed="neither")],
        "wavelengths": [None, "array-like"],
    }

    def __init__(
        self,
        start: float | None = None,
        stop: float | None = None,
        *,
        wavelengths=None,
    ) -> None:
        self.start = start
        self.stop = stop
        self.wavelengths = wavelengths

    def _fit(self, X) -> None:
        axis = self.wavelengths_in_
        coords = np.arange(X.shape[1], dtype=float) if axis is None else axis
        lo = -np.inf if self.start is None else self.start
        hi = np.inf if self.stop is None else self.stop
        if lo > hi:
            lo, hi = hi, lo
        support = (coords >= lo) & (coords <= hi)
        if not support.any():
            what = "wavelengths" if axis is not None else "column indices"
            raise ValueError(
                f"RangeCut(start={self.start}, stop={self.stop}) selects no "
                f"spectral point: the {what} of X run from {coords[0]:g} to "
                f"{coords[-1]:g}. Choose start and stop within that range."
            )
        self.support_ = support
        self.wavelengths_out_ = None if axis is None else axis[support]

    def _transform(self, X) -> np.ndarray:
        return X[:, self.support_]

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        # The names of the kept features.
        return super().get_feature_names_out(input_features)[self.support_]
