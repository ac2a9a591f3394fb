"""Masked-autoencoder embedder for spectra (MAX for XRF, SMAE for Raman)."""

from __future__ import annotations

import math
import warnings
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .._torch import derive_seed, lr_scheduler, predict
from ..exceptions import DataLimitWarning
from ..nn._mae import (
    MAE_NORMALIZATIONS,
    MAE_POOLINGS,
    MAELoss,
    MaskedAutoencoder1d,
)
from ._base import BaseEmbedder, _ReconstructionScoreMixin

__all__ = ["MAE_PRESETS", "MAEEmbedder"]

#: Settings of each preset. A preset replaces the constructor's values of
#: every key it lists (the preset wins); the other parameters keep theirs.
MAE_PRESETS: dict[str, dict] = {
    # MAX "base" (Lee et al. 2024; dispink/xpt src/models/mae_vit.py, args.py):
    # ViT-B encoder on 2048-channel XRF spectra, patch 16 (128 tokens),
    # 512-d 8-block decoder, 16 heads, loss on visible patches too,
    # per-spectrum z-score (InstanceNorm), mask ratio 0.5 (the paper's choice).
    "max": dict(
        patch_size=16,
        embed_dim=768,
        depth=12,
        num_heads=12,
        decoder_dim=512,
        decoder_depth=8,
        decoder_heads=16,
        mlp_ratio=4.0,
        mask_ratio=0.5,
        loss_on_visible=True,
        normalize="spectrum",
    ),
    # SMAE spectraMAE_base_patch100 (Ren et al. 2025): 1000-point Raman
    # spectra, patch 100 (10 tokens), 256-d encoder, 8 blocks, 8 heads,
    # MLP 256 (ratio 1), 256-d decoder with one block, loss on masked patches
    # only, mask ratio 0.5. The decoder's head count is not given (8 here);
    # SMAE min-max scales its spectra, so `normalize` is left to the caller.
    "smae": dict(
        patch_size=100,
        embed_dim=256,
        depth=8,
        num_heads=8,
        decoder_dim=256,
        decoder_depth=1,
        decoder_heads=8,
        mlp_ratio=1.0,
        mask_ratio=0.5,
        loss_on_visible=False,
    ),
}

# Parameters that a preset may set (the module's constructor arguments).
_MODULE_PARAMS = (
    "patch_size",
    "embed_dim",
    "depth",
    "num_heads",
    "decoder_dim",
    "decoder_depth",
    "decoder_heads",
    "mlp_ratio",
    "mask_ratio",
    "loss_on_visible",
    "normalize",
)

# Parameters that receive no weight decay (MAE: biases, norms, tokens).
_NO_DECAY = ("*bias", "*norm*", "*cls_token", "*mask_token")


class _WarmupCosine:
    """LambdaLR factor: linear warm-up to 1, then cosine decay towards 0."""

    def __init__(self, warmup_steps: int, total_steps: int) -> None:
        self.warmup_steps = int(warmup_steps)
        self.total_steps = max(1, int(total_steps))

    def __call__(self, step: int) -> float:
        if step < self.warmup_steps:
            return (step + 1) / self.warmup_steps
        span = max(1, self.total_steps - self.warmup_steps)
        progress = min(1.0, (step - self.warmup_steps) / span)
        return 0.5 * (1.0 + math.cos(math.pi * progress))


class MAEEmbedder(_ReconstructionScoreMixin, BaseEmbedder):
    """Self-supervised masked-autoencoder embedder (MAE on spectra; MAX, SMAE).

    The masked autoencoder of He et al. (2022) on 1-D spectra, as used by MAX
    (Lee et al. 2024) on XRF core-scanner spectra and SMAE (Ren et al. 2025)
    on Raman spectra (see :class:`~sklspec.nn.MaskedAutoencoder1d`): spectra
    are normalised, right-padded (last value repeated) to a whole number of
    ``patch_size``-point patches, ``mask_ratio`` of the patches are hidden at
    random, a transformer encoder sees the visible ones and a light decoder
    predicts the hidden points. Spectra narrower than one patch become one
    padded patch (nothing can be hidden then: the network trains as a plain
    autoencoder).

    Training uses AdamW (betas 0.9, 0.95; no decay on biases, norms and
    tokens), a per-batch linear warm-up over ``warmup_epochs`` (at most half
    of ``max_epochs``) then a cosine decay to 0, as MAE and MAX do.

    :meth:`transform` embeds *unmasked* spectra (CLS token or mean patch
    token); :meth:`reconstruct` denoises by averaging predictions over
    several maskings; :meth:`reconstruction_error` is an out-of-distribution
    score (higher: more anomalous), and :meth:`score_samples` its negative
    (scikit-learn's convention: higher for inliers).

    Parameters
    ----------
    patch_size : int, default=16
        Points per patch.
    embed_dim : int, default=64
        Encoder width (even, divisible by ``num_heads``).
    depth : int, default=2
        Encoder transformer blocks.
    num_heads : int, default=4
        Encoder attention heads.
    decoder_dim : int, default=64
        Decoder width.
    decoder_depth : int, default=1
        Decoder blocks.
    decoder_heads : int, default=4
        Decoder attention heads.
    mlp_ratio : float, default=4.0
        MLP width of the blocks relative to their token width.
    mask_ratio : float, default=0.5
        Share of patches hidden during pretraining (MAX and SMAE: 0.5), in
        ``[0, 1)``; at least one patch stays visible.
    loss_on_visible : bool, default=False
        Also score the visible patches (MAX's default); False scores hidden
        patches only (MAE, SMAE).
    pooling : {"cls", "avg", "max", "avgmax", "flatten"}, default="cls"
        Read-out of :meth:`transform` and of :meth:`get_encoder`: the CLS
        token or the mean of the patch tokens. May be changed after fit.
    preset : {"max", "smae"} or None, default=None
        Paper settings, applied on top of the other parameters (**the preset
        wins** for every key it sets; see ``MAE_PRESETS``):

        - ``"max"``: patch 16, embed 768, depth 12, 12 heads, decoder 512 x 8
          blocks, 16 heads, MLP ratio 4, mask 0.5, loss on visible patches,
          ``normalize="spectrum"`` (MAX base, ~110 M parameters);
        - ``"smae"``: patch 100, embed 256, depth 8, 8 heads, MLP ratio 1,
          decoder 256 x 1 block (8 heads), mask 0.5, loss on hidden patches;
          ``normalize`` is kept.

        The effective settings are in ``architecture_`` after fit; the
        saved ``config.json`` records the parameters as given (preset
        included), which rebuild the same network.
    normalize : {"spectrum", "global"} or None, default="spectrum"
        Input normalisation inside the network (saved with it):
        ``"spectrum"`` z-scores each spectrum (MAX's InstanceNorm);
        ``"global"`` uses one mean and standard deviation of the training
        spectra (keeps offsets and gains between spectra); None: none.
        :meth:`reconstruct` returns input units in every case.
    {grid}
    {weights}
    max_epochs : int, default=30
        Pretraining epochs (MAX: 100; SMAE: 500-800).
    batch_size : int, default=64
        Mini-batch size (SMAE: 64; MAX: 256).
    lr : float, default=2e-3
        Peak AdamW learning rate.
    weight_decay : float, default=0.05
        AdamW weight decay (MAE: 0.05; SMAE: 1e-5).
    warmup_epochs : int, default=3
        Linear warm-up epochs (shortened to ``max_epochs // 2`` if longer).
    {device}
    random_state : int, RandomState instance or None, default=None
        Seeds initialisation, shuffling and the masks of training, and the
        default masks of :meth:`reconstruct`; torch's global random state is
        untouched.
    {verbose}
    callbacks : list of skorch callbacks or None, default=None
        Extra skorch callbacks (the learning-rate schedule is always added).
    {checkpoint}
    {accelerator}

    Attributes
    ----------
    module_ : MaskedAutoencoder1d
        The trained masked autoencoder.
    architecture_ : dict
        Effective module settings after the preset.
    history_ : list of dict
        Per-epoch training loss and duration.
    training_summary_ : dict
        Spectra seen, epochs, seconds, final loss.
    {attributes_in}

    See Also
    --------
    sklspec.nn.MaskedAutoencoder1d : The torch module.
    sklspec.finetune.FineTunedRegressor : Fine-tune the encoder on labels.

    References
    ----------
    .. [1] K. He, X. Chen, S. Xie, Y. Li, P. Dollar, R. Girshick, "Masked
       autoencoders are scalable vision learners", CVPR 2022.
    .. [2] A.-S. Lee, H.-W. Pao, H.-T. Lin, S. Y. H. Liou, "MAX: Masked
       autoencoder for X-ray fluorescence in geological investigation",
       arXiv:2410.12330 (2024).
    .. [3] P. Ren, R. Zhou, Y. Li, "A self-supervised learning method for
       Raman spectroscopy based on masked autoencoders", Expert Syst. Appl.
       (2025) 128576, arXiv:2504.16130.

    Examples
    --------
    >>> from sklspec.datasets import make_spectra
    >>> from sklspec.embedders._mae import MAEEmbedder
    >>> X, y = make_spectra(n_samples=40, n_wavelengths=64, random_state=0,
    ...                     return_X_y=True)
    >>> emb = MAEEmbedder(patch_size=8, embed_dim=16, depth=1, num_heads=2,
    ...                   decoder_dim=16, decoder_heads=2, max_epochs=1,
    ...                   random_state=0).fit(X)
    >>> emb.transform(X).shape, emb.reconstruct(X, n_repeats=2).shape
    ((40, 16), (40, 64))
    """

    _module_type = MaskedAutoencoder1d
    #: The papers' networks and schedules, for :meth:`from_preset`.
    presets = {
        "max": dict(preset="max", max_epochs=100, batch_size=256),
        "smae": dict(preset="smae", max_epochs=500, weight_decay=1e-5),
    }
    _architecture_params = (
        "patch_size",
        "embed_dim",
        "depth",
        "num_heads",
        "decoder_dim",
        "decoder_depth",
        "decoder_heads",
        "mlp_ratio",
        "normalize",
        "preset",
    )

    _parameter_constraints: dict = {
        **BaseEmbedder._parameter_constraints,
        "grid": BaseEmbedder._grid_constraint,
        "patch_size": [Interval(Integral, 1, None, closed="left")],
        "embed_dim": [Interval(Integral, 2, None, closed="left")],
        "depth": [Interval(Integral, 0, None, closed="left")],
        "num_heads": [Interval(Integral, 1, None, closed="left")],
        "decoder_dim": [Interval(Integral, 2, None, closed="left")],
        "decoder_depth": [Interval(Integral, 0, None, closed="left")],
        "decoder_heads": [Interval(Integral, 1, None, closed="left")],
        "mlp_ratio": [Interval(Real, 0, None, closed="neither")],
        "mask_ratio": [Interval(Real, 0, 1, closed="left")],
        "loss_on_visible": ["boolean"],
        "pooling": [StrOptions(set(MAE_POOLINGS) | {"mean"}, deprecated={"mean"})],
        "preset": [StrOptions(set(MAE_PRESETS)), None],
        "normalize": [StrOptions(set(MAE_NORMALIZATIONS)), None],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "warmup_epochs": [Interval(Integral, 0, None, closed="left")],
    }

    def __init__(
        self,
        *,
        patch_size: int = 16,
        embed_dim: int = 64,
        depth: int = 2,
        num_heads: int = 4,
        decoder_dim: int = 64,
        decoder_depth: int = 1,
        decoder_heads: int = 4,
        mlp_ratio: float = 4.0,
        mask_ratio: float = 0.5,
        loss_on_visible: bool = False,
        pooling: str = "cls",
        preset: str | None = None,
        normalize: str | None = "spectrum",
        grid=None,
        weights=None,
        max_epochs: int = 30,
        batch_size: int = 64,
        lr: float = 2e-3,
        weight_decay: float = 0.05,
        warmup_epochs: int = 3,
        device: str = "cpu",
        random_state=None,
        verbose: int = 0,
        callbacks=None,
        checkpoint=None,
        accelerator=None,
    ):
        self.patch_size = patch_size
        self.embed_dim = embed_dim
        self.depth = depth
        self.num_heads = num_heads
        self.decoder_dim = decoder_dim
        self.decoder_depth = decoder_depth
        self.decoder_heads = decoder_heads
        self.mlp_ratio = mlp_ratio
        self.mask_ratio = mask_ratio
        self.loss_on_visible = loss_on_visible
        self.pooling = pooling
        self.preset = preset
        self.normalize = normalize
        self.grid = grid
        self.weights = weights
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.weight_decay = weight_decay
        self.warmup_epochs = warmup_epochs
        self.device = device
        self.random_state = random_state
        self.verbose = verbose
        self.callbacks = callbacks
        self.checkpoint = checkpoint
        self.accelerator = accelerator

    # ---------------------------------------------------------------- hooks
    def _effective_architecture(self) -> dict:
        """Module settings after applying the preset (the preset wins)."""
        arch = {name: getattr(self, name) for name in _MODULE_PARAMS}
        if self.preset is not None:
            if self.preset not in MAE_PRESETS:
                raise ValueError(
                    f"preset must be one of {sorted(MAE_PRESETS)} or None, got "
                    f"{self.preset!r}."
                )
            arch.update(MAE_PRESETS[self.preset])
        return arch

    def _build_module(self, n_features: int) -> torch.nn.Module:
        arch = self._effective_architecture()
        self.architecture_ = dict(arch)
        if arch["patch_size"] >= n_features:
            warnings.warn(
                f"MAEEmbedder: patch_size={arch['patch_size']} is not narrower "
                f"than the spectra ({n_features} points), so each spectrum is "
                "one (padded) patch: nothing can be masked and the MAE trains "
                "as a plain autoencoder. Use a patch_size of at most "
                f"{max(1, n_features // 4)} (a quarter of the width) for a "
                "masked pretext.",
                DataLimitWarning,
                stacklevel=4,
            )
        return MaskedAutoencoder1d(n_features, pooling=self.pooling, **arch)

    def _make_criterion(self):
        return MAELoss

    def _embed_options(self) -> dict:
        return {"pooling": self.pooling}

    #: Token rows (spectra x tokens) per batch of :meth:`transform`. The
    #: transformer's inference is fastest on CPU when a batch's activations
    #: stay in cache: the training ``batch_size`` of 64 suits 1,700-point
    #: spectra (108 tokens) but is ~25 % slower than ~480 spectra a batch for
    #: the 17 tokens of the shipped encoder (``benchmarks/speed.py``). The
    #: outputs do not depend on the batching.
    _embed_tokens = 8192

    def _embed_batch_size(self) -> int:
        return max(1, self._embed_tokens // (self.module_.encoder.n_patches + 1))

    def _set_fitted_attributes(self) -> None:
        self.architecture_ = self._effective_architecture()

    def _train_options(self, n_train: int) -> dict:
        """AdamW (0.9, 0.95) with linear warm-up and cosine decay (MAX)."""
        bs = min(self.batch_size, n_train)
        # train_module drops a last batch of one spectrum
        if n_train > bs and n_train % bs == 1:
            steps = n_train // bs
        else:
            steps = math.ceil(n_train / bs)
        warmup = min(self.warmup_epochs, self.max_epochs // 2) * steps
        schedule = lr_scheduler(
            torch.optim.lr_scheduler.LambdaLR,
            lr_lambda=_WarmupCosine(warmup, self.max_epochs * steps),
            step_every="batch",
        )
        return {
            "callbacks": [("lr_schedule", schedule), *(self.callbacks or [])],
            "optimizer": torch.optim.AdamW,
            "optimizer__betas": (0.9, 0.95),
            "optimizer__weight_decay": self.weight_decay,
            "optimizer__param_groups": [
                (pattern, {"weight_decay": 0.0}) for pattern in _NO_DECAY
            ],
        }

    def get_encoder(self) -> torch.nn.Module:
        """Return the trained encoder (normalisation, patches, transformer).

        Its read-out is set to this embedder's ``pooling``.

        Returns
        -------
        encoder : sklspec.nn.MAEEncoder
            Maps ``(N, n_points)`` spectra to ``(N, embed_dim)`` embeddings
            (weights shared with ``module_``; the decoder is left out).
        """
        encoder = super().get_encoder()
        encoder.pooling = self.pooling
        return encoder

    def fit(self, X, y=None):
        """Pretrain the masked autoencoder on unlabelled spectra.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_spectra, n_points)
            Unlabelled spectra (never include test spectra unless you mean a
            transductive protocol).
        y : None
            Ignored.

        Returns
        -------
        self : MAEEmbedder
            The fitted embedder.
        """
        return super().fit(X, y)

    # ------------------------------------------------------------ read-outs
    def _masked_passes(self, X, method, n_repeats, mask_ratio, random_state):
        """Run ``module_.<method>`` in batches with masks shared by all spectra."""
        check_is_fitted(self)
        X = self._module_values(X)  # onto the grid, if any (SNV units)
        n_repeats = int(n_repeats)
        if n_repeats < 1:
            raise ValueError(f"n_repeats must be >= 1, got {n_repeats}.")
        ratio = (
            self.architecture_["mask_ratio"]
            if mask_ratio is None
            else float(mask_ratio)
        )
        if not 0.0 <= ratio < 1.0:
            raise ValueError(f"mask_ratio must be in [0, 1), got {ratio}.")
        seed = derive_seed(self.random_state if random_state is None else random_state)
        module = self.module_
        # one masking per repeat, shared by every spectrum: the result of a
        # spectrum does not depend on its batch or on the other spectra
        noise = torch.from_numpy(
            np.random.default_rng(seed)
            .random((n_repeats, module.n_patches))
            .astype(np.float32)
        )
        fn = getattr(module, method)
        out = predict(
            module,
            X,
            lambda xb: fn(xb, ratio, n_repeats, noise=noise.to(xb.device)),
            batch_size=self.batch_size,
        )
        return out, X.dtype

    def reconstruct(self, X, *, n_repeats=8, mask_ratio=None, random_state=None):
        """Denoise spectra: average the predictions of several random maskings.

        Every patch is predicted from the maskings that hid it, so its own
        noise is never seen (the SMAE denoising read-out). Patches that no
        masking hid fall back to the prediction made while visible; see
        :meth:`sklspec.nn.MaskedAutoencoder1d.reconstruct`.

        Parameters
        ----------
        X : array-like of shape (n_spectra, n_points)
            Spectra.
        n_repeats : int, default=8
            Number of maskings (each hides ``mask_ratio`` of the patches).
        mask_ratio : float or None, default=None
            Default: the training ``mask_ratio`` (after the preset).
        random_state : int, RandomState instance or None, default=None
            Seeds the maskings; None uses the embedder's ``random_state``.
            The same maskings apply to every spectrum of the call.

        Returns
        -------
        X_hat : ndarray of shape (n_spectra, n_points)
            Reconstructed spectra in input units, X's float dtype. With a
            `grid`, the spectra are first mapped onto it, and `X_hat` is on
            the grid (``grid.n_points`` wide, SNV units).
        """
        out, dtype = self._masked_passes(
            X, "reconstruct", n_repeats, mask_ratio, random_state
        )
        return out.astype(dtype, copy=False)

    def reconstruction_error(
        self, X, *, n_repeats=8, mask_ratio=None, random_state=None
    ):
        """Per-spectrum reconstruction error, an out-of-distribution score.

        Mean squared difference between :meth:`reconstruct` and the spectrum,
        in the network's normalised units (z-scores with
        ``normalize="spectrum"``), over the real points. Higher means worse
        reconstructed, i.e. more unlike the pretraining spectra.

        Parameters
        ----------
        X : array-like of shape (n_spectra, n_points)
            Spectra.
        n_repeats, mask_ratio, random_state
            As in :meth:`reconstruct`.

        Returns
        -------
        error : ndarray of shape (n_spectra,)
            Float64 errors (>= 0).
        """
        out, _ = self._masked_passes(
            X, "reconstruction_error", n_repeats, mask_ratio, random_state
        )
        return out.astype(np.float64)
