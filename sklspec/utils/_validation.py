"""Validation helpers for spectra and their wavelength axes."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np


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


#: Magnitudes beyond which squaring a value over- or underflows float64 (the
#: square of 1e154 is inf, of 1e-162 is 0); :func:`check_magnitude` refuses
#: spectra whose largest magnitude lies outside ``[1e-150, 1e150]``.
MAGNITUDE_RANGE = (1e-150, 1e150)


def check_magnitude(
    X, who: str, why: str = "the fit would end in inf or NaN", what: str = "spectra"
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

    Raises
    ------
    ValueError
        If the largest magnitude of ``X`` is above 1e150, or positive and
        below 1e-150; the message gives it and says to rescale.

    Examples
    --------
    >>> check_magnitude(np.ones((2, 3)), "PLS")
    >>> check_magnitude(np.full((2, 3), 1e200), "PLS")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: PLS cannot fit spectra whose largest magnitude is 1e+200: ...
    """
    peak = float(np.max(np.abs(X), initial=0.0))
    low, high = MAGNITUDE_RANGE
    if peak > high or 0 < peak < low:
        raise ValueError(
            f"{who} cannot fit {what} whose largest magnitude is {peak:.3g}: "
            f"squaring such values overflows or underflows float64 ({why}). "
            f"Rescale the spectra into the range {low:g} to {high:g} first, e.g. "
            "to absorbance or reflectance units, or per spectrum with "
            "sklspec.preprocessing.StandardNormalVariate."
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
