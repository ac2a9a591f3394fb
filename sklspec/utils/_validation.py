"""Validation helpers for spectra and their wavelength axes."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from sklearn.utils.validation import check_array
from sklearn.utils.validation import validate_data as _sklearn_validate_data


def wavelengths_from_X(X) -> np.ndarray | None:
    """Read the wavelength axis from the column names of a DataFrame.

    Parameters
    ----------
    X : array-like or pandas.DataFrame
        Spectra. Only a DataFrame whose column names are all strings that parse
        as numbers (e.g. ``"1100.5"``) carries a wavelength axis.

    Returns
    -------
    wavelengths : ndarray of shape (n_features,) or None
        The axis as floats, or None when ``X`` carries no axis.
    """
    columns = getattr(X, "columns", None)
    if columns is None:
        return None
    names = list(columns)
    if not names or not all(isinstance(c, str) for c in names):
        return None
    try:
        return np.asarray([float(c) for c in names], dtype=float)
    except ValueError:
        return None


def check_2d(X) -> None:
    """Refuse an ``X`` that is not 2-D with scikit-learn's message.

    For estimators that compare the lengths of ``X`` and ``y`` before they
    validate ``X`` (``X`` passed on unchanged to an inner estimator): a 1-D
    ``X`` gets "Expected 2D array, got 1D array instead ... Reshape your
    data", not a mismatch of sample counts. A 2-D ``X`` passes untouched.
    """
    ndim = getattr(X, "ndim", None)
    if ndim is None:
        try:
            ndim = np.asarray(X).ndim
        except (TypeError, ValueError):  # ragged: check_array says why
            ndim = None
    if ndim != 2:
        check_array(
            X,
            dtype=None,
            ensure_all_finite=False,
            ensure_min_samples=0,
            ensure_min_features=0,
            input_name="X",
        )


def describe_axis(w: np.ndarray) -> str:
    """``"64 points from 1100 to 2498"``: an axis in a message."""
    return f"{w.shape[0]} points from {w[0]:g} to {w[-1]:g}"


def wrong_axis_error(who: str, got: np.ndarray, fitted: np.ndarray) -> ValueError:
    """The refusal of spectra on another axis than the fitted one."""
    return ValueError(
        f"Wrong wavelength axis: the column names of X give {describe_axis(got)}, "
        f"but {who} was fitted on {describe_axis(fitted)}. Pass spectra measured "
        "on the fitted axis, or move them onto it with "
        "sklspec.preprocessing.Resample(target_wavelengths=<the fitted axis>)."
    )


def check_same_axis(estimator, X) -> None:
    """Refuse a DataFrame whose wavelength columns differ from those of fit.

    Compares the axis in the string column names of ``X`` with the one in
    ``estimator.feature_names_in_`` (both must parse as numbers; otherwise
    scikit-learn's own feature-name check applies).

    Parameters
    ----------
    estimator : fitted estimator
        Its ``feature_names_in_`` (if any) are the fitted axis.
    X : array-like or DataFrame
        The spectra at predict / transform.

    Raises
    ------
    ValueError
        If both carry an axis and they differ; the message gives both and
        names :class:`sklspec.preprocessing.Resample`.
    """
    got = wavelengths_from_X(X)
    names = getattr(estimator, "feature_names_in_", None)
    if got is None or names is None:
        return
    try:
        fitted = np.asarray([float(c) for c in names], dtype=float)
    except (TypeError, ValueError):
        return
    if got.shape != fitted.shape or not np.allclose(got, fitted, rtol=1e-10, atol=0):
        raise wrong_axis_error(type(estimator).__name__, got, fitted)


def validate_data(estimator, X="no_validation", y="no_validation", **check_params):
    """scikit-learn's ``validate_data``, naming Resample for a wrong axis.

    With ``reset=False`` (predict, transform) a DataFrame on another
    wavelength axis than the one seen at fit is refused by
    :func:`check_same_axis` (a message that gives both axes and names
    :class:`sklspec.preprocessing.Resample`) instead of scikit-learn's list
    of unseen feature names. Otherwise the same function, same arguments.
    """
    if not check_params.get("reset", True) and not isinstance(X, str):
        check_same_axis(estimator, X)
    return _sklearn_validate_data(estimator, X, y, **check_params)


def check_wavelengths(wavelengths, n_features: int | None = None) -> np.ndarray:
    """Validate a wavelength axis.

    Parameters
    ----------
    wavelengths : array-like of shape (n_features,)
        The spectral axis (nm, cm-1, ...). Must be finite and strictly monotonic.
    n_features : int, optional
        When given, the number of points the axis must have.

    Returns
    -------
    wavelengths : ndarray of shape (n_features,)
        The axis as a float array.

    Raises
    ------
    ValueError
        If the axis is not 1-D, not finite, not strictly monotonic, or does not
        match ``n_features``.
    """
    w = np.asarray(wavelengths, dtype=float)
    if w.ndim != 1:
        raise ValueError(
            f"wavelengths must be a 1-D array, got an array of shape {w.shape}."
        )
    if not np.all(np.isfinite(w)):
        raise ValueError("wavelengths contain NaN or infinite values.")
    if n_features is not None and w.shape[0] != n_features:
        raise ValueError(
            f"wavelengths has {w.shape[0]} values but X has {n_features} "
            "features (spectral points); pass the axis that matches the spectra."
        )
    if w.shape[0] > 1:
        d = np.diff(w)
        if not (np.all(d > 0) or np.all(d < 0)):
            raise ValueError(
                "wavelengths must be strictly increasing or strictly decreasing."
            )
    return w


def row_peaks(X: np.ndarray, keepdims: bool = False) -> np.ndarray:
    """Largest magnitude of each row of a 2-D array: ``max(|X|, axis=1)``.

    From the rows' maxima and minima (two reductions), so that no temporary
    the size of ``X`` is made (``np.abs(X)`` would be one).

    Examples
    --------
    >>> row_peaks(np.array([[1.0, -3.0], [2.0, 0.5]]))
    array([3., 2.])
    """
    X = np.asarray(X)
    if X.dtype.kind != "f":  # -min of unsigned integers would wrap around
        return np.max(np.abs(X), axis=1, keepdims=keepdims)
    high = np.max(X, axis=1, keepdims=keepdims)
    return np.maximum(high, -np.min(X, axis=1, keepdims=keepdims))


#: Magnitudes beyond which squaring a value over- or underflows float64 (the
#: square of 1e154 is inf, of 1e-162 is 0); :func:`check_magnitude` refuses
#: spectra whose largest magnitude lies outside ``[1e-150, 1e150]``.
MAGNITUDE_RANGE = (1e-150, 1e150)

#: Magnitudes a float32 network takes: cast to float32 (largest 3.4e38,
#: smallest normal 1.2e-38) with eight decades to spare on either side, for
#: the sums and squares of its input scaling and losses. Outside it a
#: network's training diverges (1e36 overflows a per-spectrum z-score) or
#: sees zeros (1e-50 casts to 0.0 and every embedding is the same).
FLOAT32_MAGNITUDE_RANGE = (1e-30, 1e30)


def check_magnitude(
    X,
    who: str,
    why: str = "the fit would end in inf or NaN",
    what: str = "spectra",
    limits: tuple[float, float] = MAGNITUDE_RANGE,
    extremes=None,
) -> None:
    """Refuse spectra too large or too small to square in float64.

    Least squares, covariances, PLS and Q-residuals square the values, so a
    spectrum near 1e300 overflows to inf and one near 1e-300 underflows to
    0 (and the fit ends in NaN or in a silent zero). An estimator whose maths
    is scale-free rescales instead; the others call this in ``fit``.

    Parameters
    ----------
    X : ndarray
        Finite spectra (already validated).
    who : str
        The estimator, named in the message.
    why : str, default="the fit would end in inf or NaN"
        What would go wrong, for the message.
    what : str, default="spectra"
        What ``X`` is, for the message (e.g. ``"embeddings"``).
    limits : (float, float), default=MAGNITUDE_RANGE
        The smallest and largest accepted peak magnitude: float64's
        ``(1e-150, 1e150)``, or :data:`FLOAT32_MAGNITUDE_RANGE` for what a
        float32 network sees.
    extremes : (ndarray, ndarray) or None, default=None
        The rows' maxima and minima (:func:`sklspec.utils._warnings.row_extremes`)
        when already computed: `X` is not read again.

    Raises
    ------
    ValueError
        If the largest magnitude of ``X`` is above ``limits[1]``, or positive
        and below ``limits[0]``; the message gives it and says to rescale.

    Examples
    --------
    >>> check_magnitude(np.ones((2, 3)), "PLS")
    >>> check_magnitude(np.full((2, 3), 1e200), "PLS")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: PLS cannot fit spectra whose largest magnitude is 1e+200: ...
    """
    # the largest magnitude from the extremes: no temporary the size of X
    if extremes is not None:
        maxima, minima = extremes
    else:
        maxima = minima = np.asarray(X)
        if maxima.dtype.kind != "f":  # -min of unsigned integers would wrap around
            maxima = minima = maxima.astype(np.float64)
    peak = max(float(np.max(maxima, initial=0.0)), -float(np.min(minima, initial=0.0)))
    low, high = limits
    if peak > high or 0 < peak < low:
        precision = "float64" if low <= MAGNITUDE_RANGE[0] else "float32"
        raise ValueError(
            f"{who} cannot fit {what} whose largest magnitude is {peak:.3g}: "
            f"squaring such values overflows or underflows {precision} ({why}). "
            f"Rescale the spectra into the range {low:g} to {high:g} first, e.g. "
            "to absorbance or reflectance units, or per spectrum with "
            "sklspec.preprocessing.StandardNormalVariate."
        )


def check_network_magnitude(X, who: str, extremes=None) -> None:
    """Refuse spectra a float32 network cannot take (see :func:`check_magnitude`).

    Parameters
    ----------
    X : ndarray
        Finite spectra (already validated).
    who : str
        The estimator, named in the message.
    extremes : (ndarray, ndarray) or None, default=None
        As in :func:`check_magnitude`.

    Raises
    ------
    ValueError
        If the largest magnitude of ``X`` lies outside
        :data:`FLOAT32_MAGNITUDE_RANGE`.
    """
    check_magnitude(
        X,
        who,
        "its float32 network would see inf, or zeros",
        limits=FLOAT32_MAGNITUDE_RANGE,
        extremes=extremes,
    )


def get_data_home(data_home=None) -> Path:
    """Return the folder of the real data sets.

    Looks at ``data_home``, then the ``SKLSPEC_DATA`` environment variable, then
    ``../shared/data`` relative to the current working directory.

    Parameters
    ----------
    data_home : str or path-like, optional
        Explicit folder.

    Returns
    -------
    path : pathlib.Path
        The folder (it may not exist; callers check).
    """
    if data_home is not None:
        return Path(data_home)
    env = os.environ.get("SKLSPEC_DATA")
    if env:
        return Path(env)
    return Path.cwd().parent / "shared" / "data"
