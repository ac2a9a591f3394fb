"""Variational autoencoder embedder with scan-repeat augmentation (SSML stage 1)."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_array, check_is_fitted

from .._torch import predict
from ..nn import ForwardLoss, SpectralVAE
from ..nn._vae import ARCHITECTURES
from ..preprocessing._canonical import STATS_NAMES
from ._base import BaseEmbedder, _ReconstructionScoreMixin

__all__ = ["VAEEmbedder", "repeat_pairs"]

REPEAT_TARGETS = ("other", "mean", "self")


def repeat_pairs(groups, repeat_target: str = "other"):
    """Index arrays of (input scan, target) training pairs from scan repeats.

    Vectorised with numpy (no Python loop over spectra).

    Parameters
    ----------
    groups : array-like of shape (n_scans,)
        Sample id of every scan (any hashable values, as sklearn's
        ``groups``).
    repeat_target : {"other", "mean", "self"}, default="other"
        ``"other"``: every ordered pair of two different scans of the same
        sample (``n * (n - 1)`` pairs for a sample with ``n`` repeats; a
        sample scanned once is paired with itself). ``"mean"``: each scan is
        paired with the mean spectrum of its sample. ``"self"``: each scan
        with itself.

    Returns
    -------
    source : ndarray of int
        Index of the input scan of every pair.
    target : ndarray of int
        ``"other"``/``"self"``: index of the target scan. ``"mean"``: index of
        the sample (into the sorted unique ``groups``) whose mean is the target.

    Examples
    --------
    >>> src, tgt = repeat_pairs(["a", "b", "a", "c"])
    >>> sorted(zip(src.tolist(), tgt.tolist()))
    [(0, 2), (1, 1), (2, 0), (3, 3)]
    >>> repeat_pairs(["a", "b", "a"], "mean")[1].tolist()
    [0, 1, 0]
    """
    groups = np.asarray(groups)
    if groups.ndim != 1:
        raise ValueError(f"groups must be 1-D, got shape {groups.shape}.")
    n = len(groups)
    _, inverse, counts = np.unique(groups, return_inverse=True, return_counts=True)
    inverse = inverse.ravel()
    if repeat_target == "self":
        idx = np.arange(n)
        return idx, idx.copy()
    if repeat_target == "mean":
        return np.arange(n), inverse
    if repeat_target != "other":
        raise ValueError(
            f"repeat_target must be one of {REPEAT_TARGETS}, got {repeat_target!r}."
        )
    order = np.argsort(inverse, kind="stable")  # scans sorted by sample
    sizes = counts[inverse[order]]  # size of each sorted scan's sample
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])[inverse[order]]
    pos = np.arange(n) - starts  # position of each sorted scan in its sample
    reps = np.maximum(sizes - 1, 1)  # pairs per scan
    src_sorted = np.repeat(np.arange(n), reps)
    offsets = np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps)
    partner = starts[src_sorted] + (pos[src_sorted] + 1 + offsets) % sizes[src_sorted]
    return order[src_sorted], order[partner]


class VAEEmbedder(_ReconstructionScoreMixin, BaseEmbedder):
    """Variational autoencoder embedder for spectra, with scan-repeat augmentation.

    Stage 1 of the SSML framework of Sun et al. (2025): a VAE trained on
    unlabelled spectra compresses each spectrum into ``latent_dim`` numbers
    (the paper: ~1,700 MIR points into 32). :meth:`transform` returns the
    posterior means, :meth:`inverse_transform` decodes latent vectors back
    into spectra, :meth:`reconstruction_error` scores how well a spectrum is
    reproduced (an out-of-distribution score). The trained decoder is reused,
    frozen, by :class:`~sklspec.embedders.NIRtoMIRConverter`.

    Spectra are mean-centred per wavelength and divided by one global
    standard deviation inside the network (buffers of the ``state_dict``);
    a per-wavelength scale would inflate flat, noise-only regions.

    **Scan repeats.** Pass the sample id of every scan as ``groups`` to
    :meth:`fit` (the sklearn name, as in ``GroupKFold``): with
    ``repeat_target="other"`` the VAE encodes one repeat and reconstructs
    another repeat of the same sample (all ordered pairs), with ``"mean"`` it
    reconstructs the sample's mean spectrum, so repeat-to-repeat noise is not
    encoded. Without ``groups`` every scan reconstructs itself.

    Parameters
    ----------
    latent_dim : int, default=16
        Size of the embedding.
    hidden : tuple of int, default=(256, 128)
        Hidden widths of the encoder MLP (the decoder mirrors them).
    architecture : {"dense", "conv"}, default="dense"
        Encoder layout (see :class:`sklspec.nn.SpectralVAE`). The dense
        encoder is the default: on ``benchmarks/vae_converter.py`` it trains
        faster on CPU and reconstructs as well as the conv encoder.
    beta : float, default=0.1
        Weight of the KL term (the loss is the sum of squared errors over the
        standardised points plus ``beta`` times the KL divergence).
    repeat_target : {"other", "mean", "self"}, default="other"
        Target of each scan when ``groups`` is given (see above).
    {grid}
        With a grid the VAE encodes and reconstructs the spectra on it:
        :meth:`inverse_transform` and :meth:`reconstruction_error` are on
        the grid's points, in SNV units.
    {weights}
    max_epochs : int, default=60
        Training epochs.
    batch_size : int, default=64
        Mini-batch size.
    lr : float, default=1e-3
        Adam learning rate.
    {device}
    random_state : int, RandomState instance or None, default=None
        Seeds initialisation, shuffling and the reparameterisation noise;
        torch's global random state is untouched.
    {verbose}
    {callbacks}
    {checkpoint}
    {accelerator}

    Attributes
    ----------
    module_ : SpectralVAE
        The trained VAE.
    history_ : list of dict
        Per-epoch loss and duration.
    training_summary_ : dict
        Spectra seen, epochs, seconds, final loss; ``n_pairs`` (training
        pairs) and ``n_groups`` when ``groups`` was given.
    {attributes_in}

    See Also
    --------
    sklspec.embedders.NIRtoMIRConverter : Maps another instrument into this
        latent space through the frozen decoder.
    sklspec.evaluation.multifidelity_table : The five-feature-set comparison.

    References
    ----------
    .. [1] L. Sun, J. Safanelli, J. Sanderman, K. Georgiou, C. Brungard,
       K. Grover, B. Hopkins, S. Liu, T. Bremer, "Self-supervised and
       multi-fidelity learning for extended predictive soil spectroscopy",
       arXiv:2511.15965 (2025).

    Examples
    --------
    >>> from sklspec.datasets import make_spectra
    >>> from sklspec.embedders import VAEEmbedder
    >>> X = make_spectra(n_samples=40, n_wavelengths=64, random_state=0).X
    >>> vae = VAEEmbedder(latent_dim=4, hidden=(16,), max_epochs=2,
    ...                   random_state=0).fit(X)
    >>> vae.transform(X).shape, vae.inverse_transform(vae.transform(X)).shape
    ((40, 4), (40, 64))
    """

    _module_type = SpectralVAE
    #: The larger network and longer schedule of sklspec 0.1 (a 32-d latent,
    #: 512/256 hidden units, beta 1, 200 epochs; ``from_preset("v0.1")``).
    presets = {"v0.1": dict(latent_dim=32, hidden=(512, 256), beta=1.0, max_epochs=200)}
    _architecture_params = ("latent_dim", "hidden", "architecture")

    _parameter_constraints: dict = {
        **BaseEmbedder._parameter_constraints,
        "latent_dim": [Interval(Integral, 1, None, closed="left")],
        "hidden": [tuple, list],
        "architecture": [StrOptions(set(ARCHITECTURES))],
        "beta": [Interval(Real, 0, None, closed="left")],
        "repeat_target": [StrOptions(set(REPEAT_TARGETS))],
        "grid": BaseEmbedder._grid_constraint,
    }

    def __init__(
        self,
        *,
        latent_dim: int = 16,
        hidden=(256, 128),
        architecture: str = "dense",
        beta: float = 0.1,
        repeat_target: str = "other",
        grid=None,
        weights=None,
        max_epochs: int = 60,
        batch_size: int = 64,
        lr: float = 1e-3,
        device: str = "cpu",
        random_state=None,
        verbose: int = 0,
        callbacks=None,
        checkpoint=None,
        accelerator=None,
    ):
        self.latent_dim = latent_dim
        self.hidden = hidden
        self.architecture = architecture
        self.beta = beta
        self.repeat_target = repeat_target
        self.grid = grid
        self.weights = weights
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.device = device
        self.random_state = random_state
        self.verbose = verbose
        self.callbacks = callbacks
        self.checkpoint = checkpoint
        self.accelerator = accelerator

    # ---------------------------------------------------------------- hooks
    def _build_module(self, n_features: int) -> torch.nn.Module:
        return SpectralVAE(
            n_features,
            latent_dim=self.latent_dim,
            hidden=tuple(self.hidden),
            beta=self.beta,
            architecture=self.architecture,
        )

    #: Rows per batch of :meth:`transform` for the dense encoder: its matmuls
    #: run near the machine's matmul rate only with many rows (64 rows reach
    #: ~0.45 of it, 1,024 ~0.65, ``benchmarks/speed.py``); the conv encoder
    #: keeps ``batch_size`` (its activations outgrow the cache).
    _embed_rows = 1024

    def _embed_batch_size(self) -> int:
        if self.architecture == "dense":
            return super()._embed_batch_size()
        return int(self.batch_size)

    def _make_training_data(self, X, rng, groups=None, **kw):
        if groups is None:
            return {"x": X, "target": X}, None
        groups = check_array(groups, ensure_2d=False, dtype=None, input_name="groups")
        if groups.shape != (len(X),):
            raise ValueError(
                f"groups must hold one sample id per spectrum: got shape "
                f"{groups.shape} for {len(X)} spectra."
            )
        src, tgt = repeat_pairs(groups, self.repeat_target)
        if self.repeat_target == "mean":
            _, inverse = np.unique(groups, return_inverse=True)
            inverse = inverse.ravel()
            n_groups = int(inverse.max()) + 1
            sums = np.zeros((n_groups, X.shape[1]), dtype=np.float64)
            np.add.at(sums, inverse, X)
            means = (sums / np.bincount(inverse)[:, None]).astype(np.float32)
            target = means[tgt]
        else:
            target = X[tgt]
        self._pairs_info = {
            "n_pairs": int(len(src)),
            "n_groups": int(len(np.unique(groups))),
        }
        return {"x": np.ascontiguousarray(X[src]), "target": target}, None

    def _make_criterion(self):
        return ForwardLoss()

    def get_encoder(self) -> torch.nn.Module:
        """Return the module mapping spectra to latent means.

        Returns
        -------
        encoder : torch.nn.Module
            Maps ``(N, n_points)`` spectra (input units) to ``(N, latent_dim)``
            posterior means; shares weights with ``module_``.
        """
        return super().get_encoder()

    # ------------------------------------------------------------ estimator
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, groups=None):
        """Train the VAE on unlabelled spectra.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_scans, n_points)
            Unlabelled spectra (scans).
        y : None
            Ignored.
        groups : array-like of shape (n_scans,) or None, default=None
            Sample id of every scan (scan repeats share an id). With
            ``groups`` the training pairs follow ``repeat_target``.

        Returns
        -------
        self : VAEEmbedder
            The fitted embedder.
        """
        self._pairs_info = {}
        self._fit(X, groups=groups)
        self.training_summary_.update(self._pairs_info)
        del self._pairs_info
        return self

    def inverse_transform(self, X):
        """Decode latent vectors into spectra.

        Parameters
        ----------
        X : array-like of shape (n_spectra, latent_dim)
            Latent vectors (e.g. from :meth:`transform`). With a `grid`, the
            output of :meth:`transform` (latent vectors followed by the
            grid's side columns, which are not decoded) is accepted too.

        Returns
        -------
        X_rec : ndarray of shape (n_spectra, n_points)
            Decoded spectra in the units of the training spectra; with a
            `grid`, on its ``n_points`` points in SNV units.
        """
        check_is_fitted(self)
        Z = check_array(X, dtype=[np.float64, np.float32], input_name="X")
        grid = getattr(self, "grid_", None)
        widths = (self.latent_dim,)
        if grid is not None and grid.keep_stats:
            widths = (self.latent_dim, self.latent_dim + len(STATS_NAMES))
        if Z.shape[1] not in widths:
            extra = (
                f" (or {widths[1]}: the latent vectors and the grid's "
                f"{', '.join(STATS_NAMES)} columns, as transform returns them)"
                if len(widths) > 1
                else ""
            )
            raise ValueError(
                f"X has {Z.shape[1]} features, but inverse_transform expects "
                f"latent vectors of latent_dim = {self.latent_dim}{extra}."
            )
        Z = np.ascontiguousarray(Z[:, : self.latent_dim])
        out = predict(
            self.module_, Z, self.module_.decode, batch_size=self._embed_batch_size()
        )
        return out.astype(Z.dtype, copy=False)

    def reconstruction_error(self, X):
        """Root mean squared reconstruction error of every spectrum.

        The spectrum is encoded to its latent mean and decoded (no sampling);
        the error is in the units of the spectra. Large values flag spectra
        unlike the training set (out-of-distribution score).

        Parameters
        ----------
        X : array-like of shape (n_spectra, n_points)
            Spectra.

        Returns
        -------
        error : ndarray of shape (n_spectra,)
            RMSE over the spectral points, per spectrum (with a `grid`: over
            the grid's points, in SNV units).
        """
        check_is_fitted(self)
        X = self._module_values(X)  # onto the grid, if any (SNV units)
        rec = self.inverse_transform(self._embed(X))
        return np.sqrt(np.mean((rec.astype(np.float64) - X) ** 2, axis=1))
