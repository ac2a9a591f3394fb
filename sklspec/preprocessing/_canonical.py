"""Mapping spectra of any width and axis onto one canonical grid."""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import (
    _check_feature_names_in,
    check_array,
    check_is_fitted,
)

from ..utils._validation import check_wavelengths, row_peaks, wavelengths_from_X
from ._base import FLOAT_DTYPES, _BaseSpectralTransformer

# Axis units and their conversion to wavelength in nm (wavenumbers invert).
_UNITS = {
    "nm": ("wavelength", 1.0),
    "um": ("wavelength", 1e3),
    "cm-1": ("wavenumber", 1e7),
}
STATS_NAMES = ("offset", "scale", "range_start", "range_stop")


def _to_unit(w: np.ndarray, src: str, dst: str) -> np.ndarray:
    """Convert an axis between nm, um and cm-1 (1e7 / nm = cm-1)."""
    if src == dst:
        return w
    kind, factor = _UNITS[src]
    nm = w * factor if kind == "wavelength" else factor / w
    kind, factor = _UNITS[dst]
    return nm / factor if kind == "wavelength" else factor / nm


class CanonicalGrid(_BaseSpectralTransformer):
    """Map every spectrum onto a fixed grid over its own range, then normalise.

    The input axis runs over some range (``start`` to ``stop``, the smallest
    and largest axis value) at some number of points; each spectrum is
    resampled by linear interpolation (as :func:`numpy.interp`, all spectra
    at once) onto `n_points` evenly spaced points from ``start`` to ``stop``,
    so spectra of any width and point density come out with the same width.
    Then, with ``normalize="snv"``, each resampled spectrum is centred and
    scaled on its own (standard normal variate, as :class:`SNV`, but over the
    evenly spaced grid, so the statistics do not depend on the input's point
    density).

    SNV removes each spectrum's offset and scale, which can carry information
    (on transmission spectra such as tablets_nir they carry class
    information). With ``keep_stats=True`` the output keeps them, with the
    range, as side information: four extra columns after the grid values,
    ``offset`` (the mean of the resampled spectrum), ``scale`` (its standard
    deviation), ``range_start`` and ``range_stop`` (the axis range, in
    `unit`). :meth:`transform_stats` returns these four columns alone.

    **Any width in.** Unlike other scikit-learn transformers,
    :meth:`transform` accepts spectra of another width (and another axis)
    than those seen at :meth:`fit`: that is its purpose, so the usual
    ``n_features_in_`` check at transform is deliberately skipped (fit still
    records ``n_features_in_``). The axis of the spectra to transform comes,
    in this order, from the `wavelengths` argument of :meth:`transform`, the
    string column names of a DataFrame, the `wavelengths` parameter (when the
    width matches it), or else none: then spectra of any width are taken to
    span the same range, from 0 to 1 (``range_start`` 0, ``range_stop`` 1).

    Parameters
    ----------
    n_points : int, default=256
        Points of the canonical grid.
    wavelengths : array-like of shape (n_features,), default=None
        Axis of the spectra seen at fit (and of any spectra of the same
        width at transform). None reads it from the column names of a
        DataFrame, else spans 0 to 1 (any width the same range).
    unit : {"nm", "um", "cm-1"} or None, default=None
        Unit of the axis, and of `expected_range` and the range columns.
        Spectra on an axis in another unit are converted when
        :meth:`transform` is told their unit (``transform(X, unit="nm")``):
        wavelengths (nm, um) and wavenumbers (cm-1) convert by
        ``cm-1 = 1e7 / nm``. None: the unit is unknown and never converted.
    expected_range : tuple of float or None, default=None
        The range the grid is meant for (e.g. what a pretrained encoder
        saw), in `unit`. Spectra covering less than all of it raise a
        ``UserWarning``; less than `min_coverage` of it, a ``ValueError``.
        Needs a known axis.
    min_points : int, default=16
        Fewest points an input spectrum may have.
    min_coverage : float in [0, 1], default=0.5
        Smallest fraction of `expected_range` the input must cover.
    normalize : {"snv"} or None, default="snv"
        Per-spectrum normalisation after resampling; None keeps the values.
    keep_stats : bool, default=True
        Append the columns ``offset``, ``scale``, ``range_start``,
        ``range_stop`` to the output (see above). With ``normalize=None``
        ``offset`` and ``scale`` are still the mean and standard deviation of
        the resampled spectrum, though nothing was removed.

    Attributes
    ----------
    grid_ : ndarray of shape (`n_points`,)
        The canonical grid as fractions of each spectrum's range, from 0
        (``range_start``) to 1 (``range_stop``).

    {attributes_in}

    See Also
    --------
    Resample : Interpolate onto a fixed axis (one axis for every input).
    StandardNormalVariate : SNV on the input points.

    Notes
    -----
    The output axis always runs from the smallest axis value to the largest
    (a decreasing wavenumber axis is read in increasing order). Linear
    interpolation never extrapolates: the grid lies within each input's own
    range. The output feature names are ``grid_0 .. grid_{n_points-1}``
    (the grid is relative to each input's range, not one fixed axis),
    then the statistics.

    Examples
    --------
    >>> import numpy as np
    >>> from sklspec.preprocessing import CanonicalGrid
    >>> w200, w700 = np.linspace(1000, 2000, 200), np.linspace(1000, 2000, 700)
    >>> curve = lambda w: 1.0 + np.exp(-(((w - 1500) / 100) ** 2))
    >>> grid = CanonicalGrid(n_points=64, wavelengths=w200).fit(curve(w200)[None])
    >>> a = grid.transform(curve(w200)[None])
    >>> b = grid.transform(curve(w700)[None], wavelengths=w700)
    >>> a.shape, b.shape, bool(np.abs(a[:, :64] - b[:, :64]).max() < 0.01)
    ((1, 68), (1, 68), True)
    >>> grid.transform_stats(curve(w700)[None], wavelengths=w700).round(3).tolist()
    [[1.174, 0.305, 1000.0, 2000.0]]
    """

    _parameter_constraints: dict = {
        "n_points": [Interval(Integral, 2, None, closed="left")],
        "wavelengths": [None, "array-like"],
        "unit": [None, StrOptions(set(_UNITS))],
        "expected_range": [None, tuple, list, np.ndarray],
        "min_points": [Interval(Integral, 2, None, closed="left")],
        "min_coverage": [Interval(Real, 0, 1, closed="both")],
        "normalize": [None, StrOptions({"snv"})],
        "keep_stats": ["boolean"],
    }

    def __init__(
        self,
        n_points: int = 256,
        *,
        wavelengths=None,
        unit: str | None = None,
        expected_range=None,
        min_points: int = 16,
        min_coverage: float = 0.5,
        normalize: str | None = "snv",
        keep_stats: bool = True,
    ) -> None:
        self.n_points = n_points
        self.wavelengths = wavelengths
        self.unit = unit
        self.expected_range = expected_range
        self.min_points = min_points
        self.min_coverage = min_coverage
        self.normalize = normalize
        self.keep_stats = keep_stats

    # ------------------------------------------------------------------ fit
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None) -> CanonicalGrid:
        """Validate the parameters and `X`, and record its width and axis.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Spectra, one per row (any width of at least `min_points`).

        y : Ignored
            Not used, present here for API consistency by convention.

        Returns
        -------
        self : object
            Fitted transformer.

        Raises
        ------
        ValueError
            If `X` cannot be mapped (too few points, NaN, a non-monotonic
            axis, too little of `expected_range`), naming the fix.
        """
        axis_from_X = wavelengths_from_X(X)
        if axis_from_X is not None:
            self._check_axis(axis_from_X, "the column names of X")
        if self.wavelengths is not None:
            self._check_axis(self.wavelengths, "the `wavelengths` parameter")
        self._check_finite(X)
        X = self._validate_fit(X, wavelengths=self.wavelengths, ensure_all_finite=False)
        self._expected = self._check_expected_range()
        self.grid_ = np.linspace(0.0, 1.0, self.n_points)
        self._prepare(X, None, None)  # refuse now what transform would refuse
        return self

    def _check_expected_range(self):
        if self.expected_range is None:
            return None
        try:
            lo, hi = sorted(float(v) for v in self.expected_range)
        except (TypeError, ValueError):
            raise ValueError(
                "expected_range must be a pair (start, stop) of numbers, got "
                f"{self.expected_range!r}."
            ) from None
        if len(self.expected_range) != 2 or not (
            np.isfinite([lo, hi]).all() and hi > lo
        ):
            raise ValueError(
                "expected_range must be a pair (start, stop) of distinct finite "
                f"numbers, got {self.expected_range!r}."
            )
        return lo, hi

    # ------------------------------------------------------------------ checks
    def _check_finite(self, X) -> None:
        try:
            values = np.asarray(X)
            if values.dtype.kind == "c":
                return  # check_array refuses complex data
            if values.dtype.kind != "f":
                values = values.astype(float)
        except (TypeError, ValueError):
            return  # not numeric: check_array says why
        # a finite sum means finite values (one pass, no temporary); an
        # infinite one (NaN, inf, or an overflow of large values) is checked
        # point by point
        with np.errstate(over="ignore", invalid="ignore"):
            total = np.sum(values)
        if not np.isfinite(total) and not np.all(np.isfinite(values)):
            raise ValueError(
                "X contains NaN or infinite values; CanonicalGrid cannot "
                "interpolate through them. Impute them first (e.g. "
                "sklearn.impute.SimpleImputer, or interpolate along the axis), or "
                "cut the affected range with sklspec.preprocessing.RangeCut."
            )

    def _check_axis(self, w, source: str) -> np.ndarray:
        try:
            return check_wavelengths(w)
        except ValueError as exc:
            raise ValueError(
                f"The wavelength axis from {source} cannot be mapped: {exc} "
                "Sort the spectral points by wavelength first (for a DataFrame: "
                "X = X[sorted(X.columns, key=float)]), and drop duplicated or "
                "non-finite axis values."
            ) from None

    def _axis_for(self, axis_from_X, n_features: int, wavelengths, unit):
        """The axis of ``X`` (in the transformer's unit) and its source."""
        if wavelengths is not None:
            w = self._check_axis(wavelengths, "the `wavelengths` argument")
            if w.shape[0] != n_features:
                raise ValueError(
                    f"The `wavelengths` argument has {w.shape[0]} values but X has "
                    f"{n_features} spectral points; pass the axis of these spectra."
                )
        elif axis_from_X is not None:
            w = self._check_axis(axis_from_X, "the column names of X")
        elif self.wavelengths_in_ is not None:
            if self.wavelengths_in_.shape[0] != n_features:
                raise ValueError(
                    f"X has {n_features} spectral points but the axis seen at fit "
                    f"has {self.wavelengths_in_.shape[0]}; pass the axis of these "
                    "spectra: transform(X, wavelengths=...) or a DataFrame with "
                    "wavelength column names."
                )
            w = self.wavelengths_in_
        else:
            if unit is not None or self._expected is not None:
                raise ValueError(
                    "X carries no wavelength axis; pass transform(X, "
                    "wavelengths=...) or a DataFrame with wavelength column names "
                    "(a unit or an expected_range needs a known axis)."
                )
            # every width spans the same range: 0 to 1, so that the range
            # columns do not change with the width alone
            return np.linspace(0.0, 1.0, n_features)
        if unit is not None:
            if unit not in _UNITS:
                raise ValueError(
                    f"Unknown unit {unit!r}; CanonicalGrid knows {sorted(_UNITS)} "
                    "(nm and um are wavelengths, cm-1 wavenumbers). Convert the "
                    "axis to one of them, e.g. 1e7 / wavelength_nm for cm-1."
                )
            if self.unit is None:
                raise ValueError(
                    f"transform was told unit={unit!r} but CanonicalGrid has no "
                    "`unit` to convert to; set CanonicalGrid(unit=...) or drop "
                    "the unit argument."
                )
            w = _to_unit(w, unit, self.unit)
        return w

    def _prepare(self, X, wavelengths, unit):
        """Validated float array, ascending axis, with the refusals/warnings."""
        axis_from_X = wavelengths_from_X(X)
        X = check_array(X, dtype=FLOAT_DTYPES, ensure_all_finite=False)
        self._check_finite(X)
        n = X.shape[1]
        if n < self.min_points:
            raise ValueError(
                f"X has {n} feature(s) (spectral points), fewer than min_points="
                f"{self.min_points}; CanonicalGrid cannot map so coarse a "
                "spectrum reliably. Measure (or export) more points, or lower "
                "min_points if the spectra really are that coarse."
            )
        w = self._axis_for(axis_from_X, n, wavelengths, unit)
        if w[0] > w[-1]:
            w, X = w[::-1], X[:, ::-1]
        if self._expected is not None:
            lo, hi = self._expected
            overlap = max(0.0, min(hi, w[-1]) - max(lo, w[0]))
            coverage = overlap / (hi - lo)
            where = (
                f"the input runs from {w[0]:g} to {w[-1]:g}"
                f"{' ' + self.unit if self.unit else ''}, which covers "
                f"{coverage:.0%} of expected_range {lo:g}-{hi:g}"
            )
            if coverage < self.min_coverage:
                raise ValueError(
                    f"{where}, less than min_coverage={self.min_coverage:g}. "
                    "Measure over the expected range, or use a model meant for "
                    "this range (or lower min_coverage)."
                )
            if coverage < 1.0 - 1e-9:
                warnings.warn(
                    f"{where}; the missing part of the range is not seen.",
                    UserWarning,
                    stacklevel=4,
                )
        return X, w

    # ------------------------------------------------------------------ transform
    def transform(self, X, wavelengths=None, unit=None) -> np.ndarray:
        """Map each spectrum onto the canonical grid and normalise it.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features_any)
            Spectra, one per row, of any width (at least `min_points`).
        wavelengths : array-like of shape (n_features_any,), default=None
            Axis of these spectra; None reads it as described in the class
            documentation.
        unit : {"nm", "um", "cm-1"} or None, default=None
            Unit of this axis when it differs from the transformer's `unit`
            (it is converted); None: the transformer's `unit`.

        Returns
        -------
        X_tr : ndarray of shape (n_samples, n_points + 4 * keep_stats)
            The grid values, then (with `keep_stats`) ``offset``, ``scale``,
            ``range_start``, ``range_stop``; in the floating dtype of `X`.
        """
        check_is_fitted(self)
        grid, stats = self._map(X, wavelengths, unit)
        return np.hstack([grid, stats]) if self.keep_stats else grid

    def transform_values(self, X, wavelengths=None, unit=None) -> np.ndarray:
        """The grid values alone, without the side information.

        What a network pretrained on the grid reads; the same as the first
        `n_points` columns of :meth:`transform`, without building the rest.

        Parameters
        ----------
        X, wavelengths, unit
            As in :meth:`transform`.

        Returns
        -------
        values : ndarray of shape (n_samples, n_points)
            The resampled, SNV-normalised spectra, in the floating dtype of `X`.
        """
        check_is_fitted(self)
        return self._map(X, wavelengths, unit)[0]

    def transform_stats(self, X, wavelengths=None, unit=None) -> np.ndarray:
        """The side information alone: offset, scale, range start and stop.

        Parameters
        ----------
        X, wavelengths, unit
            As in :meth:`transform`.

        Returns
        -------
        stats : ndarray of shape (n_samples, 4)
            ``offset`` (mean of the resampled spectrum), ``scale`` (its
            standard deviation), ``range_start``, ``range_stop``.
        """
        check_is_fitted(self)
        return self._map(X, wavelengths, unit)[1]

    def _map(self, X, wavelengths, unit):
        X, w = self._prepare(X, wavelengths, unit)
        dt = X.dtype
        target = w[0] + (w[-1] - w[0]) * self.grid_
        idx = np.clip(np.searchsorted(w, target, side="right") - 1, 0, w.shape[0] - 2)
        frac = (target - w[idx]) / (w[idx + 1] - w[idx])
        frac = frac.astype(dt)
        # Interpolation and SNV ignore the scale of a row: divide each by a
        # power of two near its largest magnitude (exact, so ordinary spectra
        # give the very same output), so that squaring neither overflows
        # (spectra near 1e300) nor underflows (near 1e-300, which would all
        # look constant); offset and scale are given back in input units.
        peak = row_peaks(X, keepdims=True)
        # 2**(e - 1) <= peak < 2**e: the scale stays finite up to the largest
        # float (2**e would be inf for spectra near 1e308)
        exponent = np.frexp(np.where(peak > 0, peak, 1.0))[1] - 1
        row_scale = np.ldexp(np.ones_like(peak), exponent).astype(dt)
        # the scaling is elementwise, so it is applied to the gathered
        # points only (the same values as scaling the whole row first)
        left = X[:, idx]
        left /= row_scale
        Z = X[:, idx + 1]
        Z /= row_scale
        Z -= left
        Z *= frac
        Z += left
        mean = Z.mean(axis=1, keepdims=True)
        Z -= mean
        std = np.sqrt(np.mean(Z * Z, axis=1, keepdims=True))
        constant = std <= 10 * np.finfo(dt).eps * np.maximum(np.abs(mean), 1)
        std = np.where(constant, 0, std).astype(dt)
        if self.normalize == "snv":
            Z /= np.where(constant, 1, std).astype(dt)
            Z[constant[:, 0]] = 0.0
        else:
            Z += mean
            Z *= row_scale
        mean *= row_scale
        std *= row_scale
        stats = np.column_stack(
            [
                mean[:, 0],
                std[:, 0],
                np.full(X.shape[0], w[0], dtype=dt),
                np.full(X.shape[0], w[-1], dtype=dt),
            ]
        ).astype(dt, copy=False)
        return Z, stats

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
            ``grid_0 .. grid_{n_points-1}``, then (with `keep_stats`)
            ``offset``, ``scale``, ``range_start``, ``range_stop``.
        """
        check_is_fitted(self)
        _check_feature_names_in(self, input_features)
        names = [f"grid_{i}" for i in range(self.n_points)]
        if self.keep_stats:
            names += list(STATS_NAMES)
        return np.asarray(names, dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        return tags
