"""Interpolation of spectra onto another wavelength axis."""

from __future__ import annotations

from numbers import Integral

import numpy as np
from scipy.interpolate import make_interp_spline
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import _check_feature_names_in, check_is_fitted

from ..utils._validation import check_wavelengths
from ._base import _BaseSpectralTransformer, format_wavelengths

_SPLINE_DEGREE = {"linear": 1, "cubic": 3}


class Resample(_BaseSpectralTransformer):
    """Interpolate spectra onto another wavelength axis.

    Each spectrum is interpolated from its input axis onto `target_wavelengths`,
    all spectra at once (an interpolating spline along ``axis=1``, from
    :func:`scipy.interpolate.make_interp_spline`). The input axis is the
    `wavelengths` parameter, or the string column names of a DataFrame, or, when
    neither is known, the column index ``0, 1, ..., n_features - 1``.

    Resample does not extrapolate: every target must lie within the input axis,
    else :meth:`fit` raises ``ValueError`` (cut the target range, or the spectra
    with :class:`RangeCut`, first).

    Parameters
    ----------
    target_wavelengths : array-like of shape (n_targets,) or int, default=None
        The output axis, strictly monotonic. An int ``n`` asks for ``n`` evenly
        spaced points spanning the input axis, first to last. None is the same as
        ``n_features``: an evenly spaced axis with as many points as the input,
        which regularises a slightly irregular instrument axis.

    wavelengths : array-like of shape (n_features,), default=None
        Wavelength axis of the input spectra, strictly monotonic (increasing or
        decreasing). None reads it from the column names of a DataFrame, else
        uses the column index.

    kind : {"linear", "cubic"}, default="linear"
        ``"linear"``: piecewise-linear interpolation (as ``numpy.interp``);
        ``"cubic"``: not-a-knot cubic spline (as
        ``scipy.interpolate.interp1d(kind="cubic")``). Cubic needs at least 4
        input points.

    Attributes
    ----------
    wavelengths_out_ : ndarray of shape (n_targets,)
        The output axis.

    {attributes_in}

    See Also
    --------
    RangeCut : Keep a spectral range without interpolating.
    scipy.interpolate.make_interp_spline : The interpolant.

    Notes
    -----
    :meth:`get_feature_names_out` returns `wavelengths_out_` formatted as strings
    in positional notation with the fewest digits that read back to the same
    float (``numpy.format_float_positional(w, trim="-")``: ``1100.0`` gives
    ``"1100"``), so that the output axis travels with the DataFrame output of
    ``set_output(transform="pandas")``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklspec.preprocessing import Resample
    >>> w = np.array([1000.0, 1010.0, 1020.0, 1030.0])
    >>> X = np.array([[0.0, 1.0, 4.0, 9.0]])
    >>> res = Resample(target_wavelengths=[1005.0, 1025.0], wavelengths=w)
    >>> res.fit_transform(X)
    array([[0.5, 6.5]])
    >>> res.get_feature_names_out()
    array(['1005', '1025'], dtype=object)
    """

    _parameter_constraints: dict = {
        "target_wavelengths": [
            None,
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "wavelengths": [None, "array-like"],
        "kind": [StrOptions(set(_SPLINE_DEGREE))],
    }

    def __init__(
        self,
        target_wavelengths=None,
        *,
        wavelengths=None,
        kind: str = "linear",
    ) -> None:
        self.target_wavelengths = target_wavelengths
        self.wavelengths = wavelengths
        self.kind = kind

    def _min_features(self) -> int:
        return _SPLINE_DEGREE[self.kind] + 1

    def _fit(self, X) -> None:
        coords = self._input_coords()
        target = self.target_wavelengths
        if target is None or isinstance(target, Integral):
            n = X.shape[1] if target is None else int(target)
            target = np.linspace(coords[0], coords[-1], n)
        else:
            target = check_wavelengths(target)
            if target.shape[0] == 0:
                raise ValueError("target_wavelengths is empty.")
        lo, hi = coords.min(), coords.max()
        tol = 1e-10 * (hi - lo)
        outside = (target < lo - tol) | (target > hi + tol)
        if outside.any():
            what = (
                "the input wavelengths"
                if self.wavelengths_in_ is not None
                else "the column indices (no wavelength axis known: pass "
                "`wavelengths` or a DataFrame with wavelength column names)"
            )
            raise ValueError(
                f"{int(outside.sum())} of the target_wavelengths (from "
                f"{target.min():g} to {target.max():g}) lie outside {what}, which "
                f"run from {lo:g} to {hi:g}; Resample does not extrapolate. "
                "Choose targets within that range."
            )
        self.wavelengths_out_ = np.clip(target, lo, hi)

    def _input_coords(self) -> np.ndarray:
        if self.wavelengths_in_ is None:
            return np.arange(self.n_features_in_, dtype=float)
        return self.wavelengths_in_

    def _transform(self, X) -> np.ndarray:
        coords = self._input_coords()
        Xd = X.astype(np.float64, copy=False)
        if coords.shape[0] > 1 and coords[0] > coords[-1]:
            coords, Xd = coords[::-1], Xd[:, ::-1]
        spline = make_interp_spline(coords, Xd, k=_SPLINE_DEGREE[self.kind], axis=1)
        X_tr = spline(self.wavelengths_out_)
        return np.asarray(X_tr).astype(X.dtype, copy=False)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Get output feature names for transformation.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Only checked against the input seen at fit: the outputs are new
            features.

        Returns
        -------
        feature_names_out : ndarray of str objects
            `wavelengths_out_` formatted as strings.
        """
        check_is_fitted(self)
        _check_feature_names_in(self, input_features)
        return format_wavelengths(self.wavelengths_out_)
