"""Direct and piecewise direct standardisation (calibration transfer)."""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import (
    FLOAT_DTYPES,
    check_array,
    check_is_fitted,
)

from ..exceptions import DataLimitWarning
from ..utils._validation import validate_data

__all__ = ["DirectStandardization", "PiecewiseDirectStandardization"]

# Block of master points processed at once by the PDS fit: bounds the memory
# of the stacked windows to about ``n_samples * _PDS_BLOCK * window_size``.
_PDS_BLOCK = 256
# A PLS component is dropped when the covariance left between the deflated
# window and the master point falls below this fraction of the first one
# (the window's rank is exhausted: the rest is round-off).
_PLS_TOL = 1e-10


# The attributes set by _BaseStandardization.fit, documented once: the line
# "{attributes_in}" of a subclass's docstring (last in its Attributes section)
# is replaced with this text.
_ATTRIBUTES_IN_DOC = """\
    output_feature_names_ : ndarray of shape (n_points_master,) or None
        String column names of a DataFrame `y` seen at fit, else None.

    n_features_in_ : int
        Number of features (slave spectral points) seen during :term:`fit`.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X` has
        feature names that are all strings.
"""


class _BaseStandardization(
    ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator
):
    """Shared validation, output naming and transform of DS and PDS.

    Subclasses implement ``_fit_transfer(Xc, Yc)`` returning the transfer
    matrix of shape ``(n_points_slave, n_points_master)`` for mean-centred
    slave spectra ``Xc`` and master spectra ``Yc``.
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.__doc__:
            cls.__doc__ = cls.__doc__.replace(
                "    {attributes_in}\n", _ATTRIBUTES_IN_DOC
            )

    def _validate_pair(self, X, y):
        """Validate the slave spectra X and the master spectra y at fit."""
        name = type(self).__name__
        if y is None:
            raise ValueError(
                f"{name} requires y to be passed, but the target y is None: pass "
                "the master (reference) spectra of the transfer samples, "
                "fit(X_slave, X_master)."
            )
        X = validate_data(self, X, dtype=FLOAT_DTYPES)
        Y = check_array(y, ensure_2d=False, dtype=FLOAT_DTYPES, input_name="y")
        if Y.ndim == 1:
            Y = Y.reshape(-1, 1)
        if Y.ndim != 2:
            raise ValueError(
                f"y must be 1-D or 2-D (master spectra, one per row), got an "
                f"array of shape {Y.shape}."
            )
        if X.shape[0] != Y.shape[0]:
            raise ValueError(
                f"X has {X.shape[0]} spectra but y has {Y.shape[0]}: X (slave "
                "instrument) and y (master instrument) must hold the same "
                "transfer samples, row by row."
            )
        if X.shape[0] < 2:
            raise ValueError(
                f"{name} needs at least 2 transfer samples, got {X.shape[0]} "
                "sample(s): scan more samples on both instruments (10-30 "
                "chosen with sklspec.transfer.kennard_stone are typical)."
            )
        names = getattr(y, "columns", None)
        self.output_feature_names_ = (
            np.asarray(list(names), dtype=object)
            if names is not None and all(isinstance(c, str) for c in names)
            else None
        )
        self._n_features_out = Y.shape[1]
        return X.astype(np.float64, copy=False), Y.astype(np.float64, copy=False)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Fit the transfer from the slave to the master instrument.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_points_slave)
            Spectra of the transfer samples measured on the slave (secondary)
            instrument, one per row.

        y : array-like of shape (n_samples, n_points_master)
            Spectra of the same samples, in the same order, measured on the
            master (reference) instrument. A 1-D `y` is one master point per
            sample. When `y` is a DataFrame with string column names, they
            name the output features.

        Returns
        -------
        self : object
            Fitted transformer.
        """
        X, Y = self._validate_pair(X, y)
        mean_X, mean_Y = X.mean(axis=0), Y.mean(axis=0)
        F = self._fit_transfer(X - mean_X, Y - mean_Y)
        self.transfer_matrix_ = F
        self.offset_ = mean_Y - mean_X @ F
        return self

    def transform(self, X) -> np.ndarray:
        """Map slave spectra onto the master instrument.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_points_slave)
            Spectra measured on the slave instrument.

        Returns
        -------
        X_master : ndarray of shape (n_samples, n_points_master)
            ``X @ transfer_matrix_ + offset_``: the spectra as the master
            instrument would measure them, in the floating dtype of `X`.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=FLOAT_DTYPES, reset=False)
        X_tr = X.astype(np.float64, copy=False) @ self.transfer_matrix_ + self.offset_
        return X_tr.astype(X.dtype, copy=False)

    def get_feature_names_out(self, input_features=None):
        """Names of the output features (the master instrument's points).

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Ignored; checked against `feature_names_in_` when given.

        Returns
        -------
        feature_names_out : ndarray of str objects
            The string column names of a DataFrame `y` given to :meth:`fit`
            when it had them, else ``<classname>0``, ``<classname>1``, ...
        """
        check_is_fitted(self)
        names = super().get_feature_names_out(input_features)
        if self.output_feature_names_ is not None:
            return self.output_feature_names_.copy()
        return names

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


class DirectStandardization(_BaseStandardization):
    """Direct standardisation (DS) of spectra between two instruments.

    DS [1]_ maps every point of a master instrument's spectrum on the whole
    spectrum of the same sample measured on a slave instrument, with one
    linear model fitted on a few transfer samples scanned on both:
    ``X_master ≈ X_slave @ F + b``. A calibration built on the master then
    applies to slave spectra after :meth:`transform`, without recalibration.

    The mean-centred problem ``(X_slave - m_s) F = X_master - m_m`` has far
    fewer equations (transfer samples) than unknowns, so it is solved with a
    regularised pseudo-inverse computed from the singular value decomposition
    ``X_slave - m_s = U S V^T``: ``F = V diag(s / (s**2 + alpha)) U^T
    (X_master - m_m)``, keeping the singular values above ``rcond * s_max``
    and, when `n_components` is set, only the first `n_components` of them.
    ``alpha=0`` and ``n_components=None`` (the defaults) give the
    Moore-Penrose pseudo-inverse of the original paper; the offset
    ``b = m_m - m_s @ F`` corrects the additive background.

    Parameters
    ----------
    n_components : int or None, default=None
        Number of singular components kept (truncated SVD, i.e. principal
        component regression). ``None`` keeps every component above the
        `rcond` cut-off (pseudo-inverse). Values above the rank of the
        centred transfer spectra are clipped with a
        :class:`~sklspec.exceptions.DataLimitWarning`; the number used is
        `n_components_`.

    alpha : float, default=0.0
        Ridge (Tikhonov) penalty on `transfer_matrix_`, in the units of the
        squared singular values of the centred slave spectra. 0 is the
        plain (truncated) pseudo-inverse.

    rcond : float, default=1e-6
        Singular values below ``rcond`` times the largest one are treated as
        zero, as in :func:`numpy.linalg.pinv`.

    Attributes
    ----------
    transfer_matrix_ : ndarray of shape (n_points_slave, n_points_master)
        The transfer matrix ``F``.

    offset_ : ndarray of shape (n_points_master,)
        The offset ``b`` (background correction).

    n_components_ : int
        Number of singular components used.

    {attributes_in}

    See Also
    --------
    PiecewiseDirectStandardization : Local (banded) version of DS.
    kennard_stone : Choose the transfer samples.
    sklspec.embedders.NIRtoMIRConverter : Non-linear transfer through a VAE.

    Notes
    -----
    With fewer transfer samples than spectral points, DS can reproduce the
    transfer set exactly and still generalise poorly; use few components, a
    positive `alpha`, or :class:`PiecewiseDirectStandardization`, whose
    local models have few coefficients each.

    The two instruments may have different numbers of spectral points.

    References
    ----------
    .. [1] Y. Wang, D. J. Veltkamp and B. R. Kowalski, "Multivariate
       instrument standardization", Analytical Chemistry, 63(23),
       2750-2756, 1991.

    Examples
    --------
    >>> import numpy as np
    >>> from sklspec.transfer import DirectStandardization
    >>> rng = np.random.default_rng(0)
    >>> X_slave = rng.normal(size=(30, 10))
    >>> A = rng.normal(size=(10, 8))
    >>> X_master = X_slave @ A + 0.5
    >>> ds = DirectStandardization().fit(X_slave, X_master)
    >>> ds.transform(X_slave[:3]).shape
    (3, 8)
    >>> X_new = rng.normal(size=(5, 10))
    >>> bool(np.allclose(ds.transform(X_new), X_new @ A + 0.5))
    True
    """

    _parameter_constraints: dict = {
        "n_components": [Interval(Integral, 1, None, closed="left"), None],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "rcond": [Interval(Real, 0, 1, closed="left")],
    }

    def __init__(
        self,
        n_components: int | None = None,
        *,
        alpha: float = 0.0,
        rcond: float = 1e-6,
    ) -> None:
        self.n_components = n_components
        self.alpha = alpha
        self.rcond = rcond

    def _fit_transfer(self, Xc: np.ndarray, Yc: np.ndarray) -> np.ndarray:
        U, s, Vt = np.linalg.svd(Xc, full_matrices=False)
        keep = s > self.rcond * s[0] if s.size and s[0] > 0 else np.zeros_like(s, bool)
        if self.n_components is not None:
            rank = int(keep.sum())
            if self.n_components > rank:
                warnings.warn(
                    f"{type(self).__name__}(n_components={self.n_components}) asks "
                    f"for more components than the data have: the centred "
                    f"transfer spectra ({Xc.shape[0]} samples x {Xc.shape[1]} "
                    f"points) have rank {rank} above rcond; fitting "
                    f"n_components_={rank}. Pass n_components <= {rank} (or more "
                    "transfer samples) to silence this.",
                    DataLimitWarning,
                    stacklevel=3,
                )
            keep[self.n_components :] = False
        self.n_components_ = int(keep.sum())
        s, U, Vt = s[keep], U[:, keep], Vt[keep]
        # s / (s² + alpha), written so that s² cannot overflow (spectra near
        # 1e300 would give d = 0, a transfer matrix of zeros) nor underflow
        # (near 1e-300, s / 0 = inf)
        d = 1.0 / s if self.alpha == 0 else 1.0 / (s + self.alpha / s)
        return Vt.T @ (d[:, None] * (U.T @ Yc))


def _window_centres(n_slave: int, n_master: int) -> np.ndarray:
    """Slave point at the same relative position as each master point."""
    if n_master == 1:
        return np.zeros(1, dtype=np.intp)
    return np.rint(np.arange(n_master) * (n_slave - 1) / (n_master - 1)).astype(np.intp)


def _batched_pls1_coefs(E: np.ndarray, f: np.ndarray, n_comp: np.ndarray):
    """PLS1 (NIPALS, no scaling) regression coefficients of many problems.

    Parameters
    ----------
    E : ndarray of shape (n_problems, n_samples, k)
        Centred predictors of each problem (padding columns all zero).
    f : ndarray of shape (n_problems, n_samples)
        Centred response of each problem.
    n_comp : ndarray of shape (n_problems,)
        Number of components of each problem.

    Returns
    -------
    coefs : ndarray of shape (n_problems, k)
    """
    E = E.copy()
    f = f.copy()
    B, _, k = E.shape
    A = int(n_comp.max())
    W = np.zeros((B, k, A))
    P = np.zeros((B, k, A))
    q = np.zeros((B, A))
    active = np.ones(B, dtype=bool)
    norm0 = None
    for a in range(A):
        w = np.einsum("bnk,bn->bk", E, f)
        norm = np.linalg.norm(w, axis=1)
        if norm0 is None:
            norm0 = norm
        active &= (a < n_comp) & (norm > _PLS_TOL * norm0) & (norm > 0)
        w = np.where(active[:, None], w / np.where(norm > 0, norm, 1.0)[:, None], 0.0)
        t = np.einsum("bnk,bk->bn", E, w)
        tt = np.einsum("bn,bn->b", t, t)
        active &= tt > 0
        inv_tt = np.where(active, 1.0 / np.where(tt > 0, tt, 1.0), 0.0)
        p = np.einsum("bnk,bn->bk", E, t) * inv_tt[:, None]
        qa = np.einsum("bn,bn->b", f, t) * inv_tt
        E -= t[:, :, None] * p[:, None, :]
        f -= qa[:, None] * t
        W[:, :, a], P[:, :, a], q[:, a] = w, p, qa
    # B = W (P^T W)^-1 q; P^T W is unit upper triangular for the active
    # components; a unit diagonal for the dropped ones (whose q is 0).
    R = np.einsum("bka,bkc->bac", P, W)
    dropped = np.abs(np.einsum("baa->ba", R)) < 0.5
    idx = np.arange(A)
    R[:, idx, idx] = np.where(dropped, 1.0, R[:, idx, idx])
    z = np.linalg.solve(R, q[:, :, None])[:, :, 0]
    return np.einsum("bka,ba->bk", W, z)


class PiecewiseDirectStandardization(_BaseStandardization):
    """Piecewise direct standardisation (PDS) of spectra between instruments.

    PDS [1]_ [2]_ maps each point ``j`` of the master instrument's spectrum
    on a small window of the slave instrument's spectrum around the same
    position, points ``j - window`` to ``j + window``, with one local
    partial least squares (PLS) regression per point, fitted on transfer
    samples scanned on both instruments. The local models together form a
    banded transfer matrix ``F``, and an offset ``b`` corrects the additive
    background: ``X_master ≈ X_slave @ F + b``. A calibration built on the
    master then applies to slave spectra after :meth:`transform`.

    Local windows model small wavelength shifts and changes of band shape
    with few coefficients per point, so PDS usually needs fewer transfer
    samples than :class:`DirectStandardization`.

    Parameters
    ----------
    window : int, default=3
        Half-width of the slave window, in spectral points: each master
        point is regressed on ``2 * window + 1`` slave points (fewer at the
        ends of the spectrum, where the window is cut). ``window=0`` is a
        point-to-point (univariate) correction. ``2 * window + 1`` must not
        exceed the number of slave points.

    n_components : int, default=2
        Number of PLS components of each local model, clipped to the
        window's number of points and to ``n_samples - 1`` (the latter with a
        :class:`~sklspec.exceptions.DataLimitWarning`). A component is
        also dropped when the window's rank is exhausted (noiseless data).
        With ``n_components >= 2 * window + 1`` each local model is the
        ordinary least-squares fit (when it is well posed).

    Attributes
    ----------
    transfer_matrix_ : ndarray of shape (n_points_slave, n_points_master)
        The banded transfer matrix ``F``: column ``j`` is zero outside the
        window of master point ``j``.

    offset_ : ndarray of shape (n_points_master,)
        The offset ``b`` (background correction).

    n_components_ : int
        Number of PLS components of a full window (see `n_components`).

    window_centres_ : ndarray of shape (n_points_master,)
        Index of the slave point at the centre of each master point's window.

    {attributes_in}

    See Also
    --------
    DirectStandardization : One global linear model.
    kennard_stone : Choose the transfer samples.
    sklspec.embedders.NIRtoMIRConverter : Non-linear transfer through a VAE.

    Notes
    -----
    Both instruments are assumed to cover the same spectral range. When they
    sample it with the same number of points (the usual case) master point
    ``j`` is centred on slave point ``j``; otherwise on the slave point at
    the same relative position, ``round(j * (p_slave - 1) / (p_master - 1))``
    (point 0 when the master has a single point).

    The local models are PLS regressions without scaling (NIPALS PLS1 on
    mean-centred data), fitted for all points at once; for 700 points and
    40 transfer samples the fit takes about 10 milliseconds.

    References
    ----------
    .. [1] Y. Wang, D. J. Veltkamp and B. R. Kowalski, "Multivariate
       instrument standardization", Analytical Chemistry, 63(23),
       2750-2756, 1991.
    .. [2] E. Bouveresse and D. L. Massart, "Improvement of the piecewise
       direct standardisation procedure for the transfer of NIR spectra for
       multivariate calibration", Chemometrics and Intelligent Laboratory
       Systems, 32(2), 201-213, 1996.

    Examples
    --------
    >>> import numpy as np
    >>> from sklspec.transfer import PiecewiseDirectStandardization
    >>> rng = np.random.default_rng(0)
    >>> X_slave = rng.normal(size=(20, 50)).cumsum(axis=1)
    >>> X_master = 1.1 * np.roll(X_slave, -1, axis=1) + 0.2  # shift + gain
    >>> pds = PiecewiseDirectStandardization(window=1, n_components=3)
    >>> pds = pds.fit(X_slave[:, :-1], X_master[:, :-1])
    >>> pds.transfer_matrix_.shape
    (49, 49)
    >>> X_new = rng.normal(size=(3, 50)).cumsum(axis=1)
    >>> err = pds.transform(X_new[:, :-1]) - (1.1 * X_new[:, 1:] + 0.2)
    >>> bool(np.abs(err[:, :-1]).max() < 1e-8)  # exact but for the last point
    True
    """

    _parameter_constraints: dict = {
        "window": [Interval(Integral, 0, None, closed="left")],
        "n_components": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(self, window: int = 3, n_components: int = 2) -> None:
        self.window = window
        self.n_components = n_components

    def _fit_transfer(self, Xc: np.ndarray, Yc: np.ndarray) -> np.ndarray:
        n, p_s = Xc.shape
        p_m = Yc.shape[1]
        h = int(self.window)
        k = 2 * h + 1
        if k > p_s:
            raise ValueError(
                f"window={h} gives windows of {k} points (2 * window + 1), more "
                f"than the {p_s} spectral points of the slave spectra: X has "
                f"{p_s} feature(s). Choose window <= {(p_s - 1) // 2}."
            )
        centres = _window_centres(p_s, p_m)
        cols = centres[:, None] + np.arange(-h, h + 1)[None, :]  # (p_m, k)
        valid = (cols >= 0) & (cols < p_s)
        cols = np.clip(cols, 0, p_s - 1)
        n_max = min(int(self.n_components), k, n - 1)
        if n - 1 < min(int(self.n_components), k):
            # above the window's k points is the documented way to ask for the
            # local least-squares fit; the samples limit is not
            warnings.warn(
                f"{type(self).__name__}(n_components={self.n_components}) asks "
                f"for more PLS components than {n} transfer samples allow (at "
                f"most n_samples - 1 = {n - 1}); fitting n_components_={n_max}. "
                f"Pass n_components <= {n_max} (or more transfer samples) to "
                "silence this.",
                DataLimitWarning,
                stacklevel=3,
            )
        n_comp = np.minimum(valid.sum(axis=1), n_max)
        F = np.zeros((p_s, p_m))
        for start in range(0, p_m, _PDS_BLOCK):
            sl = slice(start, min(start + _PDS_BLOCK, p_m))
            E = Xc[:, cols[sl]].transpose(1, 0, 2) * valid[sl][:, None, :]
            coefs = _batched_pls1_coefs(E, Yc[:, sl].T, n_comp[sl])
            rows, j = cols[sl], np.arange(sl.start, sl.stop)[:, None]
            ok = valid[sl]  # drop the padding of windows cut at the ends
            F[rows[ok], np.broadcast_to(j, rows.shape)[ok]] = coefs[ok]
        self.n_components_ = int(n_max)
        self.window_centres_ = centres
        return F
