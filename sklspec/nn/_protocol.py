"""The protocol every sklspec pretraining module follows.

Pure torch: this module never imports scikit-learn or skorch.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from ._heads import ConfigMixin
from ._layers import InputScaler

__all__ = ["PretrainingModule"]


class PretrainingModule(ConfigMixin, nn.Module):
    """Base class of the networks the embedders pretrain.

    An embedder talks to its network only through this protocol, never
    through a module's inner attributes:

    ``input_scaler``
        The :class:`InputScaler` at the input (``fit_input_statistics`` sets
        it from training spectra).
    ``embed(x, **options)``
        ``(N, n_features)`` spectra to ``(N, D)`` embeddings; the options are
        read-out settings (e.g. ``pooling``) that change no weight.
    ``get_encoder()``
        The module that fine-tuning starts from (shares the weights).
    ``get_config()`` / ``from_config(config)``
        Rebuild the architecture (:class:`ConfigMixin`).
    """

    #: Attribute path of the input scaler (dots for nested modules).
    _input_scaler_path = "scaler"

    @property
    def input_scaler(self) -> InputScaler:
        """The :class:`InputScaler` at the network's input."""
        return self.get_submodule(self._input_scaler_path)

    def fit_input_statistics(self, X) -> None:
        """Set the input scaler's statistics from training spectra.

        Parameters
        ----------
        X : array-like of shape (n_spectra, n_features), or moments
            Training spectra (NumPy array or tensor), or the per-point
            moments of a streamed library (an object with ``mean`` and
            ``var`` arrays, :class:`sklspec._stream.FeatureMoments`).
        """
        if hasattr(X, "mean") and hasattr(X, "var") and hasattr(X, "m2"):
            self.input_scaler.fit_moments(X.mean, X.var)
        else:
            self.input_scaler.fit(X)

    def embed(self, x: torch.Tensor, **options: Any) -> torch.Tensor:
        """Embed ``(N, n_features)`` spectra into ``(N, D)`` (read-out options)."""
        raise NotImplementedError

    def get_encoder(self) -> nn.Module:
        """The module fine-tuning starts from (weights shared with this one)."""
        raise NotImplementedError
