"""A 1-D masked autoencoder for spectra (MAE; MAX for XRF, SMAE for Raman).

The masked autoencoder of He et al. (CVPR 2022) on one-dimensional spectra, as
adapted by MAX (Lee et al. 2024, XRF, arXiv 2410.12330) and SMAE (Ren et al.
2025, Raman, arXiv 2504.16130): the spectrum is cut into non-overlapping
patches, a random share of them is hidden, a transformer encoder sees only the
visible patches (plus a CLS token) and a light transformer decoder predicts the
points of the hidden ones.

Pure torch: this module never imports scikit-learn or skorch.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

from ._heads import ConfigMixin
from ._layers import POOLINGS, InputScaler, check_pooling, pool_tokens
from ._losses import ForwardLoss
from ._protocol import PretrainingModule

__all__ = [
    "MAE_NORMALIZATIONS",
    "MAE_POOLINGS",
    "MAEEncoder",
    "MAELoss",
    "MaskedAutoencoder1d",
    "PreNormBlock",
    "n_kept_patches",
    "sincos_pos_embed_1d",
]

#: Input normalisations of the MAE (modes of :class:`InputScaler`; None: identity).
MAE_NORMALIZATIONS = ("spectrum", "global")

#: Read-outs of :class:`MAEEncoder`: the one vocabulary of :data:`POOLINGS`.
MAE_POOLINGS = POOLINGS

# Names of v0.1 ("mean" was the average of the patch tokens).
_POOLING_ALIASES = {"mean": "avg"}


def sincos_pos_embed_1d(dim: int, n_positions: int, cls_token: bool = True):
    """Fixed 1-D sine-cosine positional embeddings (He et al. 2022, MAE).

    Position ``t`` gets ``[sin(t w_0), ..., sin(t w_{d/2-1}), cos(t w_0), ...]``
    with ``w_i = 10000 ** (-2 i / d)``.

    Parameters
    ----------
    dim : int
        Embedding width ``d`` (even).
    n_positions : int
        Number of patches.
    cls_token : bool, default=True
        Prepend a row of zeros for the CLS token.

    Returns
    -------
    pos_embed : torch.Tensor of shape (n_positions + cls_token, dim)

    Examples
    --------
    >>> sincos_pos_embed_1d(8, 4).shape
    torch.Size([5, 8])
    """
    if dim % 2:
        raise ValueError(f"the embedding width must be even, got {dim}.")
    omega = torch.arange(dim // 2, dtype=torch.float64) / (dim / 2.0)
    omega = 1.0 / 10000.0**omega
    pos = torch.arange(n_positions, dtype=torch.float64)
    out = torch.outer(pos, omega)
    emb = torch.cat([torch.sin(out), torch.cos(out)], dim=1)
    if cls_token:
        emb = torch.cat([torch.zeros(1, dim, dtype=torch.float64), emb], dim=0)
    return emb.float()


def n_kept_patches(n_patches: int, mask_ratio: float) -> int:
    """Number of visible patches: ``floor(n_patches * (1 - mask_ratio))``, >= 1.

    Parameters
    ----------
    n_patches : int
        Patches per spectrum.
    mask_ratio : float
        Share of hidden patches, in ``[0, 1)``.

    Returns
    -------
    n_keep : int

    Examples
    --------
    >>> n_kept_patches(128, 0.5), n_kept_patches(4, 0.9), n_kept_patches(10, 0.7)
    (64, 1, 3)
    """
    if not 0.0 <= float(mask_ratio) < 1.0:
        raise ValueError(f"mask_ratio must be in [0, 1), got {mask_ratio}.")
    # the tiny epsilon makes 10 * (1 - 0.7) = 2.9999999999999996 count as 3
    return max(1, int(n_patches * (1.0 - float(mask_ratio)) + 1e-9))


def _check_pooling(pooling: str) -> str:
    return check_pooling(_POOLING_ALIASES.get(pooling, pooling))


def _check_transformer(name: str, dim: int, heads: int, depth: int) -> None:
    if dim < 2 or dim % 2:
        raise ValueError(f"{name}_dim must be an even integer >= 2, got {dim}.")
    if heads < 1 or dim % heads:
        raise ValueError(
            f"{name}_dim={dim} must be divisible by the number of heads, got {heads}."
        )
    if depth < 0:
        raise ValueError(f"{name} depth must be >= 0, got {depth}.")


#: Attention scores per chunk of :meth:`PreNormBlock.forward_queries`
#: (2**18 float32 = 1 MiB: one chunk's scores stay in the CPU's L2 cache).
_SCORE_CHUNK = 2**18

#: Whether a CLS read-out computes the last block for the CLS token alone
#: when it can (False: every token through every block; the speed benchmark
#: times both).
_INFERENCE_PATH = True


def _attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """``softmax(q kᵀ) v`` over ``(B, H, T, d)`` tensors, ``q`` pre-scaled
    (``q`` may have fewer positions than ``k`` and ``v``).

    The batch is cut into chunks of at most :data:`_SCORE_CHUNK` scores, so
    that the scores of a chunk are written, normalised and read back while
    still in cache.
    """
    B, H, n_queries, _ = q.shape
    n_keys = k.shape[2]
    chunk = max(1, _SCORE_CHUNK // (H * n_queries * n_keys))
    out = torch.empty_like(q)
    for i in range(0, B, chunk):
        s = slice(i, i + chunk)
        p = torch.softmax(q[s] @ k[s].transpose(-1, -2), dim=-1)
        torch.matmul(p, v[s], out=out[s])
    return out


class PreNormBlock(nn.TransformerEncoderLayer):
    """Pre-norm transformer block (the timm ``Block`` of MAE, no dropout).

    A :class:`torch.nn.TransformerEncoderLayer` (``norm_first=True``, GELU,
    ``batch_first=True``, dropout 0: the same parameters, ``state_dict`` and
    forward, PyTorch's fused kernel at inference) with one more read-out,
    :meth:`forward_queries`: the outputs of the first tokens alone, which
    still attend to every token. The last block of a CLS read-out needs only
    the CLS token's output (see :meth:`MAEEncoder.run_blocks`), so it skips
    the other tokens' attention rows, projection and MLP.

    Parameters
    ----------
    dim : int
        Token width.
    heads : int
        Attention heads (``dim`` divisible by it).
    mlp_ratio : float
        Hidden width of the MLP relative to ``dim``.

    Examples
    --------
    >>> import torch
    >>> block = PreNormBlock(16, 2, 4.0).eval()
    >>> x = torch.randn(3, 10, 16)
    >>> with torch.no_grad():
    ...     cls = block.forward_queries(x, 1)
    ...     every = block(x)
    >>> cls.shape, torch.allclose(cls[:, 0], every[:, 0], atol=1e-5)
    (torch.Size([3, 1, 16]), True)
    """

    def __init__(self, dim: int, heads: int, mlp_ratio: float) -> None:
        super().__init__(
            d_model=dim,
            nhead=heads,
            dim_feedforward=max(1, int(round(dim * mlp_ratio))),
            dropout=0.0,
            activation="gelu",
            batch_first=True,
            norm_first=True,
        )

    def forward(self, src, src_mask=None, src_key_padding_mask=None, is_causal=False):
        """The block on ``(N, T, dim)`` tokens: the parent's forward.

        Parameters
        ----------
        src : torch.Tensor of shape (N, T, dim)
            Tokens.
        src_mask, src_key_padding_mask, is_causal : optional
            As in :meth:`torch.nn.TransformerEncoderLayer.forward`.

        Returns
        -------
        out : torch.Tensor of shape (N, T, dim)
        """
        return super().forward(src, src_mask, src_key_padding_mask, is_causal)

    @staticmethod
    def uses_inference_path(x: torch.Tensor) -> bool:
        """Whether a CLS read-out of ``x`` takes :meth:`forward_queries` for
        its last block: on the CPU, in float32, without gradients or autocast
        (elsewhere the parent's fused kernels run every token)."""
        return (
            _INFERENCE_PATH
            and not torch.is_grad_enabled()
            and x.ndim == 3
            and x.device.type == "cpu"
            and x.dtype == torch.float32
            and not torch.is_autocast_enabled("cpu")
        )

    def forward_queries(self, x: torch.Tensor, n_queries: int) -> torch.Tensor:
        """The block's outputs for the first `n_queries` tokens of ``x``.

        They attend to all ``T`` tokens (keys and values of every token,
        queries of the first `n_queries`), so they equal the first rows of
        ``block(x)`` to float rounding (tested). No masks, no dropout.

        Parameters
        ----------
        x : torch.Tensor of shape (B, T, D)
            Tokens.
        n_queries : int
            Leading tokens whose outputs are computed (at most ``T``).

        Returns
        -------
        out : torch.Tensor of shape (B, n_queries, D)
        """
        B, T, D = x.shape
        attn = self.self_attn
        H = attn.num_heads
        Tq = min(int(n_queries), T)
        a = F.layer_norm(x, (D,), self.norm1.weight, self.norm1.bias, self.norm1.eps)
        w_in, b_in = attn.in_proj_weight, attn.in_proj_bias
        # keys and values of every token; queries of the first Tq, with the
        # 1/sqrt(d) of the scores folded into their projection
        kv = F.linear(a, w_in[D:], b_in[D:]).view(B, T, 2, H, D // H)
        k, v = kv.permute(2, 0, 3, 1, 4).contiguous().unbind(0)
        scale = (D // H) ** -0.5
        q = F.linear(a[:, :Tq], w_in[:D] * scale, b_in[:D] * scale)
        q = q.view(B, Tq, H, D // H).transpose(1, 2).contiguous()
        x = x[:, :Tq]
        o = _attention(q, k, v).transpose(1, 2).reshape(B * Tq, D)
        h = torch.addmm(x.reshape(B * Tq, D), o, attn.out_proj.weight.t())
        h += attn.out_proj.bias
        a = F.layer_norm(h, (D,), self.norm2.weight, self.norm2.bias, self.norm2.eps)
        u = F.gelu(F.linear(a, self.linear1.weight, self.linear1.bias))
        h = h.addmm_(u, self.linear2.weight.t())
        h += self.linear2.bias
        return h.view(B, Tq, D)


def _block(dim: int, heads: int, mlp_ratio: float) -> nn.Module:
    """Pre-norm transformer block (the timm ``Block`` of MAE, no dropout)."""
    return PreNormBlock(dim, heads, mlp_ratio)


def _init_mae_weights(module: nn.Module) -> None:
    """MAE's initialisation: Xavier-uniform linears, unit LayerNorms."""
    if isinstance(module, nn.Linear):
        nn.init.xavier_uniform_(module.weight)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.LayerNorm):
        nn.init.ones_(module.weight)
        nn.init.zeros_(module.bias)


class MAEEncoder(ConfigMixin, nn.Module):
    """The encoder of :class:`MaskedAutoencoder1d`: normalisation, patches, ViT.

    Spectra of ``n_features`` points are normalised (:class:`InputScaler`),
    right-padded by repeating their last value to ``n_patches * patch_size``
    points (``n_patches = ceil(n_features / patch_size)``; a spectrum narrower
    than one patch becomes one padded patch), cut into patches by a
    ``Conv1d(1, embed_dim, kernel_size=patch_size, stride=patch_size)``, given
    fixed sine-cosine positions and a learnt CLS token, and passed through
    ``depth`` pre-norm transformer blocks and a final LayerNorm.

    Called on ``(N, n_features)`` spectra it returns a ``(N, embed_dim)``
    embedding (the CLS token, or the mean of the patch tokens), so that
    :class:`~sklspec.nn.EncoderWithHead` passes it straight to a head.

    Parameters
    ----------
    n_features : int
        Input width.
    patch_size : int, default=16
        Points per patch.
    embed_dim : int, default=64
        Token width (even, divisible by ``num_heads``).
    depth : int, default=4
        Transformer blocks.
    num_heads : int, default=4
        Attention heads.
    mlp_ratio : float, default=4.0
        Hidden width of the blocks' MLP relative to ``embed_dim``.
    normalize : {"spectrum", "global"} or None, default=None
        Input normalisation, see :class:`InputScaler`.
    pooling : {"cls", "avg", "max", "avgmax", "flatten"}, default="cls"
        Read-out of :meth:`forward`: the CLS token or the mean of the patch
        tokens (MAE's "global pool"). Not part of the weights; may be changed
        on a trained encoder.

    Examples
    --------
    >>> import torch
    >>> enc = MAEEncoder(50, patch_size=8, embed_dim=16, depth=1, num_heads=2)
    >>> enc.n_patches, enc.forward_tokens(torch.zeros(3, 50)).shape
    (7, torch.Size([3, 8, 16]))
    >>> enc(torch.zeros(3, 50)).shape
    torch.Size([3, 16])
    """

    def __init__(
        self,
        n_features: int,
        patch_size: int = 16,
        embed_dim: int = 64,
        depth: int = 4,
        num_heads: int = 4,
        mlp_ratio: float = 4.0,
        normalize: str | None = None,
        pooling: str = "cls",
    ) -> None:
        super().__init__()
        n_features, patch_size = int(n_features), int(patch_size)
        if n_features < 1 or patch_size < 1:
            raise ValueError(
                "n_features and patch_size must be positive, got "
                f"n_features={n_features}, patch_size={patch_size}."
            )
        _check_transformer("embed", int(embed_dim), int(num_heads), int(depth))
        if float(mlp_ratio) <= 0:
            raise ValueError(f"mlp_ratio must be positive, got {mlp_ratio}.")
        self._set_config(
            n_features=n_features,
            patch_size=patch_size,
            embed_dim=int(embed_dim),
            depth=int(depth),
            num_heads=int(num_heads),
            mlp_ratio=float(mlp_ratio),
            normalize=normalize,
            pooling=_check_pooling(pooling),
        )
        self.n_features = n_features
        self.patch_size = patch_size
        self.embed_dim = int(embed_dim)
        self.n_patches = math.ceil(n_features / patch_size)
        self.pooling = _check_pooling(pooling)
        self.scaler = InputScaler(n_features, normalize)
        self.patch_embed = nn.Conv1d(
            1, self.embed_dim, kernel_size=patch_size, stride=patch_size
        )
        self.cls_token = nn.Parameter(torch.zeros(1, 1, self.embed_dim))
        self.register_buffer(
            "pos_embed",
            sincos_pos_embed_1d(self.embed_dim, self.n_patches).unsqueeze(0),
            persistent=False,
        )
        self.blocks = nn.ModuleList(
            _block(self.embed_dim, int(num_heads), float(mlp_ratio))
            for _ in range(int(depth))
        )
        self.norm = nn.LayerNorm(self.embed_dim)
        self.reset_parameters()

    @property
    def padded_width(self) -> int:
        """Width after right padding: ``n_patches * patch_size``."""
        return self.n_patches * self.patch_size

    def reset_parameters(self) -> None:
        """MAE initialisation (Xavier patch embedding and linears, CLS N(0, .02))."""
        w = self.patch_embed.weight.data
        nn.init.xavier_uniform_(w.view(w.shape[0], -1))
        nn.init.zeros_(self.patch_embed.bias)
        nn.init.normal_(self.cls_token, std=0.02)
        self.blocks.apply(_init_mae_weights)
        _init_mae_weights(self.norm)

    def prepare(self, x: torch.Tensor):
        """Normalise and right-pad ``(N, n_features)`` spectra.

        Returns
        -------
        z : torch.Tensor of shape (N, padded_width)
            Normalised spectra, the last value repeated into the padding.
        loc, scale : torch.Tensor broadcastable to (N, n_features)
            The normalisation, for :meth:`InputScaler.inverse`.
        """
        if x.ndim != 2 or x.shape[1] != self.n_features:
            raise ValueError(
                f"expected spectra of shape (N, {self.n_features}), got "
                f"{tuple(x.shape)}."
            )
        z, loc, scale = self.scaler.normalize(x)
        pad = self.padded_width - self.n_features
        if pad:
            z = F.pad(z.unsqueeze(1), (0, pad), mode="replicate").squeeze(1)
        return z, loc, scale

    def embed_patches(self, z: torch.Tensor) -> torch.Tensor:
        """Patch tokens with positions, ``(N, n_patches, embed_dim)``."""
        tokens = self.patch_embed(z.unsqueeze(1)).transpose(1, 2)
        return tokens + self.pos_embed[:, 1:, :]

    def run_blocks(self, tokens: torch.Tensor, cls_only: bool = False) -> torch.Tensor:
        """Prepend the CLS token, apply the blocks and the final norm.

        With `cls_only` (on the CPU without gradients, see
        :meth:`PreNormBlock.uses_inference_path`) the last block computes the
        CLS token's output alone, ``(N, 1, D)``
        (:meth:`PreNormBlock.forward_queries`): what a CLS read-out needs,
        without the other tokens' attention rows and MLP."""
        cls = (self.cls_token + self.pos_embed[:, :1, :]).expand(len(tokens), -1, -1)
        h = torch.cat([cls, tokens], dim=1)
        last = len(self.blocks) - 1
        for i, block in enumerate(self.blocks):
            if (
                cls_only
                and i == last
                and isinstance(block, PreNormBlock)
                and block.uses_inference_path(h)
            ):
                h = block.forward_queries(h, 1)
            else:
                h = block(h)
        return self.norm(h)

    def forward_tokens(self, x: torch.Tensor) -> torch.Tensor:
        """All tokens of unmasked spectra, ``(N, 1 + n_patches, embed_dim)``."""
        z, _, _ = self.prepare(x)
        return self.run_blocks(self.embed_patches(z))

    def pool(self, tokens: torch.Tensor, pooling: str | None = None) -> torch.Tensor:
        """Read out ``(N, D)``: CLS token or mean of the patch tokens."""
        pooling = _check_pooling(self.pooling if pooling is None else pooling)
        return pool_tokens(tokens, pooling)

    def embed(self, x: torch.Tensor, pooling: str | None = None) -> torch.Tensor:
        """Pooled tokens of ``(N, n_features)`` spectra (default: `pooling`).

        The CLS read-out without gradients skips the other tokens in the last
        block (see :meth:`run_blocks`); the result is the same."""
        pooling = _check_pooling(self.pooling if pooling is None else pooling)
        if pooling != "cls":
            return self.pool(self.forward_tokens(x), pooling)
        z, _, _ = self.prepare(x)
        return self.run_blocks(self.embed_patches(z), cls_only=True)[:, 0]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Embed ``(N, n_features)`` spectra into ``(N, embed_dim)``."""
        return self.embed(x)


class MaskedAutoencoder1d(PretrainingModule):
    """Masked autoencoder for 1-D spectra (He et al. 2022; MAX; SMAE).

    Training step (:meth:`forward`): the spectrum is normalised, right-padded
    to a multiple of ``patch_size`` (edge value repeated; the padded points
    never count in the loss and are cut off again by :meth:`reconstruct`),
    cut into ``n_patches`` patches and embedded (:class:`MAEEncoder`). Each
    spectrum hides its own random ``n_patches - n_kept_patches(n_patches,
    mask_ratio)`` patches (argsort of uniform noise; at least one patch stays
    visible). The encoder sees the CLS token and the visible patches only; the
    decoder maps them to ``decoder_dim``, inserts a shared learnt mask token
    at every hidden position, adds its own sine-cosine positions, applies
    ``decoder_depth`` blocks and predicts the ``patch_size`` points of every
    patch. The loss is the mean squared error in normalised units, averaged
    over the points of each patch and then over the hidden patches (over all
    patches with ``loss_on_visible=True``, MAX's default). When no patch is
    hidden (one patch, or ``mask_ratio=0``) the loss is over all patches.

    The random masking uses the ``generator`` passed in, else torch's global
    random state (seed it, e.g. inside :func:`torch.random.fork_rng`).

    Parameters
    ----------
    n_features : int
        Input width (any; padded to whole patches).
    patch_size : int, default=16
        Points per patch.
    embed_dim : int, default=64
        Encoder token width.
    depth : int, default=4
        Encoder blocks.
    num_heads : int, default=4
        Encoder attention heads.
    decoder_dim : int, default=64
        Decoder token width.
    decoder_depth : int, default=1
        Decoder blocks.
    decoder_heads : int, default=4
        Decoder attention heads.
    mlp_ratio : float, default=4.0
        MLP width of every block relative to its token width.
    mask_ratio : float, default=0.5
        Share of hidden patches during training, in ``[0, 1)``.
    loss_on_visible : bool, default=False
        Include the visible patches in the loss (MAX's default); False is the
        MAE/SMAE loss on hidden patches only.
    normalize : {"spectrum", "global"} or None, default=None
        Input normalisation, see :class:`InputScaler`.
    pooling : {"cls", "avg", "max", "avgmax", "flatten"}, default="cls"
        Read-out of :attr:`encoder`.

    Attributes
    ----------
    encoder : MAEEncoder
        The encoder (shares its weights), mapping spectra to ``(N, D)``.

    Examples
    --------
    >>> import torch
    >>> mae = MaskedAutoencoder1d(60, patch_size=8, embed_dim=16, depth=1,
    ...                           num_heads=2, decoder_dim=16, decoder_heads=2)
    >>> loss, pred, mask = mae(torch.randn(4, 60))
    >>> pred.shape, mask.shape, int(mask.sum(1)[0])
    (torch.Size([4, 8, 8]), torch.Size([4, 8]), 4)
    >>> mae.reconstruct(torch.randn(4, 60), n_repeats=2).shape
    torch.Size([4, 60])
    """

    def __init__(
        self,
        n_features: int,
        patch_size: int = 16,
        embed_dim: int = 64,
        depth: int = 4,
        num_heads: int = 4,
        decoder_dim: int = 64,
        decoder_depth: int = 1,
        decoder_heads: int = 4,
        mlp_ratio: float = 4.0,
        mask_ratio: float = 0.5,
        loss_on_visible: bool = False,
        normalize: str | None = None,
        pooling: str = "cls",
    ) -> None:
        super().__init__()
        _check_transformer(
            "decoder", int(decoder_dim), int(decoder_heads), int(decoder_depth)
        )
        n_kept_patches(1, mask_ratio)  # validates the ratio
        self.encoder = MAEEncoder(
            n_features,
            patch_size=patch_size,
            embed_dim=embed_dim,
            depth=depth,
            num_heads=num_heads,
            mlp_ratio=mlp_ratio,
            normalize=normalize,
            pooling=pooling,
        )
        self._set_config(
            **{k: v for k, v in self.encoder.get_config().items()},
            decoder_dim=int(decoder_dim),
            decoder_depth=int(decoder_depth),
            decoder_heads=int(decoder_heads),
            mask_ratio=float(mask_ratio),
            loss_on_visible=bool(loss_on_visible),
        )
        self.mask_ratio = float(mask_ratio)
        self.loss_on_visible = bool(loss_on_visible)
        n = self.encoder.n_patches
        p = self.encoder.patch_size
        self.decoder_embed = nn.Linear(self.encoder.embed_dim, int(decoder_dim))
        self.mask_token = nn.Parameter(torch.zeros(1, 1, int(decoder_dim)))
        self.register_buffer(
            "decoder_pos_embed",
            sincos_pos_embed_1d(int(decoder_dim), n).unsqueeze(0),
            persistent=False,
        )
        self.decoder_blocks = nn.ModuleList(
            _block(int(decoder_dim), int(decoder_heads), float(mlp_ratio))
            for _ in range(int(decoder_depth))
        )
        self.decoder_norm = nn.LayerNorm(int(decoder_dim))
        self.decoder_pred = nn.Linear(int(decoder_dim), p)
        # 1 for real points, 0 for the right padding: padding is never scored
        valid = (torch.arange(n * p) < self.encoder.n_features).float()
        self.register_buffer("point_weights", valid.view(n, p), persistent=False)
        nn.init.normal_(self.mask_token, std=0.02)
        for m in (self.decoder_embed, self.decoder_blocks, self.decoder_norm):
            m.apply(_init_mae_weights)
        _init_mae_weights(self.decoder_pred)

    @property
    def n_patches(self) -> int:
        """Patches per spectrum, ``ceil(n_features / patch_size)``."""
        return self.encoder.n_patches

    # ------------------------------------------------------------- pieces
    def patchify(self, z: torch.Tensor) -> torch.Tensor:
        """``(N, n_patches * patch_size)`` -> ``(N, n_patches, patch_size)``."""
        return z.reshape(len(z), self.encoder.n_patches, self.encoder.patch_size)

    def unpatchify(self, patches: torch.Tensor) -> torch.Tensor:
        """``(N, n_patches, patch_size)`` -> ``(N, n_features)`` (padding cut)."""
        return patches.reshape(len(patches), -1)[:, : self.encoder.n_features]

    def random_masking(
        self,
        tokens: torch.Tensor,
        mask_ratio: float,
        *,
        noise: torch.Tensor | None = None,
        generator: torch.Generator | None = None,
    ):
        """Keep a random subset of the patch tokens of each spectrum.

        Parameters
        ----------
        tokens : torch.Tensor of shape (N, n_patches, D)
            Patch tokens.
        mask_ratio : float
            Share of hidden patches.
        noise : torch.Tensor of shape (N, n_patches) or (n_patches,), optional
            Uniform noise whose ascending order decides which patches stay
            (the smallest are kept). A 1-D noise gives every spectrum the same
            mask. Default: drawn with ``generator`` (or the global RNG).
        generator : torch.Generator, optional
            Source of the noise.

        Returns
        -------
        kept : torch.Tensor of shape (N, n_keep, D)
        mask : torch.Tensor of shape (N, n_patches)
            1 for hidden patches, 0 for visible ones.
        ids_restore : torch.Tensor of shape (N, n_patches)
            Permutation undoing the shuffle.
        """
        N, n, D = tokens.shape
        n_keep = n_kept_patches(n, mask_ratio)
        if noise is None:
            # drawn on the generator's device (the CPU for the global RNG,
            # which the embedders seed), then moved
            device = generator.device if generator is not None else "cpu"
            noise = torch.rand(N, n, generator=generator, device=device)
        noise = noise.to(tokens.device)
        if noise.ndim == 1:
            noise = noise.unsqueeze(0).expand(N, n)
        ids_shuffle = torch.argsort(noise, dim=1)
        ids_restore = torch.argsort(ids_shuffle, dim=1)
        ids_keep = ids_shuffle[:, :n_keep]
        kept = torch.gather(tokens, 1, ids_keep.unsqueeze(-1).expand(-1, -1, D))
        mask = torch.ones(N, n, device=tokens.device, dtype=tokens.dtype)
        mask[:, :n_keep] = 0
        mask = torch.gather(mask, 1, ids_restore)
        return kept, mask, ids_restore

    def _encode_masked(self, z, mask_ratio, noise=None, generator=None):
        tokens = self.encoder.embed_patches(z)
        kept, mask, ids_restore = self.random_masking(
            tokens, mask_ratio, noise=noise, generator=generator
        )
        return self.encoder.run_blocks(kept), mask, ids_restore

    def forward_encoder(
        self,
        x: torch.Tensor,
        mask_ratio: float | None = None,
        *,
        noise: torch.Tensor | None = None,
        generator: torch.Generator | None = None,
    ):
        """Encode the visible patches of randomly masked spectra.

        Parameters
        ----------
        x : torch.Tensor of shape (N, n_features)
            Spectra in input units.
        mask_ratio : float, optional
            Default: the module's ``mask_ratio``.
        noise, generator : optional
            See :meth:`random_masking`.

        Returns
        -------
        latent : torch.Tensor of shape (N, 1 + n_keep, embed_dim)
            CLS token and visible patch tokens.
        mask : torch.Tensor of shape (N, n_patches)
            1 for hidden patches.
        ids_restore : torch.Tensor of shape (N, n_patches)
        """
        ratio = self.mask_ratio if mask_ratio is None else mask_ratio
        z, _, _ = self.encoder.prepare(x)
        return self._encode_masked(z, ratio, noise, generator)

    def forward_decoder(
        self, latent: torch.Tensor, ids_restore: torch.Tensor
    ) -> torch.Tensor:
        """Predict every patch, ``(N, n_patches, patch_size)`` normalised points."""
        h = self.decoder_embed(latent)
        N, n = ids_restore.shape
        n_mask = n + 1 - h.shape[1]
        filler = self.mask_token.expand(N, n_mask, -1)
        patches = torch.cat([h[:, 1:, :], filler], dim=1)
        patches = torch.gather(
            patches, 1, ids_restore.unsqueeze(-1).expand(-1, -1, h.shape[2])
        )
        h = torch.cat([h[:, :1, :], patches], dim=1) + self.decoder_pos_embed
        for block in self.decoder_blocks:
            h = block(h)
        return self.decoder_pred(self.decoder_norm(h))[:, 1:, :]

    def patch_errors(self, x: torch.Tensor, pred: torch.Tensor) -> torch.Tensor:
        """Mean squared error of each predicted patch, ``(N, n_patches)``.

        Normalised units, averaged over the real (not padded) points.
        """
        target = self.patchify(self.encoder.prepare(x)[0])
        w = self.point_weights
        return ((pred - target) ** 2 * w).sum(dim=-1) / w.sum(dim=-1)

    def forward_loss(
        self, x: torch.Tensor, pred: torch.Tensor, mask: torch.Tensor
    ) -> torch.Tensor:
        """The MAE loss of predictions ``pred`` for masks ``mask`` on spectra ``x``.

        Mean of :meth:`patch_errors` over the hidden patches (all patches with
        ``loss_on_visible=True``, or when no patch is hidden).
        """
        err = self.patch_errors(x, pred)
        weights = torch.ones_like(mask) if self.loss_on_visible else mask
        total = weights.sum()
        masked = (err * weights).sum() / total.clamp_min(1.0)
        return torch.where(total > 0, masked, err.mean())

    def forward(self, x: torch.Tensor):
        """One masked-autoencoding pass.

        Returns
        -------
        loss : torch.Tensor
            Scalar loss (see :meth:`forward_loss`).
        pred : torch.Tensor of shape (N, n_patches, patch_size)
            Predicted points, normalised units (padding included).
        mask : torch.Tensor of shape (N, n_patches)
            1 for the hidden patches.
        """
        latent, mask, ids_restore = self.forward_encoder(x)
        pred = self.forward_decoder(latent, ids_restore)
        return self.forward_loss(x, pred, mask), pred, mask

    # ------------------------------------------------------------ read-outs
    _input_scaler_path = "encoder.scaler"

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """Tokens of unmasked spectra, ``(N, 1 + n_patches, embed_dim)``."""
        return self.encoder.forward_tokens(x)

    def embed(self, x: torch.Tensor, pooling: str | None = None) -> torch.Tensor:
        """Pooled tokens of unmasked spectra (default: the module's ``pooling``)."""
        return self.encoder.embed(x, pooling)

    def get_encoder(self) -> MAEEncoder:
        """The encoder (normalisation, patches, transformer; no decoder)."""
        return self.encoder

    def reconstruct_normalized(
        self,
        x: torch.Tensor,
        mask_ratio: float | None = None,
        n_repeats: int = 8,
        *,
        noise: torch.Tensor | None = None,
        generator: torch.Generator | None = None,
    ):
        """Average masked predictions, in normalised units (see :meth:`reconstruct`).

        Returns
        -------
        z_hat : torch.Tensor of shape (N, n_patches * patch_size)
            Reconstruction (padding included).
        z : torch.Tensor of shape (N, n_patches * patch_size)
            The normalised, padded input.
        loc, scale : torch.Tensor broadcastable to (N, n_features)
            The normalisation.
        """
        ratio = self.mask_ratio if mask_ratio is None else mask_ratio
        n_repeats = int(n_repeats)
        if n_repeats < 1:
            raise ValueError(f"n_repeats must be >= 1, got {n_repeats}.")
        if noise is not None and noise.shape[0] != n_repeats:
            raise ValueError(
                f"noise must hold one row per repeat ({n_repeats}), got "
                f"{tuple(noise.shape)}."
            )
        z, loc, scale = self.encoder.prepare(x)
        hidden_sum = torch.zeros(len(z), self.n_patches, self.encoder.patch_size)
        hidden_sum = hidden_sum.to(z)
        all_sum = torch.zeros_like(hidden_sum)
        count = torch.zeros(len(z), self.n_patches, 1).to(z)
        for r in range(n_repeats):
            latent, mask, ids = self._encode_masked(
                z, ratio, None if noise is None else noise[r], generator
            )
            pred = self.forward_decoder(latent, ids)
            hidden_sum = hidden_sum + pred * mask.unsqueeze(-1)
            count = count + mask.unsqueeze(-1)
            all_sum = all_sum + pred
        z_hat = torch.where(
            count > 0, hidden_sum / count.clamp_min(1.0), all_sum / n_repeats
        )
        return z_hat.reshape(len(z), -1), z, loc, scale

    def reconstruct(
        self,
        x: torch.Tensor,
        mask_ratio: float | None = None,
        n_repeats: int = 8,
        *,
        noise: torch.Tensor | None = None,
        generator: torch.Generator | None = None,
    ) -> torch.Tensor:
        """Denoised spectra: predictions averaged over several random maskings.

        Each of the ``n_repeats`` passes hides a random ``mask_ratio`` of the
        patches; every patch is predicted as the mean of the predictions made
        while it was *hidden* (so its own noise was never seen). A patch that
        no pass hid (probability ``(1 - mask_ratio) ** n_repeats`` with
        per-spectrum noise; always with ``mask_ratio=0``) gets the mean of the
        predictions made while it was visible, i.e. the autoencoder's output,
        never the raw input.

        Parameters
        ----------
        x : torch.Tensor of shape (N, n_features)
            Spectra in input units.
        mask_ratio : float, optional
            Default: the module's ``mask_ratio``.
        n_repeats : int, default=8
            Number of maskings.
        noise : torch.Tensor of shape (n_repeats, n_patches) or (n_repeats, N,
            n_patches), optional
            Masking noise per repeat (see :meth:`random_masking`); rows of
            shape ``(n_patches,)`` apply the same masks to every spectrum, so
            a spectrum's result does not depend on the rest of the batch.
        generator : torch.Generator, optional
            Source of the noise when ``noise`` is None (else the global RNG).

        Returns
        -------
        x_hat : torch.Tensor of shape (N, n_features)
            Reconstruction in input units (the padding is cut off).
        """
        z_hat, _, loc, scale = self.reconstruct_normalized(
            x, mask_ratio, n_repeats, noise=noise, generator=generator
        )
        x_hat = self.encoder.scaler.inverse(z_hat, loc, scale)
        return x_hat[:, : self.encoder.n_features]

    def reconstruction_error(
        self,
        x: torch.Tensor,
        mask_ratio: float | None = None,
        n_repeats: int = 8,
        *,
        noise: torch.Tensor | None = None,
        generator: torch.Generator | None = None,
    ) -> torch.Tensor:
        """Per-spectrum mean squared error of :meth:`reconstruct`, ``(N,)``.

        In normalised units over the real points (higher: worse reconstructed,
        more anomalous).
        """
        z_hat, z, _, _ = self.reconstruct_normalized(
            x, mask_ratio, n_repeats, noise=noise, generator=generator
        )
        L = self.encoder.n_features
        return ((z_hat[:, :L] - z[:, :L]) ** 2).mean(dim=1)


#: skorch criterion of :class:`MaskedAutoencoder1d` (its own loss, returned
#: first); the same as :class:`~sklspec.nn.ForwardLoss`.
MAELoss = ForwardLoss
