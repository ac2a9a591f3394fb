"""Standard normal variate (SNV) transformation of spectra."""

from __future__ import annotations

import numpy as np
from sklearn.base import OneToOneFeatureMixin

from ..utils._validation import row_peaks
from ..utils._warnings import warn_constant_spectra
from ._base import _BaseSpectralTransformer


class StandardNormalVariate(OneToOneFeatureMixin, _BaseSpectralTransformer):
    """Centre and scale each spectrum on its own (standard normal variate).

    Each spectrum (row) ``x`` is replaced by ``(x - mean(x)) / std(x)``, the mean
    and the standard deviation being taken over the points of that spectrum. SNV
    removes additive offsets and multiplicative scatter effects spectrum by
    spectrum; it learns nothing from the training set.

    The standard deviation is the population one (``ddof=0``, as ``numpy.std``,
    :class:`sklearn.preprocessing.StandardScaler` and chemotools), so every output
    row has mean 0 and ``numpy.std`` 1. The sample version (``ddof=1``) would only
    multiply every output by the same constant ``sqrt((n - 1) / n)``.

    A constant spectrum (standard deviation zero, to rounding) has no scale to
    divide by: it is mapped to zeros instead of NaN or inf, as
    :class:`~sklearn.preprocessing.StandardScaler` does for constant features,
    and a :class:`~sklspec.exceptions.ConstantSpectraWarning` names its rows
    (such a spectrum is usually a dead or saturated measurement).

    Attributes
    ----------
    {attributes_in}

    See Also
    --------
    MultiplicativeScatterCorrection : Scatter correction against a reference.
    sklearn.preprocessing.Normalizer : Scale each sample to unit norm.
    sklearn.preprocessing.StandardScaler : Standardise each feature (column).

    Notes
    -----
    This estimator is stateless: ``fit`` only validates `X` and records its width
    and wavelength axis.

    Examples
    --------
    >>> from sklspec.preprocessing import StandardNormalVariate
    >>> X = [[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [5.0, 5.0, 5.0]]
    >>> StandardNormalVariate().fit_transform(X).round(4)
    array([[-1.2247,  0.    ,  1.2247],
           [-1.2247,  0.    ,  1.2247],
           [ 0.    ,  0.    ,  0.    ]])
    """

    _parameter_constraints: dict = {}

    def __init__(self) -> None:
        pass

    def _transform(self, X) -> np.ndarray:
        # SNV ignores the scale of a row: divide by its largest magnitude first so
        # that squaring neither overflows nor underflows.
        peak = row_peaks(X, keepdims=True)
        X_tr = X / np.where(peak > 0, peak, 1).astype(X.dtype, copy=False)
        X_tr -= X_tr.mean(axis=1, keepdims=True)
        std = np.sqrt(np.mean(X_tr * X_tr, axis=1, keepdims=True))
        # Rounding leaves ~eps of spread in a constant row: treat it as 0.
        constant = std <= 10 * np.finfo(X.dtype).eps
        X_tr /= np.where(constant, 1, std).astype(X.dtype, copy=False)
        X_tr[constant[:, 0]] = 0.0
        warn_constant_spectra(
            constant[:, 0], type(self).__name__, "SNV maps them to zeros"
        )
        return X_tr


SNV = StandardNormalVariate
