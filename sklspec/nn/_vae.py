"""Variational autoencoder for 1-D spectra and the latent-space spectrum converter.

Pure torch: this module never imports scikit-learn or skorch. The sklearn
transformers around these modules are
:class:`sklspec.embedders.VAEEmbedder` and
:class:`sklspec.embedders.NIRtoMIRConverter`.

Reference: Sun et al., "Self-supervised and multi-fidelity learning for
extended predictive soil spectroscopy", arXiv:2511.15965 (2025). The paper
gives no layer sizes, KL weight or training settings; the defaults here are
ours.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from ._heads import _check_hidden
from ._layers import InputScaler
from ._losses import ForwardLoss  # noqa: F401  (re-exported)
from ._protocol import PretrainingModule

__all__ = [
    "ARCHITECTURES",
    "LatentConverterNet",
    "SpectralVAE",
    "VAEMeanEncoder",
    "gaussian_kl",
]

#: Bound on the encoder's log-variances (``exp(30)`` is about 1e13).
LOGVAR_BOUND = 30.0

#: Encoder layouts accepted by :class:`SpectralVAE`.
ARCHITECTURES = ("dense", "conv")


def gaussian_kl(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL divergence of ``N(mu, exp(logvar))`` from ``N(0, I)``, per sample.

    Parameters
    ----------
    mu, logvar : torch.Tensor of shape (N, D)
        Posterior means and log-variances.

    Returns
    -------
    kl : torch.Tensor of shape (N,)
        ``0.5 * sum(mu**2 + exp(logvar) - 1 - logvar)`` over the latent axis
        (>= 0, and 0 exactly at the prior).

    Examples
    --------
    >>> import torch
    >>> gaussian_kl(torch.zeros(2, 3), torch.zeros(2, 3))
    tensor([0., 0.])
    >>> gaussian_kl(torch.ones(1, 2), torch.zeros(1, 2))
    tensor([1.])
    """
    return 0.5 * torch.sum(mu.pow(2) + logvar.exp() - 1.0 - logvar, dim=1)


def _mlp(sizes: Sequence[int]) -> nn.Sequential:
    layers: list[nn.Module] = []
    for a, b in zip(sizes[:-1], sizes[1:], strict=True):
        layers += [nn.Linear(a, b), nn.ReLU()]
    return nn.Sequential(*layers)


class _DenseEncoder(nn.Module):
    def __init__(self, n_features: int, hidden: tuple[int, ...], latent_dim: int):
        super().__init__()
        self.body = _mlp((n_features, *hidden))
        width = hidden[-1] if hidden else n_features
        self.mu = nn.Linear(width, latent_dim)
        self.logvar = nn.Linear(width, latent_dim)

    def forward(self, x):
        h = self.body(x)
        return self.mu(h), self.logvar(h)


class _ConvEncoder(nn.Module):
    """Three strided ``Conv1d(k=7)`` blocks, pooled to 16 positions, then an MLP."""

    def __init__(
        self,
        n_features: int,
        hidden: tuple[int, ...],
        latent_dim: int,
        channels: tuple[int, ...] = (8, 16, 32),
        n_positions: int = 16,
    ):
        super().__init__()
        convs: list[nn.Module] = []
        c_in = 1
        for c in channels:
            convs += [nn.Conv1d(c_in, c, 7, stride=2, padding=3), nn.ReLU()]
            c_in = c
        self.conv = nn.Sequential(*convs)
        self.pool = nn.AdaptiveAvgPool1d(n_positions)
        flat = c_in * n_positions
        self.body = _mlp((flat, *hidden))
        width = hidden[-1] if hidden else flat
        self.mu = nn.Linear(width, latent_dim)
        self.logvar = nn.Linear(width, latent_dim)

    def forward(self, x):
        h = self.pool(self.conv(x.unsqueeze(1))).flatten(1)
        h = self.body(h)
        return self.mu(h), self.logvar(h)


class _DenseDecoder(nn.Module):
    def __init__(self, latent_dim: int, hidden: tuple[int, ...], n_features: int):
        super().__init__()
        rev = tuple(reversed(hidden))
        self.body = _mlp((latent_dim, *rev))
        self.out = nn.Linear(rev[-1] if rev else latent_dim, n_features)

    def forward(self, z):
        return self.out(self.body(z))


class VAEMeanEncoder(nn.Module):
    """Raw spectra ``(N, L)`` to posterior means ``(N, latent_dim)``.

    Shares the scaler and encoder weights of a :class:`SpectralVAE`; the 2-D
    output passes through :class:`~sklspec.nn.EncoderWithHead` unchanged.

    Parameters
    ----------
    scaler : InputScaler
        Input standardisation.
    encoder : torch.nn.Module
        Maps standardised spectra to ``(mu, logvar)``.
    """

    def __init__(self, scaler: nn.Module, encoder: nn.Module) -> None:
        super().__init__()
        self.scaler = scaler
        self.encoder = encoder

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return the posterior means."""
        return self.encoder(self.scaler(x))[0]


class SpectralVAE(PretrainingModule):
    """Variational autoencoder for 1-D spectra (Sun et al. 2025, stage 1).

    ``x -> scaler -> encoder -> (mu, logvar) -> z = mu + eps * sigma ->
    decoder -> scaler.inverse -> spectrum``. The loss of a batch is the mean
    over spectra of

    ``sum_j (x_hat_j - t_j)**2 + beta * KL(N(mu, sigma^2) || N(0, I))``

    with the squared error summed over the spectral points in *standardised*
    units (the scaler's) and ``t`` the target spectrum (``x`` itself, or for
    scan-repeat augmentation another repeat of the same sample or the sample
    mean). ``beta=1`` is the ELBO with a Gaussian decoder of variance 1/2 per
    standardised point; lower ``beta`` keeps more of the small spectral
    variations.

    Parameters
    ----------
    n_features : int
        Spectral points.
    latent_dim : int, default=32
        Size of the latent space (the paper's 32).
    hidden : sequence of int, default=(512, 256)
        Hidden widths of the encoder MLP; the decoder mirrors them.
    beta : float, default=1.0
        Weight of the KL term.
    architecture : {"dense", "conv"}, default="dense"
        ``"dense"``: an MLP encoder. ``"conv"``: three strided ``Conv1d``
        blocks (8, 16, 32 filters, kernel 7) pooled to 16 positions before the
        MLP. The decoder is an MLP in both cases.

    Examples
    --------
    >>> import torch
    >>> vae = SpectralVAE(50, latent_dim=4, hidden=(16,))
    >>> loss, recon, mu, logvar = vae(torch.randn(3, 50))
    >>> recon.shape, mu.shape, loss.ndim
    (torch.Size([3, 50]), torch.Size([3, 4]), 0)
    """

    def __init__(
        self,
        n_features: int,
        latent_dim: int = 32,
        hidden: Sequence[int] = (512, 256),
        beta: float = 1.0,
        architecture: str = "dense",
    ) -> None:
        super().__init__()
        hidden = _check_hidden(hidden)
        if architecture not in ARCHITECTURES:
            raise ValueError(
                f"architecture must be one of {ARCHITECTURES}, got {architecture!r}."
            )
        if int(latent_dim) < 1:
            raise ValueError(f"latent_dim must be positive, got {latent_dim}.")
        if float(beta) < 0:
            raise ValueError(f"beta must be non-negative, got {beta}.")
        self._set_config(
            n_features=int(n_features),
            latent_dim=int(latent_dim),
            hidden=hidden,
            beta=float(beta),
            architecture=architecture,
        )
        self.n_features = int(n_features)
        self.latent_dim = int(latent_dim)
        self.beta = float(beta)
        self.architecture = architecture
        self.scaler = InputScaler(n_features, "wavelength")
        enc = _DenseEncoder if architecture == "dense" else _ConvEncoder
        self.encoder = enc(n_features, hidden, self.latent_dim)
        self.decoder = _DenseDecoder(self.latent_dim, hidden, n_features)

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Raw spectra to ``(mu, logvar)``.

        ``logvar`` is clamped to ``[-LOGVAR_BOUND, LOGVAR_BOUND]``: an encoder
        that overshoots early in training would otherwise overflow
        ``exp(logvar)`` and end the run with a non-finite loss.
        """
        mu, logvar = self.encoder(self.scaler(x))
        return mu, logvar.clamp(-LOGVAR_BOUND, LOGVAR_BOUND)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Latent vectors to spectra in input units."""
        return self.scaler.inverse(self.decoder(z))

    @staticmethod
    def reparameterize(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
        """Draw ``z = mu + eps * exp(logvar / 2)``, ``eps ~ N(0, I)``."""
        return mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)

    def loss_terms(
        self,
        recon_std: torch.Tensor,
        target: torch.Tensor,
        mu: torch.Tensor,
        logvar: torch.Tensor,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Per-spectrum squared error (standardised units) and KL term."""
        err = (recon_std - self.scaler(target)).pow(2).sum(dim=1)
        return err, gaussian_kl(mu, logvar)

    def forward(
        self, x: torch.Tensor, target: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        """Return ``(loss, recon, mu, logvar)``.

        Parameters
        ----------
        x : torch.Tensor of shape (N, n_features)
            Input spectra (input units).
        target : torch.Tensor of shape (N, n_features) or None
            Spectra to reconstruct; default ``x``.

        Returns
        -------
        loss : torch.Tensor, scalar
            Batch mean of reconstruction error + ``beta`` * KL.
        recon : torch.Tensor of shape (N, n_features)
            Reconstruction in input units (from a sampled ``z`` in training
            mode, from ``mu`` in eval mode).
        mu, logvar : torch.Tensor of shape (N, latent_dim)
        """
        if target is None:
            target = x
        mu, logvar = self.encode(x)
        z = self.reparameterize(mu, logvar) if self.training else mu
        recon_std = self.decoder(z)
        err, kl = self.loss_terms(recon_std, target, mu, logvar)
        loss = torch.mean(err + self.beta * kl)
        return loss, self.scaler.inverse(recon_std), mu, logvar

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        """Posterior means ``(N, latent_dim)`` of ``(N, n_features)`` spectra."""
        return self.encode(x)[0]

    def get_encoder(self) -> VAEMeanEncoder:
        """Return a module mapping raw spectra to posterior means (shared weights)."""
        return VAEMeanEncoder(self.scaler, self.encoder)


class LatentConverterNet(PretrainingModule):
    """Low-fidelity encoder into a frozen high-fidelity VAE latent space (stage 2).

    ``x_low -> in_scaler -> MLP -> z_hat -> frozen decoder -> out_scaler.inverse
    -> x_high_hat``. The decoder and ``out_scaler`` come from a trained
    :class:`SpectralVAE` (copied in with :meth:`set_decoder`) and never train:
    their parameters have ``requires_grad=False`` and stay in eval mode.

    The loss of a batch is ``latent_loss_weight * mean((z_hat - z)**2) +
    spectrum_loss_weight * mean((x_high_hat - x_high)**2)``, both means over
    the batch and the latent dimensions or standardised spectral points.

    Parameters
    ----------
    n_features : int
        Points of the low-fidelity (input) spectra.
    n_outputs : int
        Points of the high-fidelity (output) spectra.
    latent_dim : int
        Latent size of the high-fidelity VAE.
    hidden : sequence of int, default=(256, 256)
        Hidden widths of the new encoder.
    decoder_hidden : sequence of int, default=(512, 256)
        The VAE's ``hidden`` (its decoder mirrors them).
    latent_loss_weight, spectrum_loss_weight : float, default=1.0
        Weights of the two loss terms.

    Examples
    --------
    >>> import torch
    >>> net = LatentConverterNet(20, 30, 4, hidden=(8,), decoder_hidden=(8,))
    >>> loss, x_hat, z_hat = net(torch.randn(5, 20), torch.randn(5, 4),
    ...                          torch.randn(5, 30))
    >>> x_hat.shape, z_hat.shape
    (torch.Size([5, 30]), torch.Size([5, 4]))
    """

    def __init__(
        self,
        n_features: int,
        n_outputs: int,
        latent_dim: int,
        hidden: Sequence[int] = (256, 256),
        decoder_hidden: Sequence[int] = (512, 256),
        latent_loss_weight: float = 1.0,
        spectrum_loss_weight: float = 1.0,
    ) -> None:
        super().__init__()
        hidden = _check_hidden(hidden)
        decoder_hidden = _check_hidden(decoder_hidden)
        self._set_config(
            n_features=int(n_features),
            n_outputs=int(n_outputs),
            latent_dim=int(latent_dim),
            hidden=hidden,
            decoder_hidden=decoder_hidden,
            latent_loss_weight=float(latent_loss_weight),
            spectrum_loss_weight=float(spectrum_loss_weight),
        )
        self.latent_loss_weight = float(latent_loss_weight)
        self.spectrum_loss_weight = float(spectrum_loss_weight)
        self.in_scaler = InputScaler(n_features, "wavelength")
        body = _mlp((int(n_features), *hidden))
        width = hidden[-1] if hidden else int(n_features)
        self.encoder = nn.Sequential(
            self.in_scaler, body, nn.Linear(width, int(latent_dim))
        )
        self.decoder = _DenseDecoder(int(latent_dim), decoder_hidden, int(n_outputs))
        self.out_scaler = InputScaler(n_outputs, "wavelength")
        self._freeze()

    def _freeze(self) -> None:
        self.decoder.requires_grad_(False)
        self.decoder.eval()

    def set_decoder(self, vae: SpectralVAE) -> None:
        """Copy (and freeze) the decoder and output scaling of a trained VAE."""
        self.decoder.load_state_dict(vae.decoder.state_dict())
        self.out_scaler.load_state_dict(vae.scaler.state_dict())
        self._freeze()

    def train(self, mode: bool = True) -> LatentConverterNet:
        """Set training mode; the frozen decoder always stays in eval mode."""
        super().train(mode)
        self.decoder.eval()
        return self

    _input_scaler_path = "in_scaler"

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Latent vectors to high-fidelity spectra in their input units."""
        return self.out_scaler.inverse(self.decoder(z))

    def embed(self, x: torch.Tensor, output: str = "spectrum") -> torch.Tensor:
        """Predicted high-fidelity spectra (``"spectrum"``) or latent vectors."""
        z_hat = self.encoder(x)
        return self.decode(z_hat) if output == "spectrum" else z_hat

    def get_encoder(self) -> nn.Module:
        """The new encoder (low-fidelity spectra to latent vectors)."""
        return self.encoder

    def forward(
        self,
        x: torch.Tensor,
        z_target: torch.Tensor | None = None,
        y_target: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Return ``(loss, x_high_hat, z_hat)``.

        Parameters
        ----------
        x : torch.Tensor of shape (N, n_features)
            Low-fidelity spectra.
        z_target : torch.Tensor of shape (N, latent_dim) or None
            Latent means of the paired high-fidelity spectra (latent loss).
        y_target : torch.Tensor of shape (N, n_outputs) or None
            The paired high-fidelity spectra, input units (spectrum loss).
        """
        z_hat = self.encoder(x)
        out_std = self.decoder(z_hat)
        loss = z_hat.new_zeros(())
        if z_target is not None and self.latent_loss_weight > 0:
            loss = loss + self.latent_loss_weight * torch.mean((z_hat - z_target) ** 2)
        if y_target is not None and self.spectrum_loss_weight > 0:
            err = (out_std - self.out_scaler(y_target)) ** 2
            loss = loss + self.spectrum_loss_weight * torch.mean(err)
        return loss, self.out_scaler.inverse(out_std), z_hat
