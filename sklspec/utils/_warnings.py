"""Warnings about suspicious spectra, shared by transformers and embedders."""

from __future__ import annotations

import warnings

import numpy as np

from ..exceptions import ConstantSpectraWarning


def row_extremes(X: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """The largest and smallest value of every row of a 2-D float array.

    Two reductions and no temporary the size of `X`: what both
    :func:`constant_rows` and :func:`~sklspec.utils._validation.check_magnitude`
    need, so that a caller running both reads the spectra once (pass the
    result as their ``extremes``). None for an array of no columns.

    Examples
    --------
    >>> row_extremes(np.array([[1.0, 3.0], [2.0, -1.0]]))
    (array([3., 2.]), array([ 1., -1.]))
    """
    X = np.asarray(X)
    if X.ndim != 2 or X.shape[1] == 0:
        return None
    if X.dtype.kind != "f":  # -min of unsigned integers would wrap around
        X = X.astype(np.float64)
    return np.max(X, axis=1), np.min(X, axis=1)


def constant_rows(X: np.ndarray, extremes=None) -> np.ndarray:
    """Boolean mask of the constant rows of a 2-D float array (to rounding).

    A row counts as constant when its range is at most ten machine epsilons
    of its largest magnitude (exactly equal points, or equal but for
    rounding).

    Parameters
    ----------
    X : ndarray of shape (n_rows, n_points)
    extremes : (ndarray, ndarray) or None, default=None
        ``row_extremes(X)`` when already computed.

    Returns
    -------
    mask : ndarray of bool of shape (n_rows,)

    Examples
    --------
    >>> constant_rows(np.array([[1.0, 1.0], [1.0, 2.0]]))
    array([ True, False])
    """
    X = np.asarray(X)
    if X.ndim != 2 or X.shape[1] == 0:
        return np.zeros(len(X), dtype=bool)
    high, low = row_extremes(X) if extremes is None else extremes
    eps = np.finfo(X.dtype if X.dtype.kind == "f" else np.float64).eps
    # a row's largest magnitude is that of its maximum or of its minimum
    return high - low <= 10 * eps * np.maximum(high, -low)


def warn_constant_spectra(
    mask: np.ndarray, who: str, what: str, *, n_total: int | None = None
) -> None:
    """Issue a :class:`~sklspec.exceptions.ConstantSpectraWarning` if any row is.

    Parameters
    ----------
    mask : ndarray of bool, or of int with `n_total`
        The constant rows (see :func:`constant_rows`); with `n_total`, their
        indices (a streamed library keeps no mask of all its rows).
    who : str
        The estimator, named in the message.
    what : str
        What the estimator does with such a spectrum.
    n_total : int or None, default=None
        Number of spectra when `mask` holds indices.
    """
    index = np.asarray(mask) if n_total is not None else np.flatnonzero(mask)
    total = len(mask) if n_total is None else int(n_total)
    n = len(index)
    if n == 0 or total == 0:
        return
    rows = index[:5].tolist()
    more = ", ..." if n > 5 else ""
    warnings.warn(
        f"{who}: {n} of {total} spectra are constant (all points equal; "
        f"rows {rows}{more}); {what}. A constant "
        "spectrum is usually a dead detector, a blank or saturated measurement "
        "or a row of fill values: check or drop those rows.",
        ConstantSpectraWarning,
        stacklevel=3,
    )
