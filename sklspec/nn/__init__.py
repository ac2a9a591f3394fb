"""Pure torch modules: encoders, heads and losses.

This subpackage never imports scikit-learn or skorch; the sklearn estimators
around these modules live in :mod:`sklspec.embedders` and
:mod:`sklspec.finetune`. Every pretraining network is a
:class:`PretrainingModule` (``embed``, ``get_encoder``,
``fit_input_statistics``, ``get_config`` / ``from_config``) that starts with
the one :class:`InputScaler`.
"""

from ._cnn import CNNEncoder, TransformRecognitionModel, TransformRecognitionNet
from ._heads import (
    ClassificationHead,
    ConfigMixin,
    EncoderWithHead,
    MLPHead,
    RecognitionHead,
    RegressionHead,
    module_class,
    pool_features,
    pooled_size,
)
from ._layers import POOLINGS, SCALER_MODES, InputScaler, pool_tokens
from ._losses import ForwardLoss, MultiTaskBCELoss
from ._mae import MAEEncoder, MAELoss, MaskedAutoencoder1d, PreNormBlock
from ._protocol import PretrainingModule
from ._vae import LatentConverterNet, SpectralVAE, VAEMeanEncoder, gaussian_kl

__all__ = [
    "POOLINGS",
    "SCALER_MODES",
    "CNNEncoder",
    "ClassificationHead",
    "ConfigMixin",
    "EncoderWithHead",
    "ForwardLoss",
    "InputScaler",
    "LatentConverterNet",
    "MAEEncoder",
    "MAELoss",
    "MLPHead",
    "MaskedAutoencoder1d",
    "MultiTaskBCELoss",
    "PreNormBlock",
    "PretrainingModule",
    "RecognitionHead",
    "RegressionHead",
    "SpectralVAE",
    "TransformRecognitionModel",
    "TransformRecognitionNet",
    "VAEMeanEncoder",
    "gaussian_kl",
    "module_class",
    "pool_features",
    "pool_tokens",
    "pooled_size",
]
