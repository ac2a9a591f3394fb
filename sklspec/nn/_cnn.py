"""1-D CNN encoder and transformation-recognition network of Zhao et al. (2025).

Pure torch: this module never imports scikit-learn or skorch.

Reference: R. Zhao, Y. Li, et al., "A CNN-based self-supervised learning
framework for small-sample near-infrared spectroscopy classification",
Anal. Methods, 2025, 17, 1090 (DOI 10.1039/D4AY01970A).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from ._heads import ConfigMixin, RecognitionHead, pool_features
from ._layers import InputScaler
from ._protocol import PretrainingModule

__all__ = ["CNNEncoder", "TransformRecognitionModel", "TransformRecognitionNet"]


def _check_positive_int(name: str, value: int, minimum: int = 1) -> int:
    if isinstance(value, bool) or int(value) != value or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}.")
    return int(value)


#: Whether :class:`CNNEncoder` takes its inference path when it can (False:
#: always the layers' own forward; the speed benchmark times both).
_INFERENCE_PATH = True


def _fold_batch_norm(conv: nn.Conv1d, bn: nn.BatchNorm1d):
    """Weights and bias of ``bn(conv(x))`` as one convolution.

    With the batch norm in eval mode (its running statistics) the two are one
    affine map per channel after the convolution, so they fold into the
    convolution's weights: ``w' = w s``, ``b' = (b - mean) s + beta`` with
    ``s = gamma / sqrt(var + eps)``.

    Parameters
    ----------
    conv : torch.nn.Conv1d
        The convolution.
    bn : torch.nn.BatchNorm1d
        The batch norm after it (running statistics required).

    Returns
    -------
    weight : torch.Tensor of shape conv.weight.shape
    bias : torch.Tensor of shape (conv.out_channels,)

    Examples
    --------
    >>> import torch
    >>> conv, bn = torch.nn.Conv1d(2, 3, 3, padding=1), torch.nn.BatchNorm1d(3)
    >>> _ = bn.running_mean.fill_(0.5), bn.eval()
    >>> w, b = _fold_batch_norm(conv, bn)
    >>> x = torch.randn(4, 2, 9)
    >>> with torch.no_grad():
    ...     same = torch.allclose(bn(conv(x)), conv._conv_forward(x, w, b), atol=1e-6)
    >>> same
    True
    """
    scale = torch.rsqrt(bn.running_var + bn.eps)
    if bn.weight is not None:
        scale = scale * bn.weight
    bias = -bn.running_mean if conv.bias is None else conv.bias - bn.running_mean
    bias = bias * scale
    if bn.bias is not None:
        bias = bias + bn.bias
    return conv.weight * scale[:, None, None], bias


def _foldable(conv, bn) -> bool:
    return (
        isinstance(conv, nn.Conv1d)
        and isinstance(bn, nn.BatchNorm1d)
        and not bn.training
        and bn.running_mean is not None
    )


def _block_inference(block: nn.Sequential, x: torch.Tensor) -> torch.Tensor:
    """``block(x)`` for inference, in fewer passes over the feature maps.

    Each eval-mode batch norm is folded into the convolution before it
    (:func:`_fold_batch_norm`), and a ReLU followed by max pooling becomes the
    pooling followed by an in-place ReLU (the same values: ReLU is monotone),
    on half the points. The result equals ``block(x)`` to float rounding
    (tested).
    """
    layers = list(block)
    i = 0
    while i < len(layers):
        layer = layers[i]
        after = layers[i + 1] if i + 1 < len(layers) else None
        if _foldable(layer, after):
            x = layer._conv_forward(x, *_fold_batch_norm(layer, after))
            i += 2
        elif isinstance(layer, nn.ReLU) and isinstance(after, nn.MaxPool1d):
            x = torch.relu_(after(x))
            i += 2
        else:
            x = layer(x)
            i += 1
    return x


class CNNEncoder(ConfigMixin, nn.Module):
    """Shared 1-D CNN layers of Zhao et al. (2025), Fig. 2(a) and §3.1.1.

    Three convolutional blocks. Following the text of §3.1.1 literally ("each
    block begins with two consecutive one-dimensional convolutional layers
    ..., followed by batch normalization and ReLU activation functions. A max
    pooling layer, with a pool size of 2, is then employed"), a block is::

        Conv1d(k=3, same) -> Conv1d(k=3, same) -> BatchNorm1d -> ReLU -> MaxPool1d(2)

    with 32, 64 and 128 filters in blocks 1, 2 and 3. The two convolutions are
    then linear in sequence (together one convolution of width 5, with more
    parameters); ``norm_each_conv=True`` gives the common VGG-style variant
    ``(Conv -> BN -> ReLU) x 2 -> MaxPool`` instead.

    Max pooling floors odd lengths, so block ``b`` outputs length
    ``L // pool**b`` (applied block by block).

    Without gradients and with the batch norms in eval mode (the read-outs),
    a block runs on an inference path with fewer passes over its feature
    maps: each batch norm folded into the convolution before it, and the ReLU
    applied after the max pooling, on half the points (ReLU is monotone, so
    the values are the same); the result equals the layers' own forward to
    float rounding (tested).

    Parameters
    ----------
    n_features : int
        Number of spectral points ``L``. Must be at least ``pool ** n_blocks``
        (8 with the defaults) so that every pooling keeps one point.
    in_channels : int, default=1
        Input channels (1 for a spectrum).
    channels : sequence of int, default=(32, 64, 128)
        Filters of each block; its length is the number of blocks.
    kernel_size : int, default=3
        Width of every convolution (odd; "same" padding).
    pool : int, default=2
        Max-pooling size (and stride) at the end of each block.
    norm_each_conv : bool, default=False
        False: the paper's order above. True: BatchNorm + ReLU after each of
        the two convolutions.

    Attributes
    ----------
    config : dict
        The constructor arguments (see :meth:`get_config`).
    out_channels : int
        Channels of the last block.
    n_outputs : int
        Size of the flattened last feature map, ``out_channels * out_length()``.

    Examples
    --------
    >>> import torch
    >>> enc = CNNEncoder(228)
    >>> enc(torch.zeros(4, 228)).shape
    torch.Size([4, 128, 28])
    >>> enc.out_length(1), enc.n_outputs
    (114, 3584)
    """

    def __init__(
        self,
        n_features: int,
        in_channels: int = 1,
        channels: Sequence[int] = (32, 64, 128),
        kernel_size: int = 3,
        pool: int = 2,
        norm_each_conv: bool = False,
    ) -> None:
        super().__init__()
        n_features = _check_positive_int("n_features", n_features)
        in_channels = _check_positive_int("in_channels", in_channels)
        channels = tuple(_check_positive_int("channels", c) for c in channels)
        if not channels:
            raise ValueError("channels must contain at least one block.")
        kernel_size = _check_positive_int("kernel_size", kernel_size)
        if kernel_size % 2 == 0:
            raise ValueError(
                f"kernel_size must be odd for 'same' padding, got {kernel_size}."
            )
        pool = _check_positive_int("pool", pool)
        min_width = pool ** len(channels)
        if n_features < min_width:
            raise ValueError(
                f"CNNEncoder needs at least {min_width} spectral points "
                f"({len(channels)} max-pooling layers of size {pool}), got "
                f"n_features={n_features}. Use fewer blocks, a smaller pool, or "
                "resample the spectra."
            )
        self._set_config(
            n_features=n_features,
            in_channels=in_channels,
            channels=channels,
            kernel_size=kernel_size,
            pool=pool,
            norm_each_conv=bool(norm_each_conv),
        )
        self.n_features = n_features
        self.in_channels = in_channels
        self.channels = channels
        self.pool = pool

        blocks = []
        c_in = in_channels
        for c_out in channels:
            conv1 = nn.Conv1d(c_in, c_out, kernel_size, padding="same")
            conv2 = nn.Conv1d(c_out, c_out, kernel_size, padding="same")
            if norm_each_conv:
                layers = [
                    conv1,
                    nn.BatchNorm1d(c_out),
                    nn.ReLU(),
                    conv2,
                    nn.BatchNorm1d(c_out),
                    nn.ReLU(),
                ]
            else:
                layers = [conv1, conv2, nn.BatchNorm1d(c_out), nn.ReLU()]
            layers.append(nn.MaxPool1d(pool))
            blocks.append(nn.Sequential(*layers))
            c_in = c_out
        self.blocks = nn.ModuleList(blocks)

    @property
    def n_blocks(self) -> int:
        """Number of convolutional blocks."""
        return len(self.blocks)

    @property
    def out_channels(self) -> int:
        """Channels of the last block's feature map."""
        return self.channels[-1]

    def out_length(self, layer: int | None = None) -> int:
        """Length of the feature map after block ``layer`` (1-based).

        Parameters
        ----------
        layer : int, optional
            Block number in ``1..n_blocks``; default the last block.

        Returns
        -------
        length : int
        """
        layer = self._check_layer(layer)
        length = self.n_features
        for _ in range(layer):
            length //= self.pool
        return length

    def out_shape(self, layer: int | None = None) -> tuple[int, int]:
        """``(channels, length)`` of the feature map after block ``layer``."""
        layer = self._check_layer(layer)
        return self.channels[layer - 1], self.out_length(layer)

    @property
    def n_outputs(self) -> int:
        """Size of the flattened last feature map."""
        return self.out_channels * self.out_length()

    def _check_layer(self, layer: int | None) -> int:
        if layer is None:
            return self.n_blocks
        if isinstance(layer, bool) or layer not in range(1, self.n_blocks + 1):
            raise ValueError(
                f"layer must be an integer in 1..{self.n_blocks}, got {layer!r}."
            )
        return int(layer)

    def _prepare(self, x: torch.Tensor) -> torch.Tensor:
        if x.ndim == 2:
            x = x.unsqueeze(1)
        if x.ndim != 3 or x.shape[1] != self.in_channels:
            raise ValueError(
                f"CNNEncoder expects input of shape (N, L) or (N, {self.in_channels}"
                f", L), got {tuple(x.shape)}."
            )
        if x.shape[-1] != self.n_features:
            raise ValueError(
                f"CNNEncoder was built for n_features={self.n_features} spectral "
                f"points, got input of width {x.shape[-1]}."
            )
        return x

    def forward(
        self, x: torch.Tensor, return_all: bool = False
    ) -> torch.Tensor | tuple[torch.Tensor, ...]:
        """Encode spectra.

        Parameters
        ----------
        x : torch.Tensor of shape (N, L) or (N, in_channels, L)
            Spectra.
        return_all : bool, default=False
            Return the feature maps of all blocks instead of the last one.

        Returns
        -------
        features : torch.Tensor of shape (N, out_channels, L // pool**n_blocks)
            Or a tuple with the maps of blocks ``1..n_blocks`` when
            ``return_all``.
        """
        x = self._prepare(x)
        maps = []
        for block in self.blocks:
            x = self._run_block(block, x)
            maps.append(x)
        return tuple(maps) if return_all else x

    def forward_features(self, x: torch.Tensor, layer: int | None = None):
        """Feature map of block ``layer`` (1-based; later blocks are not run).

        Parameters
        ----------
        x : torch.Tensor of shape (N, L) or (N, in_channels, L)
            Spectra.
        layer : int, optional
            Block number in ``1..n_blocks``; default the last block.

        Returns
        -------
        features : torch.Tensor of shape (N, channels[layer-1], out_length(layer))
        """
        layer = self._check_layer(layer)
        x = self._prepare(x)
        for block in self.blocks[:layer]:
            x = self._run_block(block, x)
        return x

    @staticmethod
    def uses_inference_path(block: nn.Module) -> bool:
        """Whether `block` runs on the inference path now: without gradients
        and with its batch norms in eval mode (see :func:`_fold_batch_norm`)."""
        return (
            _INFERENCE_PATH
            and not torch.is_grad_enabled()
            and not any(
                m.training for m in block.modules() if isinstance(m, nn.BatchNorm1d)
            )
        )

    def _run_block(self, block: nn.Module, x: torch.Tensor) -> torch.Tensor:
        if self.uses_inference_path(block):
            return _block_inference(block, x)
        return block(x)


class TransformRecognitionNet(ConfigMixin, nn.Module):
    """Multi-task transformation-recognition network (Zhao et al. 2025, §3.1.1).

    A shared :class:`CNNEncoder`, flattened, feeds ``n_tasks`` independent
    binary :class:`RecognitionHead` branches (an ``nn.ModuleList``).

    Formulation of the pretext task (§3.1.1.1-§3.1.1.2): every unlabelled
    spectrum yields ``n_tasks = 7`` examples, the raw spectrum (id 0) and one
    copy per transformation (ids 1..6: noise, offset, multiplication,
    horizontal flip, vertical flip, permutation), ``7 L`` examples for ``L``
    spectra. Branch ``j`` answers the binary question "was transformation
    ``j`` applied?" (branch 0: "is this the raw spectrum?"), so an example
    made with transformation ``t`` has the one-hot target ``Y[j] = (j == t)``
    over the seven branches. The loss is the weighted average of the seven
    branch losses (:class:`MultiTaskBCELoss`, eqn (2)). The one-hot layout is
    what :func:`sklspec.augmentation.make_pretext_dataset` builds; the network
    and loss also accept multi-hot targets (composed transformations).

    Parameters
    ----------
    n_features : int
        Number of spectral points.
    n_tasks : int, default=7
        Number of binary branches (1 + number of transformations).
    in_channels, channels, kernel_size, pool, norm_each_conv
        Passed to :class:`CNNEncoder`.
    hidden : sequence of int, default=(256, 128)
        Hidden sizes of every branch (:class:`RecognitionHead`).
    dropout : float, default=0.5
        Dropout after each hidden layer of every branch.

    Attributes
    ----------
    encoder : CNNEncoder
        The shared layers, transferred to the classification network.
    heads : torch.nn.ModuleList of RecognitionHead
        The task-specific branches.

    Examples
    --------
    >>> import torch
    >>> net = TransformRecognitionNet(64, hidden=(16, 8))
    >>> net(torch.zeros(3, 64)).shape
    torch.Size([3, 7])
    """

    def __init__(
        self,
        n_features: int,
        n_tasks: int = 7,
        in_channels: int = 1,
        channels: Sequence[int] = (32, 64, 128),
        kernel_size: int = 3,
        pool: int = 2,
        norm_each_conv: bool = False,
        hidden: Sequence[int] = (256, 128),
        dropout: float = 0.5,
    ) -> None:
        super().__init__()
        n_tasks = _check_positive_int("n_tasks", n_tasks)
        self.encoder = CNNEncoder(
            n_features,
            in_channels=in_channels,
            channels=channels,
            kernel_size=kernel_size,
            pool=pool,
            norm_each_conv=norm_each_conv,
        )
        self.heads = nn.ModuleList(
            RecognitionHead(self.encoder.n_outputs, hidden=hidden, dropout=dropout)
            for _ in range(n_tasks)
        )
        self._set_config(
            n_features=self.encoder.n_features,
            n_tasks=n_tasks,
            **{k: v for k, v in self.encoder.config.items() if k != "n_features"},
            hidden=self.heads[0].config["hidden"],
            dropout=self.heads[0].config["dropout"],
        )
        self.n_tasks = n_tasks

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        """Flattened shared-layer output, shape ``(N, encoder.n_outputs)``."""
        return self.encoder(x).flatten(start_dim=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return the logits of all branches, shape ``(N, n_tasks)``."""
        z = self.forward_features(x)
        return torch.cat([head(z) for head in self.heads], dim=1)


class TransformRecognitionModel(PretrainingModule):
    """The pretraining network of the transformation-recognition embedder.

    ``x -> InputScaler("global") -> TransformRecognitionNet``: one global mean
    and scale standardise the spectra (offsets and gains between spectra stay
    visible to the pretext task); spectra narrower than ``pool **
    len(channels)`` points are edge-padded.

    Parameters
    ----------
    n_features : int
        Number of spectral points.
    n_tasks : int, default=7
        Number of binary branches (1 + number of transformations).
    in_channels : int, default=1
        Must be 1 (the scaler takes ``(N, n_features)`` spectra).
    channels, kernel_size, pool, norm_each_conv, hidden, dropout
        Passed to :class:`TransformRecognitionNet`.

    Attributes
    ----------
    scaler : InputScaler
        Input standardisation (saved with the weights).
    net : TransformRecognitionNet
        Encoder and recognition heads.

    Examples
    --------
    >>> import torch
    >>> model = TransformRecognitionModel(64, channels=(4, 8), hidden=(8,))
    >>> model(torch.zeros(3, 64)).shape, model.embed(torch.zeros(3, 64)).shape
    (torch.Size([3, 7]), torch.Size([3, 8]))
    """

    def __init__(
        self,
        n_features: int,
        n_tasks: int = 7,
        in_channels: int = 1,
        channels: Sequence[int] = (32, 64, 128),
        kernel_size: int = 3,
        pool: int = 2,
        norm_each_conv: bool = False,
        hidden: Sequence[int] = (256, 128),
        dropout: float = 0.5,
    ) -> None:
        super().__init__()
        if int(in_channels) != 1:
            raise ValueError(
                f"TransformRecognitionModel takes single-channel spectra, got "
                f"in_channels={in_channels}."
            )
        channels = tuple(int(c) for c in channels)
        self.scaler = InputScaler(
            n_features, "global", min_width=int(pool) ** len(channels)
        )
        self.net = TransformRecognitionNet(
            self.scaler.out_features,
            n_tasks=n_tasks,
            channels=channels,
            kernel_size=kernel_size,
            pool=pool,
            norm_each_conv=norm_each_conv,
            hidden=hidden,
            dropout=dropout,
        )
        net_config = self.net.get_config()
        self._set_config(
            **{
                **net_config,
                "n_features": _check_positive_int("n_features", n_features),
            }
        )
        self.n_features = int(n_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits of all branches, shape ``(N, n_tasks)``."""
        return self.net(self.scaler(x))

    def embed(
        self, x: torch.Tensor, layer: int | None = None, pooling: str = "avg"
    ) -> torch.Tensor:
        """Pooled feature map of conv block ``layer`` (default: the last)."""
        fmap = self.net.encoder.forward_features(self.scaler(x), layer)
        return pool_features(fmap, pooling)

    def get_encoder(self) -> nn.Module:
        """``Sequential(scaler, net.encoder)``, sharing the weights."""
        return nn.Sequential(self.scaler, self.net.encoder)
