"""Shared machinery of the spectral preprocessing transformers.

The wavelength axis of the spectra travels either as the string column names of a
pandas DataFrame (``"1100.5"``) or as an explicit ``wavelengths`` parameter. This
module holds the bookkeeping every transformer of :mod:`sklspec.preprocessing`
shares: reading and validating the axis at fit, refusing spectra on another axis at
transform, and naming the output features.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils.validation import (
    _check_feature_names_in,
    check_is_fitted,
    validate_data,
)

from ..utils._validation import (
    check_wavelengths,
    describe_axis,
    wavelengths_from_X,
    wrong_axis_error,
)

FLOAT_DTYPES = (np.float64, np.float32)


def format_wavelengths(wavelengths) -> np.ndarray:
    """Format a wavelength axis as feature names.

    Each value is written in positional notation with the fewest digits that read
    back to the same float (``numpy.format_float_positional`` with ``trim="-"``):
    ``1100.0`` gives ``"1100"``, ``1100.25`` gives ``"1100.25"``. The names parse back
    exactly with ``float(name)``, so the axis survives a round trip through the
    column names of a DataFrame.

    Parameters
    ----------
    wavelengths : array-like of shape (n_points,)
        The axis.

    Returns
    -------
    names : ndarray of shape (n_points,), dtype=object
        The formatted values.
    """
    w = np.asarray(wavelengths, dtype=float).ravel()
    return np.asarray(
        [np.format_float_positional(float(v), trim="-") for v in w], dtype=object
    )


# The attributes every transformer sets at fit, documented once: the line
# "{attributes_in}" of a subclass's docstring (last in its Attributes section)
# is replaced with this text.
_ATTRIBUTES_IN_DOC = """    n_features_in_ : int
        Number of features (spectral points) seen during :term:`fit`.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X` has
        feature names that are all strings.

    wavelengths_in_ : ndarray of shape (`n_features_in_`,) or None
        Wavelength axis of the input: the `wavelengths` parameter where the
        transformer has one, else the string column names of a DataFrame at fit;
        None when unknown (the column index then stands in where an axis is
        needed). A DataFrame on another axis is refused at transform.
"""


class _BaseSpectralTransformer(TransformerMixin, BaseEstimator):
    """Base class of the spectral transformers: wavelength-axis bookkeeping.

    :meth:`fit` validates the parameters and `X` (with :meth:`_validate_fit`,
    against the ``wavelengths`` parameter where the subclass has one and
    ``ensure_min_features=self._min_features()``), then calls the hook
    ``_fit(X)``; :meth:`transform` validates `X` with :meth:`_validate_transform`
    and returns ``_transform(X)``. :meth:`get_feature_names_out` names the outputs
    after the inputs (see :meth:`_input_feature_names`). Fitted state set here:
    ``n_features_in_``, ``feature_names_in_`` (DataFrame input only) and
    ``wavelengths_in_``.
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.__doc__:
            cls.__doc__ = cls.__doc__.replace(
                "    {attributes_in}\n", _ATTRIBUTES_IN_DOC
            )

    #: The parameter that sets `_min_features` (e.g. Detrend's ``order``),
    #: named in the refusal of narrower `X`; None: scikit-learn's message.
    _min_features_param: str | None = None

    def _min_features(self) -> int:
        """The fewest spectral points `X` must have at fit (hook)."""
        return 1

    def _fit(self, X) -> None:
        """Learn what :meth:`transform` needs from the validated `X` (hook)."""

    def _transform(self, X) -> np.ndarray:
        """Transform the validated `X` (hook)."""
        raise NotImplementedError

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None) -> _BaseSpectralTransformer:
        """Validate `X`, record its width and wavelength axis, and fit.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Spectra, one per row.

        y : Ignored
            Not used, present here for API consistency by convention.

        Returns
        -------
        self : object
            Fitted transformer.

        Raises
        ------
        ValueError
            If `X` or the parameters do not suit each other (see the class
            documentation).
        """
        param, minimum = self._min_features_param, self._min_features()
        X = self._validate_fit(
            X,
            wavelengths=getattr(self, "wavelengths", None),
            ensure_min_features=minimum if param is None else 1,
        )
        if param is not None and X.shape[1] < minimum:
            raise ValueError(
                f"{type(self).__name__}({param}={getattr(self, param)!r}) needs at "
                f"least {minimum} spectral points, but X has {X.shape[1]} "
                f"feature(s). Lower {param} (or pass wider spectra)."
            )
        self._fit(X)
        return self

    def transform(self, X) -> np.ndarray:
        """Transform each spectrum.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Spectra, one per row, on the axis seen at fit.

        Returns
        -------
        X_tr : ndarray of shape (n_samples, n_features_out)
            The transformed spectra, in the floating dtype of `X`.
        """
        return self._transform(self._validate_transform(X))

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Get output feature names for transformation.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Input features. None uses the names seen at fit, else the wavelength
            axis formatted as strings, else ``x0, x1, ...``.

        Returns
        -------
        feature_names_out : ndarray of str objects
            The names of the output features.
        """
        return self._input_feature_names(input_features)

    def _validate_fit(self, X, wavelengths=None, **check_params):
        """Validate X at fit and record the wavelength axis.

        The axis comes from ``wavelengths`` when given, else from the string column
        names of a DataFrame ``X``, else it is unknown (``None``). When both are
        given they must agree.
        """
        axis_from_X = wavelengths_from_X(X)
        X = validate_data(self, X, dtype=FLOAT_DTYPES, **check_params)
        n_features = X.shape[1]
        if wavelengths is not None:
            axis = check_wavelengths(wavelengths, n_features)
            if axis_from_X is not None and not np.allclose(
                axis_from_X, axis, rtol=1e-10, atol=0.0
            ):
                raise ValueError(
                    "The wavelength axis in the column names of X "
                    f"({describe_axis(axis_from_X)}) differs from the "
                    f"`wavelengths` parameter ({describe_axis(axis)}); "
                    "pass one axis only, or make them agree."
                )
        elif axis_from_X is not None:
            axis = check_wavelengths(axis_from_X, n_features)
        else:
            axis = None
        self.wavelengths_in_ = axis
        return X

    def _validate_transform(self, X, **check_params):
        """Validate X at transform, refusing spectra on another wavelength axis."""
        check_is_fitted(self)
        axis_from_X = wavelengths_from_X(X)
        fitted = self.wavelengths_in_
        if (
            axis_from_X is not None
            and fitted is not None
            and (
                axis_from_X.shape != fitted.shape
                or not np.allclose(axis_from_X, fitted, rtol=1e-10, atol=0.0)
            )
        ):
            raise wrong_axis_error(type(self).__name__, axis_from_X, fitted)
        return validate_data(self, X, dtype=FLOAT_DTYPES, reset=False, **check_params)

    def _input_feature_names(self, input_features=None) -> np.ndarray:
        """Names of the input features.

        ``input_features`` when given, else the column names seen at fit, else the
        fitted wavelength axis formatted with :func:`format_wavelengths`, else
        ``x0, x1, ...``.
        """
        check_is_fitted(self, "n_features_in_")
        names = _check_feature_names_in(self, input_features)
        if (
            input_features is None
            and getattr(self, "feature_names_in_", None) is None
            and self.wavelengths_in_ is not None
        ):
            names = format_wavelengths(self.wavelengths_in_)
        return names

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
