"""Plumbing of the classifiers that regress a one-hot coding of the classes.

Shared by :class:`~sklspec.baselines.PLSDAClassifier` and
:class:`~sklspec.baselines.ELMClassifier`.
"""

# SPDX-License-Identifier: BSD-3-Clause

from __future__ import annotations

import numpy as np
from scipy.special import log_softmax, softmax
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import FLOAT_DTYPES, check_is_fitted

from ..utils._validation import validate_data


def _one_hot(y_encoded: np.ndarray, n_classes: int) -> np.ndarray:
    """One column per class, ``1.0`` for the sample's class and ``0.0`` elsewhere."""
    return (y_encoded[:, None] == np.arange(n_classes)).astype(np.float64)


def _binary_or_full_decision(scores: np.ndarray) -> np.ndarray:
    """Follow scikit-learn's convention for ``decision_function``.

    With two classes a 1-D score, positive for ``classes_[1]``; otherwise the
    full ``(n_samples, n_classes)`` array.
    """
    if scores.shape[1] == 2:
        return scores[:, 1] - scores[:, 0]
    return scores


def _validate_fitted(estimator, X) -> np.ndarray:
    """Check ``estimator`` is fitted and validate ``X`` against its fit."""
    check_is_fitted(estimator)
    return validate_data(estimator, X, dtype=FLOAT_DTYPES, reset=False)


class _OneHotClassifierMixin:
    """Classes, decisions and soft probabilities of a one-hot regression.

    The subclass fits a regression of ``X`` on ``self._encode_classes(y)`` and
    defines ``_raw_outputs(X)``: its outputs ``(n_samples, n_classes)`` for
    the validated spectra ``X``. The class is the largest output, the
    probabilities their softmax.
    """

    def _encode_classes(self, y) -> np.ndarray:
        """Set ``classes_`` and return the one-hot coding of ``y``."""
        check_classification_targets(y)
        self.classes_, y_encoded = np.unique(y, return_inverse=True)
        if self.classes_.shape[0] < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes in the "
                f"data, but the data contain only one class: {self.classes_[0]!r}."
            )
        return _one_hot(y_encoded, self.classes_.shape[0])

    def _outputs(self, X) -> np.ndarray:
        return self._raw_outputs(_validate_fitted(self, X))

    def decision_function(self, X) -> np.ndarray:
        """Return the outputs of the model, one column per class.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Spectra.

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            The outputs; with two classes the 1-D difference
            ``output[:, 1] - output[:, 0]`` (positive for ``classes_[1]``).
        """
        return _binary_or_full_decision(self._outputs(X))

    def predict(self, X) -> np.ndarray:
        """Predict the class with the largest output.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Spectra.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted class labels.
        """
        scores = self._outputs(X)
        return self.classes_[np.argmax(scores, axis=1)]

    def predict_proba(self, X) -> np.ndarray:
        """Softmax of the outputs (soft, not calibrated; see Notes).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Spectra.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Rows sum to one; columns follow :attr:`classes_`.
        """
        return softmax(self._outputs(X), axis=1)

    def predict_log_proba(self, X) -> np.ndarray:
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Spectra.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probabilities; columns follow :attr:`classes_`.
        """
        return log_softmax(self._outputs(X), axis=1)
