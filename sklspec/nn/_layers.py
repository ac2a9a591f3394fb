"""Input layers shared by the embedders' networks.

Pure torch: this module never imports scikit-learn or skorch.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

__all__ = ["ScaledNet", "SpectrumScaler"]


class SpectrumScaler(nn.Module):
    """Global standardisation of spectra, with edge padding to a minimum width.

    ``(x - mean) / scale`` with a *single* mean and scale for the whole data
    set (fitted by the embedder on its training spectra), so the shape of
    every spectrum and the relative offsets and gains between spectra are
    kept: the pretext transformations (offset, multiplication) stay
    recognisable, which a per-spectrum normalisation would erase. Both
    numbers are buffers, saved in the ``state_dict``.

    Spectra narrower than ``min_width`` points (e.g. fewer than the ``2**3``
    points three poolings need) are padded by repeating their edge values.

    Parameters
    ----------
    n_features : int
        Input width.
    min_width : int, default=1
        Width the output is padded to when ``n_features`` is smaller.

    Examples
    --------
    >>> import torch
    >>> s = SpectrumScaler(3, min_width=5)
    >>> s.set_statistics(1.0, 2.0)
    >>> s(torch.tensor([[1.0, 3.0, 5.0]]))
    tensor([[0., 0., 1., 2., 2.]])
    """

    def __init__(self, n_features: int, min_width: int = 1) -> None:
        super().__init__()
        self.n_features = int(n_features)
        self.min_width = int(min_width)
        self.register_buffer("mean", torch.zeros(()))
        self.register_buffer("scale", torch.ones(()))

    @property
    def out_features(self) -> int:
        """Width of the output."""
        return max(self.n_features, self.min_width)

    def set_statistics(self, mean: float, scale: float) -> None:
        """Set the global mean and scale (a zero scale is replaced by 1)."""
        self.mean.fill_(float(mean))
        self.scale.fill_(float(scale) if scale > 0 else 1.0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Standardise and pad ``(N, L)`` spectra."""
        x = (x - self.mean) / self.scale
        pad = self.min_width - x.shape[-1]
        if pad > 0:
            left = pad // 2
            x = F.pad(x.unsqueeze(1), (left, pad - left), mode="replicate").squeeze(1)
        return x


class ScaledNet(nn.Module):
    """A network behind a :class:`SpectrumScaler`.

    Parameters
    ----------
    scaler : SpectrumScaler
        Input layer.
    net : torch.nn.Module
        The network; if it has an ``encoder`` attribute,
        :meth:`get_encoder` returns ``scaler`` followed by it.
    """

    def __init__(self, scaler: SpectrumScaler, net: nn.Module) -> None:
        super().__init__()
        self.scaler = scaler
        self.net = net

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Scale, then apply the network."""
        return self.net(self.scaler(x))

    def get_encoder(self) -> nn.Module:
        """Return ``Sequential(scaler, net.encoder)`` (shares the weights)."""
        return nn.Sequential(self.scaler, self.net.encoder)
