"""Fully connected heads, pooling of feature maps and the encoder + head wrapper.

Pure torch: this module never imports scikit-learn or skorch.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import torch
from torch import nn

from ._layers import POOLINGS, check_pooling

__all__ = [
    "ClassificationHead",
    "ConfigMixin",
    "EncoderWithHead",
    "MLPHead",
    "POOLINGS",
    "RecognitionHead",
    "RegressionHead",
    "module_class",
    "pool_features",
    "pooled_size",
]

#: Poolings of a ``(N, C, L)`` feature map (all of :data:`POOLINGS` but "cls").
FEATURE_MAP_POOLINGS = tuple(p for p in POOLINGS if p != "cls")


_MODULE_REGISTRY: dict[str, type] = {}


def module_class(name: str) -> type:
    """The :class:`ConfigMixin` module class called ``name``.

    Raises
    ------
    ValueError
        If no such class is registered (the message lists the known ones).
    """
    if name not in _MODULE_REGISTRY:
        raise ValueError(
            f"Unknown sklspec.nn module class {name!r}; known classes: "
            f"{sorted(_MODULE_REGISTRY)}."
        )
    return _MODULE_REGISTRY[name]


class ConfigMixin:
    """Store the constructor arguments of a module so it can be rebuilt.

    Subclasses call ``self._set_config(...)`` in ``__init__`` with the keyword
    arguments that rebuild them. The values are JSON friendly (tuples become
    lists), so ``cls(**json.loads(json.dumps(module.get_config())))`` rebuilds
    a module of the same architecture; load the ``state_dict`` to get the same
    weights. Every subclass is registered by name (:func:`module_class`), so
    a saved module can be rebuilt from its class name and config alone.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _MODULE_REGISTRY[cls.__name__] = cls

    def _set_config(self, **kwargs: Any) -> None:
        self.config = {k: _to_json(v) for k, v in kwargs.items()}

    def get_config(self) -> dict[str, Any]:
        """Return a copy of the constructor arguments (JSON serialisable).

        Returns
        -------
        config : dict
            Keyword arguments that rebuild the module with ``cls(**config)``.
        """
        return copy.deepcopy(self.config)

    @classmethod
    def from_config(cls, config: dict[str, Any]):
        """Build a module from the output of :meth:`get_config`.

        Parameters
        ----------
        config : dict
            Constructor keyword arguments.

        Returns
        -------
        module : torch.nn.Module
            A freshly initialised module (load a ``state_dict`` for weights).
        """
        return cls(**config)


def _to_json(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _to_json(v) for k, v in value.items()}
    return value


def _check_hidden(hidden: Sequence[int] | int) -> tuple[int, ...]:
    if isinstance(hidden, int):
        hidden = (hidden,)
    hidden = tuple(int(h) for h in hidden)
    if any(h < 1 for h in hidden):
        raise ValueError(f"hidden sizes must be positive integers, got {hidden}.")
    return hidden


def _check_dropout(dropout: float) -> float:
    dropout = float(dropout)
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout must be in [0, 1), got {dropout}.")
    return dropout


class MLPHead(ConfigMixin, nn.Module):
    """Fully connected head: ``Linear -> ReLU -> Dropout`` blocks, then ``Linear``.

    With the default two hidden layers this is the three fully connected layers
    of Zhao et al. (2025) §3.1.1 and §3.1.2: ReLU between the layers and 50 %
    dropout after each hidden layer. No dropout is applied to the output layer
    (dropping output logits would make no sense).

    Parameters
    ----------
    in_features : int
        Size of the input vectors. Inputs with more than two dimensions are
        flattened from dimension 1 on.
    n_outputs : int, default=1
        Size of the output (logits or values).
    hidden : sequence of int, default=(256, 128)
        Sizes of the hidden layers; ``len(hidden) + 1`` linear layers in all.
    dropout : float, default=0.5
        Dropout probability after each hidden layer.

    Examples
    --------
    >>> import torch
    >>> head = MLPHead(20, n_outputs=3)
    >>> head(torch.zeros(4, 20)).shape
    torch.Size([4, 3])
    """

    def __init__(
        self,
        in_features: int,
        n_outputs: int = 1,
        hidden: Sequence[int] = (256, 128),
        dropout: float = 0.5,
    ) -> None:
        super().__init__()
        in_features, n_outputs = int(in_features), int(n_outputs)
        if in_features < 1 or n_outputs < 1:
            raise ValueError(
                "in_features and n_outputs must be positive, got "
                f"in_features={in_features}, n_outputs={n_outputs}."
            )
        hidden = _check_hidden(hidden)
        dropout = _check_dropout(dropout)
        self._set_config(
            in_features=in_features,
            n_outputs=n_outputs,
            hidden=hidden,
            dropout=dropout,
        )
        self.in_features = in_features
        self.n_outputs = n_outputs
        layers: list[nn.Module] = []
        width = in_features
        for h in hidden:
            layers += [nn.Linear(width, h), nn.ReLU(), nn.Dropout(dropout)]
            width = h
        layers.append(nn.Linear(width, n_outputs))
        self.layers = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Map ``(N, in_features)`` inputs to ``(N, n_outputs)`` outputs."""
        if x.ndim > 2:
            x = x.flatten(start_dim=1)
        return self.layers(x)


class RecognitionHead(MLPHead):
    """Binary head of the transformation-recognition network (one logit).

    One of the seven task-specific branches of Zhao et al. (2025) §3.1.1:
    three fully connected layers, ReLU between them, 50 % dropout after each
    hidden layer, one output logit (use with ``BCEWithLogits``). The paper's
    Fig. 2 with the layer sizes is not available in the text; the hidden sizes
    ``(256, 128)`` are our choice.

    Parameters
    ----------
    in_features : int
        Size of the (flattened) encoder output.
    hidden : sequence of int, default=(256, 128)
        Sizes of the two hidden layers.
    dropout : float, default=0.5
        Dropout probability after each hidden layer.

    Examples
    --------
    >>> import torch
    >>> RecognitionHead(16)(torch.zeros(2, 16)).shape
    torch.Size([2, 1])
    """

    def __init__(
        self,
        in_features: int,
        hidden: Sequence[int] = (256, 128),
        dropout: float = 0.5,
    ) -> None:
        super().__init__(in_features, n_outputs=1, hidden=hidden, dropout=dropout)
        self.config.pop("n_outputs")


class ClassificationHead(MLPHead):
    """Classifier of the spectral classification network (Zhao et al. §3.1.2).

    Three fully connected layers (ReLU, 50 % dropout after the hidden layers)
    ending in ``n_classes`` logits, for ``CrossEntropyLoss`` (eqn (3)).

    Parameters
    ----------
    in_features : int
        Size of the (pooled) encoder output.
    n_classes : int
        Number of classes (logits). Must be at least 2.
    hidden : sequence of int, default=(256, 128)
        Sizes of the hidden layers (the paper's Fig. 2(b) is not available in
        the text; our choice).
    dropout : float, default=0.5
        Dropout probability after each hidden layer.

    Examples
    --------
    >>> import torch
    >>> ClassificationHead(16, n_classes=3)(torch.zeros(2, 16)).shape
    torch.Size([2, 3])
    """

    def __init__(
        self,
        in_features: int,
        n_classes: int,
        hidden: Sequence[int] = (256, 128),
        dropout: float = 0.5,
    ) -> None:
        if int(n_classes) < 2:
            raise ValueError(f"n_classes must be at least 2, got {n_classes}.")
        super().__init__(
            in_features, n_outputs=n_classes, hidden=hidden, dropout=dropout
        )
        self.config["n_classes"] = self.config.pop("n_outputs")
        self.n_classes = int(n_classes)


class RegressionHead(MLPHead):
    """Regression head: the classifier's layout with ``n_outputs`` linear outputs.

    Not in Zhao et al. (2025), which only classifies. The default dropout is
    lower (0.2) than the classifier's 0.5: heavy dropout before a linear output
    inflates the variance of the predictions during training.

    Parameters
    ----------
    in_features : int
        Size of the (pooled) encoder output.
    n_outputs : int, default=1
        Number of regression targets.
    hidden : sequence of int, default=(256, 128)
        Sizes of the hidden layers.
    dropout : float, default=0.2
        Dropout probability after each hidden layer.

    Examples
    --------
    >>> import torch
    >>> RegressionHead(16, n_outputs=2)(torch.zeros(5, 16)).shape
    torch.Size([5, 2])
    """

    def __init__(
        self,
        in_features: int,
        n_outputs: int = 1,
        hidden: Sequence[int] = (256, 128),
        dropout: float = 0.2,
    ) -> None:
        super().__init__(
            in_features, n_outputs=n_outputs, hidden=hidden, dropout=dropout
        )


def _check_feature_map_pooling(pooling: str) -> None:
    if pooling not in FEATURE_MAP_POOLINGS:
        raise ValueError(
            f"pooling={pooling!r} needs a token sequence (a transformer encoder); "
            f"a (N, C, L) feature map takes one of {FEATURE_MAP_POOLINGS}."
        )


def pool_features(feature_map: torch.Tensor, pooling: str = "flatten") -> torch.Tensor:
    """Turn a ``(N, C, L)`` feature map into ``(N, D)`` embeddings.

    Parameters
    ----------
    feature_map : torch.Tensor of shape (N, C, L) or (N, D)
        Encoder output. A 2-D input is already an embedding and is returned
        unchanged whatever ``pooling``.
    pooling : {"flatten", "avg", "max", "avgmax"}, default="flatten"
        ``"flatten"``: ``D = C * L`` (channel-major, as ``Tensor.flatten``);
        ``"avg"`` / ``"max"``: global average / max over the length, ``D = C``;
        ``"avgmax"``: both concatenated (average first), ``D = 2 * C``.

    Returns
    -------
    embedding : torch.Tensor of shape (N, D)

    Examples
    --------
    >>> import torch
    >>> fmap = torch.ones(2, 4, 5)
    >>> [pool_features(fmap, p).shape[1] for p in FEATURE_MAP_POOLINGS]
    [20, 4, 4, 8]
    """
    check_pooling(pooling)
    if feature_map.ndim == 2:
        return feature_map
    _check_feature_map_pooling(pooling)
    if feature_map.ndim != 3:
        raise ValueError(
            "feature_map must have shape (N, C, L) or (N, D), got shape "
            f"{tuple(feature_map.shape)}."
        )
    if pooling == "flatten":
        return feature_map.flatten(start_dim=1)
    if pooling == "avg":
        return feature_map.mean(dim=2)
    if pooling == "max":
        return feature_map.amax(dim=2)
    return torch.cat([feature_map.mean(dim=2), feature_map.amax(dim=2)], dim=1)


def pooled_size(n_channels: int, length: int | None, pooling: str = "flatten") -> int:
    """Size ``D`` of the embedding :func:`pool_features` returns.

    Parameters
    ----------
    n_channels : int
        Number of channels ``C`` of the feature map (or ``D`` of a 2-D output,
        with ``length=None``).
    length : int or None
        Length ``L`` of the feature map; None for an encoder with 2-D output.
    pooling : {"flatten", "avg", "max", "avgmax"}, default="flatten"
        See :func:`pool_features`.

    Returns
    -------
    size : int

    Examples
    --------
    >>> pooled_size(128, 28, "flatten"), pooled_size(128, 28, "avgmax")
    (3584, 256)
    """
    check_pooling(pooling)
    if length is None:
        return int(n_channels)
    _check_feature_map_pooling(pooling)
    return {
        "flatten": n_channels * length,
        "avg": n_channels,
        "max": n_channels,
        "avgmax": 2 * n_channels,
    }[pooling]


class EncoderWithHead(nn.Module):
    """Any encoder followed by pooling and a head (used for fine-tuning).

    Works with every encoder mapping ``(N, L)`` spectra to either a feature
    map ``(N, C, L')`` (pooled with :func:`pool_features`) or an embedding
    ``(N, D)`` (passed through). This is network (B) of Zhao et al. (2025)
    Fig. 1 when ``encoder`` is the pretrained :class:`CNNEncoder` and ``head``
    a :class:`ClassificationHead`.

    Parameters
    ----------
    encoder : torch.nn.Module
        The (pretrained) encoder. Its parameters are registered, so an
        optimiser over ``self.parameters()`` fine-tunes it; freeze it with
        skorch's ``Freezer`` or ``requires_grad_(False)``.
    head : torch.nn.Module
        Maps ``(N, D)`` embeddings to the outputs; ``D`` must match the pooled
        encoder output (see :func:`pooled_size`).
    pooling : {"flatten", "avg", "max", "avgmax"}, default="flatten"
        How a 3-D encoder output becomes ``(N, D)``.
    freeze_encoder : bool, default=False
        Freeze the encoder: its parameters get ``requires_grad=False`` and it
        stays in eval mode (batch-norm statistics and dropout frozen) even
        when the module is put in training mode; only the head learns.

    Examples
    --------
    >>> import torch
    >>> from sklspec.nn import CNNEncoder, ClassificationHead
    >>> enc = CNNEncoder(64)
    >>> head = ClassificationHead(enc.out_channels, n_classes=3)
    >>> model = EncoderWithHead(enc, head, pooling="avg")
    >>> model(torch.zeros(2, 64)).shape
    torch.Size([2, 3])
    """

    def __init__(
        self,
        encoder: nn.Module,
        head: nn.Module,
        pooling: str = "flatten",
        freeze_encoder: bool = False,
    ) -> None:
        super().__init__()
        self.encoder = encoder
        self.head = head
        self.pooling = check_pooling(pooling)
        self.freeze_encoder = bool(freeze_encoder)
        if self.freeze_encoder:
            self.encoder.requires_grad_(False)
            self.encoder.eval()

    def train(self, mode: bool = True) -> EncoderWithHead:
        """Set training mode; a frozen encoder always stays in eval mode."""
        super().train(mode)
        if self.freeze_encoder:
            self.encoder.eval()
        return self

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        """Return the pooled ``(N, D)`` embedding the head receives."""
        return pool_features(self.encoder(x), self.pooling)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Encode, pool and apply the head."""
        return self.head(self.forward_features(x))

    def get_config(self) -> dict[str, Any]:
        """Return the pooling and the class name and config of both parts.

        Returns
        -------
        config : dict
            ``{"pooling": ..., "encoder": {"class": ..., "config": ...},
            "head": {...}}``; ``"config"`` is None for a part without
            ``get_config``.
        """

        def describe(module: nn.Module) -> dict[str, Any]:
            get = getattr(module, "get_config", None)
            return {
                "class": type(module).__name__,
                "config": get() if callable(get) else None,
            }

        return {
            "pooling": self.pooling,
            "encoder": describe(self.encoder),
            "head": describe(self.head),
        }
