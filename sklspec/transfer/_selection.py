"""Kennard-Stone selection of representative samples."""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

from numbers import Integral

import numpy as np
from scipy.spatial.distance import cdist, pdist
from sklearn.utils.validation import check_array

__all__ = ["kennard_stone"]

METRICS = (
    "euclidean",
    "mahalanobis",
    "cityblock",
    "chebyshev",
    "cosine",
    "correlation",
)


def _whiten(X: np.ndarray) -> np.ndarray:
    """Coordinates in which the Euclidean distance is the Mahalanobis one.

    Uses the pseudo-inverse of the sample covariance, so spectra (more points
    than samples, singular covariance) are handled.
    """
    Xc = X - X.mean(axis=0)
    U, s, _ = np.linalg.svd(Xc, full_matrices=False)
    keep = s > s[0] * max(Xc.shape) * np.finfo(float).eps if s.size else s > 0
    return U[:, keep] * np.sqrt(max(X.shape[0] - 1, 1))


def _pair_of_condensed(k: int, n: int) -> tuple[int, int]:
    """Row and column ``i < j`` of entry ``k`` of a condensed distance matrix."""
    i = np.arange(n - 1)
    starts = i * (2 * n - i - 1) // 2
    row = int(np.searchsorted(starts, k, side="right") - 1)
    return row, int(k - starts[row] + row + 1)


def kennard_stone(X, n_select, *, metric="euclidean") -> np.ndarray:
    """Choose representative samples with the Kennard-Stone algorithm.

    The Kennard-Stone algorithm [1]_ spreads a subset evenly over the data:
    it starts with the two samples farthest apart, then repeatedly adds the
    sample whose distance to its nearest already chosen sample is largest.
    It is the usual way to choose the transfer samples of calibration
    transfer (scan those on both instruments) and to split spectra into
    calibration and validation sets.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The samples (spectra, or scores such as PCA scores), one per row.

    n_select : int
        Number of samples to choose, from 1 to `n_samples`.

    metric : {"euclidean", "mahalanobis", "cityblock", "chebyshev", \
"cosine", "correlation"}, default="euclidean"
        Distance between samples, as in :func:`scipy.spatial.distance.cdist`.
        ``"mahalanobis"`` uses the pseudo-inverse of the covariance of `X`.

    Returns
    -------
    indices : ndarray of shape (n_select,), dtype=intp
        Row indices of the chosen samples, in the order they were chosen:
        the first two are the farthest-apart pair (lower index first).

    Raises
    ------
    ValueError
        If `X` is not a finite 2-D array, `n_select` is not between 1 and
        the number of samples, or `metric` is not one of the above.

    Notes
    -----
    Ties are broken by the lowest index. With ``n_select=1`` the first
    sample of the farthest-apart pair is returned. Computing the first pair
    takes all ``n_samples * (n_samples - 1) / 2`` distances; each further
    pick takes one row of distances, so memory is ``O(n_samples**2)`` and
    time ``O(n_samples**2 * n_features)``.

    References
    ----------
    .. [1] R. W. Kennard and L. A. Stone, "Computer aided design of
       experiments", Technometrics, 11(1), 137-148, 1969.

    Examples
    --------
    >>> import numpy as np
    >>> from sklspec.transfer import kennard_stone
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0], [10.0]])
    >>> kennard_stone(X, 3)
    array([0, 4, 3])
    """
    if metric not in METRICS:
        raise ValueError(
            f"metric={metric!r} is not supported; choose one of {list(METRICS)}."
        )
    if isinstance(n_select, bool) or not isinstance(n_select, Integral):
        raise ValueError(
            f"n_select must be an integer (the number of samples to choose), "
            f"got {n_select!r}."
        )
    X = check_array(X, dtype=np.float64, input_name="X")
    n = X.shape[0]
    if not 1 <= n_select <= n:
        raise ValueError(
            f"n_select={n_select} is out of range: X has {n} sample(s), so "
            f"choose 1 <= n_select <= {n}."
        )
    if n == 1:
        return np.zeros(1, dtype=np.intp)
    if metric == "mahalanobis":
        X, metric = _whiten(X), "euclidean"
    first, second = _pair_of_condensed(int(np.argmax(pdist(X, metric))), n)
    chosen = [first, second][:n_select]
    # distance of every sample to its nearest chosen sample
    nearest = cdist(X[chosen], X, metric).min(axis=0)
    nearest[chosen] = -np.inf
    while len(chosen) < n_select:
        k = int(np.argmax(nearest))
        chosen.append(k)
        np.minimum(nearest, cdist(X[k : k + 1], X, metric)[0], out=nearest)
        nearest[k] = -np.inf
    return np.asarray(chosen, dtype=np.intp)
