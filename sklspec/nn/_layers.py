"""The input scaler every sklspec network starts with, and pooling.

Pure torch: this module never imports scikit-learn or skorch.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

__all__ = ["POOLINGS", "SCALER_MODES", "InputScaler", "pool_tokens"]

#: Modes of :class:`InputScaler` (None: identity).
SCALER_MODES = ("global", "wavelength", "spectrum")

#: The one pooling vocabulary: how a feature map ``(N, C, L)`` or a token
#: sequence ``(N, 1 + T, D)`` (CLS token first) becomes an ``(N, D)`` vector.
#: ``"cls"`` exists for token sequences only.
POOLINGS = ("flatten", "avg", "max", "avgmax", "cls")


class InputScaler(nn.Module):
    """Standardise spectra at the input of a network, and undo it.

    ``"global"``
        ``(x - mean) / scale`` with one mean and one scale for the whole
        training set: the shape of every spectrum and the offsets and gains
        between spectra are kept (the pretext transformations stay
        recognisable).
    ``"wavelength"``
        The mean *spectrum* is removed, then one global scale divides: what
        the VAE models is the deviation from the mean spectrum.
    ``"spectrum"``
        Per-spectrum z-score, ``(x - mean(x)) / std(x)`` (MAX's
        ``InstanceNorm``); a constant spectrum is only centred.
    None
        Identity.

    ``mean`` and ``scale`` are buffers (saved in the ``state_dict``): 0-d in
    the ``"global"``, ``"spectrum"`` and None modes, ``(n_features,)`` in the
    ``"wavelength"`` mode. Set them from training spectra with :meth:`fit`.
    Spectra narrower than ``min_width`` points are padded by repeating their
    edge values (after scaling).

    Parameters
    ----------
    n_features : int
        Input width.
    mode : {"global", "wavelength", "spectrum"} or None, default="global"
        Standardisation.
    min_width : int, default=1
        Width the output is padded to when ``n_features`` is smaller.

    Examples
    --------
    >>> import torch
    >>> s = InputScaler(3, min_width=5)
    >>> s.set_statistics(1.0, 2.0)
    >>> s(torch.tensor([[1.0, 3.0, 5.0]]))
    tensor([[0., 0., 1., 2., 2.]])
    >>> w = InputScaler(2, mode="wavelength")
    >>> w.fit(torch.tensor([[0.0, 2.0], [2.0, 4.0]]))
    >>> z, loc, scale = w.normalize(torch.tensor([[3.0, 2.0]]))
    >>> z, w.inverse(z)
    (tensor([[ 2., -1.]]), tensor([[3., 2.]]))
    """

    def __init__(
        self, n_features: int, mode: str | None = "global", min_width: int = 1
    ) -> None:
        super().__init__()
        if mode is not None and mode not in SCALER_MODES:
            raise ValueError(
                f"scaler mode must be one of {SCALER_MODES} or None, got {mode!r}."
            )
        self.n_features = int(n_features)
        self.mode = mode
        self.min_width = int(min_width)
        shape = (self.n_features,) if mode == "wavelength" else ()
        self.register_buffer("mean", torch.zeros(shape))
        self.register_buffer("scale", torch.ones(shape))

    @property
    def out_features(self) -> int:
        """Width of the output (after padding)."""
        return max(self.n_features, self.min_width)

    def set_statistics(self, mean, scale) -> None:
        """Set the buffers (non-positive or non-finite scales become 1)."""
        mean = torch.as_tensor(mean, dtype=torch.float32).expand(self.mean.shape)
        scale = torch.as_tensor(scale, dtype=torch.float32).expand(self.scale.shape)
        scale = torch.where(
            torch.isfinite(scale) & (scale > 0), scale, torch.ones_like(scale)
        )
        self.mean.copy_(mean)  # buffers: no autograd involved
        self.scale.copy_(scale)

    def fit(self, X) -> None:
        """Set ``mean`` and ``scale`` from training spectra.

        ``"global"``: the mean and standard deviation of all values;
        ``"wavelength"``: the mean spectrum and the standard deviation of the
        mean-centred spectra over all their points (one number, so relative
        band heights are kept); other modes keep no statistics.

        Parameters
        ----------
        X : array-like of shape (n_spectra, n_features)
            Training spectra (NumPy array or tensor).
        """
        if isinstance(X, torch.Tensor):
            X = X.detach().to("cpu", torch.float64)
        else:  # a copy: torch refuses read-only arrays
            X = torch.tensor(X, dtype=torch.float64)
        if self.mode == "global":
            self.set_statistics(float(X.mean()), float(X.std(correction=0)))
        elif self.mode == "wavelength":
            mean = X.mean(dim=0)
            self.set_statistics(mean, float((X - mean).std(correction=0)))

    def fit_moments(self, mean, var) -> None:
        """Set the statistics from per-point moments (a streamed library).

        The same statistics as :meth:`fit` on the spectra themselves, from
        the mean and population variance of every point (merged block by
        block, see :class:`sklspec._stream.FeatureMoments`).

        Parameters
        ----------
        mean, var : array-like of shape (n_features,)
            Per-point mean and population variance of the training spectra.
        """
        mean = torch.as_tensor(mean, dtype=torch.float64)
        var = torch.as_tensor(var, dtype=torch.float64)
        if self.mode == "global":
            total = var.mean() + ((mean - mean.mean()) ** 2).mean()
            self.set_statistics(float(mean.mean()), float(total.sqrt()))
        elif self.mode == "wavelength":
            self.set_statistics(mean, float(var.mean().sqrt()))

    def normalize(self, x: torch.Tensor):
        """Standardise ``(N, n_features)`` spectra, keeping what undoes it.

        Returns
        -------
        z : torch.Tensor of shape (N, n_features)
            Standardised spectra (not padded).
        loc, scale : torch.Tensor broadcastable to (N, n_features)
            What :meth:`inverse` needs to go back to input units.
        """
        if self.mode == "spectrum":
            loc = x.mean(dim=1, keepdim=True)
            std = x.std(dim=1, keepdim=True, unbiased=False)
            scale = torch.where(std > 1e-12, std, torch.ones_like(std))
        elif self.mode is None:
            loc = torch.zeros(len(x), 1, dtype=x.dtype, device=x.device)
            scale = torch.ones_like(loc)
        else:
            loc, scale = self.mean, self.scale
        return (x - loc) / scale, loc, scale

    def inverse(self, z: torch.Tensor, loc=None, scale=None) -> torch.Tensor:
        """Map standardised spectra back to input units.

        ``loc`` and ``scale`` default to the buffers (enough in the
        ``"global"`` and ``"wavelength"`` modes); the ``"spectrum"`` mode
        needs those :meth:`normalize` returned.
        """
        loc = self.mean if loc is None else loc
        scale = self.scale if scale is None else scale
        return z * scale + loc

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Standardise and pad ``(N, n_features)`` spectra."""
        z = self.normalize(x)[0]
        pad = self.min_width - z.shape[-1]
        if pad > 0:
            left = pad // 2
            z = F.pad(z.unsqueeze(1), (left, pad - left), mode="replicate").squeeze(1)
        return z


def check_pooling(pooling: str, allowed=POOLINGS) -> str:
    """Return ``pooling`` if it is one of ``allowed``, else raise ValueError."""
    if pooling not in allowed:
        raise ValueError(f"pooling must be one of {tuple(allowed)}, got {pooling!r}.")
    return pooling


def pool_tokens(tokens: torch.Tensor, pooling: str = "avg") -> torch.Tensor:
    """Turn ``(N, 1 + T, D)`` tokens (CLS first) into ``(N, D')`` embeddings.

    ``"cls"`` takes the CLS token; the other names of :data:`POOLINGS` pool
    the ``T`` patch tokens as :func:`~sklspec.nn.pool_features` pools a
    feature map (``"flatten"`` gives ``T * D`` features).

    Examples
    --------
    >>> import torch
    >>> tokens = torch.ones(2, 5, 3)
    >>> [pool_tokens(tokens, p).shape[1] for p in POOLINGS]
    [12, 3, 3, 6, 3]
    """
    from ._heads import pool_features

    if check_pooling(pooling) == "cls":
        return tokens[:, 0]
    return pool_features(tokens[:, 1:].transpose(1, 2), pooling)
